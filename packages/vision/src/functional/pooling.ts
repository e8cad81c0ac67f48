// Pooling as torch.nn.functional: max (with indices), max-unpooling, average
// and adaptive average. Max windows come from core's `maxPoolIndices`, average
// ones from `unfold` (im2col), so every pooling op is a few backend kernels
// and differentiable through core's ops.
import { ShapeError, Tensor, gather, matmul, maxPoolIndices, pad, scatterAdd, unfold, zeros } from '@neurone/core';
import { fmtShape, requireFloatTensor, tuple, withBatch, type IntOrTuple } from '../util.js';

export interface MaxPoolOptions {
  /** Step between windows (default: the kernel size). */
  stride?: IntOrTuple | null;
  /** -Infinity added on both sides (default 0; at most half the kernel). */
  padding?: IntOrTuple;
  /** Spacing between window elements (default 1). */
  dilation?: IntOrTuple;
  /** Output size rounded up instead of down, so that the last partial window counts (default false). */
  ceilMode?: boolean;
}

export interface AvgPoolOptions {
  stride?: IntOrTuple | null;
  /** Zeros added on both sides (default 0; at most half the kernel). */
  padding?: IntOrTuple;
  ceilMode?: boolean;
  /** Count the zero padding in the divisor (default true). */
  countIncludePad?: boolean;
  /** Divide every window sum by this instead of its size. */
  divisorOverride?: number | null;
}

/** Window geometry along each spatial dim, and the extra end padding that ceil mode needs. */
interface Pool {
  kernel: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
  out: number[];
  /** Padding after the input: `padding`, plus whatever the last ceil-mode window reaches past it. */
  padEnd: number[];
}

function poolGeometry(
  op: string, size: readonly number[], shape: readonly number[], kernelSize: IntOrTuple,
  stride: IntOrTuple | null | undefined, padding: IntOrTuple, dilation: IntOrTuple, ceilMode: boolean,
): Pool {
  const nd = size.length;
  const kernel = tuple(op, 'kernelSize', kernelSize, nd, 1);
  const s = stride === null || stride === undefined ? kernel : tuple(op, 'stride', stride, nd, 1);
  const p = tuple(op, 'padding', padding, nd, 0);
  const d = tuple(op, 'dilation', dilation, nd, 1);
  if (p.some((pi, i) => pi > Math.floor(kernel[i]! / 2))) {
    throw new ShapeError(`${op}: padding ${JSON.stringify(padding)} should be at most half of the kernel size ${JSON.stringify(kernel)}`);
  }
  const out = size.map((n, i) => {
    const span = n + 2 * p[i]! - d[i]! * (kernel[i]! - 1) - 1;
    let o = (ceilMode ? Math.ceil(span / s[i]!) : Math.floor(span / s[i]!)) + 1;
    // PyTorch: the last window must start inside the input or the left padding
    if (ceilMode && (o - 1) * s[i]! >= n + p[i]!) o--;
    return o;
  });
  if (out.some((o) => o < 1)) {
    throw new ShapeError(
      `${op}: input ${fmtShape(shape)} is too small for kernel ${JSON.stringify(kernel)} with padding ${JSON.stringify(p)} ` +
        `and dilation ${JSON.stringify(d)}: output size would be ${out.join('x')}`,
    );
  }
  const padEnd = size.map((n, i) => Math.max(p[i]!, (out[i]! - 1) * s[i]! + d[i]! * (kernel[i]! - 1) + 1 - n - p[i]!));
  return { kernel, stride: s, padding: p, dilation: d, out, padEnd };
}

/** x (B, H, W) padded by the geometry with `value`, as (B, 1, H', W'). */
function padPlanes(x: Tensor, g: Pool, value: number): Tensor {
  const planes = x.reshape([x.shape[0]!, 1, x.shape[1]!, x.shape[2]!]);
  const pads = [g.padding[1]!, g.padEnd[1]!, g.padding[0]!, g.padEnd[0]!];
  return pads.some((v) => v > 0) ? pad(planes, pads, value) : planes;
}

