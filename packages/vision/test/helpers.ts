// Shared test helpers: fixtures from PyTorch and closeness checks (from @neurone/core/testing).
import { Tensor, type DType } from '@neurone/core';
import { readJsonFixture } from '@neurone/core/testing';

// expectClose(t, want, tol, what): same shape, and every |got - want| / (1 + |want|) <= tol
export { expectClose } from '@neurone/core/testing';

export interface Arr { shape: number[]; data: number[] }

export function readFixtures<T>(name: string): T {
  return readJsonFixture<T>(new URL(`./fixtures/${name}`, import.meta.url));
}

export function fromArr(a: Arr, dtype: DType = 'float64', requiresGrad = false): Tensor {
  const data = dtype === 'float64' ? Float64Array.from(a.data) : dtype === 'int32' ? Int32Array.from(a.data) : Float32Array.from(a.data);
  return new Tensor(data, a.shape, requiresGrad);
}
