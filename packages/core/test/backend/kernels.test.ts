// Every kernel of the Backend interface, driven with random inputs on the
// reference (js) backend and on the wasm backend, results compared. Sizes
// include odd remainders, broadcasting, transposes, and work large enough to
// go to the thread pool (NEURONE_THREADS=1 and NEURONE_WASM_RELAXED=0 runs
// of this file cover the other paths).
import { describe, expect, it } from 'vitest';
import { jsBackend, wasmBackend, type Backend, type BinaryOp, type UnaryOp } from '../../src/index.js';
import type { AdamStep, Im2colParams, MatmulParams, SgdStep } from '../../src/backend/backend.js';
import type { TypedArray } from '../../src/dtype.js';
import { stridesOf } from '../../src/shape.js';
import { setWasmSmallThreshold } from '../../src/backend/wasm/index.js';

// tiny elementwise work normally runs the reference code; test the wasm kernels at every size
setWasmSmallThreshold(0);

const js: Backend = jsBackend;
const wasm: Backend = wasmBackend;

/** mulberry32: a small seeded generator, so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randF32(n: number, r: () => number, lo = -3, hi = 3): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * r();
  return a;
}

function randI32(n: number, r: () => number, lo: number, hi: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + Math.floor((hi - lo) * r());
  return a;
}

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** Elementwise |a - e| <= atol + rtol |e|, NaN matching NaN and infinities matching exactly. */
function expectClose(actual: TypedArray, expected: TypedArray, what: string, rtol = 1e-6, atol = 1e-6): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e)) {
      if (!Number.isNaN(a)) throw new Error(`${what}: at ${i} expected NaN, got ${a}`);
      continue;
    }
    if (!Number.isFinite(e)) {
      if (a !== e) throw new Error(`${what}: at ${i} expected ${e}, got ${a}`);
      continue;
    }
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      throw new Error(`${what}: at ${i} expected ${e}, got ${a} (|diff| ${Math.abs(a - e)})`);
    }
  }
}

/** Runs the same kernel on both backends, each on its own copies of the arrays, and returns both outputs. */
/**
 * Runs a kernel on both backends into fresh outputs. `written`: the kernel must
 * write every element (ops may hand it uninitialised memory), so each backend's
 * output starts from a different filler and an element left alone shows up.
 */
function both<T extends TypedArray>(out: () => T, run: (b: Backend, out: T) => void, written = false): [T, T] {
  const a = out();
  const b = out();
  if (written) {
    a.fill(7);
    b.fill(9);
  }
  run(js, a);
  run(wasm, b);
  return [b, a];
}

const SPECIAL = [0, -0, 1, -1, 0.5, -0.5, 1.5, 2.5, -2.5, 1e-8, -1e-8, 20, -20, 88, -88, 100, -100, 1e30, -1e30,
  Infinity, -Infinity, NaN];

const EXACT_UNARY = new Set<UnaryOp>([
  'neg', 'exp', 'log', 'sqrt', 'rsqrt', 'abs', 'sign', 'square', 'reciprocal', 'sin', 'cos', 'floor', 'ceil', 'round',
  'log1p', 'expm1', 'relu', 'tanh', 'addScalar', 'mulScalar', 'affine', 'clamp', 'leakyRelu',
]);

