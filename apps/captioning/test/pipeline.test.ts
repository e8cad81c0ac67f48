// train -> save -> load -> describe on a tiny model, through the command line.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadCaptionCheckpoint } from '../src/checkpoint.js';
import { run } from '../src/program.js';
import { captions, makeScene } from '../src/scene.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caption-test-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI and returns what it printed on stdout. */
async function cli(args: string[]): Promise<string> {
  const out: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const err = vi.spyOn(console, 'error').mockImplementation(() => {});
  try {
    await run(args);
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
  return out.join('\n');
}

const tiny = [
  '--encoder', '4,M,8,M', '--embedding', '8', '--hidden', '16', '--attention', '8',
  '--train-scenes', '12', '--val-scenes', '3', '--batch', '4', '--val-every', '2', '--quiet',
];

describe('train -> save -> load -> describe', () => {
  const ckpt = path.join(dir, 'tiny.safetensors');

  it('trains all three phases and writes a loadable checkpoint', async () => {
    await cli(['train', ...tiny, '--pretrain-steps', '2', '--frozen-steps', '2', '--steps', '2', '--checkpoint', ckpt]);
    const c = loadCaptionCheckpoint(ckpt);
    expect(c.meta.progress.step).toBe(6);
    expect(c.meta.progress.phase).toBe('done');
    expect(c.meta.model.encoder).toEqual([4, 'M', 8, 'M']);
    expect(c.meta.val?.bleu).toHaveLength(4);
    expect(c.meta.command).toContain('neurone-caption train');
    expect(c.optimizer).toBeDefined();
  });

  it('resumes from the checkpoint', async () => {
    const before = loadCaptionCheckpoint(ckpt);
    await cli(['train', '--resume', ckpt, '--steps', '4', '--quiet']);
    const after = loadCaptionCheckpoint(ckpt);
    expect(after.meta.progress.step).toBe(8);
    expect(after.meta.train.finetuneSteps).toBe(4);
    expect(after.meta.train.trainScenes).toBe(before.meta.train.trainScenes);
  });

  it('renders a scene and describes it with --json and --attention', async () => {
    const png = path.join(dir, 'scene.png');
    const rendered = JSON.parse(await cli(['render', '--seed', '2000005', png, '--json']));
    expect(rendered).toMatchObject({ file: png, seed: 2000005, captions: captions(makeScene(2000005)) });
    const att = path.join(dir, 'att.png');
    const described = JSON.parse(await cli(['describe', png, '--checkpoint', ckpt, '--json', '--attention', att]));
    expect(described).toHaveLength(1);
    expect(described[0].file).toBe(png);
    expect(typeof described[0].caption).toBe('string');
    expect(fs.readFileSync(att).subarray(1, 4).toString()).toBe('PNG');
    // the loaded model is deterministic: greedy and the same checkpoint give the same caption
    const again = JSON.parse(await cli(['describe', png, '--checkpoint', ckpt, '--json', '--beam', '1']));
    expect(again[0].caption).toBe(described[0].caption);
    const beam = JSON.parse(await cli(['describe', png, '--checkpoint', ckpt, '--json', '--beam', '3']));
    expect(typeof beam[0].caption).toBe('string');
  });

  it('evaluates with --json', async () => {
    const m = JSON.parse(await cli(['eval', '--checkpoint', ckpt, '--split', 'val', '--count', '3', '--json']));
    expect(m).toMatchObject({ split: 'val', scenes: 3 });
    for (const k of ['bleu1', 'bleu4', 'cider', 'objectAccuracy']) expect(typeof m[k]).toBe('number');
  });

  it('reports a missing checkpoint clearly', async () => {
    await expect(cli(['describe', 'x.png', '--checkpoint', path.join(dir, 'nope.safetensors')])).rejects.toThrow(/cannot read .*nope\.safetensors: ENOENT/);
  });
});