/** 2-D max pooling of (B, H, W) planes: values (B, oH, oW) and flat indices into each H x W plane. */
function maxPoolPlanes(x: Tensor, g: Pool, wantIndices: boolean): [Tensor, Tensor | null] {
  const [B, H, W] = x.shape as [number, number, number];
  const [oH, oW] = g.out as [number, number];
  // the max is picked by index and gathered, so that the gradient goes to that one element
  const idx = maxPoolIndices(x.reshape([B, 1, H, W]), g.kernel, {
    stride: g.stride, padding: g.padding, dilation: g.dilation, outputSize: g.out,
  }).reshape([B, oH * oW]);
  const values = gather(x.reshape([B, H * W]), 1, idx).reshape([B, oH, oW]);
  return [values, wantIndices ? idx.reshape([B, oH, oW]) : null];
}

/**
 * 2-D max pooling (torch.nn.functional.max_pool2d).
 *
 * Shape: (N, C, H, W) or (C, H, W) -> (N, C, H_out, W_out), with
 * H_out = floor((H + 2 padding - dilation (kH - 1) - 1) / stride) + 1 (ceil in ceil mode).
 *
 * Example:
 *   maxPool2d(randn([1, 6, 28, 28]), 2).shape; // [1, 6, 14, 14]
 */
export function maxPool2d(input: Tensor, kernelSize: IntOrTuple, opts: MaxPoolOptions = {}): Tensor {
  return maxPoolNd('maxPool2d', 2, input, kernelSize, opts, false)[0];
}

/**
 * `maxPool2d` that also returns, for each output, the flat index (h W + w,
 * int32) of the chosen element within its input plane, as PyTorch's
 * `return_indices=True`; `maxUnpool2d` takes them.
 *
 * Example:
 *   const [y, idx] = maxPool2dWithIndices(x, 2);
 *   maxUnpool2d(y, idx, 2).shape; // x's shape
 */
export function maxPool2dWithIndices(input: Tensor, kernelSize: IntOrTuple, opts: MaxPoolOptions = {}): [Tensor, Tensor] {
  return maxPoolNd('maxPool2d', 2, input, kernelSize, opts, true) as [Tensor, Tensor];
}

/**
 * 1-D max pooling over (N, C, L) or (C, L) (torch.nn.functional.max_pool1d).
 *
 * Example:
 *   maxPool1d(randn([2, 4, 10]), 3, { stride: 2 }).shape; // [2, 4, 4]
 */
export function maxPool1d(input: Tensor, kernelSize: IntOrTuple, opts: MaxPoolOptions = {}): Tensor {
  return maxPoolNd('maxPool1d', 1, input, kernelSize, opts, false)[0];
}

/** `maxPool1d` with the indices (position in L, int32) of the chosen elements. */
export function maxPool1dWithIndices(input: Tensor, kernelSize: IntOrTuple, opts: MaxPoolOptions = {}): [Tensor, Tensor] {
  return maxPoolNd('maxPool1d', 1, input, kernelSize, opts, true) as [Tensor, Tensor];
}

function maxPoolNd(op: string, nd: 1 | 2, input: Tensor, kernelSize: IntOrTuple, opts: MaxPoolOptions, wantIndices: boolean): [Tensor, Tensor | null] {
  requireFloatTensor(op, input);
  const [x, unbatch] = withBatch(op, input, nd + 2, nd === 1 ? '(N, C, L)' : '(N, C, H, W)');
  const size = x.shape.slice(2);
  const g1 = poolGeometry(op, size, input.shape, kernelSize, opts.stride, opts.padding ?? 0, opts.dilation ?? 1, opts.ceilMode ?? false);
  // 1-D pools run as 2-D pools over planes of height 1
  const g: Pool = nd === 2 ? g1 : {
    kernel: [1, ...g1.kernel], stride: [1, ...g1.stride], padding: [0, ...g1.padding], dilation: [1, ...g1.dilation],
    out: [1, ...g1.out], padEnd: [0, ...g1.padEnd],
  };
  const [N, C] = x.shape as [number, number];
  const H = nd === 2 ? size[0]! : 1;
  const W = size[nd - 1]!;
  const [vals, idx] = maxPoolPlanes(x.reshape([N * C, H, W]), g, wantIndices);
  const outShape = [N, C, ...g1.out];
  const shape = unbatch ? outShape.slice(1) : outShape;
  return [vals.reshape(shape), idx === null ? null : idx.reshape(shape)];
}

