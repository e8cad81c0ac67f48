// Elementwise ops with NumPy/PyTorch broadcasting; each forward with its backward.
import { record } from '../autograd.js';
import { getBackend, type BinaryOp, type UnaryOp } from '../backend/index.js';
import { type DType, floatingOf, isDType, isFloating, promoteTypes } from '../dtype.js';
import { DTypeError, ShapeError, fmtShape } from '../errors.js';
import { broadcastShapes, describe, shapesEqual } from '../shape.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { asTensor, empty, requireNumber, requireTensor, unbroadcast, uninitialized } from './util.js';

/** Converts to `dtype`; differentiable between floating dtypes. */
export function cast(a: Tensor, dtype: DType): Tensor {
  requireTensor('cast', a);
  if (!isDType(dtype)) throw new DTypeError(`cast: unknown dtype ${describe(dtype)} (expected float32, float64, int32 or bool)`);
  if (a.dtype === dtype) return a;
  const out = uninitialized(a.shape, dtype);
  getBackend().cast(a.data, out.data);
  if (!isFloating(dtype)) return out;
  return record('cast', out, [a], (g) => [isFloating(a.dtype) ? cast(g, a.dtype) : null]);
}

/** A copy with its own storage. */
export function clone(a: Tensor): Tensor {
  requireTensor('clone', a);
  const out = uninitialized(a.shape, a.dtype);
  out.data.set(a.data);
  return record('clone', out, [a], (g) => [g]);
}

/** Both operands as tensors of their common dtype, and the broadcast shape. */
function operands(op: string, x: TensorLike, y: TensorLike): [Tensor, Tensor, number[]] {
  if (!(x instanceof Tensor) && !(y instanceof Tensor)) {
    throw new DTypeError(`${op}: expected at least one Tensor operand, got ${describe(x)} and ${describe(y)}`);
  }
  let a = asTensor(op, x, y instanceof Tensor ? y : undefined);
  let b = asTensor(op, y, a);
  const dtype = promoteTypes(a.dtype, b.dtype);
  if (a.dtype !== dtype) a = cast(a, dtype);
  if (b.dtype !== dtype) b = cast(b, dtype);
  return [a, b, broadcastShapes(op, a.shape, b.shape)];
}

// kernels that write every element of their output (test/backend/kernels.test.ts checks it)
function binaryKernel(op: BinaryOp, a: Tensor, b: Tensor, shape: number[], dtype: DType = a.dtype): Tensor {
  const out = uninitialized(shape, dtype);
  getBackend().binary(op, a.data, a.shape, b.data, b.shape, out.data, shape);
  return out;
}

function unaryKernel(op: UnaryOp, a: Tensor, p0?: number, p1?: number, dtype: DType = a.dtype): Tensor {
  const out = uninitialized(a.shape, dtype);
  getBackend().unary(op, a.data, out.data, p0, p1);
  return out;
}

/** a + b (logical or for two bool tensors, as in PyTorch). */
export function add(x: TensorLike, y: TensorLike): Tensor {
  const [a, b, shape] = operands('add', x, y);
  const out = binaryKernel(a.dtype === 'bool' ? 'or' : 'add', a, b, shape);
  return record('add', out, [a, b], (g) => [unbroadcast(g, a.shape), unbroadcast(g, b.shape)]);
}

/** a - b */
export function sub(x: TensorLike, y: TensorLike): Tensor {
  const [a, b, shape] = operands('sub', x, y);
  if (a.dtype === 'bool') throw new DTypeError('sub: subtraction of two bool tensors is not supported; use logicalAnd/logicalNot, or cast to int32 first');
  const out = binaryKernel('sub', a, b, shape);
  return record('sub', out, [a, b], (g) => [unbroadcast(g, a.shape), b.requiresGrad ? unbroadcast(neg(g), b.shape) : null]);
}

