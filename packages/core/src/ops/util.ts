import { getBackend } from '../backend/index.js';
import { type DType, isFloating } from '../dtype.js';
import { DTypeError, IndexError, ShapeError } from '../errors.js';
import { describe, normalizeDim, sizeOf, shapesEqual, type Shape } from '../shape.js';
import { Tensor, type TensorLike } from '../tensor.js';

/** A fresh zero-filled tensor from the current backend. */
export function empty(shape: Shape, dtype: DType = 'float32'): Tensor {
  return new Tensor(getBackend().alloc(dtype, sizeOf(shape)), shape);
}

/**
 * A fresh tensor whose contents are arbitrary: only for outputs that a kernel
 * writes whole (every element) before anything reads them.
 */
export function uninitialized(shape: Shape, dtype: DType = 'float32'): Tensor {
  return new Tensor(getBackend().alloc(dtype, sizeOf(shape), true), shape);
}

/** A scalar operand as a 0-d tensor of a dtype that fits beside `like`. */
export function asTensor(op: string, x: TensorLike, like?: Tensor): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x !== 'number') {
    throw new DTypeError(`${op}: expected a Tensor or a number, got ${describe(x)}`);
  }
  let dtype: DType = 'float32';
  if (like) {
    if (isFloating(like.dtype)) dtype = like.dtype;
    else if (Number.isInteger(x)) dtype = like.dtype === 'bool' ? 'int32' : like.dtype;
  }
  const t = empty([], dtype);
  t.data[0] = x;
  return t;
}

/** Sums a broadcast gradient back down to `shape` (the inverse of broadcasting). */
export function unbroadcast(g: Tensor, shape: Shape): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  }
  let r = dims.length > 0 ? g.sum(dims, true) : g;
  if (lead > 0 || !shapesEqual(r.shape, shape)) r = r.reshape([...shape]);
  return r;
}

/** Throws unless `t` has a floating dtype. */
export function requireFloat(op: string, t: Tensor): void {
  if (!isFloating(t.dtype)) {
    throw new DTypeError(`${op}: expected a floating-point tensor (float32 or float64), got ${t.dtype}`);
  }
}

/** Throws unless `x` is a Tensor. */
export function requireTensor(op: string, x: unknown, what = 'input'): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    throw new DTypeError(`${op}: expected ${what} to be a Tensor, got ${describe(x)}`);
  }
}

/** Throws unless `x` is an integer (a size, a start, an index, ...). */
export function requireInt(op: string, x: unknown, what: string): asserts x is number {
  if (typeof x !== 'number' || !Number.isInteger(x)) {
    throw new IndexError(`${op}: ${what} must be an integer, got ${describe(x)}`);
  }
}

/** Throws unless `x` is a number (NaN and infinities included). */
export function requireNumber(op: string, x: unknown, what: string): asserts x is number {
  if (typeof x !== 'number') throw new DTypeError(`${op}: ${what} must be a number, got ${describe(x)}`);
}

/** One dim, normalized to 0..ndim-1 (a 0-d tensor accepts 0 and -1). */
export function oneDim(op: string, dim: unknown, ndim: number): number {
  if (typeof dim !== 'number') throw new IndexError(`${op}: dim must be an integer, got ${describe(dim)}`);
  return normalizeDim(op, dim, ndim);
}

/** Throws unless `x` is an array of integers (a shape, a permutation, a list of sizes). */
export function requireIntList(op: string, x: unknown, what: string): asserts x is readonly number[] {
  if (!Array.isArray(x) || x.some((v) => typeof v !== 'number' || !Number.isInteger(v))) {
    throw new ShapeError(`${op}: ${what} must be an array of integers, got ${fmtList(x)}`);
  }
}

/** `[1,2,x]` for an array (non-numbers by type), else a description. */
export function fmtList(x: unknown): string {
  if (!Array.isArray(x)) return describe(x);
  return `[${x.map((v) => (typeof v === 'number' ? String(v) : describe(v))).join(',')}]`;
}
