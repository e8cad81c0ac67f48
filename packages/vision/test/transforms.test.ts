// Transforms: exact geometry on small images, seeding, batches.
import { describe, expect, it } from 'vitest';
import { Generator, Tensor, gradcheck, randn } from '@neurone/core';
import { transforms } from '../src/index.js';

/** A 1-channel image with a single bright pixel at (y, x). */
function dot(H: number, W: number, y: number, x: number): Tensor {
  const t = new Tensor(new Float64Array(H * W), [1, H, W]);
  t.data[y * W + x] = 1;
  return t;
}

function argmaxYX(t: Tensor): [number, number] {
  const W = t.shape[t.ndim - 1]!;
  let best = 0;
  for (let i = 1; i < t.size; i++) if (t.data[i]! > t.data[best]!) best = i;
  return [Math.floor(best / W), best % W];
}

describe('affine', () => {
  it('translates by whole pixels exactly', () => {
    const y = transforms.affine(dot(5, 5, 2, 2), { translate: [1, -2] });
    expect(argmaxYX(y)).toEqual([0, 3]);
    expect(y.data[0 * 5 + 3]).toBeCloseTo(1, 12);
  });
  it('rotates counter-clockwise about the centre', () => {
    // the pixel right of the centre goes above it after +90 degrees
    const y = transforms.affine(dot(5, 5, 2, 3), { angle: 90 });
    expect(argmaxYX(y)).toEqual([1, 2]);
    expect(y.data[1 * 5 + 2]).toBeCloseTo(1, 9);
  });
  it('scales about the centre and fills the outside', () => {
    expect(argmaxYX(transforms.affine(dot(7, 7, 3, 4), { scale: 2 }))).toEqual([3, 5]);
    const filled = transforms.affine(new Tensor(new Float64Array(9).fill(0.5), [1, 3, 3]), { translate: [3, 0], fill: 1 });
    expect(Array.from(filled.data)).toEqual(new Array(9).fill(1));
  });
  it('shears along x', () => {
    // shear x by 45 degrees: the row above the centre moves by one pixel
    const y = transforms.affine(dot(5, 5, 1, 2), { shear: [45, 0] });
    expect(argmaxYX(y)[0]).toBe(1);
    expect(argmaxYX(y)[1]).not.toBe(2);
  });
});

describe('random transforms', () => {
  it('RandomAffine: the same seed gives the same images, one draw per image of a batch', () => {
    const batch = randn([3, 1, 8, 8]);
    batch.data.set(batch.data.subarray(0, 64), 64); // images 0 and 1 equal
    const make = () => new transforms.RandomAffine({ degrees: 20, translate: [0.1, 0.1], scale: [0.9, 1.1], shear: 10, generator: new Generator(5) });
    const a = make().forward(batch);
    const b = make().forward(batch);
    expect(a.shape).toEqual([3, 1, 8, 8]);
    expect(a.toList()).toEqual(b.toList());
    expect(Array.from(a.data.subarray(0, 64))).not.toEqual(Array.from(a.data.subarray(64, 128)));
    expect(new transforms.RandomAffine({ degrees: 0, generator: new Generator(1) }).forward(batch).toList().map((v) => Math.round(v * 1e6))).toEqual(batch.toList().map((v) => Math.round(v * 1e6)));
  });
  it('ElasticDistortion: seeded, moves pixels, keeps a constant image constant inside', () => {
    const img = dot(12, 12, 6, 6);
    const a = new transforms.ElasticDistortion({ alpha: 8, sigma: 3, generator: new Generator(2) }).forward(img);
    const b = new transforms.ElasticDistortion({ alpha: 8, sigma: 3, generator: new Generator(2) }).forward(img);
    expect(a.toList()).toEqual(b.toList());
    expect(a.toList()).not.toEqual(img.toList());
    const flat = new transforms.ElasticDistortion({ alpha: 1, sigma: 4, fill: 0.3, generator: new Generator(3) }).forward(new Tensor(new Float64Array(144).fill(0.3), [1, 12, 12]));
    for (const v of flat.data) expect(v).toBeCloseTo(0.3, 12);
  });
  it('GaussianNoise: seeded, clipped to [0, 1], with the asked spread', () => {
    const img = new Tensor(new Float64Array(10000).fill(0.5), [1, 100, 100]);
    const a = new transforms.GaussianNoise({ std: 0.1, generator: new Generator(4) }).forward(img);
    expect(a.toList()).toEqual(new transforms.GaussianNoise({ std: 0.1, generator: new Generator(4) }).forward(img).toList());
    const mean = a.mean().item();
    const sd = Math.sqrt(a.sub(mean).square().mean().item());
    expect(mean).toBeCloseTo(0.5, 2);
    expect(sd).toBeGreaterThan(0.09);
    expect(sd).toBeLessThan(0.11);
    const big = new transforms.GaussianNoise({ std: 2, generator: new Generator(4) }).forward(img);
    expect(Math.min(...big.data)).toBe(0);
    expect(Math.max(...big.data)).toBe(1);
  });
  it('normalize and Compose', () => {
    const x = new Tensor(Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8]), [2, 2, 2]);
    expect(transforms.normalize(x, [1, 5], [2, 4]).toList()).toEqual([0, 0.5, 1, 1.5, 0, 0.25, 0.5, 0.75]);
    const c = new transforms.Compose([new transforms.Normalize([1], [2]), new transforms.Normalize([0], [0.5])]);
    expect(c.forward(x).toList()).toEqual(x.toList().map((v) => v - 1));
    expect(() => transforms.normalize(x, [1, 2, 3], [1])).toThrow('normalize: mean has 3 values for 2 channels (input [2,2,2])');
    const w = randn([2, 2, 2], { dtype: 'float64', requiresGrad: true });
    gradcheck((t) => transforms.normalize(t, [0.1, 0.2], [0.3, 0.4]), [w]);
  });
});
