// Small helpers shared by the sequence ops.
import { record, Tensor, type DType } from '@neurone/core';

/** Core's `record`: makes `out` a differentiable op result with its backward. */
export const recordOp = record;

/** `[2,3]`: shapes are printed like this in every message. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** log(e^a + e^b) without overflow; -Infinity is the log of zero. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** A zero-filled tensor of a floating dtype. */
export function zerosOf(shape: readonly number[], dtype: DType): Tensor {
  let n = 1;
  for (const d of shape) n *= d;
  return new Tensor(dtype === 'float64' ? new Float64Array(n) : new Float32Array(n), shape);
}
