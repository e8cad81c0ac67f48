// Layers: PyTorch's state-dict keys, shapes, default initialisation, modes, gradients, errors.
import { describe, expect, it } from 'vitest';
import { Generator, Tensor, gradcheck, manualSeed, nn, randn, zeros } from '@neurone/core';
import {
  AdaptiveAvgPool2d, AvgPool2d, BatchNorm1d, BatchNorm2d, Conv1d, Conv2d, ConvTranspose2d, Dropout2d,
  MaxPool1d, MaxPool2d, MaxUnpool2d, Upsample, lenet5, vgg,
} from '../src/index.js';
import { expectClose, fromArr, readFixtures, type Arr } from './helpers.js';

interface Fixtures {
  stateDicts: Record<string, Array<[string, number[]]>>;
  smallNet: {
    stateDict: Record<string, Arr>; input: Arr; output: Arr; gradOutput: Arr; gradInput: Arr;
    grads: Record<string, Arr>; stateDictAfter: Record<string, Arr>; evalInput: Arr; evalOutput: Arr;
  };
}
const fx = readFixtures<Fixtures>('vision.json');

const keysOf = (m: nn.Module) => Object.entries(m.stateDict()).map(([k, v]) => [k, [...v.shape]]);

describe('state-dict keys and shapes match PyTorch', () => {
  const ours: Record<string, () => nn.Module> = {
    'Conv1d(4, 6, 3, groups=2)': () => new Conv1d(4, 6, 3, { groups: 2 }),
    'Conv2d(3, 8, [3, 2], bias=False)': () => new Conv2d(3, 8, [3, 2], { bias: false }),
    'ConvTranspose2d(4, 6, 3, groups=2)': () => new ConvTranspose2d(4, 6, 3, { groups: 2 }),
    'BatchNorm1d(5)': () => new BatchNorm1d(5),
    'BatchNorm2d(3, affine=False)': () => new BatchNorm2d(3, { affine: false }),
    lenet5: () => lenet5(),
    'vgg([8, M, 16, M], batchNorm, poolSize 2, hidden [32])': () => vgg([8, 'M', 16, 'M'], { inChannels: 1, numClasses: 10, batchNorm: true, poolSize: 2, hidden: [32] }),
  };
  for (const [name, make] of Object.entries(ours)) {
    it(name, () => {
      expect(keysOf(make())).toEqual(fx.stateDicts[name]);
    });
  }
  it('num_batches_tracked is an int32 scalar buffer, not a parameter', () => {
    const bn = new BatchNorm2d(3);
    expect(bn.stateDict().num_batches_tracked!.dtype).toBe('int32');
    expect(bn.parameters().length).toBe(2);
    expect(bn.namedBuffers().map(([k]) => k)).toEqual(['running_mean', 'running_var', 'num_batches_tracked']);
  });
});

describe('a small network matches PyTorch end to end', () => {
  const s = fx.smallNet;
  const build = () => {
    const net = new nn.Sequential(
      new Conv2d(2, 4, 3, { padding: 1, dtype: 'float64' }), new BatchNorm2d(4, { dtype: 'float64' }), new nn.ReLU(), new MaxPool2d(2),
      new ConvTranspose2d(4, 3, 2, { stride: 2, dtype: 'float64' }), new Upsample({ scaleFactor: 2, mode: 'bilinear' }),
      new AvgPool2d(2), new AdaptiveAvgPool2d([3, 3]),
    );
    const sd = Object.fromEntries(Object.entries(s.stateDict).map(([k, v]) => [k, fromArr(v, k.endsWith('num_batches_tracked') ? 'int32' : 'float64')]));
    net.loadStateDict(sd);
    return net;
  };
  it('training step: output, gradients, running statistics; then eval', () => {
    const net = build();
    const x = fromArr(s.input, 'float64', true);
    const y = net.forward(x);
    expectClose(y, s.output, 1e-9, 'output');
    y.backward(fromArr(s.gradOutput));
    expectClose(x.grad, s.gradInput, 1e-9, 'gradInput');
    for (const [k, p] of net.namedParameters()) expectClose(p.grad, s.grads[k]!, 1e-9, `grad ${k}`);
    for (const [k, v] of Object.entries(net.stateDict())) expectClose(v, s.stateDictAfter[k]!, 1e-9, k);
    net.eval();
    expectClose(net.forward(fromArr(s.evalInput)), s.evalOutput, 1e-9, 'eval output');
  });
});

