import { describe, expect, it } from 'vitest';
import { Generator, randn, tensor } from '@neurone/core';
import { ctcBeamSearch, ctcGreedyDecode, ctcLoss, editDistance } from '../src/index.js';

/** (T, 1, C) log-probabilities from per-frame probabilities. */
function logProbs(frames: number[][]) {
  return tensor(frames.map((f) => [f.map(Math.log)]), { dtype: 'float64' });
}

describe('ctcGreedyDecode', () => {
  it('collapses repeats and removes blanks', () => {
    const eye = (c: number) => [0, 1, 2].map((k) => (k === c ? 0.8 : 0.1));
    const lp = logProbs([1, 1, 0, 2, 2, 0, 2, 1].map(eye));
    const [best] = ctcGreedyDecode(lp);
    expect(best!.tokens).toEqual([1, 2, 2, 1]);
    expect(best!.score).toBeCloseTo(8 * Math.log(0.8), 12);
  });

  it('respects input lengths, blank and batch layout', () => {
    const x = tensor([[[0, 5, 0], [5, 0, 0]], [[0, 0, 5], [0, 5, 0]], [[5, 0, 0], [0, 0, 5]]]); // (T=3, N=2, C=3)
    expect(ctcGreedyDecode(x).map((h) => h.tokens)).toEqual([[1, 2], [1, 2]]);
    expect(ctcGreedyDecode(x, { inputLengths: [3, 1] }).map((h) => h.tokens)).toEqual([[1, 2], []]);
    expect(ctcGreedyDecode(x, { blank: 2 }).map((h) => h.tokens)).toEqual([[1, 0], [0, 1]]);
    expect(() => ctcGreedyDecode(x, { blank: 3 })).toThrow(/blank must be a class index in 0\.\.2/);
    expect(() => ctcGreedyDecode(randn([2]))).toThrow(/\(T, N, C\) or \(T, C\)/);
  });
});

describe('ctcBeamSearch', () => {
  it('finds the labelling that greedy decoding misses', () => {
    // every frame: blank 0.5, 'a' 0.4, 'b' 0.1. Best path: all blanks (""), but P("a") = 1 - 0.5^T - ... is larger
    const lp = logProbs(new Array(3).fill([0.5, 0.4, 0.1]));
    expect(ctcGreedyDecode(lp)[0]!.tokens).toEqual([]);
    const [beams] = ctcBeamSearch(lp, { beamWidth: 4 });
    expect(beams![0]!.tokens).toEqual([1]);
  });

  it('scores each labelling by its total probability (equal to exp(-ctcLoss))', () => {
    const lp = randn([6, 1, 4], { dtype: 'float64', generator: new Generator(2) }).logSoftmax(2);
    const [beams] = ctcBeamSearch(lp, { beamWidth: 1000 });
    for (const b of beams!.slice(0, 10)) {
      const nll = ctcLoss(lp, [b.tokens.length ? b.tokens : [1]], [6], [b.tokens.length], { reduction: 'none' }).item();
      expect(b.score).toBeCloseTo(-nll, 9);
    }
    // with an unlimited beam the probabilities of all labellings add up to 1
    const total = beams!.reduce((s, b) => s + Math.exp(b.score), 0);
    expect(total).toBeCloseTo(1, 9);
    // and the best is the most probable labelling
    expect(beams![0]!.score).toBe(Math.max(...beams!.map((b) => b.score)));
  });

  it('lets a character language model change the answer', () => {
    const lp = logProbs(new Array(2).fill([0.2, 0.45, 0.35]));
    expect(ctcBeamSearch(lp, { beamWidth: 8 })[0]![0]!.tokens).toEqual([1]);
    // an LM that never wants label 1 after nothing
    const lm = (prefix: readonly number[], next: number) => (next === 1 ? Math.log(0.01) : Math.log(0.99));
    const withLm = ctcBeamSearch(lp, { beamWidth: 8, lm })[0]![0]!.tokens;
    expect(withLm).toEqual([2]);
    expect(ctcBeamSearch(lp, { beamWidth: 8, lm, lmWeight: 0 })[0]![0]!.tokens).toEqual([1]);
    // the LM sees the prefix it extends
    const seen: string[] = [];
    ctcBeamSearch(lp, { beamWidth: 2, lm: (p, c) => (seen.push(`${p.join('')}>${c}`), 0) });
    expect(seen).toContain('>1');
    expect(seen.some((s) => s.length > 2)).toBe(true);
  });

  it('works per sample with input lengths and a beam width of 1', () => {
    const lp = randn([5, 3, 4], { generator: new Generator(4) }).logSoftmax(2);
    const res = ctcBeamSearch(lp, { beamWidth: 3, inputLengths: [5, 2, 0] });
    expect(res.length).toBe(3);
    expect(res[2]![0]!.tokens).toEqual([]);
    expect(res[2]![0]!.score).toBe(0);
    expect(ctcBeamSearch(lp, { beamWidth: 1 })[0]!.length).toBe(1);
    expect(() => ctcBeamSearch(lp, { beamWidth: 0 })).toThrow(/beamWidth must be a positive integer/);
  });
});

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance([1, 2, 3], [1, 3])).toBe(1);
    expect(editDistance([], [4, 5])).toBe(2);
    expect(editDistance('same', 'same')).toBe(0);
  });
});
