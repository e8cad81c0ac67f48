// Checkpoints: model + optimizer state + epoch/step/metadata in one safetensors file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError, NeuroneError, Tensor, randn, tensor } from '../../src/index.js';
import {
  type OptimizerStateDict, deserializeCheckpoint, loadCheckpoint, loadFile, save, saveCheckpoint, saveFile, serializeCheckpoint,
} from '../../src/io/index.js';

const dir = mkdtempSync(join(tmpdir(), 'neurone-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An Adam-like optimizer state in PyTorch's structure. */
function adamState(): OptimizerStateDict {
  return {
    state: {
      0: { step: 3, exp_avg: randn([2, 3]), exp_avg_sq: randn([2, 3]).abs() },
      1: { step: 3, exp_avg: randn([2]), exp_avg_sq: randn([2]).abs() },
    },
    paramGroups: [{ params: [0, 1], lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false }],
  };
}

const model = () => ({ '0.weight': randn([2, 3]), '0.bias': randn([2]), 'bn.num_batches_tracked': tensor(4, { dtype: 'int32' }) });

describe('saveCheckpoint / loadCheckpoint', () => {
  it('round-trips model, optimizer (tensors and numbers), epoch, step and metadata', () => {
    const path = join(dir, 'full.safetensors');
    const m = model();
    const opt = adamState();
    saveCheckpoint(path, { model: m, optimizer: opt, epoch: 7, step: 1400, metadata: { valLoss: 0.25, best: Infinity, cmd: ['train', '--lr', '1e-3'], nan: NaN } });
    const c = loadCheckpoint(path);
    expect(c.epoch).toBe(7);
    expect(c.step).toBe(1400);
    expect(c.metadata).toEqual({ valLoss: 0.25, best: Infinity, cmd: ['train', '--lr', '1e-3'], nan: NaN });
    expect(Object.keys(c.model).sort()).toEqual(Object.keys(m).sort());
    for (const [k, t] of Object.entries(m)) {
      expect(c.model[k]!.dtype).toBe(t.dtype);
      expect(c.model[k]!.toArray()).toEqual(t.toArray());
    }
    expect(c.optimizer!.paramGroups).toEqual(opt.paramGroups);
    for (const i of [0, 1]) {
      const got = c.optimizer!.state[i]!;
      const want = opt.state[i]!;
      expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
      expect(got.step).toBe(3);
      expect((got.exp_avg as Tensor).toArray()).toEqual((want.exp_avg as Tensor).toArray());
      expect((got.exp_avg_sq as Tensor).toArray()).toEqual((want.exp_avg_sq as Tensor).toArray());
    }
  });

  it('stores model.<key>, optimizer.state.<i>.<name>, and the rest as JSON in __metadata__', () => {
    const path = join(dir, 'layout.safetensors');
    saveCheckpoint(path, { model: { 'fc.weight': tensor([[1, 2]]) }, optimizer: adamState(), epoch: 2, metadata: { run: 'a' } });
    const f = loadFile(path);
    expect(Object.keys(f.tensors).sort()).toEqual([
      'model.fc.weight', 'optimizer.state.0.exp_avg', 'optimizer.state.0.exp_avg_sq', 'optimizer.state.1.exp_avg', 'optimizer.state.1.exp_avg_sq',
    ]);
    expect(Object.keys(f.metadata).sort()).toEqual(['epoch', 'metadata', 'neurone.checkpoint', 'optimizer']);
    expect(f.metadata.epoch).toBe('2');
    expect(JSON.parse(f.metadata.metadata!)).toEqual({ run: 'a' });
    const opt = JSON.parse(f.metadata.optimizer!);
    expect(opt.state).toEqual({ 0: { step: 3 }, 1: { step: 3 } });
    expect(opt.paramGroups[0].betas).toEqual([0.9, 0.999]);
  });

  it('omits what was not given, and keeps optimizer state entries with no tensors or no numbers', () => {
    const path = join(dir, 'min.safetensors');
    saveCheckpoint(path, { model: { w: tensor([1]) } });
    const c = loadCheckpoint(path);
    expect(c).toEqual({ model: { w: expect.any(Tensor) } });
    const bytes = serializeCheckpoint({
      model: {},
      optimizer: { state: { 0: {}, 2: { momentum_buffer: tensor([1, 2]) } }, paramGroups: [{ params: [0, 1, 2], lr: 0.1, nesterov: true }] },
      step: 0,
    });
    const d = deserializeCheckpoint(bytes);
    expect(d.step).toBe(0);
    expect(d.epoch).toBeUndefined();
    expect(Object.keys(d.optimizer!.state)).toEqual(['0', '2']);
    expect(d.optimizer!.state[0]).toEqual({});
    expect((d.optimizer!.state[2]!.momentum_buffer as Tensor).toArray()).toEqual([1, 2]);
    expect(d.optimizer!.paramGroups).toEqual([{ params: [0, 1, 2], lr: 0.1, nesterov: true }]);
  });

  it('accepts a Map as optimizer state and model keys containing dots', () => {
    const state = new Map<number, object>([[1, { step: 2, buf: tensor([5]) }]]);
    const d = deserializeCheckpoint(serializeCheckpoint({ model: new Map([['a.b.c', tensor([1])]]), optimizer: { state, paramGroups: [{ params: [1] }] } }));
    expect(Object.keys(d.model)).toEqual(['a.b.c']);
    expect(d.optimizer!.state[1]!.step).toBe(2);
    expect((d.optimizer!.state[1]!.buf as Tensor).toArray()).toEqual([5]);
  });

  it('is written atomically over a previous checkpoint', () => {
    const path = join(dir, 'twice.safetensors');
    saveCheckpoint(path, { model: { w: tensor([1]) }, epoch: 1 });
    saveCheckpoint(path, { model: { w: tensor([2]) }, epoch: 2 });
    expect(loadCheckpoint(path).epoch).toBe(2);
    expect(() => saveCheckpoint(path, { model: { w: tensor([3]) }, epoch: NaN })).toThrow('saveCheckpoint: epoch must be a finite number, got NaN');
    expect(loadCheckpoint(path).model.w!.toArray()).toEqual([2]);
  });
});

describe('checkpoint errors', () => {
  it('refuses values JSON cannot hold, naming where they are', () => {
    expect(() => serializeCheckpoint({ model: {}, metadata: { t: tensor([1]) } })).toThrow('serializeCheckpoint: metadata.t is a Tensor; only JSON values');
    expect(() => serializeCheckpoint({ model: {}, metadata: { f: () => 1 } })).toThrow('serializeCheckpoint: metadata.f is a function');
    expect(() => serializeCheckpoint({ model: {}, optimizer: { state: {}, paramGroups: [{ params: [0], extra: new Map() } as never] } })).toThrow(
      'serializeCheckpoint: optimizer.paramGroups[0].extra is a Map',
    );
    expect(() => serializeCheckpoint({ model: {}, optimizer: { state: { x: {} } as never, paramGroups: [] } })).toThrow(/parameter indices/);
    expect(() => serializeCheckpoint({ model: {}, optimizer: [] as never })).toThrow(NeuroneError);
    expect(() => serializeCheckpoint({ model: { w: 1 as unknown as Tensor } })).toThrow('serializeCheckpoint: "model.w" must be a Tensor, got number');
  });

  it('a plain state dict is not a checkpoint', () => {
    const path = join(dir, 'plain.safetensors');
    save({ w: tensor([1]) }, path);
    expect(() => loadCheckpoint(path)).toThrow(FormatError);
    expect(() => loadCheckpoint(path)).toThrow(`loadCheckpoint: ${path}: not a neurone checkpoint (no "neurone.checkpoint" in __metadata__); use load() for a plain state dict`);
  });

  it('checks the format and version an application expects in the metadata', () => {
    const path = join(dir, 'app.safetensors');
    saveCheckpoint(path, { model: { w: tensor([1]) }, metadata: { format: 'my-app', version: 2 } });
    expect(loadCheckpoint(path, { format: 'my-app', version: 2 }).model.w!.toArray()).toEqual([1]);
    expect(loadCheckpoint(path, { format: 'my-app' }).metadata).toEqual({ format: 'my-app', version: 2 });
    expect(() => loadCheckpoint(path, { format: 'other-app' })).toThrow(FormatError);
    expect(() => loadCheckpoint(path, { format: 'other-app' })).toThrow(
      `loadCheckpoint: ${path}: not a other-app checkpoint (its metadata has "format": "my-app", expected "other-app")`,
    );
    expect(() => loadCheckpoint(path, { format: 'my-app', version: 3 })).toThrow(`loadCheckpoint: ${path}: my-app version 2, expected 3`);
    const bare = join(dir, 'bare.safetensors');
    saveCheckpoint(bare, { model: {} });
    expect(() => loadCheckpoint(bare, { format: 'my-app', version: 1 })).toThrow(
      `loadCheckpoint: ${bare}: not a my-app checkpoint (its metadata has no "format", expected "my-app")`,
    );
    saveCheckpoint(bare, { model: {}, metadata: { format: 'my-app' } });
    expect(() => loadCheckpoint(bare, { format: 'my-app', version: 1 })).toThrow(`loadCheckpoint: ${bare}: my-app version null, expected 1`);
  });

  it('refuses a checkpoint with foreign tensors, a bad version, or broken JSON', () => {
    const write = (name: string, tensors: Record<string, Tensor>, metadata: Record<string, string>) => {
      const path = join(dir, name);
      saveFile(tensors, path, { metadata });
      return path;
    };
    const p1 = write('foreign.safetensors', { stray: tensor([1]) }, { 'neurone.checkpoint': '1' });
    expect(() => loadCheckpoint(p1)).toThrow(`loadCheckpoint: ${p1}: unexpected tensor "stray"`);
    const p2 = write('version.safetensors', {}, { 'neurone.checkpoint': '9' });
    expect(() => loadCheckpoint(p2)).toThrow('checkpoint layout version 9 is not supported');
    const p3 = write('json.safetensors', {}, { 'neurone.checkpoint': '1', optimizer: '{"paramGroups": [' });
    expect(() => loadCheckpoint(p3)).toThrow(new RegExp(`^loadCheckpoint: ${p3}: optimizer is not valid JSON`));
    const p4 = write('orphan.safetensors', { 'optimizer.state.0.buf': tensor([1]) }, { 'neurone.checkpoint': '1' });
    expect(() => loadCheckpoint(p4)).toThrow('optimizer tensors are present but the optimizer entry of __metadata__ is missing');
    const p5 = write('epoch.safetensors', {}, { 'neurone.checkpoint': '1', epoch: 'three' });
    expect(() => loadCheckpoint(p5)).toThrow('epoch "three" is not a number');
    const p6 = write('groups.safetensors', {}, { 'neurone.checkpoint': '1', optimizer: '{"paramGroups":[{"lr":1}],"state":{}}' });
    expect(() => loadCheckpoint(p6)).toThrow('optimizer paramGroups[0].params must be a list of parameter indices');
    const p7 = write('dup.safetensors', { 'optimizer.state.0.buf': tensor([1]) }, {
      'neurone.checkpoint': '1', optimizer: '{"paramGroups":[{"params":[0]}],"state":{"0":{"buf":1}}}',
    });
    expect(() => loadCheckpoint(p7)).toThrow('optimizer state 0 holds "buf" both as a tensor and in __metadata__');
  });
});
