// Convolutions (conv1d, conv2d, convTranspose2d) and sliding windows (unfold,
// fold), as torch.nn.functional, built on the backend's im2col/col2im and GEMM.
//
// Every convolution here is one of three primitives on a shared geometry that
// links an "image side" x (N, C, H, W) to a "column side" y (N, C_out, H_out,
// W_out) through a weight (C_out, C / groups, kH, kW):
//   convForward:     y  = W @ im2col(x)            (conv2d)
//   convInputGrad:   x  = col2im(W^T @ y)          (convTranspose2d, conv2d's input gradient)
//   convWeightGrad:  dW = sum_n y[n] @ im2col(x)[n]^T
// The gradient of each primitive is made of the three primitives again, so
// gradients of any order are available (e.g. for gradient penalties).
import { isGradEnabled, record } from '../autograd.js';
import { getBackend, type ConvParams, type ConvSaved } from '../backend/index.js';
import { ShapeError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { add, cast } from './elementwise.js';
import { sum } from './reduce.js';
import { reshape } from './shape.js';
import { describe } from '../shape.js';
import { empty, requireFloat, requireTensor, uninitialized } from './util.js';

/** An int for every spatial dim, or one int used for all of them. */
export type IntOrTuple = number | readonly number[];

export interface ConvOptions {
  /** Step between windows (default 1). */
  stride?: IntOrTuple;
  /**
   * Zeros added on both sides of each spatial dim (default 0); `'valid'` is 0,
   * `'same'` pads so that the output has the input's size (stride 1 only; an
   * odd total puts the extra row/column at the end, as PyTorch does).
   */
  padding?: IntOrTuple | 'same' | 'valid';
  /** Spacing between kernel elements (default 1). */
  dilation?: IntOrTuple;
  /** Splits input and output channels into this many independent groups (default 1). */
  groups?: number;
}

export interface ConvTransposeOptions {
  stride?: IntOrTuple;
  /** Crops this many rows/columns from both sides of the output (it is the padding of the matching conv2d; default 0). */
  padding?: IntOrTuple;
  /** Extra rows/columns added at the end of the output to pick among the sizes a strided conv maps to one size (default 0). */
  outputPadding?: IntOrTuple;
  groups?: number;
  dilation?: IntOrTuple;
}

export interface UnfoldOptions {
  dilation?: IntOrTuple;
  padding?: IntOrTuple;
  stride?: IntOrTuple;
}

/** Everything the three primitives need; spatial dims are always 2 (1-D ops use height 1). */
interface Geometry {
  batch: number;
  /** Channels, height, width of the image side x. */
  inC: number;
  height: number;
  width: number;
  /** Channels, height, width of the column side y. */
  outC: number;
  outH: number;
  outW: number;
  kernelH: number;
  kernelW: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
  dilationH: number;
  dilationW: number;
  groups: number;
}

/** The image side's shape: (N, C, H, W). */
function imageShape(g: Geometry): number[] {
  return [g.batch, g.inC, g.height, g.width];
}

/** The weight's shape: (C_out, C / groups, kH, kW). */
function weightShape(g: Geometry): number[] {
  return [g.outC, g.inC / g.groups, g.kernelH, g.kernelW];
}

function convParams(g: Geometry): ConvParams {
  return {
    batch: g.batch, channels: g.inC, height: g.height, width: g.width, kernelH: g.kernelH, kernelW: g.kernelW,
    strideH: g.strideH, strideW: g.strideW, padTop: g.padTop, padLeft: g.padLeft,
    dilationH: g.dilationH, dilationW: g.dilationW, outH: g.outH, outW: g.outW, outChannels: g.outC, groups: g.groups,
  };
}

/** y (N, C_out, H_out, W_out) = W @ im2col(x) (+ bias per output channel), per group. */
function convForward(name: string, g: Geometry, x: Tensor, w: Tensor, bias?: Tensor | null): Tensor {
  // the conv kernels write every element of their outputs (test/conv/kernels.test.ts checks it)
  const out = uninitialized([g.batch, g.outC, g.outH, g.outW], x.dtype);
  const be = getBackend();
  // what the weight gradient reads (the unrolled input) may stay in the backend until the backward
  const saved = be.convForward(x.data, w.data, out.data, convParams(g), bias?.data ?? null, isGradEnabled() && w.requiresGrad);
  return record(name, out, bias ? [x, w, bias] : [x, w], (gy, retain) => {
    // when the gradients' own graph is wanted (double backward) they are ops
    const grads = isGradEnabled()
      ? convGradOps(name, g, gy, x, w, bias)
      : convGrads(g, gy, x, w, bias, getBackend() === be ? saved : null);
    if (saved && !retain) be.convFree(saved);
    return grads;
  });
}

/** The gradients of convForward's inputs as recorded ops: the three primitives and a sum. */
function convGradOps(name: string, g: Geometry, gy: Tensor, x: Tensor, w: Tensor, bias: Tensor | null | undefined): Array<Tensor | null> {
  const grads = [
    x.requiresGrad ? convInputGrad(`${name}Backward`, g, gy, w) : null,
    w.requiresGrad ? convWeightGrad(`${name}Backward`, g, x, gy) : null,
  ];
  if (bias) grads.push(bias.requiresGrad ? sum(gy, [0, 2, 3]) : null);
  return grads;
}

/** The gradients of convForward's inputs that need one, by one backend call that reads gy once. */
function convGrads(g: Geometry, gy: Tensor, x: Tensor, w: Tensor, bias: Tensor | null | undefined, saved: ConvSaved | null): Array<Tensor | null> {
  const dx = x.requiresGrad ? uninitialized(imageShape(g), gy.dtype) : null;
  const dw = w.requiresGrad ? uninitialized(weightShape(g), gy.dtype) : null;
  const db = bias?.requiresGrad ? uninitialized([g.outC], gy.dtype) : null;
  getBackend().convBackward(gy.data, x.data, w.data, { x: dx?.data ?? null, w: dw?.data ?? null, bias: db?.data ?? null }, convParams(g), saved);
  return bias ? [dx, dw, db] : [dx, dw];
}

/** x (N, C, H, W) = col2im(W^T @ y), per group: conv's input gradient and the transposed conv. */
function convInputGrad(name: string, g: Geometry, y: Tensor, w: Tensor): Tensor {
  const out = uninitialized(imageShape(g), y.dtype);
  getBackend().convInputGrad(y.data, w.data, out.data, convParams(g));
  return record(name, out, [y, w], (gx) => [
    y.requiresGrad ? convForward(`${name}Backward`, g, gx, w) : null,
    w.requiresGrad ? convWeightGrad(`${name}Backward`, g, gx, y) : null,
  ]);
}

/** dW (C_out, C / groups, kH, kW) = sum over the batch of y[n] @ im2col(x)[n]^T, per group. */
function convWeightGrad(name: string, g: Geometry, x: Tensor, y: Tensor): Tensor {
  const out = uninitialized(weightShape(g), x.dtype);
  getBackend().convWeightGrad(x.data, y.data, out.data, convParams(g));
  return record(name, out, [x, y], (gw) => [
    x.requiresGrad ? convInputGrad(`${name}Backward`, g, y, gw) : null,
    y.requiresGrad ? convForward(`${name}Backward`, g, x, gw) : null,
  ]);
}

// ---------------------------------------------------------------- arguments

/** `v` as `n` integers >= min, or a clear error naming the op and the argument. */
function tuple(op: string, name: string, v: IntOrTuple, n: number, min: number): number[] {
  if (typeof v !== 'number' && !Array.isArray(v)) throw new ShapeError(`${op}: ${name} must be an integer >= ${min} or ${n} of them, got ${describe(v)}`);
  const arr = typeof v === 'number' ? new Array<number>(n).fill(v) : [...v];
  if (arr.length !== n || arr.some((e) => !Number.isInteger(e) || e < min)) {
    throw new ShapeError(`${op}: ${name} must be an integer >= ${min} or ${n} of them, got ${JSON.stringify(v)}`);
  }
  return arr;
}

/** Throws unless the options argument is an object. */
function checkOpts(op: string, opts: unknown): void {
  if (opts === null || typeof opts !== 'object') throw new ShapeError(`${op}: options must be an object, got ${describe(opts)}`);
}

/** Both operands in one floating dtype (float64 if either is). */
function commonFloat(op: string, x: Tensor, w: Tensor): [Tensor, Tensor] {
  requireFloat(op, x);
  requireFloat(op, w);
  if (x.dtype === w.dtype) return [x, w];
  return x.dtype === 'float64' ? [x, cast(w, 'float64')] : [cast(x, 'float64'), w];
}

function checkBias(op: string, bias: Tensor | null | undefined, channels: number, w: Tensor): void {
  if (bias === null || bias === undefined) return;
  requireTensor(op, bias, 'bias');
  if (bias.ndim !== 1 || bias.shape[0] !== channels) {
    throw new ShapeError(`${op}: expected bias of shape [${channels}] for weight ${fmtShape(w.shape)}, got ${fmtShape(bias.shape)}`);
  }
}

function addBias(out: Tensor, bias: Tensor | null | undefined): Tensor {
  if (bias === null || bias === undefined) return out;
  const shape = out.shape.map((s, i) => (i === 1 ? s : 1));
  return add(out, reshape(bias.dtype === out.dtype ? bias : cast(bias, out.dtype), shape));
}

/** Adds the batch dim to an unbatched input; returns the input and whether to remove it again. */
function batched(op: string, x: Tensor, nd: number, w: Tensor): [Tensor, boolean] {
  if (x.ndim === nd + 2) return [x, false];
  if (x.ndim === nd + 1) return [reshape(x, [1, ...x.shape]), true];
  throw new ShapeError(
    `${op}: expected a ${nd + 1}-D (unbatched) or ${nd + 2}-D (batched) input for weight ${fmtShape(w.shape)}, got input ${fmtShape(x.shape)}`,
  );
}

function checkGroups(op: string, groups: number, inC: number, outC: number, x: Tensor, w: Tensor): void {
  if (!Number.isInteger(groups) || groups < 1 || inC % groups !== 0 || outC % groups !== 0) {
    throw new ShapeError(
      `${op}: groups ${describe(groups)} must be a positive integer dividing the input channels (${inC}, input ${fmtShape(x.shape)}) ` +
        `and the output channels (${outC}, weight ${fmtShape(w.shape)})`,
    );
  }
}

/** Convolution of nd (1 or 2) spatial dims, with PyTorch's checks. */
function convNd(op: string, nd: number, input: Tensor, weight: Tensor, bias: Tensor | null | undefined, opts: ConvOptions): Tensor {
  requireTensor(op, input);
  requireTensor(op, weight, 'weight');
  checkOpts(op, opts);
  if (weight.ndim !== nd + 2) {
    throw new ShapeError(`${op}: expected a ${nd + 2}-D weight (out_channels, in_channels / groups, ${nd === 1 ? 'kernel' : 'kH, kW'}), got ${fmtShape(weight.shape)}`);
  }
  const [xb, unbatch] = batched(op, input, nd, weight);
  const groups = opts.groups ?? 1;
  const outC = weight.shape[0]!;
  const inC = xb.shape[1]!;
  checkGroups(op, groups, inC, outC, input, weight);
  if (inC !== weight.shape[1]! * groups) {
    throw new ShapeError(
      `${op}: weight ${fmtShape(weight.shape)} with groups ${groups} expects input with ${weight.shape[1]! * groups} channels, ` +
        `got input ${fmtShape(input.shape)} with ${inC} channels`,
    );
  }
  checkBias(op, bias, outC, weight);
  const size = xb.shape.slice(2);
  const kernel = weight.shape.slice(2);
  const stride = tuple(op, 'stride', opts.stride ?? 1, nd, 1);
  const dilation = tuple(op, 'dilation', opts.dilation ?? 1, nd, 1);
  const padding = opts.padding ?? 0;
  let before: number[];
  let total: number[];
  if (padding === 'valid') {
    before = new Array<number>(nd).fill(0);
    total = before;
  } else if (padding === 'same') {
    if (stride.some((s) => s !== 1)) throw new ShapeError(`${op}: padding 'same' is not supported for strided convolutions (stride ${JSON.stringify(opts.stride)})`);
    total = kernel.map((k, i) => dilation[i]! * (k - 1));
    before = total.map((t) => Math.floor(t / 2));
  } else {
    if (typeof padding === 'string') throw new ShapeError(`${op}: padding must be a number, a tuple, 'same' or 'valid', got '${padding}'`);
    before = tuple(op, 'padding', padding, nd, 0);
    total = before.map((p) => 2 * p);
  }
  const out = size.map((s, i) => Math.floor((s + total[i]! - dilation[i]! * (kernel[i]! - 1) - 1) / stride[i]!) + 1);
  if (size.some((s, i) => s + total[i]! < dilation[i]! * (kernel[i]! - 1) + 1)) {
    const padded = size.map((s, i) => s + total[i]!).join('x');
    const eff = kernel.map((k, i) => dilation[i]! * (k - 1) + 1).join('x');
    throw new ShapeError(
      `${op}: input ${fmtShape(input.shape)} (padded size ${padded}) is smaller than the kernel of weight ${fmtShape(weight.shape)} (dilated size ${eff})`,
    );
  }
  const [x, w] = commonFloat(op, xb, weight);
  const two = (a: number[], pad: number) => (nd === 1 ? [pad, a[0]!] : a);
  const [H, W] = two(size, 1);
  const [oH, oW] = two(out, 1);
  const [kH, kW] = two(kernel, 1);
  const [sH, sW] = two(stride, 1);
  const [dH, dW] = two(dilation, 1);
  const [pT, pL] = two(before, 0);
  const g: Geometry = {
    batch: x.shape[0]!, inC, height: H!, width: W!, outC, outH: oH!, outW: oW!, kernelH: kH!, kernelW: kW!,
    strideH: sH!, strideW: sW!, padTop: pT!, padLeft: pL!, dilationH: dH!, dilationW: dW!, groups,
  };
  const w4 = nd === 1 ? reshape(w, [outC, weight.shape[1]!, 1, kW!]) : w;
  const x4 = nd === 1 ? reshape(x, [g.batch, inC, 1, W!]) : x;
  const b = bias === null || bias === undefined ? null : bias.dtype === x4.dtype ? bias : cast(bias, x4.dtype);
  let y = convForward(op, g, x4, w4, b);
  if (nd === 1) y = reshape(y, [g.batch, outC, oW!]);
  return unbatch ? reshape(y, y.shape.slice(1)) : y;
}

/**
 * 2-D convolution (cross-correlation, as torch.nn.functional.conv2d).
 *
 * Shape: input (N, C_in, H, W) or (C_in, H, W); weight (C_out, C_in / groups, kH, kW);
 * bias (C_out) -> (N, C_out, H_out, W_out) with
 * H_out = floor((H + 2 padding - dilation (kH - 1) - 1) / stride) + 1.
 *
 * Example:
 *   const y = conv2d(randn([8, 3, 32, 32]), randn([16, 3, 3, 3]), null, { padding: 1 });
 *   y.shape; // [8, 16, 32, 32]
 */
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvOptions = {}): Tensor {
  return convNd('conv2d', 2, input, weight, bias, opts);
}

