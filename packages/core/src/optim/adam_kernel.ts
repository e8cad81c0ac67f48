// The Adam / AdamW update of one parameter, shared by both optimizers
// (torch/optim/adam.py and adamw.py, the single-tensor path).
import type { Tensor } from '../tensor.js';
import type { TypedArray } from '../dtype.js';
import { getBackend } from '../backend/index.js';

/** Per-parameter state of Adam and AdamW. */
export type AdamState = {
  /** Number of updates this parameter has received. */
  step: number;
  /** First moment (running mean of the gradient). */
  expAvg: Tensor;
  /** Second moment (running mean of the squared gradient). */
  expAvgSq: Tensor;
  /** Running maximum of expAvgSq (amsgrad only). */
  maxExpAvgSq?: Tensor;
};

/** Hyperparameters the kernel reads. */
export interface AdamKernelArgs {
  lr: number;
  betas: readonly number[];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

/**
 * One Adam step of parameter data `x` with gradient `g`, in place.
 * `decoupled` selects AdamW's weight decay (p *= 1 - lr * wd) instead of
 * Adam's L2 penalty (g += wd * p).
 */
export function adamUpdate(x: TypedArray, g: TypedArray, s: AdamState, h: AdamKernelArgs, decoupled: boolean): void {
  const { lr, eps, weightDecay, maximize } = h;
  const beta1 = h.betas[0]!;
  const beta2 = h.betas[1]!;
  const step = ++s.step;
  const biasCorrection1 = 1 - beta1 ** step;
  const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** step);
  const stepSize = lr / biasCorrection1;
  const decay = 1 - lr * weightDecay;
  const sign = maximize ? -1 : 1;
  const m = s.expAvg.data;
  const v = s.expAvgSq.data;
  if (!h.amsgrad && x instanceof Float32Array && g instanceof Float32Array && m instanceof Float32Array && v instanceof Float32Array) {
    // the backend's kernel: the same arithmetic, with one division per element (sqrt(v) * (1 / bc2) can differ
    // from sqrt(v) / bc2 in the last bit of a double, far below float32's precision)
    getBackend().adam(x, g, m, v, {
      beta1, beta2, sign, l2: decoupled ? 0 : weightDecay, decay: decoupled && weightDecay !== 0 ? decay : 1,
      stepSize, invBc2: 1 / biasCorrection2Sqrt, eps,
    });
    return;
  }
  const vmax = h.amsgrad ? s.maxExpAvgSq!.data : null;
  const n = x.length;
  for (let i = 0; i < n; i++) {
    let gi = sign * g[i]!;
    if (weightDecay !== 0) {
      if (decoupled) x[i] = x[i]! * decay;
      else gi += weightDecay * x[i]!;
    }
    m[i] = m[i]! * beta1 + (1 - beta1) * gi;
    v[i] = v[i]! * beta2 + (1 - beta2) * gi * gi;
    let second = v[i]!;
    if (vmax !== null) {
      // NaN propagates like torch.maximum
      vmax[i] = Math.max(vmax[i]!, second);
      second = vmax[i]!;
    }
    const denom = Math.sqrt(second) / biasCorrection2Sqrt + eps;
    x[i] = x[i]! - stepSize * (m[i]! / denom);
  }
}
