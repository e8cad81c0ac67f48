// One LSTM layer in one direction as a single recorded op over the whole
// sequence (as cuDNN's and PyTorch's fused RNN kernels): the backend runs the
// recurrence forward and back, so no step allocates, records or copies anything.
import { Tensor, getBackend, isGradEnabled, type LstmParams } from '@neurone/core';
import { recordOp, zerosOf } from '../util.js';
import { rowBlocks } from './shared.js';

export interface LstmLayerResult {
  /** (rows, H) every step's output, packed. */
  output: Tensor;
  /** (N, H) each sample's state after its last step. */
  h: Tensor;
  c: Tensor;
}

/**
 * An LSTM layer in one direction over a packed sequence whose step t holds
 * sizes[t] samples (non-increasing): gates = x W_ih^T + bias + hPrev W_hh^T
 * at every step, bias being b_ih + b_hh.
 *
 * Shape: x (rows, I), weightIh (4H, I), weightHh (4H, H), bias (4H) or null,
 *   h0 and c0 (N, H) with N = sizes[0] -> output (rows, H), h and c (N, H)
 */
export function lstmLayer(
  x: Tensor, weightIh: Tensor, weightHh: Tensor, bias: Tensor | null, h0: Tensor, c0: Tensor, sizes: readonly number[], reverse: boolean,
): LstmLayerResult {
  const H = weightHh.shape[1]!;
  const I = weightIh.shape[1]!;
  const rows = x.shape[0]!;
  const N = sizes[0]!;
  const dtype = x.dtype;
  const p: LstmParams = { input: I, hidden: H, sizes, reverse };
  const inputs = bias === null ? [x, weightIh, weightHh, h0, c0] : [x, weightIh, weightHh, h0, c0, bias];
  const keep = isGradEnabled() && inputs.some((t) => t.requiresGrad);
  const w = { x: x.data, wIh: weightIh.data, wHh: weightHh.data, bias: bias?.data ?? null };
  // [outputs; final h; final c] in one tensor, split below without copying
  const y = zerosOf([rows + 2 * N, H], dtype);
  // the backward runs on the backend that saved its buffers
  const be = getBackend();
  const saved = be.lstmForward(w, h0.data, c0.data, {
    h: y.data.subarray(0, rows * H),
    hN: y.data.subarray(rows * H, (rows + N) * H),
    cN: y.data.subarray((rows + N) * H),
  }, p, keep);
  const out = recordOp('lstm', y, inputs, (g, retain) => {
    const grad = (t: Tensor) => (t.requiresGrad ? zerosOf(t.shape, dtype) : null);
    const grads = [grad(x), grad(weightIh), grad(weightHh), grad(h0), grad(c0), bias === null ? null : grad(bias)];
    const [dx, dWih, dWhh, dh0, dc0, db] = grads;
    const gd = g.data;
    be.lstmBackward(
      gd.subarray(0, rows * H), gd.subarray(rows * H, (rows + N) * H), gd.subarray((rows + N) * H), w, saved!,
      { x: dx?.data ?? null, wIh: dWih?.data ?? null, wHh: dWhh?.data ?? null, bias: db?.data ?? null, h0: dh0?.data ?? null, c0: dc0?.data ?? null },
      p,
    );
    // the last pass through this graph: what the forward kept can go now
    if (!retain) be.lstmFree(saved!);
    return grads;
  });
  const [output, h, c] = rowBlocks(out, [rows, N, N]) as [Tensor, Tensor, Tensor];
  return { output, h, c };
}
