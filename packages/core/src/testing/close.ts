// expectClose: elementwise comparison of tensors, arrays and numbers for tests,
// throwing a plain Error (no test framework needed).

/** Anything with a shape and row-major data: a `Tensor`, or a fixture's `{ shape, data }`. */
export interface TensorLike {
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

/** Nested arrays of numbers, as `Tensor.toArray()` returns them or a fixture holds them. */
export type NestedNumbers = number | readonly NestedNumbers[];

/** What `expectClose` compares: a tensor-like, nested arrays, a typed array or a number. */
export type Closeable = TensorLike | NestedNumbers | ArrayLike<number>;

/** Absolute and relative tolerance: |actual - expected| <= atol + rtol * |expected|. Both default to 0. */
export interface Tolerance {
  atol?: number;
  rtol?: number;
}

function isTensorLike(x: unknown): x is TensorLike {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && 'shape' in x && 'data' in x;
}

/** The shape of nested arrays, read along their first elements. */
function nestedShape(x: readonly unknown[]): number[] {
  const shape: number[] = [];
  for (let v: unknown = x; Array.isArray(v); v = v[0]) shape.push(v.length);
  return shape;
}

function flatten(x: unknown): number[] {
  if (isTensorLike(x)) return Array.from(x.data);
  if (Array.isArray(x)) return x.flatMap(flatten);
  if (ArrayBuffer.isView(x)) return Array.from(x as unknown as ArrayLike<number>);
  return [x as number];
}

const fmt = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/**
 * Throws unless every element of `actual` is within tolerance of `expected`:
 * |actual - expected| <= atol + rtol * |expected|, where a number `tol` means
 * atol = rtol = tol (so |actual - expected| / (1 + |expected|) <= tol). NaN
 * matches only NaN and an infinity only itself. When `actual` is tensor-like
 * and `expected` is tensor-like or nested arrays, their shapes must be equal
 * too. The error names `what`, the first element that is off, and how many are.
 * `expected` is typed loosely for untyped fixture JSON; it should be a Closeable.
 *
 * Example:
 *   import { expectClose } from '@neurone/core/testing';
 *   expectClose(tensor([[1, 2]]), [[1, 2.00001]], 1e-4, 'output');   // passes
 *   expectClose(x.grad, { shape: [2], data: [0.5, 1] }, { atol: 1e-12, rtol: 1e-10 }, 'x.grad');
 *   expectClose(tensor([1, 2]), [[1, 2]]);                           // throws: value: shape [2], expected [1, 2]
 */
export function expectClose(actual: Closeable | null | undefined, expected: Closeable | unknown, tol: number | Tolerance = 1e-4, what = 'value'): void {
  if (actual === null || actual === undefined) throw new Error(`${what}: expected a value, got ${String(actual)}`);
  if (isTensorLike(actual) && (isTensorLike(expected) || Array.isArray(expected))) {
    const want = isTensorLike(expected) ? expected.shape : nestedShape(expected);
    if (actual.shape.length !== want.length || actual.shape.some((s, i) => s !== want[i])) {
      throw new Error(`${what}: shape ${fmt(actual.shape)}, expected ${fmt(want)}`);
    }
  }
  const a = flatten(actual);
  const e = flatten(expected);
  if (a.length !== e.length) throw new Error(`${what}: ${a.length} elements, expected ${e.length}`);
  const { atol = 0, rtol = 0 } = typeof tol === 'number' ? { atol: tol, rtol: tol } : tol;
  let first = -1;
  let off = 0;
  for (let i = 0; i < e.length; i++) {
    const x = a[i]!;
    const y = e[i]!;
    const ok = Number.isNaN(y) ? Number.isNaN(x) : Number.isFinite(y) ? Math.abs(x - y) <= atol + rtol * Math.abs(y) : x === y;
    if (ok) continue;
    if (first < 0) first = i;
    off++;
  }
  if (first >= 0) {
    throw new Error(
      `${what}[${first}]: expected ${e[first]}, got ${a[first]} (|diff| ${Math.abs(a[first]! - e[first]!)} > atol ${atol} + rtol ${rtol} * |expected|; ${off} of ${e.length} elements off)`,
    );
  }
}
