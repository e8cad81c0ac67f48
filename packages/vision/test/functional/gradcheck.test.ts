// Finite-difference gradient checks (float64) of the vision functional ops.
import { describe, expect, it } from 'vitest';
import { Generator, gradcheck, gradgradcheck, manualSeed, ones, randn, zeros, type Tensor } from '@neurone/core';
import { F } from '../../src/index.js';

const f64 = (shape: number[]) => randn(shape, { dtype: 'float64', requiresGrad: true });

describe('pooling gradcheck', () => {
  const pools: Array<[string, (x: Tensor) => Tensor, number[]]> = [
    ['maxPool2d 2x2', (x) => F.maxPool2d(x, 2), [2, 2, 4, 6]],
    ['maxPool2d overlapping, padded, dilated, ceil', (x) => F.maxPool2d(x, 3, { stride: 2, padding: 1, dilation: [1, 2], ceilMode: true }), [1, 2, 6, 7]],
    ['maxPool1d', (x) => F.maxPool1d(x, 3, { stride: 2, padding: 1 }), [2, 2, 9]],
    ['avgPool2d', (x) => F.avgPool2d(x, 3, { stride: 2, padding: 1 }), [1, 2, 6, 5]],
    ['avgPool2d exclude pad, ceil', (x) => F.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false, ceilMode: true }), [1, 2, 6, 5]],
    ['avgPool2d divisorOverride', (x) => F.avgPool2d(x, 2, { divisorOverride: 3 }), [1, 1, 4, 4]],
    ['adaptiveAvgPool2d', (x) => F.adaptiveAvgPool2d(x, [3, 2]), [2, 2, 5, 7]],
    ['interpolate nearest', (x) => F.interpolate(x, { size: [5, 7] }), [1, 2, 3, 4]],
    ['interpolate bilinear', (x) => F.interpolate(x, { scaleFactor: 2, mode: 'bilinear' }), [1, 2, 3, 3]],
    ['interpolate bilinear alignCorners', (x) => F.interpolate(x, { size: [4, 6], mode: 'bilinear', alignCorners: true }), [1, 1, 3, 4]],
    ['interpolate linear', (x) => F.interpolate(x, { size: 7, mode: 'linear' }), [2, 2, 4]],
  ];
  for (const [name, fn, shape] of pools) {
    it(name, () => {
      manualSeed(3);
      expect(gradcheck(fn, [f64(shape)]).maxError).toBeLessThan(1e-6);
    });
  }

  it('maxUnpool2d', () => {
    manualSeed(4);
    const [, idx] = F.maxPool2dWithIndices(randn([1, 2, 4, 4], { dtype: 'float64' }), 2);
    gradcheck((v) => F.maxUnpool2d(v, idx, 2), [f64([1, 2, 2, 2])]);
  });
});

describe('batchNorm gradcheck', () => {
  for (const shape of [[4, 3], [3, 2, 5], [2, 3, 3, 4]]) {
    it(`training ${JSON.stringify(shape)}`, () => {
      manualSeed(5);
      const C = shape[1]!;
      gradcheck((x, w, b) => F.batchNorm(x, null, null, { weight: w, bias: b, training: true }), [f64(shape), f64([C]), f64([C])]);
    });
  }
  it('eval, with running statistics', () => {
    manualSeed(6);
    const rm = randn([3], { dtype: 'float64' });
    const rv = ones([3], { dtype: 'float64' }).mul(1.5);
    gradcheck((x, w, b) => F.batchNorm(x, rm, rv, { weight: w, bias: b }), [f64([2, 3, 2, 2]), f64([3]), f64([3])]);
  });
});

describe('dropout2d', () => {
  it('drops whole channels, scales the rest, and is seeded', () => {
    const x = ones([4, 8, 3, 3], { dtype: 'float64' });
    const y = F.dropout2d(x, 0.5, { generator: new Generator(1) });
    const y2 = F.dropout2d(x, 0.5, { generator: new Generator(1) });
    expect(y.toList()).toEqual(y2.toList());
    let dropped = 0;
    for (let c = 0; c < 32; c++) {
      const plane = Array.from(y.data.subarray(c * 9, c * 9 + 9));
      expect(new Set(plane).size).toBe(1);
      expect([0, 2]).toContain(plane[0]);
      if (plane[0] === 0) dropped++;
    }
    expect(dropped).toBeGreaterThan(5);
    expect(dropped).toBeLessThan(27);
    expect(F.dropout2d(x, 0.5, { training: false })).toBe(x);
  });
  it('gradcheck with a fixed mask', () => {
    manualSeed(7);
    gradcheck((x) => F.dropout2d(x, 0.4, { generator: new Generator(9) }), [f64([2, 3, 2, 2])]);
  });
});

describe('functional errors and shapes', () => {
  it('name the op and the shapes', () => {
    expect(() => F.maxPool2d(randn([2, 3]), 2)).toThrow('maxPool2d: expected a 3-D (unbatched) or 4-D (batched) input (N, C, H, W), got [2,3]');
    expect(() => F.maxPool2d(randn([1, 1, 2, 2]), 3)).toThrow(/maxPool2d: input \[1,1,2,2\] is too small for kernel \[3,3\]/);
    expect(() => F.maxPool2d(randn([1, 1, 8, 8]), 2, { padding: 2 })).toThrow(/maxPool2d: padding 2 should be at most half of the kernel size/);
    expect(() => F.batchNorm(randn([2, 3, 4]), zeros([4]), ones([4]))).toThrow('batchNorm: runningMean must have shape [3] for input [2,3,4] (C = 3), got [4]');
    expect(() => F.batchNorm(randn([1, 3]), null, null, { training: true })).toThrow('batchNorm: expected more than 1 value per channel when training, got input [1,3]');
    expect(() => F.interpolate(randn([1, 1, 4, 4]), { mode: 'bilinear' })).toThrow('interpolate: give exactly one of size and scaleFactor');
    expect(() => F.interpolate(randn([1, 4, 4]), { size: 3, mode: 'bilinear' })).toThrow(/'bilinear' needs a 4-D input/);
    expect(() => F.adaptiveAvgPool2d(randn([1, 1, 4, 4]), [0, 2])).toThrow(/adaptiveAvgPool2d: outputSize must be a positive integer/);
  });
  it('unbatched inputs keep their rank', () => {
    expect(F.maxPool2d(randn([3, 8, 8]), 2).shape).toEqual([3, 4, 4]);
    expect(F.avgPool2d(randn([3, 8, 8]), 2).shape).toEqual([3, 4, 4]);
    expect(F.maxPool1d(randn([3, 8]), 2).shape).toEqual([3, 4]);
    expect(F.adaptiveAvgPool2d(randn([3, 8, 8]), [2, null]).shape).toEqual([3, 2, 8]);
  });
  it('re-exports the conv ops', () => {
    expect(F.conv2d(randn([1, 1, 5, 5]), randn([2, 1, 3, 3])).shape).toEqual([1, 2, 3, 3]);
    expect(typeof F.unfold).toBe('function');
  });
});

describe('batchNorm second-order gradients (training)', () => {
  it('match finite differences, and the plain gradients', () => {
    manualSeed(7);
    gradgradcheck((x, w, b) => F.batchNorm(x!, null, null, { weight: w, bias: b, training: true }).tanh(), [f64([3, 2, 4]), f64([2]), f64([2])]);
  });
});
