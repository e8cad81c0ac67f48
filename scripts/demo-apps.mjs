#!/usr/bin/env node
// The README's demo, part 2: the three example apps at work with their shipped models.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'neurone-demo-'));
let failed = false;

/** Runs an app's CLI, showing its output as it comes. */
function app(name, args, model) {
  const cli = join(root, 'apps', name, 'dist', 'cli.js');
  if (model && !existsSync(join(root, 'apps', name, 'models', model))) {
    console.log(`   (apps/${name} has no shipped model yet: train one with its \`train\` command)`);
    return;
  }
  if (!existsSync(cli)) {
    console.log(`   (apps/${name} is not built: run the build first)`);
    failed = true;
    return;
  }
  console.log(`   $ neurone-${name === 'captioning' ? 'caption' : name} ${args.map((a) => (a.includes(' ') ? JSON.stringify(a) : a)).join(' ')}`);
  const r = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}

console.log('\n4. A character-level LSTM trained on the State of the Union addresses writes a speech:');
app('textgen', ['generate', '--prompt', 'The state of the Union', '--length', '240', '--seed', '7']);

console.log('\n\n5. A handwriting recognizer (CNN + bidirectional LSTM + CTC) reads lines it has never seen:');
app('handwriting', ['demo', '--dir', dir], 'handwriting.safetensors');

console.log('\n6. An image captioner with visual attention describes a scene it renders:');
const scene = join(dir, 'scene.png');
app('captioning', ['render', '--seed', '2000042', scene]);
app('captioning', ['describe', scene]);

console.log(`\nImages written to ${dir}`);
if (failed) process.exitCode = 1;
