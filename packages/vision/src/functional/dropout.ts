// Channel-wise dropout (torch.nn.functional.dropout2d).
import { NeuroneError, Tensor, defaultGenerator, zeros, type Generator } from '@neurone/core';
import { fmtShape, requireFloatTensor } from '../util.js';

export interface Dropout2dOptions {
  /** Drop only in training mode (default true, as F.dropout2d). */
  training?: boolean;
  generator?: Generator;
}

/**
 * Zeroes whole channels with probability p and scales the others by 1/(1-p):
 * neighbouring pixels of a feature map are correlated, so dropping single
 * pixels regularises little.
 *
 * Shape: (N, C, H, W) or (C, H, W) -> same; one draw per (N, C) (per C when unbatched).
 *
 * Example:
 *   dropout2d(randn([4, 16, 8, 8]), 0.2, { generator: new Generator(0) });
 */
export function dropout2d(input: Tensor, p = 0.5, opts: Dropout2dOptions = {}): Tensor {
  requireFloatTensor('dropout2d', input);
  if (!(p >= 0 && p <= 1)) throw new NeuroneError(`dropout2d: probability must be between 0 and 1, got ${p}`);
  if (input.ndim !== 3 && input.ndim !== 4) {
    throw new NeuroneError(`dropout2d: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, got ${fmtShape(input.shape)}`);
  }
  if (opts.training === false || p === 0) return input;
  const gen = opts.generator ?? defaultGenerator;
  const lead = input.ndim - 2;
  const maskShape = input.shape.map((s, i) => (i < lead ? s : 1));
  const mask = zeros(maskShape, { dtype: input.dtype });
  const scale = p === 1 ? 0 : 1 / (1 - p);
  for (let i = 0; i < mask.data.length; i++) mask.data[i] = gen.random() < p ? 0 : scale;
  return input.mul(mask);
}
