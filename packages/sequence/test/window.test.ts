import { describe, expect, it } from 'vitest';
import { Generator, arange, gradcheck, randn } from '@neurone/core';
import { slidingWindow } from '../src/index.js';

describe('slidingWindow', () => {
  it('cuts a signal into overlapping frames', () => {
    const x = arange(0, 7).float();
    expect(slidingWindow(x, { size: 3, stride: 2 }).toArray()).toEqual([[0, 1, 2], [2, 3, 4], [4, 5, 6]]);
    expect(slidingWindow(x, { size: 2, stride: 3 }).toArray()).toEqual([[0, 1], [3, 4]]);
    expect(slidingWindow(x, { size: 3, stride: 3, padding: 1 }).toArray()).toEqual([[0, 0, 1], [2, 3, 4], [5, 6, 0]]);
  });

  it('turns images into sequences of column frames (T, N, H*size)', () => {
    const imgs = arange(0, 2 * 3 * 4).float().reshape([2, 3, 4]); // (N, H, W)
    const frames = slidingWindow(imgs, { size: 2, stride: 2 }); // (F, N, H, 2)
    expect(frames.shape).toEqual([2, 2, 3, 2]);
    expect(frames.select(0, 1).select(0, 0).toArray()).toEqual([[2, 3], [6, 7], [10, 11]]);
    expect(frames.flatten(2).shape).toEqual([2, 2, 6]);
    // along another dim: rows of an image
    expect(slidingWindow(imgs, { size: 2, dim: 1 }).shape).toEqual([2, 2, 2, 4]);
  });

  it('is differentiable, overlaps adding up', () => {
    const x = randn([2, 7], { dtype: 'float64', generator: new Generator(1), requiresGrad: true });
    gradcheck((a) => slidingWindow(a!, { size: 3, stride: 2, padding: 1 }), [x]);
    const y = randn([5], { requiresGrad: true });
    slidingWindow(y, { size: 3 }).sum().backward();
    expect(y.grad!.toList()).toEqual([1, 2, 3, 2, 1]);
  });

  it('refuses bad arguments', () => {
    expect(() => slidingWindow(randn([4]), { size: 5 })).toThrow(/frame size 5 exceeds the length 4 of dim 0/);
    expect(() => slidingWindow(randn([4]), { size: 2, stride: 0 })).toThrow(/stride must be an integer >= 1, got 0/);
    expect(() => slidingWindow(randn([4]), { size: 2, dim: 1 })).toThrow(/dim 1 is out of range for shape \[4\]/);
  });
});
