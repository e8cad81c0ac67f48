// Decoding CTC outputs: best path (greedy) and prefix beam search with an optional language model.
import { DTypeError, NeuroneError, ShapeError, Tensor } from '@neurone/core';
import { fmtShape, logAddExp } from './util.js';
import { toIntList, type Lengths } from './ctc.js';

/** One decoded label sequence and its log-score. */
export interface CTCHypothesis {
  /** Labels, with repeats collapsed and blanks removed. */
  tokens: number[];
  /** Greedy: log-probability of the best path. Beam search: log-probability of the labelling (all its alignments), plus the LM terms. */
  score: number;
}

export interface CTCGreedyOptions {
  /** Index of the blank label (default 0). */
  blank?: number;
  /** Valid frames of each sample (default: all T). */
  inputLengths?: Lengths;
}

/**
 * A character-level language model: the log-probability of `next` following
 * `prefix` (both label indices, blanks never appear).
 */
export type CharLM = (prefix: readonly number[], next: number) => number;

export interface CTCBeamSearchOptions extends CTCGreedyOptions {
  /** Hypotheses kept after each frame (default 10). */
  beamWidth?: number;
  /** Labels whose log-probability at a frame is below this are not tried there (default -Infinity: all are). */
  pruneThreshold?: number;
  /** Optional language model, queried whenever a hypothesis grows by one label. */
  lm?: CharLM;
  /** Weight of the language model's log-probability (default 1). */
  lmWeight?: number;
  /** Added to the score for each emitted label, offsetting the LM's preference for short outputs (default 0). */
  insertionBonus?: number;
}

/** Checks logProbs and returns (T, N, C) dims plus per-sample lengths. */
function dims(op: string, logProbs: Tensor, lengths: Lengths | undefined): [number, number, number, number[]] {
  if (!(logProbs instanceof Tensor)) throw new DTypeError(`${op}: expected logProbs to be a Tensor`);
  if (logProbs.ndim !== 3 && logProbs.ndim !== 2) {
    throw new ShapeError(`${op}: logProbs must be (T, N, C) or (T, C), got shape ${fmtShape(logProbs.shape)}`);
  }
  const T = logProbs.shape[0]!;
  const N = logProbs.ndim === 3 ? logProbs.shape[1]! : 1;
  const C = logProbs.shape[logProbs.ndim - 1]!;
  const il = lengths === undefined ? new Array<number>(N).fill(T) : toIntList(op, 'inputLengths', lengths);
  if (il.length !== N) throw new ShapeError(`${op}: expected ${N} input lengths, got ${il.length}`);
  il.forEach((l, b) => {
    if (l < 0 || l > T) throw new ShapeError(`${op}: input length of sample ${b} must be between 0 and T = ${T}, got ${l}`);
  });
  return [T, N, C, il];
}

function checkBlank(op: string, blank: number, C: number): void {
  if (!Number.isInteger(blank) || blank < 0 || blank >= C) throw new NeuroneError(`${op}: blank must be a class index in 0..${C - 1}, got ${blank}`);
}

/**
 * Best-path decoding: the most likely label at each frame, then repeats
 * collapsed and blanks removed.
 *
 * Shape: logProbs (T, N, C) or (T, C) -> one hypothesis per sample.
 *
 * Example:
 *   const [best] = ctcGreedyDecode(model.forward(x).logSoftmax(2));
 *   best.tokens; // e.g. [3, 1, 4]
 */
export function ctcGreedyDecode(logProbs: Tensor, opts: CTCGreedyOptions = {}): CTCHypothesis[] {
  const [, N, C, il] = dims('ctcGreedyDecode', logProbs, opts.inputLengths);
  const blank = opts.blank ?? 0;
  checkBlank('ctcGreedyDecode', blank, C);
  const x = logProbs.data;
  const out: CTCHypothesis[] = [];
  for (let b = 0; b < N; b++) {
    const tokens: number[] = [];
    let score = 0;
    let prev = -1;
    for (let t = 0; t < il[b]!; t++) {
      const row = (t * N + b) * C;
      let best = 0;
      for (let c = 1; c < C; c++) if (x[row + c]! > x[row + best]!) best = c;
      score += x[row + best]!;
      if (best !== blank && best !== prev) tokens.push(best);
      prev = best;
    }
    out.push({ tokens, score });
  }
  return out;
}

