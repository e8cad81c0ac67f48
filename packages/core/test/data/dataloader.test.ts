import { describe, expect, it } from 'vitest';
import { Generator, Tensor, arange, data, manualSeed, tensor } from '../../src/index.js';

const { DataLoader, TensorDataset } = data;
const range = (n: number) => ({ length: n, getItem: (i: number) => i });
/** The item order of one epoch (batches of numbers -> int32 tensors). */
const epoch = (loader: Iterable<Tensor>) => [...loader].flatMap((b) => b.toList());

describe('DataLoader', () => {
  it('batches in order by default (batchSize 1) and reports its length', () => {
    const loader = new DataLoader(range(3));
    expect(loader.length).toBe(3);
    expect([...loader].map((b) => b.toArray())).toEqual([[0], [1], [2]]);
  });

  it('keeps a short last batch, or drops it with dropLast', () => {
    const keep = new DataLoader(range(10), { batchSize: 4 });
    expect(keep.length).toBe(3);
    expect([...keep].map((b) => b.shape[0])).toEqual([4, 4, 2]);
    const drop = new DataLoader(range(10), { batchSize: 4, dropLast: true });
    expect(drop.length).toBe(2);
    expect(epoch(drop)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(new DataLoader(range(3), { batchSize: 4, dropLast: true }).length).toBe(0);
    expect([...new DataLoader(range(0))]).toEqual([]);
  });

  it('stacks TensorDataset rows into batches that for...of destructures', () => {
    const x = arange(10).reshape(5, 2).float();
    const y = tensor([0, 1, 2, 3, 4], { dtype: 'int32' });
    const shapes: number[][][] = [];
    for (const [xb, yb] of new DataLoader(new TensorDataset(x, y), { batchSize: 2 })) {
      shapes.push([xb.shape as number[], yb.shape as number[]]);
      expect(yb.dtype).toBe('int32');
    }
    expect(shapes).toEqual([[[2, 2], [2]], [[2, 2], [2]], [[1, 2], [1]]]);
  });

  it('shuffles with a seed: same seed, same epochs; a new permutation each epoch', () => {
    const a = new DataLoader(range(50), { batchSize: 8, shuffle: true, seed: 42 });
    const b = new DataLoader(range(50), { batchSize: 8, shuffle: true, seed: 42 });
    const a1 = epoch(a);
    const a2 = epoch(a);
    expect(epoch(b)).toEqual(a1);
    expect(epoch(b)).toEqual(a2);
    expect(a1).not.toEqual(a2);
    expect([...a1].sort((p, q) => p - q)).toEqual([...Array(50).keys()]);
    expect(a1).not.toEqual([...Array(50).keys()]);
    expect(epoch(new DataLoader(range(50), { batchSize: 8, shuffle: true, seed: 43 }))).not.toEqual(a1);
  });

  it('shuffles from a given generator, or from the default one (manualSeed)', () => {
    const first = epoch(new DataLoader(range(30), { shuffle: true, generator: new Generator(7), batchSize: 5 }));
    expect(epoch(new DataLoader(range(30), { shuffle: true, generator: new Generator(7), batchSize: 5 }))).toEqual(first);
    manualSeed(11);
    const d1 = epoch(new DataLoader(range(30), { shuffle: true, batchSize: 5 }));
    manualSeed(11);
    expect(epoch(new DataLoader(range(30), { shuffle: true, batchSize: 5 }))).toEqual(d1);
  });

  it('uses a custom collate', () => {
    const loader = new DataLoader(range(5), { batchSize: 2, collate: (items: number[]) => items.join('+') });
    expect([...loader]).toEqual(['0+1', '2+3', '4']);
  });

  it('refuses bad options', () => {
    expect(() => new DataLoader(range(3), { batchSize: 0 })).toThrow('DataLoader: batchSize must be a positive integer, got 0');
    expect(() => new DataLoader(range(3), { batchSize: 1.5 })).toThrow(/batchSize/);
    expect(() => new DataLoader(range(3), { seed: 1, generator: new Generator(1) })).toThrow('DataLoader: pass either generator or seed, not both');
    expect(() => new DataLoader({ length: -1, getItem: () => 0 })).toThrow(/DataLoader: expected a dataset/);
    expect(() => new DataLoader(range(3), { collate: 5 as never })).toThrow('DataLoader: collate must be a function');
  });
});
