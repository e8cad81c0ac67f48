// Ctrl-C during `train`: the run stops after the current step, writes its
// checkpoint and exits normally; `--resume` goes on from there.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCaptionCheckpoint } from '../src/checkpoint.js';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cliSource = path.join(appDir, 'src', 'cli.ts');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caption-sigint-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('neurone-caption train and Ctrl-C', () => {
  it('SIGINT in the middle of a long run saves the checkpoint and exits 0', { timeout: 120_000 }, async () => {
    const ckpt = path.join(dir, 'stopped.safetensors');
    const args = [
      'train', '--encoder', '4,M,8,M', '--embedding', '8', '--hidden', '16', '--attention', '8',
      '--train-scenes', '12', '--val-scenes', '3', '--batch', '4', '--val-every', '1000000',
      '--pretrain-steps', '2', '--frozen-steps', '2', '--steps', '1000000', '--checkpoint', ckpt, '--quiet',
    ];
    const child = spawn(process.execPath, ['--import', 'tsx', cliSource, ...args], { cwd: appDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let sent = false;
    const status = await new Promise<number | null>((resolve, reject) => {
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        // a million fine-tuning steps: only the signal can end this run
        if (stderr.includes('phase finetune') && !sent) {
          sent = true; // once: a second Ctrl-C would end the process without saving
          setTimeout(() => child.kill('SIGINT'), 500);
        }
      });
      child.on('error', reject);
      child.on('close', resolve);
    });
    expect(status).toBe(0);
    expect(stderr).toContain(`wrote ${ckpt}`);
    const c = loadCaptionCheckpoint(ckpt);
    expect(c.meta.progress.phase).toBe('finetune');
    expect(c.meta.progress.step).toBeGreaterThan(4);
    expect(c.meta.progress.step).toBeLessThan(1_000_000);
  });
});
