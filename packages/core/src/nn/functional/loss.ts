// Loss functions, composed from differentiable ops (BCE alone is fused, for PyTorch's clamped gradient).
import { isGradEnabled, record } from '../../autograd.js';
import { getBackend } from '../../backend/index.js';
import { type DType, isFloating } from '../../dtype.js';
import { DTypeError, IndexError, NeuroneError, ShapeError, fmtShape } from '../../errors.js';
import { shapesEqual } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import {
  abs, add, cast, clamp, div, exp, gt, log, lt, maskedFill, mul, neg, square, sub, where,
} from '../../ops/elementwise.js';
import { gather } from '../../ops/indexing.js';
import { logSoftmax, softplus } from '../../ops/activation.js';
import { sum, mean } from '../../ops/reduce.js';
import { reshape, squeeze } from '../../ops/shape.js';
import { empty, requireFloat, requireTensor, uninitialized } from '../../ops/util.js';

/** How per-element losses are combined: averaged (default), summed, or returned as they are. */
export type Reduction = 'mean' | 'sum' | 'none';

export interface ReductionOptions {
  reduction?: Reduction;
}

export function checkReduction(op: string, r: unknown, allowed: readonly string[] = ['mean', 'sum', 'none']): void {
  if (!allowed.includes(r as string)) {
    throw new NeuroneError(`${op}: reduction must be ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(r)}`);
  }
}

function reduce(op: string, loss: Tensor, reduction: Reduction | undefined): Tensor {
  const r = reduction ?? 'mean';
  checkReduction(op, r);
  if (r === 'none') return loss;
  return r === 'sum' ? sum(loss) : mean(loss);
}

/** Input and target of one shape, input floating; returns the target in the input's dtype. */
function pair(op: string, input: Tensor, target: Tensor): Tensor {
  requireTensor(op, input);
  requireTensor(op, target, 'target');
  requireFloat(op, input);
  if (!shapesEqual(input.shape, target.shape)) {
    throw new ShapeError(
      `${op}: input ${fmtShape(input.shape)} and target ${fmtShape(target.shape)} must have the same shape ` +
        '(broadcasting them is almost always a bug: reshape one of them)',
    );
  }
  return target.dtype === input.dtype ? target : cast(target, input.dtype);
}

/** A constant weight tensor (broadcast against the input) in the input's dtype. */
function weightLike(op: string, name: string, w: Tensor, dtype: DType): Tensor {
  requireTensor(op, w, name);
  if (!isFloating(w.dtype)) throw new DTypeError(`${op}: ${name} must be a floating-point tensor, got ${w.dtype}`);
  return w.dtype === dtype ? w : cast(w, dtype);
}

/**
 * Mean squared error, (x - y)².
 *
 * Shape: input (*), target (*) -> scalar, or (*) with reduction 'none'
 *
 * Example:
 *   F.mseLoss(tensor([1, 2]), tensor([1, 4])).item(); // 2
 */
export function mseLoss(input: Tensor, target: Tensor, opts: ReductionOptions = {}): Tensor {
  const y = pair('mseLoss', input, target);
  return reduce('mseLoss', square(sub(input, y)), opts.reduction);
}

/**
 * Mean absolute error, |x - y|.
 *
 * Shape: input (*), target (*) -> scalar, or (*) with reduction 'none'
 */
export function l1Loss(input: Tensor, target: Tensor, opts: ReductionOptions = {}): Tensor {
  const y = pair('l1Loss', input, target);
  return reduce('l1Loss', abs(sub(input, y)), opts.reduction);
}

export interface HuberOptions extends ReductionOptions {
  /** Where the loss turns from quadratic to linear. Default 1. */
  delta?: number;
}

/**
 * Huber loss: ½ d² where d = |x - y| < δ, δ (d - ½ δ) elsewhere.
 *
 * Shape: input (*), target (*) -> scalar, or (*) with reduction 'none'
 *
 * Example:
 *   F.huberLoss(pred, target, { delta: 0.5 });
 */
