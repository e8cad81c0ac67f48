// Small helpers shared by the generative models.
import { DTypeError, NeuroneError, ShapeError, Tensor, nn } from '@neurone/core';

/** `[2,3]`: shapes are printed like this in every message (as core's errors do). */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** A short description of a value for error messages. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (v instanceof Tensor) return `a Tensor of shape ${fmtShape(v.shape)} (${v.dtype})`;
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return `an object (${(v as object).constructor?.name ?? 'Object'})`;
  return `${typeof v} ${String(v)}`;
}

/** Throws unless `x` is a floating-point Tensor. */
export function requireFloatTensor(op: string, x: unknown, what = 'input'): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new DTypeError(`${op}: expected ${what} to be a Tensor, got ${describe(x)}`);
  if (x.dtype !== 'float32' && x.dtype !== 'float64') {
    throw new DTypeError(`${op}: expected ${what} to be a floating-point tensor (float32 or float64), got ${x.dtype}`);
  }
}

/** Throws unless `a` and `b` have the same shape. */
export function requireSameShape(op: string, a: Tensor, b: Tensor, names: [string, string] = ['input', 'target']): void {
  if (a.shape.length !== b.shape.length || a.shape.some((s, i) => s !== b.shape[i])) {
    throw new ShapeError(`${op}: ${names[0]} ${fmtShape(a.shape)} and ${names[1]} ${fmtShape(b.shape)} must have the same shape`);
  }
}

/** Throws unless `m` is a Module. */
export function requireModule(op: string, m: unknown, what: string): asserts m is nn.Module {
  if (!(m instanceof nn.Module)) throw new NeuroneError(`${op}: ${what} must be an nn.Module, got ${describe(m)}`);
}

/** Throws unless `n` is a positive integer. */
export function requirePositiveInt(op: string, n: unknown, what: string): asserts n is number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new NeuroneError(`${op}: ${what} must be a positive integer, got ${describe(n)}`);
}

/** Throws unless `p` is a probability in [0, 1) (or [0, 1] with `closed`). */
export function requireProbability(op: string, p: unknown, what: string, closed = false): asserts p is number {
  if (typeof p !== 'number' || !(p >= 0 && (closed ? p <= 1 : p < 1))) {
    throw new NeuroneError(`${op}: ${what} must be a probability in [0, ${closed ? '1]' : '1)'}, got ${describe(p)}`);
  }
}
