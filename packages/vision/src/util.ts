// Small helpers shared by the vision ops and layers.
import { DTypeError, ShapeError, Tensor } from '@neurone/core';

/** `[2,3]`: shapes are printed like this in every message (as core's errors do). */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** An int for every spatial dim, or one int for all of them. */
export type IntOrTuple = number | readonly number[];

/** `v` as `n` integers >= min, or an error naming the op and the argument. */
export function tuple(op: string, name: string, v: IntOrTuple, n: number, min: number): number[] {
  const arr = typeof v === 'number' ? new Array<number>(n).fill(v) : Array.isArray(v) ? [...v] : [NaN];
  if (arr.length !== n || arr.some((e) => !Number.isInteger(e) || e < min)) {
    throw new ShapeError(`${op}: ${name} must be an integer >= ${min} or ${n} of them, got ${JSON.stringify(v)}`);
  }
  return arr;
}

/** Throws unless `x` is a floating-point Tensor. */
export function requireFloatTensor(op: string, x: unknown, what = 'input'): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    throw new DTypeError(`${op}: expected ${what} to be a Tensor, got ${x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x}`);
  }
  if (x.dtype !== 'float32' && x.dtype !== 'float64') {
    throw new DTypeError(`${op}: expected ${what} to be a floating-point tensor (float32 or float64), got ${x.dtype}`);
  }
}

/** Checks the rank: `batched` dims, or one fewer for an unbatched input. Returns the input with a batch dim and whether it was added. */
export function withBatch(op: string, x: Tensor, batched: number, layout: string): [Tensor, boolean] {
  if (x.ndim === batched) return [x, false];
  if (x.ndim === batched - 1) return [x.reshape([1, ...x.shape]), true];
  throw new ShapeError(`${op}: expected a ${batched - 1}-D (unbatched) or ${batched}-D (batched) input ${layout}, got ${fmtShape(x.shape)}`);
}