export function huberLoss(input: Tensor, target: Tensor, opts: HuberOptions = {}): Tensor {
  const y = pair('huberLoss', input, target);
  const delta = opts.delta ?? 1;
  if (!(delta > 0)) throw new NeuroneError(`huberLoss: delta must be positive, got ${delta}`);
  const d = abs(sub(input, y));
  const loss = where(lt(d, delta), mul(square(d), 0.5), mul(sub(d, 0.5 * delta), delta));
  return reduce('huberLoss', loss, opts.reduction);
}

export interface SmoothL1Options extends ReductionOptions {
  /** Where the loss turns from quadratic to linear. Default 1; 0 gives the L1 loss. */
  beta?: number;
}

/**
 * Smooth L1: ½ d² / β where d = |x - y| < β, d - ½ β elsewhere (Huber divided by β).
 *
 * Shape: input (*), target (*) -> scalar, or (*) with reduction 'none'
 */
export function smoothL1Loss(input: Tensor, target: Tensor, opts: SmoothL1Options = {}): Tensor {
  const y = pair('smoothL1Loss', input, target);
  const beta = opts.beta ?? 1;
  if (!(beta >= 0)) throw new NeuroneError(`smoothL1Loss: beta must be non-negative, got ${beta}`);
  const d = abs(sub(input, y));
  if (beta === 0) return reduce('smoothL1Loss', d, opts.reduction);
  const loss = where(lt(d, beta), mul(square(d), 0.5 / beta), sub(d, 0.5 * beta));
  return reduce('smoothL1Loss', loss, opts.reduction);
}

export interface BCEOptions extends ReductionOptions {
  /** Rescales each element's loss; broadcasts to the input. */
  weight?: Tensor | null;
}

/**
 * Binary cross-entropy on probabilities: -w [y log x + (1 - y) log(1 - x)],
 * each log clamped at -100 as in PyTorch, so x = 0 or 1 gives a finite loss
 * and gradient. Prefer `bceWithLogitsLoss` on logits.
 *
 * Shape: input (*) in [0, 1], target (*) -> scalar, or (*) with reduction 'none'
 *
 * Example:
 *   F.bceLoss(tensor([0.9, 0.2]), tensor([1, 0]));
 */
export function bceLoss(input: Tensor, target: Tensor, opts: BCEOptions = {}): Tensor {
  const y = pair('bceLoss', input, target);
  // one kernel each way; differentiable ops only for the gradient's own graph (createGraph)
  const out = uninitialized(input.shape, input.dtype);
  // the kernel counts the inputs that are not probabilities
  if (getBackend().bce(input.data, y.data, out.data) > 0) {
    const bad = input.data.find((v) => !(v >= 0 && v <= 1));
    throw new NeuroneError(`bceLoss: input values must be probabilities in [0, 1], found ${bad} (apply sigmoid first, or use bceWithLogitsLoss)`);
  }
  const loss = record('bceLoss', out, [input, y], (g) => [
    input.requiresGrad ? bceInputGrad(input, y, g) : null,
    // d/dy = log(1 - x) - log(x), with PyTorch's clamped logs
    y.requiresGrad ? mul(g, sub(clamp(log(sub(1, input)), -100), clamp(log(input), -100))) : null,
  ]);
  const weighted = opts.weight != null ? mul(loss, weightLike('bceLoss', 'weight', opts.weight, input.dtype)) : loss;
  return reduce('bceLoss', weighted, opts.reduction);
}

/** d bce / dx times g = g (x - y) / (x (1 - x)), the denominator kept away from 0 as PyTorch does. */
function bceInputGrad(x: Tensor, y: Tensor, g: Tensor): Tensor {
  if (isGradEnabled()) return div(mul(g, sub(x, y)), clamp(mul(x, sub(1, x)), 1e-12));
  const out = uninitialized(x.shape, x.dtype);
  getBackend().bceGrad(x.data, y.data, g.data, out.data);
  return out;
}

