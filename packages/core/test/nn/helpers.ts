// Shared by the nn tests: PyTorch fixtures and closeness checks.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { type DType, Tensor, tensor } from '../../src/index.js';

/** A tensor as the fixture scripts write it. */
export interface JsonTensor {
  shape: number[];
  dtype: 'float64' | 'int32';
  data: number[];
}

/** Reads test/fixtures/<name> (written by scripts/fixtures/*.py). */
export function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

/** A fixture tensor; floating ones in `dtype`. */
export function fromJson(t: JsonTensor, dtype: DType = 'float64', requiresGrad = false): Tensor {
  const dt = t.dtype === 'int32' ? 'int32' : dtype;
  return tensor(t.data, { shape: t.shape, dtype: dt, requiresGrad: requiresGrad && dt !== 'int32' });
}

/** Asserts same shape and |a - b| <= atol + rtol |b| elementwise, naming the first bad element. */
export function expectClose(actual: Tensor, expected: JsonTensor | Tensor | number[], atol = 1e-5, rtol = 1e-5, what = 'value'): void {
  const exp = expected instanceof Tensor ? { shape: [...expected.shape], data: Array.from(expected.data) } : Array.isArray(expected) ? { shape: [expected.length], data: expected } : expected;
  expect([...actual.shape], `${what}: shape`).toEqual(exp.shape);
  for (let i = 0; i < exp.data.length; i++) {
    const a = actual.data[i]!;
    const b = exp.data[i]!;
    if (!(Math.abs(a - b) <= atol + rtol * Math.abs(b)) && !(Number.isNaN(a) && Number.isNaN(b))) {
      expect.fail(`${what}: element ${i} is ${a}, expected ${b}`);
    }
  }
}

/** The error `fn` throws (fails if it does not throw). */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  return expect.fail('expected an error, none was thrown');
}