describe('wasm backend kernels against the reference backend', { timeout: 60000 }, () => {
  it('unary: every op, odd and large sizes, special values', () => {
    const r = rng(1);
    const ops: UnaryOp[] = [
      'neg', 'exp', 'log', 'sqrt', 'rsqrt', 'abs', 'sign', 'square', 'reciprocal', 'sin', 'cos', 'floor', 'ceil',
      'round', 'log1p', 'expm1', 'relu', 'sigmoid', 'tanh', 'softplus', 'gelu', 'silu', 'geluGrad', 'leakyRelu',
      'elu', 'clamp', 'powScalar', 'addScalar', 'mulScalar', 'affine',
    ];
    const params: Partial<Record<UnaryOp, [number, number]>> = {
      leakyRelu: [0.01, 0], elu: [1.3, 0], clamp: [-0.7, 1.2], powScalar: [2.5, 0], addScalar: [0.3, 0],
      mulScalar: [-1.7, 0], affine: [0.5, -2],
    };
    for (const op of ops) {
      for (const n of [1, 3, 4, 5, 17, 1001, 70001]) {
        const x = randF32(n, r, -6, 6);
        if (n === 1001) x.set(SPECIAL);
        const [p0, p1] = params[op] ?? [0, 0];
        const [got, want] = both(() => new Float32Array(n), (b, o) => b.unary(op, x, o, p0, p1), true);
        // these round the double-precision result once, exactly like the reference
        const exact = EXACT_UNARY.has(op);
        expectClose(got, want, `unary ${op} n=${n}`, exact ? 0 : 4e-6, exact ? 0 : 1e-6);
      }
    }
    // clamp with an open end, logical not on bools
    const x = randF32(37, r);
    const [c1, c2] = both(() => new Float32Array(37), (b, o) => b.unary('clamp', x, o, -Infinity, 0.5), true);
    expectClose(c1, c2, 'clamp (-inf, 0.5)');
    const bools = new Uint8Array([0, 1, 1, 0, 1]);
    const [n1, n2] = both(() => new Uint8Array(5), (b, o) => b.unary('not', bools, o), true);
    expect(Array.from(n1)).toEqual(Array.from(n2));
  });

  it('binary: every op with broadcasting, scalars and large rows', () => {
    const r = rng(2);
    const ops: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'and', 'or'];
    const cases: Array<[number[], number[]]> = [
      [[7], [7]], [[2, 3, 5], [2, 3, 5]], [[3, 1, 5], [4, 1]], [[2, 3, 4], [4]], [[], [6]], [[6], []], [[], []],
      [[1], [7, 7]], [[5, 1, 3, 1], [1, 4, 1, 6]], [[2, 1, 9], [2, 3, 1]], [[300, 257], [257]], [[257, 1], [257, 300]],
    ];
    for (const op of ops) {
      const cmp = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'and', 'or'].includes(op);
      for (const [as, bs] of cases) {
        const outShape = broadcast(as, bs);
        const a = op === 'pow' ? randF32(size(as), r, 0.1, 3) : randF32(size(as), r);
        const b = randF32(size(bs), r);
        if (cmp) {
          // ties and zeros, so equality and logic have both answers
          for (let i = 0; i < a.length; i++) a[i] = Math.round(a[i]!);
          for (let i = 0; i < b.length; i++) b[i] = Math.round(b[i]!);
        }
        if (a.length > 3) a[1] = NaN;
        const mk = () => (cmp ? new Uint8Array(size(outShape)) : new Float32Array(size(outShape)));
        const [got, want] = both(mk, (be, o) => be.binary(op, a, as, b, bs, o, outShape), true);
        expectClose(got, want, `binary ${op} ${JSON.stringify(as)} ${JSON.stringify(bs)}`, 0, 0);
      }
    }
    // int32 operands go through the reference kernel on both
    const ia = randI32(12, r, -5, 5);
    const ib = randI32(4, r, 1, 5);
    const [g, w] = both(() => new Int32Array(12), (be, o) => be.binary('mul', ia, [3, 4], ib, [4], o, [3, 4]), true);
    expect(Array.from(g)).toEqual(Array.from(w));
  });

  it('where: broadcast condition and operands, float32 and int32', () => {
    const r = rng(3);
    const cases: Array<[number[], number[], number[]]> = [
      [[4, 5], [4, 5], [4, 5]], [[4, 5], [], [4, 5]], [[4, 5], [4, 5], []], [[4, 1], [5], []], [[3, 37], [3, 37], [3, 37]], [[1, 5], [4, 1], [4, 5]], [[2, 3, 1], [3, 7], [1]], [[], [3], [3]],
    ];
    for (const [cs, as, bs] of cases) {
      const outShape = broadcast(broadcast(cs, as), bs);
      const cond = new Uint8Array(size(cs)).map(() => (r() < 0.5 ? 1 : 0));
      const a = randF32(size(as), r);
      const b = randF32(size(bs), r);
      const [g, w] = both(() => new Float32Array(size(outShape)), (be, o) => be.where(cond, cs, a, as, b, bs, o, outShape), true);
      expectClose(g, w, `where ${JSON.stringify([cs, as, bs])}`, 0, 0);
      const ia = randI32(size(as), r, -9, 9);
      const ib = randI32(size(bs), r, -9, 9);
      const [gi, wi] = both(() => new Int32Array(size(outShape)), (be, o) => be.where(cond, cs, ia, as, ib, bs, o, outShape), true);
      expect(Array.from(gi)).toEqual(Array.from(wi));
    }
  });

  it('reduce and argReduce along every kind of axis', () => {
    const r = rng(4);
    const shapes: Array<[number, number, number]> = [
      [1, 1, 1], [3, 17, 1], [2, 5, 7], [4, 1000, 3], [1, 100003, 1], [5, 3, 33], [2, 1, 9],
    ];
    for (const [outer, sz, inner] of shapes) {
      for (const op of ['sum', 'max', 'min', 'prod'] as const) {
        const x = op === 'prod' ? randF32(outer * sz * inner, r, 0.99, 1.01) : randF32(outer * sz * inner, r);
        const [g, w] = both(() => new Float32Array(outer * inner), (be, o) => be.reduce(op, x, outer, sz, inner, o));
        expectClose(g, w, `reduce ${op} ${[outer, sz, inner]}`, 1e-6, 1e-6);
      }
      for (const op of ['argmax', 'argmin'] as const) {
        // small integers: ties, where the first index must win
        const x = randF32(outer * sz * inner, r, -3, 3).map(Math.round);
        if (x.length > 10) x[7] = NaN;
        const [g, w] = both(() => new Int32Array(outer * inner), (be, o) => be.argReduce(op, x, outer, sz, inner, o));
        expect(Array.from(g), `${op} ${[outer, sz, inner]}`).toEqual(Array.from(w));
      }
    }
    const nanRow = new Float32Array([1, NaN, 3, 2, 5]);
    for (const op of ['max', 'min', 'sum'] as const) {
      const [g, w] = both(() => new Float32Array(1), (be, o) => be.reduce(op, nanRow, 1, 5, 1, o));
      expectClose(g, w, `reduce ${op} with NaN`);
    }
  });

  it('softmax and log-softmax, contiguous and strided axes', () => {
    const r = rng(5);
    const shapes: Array<[number, number, number]> = [[1, 1, 1], [3, 10, 1], [2, 7, 5], [64, 1000, 1], [3, 5, 33], [200, 130, 1]];
    for (const [outer, sz, inner] of shapes) {
      for (const log of [false, true]) {
        const x = randF32(outer * sz * inner, r, -20, 20);
        x[0] = -Infinity;
        const [g, w] = both(() => new Float32Array(x.length), (be, o) => be.softmax(x, outer, sz, inner, o, log), true);
        expectClose(g, w, `softmax log=${log} ${[outer, sz, inner]}`, 5e-6, 1e-7);
      }
    }
    const allInf = new Float32Array([-Infinity, -Infinity, -Infinity]);
    const [g, w] = both(() => new Float32Array(3), (be, o) => be.softmax(allInf, 1, 3, 1, o, false), true);
    expectClose(g, w, 'softmax of all -inf');
  });

  it('matmul: remainders, transposes, batches with shared operands, accumulate, threads', () => {
    const r = rng(6);
    const dims: Array<[number, number, number]> = [
      [1, 1, 1], [3, 5, 7], [4, 8, 256], [5, 9, 257], [33, 17, 300], [130, 70, 513], [300, 40, 400], [40, 300, 400],
      [7, 2049, 3], [1, 64, 64], [64, 1, 64], [17, 19, 0],
      // rows split between threads that share B's packed panels: more columns than one block of them (NC)
      [2056, 2050, 3],
    ];
    for (const [m, n, k] of dims) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const a = randF32(m * k, r);
          const b = randF32(k * n, r);
          const p: MatmulParams = { batch: 1, m, n, k, transA, transB, strideA: m * k, strideB: k * n, accumulate: false };
          // outputs may come uninitialised (ops/matmul.ts): every element must be written when k > 0
          const [g, w] = both(() => new Float32Array(m * n), (be, o) => be.matmul(a, b, o, p), k > 0);
          expectClose(g, w, `matmul ${[m, n, k]} tA=${transA} tB=${transB}`, 1e-5, 2e-6 * Math.max(k, 1));
        }
      }
    }
    // batched, one operand shared (stride 0), accumulating into a non-zero out
    for (const [batch, m, n, k, sharedA, sharedB] of [
      [3, 5, 6, 7, false, false], [4, 9, 17, 33, true, false], [5, 12, 10, 20, false, true], [8, 64, 64, 64, false, false],
      [3, 200, 100, 64, false, true],
    ] as Array<[number, number, number, number, boolean, boolean]>) {
      for (const accumulate of [false, true]) {
        const a = randF32((sharedA ? 1 : batch) * m * k, r);
        const b = randF32((sharedB ? 1 : batch) * k * n, r);
        const init = randF32(batch * m * n, r);
        const p: MatmulParams = {
          batch, m, n, k, transA: accumulate, transB: sharedB,
          strideA: sharedA ? 0 : m * k, strideB: sharedB ? 0 : k * n, accumulate,
        };
        const [g, w] = both(() => init.slice(), (be, o) => be.matmul(a, b, o, p));
        expectClose(g, w, `batched matmul ${[batch, m, n, k]} acc=${accumulate}`, 1e-5, 2e-6 * k);
      }
    }
    // a bias added to every row, with and without an inner dimension, batched
    for (const [batch, m, n, k] of [[1, 7, 9, 5], [1, 130, 70, 513], [3, 20, 33, 17], [1, 5, 6, 0]] as Array<[number, number, number, number]>) {
      const a = randF32(batch * m * k, r);
      const b = randF32(batch * n * k, r);
      const bias = randF32(n, r);
      const p: MatmulParams = { batch, m, n, k, transA: false, transB: true, strideA: m * k, strideB: n * k, accumulate: false, bias };
      const [g, w] = both(() => new Float32Array(batch * m * n), (be, o) => be.matmul(a, b, o, p), true);
      expectClose(g, w, `matmul + bias ${[batch, m, n, k]}`, 1e-5, 2e-6 * Math.max(k, 1));
      // the same as accumulating onto rows filled with the bias
      const filled = new Float32Array(batch * m * n).map((_, i) => bias[i % n]!);
      js.matmul(a, b, filled, { ...p, accumulate: true, bias: null });
      expect(Array.from(w)).toEqual(Array.from(filled));
      // accumulating: out += product + bias
      const init = randF32(batch * m * n, r);
      const [ga, wa] = both(() => init.slice(), (be, o) => be.matmul(a, b, o, { ...p, accumulate: true }));
      expectClose(ga, wa, `matmul += product + bias ${[batch, m, n, k]}`, 1e-5, 2e-6 * Math.max(k, 1));
      const plus = init.map((v, i) => v + bias[i % n]!);
      js.matmul(a, b, plus, { ...p, accumulate: true, bias: null });
      expectClose(wa, plus, `js matmul += product + bias ${[batch, m, n, k]}`, 1e-6, 1e-6);
    }
    // float64 goes through the reference kernel
    const a64 = Float64Array.from(randF32(12, r));
    const b64 = Float64Array.from(randF32(12, r));
    const p: MatmulParams = { batch: 1, m: 3, n: 3, k: 4, transA: false, transB: true, strideA: 12, strideB: 12, accumulate: false };
    const [g, w] = both(() => new Float64Array(9), (be, o) => be.matmul(a64, b64, o, p));
    expect(Array.from(g)).toEqual(Array.from(w));
  });

  it('permute and broadcastTo, float32 and int32', () => {
    const r = rng(7);
    const cases: Array<[number[], number[]]> = [
      [[2, 3, 4], [2, 0, 1]], [[2, 3, 4], [1, 0, 2]], [[64, 33], [1, 0]], [[3, 17, 19], [0, 2, 1]],
      [[2, 3, 1, 4, 5], [4, 2, 0, 3, 1]], [[5], [0]], [[], []], [[1, 6, 1], [2, 1, 0]], [[129, 257], [1, 0]],
    ];
    for (const [shape, perm] of cases) {
      const outShape = perm.map((p) => shape[p]!);
      const x = randF32(size(shape), r);
      const [g, w] = both(() => new Float32Array(x.length), (be, o) => be.permute(x, shape, perm, o));
      expect(Array.from(g), `permute ${JSON.stringify([shape, perm])}`).toEqual(Array.from(w));
      const xi = randI32(size(shape), r, -100, 100);
      const [gi, wi] = both(() => new Int32Array(x.length), (be, o) => be.permute(xi, shape, perm, o));
      expect(Array.from(gi)).toEqual(Array.from(wi));
      expect(outShape.length).toBe(shape.length);
    }
    const bcases: Array<[number[], number[]]> = [[[3, 1], [2, 3, 5]], [[], [4]], [[1], [3, 2]], [[4, 1, 3], [4, 5, 3]], [[7], [2, 7]]];
    for (const [shape, outShape] of bcases) {
      const x = randF32(size(shape), r);
      const [g, w] = both(() => new Float32Array(size(outShape)), (be, o) => be.broadcastTo(x, shape, o, outShape));
      expect(Array.from(g), `broadcastTo ${JSON.stringify([shape, outShape])}`).toEqual(Array.from(w));
    }
  });

  it('copyRows, indexSelect, indexAdd, gather, scatterAdd', () => {
    const r = rng(8);
    for (const accumulate of [false, true]) {
      const src = randF32(3 * 5 * 7, r);
      const dstInit = randF32(3 * 9 * 7, r);
      const [g, w] = both(() => dstInit.slice(), (be, o) => be.copyRows(src, 5, 1, o, 9, 4, 3, 3, 7, accumulate));
      expectClose(g, w, `copyRows acc=${accumulate}`, 1e-7, 0);
    }
    for (const [outer, sz, inner, m] of [[1, 10, 1, 4], [3, 7, 5, 9], [2, 50, 33, 20]]) {
      const x = randF32(outer! * sz! * inner!, r);
      const index = randI32(m!, r, 0, sz!);
      const [g, w] = both(() => new Float32Array(outer! * m! * inner!), (be, o) => be.indexSelect(x, outer!, sz!, inner!, index, o));
      expect(Array.from(g)).toEqual(Array.from(w));
      const xi = randI32(x.length, r, -50, 50);
      const [gi, wi] = both(() => new Int32Array(outer! * m! * inner!), (be, o) => be.indexSelect(xi, outer!, sz!, inner!, index, o));
      expect(Array.from(gi)).toEqual(Array.from(wi));
      const src = randF32(outer! * m! * inner!, r);
      const dst0 = randF32(x.length, r);
      const [ga, wa] = both(() => dst0.slice(), (be, o) => be.indexAdd(o, outer!, sz!, inner!, index, src));
      expectClose(ga, wa, `indexAdd ${[outer, sz, inner, m]}`, 1e-6, 1e-6);
    }
    for (const [xShape, dim, iShape] of [
      [[5], 0, [8]], [[4, 6], 0, [7, 6]], [[4, 6], 1, [4, 9]], [[3, 4, 5], 1, [3, 2, 5]], [[3, 4, 5], 2, [2, 4, 3]],
    ] as Array<[number[], number, number[]]>) {
      const x = randF32(size(xShape), r);
      const index = randI32(size(iShape), r, 0, xShape[dim]!);
      const [g, w] = both(() => new Float32Array(size(iShape)), (be, o) => be.gather(x, xShape, dim, index, iShape, o));
      expect(Array.from(g), `gather ${JSON.stringify([xShape, dim, iShape])}`).toEqual(Array.from(w));
      const src = randF32(size(iShape), r);
      const dst0 = randF32(size(xShape), r);
      const [gs, ws] = both(() => dst0.slice(), (be, o) => be.scatterAdd(o, xShape, dim, index, iShape, src));
      expectClose(gs, ws, `scatterAdd ${JSON.stringify([xShape, dim, iShape])}`, 1e-6, 1e-6);
    }
    expect(stridesOf([2, 3])).toEqual([3, 1]);
  });

  it('cast between dtypes, with JS ToInt32 wrapping', () => {
    const r = rng(9);
    const f = randF32(1003, r, -1e3, 1e3);
    f.set([0.5, -0.5, 1.9, -1.9, 2147483647, 2147483648, -2147483649, 3e9, -3e9, 1e20, Infinity, -Infinity, NaN]);
    const [g, w] = both(() => new Int32Array(f.length), (be, o) => be.cast(f, o), true);
    expect(Array.from(g)).toEqual(Array.from(w));
    const i = randI32(1001, r, -(2 ** 30), 2 ** 30);
    const [g2, w2] = both(() => new Float32Array(i.length), (be, o) => be.cast(i, o), true);
    expect(Array.from(g2)).toEqual(Array.from(w2));
    const [g3, w3] = both(() => new Uint8Array(f.length), (be, o) => be.cast(f, o), true);
    expect(Array.from(g3)).toEqual(Array.from(w3));
    const u = new Uint8Array(33).map(() => (r() < 0.5 ? 1 : 0));
    const [g4, w4] = both(() => new Float32Array(u.length), (be, o) => be.cast(u, o), true);
    expect(Array.from(g4)).toEqual(Array.from(w4));
    const [g5, w5] = both(() => new Float64Array(f.length), (be, o) => be.cast(f, o), true);
    expect(Array.from(g5)).toEqual(Array.from(w5));
  });

  it('bce and bceGrad: probabilities with the ends 0 and 1, subnormals, out-of-range and NaN, odd sizes', () => {
    const r = rng(13);
    for (const n of [0, 1, 5, 1030, 40001]) {
      const x = randF32(n, r, 0, 1);
      const y = randF32(n, r, 0, 1);
      const g = randF32(n, r, -2, 2);
      // the ends, where the logs are clamped at -100 and the gradient's denominator at 1e-12
      const specials = [0, 1, 1e-45, 1e-40, 2e-38, 1e-30, 1 - 2 ** -24, 0.5, -0.5, 1.5, NaN, Infinity];
      specials.forEach((v, i) => { if (i < n) x[i] = v; });
      const [l, lw] = both(() => new Float32Array(n), (be, o) => be.bce(x, y, o), true);
      expectClose(l, lw, `bce n=${n}`, 2e-6, 1e-6);
      // the count of inputs that are not probabilities, with one more in the vector part and one in the tail
      if (n > 40) [x[n - 1], x[n >> 1]] = [-1e-7, 1 + 1e-7];
      const notProb = x.filter((v) => !(v >= 0 && v <= 1)).length;
      expect(wasm.bce(x, y, new Float32Array(n)), `bce count n=${n}`).toBe(notProb);
      expect(js.bce(x, y, new Float32Array(n)), `bce count n=${n}`).toBe(notProb);
      const [d, dw] = both(() => new Float32Array(n), (be, o) => be.bceGrad(x, y, g, o), true);
      expectClose(d, dw, `bceGrad n=${n}`, 2e-6, 1e-6);
    }
  });

  it('adam: Adam and AdamW steps give the same bits, on plain and state arrays, odd sizes and threads', () => {
    const r = rng(12);
    const steps: AdamStep[] = [
      { beta1: 0.9, beta2: 0.999, sign: 1, l2: 0, decay: 1, stepSize: 1e-3 / (1 - 0.9), invBc2: 1 / Math.sqrt(1 - 0.999), eps: 1e-8 },
      { beta1: 0.5, beta2: 0.99, sign: -1, l2: 0.01, decay: 1, stepSize: 0.02, invBc2: 1.3, eps: 1e-6 },
      { beta1: 0.8, beta2: 0.9, sign: 1, l2: 0, decay: 1 - 0.1 * 0.01, stepSize: 0.1, invBc2: 1.7, eps: 1e-8 },
    ];
    for (const n of [1, 7, 130, 70001]) {
      for (const s of steps) {
        const [x0, g, m0, v0] = [randF32(n, r), randF32(n, r), randF32(n, r, -0.1, 0.1), randF32(n, r, 0, 0.1)];
        const run = (be: Backend, state: boolean) => {
          const [x, m, v] = [Float32Array.from(x0), state ? wasm.allocState!(n)! : new Float32Array(n), state ? wasm.allocState!(n)! : new Float32Array(n)];
          m.set(m0);
          v.set(v0);
          // two steps: the second reads the moments the first wrote
          be.adam(x, g, m, v, s);
          be.adam(x, g, m, v, s);
          return [x, m, v];
        };
        const want = run(js, false);
        for (const got of [run(wasm, false), run(wasm, true), run(js, true)]) {
          ['x', 'm', 'v'].forEach((name, i) => expectClose(got[i]!, want[i]!, `adam n=${n} ${JSON.stringify(s)} ${name}`, 0, 0));
        }
      }
    }
  });

  it('sgd: plain, momentum (first and later steps), dampening, Nesterov, weight decay, maximize: the same bits', () => {
    const r = rng(14);
    const steps: SgdStep[] = [
      { lr: 0.01, sign: 1, weightDecay: 0, momentum: 0, keep: 1, nesterov: false, first: false },
      { lr: 0.1, sign: -1, weightDecay: 1e-3, momentum: 0, keep: 1, nesterov: false, first: false },
      { lr: 0.05, sign: 1, weightDecay: 0, momentum: 0.9, keep: 1, nesterov: false, first: true },
      { lr: 0.05, sign: 1, weightDecay: 5e-4, momentum: 0.9, keep: 0.7, nesterov: false, first: false },
      { lr: 0.3, sign: -1, weightDecay: 0.01, momentum: 0.8, keep: 1, nesterov: true, first: false },
    ];
    for (const n of [0, 1, 7, 130, 70001]) {
      for (const s of steps) {
        const [x0, g, b0] = [randF32(n, r), randF32(n, r), randF32(n, r, -0.1, 0.1)];
        const run = (be: Backend, state: boolean) => {
          // (allocState declines 0 elements)
          const x = state ? wasm.allocState!(n) ?? new Float32Array(n) : new Float32Array(n);
          x.set(x0);
          const b = s.momentum === 0 ? null : state ? wasm.allocState!(n) ?? new Float32Array(n) : new Float32Array(n);
          b?.set(b0);
          // two steps: the second reads what the first wrote
          be.sgd(x, g, b, s);
          be.sgd(x, g, b, { ...s, first: false });
          return [x, b ?? new Float32Array(0)];
        };
        const want = run(js, false);
        for (const got of [run(wasm, false), run(wasm, true), run(js, true)]) {
          ['x', 'b'].forEach((name, i) => expectClose(got[i]!, want[i]!, `sgd n=${n} ${JSON.stringify(s)} ${name}`, 0, 0));
        }
      }
    }
  });

  it('im2col and col2im: padding, strides, dilation, uneven output', () => {
    const r = rng(10);
    const geoms: Im2colParams[] = [
      geom(2, 3, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1),
      geom(1, 2, 7, 9, 3, 2, 2, 3, 1, 0, 1, 1),
      geom(2, 1, 10, 10, 3, 3, 1, 1, 2, 2, 2, 2),
      geom(1, 4, 1, 20, 1, 5, 1, 2, 0, 2, 1, 1), // 1-D
      geom(3, 2, 5, 5, 5, 5, 1, 1, 0, 0, 1, 1),
      geom(2, 16, 32, 32, 3, 3, 1, 1, 1, 1, 1, 1), // large: threads
    ];
    for (const p of geoms) {
      const xLen = p.batch * p.channels * p.height * p.width;
      const colLen = p.batch * p.channels * p.kernelH * p.kernelW * p.outH * p.outW;
      const x = randF32(xLen, r);
      const [g, w] = both(() => new Float32Array(colLen), (be, o) => be.im2col(x, o, p));
      expectClose(g, w, `im2col ${JSON.stringify(p)}`, 0, 0);
      const col = randF32(colLen, r);
      const [g2, w2] = both(() => randF32(xLen, r), (be, o) => be.col2im(col, o, p));
      expectClose(g2, w2, `col2im ${JSON.stringify(p)}`, 1e-6, 1e-6);
    }
  });
});

