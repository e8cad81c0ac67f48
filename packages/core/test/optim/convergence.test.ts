// Every optimizer solves a tiny least-squares problem through autograd.
import { describe, expect, it } from 'vitest';
import { Generator, randn, zeros, tensor, matmul, optim, type Tensor } from '../../src/index.js';

/** y = X w* + b* with X (32, 3); returns a closure computing the mean squared error of (w, b). */
function problem() {
  const g = new Generator(7);
  const X = randn([32, 3], { generator: g, dtype: 'float64' });
  const wTrue = tensor([[1.5], [-2], [0.5]], { dtype: 'float64' });
  const y = matmul(X, wTrue).add(0.75);
  const w = zeros([3, 1], { dtype: 'float64', requiresGrad: true });
  const b = zeros([1], { dtype: 'float64', requiresGrad: true });
  const loss = () => matmul(X, w).add(b).sub(y).square().mean();
  return { w, b, wTrue, loss };
}

const cases: Array<[string, (params: Tensor[]) => optim.Optimizer, number]> = [
  ['SGD', (p) => new optim.SGD(p, { lr: 0.1 }), 500],
  ['SGD nesterov', (p) => new optim.SGD(p, { lr: 0.05, momentum: 0.9, nesterov: true }), 300],
  ['Adam', (p) => new optim.Adam(p, { lr: 0.05 }), 600],
  ['Adam amsgrad', (p) => new optim.Adam(p, { lr: 0.05, amsgrad: true }), 600],
  ['AdamW', (p) => new optim.AdamW(p, { lr: 0.05, weightDecay: 0 }), 600],
  ['RMSprop', (p) => new optim.RMSprop(p, { lr: 0.01, momentum: 0.5 }), 600],
  ['RMSprop centered', (p) => new optim.RMSprop(p, { lr: 0.01, centered: true }), 600],
];

describe('convergence on least squares', () => {
  it.each(cases)('%s', (_, make, steps) => {
    const { w, b, wTrue, loss } = problem();
    const opt = make([w, b]);
    const first = loss().item();
    const sched = new optim.ReduceLROnPlateau(opt, { factor: 0.5, patience: 5 });
    for (let i = 0; i < steps; i++) {
      const l = opt.step(() => {
        opt.zeroGrad();
        const l = loss();
        l.backward();
        return l;
      })!;
      sched.step(l);
    }
    const last = loss().item();
    expect(first).toBeGreaterThan(1);
    expect(last).toBeLessThan(1e-6);
    (w.toList()).forEach((v, i) => expect(v).toBeCloseTo(wTrue.data[i]!, 3));
    expect(b.item()).toBeCloseTo(0.75, 3);
  });

  it('maximize climbs instead', () => {
    const { w, b, loss } = problem();
    const opt = new optim.SGD([w, b], { lr: 0.01, maximize: true });
    const first = loss().item();
    for (let i = 0; i < 10; i++) {
      opt.zeroGrad();
      loss().backward();
      opt.step();
    }
    expect(loss().item()).toBeGreaterThan(first);
  });
});
