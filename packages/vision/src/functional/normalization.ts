// Batch normalisation as torch.nn.functional.batch_norm. Training mode is one
// recorded op with its forward and backward passes over the typed arrays
// (per channel: two passes forward, two backward); the gradient's own graph
// (createGraph) and evaluation mode are built from core's differentiable ops.
import { NeuroneError, ShapeError, Tensor, isGradEnabled, noGrad, record } from '@neurone/core';
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
  const bshape = input.shape.map((s, i) => (i === 1 ? s : 1));
  const count = input.size / Math.max(C, 1);
  if (training) {
    if (count <= 1) {
      throw new NeuroneError(`${op}: expected more than 1 value per channel when training, got input ${fmtShape(input.shape)}`);
    }
    const { y, mean: batchMean, variance: batchVar } = batchNormTrain(input, opts.weight ?? null, opts.bias ?? null, eps);
    noGrad(() => {
      if (runningMean) runningMean.copy_(runningMean.mul(1 - momentum).add(batchMean.mul(momentum)));
      // the running variance is unbiased: n / (n - 1) times the batch's
      if (runningVar) runningVar.copy_(runningVar.mul(1 - momentum).add(batchVar.mul((momentum * count) / (count - 1))));
    });
    return y;
  }
  if (!runningMean || !runningVar) {
    throw new NeuroneError(`${op}: runningMean and runningVar are required when not training (pass training: true to use the batch's statistics)`);
  }
  const mean = runningMean.reshape(bshape);
  const variance = runningVar.reshape(bshape);
  // fold the statistics and γ, β into one scale and shift per channel
  let scale = variance.add(eps).rsqrt();
  if (opts.weight) scale = scale.mul(opts.weight.reshape(bshape));
  let shift = mean.neg().mul(scale);
  if (opts.bias) shift = shift.add(opts.bias.reshape(bshape));
  return input.mul(scale).add(shift);
}

/**
 * Training-mode batch norm of x (N, C, *) as one recorded op: the output, and
 * the batch's mean and biased variance (C) for the running statistics.
 */
function batchNormTrain(x: Tensor, weight: Tensor | null, bias: Tensor | null, eps: number): { y: Tensor; mean: Tensor; variance: Tensor } {
  const [N, C] = x.shape as [number, number];
  const L = x.size / (N * C);
  const M = N * L;
  const xd = x.data;
  const dtype = x.dtype;
  const alloc = (n: number) => (dtype === 'float64' ? new Float64Array(n) : new Float32Array(n));
  const mean = new Float64Array(C);
  const invstd = new Float64Array(C);
  const variance = alloc(C);
  // per channel: the mean, then the variance around it (two passes, as exact as the composite ops)
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let n = 0; n < N; n++) for (let i = (n * C + c) * L, e = i + L; i < e; i++) s += xd[i]!;
    const mu = s / M;
    let q = 0;
    for (let n = 0; n < N; n++) {
      for (let i = (n * C + c) * L, e = i + L; i < e; i++) {
        const d = xd[i]! - mu;
        q += d * d;
      }
    }
    mean[c] = mu;
    variance[c] = q / M;
    invstd[c] = 1 / Math.sqrt(q / M + eps);
  }
  const out = alloc(x.size);
  const wd = weight?.data;
  const bd = bias?.data;
  for (let c = 0; c < C; c++) {
    const mu = mean[c]!;
    const k = invstd[c]! * (wd ? wd[c]! : 1);
    const b = bd ? bd[c]! : 0;
    for (let n = 0; n < N; n++) for (let i = (n * C + c) * L, e = i + L; i < e; i++) out[i] = (xd[i]! - mu) * k + b;
  }
  const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  const y = record('batchNorm', new Tensor(out, x.shape), inputs, (g) => {
    const [dx, dw, db] = isGradEnabled() ? batchNormBackwardOps(x, weight, g, eps) : batchNormBackward(x, weight, g, mean, invstd);
    return [x.requiresGrad ? dx : null, ...(weight ? [weight.requiresGrad ? dw : null] : []), ...(bias ? [bias.requiresGrad ? db : null] : [])];
  });
  const meanOut = alloc(C);
  meanOut.set(mean);
  return { y, mean: new Tensor(meanOut, [C]), variance: new Tensor(variance, [C]) };
}

/**
 * dx = γ invstd (dy - mean(dy) - x̂ mean(dy x̂)), dγ = Σ dy x̂, dβ = Σ dy, per
 * channel, over the typed arrays.
 */
function batchNormBackward(x: Tensor, weight: Tensor | null, g: Tensor, mean: Float64Array, invstd: Float64Array): [Tensor, Tensor, Tensor] {
  const [N, C] = x.shape as [number, number];
  const L = x.size / (N * C);
  const M = N * L;
  const xd = x.data;
  const gd = g.data;
  const dtype = x.dtype;
  const alloc = (n: number) => (dtype === 'float64' ? new Float64Array(n) : new Float32Array(n));
  const dx = alloc(x.size);
  const dw = alloc(C);
  const db = alloc(C);
  const wd = weight?.data;
  for (let c = 0; c < C; c++) {
    const mu = mean[c]!;
    const is = invstd[c]!;
    let sg = 0;
    let sgx = 0;
    for (let n = 0; n < N; n++) {
      for (let i = (n * C + c) * L, e = i + L; i < e; i++) {
        sg += gd[i]!;
        sgx += gd[i]! * (xd[i]! - mu) * is;
      }
    }
    dw[c] = sgx;
    db[c] = sg;
    const k = is * (wd ? wd[c]! : 1);
    const mg = sg / M;
    const mgx = sgx / M;
    for (let n = 0; n < N; n++) {
      for (let i = (n * C + c) * L, e = i + L; i < e; i++) dx[i] = k * (gd[i]! - mg - (xd[i]! - mu) * is * mgx);
    }
  }
  return [new Tensor(dx, x.shape), new Tensor(dw, [C]), new Tensor(db, [C])];
}

/** The same gradients from differentiable ops, for the gradient's own graph (createGraph). */
function batchNormBackwardOps(x: Tensor, weight: Tensor | null, g: Tensor, eps: number): [Tensor, Tensor, Tensor] {
  const dims = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const bshape = x.shape.map((s, i) => (i === 1 ? s : 1));
  const centred = x.sub(x.mean(dims, true));
  const invstd = centred.mul(centred).mean(dims, true).add(eps).rsqrt();
  const xhat = centred.mul(invstd);
  const gx = weight ? g.mul(weight.reshape(bshape)) : g;
  const dx = invstd.mul(gx.sub(gx.mean(dims, true)).sub(xhat.mul(gx.mul(xhat).mean(dims, true))));
  return [dx, g.mul(xhat).sum(dims), g.sum(dims)];
}
