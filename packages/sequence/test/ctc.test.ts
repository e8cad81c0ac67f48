import { describe, expect, it } from 'vitest';
import { Generator, Tensor, full, gradcheck, randn, tensor } from '@neurone/core';
import { ctcLoss } from '../src/index.js';
import { expectClose, fixture, t } from './helpers.js';

const cases = fixture('ctc.json');

describe('ctcLoss matches PyTorch', () => {
  for (const c of cases) {
    it(c.name, () => {
      const logits = t(c.logits, 'float64', true);
      const targets = tensor(c.targets, { dtype: 'int32' });
      const loss = ctcLoss(logits.logSoftmax(2), targets, c.inputLengths, c.targetLengths, {
        blank: c.blank, reduction: c.reduction, zeroInfinity: c.zeroInfinity,
      });
      expectClose(loss, c.loss, 1e-6, 'loss');
      loss.mul(t(c.upstream)).sum().backward();
      expectClose(logits.grad!, c.gradLogits, 1e-6, 'grad');
    });
  }

  it('float32 within 1e-4', () => {
    const c = cases.find((x: { name: string }) => x.name === 'padded none');
    const logits = t(c.logits, 'float32', true);
    const loss = ctcLoss(logits.logSoftmax(2), tensor(c.targets, { dtype: 'int32' }), c.inputLengths, c.targetLengths, { reduction: 'none' });
    expect(loss.dtype).toBe('float32');
    expectClose(loss, c.loss, 1e-4, 'loss');
    loss.mul(t(c.upstream, 'float32')).sum().backward();
    expectClose(logits.grad!, c.gradLogits, 1e-4, 'grad');
  });
});

describe('ctcLoss gradient', () => {
  const gen = new Generator(7);
  it('is the exact derivative with respect to logProbs (gradcheck, raw inputs)', () => {
    const lp = randn([6, 3, 4], { dtype: 'float64', generator: gen, requiresGrad: true });
    for (const reduction of ['none', 'mean', 'sum'] as const) {
      gradcheck((x) => ctcLoss(x, [[1, 1, 2], [3, 0, 0], [2, 3, 0]], [6, 5, 4], [3, 1, 2], { reduction }), [lp]);
    }
    gradcheck((x) => ctcLoss(x, [1, 1, 2, 3, 2, 3], [6, 5, 4], [3, 1, 2], { reduction: 'none', blank: 0 }), [lp]);
  });

  it('through logSoftmax, on an unbatched input with blank last', () => {
    const logits = randn([7, 5], { dtype: 'float64', generator: gen, requiresGrad: true });
    gradcheck((x) => ctcLoss(x.logSoftmax(1), [0, 1, 1, 3], 7, 4, { blank: 4 }), [logits]);
  });
});

/** -log of the sum over every alignment, by brute force. */
function bruteForce(lp: number[][], target: number[], blank: number): number {
  const T = lp.length;
  const C = lp[0]!.length;
  let total = 0;
  const path = new Array<number>(T).fill(0);
  const visit = (t: number): void => {
    if (t === T) {
      const collapsed: number[] = [];
      path.forEach((c, i) => {
        if (c !== blank && (i === 0 || path[i - 1] !== c)) collapsed.push(c);
      });
      if (collapsed.join(',') === target.join(',')) total += Math.exp(path.reduce((s, c, i) => s + lp[i]![c]!, 0));
      return;
    }
    for (let c = 0; c < C; c++) {
      path[t] = c;
      visit(t + 1);
    }
  };
  visit(0);
  return -Math.log(total);
}

