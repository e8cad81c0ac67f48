// Batch normalisation as torch.nn.functional.batch_norm, built from core's
// differentiable ops (so its gradient is exact by construction).
import { NeuroneError, ShapeError, Tensor, noGrad } from '@neurone/core';
import { fmtShape, requireFloatTensor } from '../util.js';

export interface BatchNormOptions {
  /** Learnable per-channel scale γ (C), or null. */
  weight?: Tensor | null;
  /** Learnable per-channel shift β (C), or null. */
  bias?: Tensor | null;
  /** Normalise with the batch's statistics and update the running ones (default false: use the running ones). */
  training?: boolean;
  /** Weight of the new batch in the running averages: r = (1 - momentum) r + momentum batch (default 0.1). */
  momentum?: number;
  /** Added to the variance (default 1e-5). */
  eps?: number;
}

/**
 * Batch normalisation over every dim but the channels (dim 1):
 * y = (x - mean) / sqrt(var + eps) γ + β.
 *
 * In training, mean and (biased) variance come from the batch, and the
 * running statistics, when given, are updated in place with the batch mean
 * and the unbiased batch variance (PyTorch's convention). Otherwise the
 * running statistics normalise.
 *
 * Shape: (N, C), (N, C, L) or (N, C, H, W) -> same; statistics and γ, β are (C).
 *
 * Example:
 *   const rm = zeros([16]), rv = ones([16]);
 *   batchNorm(randn([8, 16, 5, 5]), rm, rv, { training: true }); // rm, rv updated
 */
export function batchNorm(input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, opts: BatchNormOptions = {}): Tensor {
  const op = 'batchNorm';
  requireFloatTensor(op, input);
  if (input.ndim < 2) throw new ShapeError(`${op}: expected an input of at least 2 dims (N, C, ...), got ${fmtShape(input.shape)}`);
  const C = input.shape[1]!;
  const check = (t: Tensor | null | undefined, name: string) => {
    if (t === null || t === undefined) return;
    requireFloatTensor(op, t, name);
    if (t.ndim !== 1 || t.shape[0] !== C) {
      throw new ShapeError(`${op}: ${name} must have shape [${C}] for input ${fmtShape(input.shape)} (C = ${C}), got ${fmtShape(t.shape)}`);
    }
  };
  check(runningMean, 'runningMean');
  check(runningVar, 'runningVar');
  check(opts.weight, 'weight');
  check(opts.bias, 'bias');
  const training = opts.training ?? false;
  const momentum = opts.momentum ?? 0.1;
  const eps = opts.eps ?? 1e-5;
  const dims = input.shape.map((_, i) => i).filter((i) => i !== 1);
  const bshape = input.shape.map((s, i) => (i === 1 ? s : 1));
  const count = input.size / Math.max(C, 1);
  let mean: Tensor;
  let variance: Tensor;
  if (training) {
    if (count <= 1) {
      throw new NeuroneError(`${op}: expected more than 1 value per channel when training, got input ${fmtShape(input.shape)}`);
    }
    mean = input.mean(dims, true);
    const centred = input.sub(mean);
    variance = centred.mul(centred).mean(dims, true);
    noGrad(() => {
      if (runningMean) runningMean.copy_(runningMean.mul(1 - momentum).add(mean.reshape([C]).mul(momentum)));
      // the running variance is unbiased: n / (n - 1) times the batch's
      if (runningVar) runningVar.copy_(runningVar.mul(1 - momentum).add(variance.reshape([C]).mul((momentum * count) / (count - 1))));
    });
    let y = centred.mul(variance.add(eps).rsqrt());
    if (opts.weight) y = y.mul(opts.weight.reshape(bshape));
    if (opts.bias) y = y.add(opts.bias.reshape(bshape));
    return y;
  }
  if (!runningMean || !runningVar) {
    throw new NeuroneError(`${op}: runningMean and runningVar are required when not training (pass training: true to use the batch's statistics)`);
  }
  mean = runningMean.reshape(bshape);
  variance = runningVar.reshape(bshape);
  // fold the statistics and γ, β into one scale and shift per channel
  let scale = variance.add(eps).rsqrt();
  if (opts.weight) scale = scale.mul(opts.weight.reshape(bshape));
  let shift = mean.neg().mul(scale);
  if (opts.bias) shift = shift.add(opts.bias.reshape(bshape));
  return input.mul(scale).add(shift);
}
