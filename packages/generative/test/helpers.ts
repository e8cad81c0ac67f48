// Shared by the generative tests: fixtures from scripts/fixtures/generative_fixtures.py,
// closeness checks (from @neurone/core/testing) and loading fixture weights.
import { tensor, type DType, type Tensor } from '@neurone/core';
import { readJsonFixture } from '@neurone/core/testing';

export { expectClose } from '@neurone/core/testing';

/** A fixture written by scripts/fixtures/generative_fixtures.py. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const fixture = (name: string): any => readJsonFixture(new URL(`./fixtures/${name}`, import.meta.url));

/** A tensor from nested arrays (float64 unless told). */
export function t(data: unknown, dtype: DType = 'float64', requiresGrad = false): Tensor {
  return tensor(data as number[], { dtype, requiresGrad });
}

/** Copies a PyTorch state dict from a fixture (nested arrays) into `model`, as float64. */
export function loadFixtureState(model: { loadStateDict(sd: Record<string, Tensor>): unknown }, state: Record<string, unknown>): void {
  const sd: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(state)) sd[k] = t(v);
  model.loadStateDict(sd);
}
