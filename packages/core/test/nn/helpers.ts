// Shared by the nn tests: PyTorch fixtures and the errors the tests expect.
import { expect } from 'vitest';
import { type DType, type Tensor, tensor } from '../../src/index.js';
import { readJsonFixture } from '../../src/testing/index.js';

/** A tensor as the fixture scripts write it. */
export interface JsonTensor {
  shape: number[];
  dtype: 'float64' | 'int32';
  data: number[];
}

/** Reads test/fixtures/<name> (written by scripts/fixtures/*.py). */
export function readFixture<T>(name: string): T {
  return readJsonFixture<T>(new URL(`../fixtures/${name}`, import.meta.url));
}

/** A fixture tensor; floating ones in `dtype`. */
export function fromJson(t: JsonTensor, dtype: DType = 'float64', requiresGrad = false): Tensor {
  const dt = t.dtype === 'int32' ? 'int32' : dtype;
  return tensor(t.data, { shape: t.shape, dtype: dt, requiresGrad: requiresGrad && dt !== 'int32' });
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