export interface BCEWithLogitsOptions extends BCEOptions {
  /** Weight of the positive examples, broadcast along the last (class) dim: > 1 raises recall. */
  posWeight?: Tensor | null;
}

/**
 * Sigmoid and binary cross-entropy in one numerically stable expression:
 * (1 - y) x + (1 + (p - 1) y) softplus(-x), times the weight.
 *
 * Shape: input (*) logits, target (*) in [0, 1], posWeight (C) for input (*, C) -> scalar, or (*) with reduction 'none'
 *
 * Example:
 *   F.bceWithLogitsLoss(logits, labels, { posWeight: tensor([3]) });
 */
export function bceWithLogitsLoss(input: Tensor, target: Tensor, opts: BCEWithLogitsOptions = {}): Tensor {
  const y = pair('bceWithLogitsLoss', input, target);
  const sp = softplus(neg(input));
  let logWeight: Tensor | number = 1;
  if (opts.posWeight != null) {
    const pw = weightLike('bceWithLogitsLoss', 'posWeight', opts.posWeight, input.dtype);
    logWeight = add(mul(sub(pw, 1), y), 1);
  }
  let loss = add(mul(sub(1, y), input), typeof logWeight === 'number' ? sp : mul(logWeight, sp));
  if (opts.weight != null) loss = mul(loss, weightLike('bceWithLogitsLoss', 'weight', opts.weight, input.dtype));
  return reduce('bceWithLogitsLoss', loss, opts.reduction);
}

export interface NLLOptions extends ReductionOptions {
  /** Weight of each class, shape (C). */
  weight?: Tensor | null;
  /** Targets equal to this contribute nothing, not even to the mean's denominator. Default -100. */
  ignoreIndex?: number;
}

export interface CrossEntropyOptions extends NLLOptions {
  /** Mixes the target with the uniform distribution: (1 - ε) one-hot + ε / C. Default 0. */
  labelSmoothing?: number;
}

/** Where the class dim of an input is: 0 for an unbatched (C) input, else 1. */
function classDim(op: string, input: Tensor): number {
  if (input.ndim === 0) throw new ShapeError(`${op}: input must have a class dim, shape (C), (N, C) or (N, C, d1, ...), got a 0-d tensor`);
  return input.ndim === 1 ? 0 : 1;
}

interface ClassTargets {
  /** Targets with ignored entries replaced by 0, with a size-1 class dim, ready for gather. */
  index: Tensor;
  /** Per-element class weight, 0 where ignored (target's shape, input's dtype). */
  weights: Tensor;
  /** True where the target is ignored (target's shape). */
  ignored: Tensor;
  /** Σ of `weights`: the denominator of the 'mean' reduction. */
  total: number;
}

function classTargets(op: string, input: Tensor, target: Tensor, cd: number, opts: NLLOptions): ClassTargets {
  requireTensor(op, target, 'target');
  const C = input.shape[cd]!;
  const expected = input.shape.filter((_, i) => i !== cd);
  if (target.dtype !== 'int32') {
    throw new DTypeError(
      `${op}: class-index targets must be an int32 tensor of shape ${fmtShape(expected)}, got ${target.dtype}` +
        (op === 'crossEntropy' ? ` (class probabilities need a float target of the input's shape ${fmtShape(input.shape)})` : ''),
    );
  }
  if (!shapesEqual(target.shape, expected)) {
    throw new ShapeError(
      `${op}: expected target of shape ${fmtShape(expected)} for input ${fmtShape(input.shape)} (class dim ${cd}), got ${fmtShape(target.shape)}`,
    );
  }
  let w: Tensor | null = null;
  if (opts.weight != null) {
    w = weightLike(op, 'weight', opts.weight, input.dtype);
    if (w.ndim !== 1 || w.shape[0] !== C) throw new ShapeError(`${op}: weight must have shape [${C}] (one per class), got ${fmtShape(w.shape)}`);
  }
  const ignoreIndex = opts.ignoreIndex ?? -100;
  const t = target.data;
  const n = t.length;
  const idx = new Int32Array(n);
  const weights = empty(target.shape, input.dtype);
  const ignored = empty(target.shape, 'bool');
  let total = 0;
  for (let i = 0; i < n; i++) {
    const c = t[i]!;
    if (c === ignoreIndex) {
      ignored.data[i] = 1;
      continue;
    }
    if (c < 0 || c >= C) throw new IndexError(`${op}: target ${c} is out of bounds for ${C} classes (valid: 0..${C - 1}, or ignoreIndex ${ignoreIndex})`);
    idx[i] = c;
    const wc = w === null ? 1 : w.data[c]!;
    weights.data[i] = wc;
    total += wc;
  }
  const indexShape = [...target.shape];
  indexShape.splice(cd, 0, 1);
  return { index: new Tensor(idx, indexShape), weights, ignored, total };
}

