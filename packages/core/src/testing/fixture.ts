// JSON fixtures written by the PyTorch scripts (scripts/fixtures/*.py).
import { readFileSync } from 'node:fs';

const NON_FINITE = new Map<unknown, number>([['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity]]);

/**
 * Parses a fixture's JSON, turning the strings "NaN", "Infinity" and
 * "-Infinity" (how the fixture scripts write non-finite numbers) back into
 * numbers, wherever they stand.
 *
 * Example:
 *   parseJsonFixture('{"x":[1,"NaN","-Infinity"]}'); // { x: [1, NaN, -Infinity] }
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function parseJsonFixture<T = any>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) => (NON_FINITE.has(v) ? NON_FINITE.get(v) : v)) as T;
}

/**
 * Reads and parses a JSON fixture file (Node only), as `parseJsonFixture`.
 *
 * Example:
 *   const cases = readJsonFixture<{ cases: Case[] }>(new URL('./fixtures/ctc.json', import.meta.url));
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function readJsonFixture<T = any>(file: string | URL): T {
  return parseJsonFixture<T>(readFileSync(file, 'utf8'));
}
