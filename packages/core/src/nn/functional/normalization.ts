import { ShapeError, fmtShape } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { add, mul, rsqrt, sub } from '../../ops/elementwise.js';
import { mean } from '../../ops/reduce.js';
import { requireFloat, requireTensor } from '../../ops/util.js';

export interface LayerNormOptions {
  /** Scale γ, of shape `normalizedShape` (default: none). */
  weight?: Tensor | null;
  /** Shift β, of shape `normalizedShape` (default: none). */
  bias?: Tensor | null;
  /** Added to the variance for stability. Default 1e-5. */
  eps?: number;
}

/**
 * Normalises over the last dims (those of `normalizedShape`) to zero mean and
 * unit (biased) variance, then applies γ and β:
 * y = (x - E[x]) / √(Var[x] + eps) · γ + β.
 *
 * Shape: input (*, ...normalizedShape) -> same shape
 *
 * Example:
 *   F.layerNorm(randn([2, 5, 8]), [8]).shape; // [2, 5, 8]
 */
export function layerNorm(input: Tensor, normalizedShape: number | readonly number[], opts: LayerNormOptions = {}): Tensor {
  requireTensor('layerNorm', input);
  requireFloat('layerNorm', input);
  const ns = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  const k = ns.length;
  const tail = input.shape.slice(input.ndim - k);
  if (k === 0 || input.ndim < k || tail.some((d, i) => d !== ns[i])) {
    throw new ShapeError(
      `layerNorm: normalizedShape ${fmtShape(ns)} must match the last dims of the input, expected shape [*,${ns.join(',')}], got ${fmtShape(input.shape)}`,
    );
  }
  for (const [name, p] of [['weight', opts.weight], ['bias', opts.bias]] as const) {
    if (p == null) continue;
    requireTensor('layerNorm', p, name);
    if (p.ndim !== k || p.shape.some((d, i) => d !== ns[i])) {
      throw new ShapeError(`layerNorm: ${name} must have shape ${fmtShape(ns)} (normalizedShape), got ${fmtShape(p.shape)}`);
    }
  }
  const eps = opts.eps ?? 1e-5;
  const dims = ns.map((_, i) => input.ndim - k + i);
  const centered = sub(input, mean(input, dims, true));
  const variance = mean(mul(centered, centered), dims, true);
  let y = mul(centered, rsqrt(add(variance, eps)));
  if (opts.weight != null) y = mul(y, opts.weight);
  if (opts.bias != null) y = add(y, opts.bias);
  return y;
}
