import { describe, expect, it } from 'vitest';
import { Generator, full, rand, tensor } from '@neurone/core';
import { corrupt, psnr } from '../src/index.js';

describe('corrupt', () => {
  const x = full([50, 40], 0.5);

  it('masking zeroes about p of the elements, the same ones for the same seed', () => {
    const a = corrupt(x, { kind: 'masking', p: 0.3 }, { generator: new Generator(3) });
    const b = corrupt(x, { kind: 'masking', p: 0.3 }, { generator: new Generator(3) });
    const c = corrupt(x, { kind: 'masking', p: 0.3 }, { generator: new Generator(4) });
    const zeros = a.toList().filter((v) => v === 0).length;
    expect(zeros / x.size).toBeGreaterThan(0.27);
    expect(zeros / x.size).toBeLessThan(0.33);
    expect(a.toList().every((v) => v === 0 || v === 0.5)).toBe(true);
    expect(b.toList()).toEqual(a.toList());
    expect(c.toList()).not.toEqual(a.toList());
    // the input is left alone
    expect(x.toList().every((v) => v === 0.5)).toBe(true);
  });

  it('gaussian noise has the asked standard deviation and is clipped to [0, 1] by default', () => {
    const noisy = corrupt(x, { kind: 'gaussian', std: 0.1, clip: null }, { generator: new Generator(5) });
    const d = noisy.toList().map((v) => v - 0.5);
    const mean = d.reduce((s, v) => s + v, 0) / d.length;
    const std = Math.sqrt(d.reduce((s, v) => s + (v - mean) ** 2, 0) / d.length);
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(std).toBeGreaterThan(0.095);
    expect(std).toBeLessThan(0.105);
    const clipped = corrupt(x, { kind: 'gaussian', std: 2 }, { generator: new Generator(5) });
    expect(Math.min(...clipped.toList())).toBe(0);
    expect(Math.max(...clipped.toList())).toBe(1);
  });

  it('salt and pepper sets about p of the elements to 0 or 1', () => {
    const s = corrupt(x, { kind: 'saltAndPepper', p: 0.2 }, { generator: new Generator(6) }).toList();
    const changed = s.filter((v) => v !== 0.5);
    expect(changed.every((v) => v === 0 || v === 1)).toBe(true);
    expect(changed.length / s.length).toBeGreaterThan(0.17);
    expect(changed.length / s.length).toBeLessThan(0.23);
  });

  it('patch blanks one size x size square per image, in every channel', () => {
    const img = full([3, 2, 6, 5], 1);
    const out = corrupt(img, { kind: 'patch', size: 3 }, { generator: new Generator(7) });
    for (let i = 0; i < 3; i++) {
      const zerosPerChannel = [0, 1].map((c) => out.narrow(0, i, 1).narrow(1, c, 1).toList().filter((v) => v === 0));
      expect(zerosPerChannel.map((z) => z.length)).toEqual([9, 9]);
      // the same square in both channels
      expect(out.select(0, i).select(0, 0).toList()).toEqual(out.select(0, i).select(0, 1).toList());
    }
    expect(() => corrupt(img, { kind: 'patch', size: 7 })).toThrow(/patch size must be an integer in 1..5/);
    expect(() => corrupt(full([2, 4], 1), { kind: 'patch', size: 2 })).toThrow(/needs images/);
  });

  it('is not recorded by autograd and rejects bad specs', () => {
    const y = rand([3, 3], { requiresGrad: true });
    expect(corrupt(y, { kind: 'masking', p: 0.5 }).requiresGrad).toBe(false);
    expect(() => corrupt(y, { kind: 'masking', p: 1.5 })).toThrow(/masking p must be a probability/);
    expect(() => corrupt(y, { kind: 'gaussian', std: -1 })).toThrow(/std must be a non-negative/);
    expect(() => corrupt(y, { kind: 'blur' } as never)).toThrow(/kind must be/);
  });
});

describe('psnr', () => {
  it('is 10 log10(1 / MSE) per image, averaged', () => {
    const a = tensor([[0, 0, 0, 0], [1, 1, 1, 1]]);
    const b = tensor([[0.1, 0.1, 0.1, 0.1], [1, 1, 0, 1]]);
    // MSE 0.01 -> 20 dB; MSE 0.25 -> 6.0206 dB
    expect(psnr(a, b, { reduction: 'none' })[0]).toBeCloseTo(20, 4);
    expect(psnr(a, b, { reduction: 'none' })[1]).toBeCloseTo(10 * Math.log10(4), 4);
    expect(psnr(a, b)).toBeCloseTo((20 + 10 * Math.log10(4)) / 2, 4);
    // a range of 2 (images in [-1, 1]) adds 20 log10(2)
    expect(psnr(a, b, { dataRange: 2, reduction: 'none' })[0]).toBeCloseTo(20 + 20 * Math.log10(2), 4);
    expect(psnr(a, a)).toBe(Infinity);
    expect(() => psnr(a, tensor([[1]]))).toThrow(/same shape/);
  });
});
