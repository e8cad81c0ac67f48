import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { Tensor, tensor, type DType } from '@neurone/core';

type Json = number | string | null | boolean | Json[] | { [k: string]: Json };

/** Non-finite numbers are written as strings by the fixture script. */
function revive(v: Json): Json {
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (Array.isArray(v)) return v.map(revive);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revive(x)]));
  return v;
}

/** A fixture written by scripts/fixtures/generative_fixtures.py. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function fixture(name: string): any {
  const text = readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
  return revive(JSON.parse(text) as Json);
}

/** A tensor from nested arrays (float64 unless told). */
export function t(data: unknown, dtype: DType = 'float64', requiresGrad = false): Tensor {
  return tensor(data as number[], { dtype, requiresGrad });
}

function flat(x: unknown): number[] {
  return Array.isArray(x) ? (x as unknown[]).flatMap(flat) : [x as number];
}

/**
 * Every element of `actual` within `tol` of `expected` (absolute, plus `tol`
 * relative for large values); NaN only where expected is NaN, infinities equal.
 */
export function expectClose(actual: Tensor | number | number[], expected: unknown, tol = 1e-4, what = 'value'): void {
  const a = actual instanceof Tensor ? Array.from(actual.data) : flat(actual);
  const e = flat(expected);
  if (actual instanceof Tensor && Array.isArray(expected)) {
    const shape: number[] = [];
    for (let x: unknown = expected; Array.isArray(x); x = x[0]) shape.push(x.length);
    expect(actual.shape, `${what}: shape`).toEqual(shape);
  }
  expect(a.length, `${what}: number of elements`).toBe(e.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = e[i]!;
    if (Number.isNaN(y) || !Number.isFinite(y)) {
      if (!Object.is(x, y) && !(Number.isNaN(x) && Number.isNaN(y))) throw new Error(`${what}[${i}]: expected ${y}, got ${x}`);
      continue;
    }
    const err = Math.abs(x - y) / (1 + Math.abs(y));
    if (!(err <= worst)) {
      worst = Number.isNaN(err) ? Infinity : err;
      at = i;
    }
  }
  if (worst > tol) throw new Error(`${what}[${at}]: expected ${e[at]}, got ${a[at]} (error ${worst} > ${tol})`);
}

/** Copies a PyTorch state dict from a fixture (nested arrays) into `model`, as float64. */
export function loadFixtureState(model: { loadStateDict(sd: Record<string, Tensor>): unknown }, state: Record<string, unknown>): void {
  const sd: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(state)) sd[k] = t(v);
  model.loadStateDict(sd);
}