export interface MaxUnpoolOptions {
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  /** Size of the output (H, W), or (N, C, H, W); default (H_in - 1) stride - 2 padding + kernel. */
  outputSize?: readonly number[] | null;
}

/**
 * The partial inverse of `maxPool2d` (torch.nn.functional.max_unpool2d): puts
 * each value at the position its index names and zeros elsewhere.
 *
 * Shape: (N, C, H_in, W_in) values and int32 indices -> (N, C, H_out, W_out).
 *
 * Example:
 *   const [y, idx] = maxPool2dWithIndices(x, 2);
 *   maxUnpool2d(y, idx, 2); // x's maxima in place, zeros elsewhere
 */
export function maxUnpool2d(input: Tensor, indices: Tensor, kernelSize: IntOrTuple, opts: MaxUnpoolOptions = {}): Tensor {
  const op = 'maxUnpool2d';
  requireFloatTensor(op, input);
  if (!(indices instanceof Tensor) || indices.dtype !== 'int32') {
    throw new ShapeError(`${op}: indices must be an int32 tensor (from maxPool2dWithIndices)`);
  }
  if (indices.ndim !== input.ndim || indices.shape.some((s, i) => s !== input.shape[i])) {
    throw new ShapeError(`${op}: indices ${fmtShape(indices.shape)} must have the input's shape ${fmtShape(input.shape)}`);
  }
  const [x, unbatch] = withBatch(op, input, 4, '(N, C, H, W)');
  const kernel = tuple(op, 'kernelSize', kernelSize, 2, 1);
  const stride = opts.stride === null || opts.stride === undefined ? kernel : tuple(op, 'stride', opts.stride, 2, 1);
  const padding = tuple(op, 'padding', opts.padding ?? 0, 2, 0);
  const [N, C, h, w] = x.shape as [number, number, number, number];
  let out = [0, 1].map((i) => (x.shape[i + 2]! - 1) * stride[i]! - 2 * padding[i]! + kernel[i]!);
  if (opts.outputSize) {
    const os = opts.outputSize.slice(-2);
    if (os.length !== 2 || os.some((v, i) => !Number.isInteger(v) || Math.abs(v - out[i]!) >= stride[i]!)) {
      throw new ShapeError(`${op}: outputSize ${JSON.stringify(opts.outputSize)} must be within one stride of the default size ${out.join('x')}`);
    }
    out = os;
  }
  const plane = out[0]! * out[1]!;
  const idx = indices.reshape([N, C, h * w]);
  for (const v of idx.data) {
    if (v < 0 || v >= plane) throw new ShapeError(`${op}: index ${v} is out of range for an output plane of ${out.join('x')}`);
  }
  // each value is added at its index (windows that overlap may share an index; PyTorch then keeps one of them)
  const y = scatterAdd(zeros([N, C, plane], { dtype: x.dtype }), 2, idx, x.reshape([N, C, h * w])).reshape([N, C, out[0]!, out[1]!]);
  return unbatch ? y.reshape(y.shape.slice(1)) : y;
}

/**
 * 2-D average pooling (torch.nn.functional.avg_pool2d).
 *
 * Shape: (N, C, H, W) or (C, H, W) -> (N, C, H_out, W_out).
 *
 * Example:
 *   avgPool2d(randn([1, 3, 8, 8]), 3, { stride: 2, padding: 1 }).shape; // [1, 3, 4, 4]
 */
