// The three convolution primitives composed from a backend's im2col, col2im
// and GEMM kernels. The reference backend uses them as they are; a fast
// backend may fuse them (the wasm one keeps the unrolled columns in its own
// memory) and falls back to these for what it does not cover.
import type { TypedArray } from '../dtype.js';
import type { Backend, ConvGrads, ConvParams } from './backend.js';

type Kernels = Pick<Backend, 'alloc' | 'im2col' | 'col2im' | 'matmul'>;

/** GEMM sizes per group: m output channels, k = channels * kernel elements, l output positions. */
export function convGemmSizes(p: ConvParams): { m: number; k: number; l: number } {
  const G = p.groups;
  return { m: p.outChannels / G, k: (p.channels / G) * p.kernelH * p.kernelW, l: p.outH * p.outW };
}

/** Fills each (image, output channel) plane of out (N, C_out, L) with that channel's bias. */
export function fillBias(out: TypedArray, bias: TypedArray, batch: number, l: number): void {
  const C = bias.length;
  for (let n = 0; n < batch; n++) for (let c = 0; c < C; c++) out.fill(bias[c]!, (n * C + c) * l, (n * C + c + 1) * l);
}

/** y (N, C_out, H_out, W_out) = W (C_out, C / G, kH, kW) @ im2col(x) (+ bias), per group. */
export function convForwardComposed(be: Kernels, x: TypedArray, w: TypedArray, out: TypedArray, p: ConvParams, bias?: TypedArray | null): void {
  const { m, k, l } = convGemmSizes(p);
  const G = p.groups;
  const col = be.alloc(x instanceof Float64Array ? 'float64' : 'float32', p.batch * G * k * l);
  be.im2col(x, col, p);
  // the product is added onto the bias
  const accumulate = bias != null;
  if (bias != null) fillBias(out, bias, p.batch, l);
  if (G === 1) {
    // one weight shared by the whole batch
    be.matmul(w, col, out, { batch: p.batch, m, n: l, k, transA: false, transB: false, strideA: 0, strideB: k * l, accumulate });
    return;
  }
  for (let n = 0; n < p.batch; n++) {
    be.matmul(w, col.subarray(n * G * k * l, (n + 1) * G * k * l), out.subarray(n * p.outChannels * l, (n + 1) * p.outChannels * l), {
      batch: G, m, n: l, k, transA: false, transB: false, strideA: m * k, strideB: k * l, accumulate,
    });
  }
}

/** x (N, C, H, W) = col2im(W^T @ y), per group: conv's input gradient and the transposed convolution. */
export function convInputGradComposed(be: Kernels, y: TypedArray, w: TypedArray, out: TypedArray, p: ConvParams): void {
  const { m, k, l } = convGemmSizes(p);
  const G = p.groups;
  const col = be.alloc(y instanceof Float64Array ? 'float64' : 'float32', p.batch * G * k * l);
  if (G === 1) {
    be.matmul(w, y, col, { batch: p.batch, m: k, n: l, k: m, transA: true, transB: false, strideA: 0, strideB: m * l, accumulate: false });
  } else {
    for (let n = 0; n < p.batch; n++) {
      be.matmul(w, y.subarray(n * p.outChannels * l, (n + 1) * p.outChannels * l), col.subarray(n * G * k * l, (n + 1) * G * k * l), {
        batch: G, m: k, n: l, k: m, transA: true, transB: false, strideA: m * k, strideB: m * l, accumulate: false,
      });
    }
  }
  be.col2im(col, out, p);
}

/** dW (C_out, C / G, kH, kW) = sum over the batch of y[n] @ im2col(x)[n]^T, per group (overwrites out). */
export function convWeightGradComposed(be: Kernels, x: TypedArray, y: TypedArray, out: TypedArray, p: ConvParams): void {
  const { m, k, l } = convGemmSizes(p);
  const G = p.groups;
  const col = be.alloc(x instanceof Float64Array ? 'float64' : 'float32', p.batch * G * k * l);
  be.im2col(x, col, p);
  out.fill(0);
  for (let n = 0; n < p.batch; n++) {
    be.matmul(y.subarray(n * p.outChannels * l, (n + 1) * p.outChannels * l), col.subarray(n * G * k * l, (n + 1) * G * k * l), out, {
      batch: G, m, n: k, k: l, transA: false, transB: true, strideA: m * l, strideB: k * l, accumulate: true,
    });
  }
}

/** convForward's gradients (see Backend.convBackward) from the backend's own three primitives and reductions. */
export function convBackwardComposed(
  be: Pick<Backend, 'alloc' | 'convInputGrad' | 'convWeightGrad' | 'reduce'>, dy: TypedArray, x: TypedArray, w: TypedArray, grads: ConvGrads, p: ConvParams,
): void {
  if (grads.x) be.convInputGrad(dy, w, grads.x, p);
  if (grads.w) be.convWeightGrad(x, dy, grads.w, p);
  if (grads.bias) {
    // (N, C_out, L) -> (N, C_out) -> (C_out)
    const perImage = be.alloc(dy instanceof Float64Array ? 'float64' : 'float32', p.batch * p.outChannels);
    be.reduce('sum', dy, p.batch * p.outChannels, p.outH * p.outW, 1, perImage);
    be.reduce('sum', perImage, 1, p.batch, p.outChannels, grads.bias);
  }
}
