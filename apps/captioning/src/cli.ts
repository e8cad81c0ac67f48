#!/usr/bin/env node
// neurone-caption: train, evaluate and run the attentive image captioner.
import { run } from './program.js';

// started by `pnpm caption ...` (from the repository root or this package): file
// names are relative to the directory the command was typed in
const typedIn = process.env.INIT_CWD;
if (typedIn && process.env.npm_lifecycle_event === 'caption') process.chdir(typedIn);

try {
  await run(process.argv.slice(2));
} catch (e) {
  console.error(`neurone-caption: ${(e as Error).message}`);
  process.exitCode = 1;
}
