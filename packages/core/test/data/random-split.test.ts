import { describe, expect, it } from 'vitest';
import { Generator, data, manualSeed } from '../../src/index.js';

const { randomSplit } = data;
const range = (n: number) => ({ length: n, getItem: (i: number) => i });
const items = (s: data.Subset<number>) => [...s];

describe('randomSplit', () => {
  it('splits into disjoint subsets of the given lengths covering the dataset', () => {
    const parts = randomSplit(range(10), [3, 7], { generator: new Generator(0) });
    expect(parts.map((p) => p.length)).toEqual([3, 7]);
    const all = parts.flatMap(items).sort((a, b) => a - b);
    expect(all).toEqual([...Array(10).keys()]);
    // shuffled, not the identity
    expect(parts.flatMap(items)).not.toEqual([...Array(10).keys()]);
  });

  it('takes fractions, dealing the remainder to the first subsets like PyTorch', () => {
    const g = new Generator(1);
    expect(randomSplit(range(10), [0.5, 0.5], { generator: g }).map((p) => p.length)).toEqual([5, 5]);
    // floor(11 / 3) = 3 each, remainder 2 -> first two subsets
    expect(randomSplit(range(11), [1 / 3, 1 / 3, 1 / 3], { generator: g }).map((p) => p.length)).toEqual([4, 4, 3]);
    // floors 3, 3, 4, remainder 1 -> first subset
    expect(randomSplit(range(11), [0.3, 0.3, 0.4], { generator: g }).map((p) => p.length)).toEqual([4, 3, 4]);
    expect(randomSplit(range(5), [1], { generator: g }).map((p) => p.length)).toEqual([5]);
    expect(randomSplit(range(10), [0.8, 0.1, 0.1], { generator: g }).map((p) => p.length)).toEqual([8, 1, 1]);
  });

  it('is reproducible from a seed, and follows manualSeed without a generator', () => {
    const a = randomSplit(range(20), [10, 10], { generator: new Generator(5) }).map(items);
    const b = randomSplit(range(20), [10, 10], { generator: new Generator(5) }).map(items);
    const c = randomSplit(range(20), [10, 10], { generator: new Generator(6) }).map(items);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    manualSeed(3);
    const d = randomSplit(range(20), [10, 10]).map(items);
    manualSeed(3);
    expect(randomSplit(range(20), [10, 10]).map(items)).toEqual(d);
  });

  it('refuses lengths that do not add up', () => {
    expect(() => randomSplit(range(10), [3, 3])).toThrow('randomSplit: sum of input lengths [3,3] does not equal the length of the dataset (10)');
    expect(() => randomSplit(range(10), [0.5, 0.2])).toThrow(/lengths must be non-negative integers or fractions summing to 1/);
    expect(() => randomSplit(range(10), [11, -1])).toThrow(/non-negative integers/);
    expect(() => randomSplit(range(10), [1.5, -0.5])).toThrow('randomSplit: fraction 1.5 is not between 0 and 1');
  });
});
