// The command line, run as a user runs it: a separate node process.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir, trainTiny, writeCorpus } from './helpers.js';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cliSource = path.join(appDir, 'src', 'cli.ts');

/** Runs the CLI in its own node process (asynchronously, so that the test worker stays responsive). */
function cli(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cliSource, ...args], { cwd: appDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('neurone-textgen', () => {
  const dir = tempDir();
  let corpus: string;
  let model: string;
  beforeAll(async () => {
    corpus = writeCorpus(dir);
    model = path.join(dir, 'tiny.safetensors');
    await trainTiny(corpus, model, 6);
  });

  it('--help lists the commands, and each command has its own --help', async () => {
    const [top, tr, ev, ge] = await Promise.all([cli('--help'), cli('train', '--help'), cli('eval', '--help'), cli('generate', '--help')]);
    expect(top.status).toBe(0);
    for (const c of ['train', 'eval', 'generate']) expect(top.stdout).toContain(c);
    expect(tr.status).toBe(0);
    for (const o of ['--corpus', '--cell', '--hidden', '--layers', '--seq', '--batch', '--minutes', '--steps', '--resume', '--checkpoint']) expect(tr.stdout).toContain(o);
    expect(ev.status).toBe(0);
    for (const o of ['--checkpoint', '--json']) expect(ev.stdout).toContain(o);
    expect(ge.status).toBe(0);
    for (const o of ['--prompt', '--length', '--temperature', '--top-k', '--seed', '--checkpoint', '--json']) expect(ge.stdout).toContain(o);
  });

  it('train writes a checkpoint and a loss-curve PNG', async () => {
    const out = path.join(dir, 'cli.safetensors');
    const r = await cli('train', '--corpus', corpus, '--hidden', '8', '--layers', '1', '--embedding', '4', '--seq', '8', '--batch', '4',
      '--steps', '4', '--val-every', '2', '--val-chars', '200', '--checkpoint', out);
    expect(r.stderr).toContain('done at step 4');
    expect(r.status).toBe(0);
    expect(fs.existsSync(out)).toBe(true);
    const png = fs.readFileSync(path.join(dir, 'cli.png'));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });

  it('eval --json prints nats and bits per character and perplexity', async () => {
    const r = await cli('eval', '--checkpoint', model, '--json');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.natsPerChar).toBeGreaterThan(0);
    expect(j.bitsPerChar).toBeCloseTo(j.natsPerChar / Math.LN2, 10);
    expect(j.perplexity).toBeCloseTo(Math.exp(j.natsPerChar), 10);
    expect(j.characters).toBeGreaterThan(500);
    const text = await cli('eval', '--checkpoint', model);
    expect(text.stdout).toMatch(/nats\/char .* bits\/char .* perplexity/);
  });

  it('generate is deterministic for a seed, as JSON and streamed', async () => {
    const args = ['generate', '--checkpoint', model, '--prompt', 'The whale', '--length', '40', '--seed', '5', '--top-k', '10'];
    const runs = await Promise.all([cli(...args, '--json'), cli(...args, '--json'), cli(...args)]);
    const [a, b] = runs.slice(0, 2).map((r) => JSON.parse(r.stdout));
    expect(a.text).toHaveLength(40);
    expect(b.text).toBe(a.text);
    expect(a).toMatchObject({ prompt: 'The whale', seed: 5, topK: 10, length: 40 });
    const streamed = runs[2]!;
    expect(streamed.status).toBe(0);
    expect(streamed.stdout).toBe(`The whale${a.text}\n`);
  });

  it('refuses an unknown prompt character with a clear error, or drops it with --skip-unknown', async () => {
    const r = await cli('generate', '--checkpoint', model, '--prompt', 'The ~sea', '--length', '5', '--seed', '1');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("'~' (U+007E)");
    expect(r.stdout).toBe('');
    const s = await cli('generate', '--checkpoint', model, '--prompt', 'The ~sea', '--length', '5', '--seed', '1', '--skip-unknown', '--json');
    expect(s.status).toBe(0);
    expect(JSON.parse(s.stdout)).toMatchObject({ prompt: 'The sea', dropped: ['~'] });
  });

  it('refuses a corrupt checkpoint with a message', async () => {
    const bad = path.join(dir, 'corrupt.safetensors');
    fs.writeFileSync(bad, fs.readFileSync(model).subarray(0, 100));
    const r = await cli('generate', '--checkpoint', bad, '--json');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^neurone-textgen: loadCheckpoint: .*corrupt\.safetensors: /);
    expect(r.stdout).toBe('');
  });

  it('rejects bad arguments', async () => {
    const r = await cli('generate', '--checkpoint', model, '--temperature', 'hot');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('--temperature');
  });
});