/**
 * 1-D convolution over a sequence (torch.nn.functional.conv1d).
 *
 * Shape: input (N, C_in, L) or (C_in, L); weight (C_out, C_in / groups, k);
 * bias (C_out) -> (N, C_out, L_out).
 *
 * Example:
 *   conv1d(randn([4, 2, 100]), randn([8, 2, 5]), null, { stride: 2 }).shape; // [4, 8, 48]
 */
export function conv1d(input: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvOptions = {}): Tensor {
  return convNd('conv1d', 1, input, weight, bias, opts);
}

/**
 * 2-D transposed convolution (torch.nn.functional.conv_transpose2d), the
 * gradient of conv2d with respect to its input; upsamples by `stride`.
 *
 * Shape: input (N, C_in, H, W) or (C_in, H, W); weight (C_in, C_out / groups, kH, kW);
 * bias (C_out) -> (N, C_out, H_out, W_out) with
 * H_out = (H - 1) stride - 2 padding + dilation (kH - 1) + outputPadding + 1.
 *
 * Example:
 *   convTranspose2d(randn([1, 16, 7, 7]), randn([16, 8, 4, 4]), null, { stride: 2, padding: 1 }).shape; // [1, 8, 14, 14]
 */
export function convTranspose2d(input: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvTransposeOptions = {}): Tensor {
  const op = 'convTranspose2d';
  requireTensor(op, input);
  requireTensor(op, weight, 'weight');
  checkOpts(op, opts);
  if (weight.ndim !== 4) {
    throw new ShapeError(`${op}: expected a 4-D weight (in_channels, out_channels / groups, kH, kW), got ${fmtShape(weight.shape)}`);
  }
  const [xb, unbatch] = batched(op, input, 2, weight);
  const groups = opts.groups ?? 1;
  const inC = xb.shape[1]!;
  const outC = weight.shape[1]! * (typeof groups === 'number' ? groups : NaN); // a non-number fails checkGroups
  checkGroups(op, groups, inC, outC, input, weight);
  if (inC !== weight.shape[0]) {
    throw new ShapeError(
      `${op}: weight ${fmtShape(weight.shape)} expects input with ${weight.shape[0]} channels, got input ${fmtShape(input.shape)} with ${inC} channels`,
    );
  }
  checkBias(op, bias, outC, weight);
  const stride = tuple(op, 'stride', opts.stride ?? 1, 2, 1);
  const padding = tuple(op, 'padding', opts.padding ?? 0, 2, 0);
  const outPad = tuple(op, 'outputPadding', opts.outputPadding ?? 0, 2, 0);
  const dilation = tuple(op, 'dilation', opts.dilation ?? 1, 2, 1);
  if (outPad.some((p, i) => p >= stride[i]! && p >= dilation[i]!)) {
    throw new ShapeError(`${op}: outputPadding ${JSON.stringify(outPad)} must be smaller than either stride ${JSON.stringify(stride)} or dilation ${JSON.stringify(dilation)}`);
  }
  const size = xb.shape.slice(2);
  const kernel = weight.shape.slice(2);
  const out = size.map((s, i) => (s - 1) * stride[i]! - 2 * padding[i]! + dilation[i]! * (kernel[i]! - 1) + outPad[i]! + 1);
  if (out.some((o) => o < 1)) {
    throw new ShapeError(
      `${op}: input ${fmtShape(input.shape)} with weight ${fmtShape(weight.shape)} and padding ${JSON.stringify(padding)} gives an empty output ${fmtShape(out)}`,
    );
  }
  const [x, w] = commonFloat(op, xb, weight);
  // the conv that maps the output (image side) back to the input (column side)
  const g: Geometry = {
    batch: x.shape[0]!, inC: outC, height: out[0]!, width: out[1]!, outC: inC, outH: size[0]!, outW: size[1]!,
    kernelH: kernel[0]!, kernelW: kernel[1]!, strideH: stride[0]!, strideW: stride[1]!, padTop: padding[0]!, padLeft: padding[1]!,
    dilationH: dilation[0]!, dilationW: dilation[1]!, groups,
  };
  const y = addBias(convInputGrad(op, g, x, w), bias);
  return unbatch ? reshape(y, y.shape.slice(1)) : y;
}