/**
 * Negative log-likelihood of class-index targets, given log-probabilities:
 * -w[t] · input[t]. 'mean' divides by Σ w[t] over the targets not ignored.
 *
 * Shape: input (C), (N, C) or (N, C, d1, ...); target (), (N) or (N, d1, ...) int32 -> scalar, or target's shape with reduction 'none'
 *
 * Example:
 *   F.nllLoss(F.logSoftmax(logits, 1), labels);
 */
export function nllLoss(input: Tensor, target: Tensor, opts: NLLOptions = {}): Tensor {
  requireTensor('nllLoss', input);
  requireFloat('nllLoss', input);
  checkReduction('nllLoss', opts.reduction ?? 'mean');
  const cd = classDim('nllLoss', input);
  const ct = classTargets('nllLoss', input, target, cd, opts);
  return nllFromTargets(input, cd, ct, opts.reduction ?? 'mean');
}

function nllFromTargets(logp: Tensor, cd: number, ct: ClassTargets, reduction: Reduction): Tensor {
  const picked = squeeze(gather(logp, cd, ct.index), cd);
  const loss = neg(mul(picked, ct.weights));
  if (reduction === 'none') return loss;
  // 0/0 = NaN when every target is ignored, as in PyTorch
  return reduction === 'sum' ? sum(loss) : div(sum(loss), ct.total);
}

/**
 * Cross-entropy between logits and targets: logSoftmax over the class dim
 * (1, or 0 for an unbatched input), then the negative log-likelihood.
 * Targets are either class indices (int32, with `weight`, `ignoreIndex` and
 * `labelSmoothing`) or class probabilities (a float tensor of the input's
 * shape). Matches torch.nn.functional.cross_entropy.
 *
 * Shape: input (C), (N, C) or (N, C, d1, ...); target (), (N) or (N, d1, ...) int32, or the input's shape (probabilities)
 *   -> scalar, or (N, d1, ...) with reduction 'none'
 *
 * Example:
 *   const loss = F.crossEntropy(model.forward(x), labels, { labelSmoothing: 0.1 });
 */
export function crossEntropy(input: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  requireTensor('crossEntropy', input);
  requireTensor('crossEntropy', target, 'target');
  requireFloat('crossEntropy', input);
  const reduction = opts.reduction ?? 'mean';
  checkReduction('crossEntropy', reduction);
  const eps = opts.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1)) throw new NeuroneError(`crossEntropy: labelSmoothing must be between 0 and 1, got ${eps}`);
  const cd = classDim('crossEntropy', input);
  const C = input.shape[cd]!;
  if (isFloating(target.dtype)) return crossEntropyProbs(input, target, cd, opts, reduction, eps);
  const ct = classTargets('crossEntropy', input, target, cd, opts);
  const logp = logSoftmax(input, cd);
  const nll = nllFromTargets(logp, cd, ct, reduction);
  if (eps === 0) return nll;
  // the uniform part of the smoothed target: -Σ_c w_c log p_c per element, 0 where ignored
  const weighted = opts.weight != null ? mul(logp, classView(weightLike('crossEntropy', 'weight', opts.weight, input.dtype), input.ndim, cd)) : logp;
  const smooth = maskedFill(neg(sum(weighted, cd)), ct.ignored, 0);
  let uniform: Tensor;
  if (reduction === 'none') uniform = smooth;
  else if (reduction === 'sum') uniform = sum(smooth);
  else {
    // PyTorch divides by Σ w[t] with a weight, by the count of targets not ignored without
    let denom = 0;
    if (opts.weight != null) denom = ct.total;
    else for (let i = 0; i < ct.ignored.size; i++) denom += ct.ignored.data[i] ? 0 : 1;
    uniform = div(sum(smooth), denom);
  }
  return add(mul(nll, 1 - eps), mul(uniform, eps / C));
}

