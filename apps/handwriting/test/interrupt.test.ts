// Ctrl-C during `train`: the run finishes its step, validates, writes its
// checkpoint and exits normally, as a user would stop a long run.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '../src/checkpoint.js';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cliSource = path.join(appDir, 'src', 'cli.ts');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handwriting-sigint-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('neurone-handwriting train and Ctrl-C', () => {
  it('SIGINT in the middle of a long run validates, saves the checkpoint and exits 0', { timeout: 120_000 }, async () => {
    const out = path.join(dir, 'stopped.safetensors');
    const args = [
      'train', '--channels', '4,8', '--pools', '2x2,2x2', '--hidden', '8', '--layers', '1', '--steps', '1000000',
      '--batch-size', '2', '--val-every', '1000000', '--val-size', '1', '--max-chars', '8', '--no-progress', '--out', out,
    ];
    const child = spawn(process.execPath, ['--import', 'tsx', cliSource, ...args], { cwd: appDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let sent = false;
    const status = await new Promise<number | null>((resolve, reject) => {
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        // a million steps: only the signal can end this run
        if (stderr.includes('parameters') && !sent) {
          sent = true; // once: a second Ctrl-C quits without saving
          setTimeout(() => child.kill('SIGINT'), 1500);
        }
      });
      child.on('error', reject);
      child.on('close', resolve);
    });
    expect(status).toBe(0);
    expect(stderr).toContain('stopping: saving after this step');
    expect(stderr).toMatch(/stopped at step \d+/);
    const saved = loadModel(out);
    expect(saved.step).toBeGreaterThan(0);
    expect(saved.step).toBeLessThan(1_000_000);
    expect(saved.optimizer).toBeDefined();
  });
});