/** The geometry of unfold/fold for a (N, C, H, W) image. */
function windowGeometry(op: string, batch: number, channels: number, size: number[], kernelSize: IntOrTuple, opts: UnfoldOptions, shape: readonly number[]): Geometry {
  const kernel = tuple(op, 'kernelSize', kernelSize, 2, 1);
  const dilation = tuple(op, 'dilation', opts.dilation ?? 1, 2, 1);
  const padding = tuple(op, 'padding', opts.padding ?? 0, 2, 0);
  const stride = tuple(op, 'stride', opts.stride ?? 1, 2, 1);
  const out = size.map((s, i) => Math.floor((s + 2 * padding[i]! - dilation[i]! * (kernel[i]! - 1) - 1) / stride[i]!) + 1);
  if (out.some((o) => o < 1)) {
    throw new ShapeError(
      `${op}: image ${fmtShape(shape)} (padded size ${size.map((s, i) => s + 2 * padding[i]!).join('x')}) is smaller than the kernel ` +
        `(dilated size ${kernel.map((k, i) => dilation[i]! * (k - 1) + 1).join('x')})`,
    );
  }
  return {
    batch, inC: channels, height: size[0]!, width: size[1]!, outC: channels * kernel[0]! * kernel[1]!, outH: out[0]!, outW: out[1]!,
    kernelH: kernel[0]!, kernelW: kernel[1]!, strideH: stride[0]!, strideW: stride[1]!, padTop: padding[0]!, padLeft: padding[1]!,
    dilationH: dilation[0]!, dilationW: dilation[1]!, groups: 1,
  };
}

