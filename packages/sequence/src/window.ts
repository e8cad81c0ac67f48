// Sliding windows: a signal or an image as a sequence of (possibly overlapping) frames.
import { NeuroneError, ShapeError, Tensor, pad } from '@neurone/core';
import { fmtShape } from './util.js';

export interface SlidingWindowOptions {
  /** Frame length along `dim`. */
  size: number;
  /** Step between frame starts (default 1; equal to `size` for non-overlapping frames). */
  stride?: number;
  /** The axis to slide along (default -1: the last, i.e. time for a signal, width for an image). */
  dim?: number;
  /** Zeros added before and after along `dim` (default 0). */
  padding?: number;
}

/**
 * Cuts `x` along `dim` into frames of `size` every `stride` steps and stacks
 * them along a new leading dim, the sequence axis: frame f holds elements
 * f*stride .. f*stride+size-1. Differentiable (overlaps add up in the gradient).
 *
 * Shape: (..., L, ...) -> (F, ..., size, ...) with F = floor((L + 2 padding - size) / stride) + 1.
 *
 * Example:
 *   slidingWindow(signal, { size: 4, stride: 2 });           // (L) -> (F, 4)
 *   slidingWindow(images, { size: 3 }).flatten(2);           // (N, H, W) -> (F, N, H*3): an RNN input (T, N, I)
 */
export function slidingWindow(x: Tensor, opts: SlidingWindowOptions): Tensor {
  if (!(x instanceof Tensor)) throw new NeuroneError('slidingWindow: expected x to be a Tensor');
  const { size } = opts;
  const stride = opts.stride ?? 1;
  const padding = opts.padding ?? 0;
  if (x.ndim === 0) throw new ShapeError('slidingWindow: cannot slide over a 0-d tensor');
  const dim = opts.dim ?? -1;
  if (!Number.isInteger(dim) || dim < -x.ndim || dim >= x.ndim) {
    throw new ShapeError(`slidingWindow: dim ${dim} is out of range for shape ${fmtShape(x.shape)}`);
  }
  const d = dim < 0 ? dim + x.ndim : dim;
  for (const [name, v, min] of [['size', size, 1], ['stride', stride, 1], ['padding', padding, 0]] as const) {
    if (!Number.isInteger(v) || v < min) throw new NeuroneError(`slidingWindow: ${name} must be an integer >= ${min}, got ${v}`);
  }
  let src = x;
  if (padding > 0) {
    // core's pad lists (before, after) pairs from the last dim backwards
    const pads = new Array<number>(2 * (x.ndim - d)).fill(0);
    pads[pads.length - 2] = padding;
    pads[pads.length - 1] = padding;
    src = pad(x, pads);
  }
  const L = src.shape[d]!;
  if (size > L) throw new ShapeError(`slidingWindow: frame size ${size} exceeds the length ${L} of dim ${d} (shape ${fmtShape(src.shape)}, padding ${padding})`);
  const F = Math.floor((L - size) / stride) + 1;
  const idx: number[] = [];
  for (let f = 0; f < F; f++) for (let k = 0; k < size; k++) idx.push(f * stride + k);
  const picked = src.indexSelect(d, idx);
  // (..., F*size, ...) -> (..., F, size, ...) -> (F, ..., size, ...)
  const split = picked.reshape([...src.shape.slice(0, d), F, size, ...src.shape.slice(d + 1)]);
  const perm = [d, ...split.shape.map((_, i) => i).filter((i) => i !== d)];
  return split.permute(perm);
}
