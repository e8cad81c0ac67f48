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
 * The recurrence of an LSTM layer over a packed sequence whose step t holds
 * sizes[t] samples (non-increasing), from its input projection
 * xProj = x W_ih^T + b_ih + b_hh.
 *
 * Shape: xProj (rows, 4H), weightHh (4H, H), h0 and c0 (N, H) with N = sizes[0]
 *   -> output (rows, H), h and c (N, H)
 */
export function lstmLayer(
  xProj: Tensor, weightHh: Tensor, h0: Tensor, c0: Tensor, sizes: readonly number[], reverse: boolean,
): LstmLayerResult {
  const H = weightHh.shape[1]!;
  const rows = xProj.shape[0]!;
  const N = sizes[0]!;
  const dtype = xProj.dtype;
  const p: LstmParams = { hidden: H, sizes, reverse };
  const inputs = [xProj, weightHh, h0, c0];
  const keep = isGradEnabled() && inputs.some((t) => t.requiresGrad);
  const alloc = (n: number) => zerosOf([n], dtype).data;
  // [outputs; final h; final c] in one tensor, split below without copying
  const y = zerosOf([rows + 2 * N, H], dtype);
  const saved = keep ? { act: alloc(rows * 4 * H), tc: alloc(rows * H), hPrev: alloc(rows * H), cPrev: alloc(rows * H) } : null;
  getBackend().lstmForward(xProj.data, weightHh.data, h0.data, c0.data, {
    h: y.data.subarray(0, rows * H),
    hN: y.data.subarray(rows * H, (rows + N) * H),
    cN: y.data.subarray((rows + N) * H),
    act: saved?.act ?? null, tc: saved?.tc ?? null, hPrev: saved?.hPrev ?? null, cPrev: saved?.cPrev ?? null,
  }, p);
  const out = recordOp('lstm', y, inputs, (g) => {
    const dGates = zerosOf([rows, 4 * H], dtype);
    const dh0 = zerosOf([N, H], dtype);
    const dc0 = zerosOf([N, H], dtype);
    const dW = weightHh.requiresGrad ? zerosOf([4 * H, H], dtype) : null;
    const gd = g.data;
    getBackend().lstmBackward(
      gd.subarray(0, rows * H), gd.subarray(rows * H, (rows + N) * H), gd.subarray((rows + N) * H), weightHh.data, saved!,
      { dGates: dGates.data, dh0: dh0.data, dc0: dc0.data, dW: dW?.data ?? null }, p,
    );
    return [dGates, dW, dh0, dc0];
  });
  const [output, h, c] = rowBlocks(out, [rows, N, N]) as [Tensor, Tensor, Tensor];
  return { output, h, c };
}
