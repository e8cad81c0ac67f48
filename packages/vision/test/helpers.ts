// Shared test helpers: fixtures from PyTorch and closeness checks.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { Tensor, type DType } from '@neurone/core';

export interface Arr { shape: number[]; data: number[] }

export function readFixtures<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

export function fromArr(a: Arr, dtype: DType = 'float64', requiresGrad = false): Tensor {
  const data = dtype === 'float64' ? Float64Array.from(a.data) : dtype === 'int32' ? Int32Array.from(a.data) : Float32Array.from(a.data);
  return new Tensor(data, a.shape, requiresGrad);
}

/** Largest |got - want| / (1 + |want|) must stay under tol. */
export function expectClose(t: Tensor | null | undefined, want: Arr, tol: number, what: string): void {
  expect(t, what).toBeTruthy();
  expect([...t!.shape], what).toEqual(want.shape);
  let worst = 0;
  for (let i = 0; i < want.data.length; i++) worst = Math.max(worst, Math.abs(t!.data[i]! - want.data[i]!) / (1 + Math.abs(want.data[i]!)));
  expect(worst, what).toBeLessThan(tol);
}
