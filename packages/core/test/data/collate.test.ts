import { describe, expect, it } from 'vitest';
import { Tensor, data, tensor } from '../../src/index.js';

const { defaultCollate } = data;

describe('defaultCollate', () => {
  it('stacks tensors along a new dim 0', () => {
    const b = defaultCollate([tensor([1, 2]), tensor([3, 4]), tensor([5, 6])]);
    expect(b.shape).toEqual([3, 2]);
    expect(b.toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
  });

  it('turns integers into an int32 tensor, other numbers into float32, booleans into bool', () => {
    const ints = defaultCollate([3, 0, 7]);
    expect(ints.dtype).toBe('int32');
    expect(ints.toArray()).toEqual([3, 0, 7]);
    const floats = defaultCollate([0.5, 2]);
    expect(floats.dtype).toBe('float32');
    expect(floats.toArray()).toEqual([0.5, 2]);
    expect(defaultCollate([2 ** 31, 1]).dtype).toBe('float32');
    const flags = defaultCollate([true, false]);
    expect(flags.dtype).toBe('bool');
    expect(flags.toArray()).toEqual([1, 0]);
  });

  it('recurses into tuples and objects, keeping strings as lists', () => {
    const batch = defaultCollate([
      [tensor([1, 1]), 0, { id: 'a', w: 0.5 }],
      [tensor([2, 2]), 1, { id: 'b', w: 1.5 }],
    ] as [Tensor, number, { id: string; w: number }][]);
    const [x, y, meta] = batch;
    expect(x.toArray()).toEqual([[1, 1], [2, 2]]);
    expect(y.toArray()).toEqual([0, 1]);
    expect(meta.id).toEqual(['a', 'b']);
    expect(meta.w.toArray()).toEqual([0.5, 1.5]);
    const nested = defaultCollate([{ a: [1, 2] }, { a: [3, 4] }]);
    expect(nested.a.map((t) => t.toArray())).toEqual([[1, 3], [2, 4]]);
  });

  it('refuses items of different structure, unsupported values and ragged tensors, naming the field', () => {
    expect(() => defaultCollate([1, 'a'] as unknown[])).toThrow("collate: item 0's batch is a number, but item 1's is not");
    expect(() => defaultCollate([[1, 2], [1]])).toThrow("collate: item 0's batch is an array of length 2, but item 1's is not");
    expect(() => defaultCollate([{ a: 1 }, { b: 1 }] as object[])).toThrow(/an object with keys a/);
    expect(() => defaultCollate([{ x: tensor([1]) }, { x: tensor([1, 2]) }])).toThrow(/^collate: cannot batch batch\.x: stack: expects each tensor to be equal size/);
    expect(() => defaultCollate([null, null])).toThrow('collate: cannot batch batch: null values are not supported');
    expect(() => defaultCollate([new Map(), new Map()])).toThrow(/Map values are not supported/);
    expect(() => defaultCollate([])).toThrow('collate: expected a non-empty list of items');
  });
});
