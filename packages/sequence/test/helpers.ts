// Shared by the sequence tests: fixtures from scripts/fixtures/sequence_fixtures.py
// and closeness checks (from @neurone/core/testing).
import { tensor, type DType, type Tensor } from '@neurone/core';
import { readJsonFixture } from '@neurone/core/testing';

export { expectClose } from '@neurone/core/testing';

/** A fixture written by scripts/fixtures/sequence_fixtures.py. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const fixture = (name: string): any => readJsonFixture(new URL(`./fixtures/${name}`, import.meta.url));

/** A tensor from nested arrays (float64 unless told). */
export function t(data: unknown, dtype: DType = 'float64', requiresGrad = false): Tensor {
  return tensor(data as number[], { dtype, requiresGrad });
}
