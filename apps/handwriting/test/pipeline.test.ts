import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tensor } from '@neurone/core';
import { saveImage } from '@neurone/vision';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadModel } from '../src/checkpoint.js';
import { CHARSET } from '../src/charset.js';
import { run } from '../src/program.js';
import { recognizeFile } from '../src/recognize.js';
import { renderLine, renderPage } from '../src/render.js';
import { train } from '../src/train.js';

const dir = mkdtempSync(join(tmpdir(), 'handwriting-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI in this process and returns what it printed and its exit code. */
async function cli(args: string[]): Promise<{ out: string; err: string; code: number }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
  process.exitCode = 0;
  try {
    await run(args);
  } finally {
    log.mockRestore();
    error.mockRestore();
    stderr.mockRestore();
    stdout.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out: out.join('\n'), err: err.join('\n'), code };
}

const tiny = { channels: [4, 8], pools: [[2, 2], [2, 2]] as Array<[number, number]>, hidden: 8, layers: 1 };

describe('train -> save -> load -> recognize', () => {
  const ckpt = join(dir, 'run.safetensors');
  const weights = join(dir, 'tiny.safetensors');

  it('trains a tiny model, writes its checkpoint and weights, and resumes', async () => {
    const base = {
      arch: 'crnn' as const, batchSize: 2, lr: 3e-3, seed: 5, valEvery: 2, valSize: 2, out: ckpt, export: weights,
      resume: false, maxChars: 12, digitsFraction: 0.5, config: tiny, progress: false, poolBatches: 1, log: () => undefined,
    };
    const r = await train({ ...base, steps: 2 });
    expect(r.steps).toBe(2);
    expect(r.metrics.valLinesCER).toBeGreaterThanOrEqual(0);
    const first = loadModel(ckpt);
    expect(first.step).toBe(2);
    expect(first.optimizer).toBeDefined();
    // resuming continues from step 2 with the saved weights and optimizer
    const r2 = await train({ ...base, steps: 3, resume: true });
    expect(r2.steps).toBe(3);
    expect(loadModel(ckpt).step).toBe(3);
    const w = loadModel(weights);
    expect(w.optimizer).toBeUndefined();
    expect(w.metadata.charset).toBe(CHARSET);
    expect(w.model.config).toMatchObject(tiny);
  });

  it('fine-tunes from a model\'s weights with --init, and refuses weights that do not fit', async () => {
    const base = {
      arch: 'crnn' as const, steps: 1, batchSize: 2, lr: 1e-12, seed: 6, valEvery: 1, valSize: 1, out: join(dir, 'ft.safetensors'),
      resume: false, maxChars: 12, digitsFraction: 0.5, progress: false, poolBatches: 1, log: () => undefined, init: weights,
    };
    // a different pooling keeps every parameter shape, so the weights carry over
    const r = await train({ ...base, config: { pools: [[2, 2], [2, 1]] } });
    expect(r.model.config.pools).toEqual([[2, 2], [2, 1]]);
    expect(r.model.config.channels).toEqual(tiny.channels);
    const from = loadModel(weights).model.stateDict();
    const tuned = r.model.stateDict();
    // the learning rate is ~0, so the parameters are still the initial ones (batch-norm running statistics move)
    for (const [k, t] of Object.entries(from).filter(([k]) => !k.includes('running') && !k.includes('num_batches'))) {
      const a = tuned[k]!.data;
      expect(a.every((v, i) => Math.abs(v - t.data[i]!) < 1e-6), k).toBe(true);
    }
    expect(loadModel(base.out).step).toBe(1);
    await expect(train({ ...base, config: { hidden: 4 } })).rejects.toThrow(/--init .*tiny\.safetensors' do not fit/);
  });

  it('loads the weights and reads PNG and JPEG files of any size, colour or gray, and pages', async () => {
    const { model } = loadModel(weights);
    const line = renderLine('hello 42', 'kalam', 3);
    const rgb = new Tensor(line.data, [3, line.height, line.width]);
    await saveImage(rgb, join(dir, 'line.png'));
    await saveImage(rgb, join(dir, 'line.jpg'));
    await saveImage(rgb.mean(0, true), join(dir, 'gray.png'));
    const big = renderLine('hello 42', 'kalam', 3, { size: 160 });
    await saveImage(new Tensor(big.data, [3, big.height, big.width]), join(dir, 'big.png'));
    for (const f of ['line.png', 'line.jpg', 'gray.png', 'big.png']) {
      const r = await recognizeFile(model, join(dir, f));
      expect(typeof r.text).toBe('string');
      expect([...r.text].every((c) => CHARSET.includes(c) || c === '\n')).toBe(true);
      expect(r.confidence).toBeGreaterThanOrEqual(0);
      expect(r.confidence).toBeLessThanOrEqual(1);
    }
    const page = renderPage(['first line here', 'and the second', 'third one, 1851'], 'patrick-hand', 4);
    await saveImage(new Tensor(page.data, [3, page.height, page.width]), join(dir, 'page.png'));
    const r = await recognizeFile(model, join(dir, 'page.png'), { beam: 3 });
    expect(r.lines).toHaveLength(3);
    expect(r.text.split('\n')).toHaveLength(3);
  });

  it('recognize --json prints file, text and confidence for each input', async () => {
    const { out, code } = await cli(['recognize', join(dir, 'line.png'), join(dir, 'page.png'), '--checkpoint', weights, '--json']);
    expect(code).toBe(0);
    const json = JSON.parse(out) as Array<{ file: string; text: string; confidence: number }>;
    expect(json.map((e) => e.file)).toEqual([join(dir, 'line.png'), join(dir, 'page.png')]);
    for (const e of json) {
      expect(typeof e.text).toBe('string');
      expect(e.confidence).toBeGreaterThanOrEqual(0);
    }
  });

  it('recognize refuses an unreadable file with a message and exit code 1', async () => {
    const bad = join(dir, 'not-an-image.png');
    writeFileSync(bad, 'this is text, not a PNG');
    const r = await cli(['recognize', bad, '--checkpoint', weights]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`'${bad}' is not an image that can be read`);
    const missing = await cli(['recognize', join(dir, 'missing.png'), '--checkpoint', weights]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/cannot open .*missing\.png.*ENOENT/);
  });

  it('train --pools sets the pooling of each block (here 2 columns per frame), and refuses pools that do not fit', async () => {
    const out = join(dir, 'pools.safetensors');
    const args = ['train', '--channels', '4,8', '--hidden', '8', '--layers', '1', '--steps', '1', '--batch-size', '2', '--val-every', '1', '--val-size', '1', '--max-chars', '8', '--no-progress'];
    const r = await cli([...args, '--pools', '2x2,2x1', '--out', out]);
    expect(r.code).toBe(0);
    const m = loadModel(out).model;
    expect(m.config.pools).toEqual([[2, 2], [2, 1]]);
    expect(m.stride).toBe(2);
    const wrongCount = await cli([...args, '--pools', '2x2', '--out', out]);
    expect(wrongCount.code).toBe(1);
    expect(wrongCount.err).toContain('--pools gives 1 pools for 2 blocks');
    const malformed = await cli([...args, '--pools', '2x2,two', '--out', out]);
    expect(malformed.err).toContain("--pools must be HxW pairs separated by commas, e.g. 2x2,2x1; got '2x2,two'");
  });

  it('eval prints CER and WER on each set, also as JSON', async () => {
    const { out, code } = await cli(['eval', '--checkpoint', weights, '--count', '2', '--json']);
    expect(code).toBe(0);
    const json = JSON.parse(out) as Array<{ set: string; cer: number; wer: number; lines: number }>;
    expect(json.map((e) => e.set)).toEqual(['fonts', 'reserved-fonts', 'mnist']);
    for (const e of json) {
      expect(e.lines).toBe(2);
      expect(e.cer).toBeGreaterThanOrEqual(0);
      expect(e.wer).toBeGreaterThanOrEqual(0);
    }
  });

  it('render writes the image; --help works on each command', async () => {
    const out = join(dir, 'render.png');
    const r = await cli(['render', 'Some text', '--font', 'caveat', out]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('wrote');
    for (const cmd of ['train', 'eval', 'recognize', 'render']) {
      const h = await cli([cmd, '--help']);
      expect(h.code).toBe(0);
      expect(h.out).toContain(`Usage: neurone-handwriting ${cmd}`);
    }
  });
});