describe('ctcLoss values', () => {
  it('equals the brute-force sum over all alignments', () => {
    const gen = new Generator(3);
    const logits = randn([5, 1, 3], { dtype: 'float64', generator: gen });
    const lp = logits.logSoftmax(2);
    const rows = (lp.toArray() as number[][][]).map((r) => r[0]!);
    for (const target of [[1], [1, 2], [1, 1], [2, 2, 1], []]) {
      const loss = ctcLoss(lp, [target.length ? target : [0]].map((r) => r), [5], [target.length], { reduction: 'none' });
      expect(loss.item()).toBeCloseTo(bruteForce(rows, target, 0), 10);
    }
  });

  it('does not underflow at T = 1000 (exact count of alignments)', () => {
    const T = 1000;
    const C = 5;
    const target = [1, 2, 2, 3, 1, 4, 4, 4, 2, 1];
    // uniform probabilities: p(target) = (number of alignments) / C^T
    const lp = full([T, 1, C], -Math.log(C), { dtype: 'float64' });
    const ext = [0, ...target.flatMap((c) => [c, 0])];
    let alpha: bigint[] = ext.map((_, s) => (s < 2 ? 1n : 0n));
    for (let step = 1; step < T; step++) {
      alpha = ext.map((c, s) => alpha[s]! + (s >= 1 ? alpha[s - 1]! : 0n) + (s >= 2 && c !== ext[s - 2] ? alpha[s - 2]! : 0n));
    }
    const count = alpha[ext.length - 1]! + alpha[ext.length - 2]!;
    const digits = count.toString();
    const logCount = Math.log(Number(digits.slice(0, 17))) + (digits.length - 17) * Math.LN10;
    const expected = T * Math.log(C) - logCount;
    const loss = ctcLoss(lp, [target], [T], [target.length], { reduction: 'none' });
    expect(loss.item()).toBeCloseTo(expected, 6);
    expect(ctcLoss(lp, [[]], [T], [0], { reduction: 'sum' }).item()).toBeCloseTo(T * Math.log(C), 8);
  });

  it('gives finite losses and gradients on a long float32 input', () => {
    const gen = new Generator(11);
    const logits = randn([1000, 2, 20], { generator: gen, requiresGrad: true });
    const targets = [Array.from({ length: 100 }, (_, i) => 1 + (i % 19)), Array.from({ length: 100 }, (_, i) => 1 + ((i * 7) % 19))];
    const loss = ctcLoss(logits.logSoftmax(2), targets, [1000, 900], [100, 80], { reduction: 'sum' });
    expect(Number.isFinite(loss.item())).toBe(true);
    expect(loss.item()).toBeGreaterThan(0);
    loss.backward();
    expect(logits.grad!.toList().every(Number.isFinite)).toBe(true);
    // frames past sample 1's input length get no gradient
    const g = logits.grad!.data;
    let past = 0;
    for (let tt = 900; tt < 1000; tt++) for (let c = 0; c < 20; c++) past += Math.abs(g[(tt * 2 + 1) * 20 + c]!);
    expect(past).toBe(0);
  });

  it("'mean' divides by the target lengths (at least 1), then averages", () => {
    const lp = randn([6, 2, 4], { dtype: 'float64', generator: new Generator(5) }).logSoftmax(2);
    const none = ctcLoss(lp, [[1, 2, 3], [0, 0, 0]], [6, 6], [3, 0], { reduction: 'none' }).toList();
    const mean = ctcLoss(lp, [[1, 2, 3], [0, 0, 0]], [6, 6], [3, 0]).item();
    expect(mean).toBeCloseTo((none[0]! / 3 + none[1]! / 1) / 2, 12);
  });

  it('zeroInfinity zeroes impossible alignments and their gradients', () => {
    const logits = randn([3, 2, 4], { dtype: 'float64', generator: new Generator(1), requiresGrad: true });
    const loss = ctcLoss(logits.logSoftmax(2), [[1, 1], [2, 3]], [3, 2], [2, 2], { reduction: 'none' });
    expect(loss.toList()[0]).toBeGreaterThan(0);
    expect(loss.toList()[1]).toBeGreaterThan(0);
    const bad = ctcLoss(logits.logSoftmax(2), [[1, 1], [2, 3]], [2, 2], [2, 2], { reduction: 'none' });
    expect(bad.toList()[0]).toBe(Infinity);
    const zeroed = ctcLoss(logits.logSoftmax(2), [[1, 1], [2, 3]], [2, 2], [2, 2], { reduction: 'sum', zeroInfinity: true });
    zeroed.backward();
    const g = logits.grad!.toArray() as number[][][];
    expect(g.every((frame) => frame[0]!.every((v) => v === 0))).toBe(true);
    expect(g[0]![1]!.some((v) => v !== 0)).toBe(true);
  });
});

