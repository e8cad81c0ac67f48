// Activations for F: the ops themselves, plus the variants with options PyTorch's F offers.
import type { Tensor } from '../../tensor.js';
import { div, gt, mul, neg, where } from '../../ops/elementwise.js';
import { softplus as softplusOp } from '../../ops/activation.js';
import { requireFloat, requireTensor } from '../../ops/util.js';
import { NeuroneError } from '../../errors.js';

export { relu, leakyRelu, elu, gelu, silu, sigmoid, tanh, softmax, logSoftmax, dropout, type DropoutOptions } from '../../ops/activation.js';

export interface SoftplusOptions {
  /** Sharpness: softplus(x) = log(1 + e^(βx)) / β. Default 1. */
  beta?: number;
  /** Above βx > threshold the function is taken as linear. Default 20. */
  threshold?: number;
}

/**
 * log(1 + e^(βx)) / β, linear where βx > threshold.
 *
 * Shape: (*) -> (*)
 *
 * Example:
 *   F.softplus(tensor([-1, 0, 30]), { beta: 2 });
 */
export function softplus(input: Tensor, opts: SoftplusOptions = {}): Tensor {
  requireTensor('softplus', input);
  requireFloat('softplus', input);
  const beta = opts.beta ?? 1;
  const threshold = opts.threshold ?? 20;
  if (!(beta > 0)) throw new NeuroneError(`softplus: beta must be positive, got ${beta}`);
  if (beta === 1 && threshold === 20) return softplusOp(input);
  const bx = mul(input, beta);
  const smooth = beta === 1 ? softplusOp(bx) : div(softplusOp(bx), beta);
  return where(gt(bx, threshold), input, smooth);
}

/**
 * log σ(x) = -softplus(-x), computed without overflow.
 *
 * Shape: (*) -> (*)
 */
export function logSigmoid(input: Tensor): Tensor {
  requireTensor('logSigmoid', input);
  return neg(softplusOp(neg(input)));
}