/** a * b (logical and for two bool tensors). */
export function mul(x: TensorLike, y: TensorLike): Tensor {
  const [a, b, shape] = operands('mul', x, y);
  const out = binaryKernel(a.dtype === 'bool' ? 'and' : 'mul', a, b, shape);
  return record('mul', out, [a, b], (g) => [
    a.requiresGrad ? unbroadcast(mul(g, b), a.shape) : null,
    b.requiresGrad ? unbroadcast(mul(g, a), b.shape) : null,
  ]);
}

/** a / b (true division: integer inputs give float32). */
export function div(x: TensorLike, y: TensorLike): Tensor {
  let [a, b, shape] = operands('div', x, y);
  if (!isFloating(a.dtype)) {
    a = cast(a, 'float32');
    b = cast(b, 'float32');
  }
  const out = binaryKernel('div', a, b, shape);
  // d(a/b)/db = -a/b² = -out/b
  return record('div', out, [a, b], (g) => [
    a.requiresGrad ? unbroadcast(div(g, b), a.shape) : null,
    b.requiresGrad ? unbroadcast(neg(mul(g, div(out, b))), b.shape) : null,
  ]);
}

/** a ** b (integer tensors to negative or fractional powers give float32). */
export function pow(x: TensorLike, y: TensorLike): Tensor {
  if (x instanceof Tensor && typeof y === 'number') {
    const a = x;
    if (!isFloating(a.dtype) && (!Number.isInteger(y) || y < 0)) return pow(cast(a, 'float32'), y);
    if (a.dtype === 'bool') return pow(cast(a, 'int32'), y);
    const out = unaryKernel('powScalar', a, y);
    // d(a^p)/da = p a^(p-1); zero for p = 0 (even at a = 0, where a^-1 is infinite)
    return record('pow', out, [a], (g) => [y === 0 ? empty(g.shape, g.dtype) : mul(g, mul(pow(a, y - 1), y))]);
  }
  let [a, b, shape] = operands('pow', x, y);
  if (a.dtype === 'bool') [a, b] = [cast(a, 'int32'), cast(b, 'int32')];
  if (!isFloating(a.dtype) && b.data.some((v) => v < 0)) [a, b] = [cast(a, 'float32'), cast(b, 'float32')];
  const out = binaryKernel('pow', a, b, shape);
  return record('pow', out, [a, b], (g) => [
    // b a^(b-1), zero where b = 0
    a.requiresGrad ? unbroadcast(where(eq(b, 0), 0, mul(g, mul(b, pow(a, sub(b, 1))))), a.shape) : null,
    // d(a^b)/db = a^b ln a, taken as zero where a = 0 and b >= 0 (PyTorch's convention)
    b.requiresGrad ? unbroadcast(where(logicalAnd(eq(a, 0), ge(b, 0)), 0, mul(g, mul(out, log(a)))), b.shape) : null,
  ]);
}

/** Elementwise max; on ties the gradient is split evenly, as in PyTorch. */
export function maximum(x: TensorLike, y: TensorLike): Tensor {
  return extremum('maximum', x, y);
}

/** Elementwise min; on ties the gradient is split evenly, as in PyTorch. */
export function minimum(x: TensorLike, y: TensorLike): Tensor {
  return extremum('minimum', x, y);
}

function extremum(op: 'maximum' | 'minimum', x: TensorLike, y: TensorLike): Tensor {
  const [a, b, shape] = operands(op, x, y);
  const out = binaryKernel(op, a, b, shape);
  return record(op, out, [a, b], (g) => {
    // share of the gradient going to a: 1 where a wins, 0.5 on a tie
    const wa = add(mul(cast(op === 'maximum' ? gt(a, b) : lt(a, b), g.dtype), 1), mul(cast(eq(a, b), g.dtype), 0.5));
    const ga = mul(g, wa);
    return [
      a.requiresGrad ? unbroadcast(ga, a.shape) : null,
      b.requiresGrad ? unbroadcast(sub(g, ga), b.shape) : null,
    ];
  });
}

// ---- unary, floating results ----

function floatInput(op: string, a: Tensor): Tensor {
  requireTensor(op, a);
  return isFloating(a.dtype) ? a : cast(a, floatingOf(a.dtype));
}