export function avgPool2d(input: Tensor, kernelSize: IntOrTuple, opts: AvgPoolOptions = {}): Tensor {
  const op = 'avgPool2d';
  requireFloatTensor(op, input);
  const [x, unbatch] = withBatch(op, input, 4, '(N, C, H, W)');
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const g = poolGeometry(op, [H, W], input.shape, kernelSize, opts.stride, opts.padding ?? 0, 1, opts.ceilMode ?? false);
  const [oH, oW] = g.out as [number, number];
  const sums = unfold(padPlanes(x.reshape([N * C, H, W]), g, 0), g.kernel, { stride: g.stride }).sum(1);
  let divisor: Tensor | number;
  if (opts.divisorOverride !== null && opts.divisorOverride !== undefined) {
    if (!(opts.divisorOverride > 0)) throw new ShapeError(`${op}: divisorOverride must be positive, got ${opts.divisorOverride}`);
    divisor = opts.divisorOverride;
  } else {
    // how many elements each window averages: those inside the padded input (countIncludePad) or inside the input
    const Hp = H + g.padding[0]! + g.padEnd[0]!;
    const Wp = W + g.padding[1]! + g.padEnd[1]!;
    const include = opts.countIncludePad ?? true;
    const mask = zeros([1, 1, Hp, Wp], { dtype: x.dtype });
    const [r0, r1] = include ? [0, H + 2 * g.padding[0]!] : [g.padding[0]!, g.padding[0]! + H];
    const [c0, c1] = include ? [0, W + 2 * g.padding[1]!] : [g.padding[1]!, g.padding[1]! + W];
    for (let r = r0; r < Math.min(r1, Hp); r++) mask.data.fill(1, r * Wp + c0, r * Wp + Math.min(c1, Wp));
    divisor = unfold(mask, g.kernel, { stride: g.stride }).sum(1);
  }
  const y = sums.div(divisor).reshape([N, C, oH, oW]);
  return unbatch ? y.reshape(y.shape.slice(1)) : y;
}

/**
 * The (out, in) matrix whose rows average the input cells of each adaptive
 * window: window i covers [floor(i in / out), ceil((i + 1) in / out)).
 */
function adaptiveMatrix(inSize: number, outSize: number, dtype: 'float32' | 'float64'): Tensor {
  const m = zeros([outSize, inSize], { dtype });
  for (let i = 0; i < outSize; i++) {
    const s = Math.floor((i * inSize) / outSize);
    const e = Math.ceil(((i + 1) * inSize) / outSize);
    m.data.fill(1 / (e - s), i * inSize + s, i * inSize + e);
  }
  return m;
}

/**
 * Adaptive 2-D average pooling (torch.nn.functional.adaptive_avg_pool2d): the
 * output has the requested size whatever the input's. Computed as
 * A_H x A_W^T with averaging matrices (two GEMMs).
 *
 * Args:
 *   outputSize: (H_out, W_out), a number for a square, null in a slot to keep that input dim.
 *
 * Shape: (N, C, H, W) or (C, H, W) -> (N, C, H_out, W_out).
 *
 * Example:
 *   adaptiveAvgPool2d(randn([2, 512, 7, 9]), 1).shape; // [2, 512, 1, 1]
 */
export function adaptiveAvgPool2d(input: Tensor, outputSize: number | readonly (number | null)[]): Tensor {
  const op = 'adaptiveAvgPool2d';
  requireFloatTensor(op, input);
  const [x] = withBatch(op, input, 4, '(N, C, H, W)');
  const H = x.shape[2]!;
  const W = x.shape[3]!;
  const raw = typeof outputSize === 'number' ? [outputSize, outputSize] : [...outputSize];
  const size = raw.map((v, i) => (v === null ? (i === 0 ? H : W) : v));
  if (size.length !== 2 || size.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new ShapeError(`${op}: outputSize must be a positive integer or two of them (null keeps a dim), got ${JSON.stringify(outputSize)}`);
  }
  if (H < 1 || W < 1) throw new ShapeError(`${op}: input ${fmtShape(input.shape)} has an empty spatial dim`);
  const dtype = x.dtype as 'float32' | 'float64';
  let y = input;
  // (.., H, W) @ A_W^T -> (.., H, W_out); A_H @ (.., H, W_out) -> (.., H_out, W_out)
  if (size[1] !== W) y = matmul(y, adaptiveMatrix(W, size[1]!, dtype).t());
  if (size[0] !== H) y = matmul(adaptiveMatrix(H, size[0]!, dtype), y);
  return y === input ? input.clone() : y;
}
