import { describe, expect, it } from 'vitest';
import { tensor, matmul, randn, manualSeed } from '../src/index.js';

describe('smoke', () => {
  it('computes a gradient', () => {
    const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const y = x.mul(x).sum();
    expect(y.item()).toBe(30);
    y.backward();
    expect(x.grad!.toArray()).toEqual([[2, 4], [6, 8]]);
  });
  it('matmul broadcasting', () => {
    manualSeed(1);
    const a = randn([8, 3, 4], { requiresGrad: true });
    const b = randn([4, 5], { requiresGrad: true });
    const c = matmul(a, b);
    expect(c.shape).toEqual([8, 3, 5]);
    c.sum().backward();
    expect(b.grad!.shape).toEqual([4, 5]);
    expect(() => matmul(tensor([[1, 2, 3], [4, 5, 6]]), randn([4, 5]))).toThrow('matmul: cannot multiply [2,3] by [4,5]: inner dimensions 3 and 4 differ');
  });
});

import { gradcheck } from '../src/index.js';
describe('gradcheck', () => {
  it('passes for tanh and catches a wrong gradient', () => {
    const x = randn([3, 4], { dtype: 'float64', requiresGrad: true });
    expect(gradcheck((x) => x.tanh().mul(x).sum(1), [x]).maxError).toBeLessThan(1e-6);
    // floor's gradient is zero; x*floor(x) differs from x^2's
    expect(() => gradcheck((x) => x.mul(x).detach().add(x.mul(0)), [x])).toThrow(/gradcheck/);
  });
});
