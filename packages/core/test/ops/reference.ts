// A naive reference over flat arrays and coordinates, for the property tests:
// written for obviousness, never speed, and sharing no code with src/.
import fc from 'fast-check';
import { afterAll, beforeAll, describe } from 'vitest';
import { Tensor, getBackend, listBackends, setBackend, tensor } from '../../src/index.js';

// Reproducible by default. FC_SEED=<n> replays a run; FC_SEED=random explores new
// cases (a failure prints its seed); FC_RUNS scales the malformed-input fuzzing.
if (process.env.FC_SEED !== 'random') fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20240501) });

/** Declares the tests in `body` once per registered backend (js, the oracle, and the others). */
export function forEachBackend(body: (name: string) => void): void {
  describe.each(listBackends())('backend %s', (name) => {
    let previous = '';
    beforeAll(() => {
      previous = getBackend().name;
      setBackend(name);
    });
    afterAll(() => setBackend(previous));
    body(name);
  });
}

/** A reference n-d array: row-major values with a shape. */
export interface Ref {
  shape: number[];
  data: number[];
}

export const prod = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Coordinates of flat index i in shape. */
export function coordOf(i: number, shape: readonly number[]): number[] {
  const c = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    c[d] = i % shape[d]!;
    i = Math.floor(i / shape[d]!);
  }
  return c;
}

/** Flat index of coordinates in shape. */
export function flatOf(c: readonly number[], shape: readonly number[]): number {
  let i = 0;
  for (let d = 0; d < shape.length; d++) i = i * shape[d]! + c[d]!;
  return i;
}

export function refOf(t: Tensor): Ref {
  return { shape: [...t.shape], data: Array.from(t.data) };
}

export function toTensor(r: Ref, dtype: 'float32' | 'float64' | 'int32' | 'bool' = 'float64'): Tensor {
  return tensor(Float64Array.from(r.data), { shape: r.shape, dtype });
}

/** NumPy's broadcast shape, or null when the shapes don't broadcast. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] | null {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** The value of `r` at output coordinate `c` of a broadcast result. */
export function atBroadcast(r: Ref, c: readonly number[]): number {
  const off = c.length - r.shape.length;
  const own = r.shape.map((s, d) => (s === 1 ? 0 : c[d + off]!));
  return r.data[flatOf(own, r.shape)]!;
}

export function broadcastRef(r: Ref, shape: number[]): Ref {
  return { shape, data: Array.from({ length: prod(shape) }, (_, i) => atBroadcast(r, coordOf(i, shape))) };
}

export function binaryRef(a: Ref, b: Ref, f: (x: number, y: number) => number): Ref {
  const shape = broadcastShape(a.shape, b.shape)!;
  return {
    shape,
    data: Array.from({ length: prod(shape) }, (_, i) => {
      const c = coordOf(i, shape);
      return f(atBroadcast(a, c), atBroadcast(b, c));
    }),
  };
}

export function permuteRef(r: Ref, perm: readonly number[]): Ref {
  const shape = perm.map((p) => r.shape[p]!);
  return {
    shape,
    data: Array.from({ length: prod(shape) }, (_, i) => {
      const c = coordOf(i, shape);
      const src = new Array<number>(perm.length);
      perm.forEach((p, k) => (src[p] = c[k]!));
      return r.data[flatOf(src, r.shape)]!;
    }),
  };
}

/** Elements start..start+len along dim. */
export function narrowRef(r: Ref, dim: number, start: number, len: number): Ref {
  const shape = [...r.shape];
  shape[dim] = len;
  return {
    shape,
    data: Array.from({ length: prod(shape) }, (_, i) => {
      const c = coordOf(i, shape);
      c[dim]! += start;
      return r.data[flatOf(c, r.shape)]!;
    }),
  };
}

export function catRef(parts: Ref[], dim: number): Ref {
  const shape = [...parts[0]!.shape];
  shape[dim] = parts.reduce((n, p) => n + p.shape[dim]!, 0);
  return {
    shape,
    data: Array.from({ length: prod(shape) }, (_, i) => {
      const c = coordOf(i, shape);
      let k = 0;
      while (c[dim]! >= parts[k]!.shape[dim]!) c[dim]! -= parts[k++]!.shape[dim]!;
      return parts[k]!.data[flatOf(c, parts[k]!.shape)]!;
    }),
  };
}

/**
 * Reduces the dims `dims` (normalized, distinct) of r with `f`, which gets the
 * values of one slice in row-major order.
 */
