// Resizing as torch.nn.functional.interpolate: nearest (an index gather per
// dim) and (bi)linear (a GEMM with a sparse interpolation matrix per dim).
import { NeuroneError, ShapeError, Tensor, indexSelect, matmul, zeros } from '@neurone/core';
import { fmtShape, requireFloatTensor } from '../util.js';

export type InterpolateMode = 'nearest' | 'linear' | 'bilinear';

export interface InterpolateOptions {
  /** Output spatial size (one number for every dim, or one per dim). Give this or scaleFactor. */
  size?: number | readonly number[] | null;
  /** Multiplier of each spatial size (output = floor(input scale)). */
  scaleFactor?: number | readonly number[] | null;
  /** 'nearest' (default), 'linear' for (N, C, L), 'bilinear' for (N, C, H, W). */
  mode?: InterpolateMode;
  /**
   * (bi)linear only: align the centres of the corner pixels of input and
   * output (true) or their outer edges (false, the default).
   */
  alignCorners?: boolean | null;
}

/** Input position that output position `dst` reads, as PyTorch computes it. */
function sourceScale(inSize: number, outSize: number, alignCorners: boolean, scale: number | null): number {
  if (alignCorners) return outSize > 1 ? (inSize - 1) / (outSize - 1) : 0;
  return scale !== null && scale > 0 ? 1 / scale : inSize / outSize;
}

function nearestIndex(inSize: number, outSize: number, scale: number | null): number[] {
  const s = sourceScale(inSize, outSize, false, scale);
  return Array.from({ length: outSize }, (_, i) => Math.min(Math.floor(i * s), inSize - 1));
}

/** (out, in) matrix of linear interpolation weights (two nonzeros per row). */
function linearMatrix(inSize: number, outSize: number, alignCorners: boolean, scale: number | null, dtype: 'float32' | 'float64'): Tensor {
  const m = zeros([outSize, inSize], { dtype });
  const s = sourceScale(inSize, outSize, alignCorners, scale);
  for (let i = 0; i < outSize; i++) {
    const src = alignCorners ? i * s : Math.max((i + 0.5) * s - 0.5, 0);
    const i0 = Math.min(Math.floor(src), inSize - 1);
    const i1 = Math.min(i0 + 1, inSize - 1);
    const l1 = src - i0;
    m.data[i * inSize + i0]! += 1 - l1;
    m.data[i * inSize + i1]! += l1;
  }
  return m;
}

/**
 * Resizes the spatial dims of (N, C, L) or (N, C, H, W) inputs.
 *
 * Example:
 *   interpolate(randn([1, 3, 4, 4]), { scaleFactor: 2, mode: 'bilinear' }).shape; // [1, 3, 8, 8]
 */
export function interpolate(input: Tensor, opts: InterpolateOptions): Tensor {
  const op = 'interpolate';
  requireFloatTensor(op, input);
  const mode = opts.mode ?? 'nearest';
  if (input.ndim !== 3 && input.ndim !== 4) {
    throw new ShapeError(`${op}: expected a 3-D (N, C, L) or 4-D (N, C, H, W) input, got ${fmtShape(input.shape)}`);
  }
  const nd = input.ndim - 2;
  if (mode === 'bilinear' && nd !== 2) throw new ShapeError(`${op}: mode 'bilinear' needs a 4-D input (N, C, H, W), got ${fmtShape(input.shape)}`);
  if (mode === 'linear' && nd !== 1) throw new ShapeError(`${op}: mode 'linear' needs a 3-D input (N, C, L), got ${fmtShape(input.shape)}`);
  if (mode !== 'nearest' && mode !== 'linear' && mode !== 'bilinear') {
    throw new NeuroneError(`${op}: mode must be 'nearest', 'linear' or 'bilinear', got '${String(mode)}'`);
  }
  if (mode === 'nearest' && opts.alignCorners !== null && opts.alignCorners !== undefined) {
    throw new NeuroneError(`${op}: alignCorners can only be set with the 'linear' and 'bilinear' modes`);
  }
  const hasSize = opts.size !== null && opts.size !== undefined;
  const hasScale = opts.scaleFactor !== null && opts.scaleFactor !== undefined;
  if (hasSize === hasScale) throw new NeuroneError(`${op}: give exactly one of size and scaleFactor`);
  const inSize = input.shape.slice(2);
  const perDim = (v: number | readonly number[], name: string): number[] => {
    const a = typeof v === 'number' ? new Array<number>(nd).fill(v) : [...v];
    if (a.length !== nd || a.some((x) => !(x > 0))) throw new ShapeError(`${op}: ${name} must be positive, one or ${nd} of them, got ${JSON.stringify(v)}`);
    return a;
  };
  const scales = hasScale ? perDim(opts.scaleFactor!, 'scaleFactor') : null;
  const outSize = hasSize ? perDim(opts.size!, 'size') : inSize.map((s, i) => Math.floor(s * scales![i]!));
  if (outSize.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new ShapeError(`${op}: output size ${JSON.stringify(outSize)} for input ${fmtShape(input.shape)} must be positive integers`);
  }
  const dtype = input.dtype as 'float32' | 'float64';
  let y = input;
  for (let i = 0; i < nd; i++) {
    const dim = 2 + i;
    const n = inSize[i]!;
    const o = outSize[i]!;
    const scale = scales ? scales[i]! : null;
    if (mode === 'nearest') {
      if (o !== n || (scale !== null && scale !== 1)) y = indexSelect(y, dim, nearestIndex(n, o, scale));
    } else {
      const m = linearMatrix(n, o, opts.alignCorners ?? false, scale, dtype);
      // the last dim is contracted on the right, the one before on the left
      y = dim === input.ndim - 1 ? matmul(y, m.t()) : matmul(m, y);
    }
  }
  return y === input ? input.clone() : y;
}
