// Reductions over all elements or chosen dims, with keepdim; each forward with its backward.
import { record } from '../autograd.js';
import { getBackend, type ReduceOp } from '../backend/index.js';
import { floatingOf, isFloating } from '../dtype.js';
import { IndexError, ShapeError, fmtShape } from '../errors.js';
import { describe, normalizeDim, splitAt } from '../shape.js';
import { Tensor } from '../tensor.js';
import { add, cast, div, eq, exp, log, logicalAnd, mul, sqrt, sub, where } from './elementwise.js';
import { expand, reshape } from './shape.js';
import { empty, fmtList, oneDim, requireNumber, requireTensor } from './util.js';

/**
 * Sorted, de-duplicated dims; every dim when `dim` is null, undefined or an
 * empty list (as torch.sum(x, dim=[]) does).
 */
function normDims(op: string, a: Tensor, dim: unknown): number[] {
  if (dim === null || dim === undefined) return a.shape.map((_, i) => i);
  if (typeof dim !== 'number' && !Array.isArray(dim)) {
    throw new IndexError(`${op}: dim must be an integer or an array of integers, got ${describe(dim)}`);
  }
  const list: unknown[] = typeof dim === 'number' ? [dim] : dim;
  if (list.length === 0) return a.shape.map((_, i) => i);
  const dims = list.map((d) => oneDim(op, d, a.ndim));
  const uniq = [...new Set(dims)].sort((x, y) => x - y);
  if (uniq.length !== dims.length) throw new IndexError(`${op}: dim ${fmtList(list)} names a dimension more than once`);
  // a 0-d tensor accepts dim 0 / -1, which names no real dimension
  return uniq.filter((d) => d < a.ndim);
}

function reducedShape(shape: readonly number[], dims: number[], keepdim: boolean): number[] {
  const out: number[] = [];
  shape.forEach((s, i) => {
    if (!dims.includes(i)) out.push(s);
    else if (keepdim) out.push(1);
  });
  return out;
}

/** Runs the backend reduction over each dim in turn (from the last, so earlier indices stay valid). */
function reduceKernel(op: ReduceOp, a: Tensor, dims: number[], keepdim: boolean): Tensor {
  let data = a.data;
  const shape = [...a.shape];
  for (let i = dims.length - 1; i >= 0; i--) {
    const d = dims[i]!;
    const [outer, size, inner] = splitAt(shape, d);
    const out = getBackend().alloc(a.dtype === 'bool' ? 'int32' : a.dtype, outer * inner);
    getBackend().reduce(op, data, outer, size, inner, out);
    data = out;
    shape[d] = 1;
  }
  const outShape = reducedShape(a.shape, dims, keepdim);
  if (data === a.data) return a.dtype === 'bool' ? reshape(cast(a, 'int32'), outShape) : new Tensor(data.slice(), outShape);
  return new Tensor(data, outShape);
}

/** Brings a reduced gradient back to the input's shape. */
function expandBack(g: Tensor, a: Tensor, dims: number[], keepdim: boolean): Tensor {
  const kept = keepdim ? g : reshape(g, reducedShape(a.shape, dims, true));
  return expand(kept, a.shape);
}

/** Throws when one of `dims` has size 0 (max, min and their indices have no value there). */
function requireNonEmpty(op: string, a: Tensor, dims: number[]): void {
  if (a.size === 0 && dims.some((d) => a.shape[d] === 0)) {
    throw new ShapeError(`${op}: cannot reduce over a dimension of size 0 (shape ${fmtShape(a.shape)})`);
  }
}

function sumImpl(a: Tensor, dims: number[], keepdim: boolean): Tensor {
  const out = reduceKernel('sum', a, dims, keepdim);
  return record('sum', out, [a], (g) => [expandBack(g, a, dims, keepdim)]);
}

/**
 * Sum over all elements, or over `dim` (one or several; negative counts from
 * the end). Bool and int32 inputs sum to int32.
 *
 * Example:
 *   sum(ones([2, 3]), 1).toArray(); // [3, 3]
 */
export function sum(a: Tensor, dim?: number | readonly number[] | null, keepdim = false): Tensor {
  requireTensor('sum', a);
  return sumImpl(a, normDims('sum', a, dim), keepdim);
}

/** Mean over all elements, or over `dim`; integer inputs give float32. */
export function mean(a: Tensor, dim?: number | readonly number[] | null, keepdim = false): Tensor {
  requireTensor('mean', a);
  const x = isFloating(a.dtype) ? a : cast(a, floatingOf(a.dtype));
  const dims = normDims('mean', x, dim);
  let n = 1;
  for (const d of dims) n *= x.shape[d]!;
  return div(sumImpl(x, dims, keepdim), n);
}

function prodImpl(a: Tensor, dims: number[], keepdim: boolean): Tensor {
  const out = reduceKernel('prod', a, dims, keepdim);
  return record('prod', out, [a], (g) => {
    // d(prod)/da_i is the product of the others: prod / a_i when the slice has no zero;
    // with exactly one zero, the product of the nonzeros at the zero and 0 elsewhere; 0 with two or more
    const isZero = eq(a, 0);
    const zeros = expandBack(sumImpl(isZero, dims, keepdim), a, dims, keepdim);
    const others = where(
      eq(zeros, 0),
      div(expandBack(out, a, dims, keepdim), a),
      where(logicalAnd(isZero, eq(zeros, 1)), expandBack(prodImpl(where(isZero, 1, a), dims, keepdim), a, dims, keepdim), 0),
    );
    return [mul(expandBack(g, a, dims, keepdim), others)];
  });
}

