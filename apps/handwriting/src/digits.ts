// Strings of real handwritten digits composed from MNIST (the `mnist`
// package through @neurone/vision): the training split is each digit's first
// 80% of samples, the reserved split its last 20%, used only for evaluation.
import { Generator } from '@neurone/core';
import { mnist } from '@neurone/vision';
import { type Plane, plane, resize } from './imageops.js';

export type DigitSplit = 'train' | 'reserved';

/** Per split, per digit: its 28x28 images (1 = ink). */
let byDigit: Record<DigitSplit, Float32Array[][]> | null = null;

function digitImages(split: DigitSplit): Float32Array[][] {
  if (byDigit === null) {
    const { train, test } = mnist();
    const group = (images: Float32Array, labels: Int32Array): Float32Array[][] => {
      const out: Float32Array[][] = Array.from({ length: 10 }, () => []);
      for (let i = 0; i < labels.length; i++) out[labels[i]!]!.push(images.subarray(i * 784, (i + 1) * 784));
      return out;
    };
    byDigit = {
      train: group(train.images.data as Float32Array, train.labels.data as Int32Array),
      reserved: group(test.images.data as Float32Array, test.labels.data as Int32Array),
    };
  }
  return byDigit[split];
}

/** How many samples of each digit a split holds. */
export function digitCounts(split: DigitSplit): number[] {
  return digitImages(split).map((d) => d.length);
}

/**
 * A line of 1-12 MNIST digits from `split`, each scaled, shifted and spaced
 * at random, as an ink plane (1 = ink), with the digits as its text
 * (`digits` chooses them instead of the generator).
 *
 * Example:
 *   const { ink, text } = digitString(new Generator(5), 'train'); // text e.g. '40721'
 */
export function digitString(rng: Generator, split: DigitSplit, length?: number, digits?: readonly number[]): { ink: Plane; text: string } {
  const images = digitImages(split);
  const n = digits?.length ?? length ?? rng.int(1, 13);
  const height = 44;
  const base = rng.uniform(24, 32); // digit height in pixels
  const pieces: Array<{ img: Plane; dy: number; gap: number }> = [];
  let text = '';
  for (let i = 0; i < n; i++) {
    const d = digits?.[i] ?? rng.int(0, 10);
    const pool = images[d]!;
    const src = pool[rng.int(0, pool.length)]!;
    text += String(d);
    // MNIST centres each digit in 28x28: crop to its ink columns, then scale
    let x0 = 28;
    let x1 = -1;
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) if (src[y * 28 + x]! > 0.2) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); }
    if (x1 < 0) { x0 = 10; x1 = 17; }
    const crop = plane(x1 - x0 + 1, 28);
    for (let y = 0; y < 28; y++) for (let x = x0; x <= x1; x++) crop.data[y * crop.width + x - x0] = src[y * 28 + x]!;
    const s = (base * rng.uniform(0.85, 1.15)) / 20; // the digit's ink is about 20 of the 28 rows
    const img = resize(crop, Math.max(1, Math.round(crop.width * s * rng.uniform(0.9, 1.1))), Math.max(1, Math.round(28 * s)));
    pieces.push({ img, dy: rng.uniform(-3, 3), gap: rng.uniform(-0.05, 0.45) * base });
  }
  const margin = 8;
  const width = Math.ceil(pieces.reduce((w, p) => w + p.img.width + Math.max(p.gap, 0), 0) + 2 * margin);
  const ink = plane(width, height);
  let x = margin;
  for (const p of pieces) {
    const top = Math.round((height - p.img.height) / 2 + p.dy);
    const left = Math.round(x);
    for (let r = 0; r < p.img.height; r++) {
      const yy = top + r;
      if (yy < 0 || yy >= height) continue;
      for (let c = 0; c < p.img.width; c++) {
        const xx = left + c;
        if (xx < 0 || xx >= width) continue;
        const k = yy * width + xx;
        ink.data[k] = Math.max(ink.data[k]!, p.img.data[r * p.img.width + c]!);
      }
    }
    x += p.img.width + p.gap;
  }
  return { ink, text };
}
