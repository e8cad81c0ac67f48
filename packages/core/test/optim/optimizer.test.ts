// The Optimizer base: param groups, defaults, zeroGrad, step with a closure,
// skipped parameters, mutable lr, no tensor allocation per step.
import { describe, expect, it } from 'vitest';
import { Tensor, tensor, zeros, optim, isGradEnabled } from '../../src/index.js';

function param(values: number[]): Tensor {
  return tensor(values, { dtype: 'float64', requiresGrad: true });
}

describe('Optimizer', () => {
  it('takes an iterable of tensors as one group with the defaults', () => {
    const a = param([1, 2]);
    const b = param([3]);
    const opt = new optim.Adam(new Set([a, b]).values());
    expect(opt.paramGroups).toHaveLength(1);
    const g = opt.paramGroups[0]!;
    expect(g.params).toEqual([a, b]);
    expect(g.params[0]).toBe(a);
    expect(g).toMatchObject({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false });
    expect(new optim.AdamW([a]).paramGroups[0]!.weightDecay).toBe(1e-2);
    expect(new optim.RMSprop([a]).paramGroups[0]).toMatchObject({ lr: 1e-2, alpha: 0.99, momentum: 0, centered: false });
  });

  it('merges options and per-group hyperparameters', () => {
    const a = param([1]);
    const b = param([2]);
    const opt = new optim.SGD([{ params: [a] }, { params: b, lr: 0.5, momentum: 0.1 }], { lr: 0.1, momentum: 0.9 });
    expect(opt.paramGroups.map((g) => [g.lr, g.momentum])).toEqual([[0.1, 0.9], [0.5, 0.1]]);
    expect(opt.paramGroups[1]!.params).toEqual([b]);
    // groups do not share the defaults' arrays
    const adam = new optim.Adam([{ params: [a] }, { params: [b] }], { betas: [0.8, 0.9] });
    adam.paramGroups[0]!.betas[0] = 0.5;
    expect(adam.paramGroups[1]!.betas[0]).toBe(0.8);
    expect(adam.defaults.betas![0]).toBe(0.8);
  });

  it('addParamGroup adds parameters with their own lr', () => {
    const a = param([1]);
    const b = param([1]);
    const opt = new optim.SGD([a], { lr: 0.1 });
    opt.addParamGroup({ params: [b], lr: 1 });
    a.grad = tensor([1], { dtype: 'float64' });
    b.grad = tensor([1], { dtype: 'float64' });
    opt.step();
    expect(a.item()).toBeCloseTo(0.9, 15);
    expect(b.item()).toBeCloseTo(0, 15);
  });

  it('skips parameters whose grad is null and gives them no state', () => {
    const a = param([1, 2]);
    const b = param([3, 4]);
    const opt = new optim.Adam([a, b], { lr: 0.1 });
    a.grad = tensor([1, -1], { dtype: 'float64' });
    opt.step();
    expect(b.toArray()).toEqual([3, 4]);
    expect(opt.state.has(b)).toBe(false);
    expect(opt.state.get(a)!.step).toBe(1);
    // Adam's first step moves each element by lr (times the sign of its grad)
    expect(a.toArray()).toEqual([expect.closeTo(0.9, 8), expect.closeTo(2.1, 8)]);
  });

  it('zeroGrad sets grads to null by default, or to fresh zeros', () => {
    const a = param([1, 2]);
    const opt = new optim.SGD([a], { lr: 0.1 });
    const g = tensor([5, 6], { dtype: 'float64' });
    a.grad = g;
    opt.zeroGrad({ setToNone: false });
    expect(a.grad!.toArray()).toEqual([0, 0]);
    expect(a.grad!.dtype).toBe('float64');
    expect(g.toArray()).toEqual([5, 6]); // the caller's tensor is left alone
    opt.zeroGrad();
    expect(a.grad).toBeNull();
  });

  it('works with grads from backward and accumulates across backward calls until zeroGrad', () => {
    const w = param([2]);
    const opt = new optim.SGD([w], { lr: 0.25 });
    w.mul(w).sum().backward(); // d/dw w^2 = 4
    w.mul(w).sum().backward(); // accumulated: 8
    opt.step();
    expect(w.item()).toBeCloseTo(0, 15);
    opt.zeroGrad();
    w.mul(3).sum().backward();
    opt.step();
    expect(w.item()).toBeCloseTo(-0.75, 15);
  });

  it('step(closure) runs the closure with grad enabled, then updates without recording', () => {
    const w = param([1, -1]);
    const opt = new optim.SGD([w], { lr: 0.1 });
    let enabledInside = false;
    const loss = opt.step(() => {
      enabledInside = isGradEnabled();
      opt.zeroGrad();
      const l = w.mul(w).sum();
      l.backward();
      return l;
    });
    expect(enabledInside).toBe(true);
    expect(loss!.item()).toBe(2);
    expect(w.toArray()).toEqual([expect.closeTo(0.8, 15), expect.closeTo(-0.8, 15)]);
    expect(w.isLeaf).toBe(true);
    expect(opt.step()).toBeUndefined();
  });

  it('reads lr from the group at each step (schedulers and users can change it)', () => {
    const w = param([1]);
    const opt = new optim.SGD([w], { lr: 0.1 });
    w.grad = tensor([1], { dtype: 'float64' });
    opt.step();
    opt.paramGroups[0]!.lr = 0.5;
    opt.step();
    expect(w.item()).toBeCloseTo(0.4, 15);
  });

  it('updates the parameter storage in place and keeps state buffers between steps', () => {
    const w = zeros([64], { requiresGrad: true });
    const data = w.data;
    const opt = new optim.Adam([w], { lr: 0.01, amsgrad: true });
    w.grad = tensor(Array.from({ length: 64 }, (_, i) => i - 32));
    opt.step();
    const s = opt.state.get(w)!;
    const buffers = [s.expAvg, s.expAvgSq, s.maxExpAvgSq];
    for (let i = 0; i < 10; i++) opt.step();
    expect(w.data).toBe(data);
    expect([s.expAvg, s.expAvgSq, s.maxExpAvgSq]).toEqual(buffers);
    expect(s.expAvg).toBe(buffers[0]);
    expect(s.step).toBe(11);
    expect(s.expAvg.dtype).toBe('float32');
  });

  it('throws on a grad whose shape differs from its parameter', () => {
    const w = param([1, 2, 3, 4]).reshape([2, 2]).detach().requiresGrad_();
    const opt = new optim.Adam([w]);
    w.grad = tensor([1, 2, 3, 4], { dtype: 'float64' });
    expect(() => opt.step()).toThrow('Adam.step: a parameter of shape [2,2] has a grad of shape [4]');
  });
});
