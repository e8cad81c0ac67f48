import { describe, expect, it } from 'vitest';
import { IndexError, ShapeError, Tensor, arange, data, tensor, zeros } from '../../src/index.js';

const { Dataset, TensorDataset, Subset } = data;

class Squares extends Dataset<[number, number]> {
  constructor(readonly n: number) {
    super();
  }
  get length(): number {
    return this.n;
  }
  getItem(i: number): [number, number] {
    return [i, i * i];
  }
}

describe('Dataset', () => {
  it('subclasses define length and getItem; iterating yields the items in order', () => {
    const ds = new Squares(4);
    expect(ds.length).toBe(4);
    expect([...ds]).toEqual([[0, 0], [1, 1], [2, 4], [3, 9]]);
  });
});

describe('TensorDataset', () => {
  const x = arange(12).reshape(4, 3).float();
  const y = tensor([0, 1, 0, 2], { dtype: 'int32' });

  it('items are tuples of rows along dim 0', () => {
    const ds = new TensorDataset(x, y);
    expect(ds.length).toBe(4);
    const [xi, yi] = ds.getItem(2);
    expect(xi.shape).toEqual([3]);
    expect(xi.toArray()).toEqual([6, 7, 8]);
    expect(yi.shape).toEqual([]);
    expect(yi.dtype).toBe('int32');
    expect(yi.item()).toBe(0);
    expect([...ds].map(([, t]) => t.item())).toEqual([0, 1, 0, 2]);
  });

  it('refuses tensors whose first dims differ, 0-d tensors, and non-tensors', () => {
    expect(() => new TensorDataset(x, zeros([5]))).toThrow('TensorDataset: size mismatch between tensors: [4,3], [5] (dim 0 must agree)');
    expect(() => new TensorDataset(tensor(1))).toThrow(ShapeError);
    expect(() => new TensorDataset()).toThrow('TensorDataset: expected at least one tensor');
    expect(() => new TensorDataset(x, [1, 2] as unknown as Tensor)).toThrow(/TensorDataset: expected tensors\[1\] to be a Tensor/);
  });

  it('refuses out-of-range and non-integer indices', () => {
    const ds = new TensorDataset(x);
    expect(() => ds.getItem(4)).toThrow(IndexError);
    expect(() => ds.getItem(-1)).toThrow('TensorDataset.getItem: index -1 is out of range for a dataset of length 4');
    expect(() => ds.getItem(1.5)).toThrow(IndexError);
  });
});

describe('Subset', () => {
  it('maps its indices onto the dataset, in the given order', () => {
    const s = new Subset(new Squares(10), [7, 2, 2]);
    expect(s.length).toBe(3);
    expect([...s]).toEqual([[7, 49], [2, 4], [2, 4]]);
  });

  it('refuses indices outside the dataset', () => {
    expect(() => new Subset(new Squares(3), [0, 3])).toThrow('Subset: index 3 is out of range for a dataset of length 3');
    expect(() => new Subset(new Squares(3), [0]).getItem(1)).toThrow(IndexError);
    expect(() => new Subset({} as never, [0])).toThrow(/Subset: expected a dataset/);
  });
});
