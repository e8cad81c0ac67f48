// Tensor methods that are more than forwards: backward, accumulation, detach, noGrad, retainGraph.
import { describe, expect, it } from 'vitest';
import {
  DTypeError, NeuroneError, Tensor, enableGrad, isGradEnabled, matmul, noGrad, ones, randn, tensor, zeros,
} from '../../src/index.js';

const f64 = (v: Parameters<typeof tensor>[0], requiresGrad = true) => tensor(v, { dtype: 'float64', requiresGrad });

describe('backward', () => {
  it('takes a gradient for a non-scalar output', () => {
    const x = f64([[1, 2], [3, 4]]);
    const y = x.mul(x);
    y.backward(f64([[1, 0], [0.5, -1]], false));
    expect(x.grad!.toArray()).toEqual([[2, 0], [3, -8]]);
  });

  it('refuses a non-scalar output without a gradient, a wrong shape and a non-tensor', () => {
    const x = f64([1, 2]);
    const y = x.mul(2);
    expect(() => y.backward()).toThrow(/^backward: grad can be implicitly created only for a scalar output, got shape \[2\]/);
    expect(() => y.backward(ones([3], { dtype: 'float64' }))).toThrow(/^backward: gradient shape \[3\] does not match the tensor's shape \[2\]/);
    expect(() => y.backward([1, 1] as unknown as Tensor)).toThrow(NeuroneError);
    expect(() => y.backward([1, 1] as unknown as Tensor)).toThrow(/^backward: gradient must be a Tensor, got an array/);
  });

  it('refuses a tensor that does not require grad', () => {
    expect(() => ones([1]).backward()).toThrow(/^backward: this tensor does not require grad/);
  });

  it('casts a gradient of another dtype to the output dtype', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.mul(3).backward(f64([1, 2], false));
    expect(x.grad!.dtype).toBe('float32');
    expect(x.grad!.toArray()).toEqual([3, 6]);
  });

  it('accumulates into .grad across two backward calls', () => {
    const x = f64([1, -2, 3]);
    x.mul(x).sum().backward();
    x.mul(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([4, -8, 12]);
    x.grad = null;
    x.mul(3).sum().backward();
    expect(x.grad!.toArray()).toEqual([3, 3, 3]);
  });

  it('accumulates a tensor used twice in one graph', () => {
    const x = f64([2]);
    const y = x.mul(x).add(x.exp()).sum();
    y.backward();
    expect(x.grad!.item()).toBeCloseTo(4 + Math.exp(2), 12);
  });

  it('gives every leaf its own gradient storage', () => {
    // add passes its gradient through unchanged: a.grad and b.grad must still be separate arrays
    const a = f64([1, 2]);
    const b = f64([3, 4]);
    const g = f64([1, 1], false);
    a.add(b).backward(g);
    expect(a.grad!.data).not.toBe(b.grad!.data);
    expect(a.grad!.data).not.toBe(g.data);
    a.grad!.data[0] = 100;
    expect(b.grad!.toArray()).toEqual([1, 1]);
    expect(g.toArray()).toEqual([1, 1]);
  });

});

describe('retainGraph', () => {
  it('allows a second backward through the same graph', () => {
    const x = f64([1, 2]);
    const y = x.exp().mul(x).sum();
    y.backward(undefined, { retainGraph: true });
    const first = x.grad!.toList();
    y.backward();
    expect(x.grad!.toList()).toEqual(first.map((v) => 2 * v));
  });

  it('gives a clear error on a second backward through a freed graph', () => {
    const x = f64([1, 2]);
    const y = x.exp().sum();
    y.backward();
    expect(() => y.backward()).toThrow(/^backward: trying to go through the graph of 'sum' a second time; its buffers were freed \(pass \{ retainGraph: true \}/);
  });
});

describe('createGraph', () => {
  it('gives second derivatives', () => {
    const x = f64([0.5, -1, 2]);
    x.pow(3).sum().backward(undefined, { createGraph: true });
    const gx = x.grad!;
    expect(gx.toArray()).toEqual([0.75, 3, 12]);
    expect(gx.requiresGrad).toBe(true);
    x.grad = null;
    gx.sum().backward();
    expect(x.grad!.toArray()).toEqual([3, -6, 12]);
  });

  it('differentiates matmul twice', () => {
    const a = f64([[1, 2], [3, 4]]);
    const b = f64([[0.5, -1], [2, 1]]);
    matmul(a, b).pow(2).sum().backward(undefined, { createGraph: true });
    const ga = a.grad!;
    a.grad = null;
    b.grad = null;
    ga.sum().backward();
    // d/da sum(2 (ab) b^T) = 2 * ones @ (b b^T)... checked against the explicit formula
    const bbT = [[0.5 * 0.5 + 1, 0.5 * 2 - 1], [2 * 0.5 - 1, 4 + 1]];
    const expected = [0, 1].map(() => [0, 1].map((j) => 2 * (bbT[0]![j]! + bbT[1]![j]!)));
    expect(a.grad!.toArray()).toEqual(expected);
  });
});

describe('detach and noGrad', () => {
  it('detach cuts the graph and shares storage', () => {
    const x = f64([1, 2]);
    const d = x.mul(2).detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.isLeaf).toBe(true);
    const y = x.mul(d).sum();
    y.backward();
    expect(x.grad!.toArray()).toEqual([2, 4]);
    const e = x.detach();
    e.data[0] = 7;
    expect(x.toArray()).toEqual([7, 2]);
  });

  it('noGrad records nothing and restores the setting, even after a throw', () => {
    const x = f64([1, 2]);
    const y = noGrad(() => x.mul(2).add(1));
    expect(y.requiresGrad).toBe(false);
    expect(y.isLeaf).toBe(true);
    expect(isGradEnabled()).toBe(true);
    expect(() => noGrad(() => { throw new Error('boom'); })).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
    const z = noGrad(() => enableGrad(() => x.mul(2)));
    expect(z.requiresGrad).toBe(true);
  });

  it('in-place changes of a leaf that requires grad are refused while recording', () => {
    const x = f64([1, 2]);
    expect(() => x.zero_()).toThrow(/^zero_: a leaf tensor that requires grad cannot be modified in place/);
    expect(() => x.fill_(1)).toThrow(/^fill_:/);
    noGrad(() => x.fill_(3));
    expect(x.toArray()).toEqual([3, 3]);
  });
});

describe('requiresGrad_ and retainGrad', () => {
  it('refuses integer and bool tensors', () => {
    expect(() => tensor([1, 2], { dtype: 'int32' }).requiresGrad_()).toThrow(DTypeError);
    expect(() => tensor([1, 2], { dtype: 'int32' }).requiresGrad_()).toThrow(/^requiresGrad_: only floating-point tensors can require gradients, got int32/);
    expect(() => tensor([true], { requiresGrad: true })).toThrow(/^tensor: only floating-point tensors can require gradients, got bool/);
    expect(() => zeros([2], { dtype: 'int32', requiresGrad: true })).toThrow(/^zeros:/);
  });

  it('turns gradients on for a leaf and refuses turning them off for a non-leaf', () => {
    const x = zeros([2], { dtype: 'float64' }).requiresGrad_();
    expect(x.requiresGrad).toBe(true);
    const y = x.add(1);
    expect(() => y.requiresGrad_(false)).toThrow(/^requiresGrad_: cannot turn off gradients of a non-leaf/);
    x.requiresGrad_(false);
    expect(x.add(1).requiresGrad).toBe(false);
  });

  it('retainGrad keeps the gradient of an intermediate tensor', () => {
    const x = f64([1, 2]);
    const h = x.mul(3).retainGrad();
    h.square().sum().backward();
    expect(h.grad!.toArray()).toEqual([6, 12]);
    expect(x.grad!.toArray()).toEqual([18, 36]);
  });
});

describe('Tensor basics', () => {
  it('item, toArray, dim, size', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(x.dim(-1)).toBe(3);
    expect(x.dim(0)).toBe(2);
    expect(() => x.dim(2)).toThrow(/^dim: dim 2 is out of range/);
    expect(() => x.item()).toThrow(/^item: only a tensor with one element/);
    expect(tensor(5).item()).toBe(5);
    expect(zeros([2, 0, 3]).toArray()).toEqual([[], []]);
    expect(zeros([0, 2]).toArray()).toEqual([]);
    expect(randn([3, 4]).size).toBe(12);
  });

  it('copy_ broadcasts and converts; fill_ keeps bools 0/1', () => {
    const x = zeros([2, 3]);
    x.copy_(tensor([1.5, 2, 3], { dtype: 'float64' }));
    expect(x.toArray()).toEqual([[1.5, 2, 3], [1.5, 2, 3]]);
    const b = zeros([2], { dtype: 'bool' });
    b.fill_(5);
    expect(Array.from(b.data)).toEqual([1, 1]);
    expect(() => x.copy_([1] as unknown as Tensor)).toThrow(/^copy_: expected a Tensor/);
  });
});

describe('leaf gradients own their storage', () => {
  // optimizers and clipping write .grad in place: no two leaves, and no leaf and the caller, may share it
  it('leaves given one gradient (add passes it to both) get separate copies', () => {
    const a = f64([1, 2]);
    const b = f64([3, 4]);
    a.add(b).backward(f64([1, 1], false));
    a.grad!.data[0] = 99;
    expect(Array.from(b.grad!.data)).toEqual([1, 1]);
  });

  it("a leaf reached through reshape does not keep the caller's gradient", () => {
    const x = f64([1, 2, 3, 4]);
    const g = f64([[1, 2], [3, 4]], false);
    x.reshape([2, 2]).backward(g);
    x.grad!.data[0] = 99;
    expect(Array.from(g.data)).toEqual([1, 2, 3, 4]);
  });

  it("a leaf reached through a view op and used twice keeps its own sum", () => {
    const x = f64([1, 2]);
    const y = x.mul(2);
    const z = y.add(y.reshape([2]));
    z.sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([4, 4]);
    const w = f64([5, 6]);
    w.reshape([2]).sum().backward();
    const before = Array.from(w.grad!.data);
    w.grad!.data[1] = 0;
    expect(before).toEqual([1, 1]);
  });
});