/** -a */
export function neg(a: Tensor): Tensor {
  requireTensor('neg', a);
  if (a.dtype === 'bool') throw new DTypeError('neg: negation of a bool tensor is not supported; use logicalNot');
  const out = unaryKernel('neg', a);
  return record('neg', out, [a], (g) => [neg(g)]);
}

export function exp(x: Tensor): Tensor {
  const a = floatInput('exp', x);
  const out = unaryKernel('exp', a);
  return record('exp', out, [a], (g) => [mul(g, out)]);
}

export function expm1(x: Tensor): Tensor {
  const a = floatInput('expm1', x);
  const out = unaryKernel('expm1', a);
  return record('expm1', out, [a], (g) => [mul(g, add(out, 1))]);
}

/** Natural logarithm. */
export function log(x: Tensor): Tensor {
  const a = floatInput('log', x);
  const out = unaryKernel('log', a);
  return record('log', out, [a], (g) => [div(g, a)]);
}

export function log1p(x: Tensor): Tensor {
  const a = floatInput('log1p', x);
  const out = unaryKernel('log1p', a);
  return record('log1p', out, [a], (g) => [div(g, add(a, 1))]);
}

export function sqrt(x: Tensor): Tensor {
  const a = floatInput('sqrt', x);
  const out = unaryKernel('sqrt', a);
  return record('sqrt', out, [a], (g) => [div(mul(g, 0.5), out)]);
}

/** 1 / sqrt(a) */
export function rsqrt(x: Tensor): Tensor {
  const a = floatInput('rsqrt', x);
  const out = unaryKernel('rsqrt', a);
  // d(a^-1/2)/da = -1/2 a^-3/2
  return record('rsqrt', out, [a], (g) => [mul(g, mul(pow(out, 3), -0.5))]);
}

export function reciprocal(x: Tensor): Tensor {
  const a = floatInput('reciprocal', x);
  const out = unaryKernel('reciprocal', a);
  return record('reciprocal', out, [a], (g) => [neg(mul(g, square(out)))]);
}

export function sin(x: Tensor): Tensor {
  const a = floatInput('sin', x);
  const out = unaryKernel('sin', a);
  return record('sin', out, [a], (g) => [mul(g, cos(a))]);
}

export function cos(x: Tensor): Tensor {
  const a = floatInput('cos', x);
  const out = unaryKernel('cos', a);
  return record('cos', out, [a], (g) => [neg(mul(g, sin(a)))]);
}

// ---- unary, same dtype ----

export function abs(a: Tensor): Tensor {
  requireTensor('abs', a);
  const out = unaryKernel('abs', a);
  return record('abs', out, [a], (g) => [mul(g, sign(a))]);
}

export function square(a: Tensor): Tensor {
  requireTensor('square', a);
  const out = unaryKernel('square', a);
  return record('square', out, [a], (g) => [mul(g, mul(a, 2))]);
}

/** -1, 0 or 1; its gradient is zero. */
export function sign(a: Tensor): Tensor {
  return stepFunction('sign', a);
}

export function floor(a: Tensor): Tensor {
  return stepFunction('floor', a);
}

export function ceil(a: Tensor): Tensor {
  return stepFunction('ceil', a);
}

/** Rounds half to even, as PyTorch does. */
export function round(a: Tensor): Tensor {
  return stepFunction('round', a);
}

/** Piecewise-constant functions: the gradient is zero almost everywhere. */
function stepFunction(op: 'sign' | 'floor' | 'ceil' | 'round', a: Tensor): Tensor {
  requireTensor(op, a);
  const out = unaryKernel(op, a);
  return record(op, out, [a], (g) => [empty(g.shape, g.dtype)]);
}

