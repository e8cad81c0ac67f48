import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FormatError, io, randn } from '@neurone/core';
import { loadTextgenCheckpoint } from '../src/checkpoint.js';
import { generate } from '../src/generate.js';
import { learningRate } from '../src/train.js';
import { TINY, tempDir, trainTiny, writeCorpus } from './helpers.js';

describe('checkpoints', () => {
  const dir = tempDir();
  let corpus: string;
  const full = path.join(dir, 'full.safetensors');
  const split = path.join(dir, 'split.safetensors');
  const STEPS = 12;

  beforeAll(async () => {
    corpus = writeCorpus(dir);
    await trainTiny(corpus, full, STEPS);
    // the same run, interrupted after 7 steps (as by Ctrl-C) and resumed to the same budget
    let n = 0;
    const first = await trainTiny(corpus, split, STEPS, { shouldStop: () => ++n === 7 });
    expect(first.stopped).toBe(true);
    expect(first.step).toBe(7);
    const resumed = await trainTiny(corpus, split, STEPS, { resume: split, model: undefined, train: { steps: STEPS } });
    expect(resumed.step).toBe(STEPS);
  });

  it('hold the vocabulary, the configs and the progress', () => {
    const ck = loadTextgenCheckpoint(full);
    expect(ck.meta.format).toBe('neurone-textgen');
    expect(ck.vocab.chars).toContain('—');
    expect(ck.meta.model).toMatchObject({ ...TINY.model, vocabSize: ck.vocab.size });
    expect(ck.meta.train).toMatchObject({ ...TINY.train, steps: STEPS, corpus: path.resolve(corpus) });
    expect(ck.meta.progress.step).toBe(STEPS);
    expect(ck.meta.progress.valCurve.map((p) => p.step)).toEqual([5, 10, 12]);
    expect(ck.meta.valLoss).toBeCloseTo(ck.meta.progress.valCurve.at(-1)!.loss, 12);
    expect(ck.optimizer?.paramGroups).toHaveLength(1);
    expect(Array.isArray(ck.carried)).toBe(true); // LSTM: [h, c] of the training streams
  });

  it('resume to the same weights and the same continuation as an uninterrupted run', () => {
    const a = loadTextgenCheckpoint(full);
    const b = loadTextgenCheckpoint(split);
    const wa = a.model.stateDict();
    const wb = b.model.stateDict();
    expect(Object.keys(wb)).toEqual(Object.keys(wa));
    for (const k of Object.keys(wa)) expect(Array.from(wb[k]!.data), k).toEqual(Array.from(wa[k]!.data));
    expect(b.meta.progress.trainCurve.map((p) => p.loss)).toEqual(a.meta.progress.trainCurve.map((p) => p.loss));
    expect(b.meta.valLoss).toBe(a.meta.valLoss);
    const opts = { prompt: 'The whale', length: 80, temperature: 0.9, seed: 11 };
    expect(generate(b.model, b.vocab, opts).text).toBe(generate(a.model, a.vocab, opts).text);
  });

  it('warm up, then decay along a cosine', () => {
    const cfg = { lr: 1e-2, minLr: 1e-3, warmup: 10 };
    expect(learningRate(cfg, 0, 0)).toBeCloseTo(1e-3, 12);
    expect(learningRate(cfg, 10, 0)).toBeCloseTo(1e-2, 12);
    expect(learningRate(cfg, 500, 0.5)).toBeCloseTo(5.5e-3, 12);
    expect(learningRate(cfg, 1000, 1)).toBeCloseTo(1e-3, 12);
  });

  it('refuse a corrupt file with a message naming it', () => {
    const bytes = fs.readFileSync(full);
    const truncated = path.join(dir, 'truncated.safetensors');
    fs.writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect(() => loadTextgenCheckpoint(truncated)).toThrow(FormatError);
    expect(() => loadTextgenCheckpoint(truncated)).toThrow(/^loadCheckpoint: .*truncated\.safetensors: /);

    const garbage = path.join(dir, 'garbage.safetensors');
    const g = Buffer.from(bytes);
    g.fill(0x7b, 8, 40); // scribble over the JSON header
    fs.writeFileSync(garbage, g);
    expect(() => loadTextgenCheckpoint(garbage)).toThrow(/^loadCheckpoint: .*garbage\.safetensors/);

    const text = path.join(dir, 'notes.safetensors');
    fs.writeFileSync(text, 'just some text, not a checkpoint');
    expect(() => loadTextgenCheckpoint(text)).toThrow(FormatError);
  });

  it('refuse files that are not textgen checkpoints or do not fit their config', () => {
    const plain = path.join(dir, 'plain.safetensors');
    io.save({ weight: randn([2, 2]) }, plain);
    expect(() => loadTextgenCheckpoint(plain)).toThrow(/not a neurone checkpoint/);

    const other = path.join(dir, 'other.safetensors');
    io.saveCheckpoint(other, { model: { weight: randn([2, 2]) }, metadata: { task: 'mnist' } });
    expect(() => loadTextgenCheckpoint(other)).toThrow(/not a neurone-textgen checkpoint \(its metadata has no "format", expected "neurone-textgen"\)/);

    // weights of the wrong shape for the stored config
    const ck = io.loadCheckpoint(full);
    ck.model['head.bias'] = randn([3]);
    const bad = path.join(dir, 'bad-shape.safetensors');
    io.saveCheckpoint(bad, { model: ck.model, metadata: ck.metadata });
    expect(() => loadTextgenCheckpoint(bad)).toThrow(/cannot load checkpoint .*bad-shape\.safetensors: .*head\.bias/s);

    expect(() => loadTextgenCheckpoint(path.join(dir, 'missing.safetensors'))).toThrow(/cannot read .*missing\.safetensors: ENOENT/);
  });

  it('are written atomically: no temp file is left beside them', () => {
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });
});
