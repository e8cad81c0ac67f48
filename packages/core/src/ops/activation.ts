// Activation functions and dropout; each forward with its backward.
import { isGradEnabled, record } from '../autograd.js';
import { getBackend, type UnaryOp } from '../backend/index.js';
import { NeuroneError } from '../errors.js';
import { Generator, defaultGenerator } from '../random.js';
import { describe, splitAt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { exp, gt, mul, sub, where } from './elementwise.js';
import { sum } from './reduce.js';
import { asTensor, empty, oneDim, requireFloat, requireNumber, requireTensor, uninitialized } from './util.js';

function activate(op: UnaryOp, a: Tensor, p0?: number): Tensor {
  requireTensor(op, a);
  requireFloat(op, a);
  if (p0 !== undefined) requireNumber(op, p0, op === 'elu' ? 'alpha' : 'negativeSlope');
  const out = uninitialized(a.shape, a.dtype);
  getBackend().unary(op, a.data, out.data, p0);
  return out;
}

/**
 * g where a > 0, g * slope elsewhere (0 for relu): one kernel call, or
 * differentiable ops when the gradient's own graph is wanted (createGraph).
 */
function rectifierGrad(a: Tensor, g: Tensor, slope: number): Tensor {
  if (isGradEnabled()) return slope === 0 ? where(gt(a, 0), g, 0) : mul(g, where(gt(a, 0), asTensor('leakyRelu', 1, g), slope));
  const out = empty(g.shape, g.dtype);
  getBackend().reluGrad(a.data, g.data, out.data, slope);
  return out;
}

/** max(0, x) */
export function relu(a: Tensor): Tensor {
  const out = activate('relu', a);
  return record('relu', out, [a], (g) => [rectifierGrad(a, g, 0)]);
}

/** x for x > 0, slope * x otherwise. */
export function leakyRelu(a: Tensor, negativeSlope = 0.01): Tensor {
  const out = activate('leakyRelu', a, negativeSlope);
  return record('leakyRelu', out, [a], (g) => [rectifierGrad(a, g, negativeSlope)]);
}

/** x for x > 0, alpha (e^x - 1) otherwise. */
export function elu(a: Tensor, alpha = 1): Tensor {
  const out = activate('elu', a, alpha);
  // for x <= 0: d/dx alpha (e^x - 1) = out + alpha
  return record('elu', out, [a], (g) => [mul(g, where(gt(a, 0), 1, out.add(alpha)))]);
}

/** Exact GELU, x Φ(x). */
export function gelu(a: Tensor): Tensor {
  const out = activate('gelu', a);
  return record('gelu', out, [a], (g) => [mul(g, activate('geluGrad', a))]);
}

/** x σ(x), also called swish. */
export function silu(a: Tensor): Tensor {
  const out = activate('silu', a);
  return record('silu', out, [a], (g) => {
    const s = activate('sigmoid', a);
    // σ(x) (1 + x (1 - σ(x)))
    return [mul(g, mul(s, mul(a, sub(1, s)).add(1)))];
  });
}

/** 1 / (1 + e^-x) */
export function sigmoid(a: Tensor): Tensor {
  const out = activate('sigmoid', a);
  return record('sigmoid', out, [a], (g) => [mul(g, mul(out, sub(1, out)))]);
}

export function tanh(a: Tensor): Tensor {
  const out = activate('tanh', a);
  return record('tanh', out, [a], (g) => [mul(g, sub(1, mul(out, out)))]);
}

/** log(1 + e^x); x itself above 20 (PyTorch's threshold), where the gradient is exactly 1. */
export function softplus(a: Tensor): Tensor {
  const out = activate('softplus', a);
  return record('softplus', out, [a], (g) => [mul(g, where(gt(a, 20), asTensor('softplus', 1, g), activate('sigmoid', a)))]);
}

function softmaxKernel(op: string, a: Tensor, dim: number, log: boolean): Tensor {
  requireTensor(op, a);
  requireFloat(op, a);
  const d = oneDim(op, dim, a.ndim);
  const [outer, size, inner] = splitAt(a.shape, d);
  const out = uninitialized(a.shape, a.dtype);
  getBackend().softmax(a.data, outer, size, inner, out.data, log);
  return out;
}

/** e^x / sum(e^x) along `dim`. */
export function softmax(a: Tensor, dim: number): Tensor {
  const out = softmaxKernel('softmax', a, dim, false);
  // dx = y (g - sum(g y))
  return record('softmax', out, [a], (g) => [mul(out, sub(g, sum(mul(g, out), a.ndim === 0 ? null : dim, true)))]);
}

/** x - logsumexp(x) along `dim`. */
export function logSoftmax(a: Tensor, dim: number): Tensor {
  const out = softmaxKernel('logSoftmax', a, dim, true);
  // dx = g - softmax(x) sum(g)
  return record('logSoftmax', out, [a], (g) => [sub(g, mul(exp(out), sum(g, a.ndim === 0 ? null : dim, true)))]);
}

export interface DropoutOptions {
  /** Applies dropout only when true (a module passes its `training` flag). */
  training?: boolean;
  generator?: Generator;
}

/**
 * Zeroes each element with probability p and scales the rest by 1/(1-p)
 * (inverted dropout), in training mode only.
 */
export function dropout(a: Tensor, p = 0.5, opts: DropoutOptions = {}): Tensor {
  requireTensor('dropout', a);
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new NeuroneError(`dropout: probability must be between 0 and 1, got ${describe(p)}`);
  if (opts === null || typeof opts !== 'object') throw new NeuroneError(`dropout: options must be an object, got ${describe(opts)}`);
  if (opts.generator !== undefined && !(opts.generator instanceof Generator)) {
    throw new NeuroneError(`dropout: generator must be a Generator, got ${describe(opts.generator)}`);
  }
  if (opts.training === false || p === 0) return a;
  requireFloat('dropout', a);
  const gen = opts.generator ?? defaultGenerator;
  const mask = empty(a.shape, a.dtype);
  const scale = p === 1 ? 0 : 1 / (1 - p);
  // one 32-bit draw per element: dropped with probability p to within 2^-32
  gen.fillThreshold(mask.data as Float32Array | Float64Array, p * 2 ** 32, 0, scale);
  return mul(a, mask);
}
