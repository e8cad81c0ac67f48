// The mnist package's digits with the 80/20 split per digit.
import { describe, expect, it } from 'vitest';
import { mnist, mnistTrainCount } from '../src/index.js';
import { createRequire } from 'node:module';

const raw = createRequire(import.meta.url)('mnist') as Array<{ raw: number[]; length: number }>;

describe('mnist', () => {
  const { train, test } = mnist();

  it('splits each digit: first 80% train, last 20% test', () => {
    const counts = raw.map((d) => d.length);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(10000);
    expect(train.images.shape).toEqual([counts.reduce((s, n) => s + mnistTrainCount(n), 0), 1, 28, 28]);
    expect(train.images.shape[0]! + test.images.shape[0]!).toBe(10000);
    expect(train.labels.dtype).toBe('int32');
    for (let d = 0; d < 10; d++) {
      const nTrain = Array.from(train.labels.data).filter((l) => l === d).length;
      const nTest = Array.from(test.labels.data).filter((l) => l === d).length;
      expect(nTrain).toBe(Math.floor(counts[d]! * 0.8));
      expect(nTest).toBe(counts[d]! - nTrain);
      expect(nTest / counts[d]!).toBeGreaterThanOrEqual(0.2);
    }
  });

  it('test images are the last samples of each digit, train the first; none shared', () => {
    const px = 784;
    // first test image is digit 0's sample number floor(0.8 n)
    const cut = mnistTrainCount(raw[0]!.length);
    expect(Array.from(test.images.data.subarray(0, px)).map((v) => Math.round(v * 1000))).toEqual(raw[0]!.raw.slice(cut * px, (cut + 1) * px).map((v) => Math.round(v * 1000)));
    expect(Array.from(train.images.data.subarray(0, px)).map((v) => Math.round(v * 1000))).toEqual(raw[0]!.raw.slice(0, px).map((v) => Math.round(v * 1000)));
    // a position-weighted checksum per image
    const key = (d: Float32Array | Float64Array | Int32Array | Uint8Array, i: number) => {
      let h = 0;
      for (let p = 0; p < px; p++) h += d[i * px + p]! * (p + 1) * (p % 7 + 1);
      return Math.round(h * 1000);
    };
    const trainSet = new Set(Array.from({ length: train.labels.size }, (_, i) => key(train.images.data, i)));
    let shared = 0;
    for (let i = 0; i < test.labels.size; i++) if (trainSet.has(key(test.images.data, i))) shared++;
    // the package may hold a few duplicate images; the split itself shares no sample index
    expect(shared).toBeLessThan(5);
  });

  it('values in [0, 1]; digit subsets and flat rows', () => {
    expect(train.images.min().item()).toBe(0);
    expect(train.images.max().item()).toBeLessThanOrEqual(1);
    expect(test.images.max().item()).toBeGreaterThan(0.99);
    const low = mnist({ digits: [0, 1, 2, 3, 4], flat: true });
    expect(low.train.images.shape[1]).toBe(784);
    expect(new Set(Array.from(low.test.labels.data))).toEqual(new Set([0, 1, 2, 3, 4]));
    expect(() => mnist({ digits: [3, 10] })).toThrow('mnist: digits must be distinct integers 0-9, got [3,10]');
  });
});