describe('default initialisation follows PyTorch', () => {
  it('conv weights and biases in U(-1/sqrt(fanIn), 1/sqrt(fanIn))', () => {
    manualSeed(1);
    for (const [m, fanIn] of [
      [new Conv2d(16, 32, 3), 16 * 9],
      [new Conv2d(16, 32, 3, { groups: 4 }), 4 * 9],
      [new Conv1d(8, 4, 5), 8 * 5],
      [new ConvTranspose2d(16, 8, 4, { groups: 2 }), 4 * 16], // fan in from weight dim 1: outChannels / groups
    ] as Array<[Conv2d | Conv1d | ConvTranspose2d, number]>) {
      const bound = 1 / Math.sqrt(fanIn);
      const w = Array.from(m.weight.data);
      expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
      expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.9 * bound);
      // uniform: variance bound^2 / 3
      const v = w.reduce((a, b) => a + b * b, 0) / w.length;
      expect(v / (bound * bound / 3)).toBeGreaterThan(0.8);
      expect(v / (bound * bound / 3)).toBeLessThan(1.2);
      expect(Math.max(...Array.from(m.bias!.data).map(Math.abs))).toBeLessThanOrEqual(bound);
    }
  });
  it('is seeded and sized as PyTorch', () => {
    const a = new Conv2d(3, 6, 5, { generator: new Generator(3) });
    const b = new Conv2d(3, 6, 5, { generator: new Generator(3) });
    expect(a.weight.toList()).toEqual(b.weight.toList());
    expect(a.weight.shape).toEqual([6, 3, 5, 5]);
    expect(new ConvTranspose2d(4, 6, 3, { groups: 2 }).weight.shape).toEqual([4, 3, 3, 3]);
    const bn = new BatchNorm1d(4);
    expect([...bn.weight!.data, ...bn.bias!.data, ...bn.runningMean!.data, ...bn.runningVar!.data]).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
  });
});