describe('ctcLoss refuses invalid input', () => {
  const lp = randn([5, 2, 4]).logSoftmax(2);
  const cases: Array<[string, () => Tensor, RegExp]> = [
    ['a target containing the blank', () => ctcLoss(lp, [[1, 0], [2, 3]], [5, 5], [2, 2]), /target 0 contains the blank label 0 at position 1/],
    ['a class out of range', () => ctcLoss(lp, [[1, 4], [2, 3]], [5, 5], [2, 2]), /target 0 has class 4 at position 1, outside 0\.\.3/],
    ['an input length above T', () => ctcLoss(lp, [[1, 2], [2, 3]], [6, 5], [2, 2]), /input length of sample 0 must be between 0 and T = 5, got 6/],
    ['a target length above S', () => ctcLoss(lp, [[1, 2], [2, 3]], [5, 5], [3, 2]), /target length 3 of sample 0 exceeds the padded targets' length S = 2/],
    ['concatenated targets of the wrong size', () => ctcLoss(lp, [1, 2, 3], [5, 5], [2, 2]), /sum\(targetLengths\) = 4 entries, got 3/],
    ['a wrong number of lengths', () => ctcLoss(lp, [[1, 2]], [5], [2]), /expected 2 input lengths/],
    ['a 4-D input', () => ctcLoss(randn([1, 5, 2, 4]), [[1, 2], [2, 3]], [5, 5], [2, 2]), /\(T, N, C\) or unbatched \(T, C\), got shape \[1,5,2,4\]/],
    ['an integer input', () => ctcLoss(tensor([[[0]]], { dtype: 'int32' }), [[1]], [1], [1]), /float32 or float64, got int32/],
    ['a bad blank', () => ctcLoss(lp, [[1, 2], [2, 3]], [5, 5], [2, 2], { blank: 4 }), /blank must be a class index in 0\.\.3, got 4/],
    ['a negative length', () => ctcLoss(lp, [[1, 2], [2, 3]], [5, 5], [-1, 2]), /target length of sample 0 must be non-negative/],
    ['a bad reduction', () => ctcLoss(lp, [[1, 2], [2, 3]], [5, 5], [2, 2], { reduction: 'avg' as 'mean' }), /reduction must be/],
    ['fractional lengths', () => ctcLoss(lp, [[1, 2], [2, 3]], [4.5, 5], [2, 2]), /inputLengths must hold integers/],
  ];
  for (const [name, fn, msg] of cases) it(name, () => expect(fn).toThrow(msg));
});

describe('ctcLoss where the scaled recursion underflows', () => {
  // target [1]: every alignment of T = 2 passes one emission of e^-800, which
  // underflows in probability space; the log-space recursion takes over
  const lp = () => tensor([[[0, -800, -5]], [[0, -800, -5]]], { dtype: 'float64', requiresGrad: true });

  it('gives the log-space loss, -log(2 e^-800)', () => {
    const loss = ctcLoss(lp(), [[1]], [2], [1], { reduction: 'sum' });
    expect(loss.item()).toBeCloseTo(800 - Math.log(2), 9);
  });

  it('and its gradient matches finite differences', () => {
    gradcheck((x) => ctcLoss(x!, [[1]], [2], [1], { reduction: 'sum' }), [lp()]);
  });
});