describe('wasm backend state', () => {
  it('allocState gives zeroed views of wasm memory that stay valid as the memory grows, freed when collected', () => {
    const a = wasm.allocState!(1000)!;
    expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(a.every((v) => v === 0)).toBe(true);
    a.fill(2.5);
    // a large call grows the memory; the state array keeps its values and stays writable
    const big = new Float32Array(8 << 20);
    wasm.unary('neg', big, new Float32Array(big.length));
    expect(a.every((v) => v === 2.5)).toBe(true);
    const b = wasm.allocState!(1000)!;
    expect(b.every((v) => v === 0)).toBe(true);
    expect(b.byteOffset).not.toBe(a.byteOffset);
  });

  it('large GEMMs (workspaces, threads) leave the math tables of the scalar kernels intact', () => {
    const r = rng(11);
    const a = randF32(300 * 300, r);
    const p: MatmulParams = { batch: 1, m: 300, n: 300, k: 300, transA: false, transB: false, strideA: 0, strideB: 0, accumulate: false };
    wasm.matmul(a, a, new Float32Array(300 * 300), p);
    const x = randF32(1000, r, 0.01, 20);
    for (const op of ['log', 'sin', 'cos', 'exp', 'expm1', 'log1p', 'gelu'] as UnaryOp[]) {
      const [g, w] = both(() => new Float32Array(1000), (be, o) => be.unary(op, x, o), true);
      expectClose(g, w, `${op} after GEMM`, op === 'gelu' ? 4e-6 : 0, op === 'gelu' ? 1e-6 : 0);
    }
    const [g, w] = both(() => new Float32Array(1000), (be, o) => be.softmax(x, 1, 10, 100, o, true), true);
    expectClose(g, w, 'strided log-softmax after GEMM', 5e-6, 1e-7);
  });
});

function geom(
  batch: number, channels: number, height: number, width: number, kernelH: number, kernelW: number,
  strideH: number, strideW: number, padTop: number, padLeft: number, dilationH: number, dilationW: number,
): Im2colParams {
  const outH = Math.floor((height + 2 * padTop - dilationH * (kernelH - 1) - 1) / strideH) + 1;
  const outW = Math.floor((width + 2 * padLeft - dilationW * (kernelW - 1) - 1) / strideW) + 1;
  return { batch, channels, height, width, kernelH, kernelW, strideH, strideW, padTop, padLeft, dilationH, dilationW, outH, outW };
}

function broadcast(a: number[], b: number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    out.push(da === 1 ? db : da);
  }
  return out;
}
