// Samples for training and evaluation, and their batching: variable-width
// lines zero-padded on the right, with their widths and target lengths.
import { Generator, Tensor } from '@neurone/core';
import { encodeText } from './charset.js';
import { type TextSplit, sampleText } from './corpus.js';
import { type DigitSplit, digitString } from './digits.js';
import { EVAL_FONTS, TRAINING_FONTS } from './fonts.js';
import type { Plane } from './imageops.js';
import { LINE_HEIGHT, lineInput } from './preprocess.js';
import { inkOnPaper, renderInk } from './render.js';

/**
 * Where a sample comes from:
 *   'lines'          training fonts, training text (for training)
 *   'fresh-lines'    training fonts, held-out text (validation and `eval`)
 *   'reserved-fonts' evaluation-only fonts, held-out text (`eval`)
 *   'digits'         MNIST digit strings from the training split (training, validation)
 *   'mnist'          MNIST digit strings from the reserved split (`eval` only)
 */
export type SampleKind = 'lines' | 'fresh-lines' | 'reserved-fonts' | 'digits' | 'mnist';

/** One model input with its text. */
export interface Sample {
  /** Ink intensity (LINE_HEIGHT, W). */
  input: Plane;
  text: string;
  /** The font, or 'mnist'. */
  source: string;
}

export interface SampleOptions {
  /** Longest text line in characters (default 40). */
  maxChars?: number;
}

/** Renders one sample; the same (kind, seed) always gives the same sample. */
export function makeSample(kind: SampleKind, seed: number, opts: SampleOptions = {}): Sample {
  const rng = new Generator(seed);
  if (kind === 'digits' || kind === 'mnist') {
    const split: DigitSplit = kind === 'digits' ? 'train' : 'reserved';
    const { ink, text } = digitString(rng, split);
    return { input: lineInput(grayOf(inkOnPaper(ink, rng, false, true))), text, source: 'mnist' };
  }
  const fonts: readonly string[] = kind === 'reserved-fonts' ? EVAL_FONTS : TRAINING_FONTS;
  const split: TextSplit = kind === 'lines' ? 'train' : 'eval';
  const font = fonts[rng.int(0, fonts.length)]!;
  const text = sampleText(rng, split, opts.maxChars ?? 40);
  const ink = renderInk(text, font, rng, { size: rng.uniform(18, 44) });
  return { input: lineInput(grayOf(inkOnPaper(ink, rng, false, true))), text, source: font };
}

/** The one channel of a grayscale `inkOnPaper` image. */
function grayOf(img: { data: Float32Array; width: number; height: number }): Plane {
  return { data: img.data, width: img.width, height: img.height };
}

/** A padded batch. */
export interface Batch {
  /** (N, 1, LINE_HEIGHT, W), zero (no ink) past each sample's width. */
  x: Tensor;
  widths: number[];
  /** Targets concatenated, as CTC takes them. */
  targets: number[];
  targetLengths: number[];
  texts: string[];
}

/**
 * Pads samples to the widest (rounded up to a multiple of `multiple`) and
 * stacks them.
 *
 * Shape: N x (LINE_HEIGHT, W_i) -> x (N, 1, LINE_HEIGHT, max W_i)
 */
export function collate(samples: readonly Sample[], multiple = 4): Batch {
  const W = Math.ceil(Math.max(...samples.map((s) => s.input.width)) / multiple) * multiple;
  const H = LINE_HEIGHT;
  const x = new Float32Array(samples.length * H * W);
  samples.forEach((s, n) => {
    for (let y = 0; y < H; y++) x.set(s.input.data.subarray(y * s.input.width, (y + 1) * s.input.width), (n * H + y) * W);
  });
  const labels = samples.map((s) => encodeText(s.text));
  return {
    x: new Tensor(x, [samples.length, 1, H, W]),
    widths: samples.map((s) => s.input.width),
    targets: labels.flat(),
    targetLengths: labels.map((l) => l.length),
    texts: samples.map((s) => s.text),
  };
}

/** Samples sorted by width, cut into batches: less padding. */
export function widthBuckets(samples: readonly Sample[], batchSize: number): Sample[][] {
  const sorted = [...samples].sort((a, b) => a.input.width - b.input.width);
  const out: Sample[][] = [];
  for (let i = 0; i < sorted.length; i += batchSize) out.push(sorted.slice(i, i + batchSize));
  return out;
}
