// Small helpers shared by the sequence ops.
import { getBackend, record, Tensor, type DType } from '@neurone/core';

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

/** A tensor whose contents are arbitrary, for outputs a backend kernel writes whole. */
export function uninitializedOf(shape: readonly number[], dtype: DType): Tensor {
  let n = 1;
  for (const d of shape) n *= d;
  return new Tensor(getBackend().alloc(dtype, n, true), shape);
}

/** A zero-filled tensor of a floating dtype. */
export function zerosOf(shape: readonly number[], dtype: DType): Tensor {
  let n = 1;
  for (const d of shape) n *= d;
  return new Tensor(dtype === 'float64' ? new Float64Array(n) : new Float32Array(n), shape);
}

// exp by table and polynomial: e^x = e^(k/32) * e^r with |r| <= 1/64, a
// degree-5 Taylor polynomial for e^r (relative error < 1e-14). About twice as
// fast as Math.exp in V8, which is what the LSTM/GRU gate loops spend their time on.
const EXP_STEPS = 32;
const EXP_RANGE = 44;
const EXP_OFFSET = EXP_RANGE * EXP_STEPS;
const EXP_TABLE = new Float64Array(2 * EXP_OFFSET + 1);
for (let i = 0; i < EXP_TABLE.length; i++) EXP_TABLE[i] = Math.exp((i - EXP_OFFSET) / EXP_STEPS);

/**
 * e^x for x clamped to [-44, 44] (relative error < 1e-14 inside): enough for
 * sigmoid and tanh (beyond, they are 0, 1 or ±1 to double precision) and for
 * summing terms e^(x - max) of a log-sum-exp (a term below e^-44 changes the sum
 * by less than 1e-19 of its largest term).
 */
export function clampedExp(x: number): number {
  if (x > EXP_RANGE) x = EXP_RANGE;
  else if (x < -EXP_RANGE) x = -EXP_RANGE;
  const k = Math.round(x * EXP_STEPS);
  const r = x - k * (1 / EXP_STEPS);
  return EXP_TABLE[k + EXP_OFFSET]! * (1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120))))));
}

/** 1 / (1 + e^-x), absolute error < 1e-14. */
export function sigmoid(x: number): number {
  return 1 / (1 + clampedExp(-x));
}

/** tanh(x), absolute error < 1e-13 (a series near 0 keeps small values relatively exact). */
export function tanh(x: number): number {
  if (x > -0.05 && x < 0.05) {
    const x2 = x * x;
    return x * (1 + x2 * (-1 / 3 + x2 * (2 / 15 - x2 * (17 / 315))));
  }
  return 1 - 2 / (clampedExp(2 * x) + 1);
}

// float32 tensors: a rational approximation of tanh (Eigen's generic_fast_tanh_float):
// absolute error < 3e-7, a few float32 ulps, at a fraction of Math.tanh's cost.
const TANH32_CLAMP = 7.90531110763549805;

/** tanh(x) to float32 accuracy (absolute error < 3e-7). */
export function tanh32(x: number): number {
  if (x > TANH32_CLAMP) x = TANH32_CLAMP;
  else if (x < -TANH32_CLAMP) x = -TANH32_CLAMP;
  const x2 = x * x;
  const p = x * (4.89352455891786e-3 + x2 * (6.37261928875436e-4 + x2 * (1.48572235717979e-5 + x2 * (5.12229709037114e-8 +
    x2 * (-8.60467152213735e-11 + x2 * (2.00018790482477e-13 + x2 * -2.76076847742355e-16))))));
  const q = 4.89352518554385e-3 + x2 * (2.2684346324390e-3 + x2 * (1.18534705686654e-4 + x2 * 1.19825839466702e-6));
  return p / q;
}

/** 1 / (1 + e^-x) = (1 + tanh(x/2)) / 2 to float32 accuracy (absolute error < 2e-7). */
export function sigmoid32(x: number): number {
  return 0.5 + 0.5 * tanh32(0.5 * x);
}

/** The activations for a dtype: float32-accurate and fast, or double-accurate. */
export function activations(dtype: string): { sigmoid: (x: number) => number; tanh: (x: number) => number } {
  return dtype === 'float64' ? { sigmoid, tanh } : { sigmoid: sigmoid32, tanh: tanh32 };
}
