import { describe, expect, it } from 'vitest';
import { Generator, Tensor, nn, optim, randn } from '@neurone/core';
import { LSTM, bpttChunks, detachState, truncatedBPTT } from '../src/index.js';
import { expectClose } from './helpers.js';

describe('truncated BPTT', () => {
  it('detachState cuts the graph but keeps the values', () => {
    const a = randn([2], { requiresGrad: true });
    const s = detachState([a.mul(2), [a.mul(3), null]] as const);
    expect(s[0].requiresGrad).toBe(false);
    expect((s[1] as [Tensor, null])[0].toList()).toEqual(a.mul(3).toList());
    expect(detachState(null)).toBeNull();
  });

  it('bpttChunks splits along time', () => {
    expect(bpttChunks(randn([10, 2]), 4).map((c) => c.shape[0])).toEqual([4, 4, 2]);
    expect(bpttChunks(randn([2, 10]), 5, 1).map((c) => c.shape)).toEqual([[2, 5], [2, 5]]);
    expect(() => bpttChunks(randn([3]), 0)).toThrow(/k must be a positive integer/);
  });

  it('gives each chunk the gradient of its own K steps, starting from the carried state', () => {
    const gen = new Generator(3);
    const lstm = new LSTM(2, 3, { dtype: 'float64', generator: gen });
    const head = new nn.Linear(3, 1, { dtype: 'float64', generator: gen });
    const x = randn([9, 2, 2], { dtype: 'float64', generator: gen });
    const y = randn([9, 2, 1], { dtype: 'float64', generator: gen });
    const loss = (xc: Tensor, s: [Tensor, Tensor] | undefined, yc: Tensor) => {
      const [out, next] = lstm.forward(xc, s);
      return { loss: head.forward(out).sub(yc).square().mean(), state: next };
    };
    const grads: unknown[] = [];
    const { losses, state } = truncatedBPTT<[Tensor, Tensor]>(x, { k: 4, targets: y }, (xc, s, yc) => loss(xc, s, yc!), () => {
      grads.push(lstm.parameters()[0]!.grad!.toArray());
      lstm.zeroGrad();
      head.zeroGrad();
    });
    expect(losses.length).toBe(3);
    expect(state![0].requiresGrad).toBe(false);
    // by hand: chunk 2 starts from chunk 1's final state, detached
    const [, s1] = lstm.forward(x.narrow(0, 0, 4));
    const r2 = loss(x.narrow(0, 4, 4), detachState(s1), y.narrow(0, 4, 4));
    r2.loss.backward();
    expect(r2.loss.item()).toBeCloseTo(losses[1]!, 12);
    expectClose(lstm.parameters()[0]!.grad!, grads[1]!, 1e-12);
    // and the carried state equals that of one uninterrupted run
    const [, whole] = lstm.forward(x);
    expectClose(state![0], whole[0].toArray(), 1e-12);
  });

  it('trains a next-step predictor with an optimizer in the update hook', () => {
    const gen = new Generator(5);
    const lstm = new LSTM(1, 8, { generator: gen });
    const head = new nn.Linear(8, 1, { generator: gen });
    const params = [...lstm.parameters(), ...head.parameters()];
    const opt = new optim.Adam(params, { lr: 0.02 });
    // a sine wave: predict the next value
    const T = 200;
    const wave = Array.from({ length: T + 1 }, (_, i) => Math.sin(i * 0.3));
    const x = new Tensor(Float32Array.from(wave.slice(0, T)), [T, 1, 1]);
    const y = new Tensor(Float32Array.from(wave.slice(1)), [T, 1, 1]);
    let first = 0;
    let last = 0;
    for (let epoch = 0; epoch < 15; epoch++) {
      const { losses } = truncatedBPTT(x, { k: 20, targets: y }, (xc, s: [Tensor, Tensor] | undefined, yc) => {
        const [out, next] = lstm.forward(xc, s);
        return { loss: head.forward(out).sub(yc!).square().mean(), state: next };
      }, () => {
        opt.step();
        opt.zeroGrad();
      });
      const mean = losses.reduce((a, b) => a + b) / losses.length;
      if (epoch === 0) first = mean;
      last = mean;
    }
    expect(last).toBeLessThan(first / 5);
  });
});