describe('layer shapes and behaviour', () => {
  it('computes PyTorch output shapes', () => {
    expect(new Conv2d(3, 16, 3, { padding: 1 }).forward(randn([2, 3, 8, 8])).shape).toEqual([2, 16, 8, 8]);
    expect(new Conv2d(3, 16, [3, 5], { padding: 'same', dilation: 2 }).forward(randn([1, 3, 9, 8])).shape).toEqual([1, 16, 9, 8]);
    expect(new Conv1d(16, 33, 3, { stride: 2 }).forward(randn([4, 16, 50])).shape).toEqual([4, 33, 24]);
    const up = new ConvTranspose2d(16, 8, 3, { stride: 2, padding: 1 });
    expect(up.forward(randn([1, 16, 7, 7])).shape).toEqual([1, 8, 13, 13]);
    expect(up.forward(randn([1, 16, 7, 7]), [14, 14]).shape).toEqual([1, 8, 14, 14]);
    expect(() => up.forward(randn([1, 16, 7, 7]), [16, 16])).toThrow(/ConvTranspose2d: requested output size \[16,16\] is not reachable from input \[1,16,7,7\]; valid sizes are 13..14 x 13..14/);
    expect(new MaxPool1d(3, { stride: 2 }).forward(randn([2, 4, 50])).shape).toEqual([2, 4, 24]);
    expect(new AvgPool2d(3, { stride: 2 }).forward(randn([2, 4, 50, 32])).shape).toEqual([2, 4, 24, 15]);
    expect(new AdaptiveAvgPool2d([5, 7]).forward(randn([1, 4, 8, 9])).shape).toEqual([1, 4, 5, 7]);
    expect(new Upsample({ size: [3, 5] }).forward(randn([1, 2, 2, 2])).shape).toEqual([1, 2, 3, 5]);
  });

  it('MaxPool2d with indices feeds MaxUnpool2d', () => {
    const x = randn([1, 2, 4, 4]);
    const [y, idx] = new MaxPool2d(2, { returnIndices: true }).forward(x);
    const u = new MaxUnpool2d(2).forward(y, idx);
    expect(u.shape).toEqual([1, 2, 4, 4]);
    // every pooled max is back at its place, the rest is zero
    let nonzero = 0;
    for (let i = 0; i < u.size; i++) {
      if (u.data[i] !== 0) {
        nonzero++;
        expect(u.data[i]).toBe(x.data[i]);
      }
    }
    expect(nonzero).toBe(8);
    const plain: Tensor = new MaxPool2d(2).forward(x);
    expect(plain.toList()).toEqual(y.toList());
  });

  it('BatchNorm: train updates running statistics, eval uses them, momentum null averages', () => {
    const bn = new BatchNorm2d(2);
    const x = randn([8, 2, 3, 3]).mul(3).add(5);
    const y = bn.forward(x);
    expect(bn.numBatchesTracked).toBe(1);
    // normalised per channel
    const ch0 = y.narrow(1, 0, 1);
    expect(ch0.mean().item()).toBeCloseTo(0, 5);
    expect(ch0.var(null, { correction: 0 }).item()).toBeCloseTo(1, 3);
    const m0 = x.narrow(1, 0, 1).mean().item();
    expect(bn.runningMean!.data[0]).toBeCloseTo(0.1 * m0, 5);
    const v0 = x.narrow(1, 0, 1).var().item(); // unbiased
    expect(bn.runningVar!.data[0]).toBeCloseTo(0.9 + 0.1 * v0, 4);
    bn.eval();
    const z = bn.forward(x);
    expect(bn.numBatchesTracked).toBe(1);
    expect(z.data[0]).toBeCloseTo((x.data[0]! - bn.runningMean!.data[0]!) / Math.sqrt(bn.runningVar!.data[0]! + 1e-5), 4);

    const cum = new BatchNorm1d(1, { momentum: null });
    cum.forward(new Tensor(Float32Array.from([1, 3]), [2, 1]));
    cum.forward(new Tensor(Float32Array.from([5, 7]), [2, 1]));
    expect(cum.runningMean!.data[0]).toBeCloseTo(4, 6); // mean of the batch means 2 and 6
    const noStats = new BatchNorm1d(3, { trackRunningStats: false });
    expect(noStats.runningMean).toBeNull();
    expect(Object.keys(noStats.stateDict())).toEqual(['weight', 'bias']);
    noStats.eval();
    expect(noStats.forward(randn([4, 3])).mean(0).abs().max().item()).toBeLessThan(1e-5);
  });

  it('Dropout2d drops channels in training only', () => {
    const d = new Dropout2d(0.5, { generator: new Generator(1) });
    const x = randn([2, 8, 2, 2]).abs().add(1);
    const y = d.forward(x);
    expect(Array.from(y.data).filter((v) => v === 0).length % 4).toBe(0);
    expect(d.eval().forward(x)).toBe(x);
  });

  it('converts with Module.to(float64) and keeps working', () => {
    const net = new nn.Sequential(new Conv2d(1, 2, 3), new BatchNorm2d(2)).double();
    expect(net.forward(randn([2, 1, 5, 5], { dtype: 'float64' })).dtype).toBe('float64');
    expect((net.at(1) as BatchNorm2d).runningMean!.dtype).toBe('float64');
  });

  it('errors name the layer and the shapes', () => {
    expect(() => new Conv2d(3, 6, 5).forward(randn([1, 1, 28, 28]))).toThrow('conv2d: weight [6,3,5,5] with groups 1 expects input with 3 channels, got input [1,1,28,28] with 1 channels');
    expect(() => new Conv2d(1, 6, 5).forward(randn([1, 1, 4, 4]))).toThrow('conv2d: input [1,1,4,4] (padded size 4x4) is smaller than the kernel of weight [6,1,5,5] (dilated size 5x5)');
    expect(() => new Conv2d(4, 6, 3, { groups: 4 })).toThrow('Conv2d: groups 4 must be a positive integer dividing inChannels 4 and outChannels 6');
    expect(() => new BatchNorm2d(3).forward(randn([2, 4, 2, 2]))).toThrow('BatchNorm2d: expected input with 3 channels in dim 1 (numFeatures), got [2,4,2,2]');
    expect(() => new BatchNorm2d(3).forward(randn([2, 3, 4]))).toThrow('BatchNorm2d: expected a 4-D input (N, C, H, W), got [2,3,4]');
    expect(() => new BatchNorm1d(3).forward(randn([2, 3, 4, 4]))).toThrow(/BatchNorm1d: expected a 2-D \(N, C\) or 3-D/);
  });
});