function unfoldKernel(g: Geometry, x: Tensor): Tensor {
  const out = empty([g.batch, g.outC, g.outH * g.outW], x.dtype);
  getBackend().im2col(x.data, out.data, convParams(g));
  return record('unfold', out, [x], (gc) => [foldKernel(g, gc)]);
}

function foldKernel(g: Geometry, col: Tensor): Tensor {
  const out = empty(imageShape(g), col.dtype);
  getBackend().col2im(col.data, out.data, convParams(g));
  return record('fold', out, [col], (gx) => [unfoldKernel(g, gx)]);
}

/**
 * Extracts sliding local blocks (torch.nn.functional.unfold, im2col): each
 * column holds one window of every channel, channel-major.
 *
 * Shape: (N, C, H, W) or (C, H, W) -> (N, C kH kW, L) or (C kH kW, L), L = H_out W_out.
 *
 * Example:
 *   unfold(randn([1, 3, 4, 4]), 2, { stride: 2 }).shape; // [1, 12, 4]
 */
export function unfold(input: Tensor, kernelSize: IntOrTuple, opts: UnfoldOptions = {}): Tensor {
  requireTensor('unfold', input);
  checkOpts('unfold', opts);
  if (input.ndim !== 3 && input.ndim !== 4) {
    throw new ShapeError(`unfold: expected a 3-D (unbatched) or 4-D (batched) image, got input ${fmtShape(input.shape)}`);
  }
  requireFloat('unfold', input);
  const x = input.ndim === 3 ? reshape(input, [1, ...input.shape]) : input;
  const g = windowGeometry('unfold', x.shape[0]!, x.shape[1]!, x.shape.slice(2), kernelSize, opts, input.shape);
  const y = unfoldKernel(g, x);
  return input.ndim === 3 ? reshape(y, y.shape.slice(1)) : y;
}

