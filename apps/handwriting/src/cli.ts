#!/usr/bin/env node
// neurone-handwriting: train, evaluate and run the handwritten line recognizer.
import { run } from './program.js';

// started by `pnpm handwriting ...` (from the repository root or this package): file
// names are relative to the directory the command was typed in, not the script's
const typedIn = process.env.INIT_CWD;
if (typedIn && process.env.npm_lifecycle_event === 'handwriting') process.chdir(typedIn);

await run(process.argv.slice(2));