/** A (C) weight reshaped to broadcast along the class dim of an input with `ndim` dims. */
function classView(w: Tensor, ndim: number, cd: number): Tensor {
  const shape = new Array<number>(ndim).fill(1);
  shape[cd] = w.shape[0]!;
  return reshape(w, shape);
}

function crossEntropyProbs(input: Tensor, target: Tensor, cd: number, opts: CrossEntropyOptions, reduction: Reduction, eps: number): Tensor {
  if (!shapesEqual(target.shape, input.shape)) {
    throw new ShapeError(
      `crossEntropy: a floating target holds class probabilities and must have the input's shape ${fmtShape(input.shape)}, got ${fmtShape(target.shape)} ` +
        '(class indices must be int32)',
    );
  }
  const C = input.shape[cd]!;
  let t = target.dtype === input.dtype ? target : cast(target, input.dtype);
  if (eps > 0) t = add(mul(t, 1 - eps), eps / C);
  let prod = mul(logSoftmax(input, cd), t);
  if (opts.weight != null) {
    const w = weightLike('crossEntropy', 'weight', opts.weight, input.dtype);
    if (w.ndim !== 1 || w.shape[0] !== C) throw new ShapeError(`crossEntropy: weight must have shape [${C}] (one per class), got ${fmtShape(w.shape)}`);
    prod = mul(prod, classView(w, input.ndim, cd));
  }
  if (reduction === 'none') return neg(sum(prod, cd));
  if (reduction === 'sum') return neg(sum(prod));
  return div(neg(sum(prod)), input.size / C);
}

export interface KLDivOptions {
  /** 'batchmean' (sum / batch size) is the true KL divergence; 'mean' (the default, as in PyTorch) averages over all elements. */
  reduction?: Reduction | 'batchmean';
  /** The target is given as log-probabilities. Default false. */
  logTarget?: boolean;
}

/**
 * Kullback-Leibler divergence KL(target ‖ input) pointwise, with `input`
 * log-probabilities: y (log y - x), or e^y (y - x) when `logTarget`. Terms
 * with y = 0 are 0.
 *
 * Shape: input (*), target (*) -> scalar, or (*) with reduction 'none'
 *
 * Example:
 *   F.klDiv(F.logSoftmax(logits, 1), probs, { reduction: 'batchmean' });
 */
export function klDiv(input: Tensor, target: Tensor, opts: KLDivOptions = {}): Tensor {
  const y = pair('klDiv', input, target);
  const reduction = opts.reduction ?? 'mean';
  checkReduction('klDiv', reduction, ['mean', 'sum', 'none', 'batchmean']);
  let loss: Tensor;
  if (opts.logTarget) loss = mul(exp(y), sub(y, input));
  else {
    // y log y with 0 log 0 = 0 (the log of a masked 1 keeps the gradient finite)
    const pos = gt(y, 0);
    const ylogy = mul(y, log(where(pos, y, 1)));
    loss = sub(ylogy, mul(y, input));
  }
  if (reduction === 'batchmean') return div(sum(loss), input.ndim > 0 ? input.shape[0]! : 1);
  return reduce('klDiv', loss, reduction);
}