export function reduceRef(r: Ref, dims: number[], keepdim: boolean, f: (xs: number[]) => number): Ref {
  const keptShape = r.shape.map((s, d) => (dims.includes(d) ? 1 : s));
  const groups: number[][] = Array.from({ length: prod(keptShape) }, () => []);
  for (let i = 0; i < r.data.length; i++) {
    const c = coordOf(i, r.shape).map((x, d) => (dims.includes(d) ? 0 : x));
    groups[flatOf(c, keptShape)]!.push(r.data[i]!);
  }
  const shape = keepdim ? keptShape : r.shape.filter((_, d) => !dims.includes(d));
  return { shape, data: groups.map(f) };
}

export const refSum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
export const refMean = (xs: number[]) => refSum(xs) / xs.length;
export const refMax = (xs: number[]) => (xs.some(Number.isNaN) ? NaN : Math.max(...xs));
export const refMin = (xs: number[]) => (xs.some(Number.isNaN) ? NaN : Math.min(...xs));
/** First index of the max; a NaN wins (PyTorch's rule). */
export const refArgmax = (xs: number[]) => {
  const nan = xs.findIndex(Number.isNaN);
  if (nan >= 0) return nan;
  return xs.indexOf(Math.max(...xs));
};
export const refVar = (correction: number) => (xs: number[]) => {
  const m = refMean(xs);
  return xs.reduce((a, x) => a + (x - m) ** 2, 0) / Math.max(xs.length - correction, 0);
};
export const refLogsumexp = (xs: number[]) => {
  const m = Math.max(...xs);
  if (!Number.isFinite(m)) return m === -Infinity ? -Infinity : m;
  return m + Math.log(xs.reduce((a, x) => a + Math.exp(x - m), 0));
};

/** Same shape and values within rtol/atol; NaN matches NaN, infinities match exactly. */
export function expectClose(t: Tensor, r: Ref, tol = 0): void {
  const msg = () => `got ${t.toString()}, expected shape [${r.shape}] ${JSON.stringify(r.data)}`;
  if (t.shape.length !== r.shape.length || t.shape.some((s, i) => s !== r.shape[i])) throw new Error(`shape mismatch: ${msg()}`);
  for (let i = 0; i < r.data.length; i++) {
    const a = t.data[i]!;
    const b = r.data[i]!;
    if (Number.isNaN(b) ? Number.isNaN(a) : a === b || Math.abs(a - b) <= tol * (1 + Math.abs(b))) continue;
    throw new Error(`element ${i}: ${a} vs ${b}; ${msg()}`);
  }
}

// ---- generators ----

/** A shape of up to `maxDims` dims of sizes 0..maxSize (0 only when allowEmpty). */
export function shapeArb(maxDims = 4, maxSize = 4, allowEmpty = true): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: allowEmpty ? 0 : 1, max: maxSize }), { maxLength: maxDims });
}

/** Two shapes that broadcast: drop leading dims and set some dims to 1 in each. */
export const broadcastPairArb: fc.Arbitrary<[number[], number[]]> = shapeArb(4, 3).chain((out) =>
  fc.tuple(
    fc.tuple(fc.integer({ min: 0, max: out.length }), fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length })),
    fc.tuple(fc.integer({ min: 0, max: out.length }), fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length })),
  ).map(([[da, oa], [db, ob]]) => {
    const make = (drop: number, ones: boolean[]) => out.map((s, i) => (ones[i] ? 1 : s)).slice(drop);
    return [make(da, oa), make(db, ob)] as [number[], number[]];
  }),
);

/** Values: mostly moderate doubles, sometimes NaN, ±Infinity, ±0 or a repeated value (ties). */
export function valueArb(special = true): fc.Arbitrary<number> {
  const plain = fc.double({ min: -10, max: 10, noNaN: true });
  if (!special) return plain;
  return fc.oneof(
    { weight: 12, arbitrary: plain },
    { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, 0, -0, 1) },
  );
}

/** A float64 tensor of the given shape with values from `values`. */
export function refArb(shape: number[], values = valueArb()): fc.Arbitrary<Ref> {
  return fc.array(values, { minLength: prod(shape), maxLength: prod(shape) }).map((data) => ({ shape, data }));
}

/** A ref of a random shape. */
export function anyRefArb(maxDims = 4, maxSize = 4, values = valueArb(), allowEmpty = true): fc.Arbitrary<Ref> {
  return shapeArb(maxDims, maxSize, allowEmpty).chain((s) => refArb(s, values));
}
