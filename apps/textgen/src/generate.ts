// Sampling text from the model one character at a time.
import { Generator, Tensor, noGrad } from '@neurone/core';
import type { CharRNN, RecurrentState } from './model.js';
import { UnknownCharacterError, type Vocabulary } from './vocab.js';

export interface GenerateOptions {
  /** Text the model reads first; the sample continues it. Empty: start as after a blank line. */
  prompt: string;
  /** Characters to sample. */
  length: number;
  /** Divides the logits: < 1 is more conservative, > 1 wilder; 0 always takes the likeliest character. Default 1. */
  temperature?: number;
  /** Sample only among the k likeliest characters (default: all). */
  topK?: number | null;
  /** Seed of the sampling: the same seed (with the same model and options) gives the same text. */
  seed: number;
  /** Drop prompt characters outside the vocabulary instead of throwing UnknownCharacterError. */
  skipUnknown?: boolean;
  /** Receives each character as soon as it is sampled. */
  onChar?: (ch: string) => void;
}

export interface GenerateResult {
  /** The prompt as the model read it (unknown characters dropped with skipUnknown). */
  prompt: string;
  /** The sampled continuation (without the prompt). */
  text: string;
  /** Characters dropped from the prompt. */
  dropped: string[];
}

/**
 * Reads the prompt, then samples `length` characters, each fed back as the
 * next input, with the recurrent state carried along (no dropout).
 *
 * Unknown prompt characters throw an UnknownCharacterError listing them,
 * unless `skipUnknown` drops them.
 *
 * Example:
 *   const { text } = generate(model, vocab, { prompt: 'The ', length: 200, temperature: 0.8, seed: 1 });
 */
export function generate(model: CharRNN, vocab: Vocabulary, opts: GenerateOptions): GenerateResult {
  const temperature = opts.temperature ?? 1;
  const topK = opts.topK ?? null;
  if (!Number.isInteger(opts.length) || opts.length < 0) throw new Error(`generate: length must be a non-negative integer, got ${opts.length}`);
  if (!(temperature >= 0) || !Number.isFinite(temperature)) throw new Error(`generate: temperature must be a number >= 0, got ${temperature}`);
  if (topK !== null && (!Number.isInteger(topK) || topK < 1)) throw new Error(`generate: top-k must be a positive integer, got ${topK}`);
  if (!Number.isFinite(opts.seed)) throw new Error(`generate: seed must be a number, got ${opts.seed}`);

  const dropped = vocab.unknown(opts.prompt);
  if (dropped.length > 0 && !opts.skipUnknown) throw new UnknownCharacterError('generate', dropped, 'prompt');
  const prompt = dropped.length > 0 ? [...opts.prompt].filter((c) => vocab.has(c)).join('') : opts.prompt;
  let ids = Array.from(vocab.encode(prompt));
  if (ids.length === 0) ids = [vocab.has('\n') ? vocab.indexOf('\n') : 0];

  const rng = new Generator(opts.seed);
  const V = vocab.size;
  const wasTraining = model.training;
  model.eval();
  let text = '';
  try {
    noGrad(() => {
      let [logits, state] = model.forward(new Tensor(Int32Array.from(ids), [ids.length, 1]));
      let row = logits.data.subarray((ids.length - 1) * V, ids.length * V);
      for (let i = 0; i < opts.length; i++) {
        const next = sample(row, temperature, topK, rng);
        const ch = vocab.chars[next]!;
        text += ch;
        opts.onChar?.(ch);
        if (i === opts.length - 1) break;
        let s: RecurrentState;
        [logits, s] = model.forward(new Tensor(Int32Array.of(next), [1, 1]), state);
        state = s;
        row = logits.data.subarray(0, V);
      }
    });
  } finally {
    model.train(wasTraining);
  }
  return { prompt, text, dropped };
}

/**
 * Draws an index from softmax(logits / temperature), restricted to the topK
 * largest logits (ties broken by the lower index). Temperature 0 is argmax.
 */
export function sample(logits: ArrayLike<number>, temperature: number, topK: number | null, rng: Generator): number {
  const n = logits.length;
  let order = Array.from({ length: n }, (_, i) => i);
  if (temperature === 0 || (topK !== null && topK < n)) {
    order.sort((a, b) => logits[b]! - logits[a]! || a - b);
    if (temperature === 0) return order[0]!;
    order = order.slice(0, topK!);
  }
  let max = -Infinity;
  for (const i of order) max = Math.max(max, logits[i]!);
  const weights = order.map((i) => Math.exp((logits[i]! - max) / temperature));
  let total = 0;
  for (const w of weights) total += w;
  let r = rng.random() * total;
  for (let j = 0; j < order.length; j++) {
    r -= weights[j]!;
    if (r < 0) return order[j]!;
  }
  return order[order.length - 1]!;
}
