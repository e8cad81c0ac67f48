// Scaled dot-product attention, the building block of the attention modules.
import { DTypeError, ShapeError, Tensor, dropout, ones, type Generator } from '@neurone/core';
import { fmtShape } from '../util.js';

export interface AttentionResult {
  /** The weighted sum of the values. */
  context: Tensor;
  /** The attention weights (each row sums to 1 over the keys). */
  weights: Tensor;
}

export interface ScaledDotProductOptions {
  /**
   * Which keys each query may see, broadcastable to (..., Lq, Lk): a bool
   * tensor where true means "attend" (as torch's scaled_dot_product_attention),
   * or a float tensor added to the scores (-Infinity hides a key).
   */
  mask?: Tensor | null;
  /** Hide keys after each query's own position (query i sees keys 0..i). */
  isCausal?: boolean;
  /** Dropout on the weights (applied only when `training` is true; default 0). */
  dropoutP?: number;
  training?: boolean;
  generator?: Generator;
  /** Multiplies the scores (default 1/sqrt(E)). */
  scale?: number;
}

/**
 * softmax(q k^T * scale + mask) v, returning the context and the weights.
 * Leading dims (batch, heads) broadcast.
 *
 * Shape: query (..., Lq, E), key (..., Lk, E), value (..., Lk, Ev)
 *   -> context (..., Lq, Ev), weights (..., Lq, Lk)
 *
 * Example:
 *   const { context, weights } = scaledDotProductAttention(q, k, v, { mask: validKeys });
 */
export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, opts: ScaledDotProductOptions = {}): AttentionResult {
  for (const [name, t] of [['query', query], ['key', key], ['value', value]] as const) {
    if (!(t instanceof Tensor)) throw new DTypeError(`scaledDotProductAttention: expected ${name} to be a Tensor`);
    if (t.ndim < 2) throw new ShapeError(`scaledDotProductAttention: ${name} needs at least 2 dims (..., L, E), got ${fmtShape(t.shape)}`);
  }
  const E = query.shape[query.ndim - 1]!;
  if (key.shape[key.ndim - 1] !== E) {
    throw new ShapeError(`scaledDotProductAttention: query ${fmtShape(query.shape)} and key ${fmtShape(key.shape)} must have the same last dim`);
  }
  if (key.shape[key.ndim - 2] !== value.shape[value.ndim - 2]) {
    throw new ShapeError(`scaledDotProductAttention: key ${fmtShape(key.shape)} and value ${fmtShape(value.shape)} must have the same number of positions`);
  }
  const scale = opts.scale ?? 1 / Math.sqrt(E);
  let scores = query.matmul(key.transpose(-1, -2)).mul(scale);
  const Lq = scores.shape[scores.ndim - 2]!;
  const Lk = scores.shape[scores.ndim - 1]!;
  if (opts.isCausal) {
    const allowed = ones([Lq, Lk], { dtype: 'bool' });
    for (let i = 0; i < Lq; i++) for (let j = i + 1; j < Lk; j++) allowed.data[i * Lk + j] = 0;
    scores = scores.maskedFill(allowed.logicalNot(), -Infinity);
  }
  const mask = opts.mask ?? null;
  if (mask !== null) {
    if (mask.dtype === 'bool') scores = scores.maskedFill(mask.logicalNot(), -Infinity);
    else if (mask.dtype === 'float32' || mask.dtype === 'float64') scores = scores.add(mask);
    else throw new DTypeError(`scaledDotProductAttention: mask must be bool or floating, got ${mask.dtype}`);
  }
  const weights = scores.softmax(-1);
  const p = opts.dropoutP ?? 0;
  const dropped = p > 0 && opts.training ? dropout(weights, p, { training: true, generator: opts.generator }) : weights;
  return { context: dropped.matmul(value), weights };
}
