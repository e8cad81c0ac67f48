// CER and WER on the evaluation sets, all rendered afresh from fixed seeds.
import { type Sample, type SampleKind, makeSample } from './data.js';
import { ErrorRate } from './metrics.js';
import type { Recognizer } from './model.js';
import { scoreSamples } from './train.js';

/** The sets `eval` knows, and the sample kind behind each. */
export const EVAL_SETS = {
  /** Lines in the training fonts, text held out from training. */
  fonts: 'fresh-lines',
  /** Lines in the fonts reserved for evaluation, text held out from training. */
  'reserved-fonts': 'reserved-fonts',
  /** Strings of 1-12 digits from MNIST's reserved 20%. */
  mnist: 'mnist',
} as const satisfies Record<string, SampleKind>;

export type EvalSet = keyof typeof EVAL_SETS;

/** Seed base of the evaluation samples: far from the training (seed * 1e9 + i) and validation streams. */
const EVAL_BASE = 9e12;

export interface EvalResult {
  set: EvalSet;
  lines: number;
  cer: number;
  wer: number;
  /** Fraction of lines read exactly. */
  lineAccuracy: number;
  /** A few readings, for a look. */
  examples: Array<{ text: string; prediction: string }>;
}

/** The `count` samples of an evaluation set (the same every time for one seed). */
export function evalSamples(set: EvalSet, count: number, seed = 0): Sample[] {
  const base = EVAL_BASE + seed * 1e7 + Object.keys(EVAL_SETS).indexOf(set) * 1e6;
  return Array.from({ length: count }, (_, i) => makeSample(EVAL_SETS[set], base + i));
}

/** Measures CER/WER of `model` on `count` samples of `set`. */
export function evaluate(model: Recognizer, set: EvalSet, count: number, opts: { seed?: number; beam?: number; examples?: number } = {}): EvalResult {
  const samples = evalSamples(set, count, opts.seed ?? 0);
  const r: ErrorRate = scoreSamples(model, samples, opts.beam ?? 0);
  return {
    set, lines: r.lines, cer: r.cer, wer: r.wer, lineAccuracy: r.exactLines / Math.max(1, r.lines),
    examples: r.examples.slice(0, opts.examples ?? 5),
  };
}
