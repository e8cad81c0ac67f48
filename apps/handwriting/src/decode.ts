// From the model's output to text, with a confidence.
import { Tensor, noGrad } from '@neurone/core';
import { ctcBeamSearch, ctcGreedyDecode } from '@neurone/sequence';
import { BLANK, decodeLabels } from './charset.js';
import { collate, type Sample } from './data.js';
import type { Plane } from './imageops.js';
import type { Recognizer } from './model.js';

export interface Reading {
  text: string;
  /**
   * The decoded text's probability per character, (P)^(1 / (characters + 1))
   * in [0, 1]: P is the best path's probability (greedy) or the text's
   * probability summed over its alignments (beam search).
   */
  confidence: number;
}

export interface DecodeOptions {
  /** Beam width; 0 or 1 decodes greedily (default 0). */
  beam?: number;
  /** Lines per forward pass (default 16). */
  batchSize?: number;
}

/** Decodes (T, N, C) log-probabilities into one reading per sample. */
export function decode(logProbs: Tensor, lengths: readonly number[], beam = 0): Reading[] {
  const hyps = beam > 1
    ? ctcBeamSearch(logProbs, { blank: BLANK, inputLengths: lengths, beamWidth: beam }).map((b) => b[0]!)
    : ctcGreedyDecode(logProbs, { blank: BLANK, inputLengths: lengths });
  return hyps.map((h) => ({ text: decodeLabels(h.tokens), confidence: Math.exp(h.score / (h.tokens.length + 1)) }));
}

/** Reads model inputs (ink planes of LINE_HEIGHT rows), in batches of similar width. */
export function readLines(model: Recognizer, inputs: readonly Plane[], opts: DecodeOptions = {}): Reading[] {
  const bs = opts.batchSize ?? 16;
  const order = inputs.map((_, i) => i).sort((a, b) => inputs[a]!.width - inputs[b]!.width);
  const out = new Array<Reading>(inputs.length);
  model.eval();
  noGrad(() => {
    for (let i = 0; i < order.length; i += bs) {
      const idx = order.slice(i, i + bs);
      const batch = collate(idx.map((k): Sample => ({ input: inputs[k]!, text: '', source: '' })), model.stride);
      const { logProbs, lengths } = model.forward(batch.x, batch.widths);
      decode(logProbs, lengths, opts.beam ?? 0).forEach((r, j) => (out[idx[j]!] = r));
    }
  });
  return out;
}