/**
 * Sums sliding local blocks back into an image (torch.nn.functional.fold,
 * col2im): the adjoint of `unfold`, overlapping entries add up.
 *
 * Shape: (N, C kH kW, L) or (C kH kW, L) -> (N, C, outputSize[0], outputSize[1]) or (C, ...).
 *
 * Example:
 *   const x = randn([1, 3, 4, 4]);
 *   fold(unfold(x, 2, { stride: 2 }), [4, 4], 2, { stride: 2 }); // equals x
 */
export function fold(input: Tensor, outputSize: IntOrTuple, kernelSize: IntOrTuple, opts: UnfoldOptions = {}): Tensor {
  requireTensor('fold', input);
  checkOpts('fold', opts);
  if (input.ndim !== 2 && input.ndim !== 3) {
    throw new ShapeError(`fold: expected a 2-D (unbatched) or 3-D (batched) input of columns, got ${fmtShape(input.shape)}`);
  }
  requireFloat('fold', input);
  const col = input.ndim === 2 ? reshape(input, [1, ...input.shape]) : input;
  const kernel = tuple('fold', 'kernelSize', kernelSize, 2, 1);
  const kk = kernel[0]! * kernel[1]!;
  if (col.shape[1]! % kk !== 0) {
    throw new ShapeError(`fold: dim 1 of input ${fmtShape(input.shape)} must be divisible by the kernel size ${kernel.join('x')} (${kk})`);
  }
  const size = tuple('fold', 'outputSize', outputSize, 2, 1);
  const g = windowGeometry('fold', col.shape[0]!, col.shape[1]! / kk, size, kernel, opts, [col.shape[1]! / kk, ...size]);
  if (g.outH * g.outW !== col.shape[2]) {
    throw new ShapeError(
      `fold: input ${fmtShape(input.shape)} has ${col.shape[2]} blocks, but outputSize ${fmtShape(size)} with kernel ${kernel.join('x')} ` +
        `gives ${g.outH}x${g.outW} = ${g.outH * g.outW}`,
    );
  }
  const y = foldKernel(g, col);
  return input.ndim === 2 ? reshape(y, y.shape.slice(1)) : y;
}

