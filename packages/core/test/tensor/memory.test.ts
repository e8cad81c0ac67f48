// Tensors are garbage-collected: 10,000 steps of a manual MLP training loop
// (tensors + autograd, no nn) keep a flat memory footprint, with no dispose().
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Generator, type Tensor, matmul, noGrad, randn, zeros } from '../../src/index.js';

// global.gc without --expose-gc on the command line
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** JS heap plus the ArrayBuffers that hold tensor storage, after full collections. */
function footprint(): number {
  for (let i = 0; i < 3; i++) gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** A 4-16-1 MLP regressing a fixed batch; `keep` is handed every step's loss (to simulate a leak). */
function train(steps: number, onStep: (step: number, loss: Tensor) => void): number {
  const g = new Generator(0);
  const x = randn([32, 4], { generator: g });
  const y = randn([32, 1], { generator: g });
  const w1 = randn([4, 16], { generator: g }).mul(0.5).requiresGrad_();
  const b1 = zeros([16], { requiresGrad: true });
  const w2 = randn([16, 1], { generator: g }).mul(0.25).requiresGrad_();
  const b2 = zeros([1], { requiresGrad: true });
  const params = [w1, b1, w2, b2];
  let last = NaN;
  for (let step = 1; step <= steps; step++) {
    const h = matmul(x, w1).add(b1).tanh();
    const loss = matmul(h, w2).add(b2).sub(y).square().mean();
    loss.backward();
    noGrad(() => {
      for (const p of params) {
        p.copy_(p.sub(p.grad!.mul(0.05)));
        p.grad = null;
      }
    });
    last = loss.item();
    onStep(step, loss);
  }
  return last;
}

describe('memory', () => {
  it('stays flat over 10,000 training steps', () => {
    let at1000 = 0;
    let first = NaN;
    const last = train(10_000, (step, loss) => {
      if (step === 1) first = loss.item();
      if (step === 1000) at1000 = footprint();
    });
    const growth = footprint() - at1000;
    expect(last).toBeLessThan(first); // it did train
    expect(growth, `grew by ${(growth / 2 ** 20).toFixed(2)} MB between step 1,000 and 10,000`).toBeLessThan(3 * 2 ** 20);
  }, 180_000);

  it('the measurement sees a leak (keeping every graph alive)', () => {
    const kept: Tensor[] = [];
    let at200 = 0;
    train(1200, (step, loss) => {
      kept.push(loss);
      if (step === 200) at200 = footprint();
    });
    const growth = footprint() - at200;
    expect(kept.length).toBe(1200);
    expect(growth).toBeGreaterThan(3 * 2 ** 20);
  }, 180_000);
});
