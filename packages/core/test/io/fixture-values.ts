// JSON-safe values for fixtures: NaN, infinities and -0 as strings (JSON.stringify would write -0 as 0).
import type { Tensor } from '../../src/index.js';

export type FixtureValue = number | 'nan' | 'inf' | '-inf' | '-0';

/** A tensor's elements, flat, with non-finite values spelled as Python's json would need them. */
export function toFixtureValues(t: Tensor): FixtureValue[] {
  return Array.from(t.data, (v): FixtureValue => {
    if (Number.isNaN(v)) return 'nan';
    if (v === Infinity) return 'inf';
    if (v === -Infinity) return '-inf';
    return Object.is(v, -0) ? '-0' : v;
  });
}

/** The numbers back from `toFixtureValues` form. */
export function fromFixtureValues(values: readonly FixtureValue[]): number[] {
  const special: Record<string, number> = { nan: NaN, inf: Infinity, '-inf': -Infinity, '-0': -0 };
  return values.map((v) => (typeof v === 'string' ? special[v]! : v));
}