export interface MaxPoolIndicesOptions extends UnfoldOptions {
  /** Step between windows (default: the kernel size, as pooling does). */
  stride?: IntOrTuple;
  /** (H_out, W_out) when it is not the floor formula's (ceil mode); windows past the input read nothing there. */
  outputSize?: readonly number[];
}

/**
 * For each sliding window of each (N, C) plane, the flat index h W + w of its
 * largest element (PyTorch's max-pooling indices; the first one in window
 * order on ties, NaN wins). The building block of max pooling: the values
 * are `gather(x.reshape([N, C, H * W]), 2, indices.reshape([N, C, -1]))`,
 * which carries the gradient. Positions in the padding are never chosen.
 *
 * Shape: (N, C, H, W) or (C, H, W) -> int32 (N, C, H_out, W_out) or (C, H_out, W_out).
 *
 * Example:
 *   maxPoolIndices(tensor([[[1, 5], [7, 2]]]), 2).toList(); // [2]: the 7 at (1, 0)
 */
export function maxPoolIndices(input: Tensor, kernelSize: IntOrTuple, opts: MaxPoolIndicesOptions = {}): Tensor {
  const op = 'maxPoolIndices';
  requireTensor(op, input);
  checkOpts(op, opts);
  if (input.ndim !== 3 && input.ndim !== 4) throw new ShapeError(`${op}: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, got ${fmtShape(input.shape)}`);
  requireFloat(op, input);
  const x = input.ndim === 3 ? reshape(input, [1, ...input.shape]) : input;
  const [N, C, H, W] = x.shape as [number, number, number, number];
  // pooling windows step by their own size unless told otherwise
  const g = windowGeometry(op, N, C, [H, W], kernelSize, { ...opts, stride: opts.stride ?? kernelSize }, x.shape);
  if (opts.outputSize !== undefined) {
    const [oH, oW] = tuple(op, 'outputSize', opts.outputSize, 2, 1);
    g.outH = oH!;
    g.outW = oW!;
  }
  if (2 * g.padTop > g.kernelH || 2 * g.padLeft > g.kernelW) {
    throw new ShapeError(`${op}: padding ${JSON.stringify(opts.padding)} should be at most half of the kernel size ${g.kernelH}x${g.kernelW}`);
  }
  const out = empty([N, C, g.outH, g.outW], 'int32');
  getBackend().maxPoolIndices(x.data, out.data as Int32Array, convParams(g));
  return input.ndim === 3 ? reshape(out, out.shape.slice(1)) : out;
}