/** Product over all elements, or along `dim`. */
export function prod(a: Tensor, dim?: number | null, keepdim = false): Tensor {
  requireTensor('prod', a);
  return prodImpl(a, normDims('prod', a, dim), keepdim);
}

function extreme(op: 'max' | 'min', a: Tensor, dim: unknown, keepdim: boolean): Tensor {
  requireTensor(op, a);
  const dims = normDims(op, a, dim);
  requireNonEmpty(op, a, dims);
  const out = reduceKernel(op, a, dims, keepdim);
  // the gradient is shared evenly among the elements equal to the extreme (torch.amax's rule)
  return record(op, out, [a], (g) => {
    const mask = cast(eq(a, expandBack(out, a, dims, keepdim)), g.dtype);
    const count = expandBack(sumImpl(mask, dims, keepdim), a, dims, keepdim);
    return [div(mul(expandBack(g, a, dims, keepdim), mask), count)];
  });
}

/**
 * Max over all elements, or the max values along `dim` (use `argmax` for the
 * indices). Ties share the gradient evenly, like torch.amax.
 */
export function max(a: Tensor, dim?: number | null, keepdim = false): Tensor {
  return extreme('max', a, dim, keepdim);
}

/** Min over all elements, or the min values along `dim`; ties share the gradient evenly. */
export function min(a: Tensor, dim?: number | null, keepdim = false): Tensor {
  return extreme('min', a, dim, keepdim);
}

function argExtreme(op: 'argmax' | 'argmin', a: Tensor, dim: unknown, keepdim: boolean): Tensor {
  requireTensor(op, a);
  if (dim === null || dim === undefined) {
    requireNonEmpty(op, a, a.shape.map((_, i) => i));
    const flat = reshape(a, [a.size]);
    const r = argExtreme(op, flat, 0, false);
    return keepdim ? reshape(r, a.shape.map(() => 1)) : r;
  }
  const d = oneDim(op, dim, a.ndim);
  if (a.ndim > 0) requireNonEmpty(op, a, [d]);
  const [outer, size, inner] = splitAt(a.shape, d);
  const out = empty(reducedShape(a.shape, a.ndim === 0 ? [] : [d], keepdim), 'int32');
  getBackend().argReduce(op, a.data, outer, size, inner, out.data as Int32Array);
  return out;
}

/** Index (int32) of the max over all elements (flattened), or along `dim`; the first on ties. */
export function argmax(a: Tensor, dim?: number | null, keepdim = false): Tensor {
  return argExtreme('argmax', a, dim, keepdim);
}

/** Index (int32) of the min over all elements (flattened), or along `dim`; the first on ties. */
export function argmin(a: Tensor, dim?: number | null, keepdim = false): Tensor {
  return argExtreme('argmin', a, dim, keepdim);
}

export interface VarOptions {
  /** Subtracted from the count in the denominator: 1 (default) is the unbiased estimate, 0 the population variance. */
  correction?: number;
  keepdim?: boolean;
}

function varianceImpl(op: string, a: Tensor, dim: unknown, opts: VarOptions): Tensor {
  requireTensor(op, a);
  if (opts === null || typeof opts !== 'object') throw new ShapeError(`${op}: options must be an object, got ${describe(opts)}`);
  const correction = opts.correction ?? 1;
  requireNumber(op, correction, 'correction');
  const x = isFloating(a.dtype) ? a : cast(a, floatingOf(a.dtype));
  const dims = normDims(op, x, dim);
  const keepdim = opts.keepdim ?? false;
  let n = 1;
  for (const d of dims) n *= x.shape[d]!;
  const centered = sub(x, div(sumImpl(x, dims, true), n));
  // n - correction <= 0 divides by zero: inf or NaN, as in PyTorch
  return div(sumImpl(mul(centered, centered), dims, keepdim), Math.max(n - correction, 0));
}

/**
 * Variance over all elements or `dim`, with Bessel's correction by default
 * (PyTorch's `var`; `{ correction: 0 }` for the population variance).
 */
export function variance(a: Tensor, dim?: number | readonly number[] | null, opts: VarOptions = {}): Tensor {
  return varianceImpl('var', a, dim, opts);
}

/** Standard deviation: sqrt(var), with the same options. */
export function std(a: Tensor, dim?: number | readonly number[] | null, opts: VarOptions = {}): Tensor {
  return sqrt(varianceImpl('std', a, dim, opts));
}

/**
 * log(sum(exp(a))) along `dim` (all dims when omitted), computed without
 * overflow; an empty or all -inf slice gives -inf.
 */
export function logsumexp(a: Tensor, dim?: number | readonly number[] | null, keepdim = false): Tensor {
  requireTensor('logsumexp', a);
  const x = isFloating(a.dtype) ? a : cast(a, floatingOf(a.dtype));
  const dims = normDims('logsumexp', x, dim);
  // shift by the (constant) max so exp never overflows; infinite maxima shift by 0
  const m = reduceKernel('max', x.detach(), dims, true);
  for (let i = 0; i < m.data.length; i++) if (!Number.isFinite(m.data[i]!)) m.data[i] = 0;
  const r = add(log(sumImpl(exp(sub(x, m)), dims, true)), m);
  return keepdim ? r : reshape(r, reducedShape(x.shape, dims, false));
}

/** True if every element is nonzero (NaN counts as nonzero). */
export function all(a: Tensor): boolean {
  requireTensor('all', a);
  for (let i = 0; i < a.data.length; i++) if (a.data[i] === 0) return false;
  return true;
}

/** True if any element is nonzero (NaN counts as nonzero). */
export function any(a: Tensor): boolean {
  requireTensor('any', a);
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== 0) return true;
  return false;
}
