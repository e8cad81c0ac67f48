// Adam and AdamW on float32 parameters (their own monomorphic loop) against
// the same steps on float64 parameters (the general loop).
import { describe, expect, it } from 'vitest';
import { Generator, optim, tensor, type Tensor } from '../../src/index.js';

function run(dtype: 'float32' | 'float64', make: (p: Tensor[]) => optim.Optimizer): number[] {
  const gen = new Generator(11);
  const values = Array.from({ length: 257 }, () => gen.normal());
  const grads = Array.from({ length: 3 }, () => Array.from({ length: 257 }, () => gen.normal()));
  const p = tensor(values, { dtype, requiresGrad: true });
  const opt = make([p]);
  for (const g of grads) {
    p.grad = tensor(g, { dtype });
    opt.step();
  }
  return Array.from(p.data);
}

describe.each([
  ['Adam', (p: Tensor[]) => new optim.Adam(p, { lr: 0.1, weightDecay: 0.01 })],
  ['AdamW', (p: Tensor[]) => new optim.AdamW(p, { lr: 0.1, weightDecay: 0.1 })],
  ['Adam, maximize', (p: Tensor[]) => new optim.Adam(p, { lr: 0.05, maximize: true })],
] as const)('%s on float32 parameters', (_, make) => {
  it('follows the float64 steps to float32 precision', () => {
    const a = run('float32', make);
    const b = run('float64', make);
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!)));
    expect(worst).toBeLessThan(1e-6);
    expect(worst).toBeGreaterThan(0); // the float32 run really rounded
  });
});
