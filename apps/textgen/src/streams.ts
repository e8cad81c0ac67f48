// B parallel streams through a text, cut into chunks of K characters: the
// layout of stateful truncated BPTT (each stream's hidden state goes on from
// one chunk to the next, which continues the same stretch of text).
import { F, Tensor, noGrad } from '@neurone/core';
import { detachState } from '@neurone/sequence';
import type { CharRNN, RecurrentState } from './model.js';

/** One chunk: inputs and next-character targets, both (K, B) int32, time first. */
export interface Chunk {
  x: Tensor;
  y: Tensor;
  /** The first chunk of a pass: the streams start afresh (zero state). */
  first: boolean;
}

/**
 * Splits `ids` into `batch` equal contiguous streams; chunk j holds
 * characters [j*seq, (j+1)*seq) of every stream. Step s reads chunk
 * s mod chunksPerEpoch, so a run's position follows from its step alone.
 *
 * Example:
 *   const streams = new Streams(ids, 32, 100);
 *   const { x, y, first } = streams.chunk(step);   // x, y (100, 32)
 */
export class Streams {
  readonly streamLength: number;
  readonly chunksPerEpoch: number;

  constructor(
    readonly ids: Int32Array,
    readonly batch: number,
    readonly seq: number,
  ) {
    // each input needs its next character as the target
    this.streamLength = Math.floor((ids.length - 1) / batch);
    this.chunksPerEpoch = Math.floor(this.streamLength / seq);
    if (this.chunksPerEpoch < 1) {
      throw new Error(
        `training text too short for ${batch} streams of ${seq}-character chunks (${ids.length} characters, ` +
          `${batch * seq + 1} needed): lower --batch or --seq`,
      );
    }
  }

  /** The epoch (full pass) that step `step` belongs to. */
  epochOf(step: number): number {
    return Math.floor(step / this.chunksPerEpoch);
  }

  chunk(step: number): Chunk {
    const j = step % this.chunksPerEpoch;
    return { ...this.slice(j * this.seq, this.seq), first: j === 0 };
  }

  /** Characters [start, start+len) of every stream, time first. */
  slice(start: number, len: number): { x: Tensor; y: Tensor } {
    const { batch, ids, streamLength: L } = this;
    const x = new Int32Array(len * batch);
    const y = new Int32Array(len * batch);
    for (let t = 0; t < len; t++) {
      for (let b = 0; b < batch; b++) {
        const p = b * L + start + t;
        x[t * batch + b] = ids[p]!;
        y[t * batch + b] = ids[p + 1]!;
      }
    }
    return { x: new Tensor(x, [len, batch]), y: new Tensor(y, [len, batch]) };
  }
}

export interface EvaluateOptions {
  /** Parallel streams (default 32). */
  batch?: number;
  /** Characters per forward call (default 100). */
  seq?: number;
  /** Use only the first this many characters (default all). */
  maxChars?: number;
  /** Called after each chunk with the characters scored so far and their total. */
  onProgress?: (done: number, total: number) => void;
}

export interface EvaluateResult {
  /** Mean negative log-likelihood, nats per character. */
  loss: number;
  /** Characters scored. */
  chars: number;
}

/**
 * The model's mean cross-entropy on `ids` (nats per character), in eval mode
 * and without gradients: the text is cut into parallel streams, each read from
 * a zero state to its end with the state carried between chunks.
 */
export function evaluate(model: CharRNN, ids: Int32Array, opts: EvaluateOptions = {}): EvaluateResult {
  const n = Math.min(ids.length, opts.maxChars ?? Infinity);
  if (n < 2) throw new Error(`evaluate: need at least 2 characters, got ${n}`);
  const seq = opts.seq ?? 100;
  // no more streams than leave each at least one chunk
  const batch = Math.max(1, Math.min(opts.batch ?? 32, Math.floor((n - 1) / seq)));
  const streams = new Streams(ids.subarray(0, n), batch, 1);
  const L = streams.streamLength;
  const total = L * batch;
  const wasTraining = model.training;
  model.eval();
  let sum = 0;
  try {
    noGrad(() => {
      let state: RecurrentState | null = null;
      for (let start = 0; start < L; start += seq) {
        const len = Math.min(seq, L - start);
        const { x, y } = streams.slice(start, len);
        const [logits, next] = model.forward(x, state);
        sum += F.crossEntropy(logits.reshape(len * batch, -1), y.reshape(len * batch), { reduction: 'sum' }).item();
        state = detachState(next);
        opts.onProgress?.((start + len) * batch, total);
      }
    });
  } finally {
    model.train(wasTraining);
  }
  return { loss: sum / total, chars: total };
}