describe('layer gradients (float64 finite differences)', () => {
  const f64 = { dtype: 'float64' as const };
  const cases: Array<[string, () => nn.Module, number[]]> = [
    ['Conv2d', () => new Conv2d(2, 3, 3, { stride: 2, padding: 1, ...f64 }), [2, 2, 5, 5]],
    ['Conv2d groups, dilation', () => new Conv2d(4, 2, 2, { groups: 2, dilation: 2, ...f64 }), [1, 4, 5, 5]],
    ['Conv1d', () => new Conv1d(2, 3, 3, { padding: 'same', ...f64 }), [2, 2, 6]],
    ['ConvTranspose2d', () => new ConvTranspose2d(2, 3, 3, { stride: 2, padding: 1, outputPadding: 1, ...f64 }), [1, 2, 3, 3]],
    ['BatchNorm2d train', () => new BatchNorm2d(2, f64), [3, 2, 2, 3]],
    ['BatchNorm2d eval', () => new BatchNorm2d(2, f64).eval(), [3, 2, 2, 3]],
    ['BatchNorm1d train', () => new BatchNorm1d(3, f64), [4, 3]],
    ['MaxPool2d', () => new MaxPool2d(2), [1, 2, 4, 4]],
    ['MaxPool1d', () => new MaxPool1d(2), [1, 2, 6]],
    ['AvgPool2d', () => new AvgPool2d(2, { padding: 1 }), [1, 2, 4, 4]],
    ['AdaptiveAvgPool2d', () => new AdaptiveAvgPool2d(3), [1, 2, 5, 4]],
    ['Upsample bilinear', () => new Upsample({ scaleFactor: 2, mode: 'bilinear' }), [1, 1, 3, 3]],
    ['Upsample nearest', () => new Upsample({ scaleFactor: 2 }), [1, 1, 3, 3]],
    ['Dropout2d', () => new Dropout2d(0.3, { generator: new Generator(0) }), [2, 3, 2, 2]],
  ];
  for (const [name, make, shape] of cases) {
    it(name, () => {
      manualSeed(11);
      const m = make();
      const params = m.parameters();
      if (name === 'Dropout2d') {
        // a fresh generator per call, so every evaluation draws the same mask
        gradcheck((x) => { (m as Dropout2d).generator = new Generator(0); return m.forward(x); }, [randn(shape, { ...f64, requiresGrad: true })]);
        return;
      }
      // BatchNorm's running statistics move on every call in training; they do not affect its output there
      gradcheck((x, ...ps) => { void ps; return m.forward(x) as Tensor; }, [randn(shape, { ...f64, requiresGrad: true }), ...params]);
    });
  }
  it('MaxUnpool2d', () => {
    const [, idx] = new MaxPool2d(2, { returnIndices: true }).forward(randn([1, 1, 4, 4], f64));
    gradcheck((v) => new MaxUnpool2d(2).forward(v, idx), [randn([1, 1, 2, 2], { ...f64, requiresGrad: true })]);
  });
  it('has float32 parameters by default', () => {
    expect(new Conv2d(1, 1, 1).weight.dtype).toBe('float32');
    expect(zeros([1]).dtype).toBe('float32');
  });
});
