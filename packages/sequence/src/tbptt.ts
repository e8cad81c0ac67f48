// Truncated backpropagation through time: carry the recurrent state across
// chunks of K steps, but cut the graph between chunks.
import { NeuroneError, Tensor } from '@neurone/core';

/** A recurrent state: a tensor, or arrays/tuples of them (LSTM's [h, c]), or null. */
export type RecurrentState = Tensor | null | undefined | readonly RecurrentState[];

/**
 * The same state with every tensor detached from the graph (values shared,
 * no copy): gradients of the next chunk stop here.
 *
 * Example:
 *   let state = null;
 *   for (const chunk of chunks) {
 *     const [out, next] = lstm.forward(chunk, state);
 *     ...loss.backward(); optimizer.step();
 *     state = detachState(next);
 *   }
 */
export function detachState<S extends RecurrentState>(state: S): S {
  if (state === null || state === undefined) return state;
  if (state instanceof Tensor) return state.detach() as S;
  if (Array.isArray(state)) return state.map((s: RecurrentState) => detachState(s)) as unknown as S;
  throw new NeuroneError(`detachState: expected a Tensor, null or an array of them, got ${typeof state}`);
}

/**
 * Splits a sequence into chunks of `k` steps along `dim` (the last chunk may be shorter).
 *
 * Shape: (T, ...) -> [(k, ...), (k, ...), ..., (T - k*floor(T/k) or k, ...)]
 */
export function bpttChunks(x: Tensor, k: number, dim = 0): Tensor[] {
  if (!Number.isInteger(k) || k < 1) throw new NeuroneError(`bpttChunks: k must be a positive integer, got ${k}`);
  return x.split(k, dim);
}

export interface TruncatedBPTTOptions<S> {
  /** Steps per chunk. */
  k: number;
  /** The time dim of inputs and targets (default 0; 1 for batch-first data). */
  dim?: number;
  /** Targets cut into chunks like the inputs. */
  targets?: Tensor | null;
  /** The state before the first chunk (e.g. the one returned for the previous batch). */
  state?: S;
}

export interface TruncatedBPTTResult<S> {
  /** Each chunk's loss value. */
  losses: number[];
  /** The state after the last chunk, detached: pass it on to continue the streams. */
  state: S;
}

/**
 * Truncated BPTT over one long sequence: for each chunk of `k` steps, `step`
 * returns its loss and the new state; the loss is back-propagated, `update`
 * runs (clip, optimizer step, zero grads), and the state is detached before
 * the next chunk, so gradients flow through at most `k` steps while the state
 * carries information across the whole sequence.
 *
 * Example:
 *   const { losses, state } = truncatedBPTT(x, { k: 64, targets: y, state: prev }, (xc, s, yc) => {
 *     const [out, next] = lstm.forward(xc, s);
 *     return { loss: F.crossEntropy(head.forward(out).flatten(0, 1), yc!.flatten()), state: next };
 *   }, () => { clipGradNorm_(params, 5); opt.step(); opt.zeroGrad(); });
 */
export function truncatedBPTT<S extends RecurrentState>(
  inputs: Tensor,
  opts: TruncatedBPTTOptions<S>,
  step: (chunk: Tensor, state: S | undefined, targets: Tensor | undefined, index: number) => { loss: Tensor; state: S },
  update?: (loss: Tensor, index: number) => void,
): TruncatedBPTTResult<S | undefined> {
  const dim = opts.dim ?? 0;
  const xs = bpttChunks(inputs, opts.k, dim);
  const ys = opts.targets ? bpttChunks(opts.targets, opts.k, dim) : null;
  if (ys && ys.length !== xs.length) {
    throw new NeuroneError(`truncatedBPTT: inputs and targets must have the same length along dim ${dim}, got ${inputs.shape[dim]} and ${opts.targets!.shape[dim]}`);
  }
  let state: S | undefined = opts.state === undefined ? undefined : detachState(opts.state);
  const losses: number[] = [];
  xs.forEach((xc, i) => {
    const r = step(xc, state, ys?.[i], i);
    r.loss.backward();
    update?.(r.loss, i);
    losses.push(r.loss.item());
    state = detachState(r.state);
  });
  return { losses, state };
}