/** Limits values to [min, max]; the gradient passes where min <= a <= max. */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  requireTensor('clamp', x);
  if (min == null && max == null) throw new DTypeError('clamp: at least one of min and max must be given');
  if (min != null) requireNumber('clamp', min, 'min');
  if (max != null) requireNumber('clamp', max, 'max');
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  if (Number.isNaN(lo) || Number.isNaN(hi)) throw new DTypeError(`clamp: min and max must not be NaN, got ${min} and ${max}`);
  if (x.dtype === 'bool') throw new DTypeError('clamp: bool tensors cannot be clamped; cast first');
  // integer tensors with fractional (or infinite-only) bounds give float32, as PyTorch's type promotion does
  const a = !isFloating(x.dtype) && ![lo, hi].every((v) => Number.isInteger(v) || !Number.isFinite(v)) ? cast(x, 'float32') : x;
  const out = unaryKernel('clamp', a, lo, hi);
  return record('clamp', out, [a], (g) => [mul(g, cast(logicalAnd(ge(a, lo), le(a, hi)), g.dtype))]);
}

// ---- comparisons and logic: bool results, no gradient ----

function compare(op: BinaryOp, x: TensorLike, y: TensorLike, name: string = op): Tensor {
  const [a, b, shape] = operands(name, x, y);
  return binaryKernel(op, a, b, shape, 'bool');
}

export function eq(a: TensorLike, b: TensorLike): Tensor { return compare('eq', a, b); }
export function ne(a: TensorLike, b: TensorLike): Tensor { return compare('ne', a, b); }
export function lt(a: TensorLike, b: TensorLike): Tensor { return compare('lt', a, b); }
export function le(a: TensorLike, b: TensorLike): Tensor { return compare('le', a, b); }
export function gt(a: TensorLike, b: TensorLike): Tensor { return compare('gt', a, b); }
export function ge(a: TensorLike, b: TensorLike): Tensor { return compare('ge', a, b); }
export function logicalAnd(a: TensorLike, b: TensorLike): Tensor { return compare('and', a, b, 'logicalAnd'); }
export function logicalOr(a: TensorLike, b: TensorLike): Tensor { return compare('or', a, b, 'logicalOr'); }

export function logicalNot(a: Tensor): Tensor {
  requireTensor('logicalNot', a);
  return unaryKernel('not', a, 0, 0, 'bool');
}

/** cond ? a : b elementwise, all three broadcast together; a non-bool cond means cond != 0. */
export function where(condition: Tensor, x: TensorLike, y: TensorLike): Tensor {
  requireTensor('where', condition, 'cond');
  const cond = condition.dtype === 'bool' ? condition : ne(condition, 0);
  const [a, b, ab] =
    x instanceof Tensor || y instanceof Tensor ? operands('where', x, y) : operands('where', asTensor('where', x), asTensor('where', y));
  const shape = broadcastShapes('where', cond.shape, ab);
  const out = uninitialized(shape, a.dtype);
  getBackend().where(cond.data, cond.shape, a.data, a.shape, b.data, b.shape, out.data, shape);
  return record('where', out, [a, b], (g) => {
    const zero = asTensor('where', 0, g);
    return [
      a.requiresGrad ? unbroadcast(where(cond, g, zero), a.shape) : null,
      b.requiresGrad ? unbroadcast(where(cond, zero, g), b.shape) : null,
    ];
  });
}

/** a with the positions where `mask` is true set to `value`; mask broadcasts to a. */
export function maskedFill(a: Tensor, mask: Tensor, value: number): Tensor {
  requireTensor('maskedFill', a);
  requireTensor('maskedFill', mask, 'mask');
  if (mask.dtype !== 'bool') throw new DTypeError(`maskedFill: mask must be a bool tensor, got ${mask.dtype}`);
  requireNumber('maskedFill', value, 'value');
  const shape = broadcastShapes('maskedFill', a.shape, mask.shape);
  if (!shapesEqual(shape, a.shape)) {
    throw new ShapeError(`maskedFill: mask of shape ${fmtShape(mask.shape)} does not broadcast to the input's shape ${fmtShape(a.shape)}`);
  }
  const v = asTensor('maskedFill', a.dtype === 'bool' ? Number(value !== 0) : value, a);
  const out = uninitialized(a.shape, a.dtype);
  getBackend().where(mask.data, mask.shape, v.data, v.shape, a.data, a.shape, out.data, a.shape);
  return record('maskedFill', out, [a], (g) => [where(mask, asTensor('maskedFill', 0, g), g)]);
}