interface Beam {
  tokens: number[];
  /** log P(prefix, alignment ends in a blank) */
  pb: number;
  /** log P(prefix, alignment ends in its last label) */
  pnb: number;
}

/**
 * Prefix beam search (Hannun et al. 2014): keeps the `beamWidth` most likely
 * labellings, each summed over all its alignments, optionally rescored by a
 * character-level language model as labels are emitted
 * (score = log P_ctc + lmWeight * log P_lm + insertionBonus * |tokens|).
 *
 * Shape: logProbs (T, N, C) or (T, C) -> for each sample, its hypotheses best first.
 *
 * Example:
 *   const beams = ctcBeamSearch(logProbs, { beamWidth: 8, lm: (prefix, c) => bigram[prefix.at(-1) ?? 0][c] });
 *   beams[0][0].tokens; // best labelling of sample 0
 */
export function ctcBeamSearch(logProbs: Tensor, opts: CTCBeamSearchOptions = {}): CTCHypothesis[][] {
  const [, N, C, il] = dims('ctcBeamSearch', logProbs, opts.inputLengths);
  const blank = opts.blank ?? 0;
  checkBlank('ctcBeamSearch', blank, C);
  const width = opts.beamWidth ?? 10;
  if (!Number.isInteger(width) || width < 1) throw new NeuroneError(`ctcBeamSearch: beamWidth must be a positive integer, got ${width}`);
  const prune = opts.pruneThreshold ?? -Infinity;
  const lmWeight = opts.lmWeight ?? 1;
  const bonus = opts.insertionBonus ?? 0;
  const lm = opts.lm;
  const x = logProbs.data;
  const results: CTCHypothesis[][] = [];
  for (let b = 0; b < N; b++) {
    let beams: Beam[] = [{ tokens: [], pb: 0, pnb: -Infinity }];
    for (let t = 0; t < il[b]!; t++) {
      const row = (t * N + b) * C;
      const next = new Map<string, Beam>();
      const get = (tokens: number[]): Beam => {
        const key = tokens.join(',');
        let e = next.get(key);
        if (e === undefined) {
          e = { tokens, pb: -Infinity, pnb: -Infinity };
          next.set(key, e);
        }
        return e;
      };
      for (const beam of beams) {
        const total = logAddExp(beam.pb, beam.pnb);
        // stay on the same prefix through a blank
        const same = get(beam.tokens);
        same.pb = logAddExp(same.pb, total + x[row + blank]!);
        const last = beam.tokens.length > 0 ? beam.tokens[beam.tokens.length - 1]! : -1;
        for (let c = 0; c < C; c++) {
          if (c === blank) continue;
          const p = x[row + c]!;
          if (p < prune) continue;
          if (c === last) {
            // a repeat without a blank between collapses into the same prefix
            same.pnb = logAddExp(same.pnb, beam.pnb + p);
          }
          const ext = get([...beam.tokens, c]);
          const lmTerm = (lm ? lmWeight * lm(beam.tokens, c) : 0) + bonus;
          // a new label: after a blank if it repeats the last one, from any alignment otherwise
          const from = c === last ? beam.pb : total;
          ext.pnb = logAddExp(ext.pnb, from + p + lmTerm);
        }
      }
      beams = [...next.values()]
        .sort((u, v) => logAddExp(v.pb, v.pnb) - logAddExp(u.pb, u.pnb))
        .slice(0, width);
    }
    results.push(beams.map((bm) => ({ tokens: bm.tokens, score: logAddExp(bm.pb, bm.pnb) })));
  }
  return results;
}

/**
 * Levenshtein distance between two sequences (insertions, deletions and
 * substitutions all cost 1): the numerator of character and word error rates.
 *
 * Example:
 *   editDistance([1, 2, 3], [1, 3]); // 1
 *   editDistance('kitten', 'sitting'); // 3
 */
export function editDistance<T>(a: ArrayLike<T>, b: ArrayLike<T>): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
