// A whole LSTM layer (lstmForward / lstmBackward) over packed sequences: the
// forward against one sample at a time in double precision, the backward
// against finite differences, and every backend against the reference.
import { describe, expect, it } from 'vitest';
import { Generator, getBackend, jsBackend, listBackends, setBackend, type Backend, type LstmParams, type LstmSaved, type LstmWeights } from '../../src/index.js';

const sig = (x: number) => 1 / (1 + Math.exp(-x));

/** Lengths of N samples, longest first, and the per-step batch sizes they give. */
function packed(lengths: number[]): number[] {
  const T = lengths[0]!;
  return Array.from({ length: T }, (_, t) => lengths.filter((l) => l > t).length);
}

interface Case {
  I: number;
  H: number;
  lengths: number[];
  reverse: boolean;
  /** No bias (null) instead of a random one. */
  noBias?: boolean;
}

function inputs(c: Case, make: (n: number) => Float32Array | Float64Array, seed: number) {
  const gen = new Generator(seed);
  const fill = (n: number, s: number) => {
    const a = make(n);
    for (let i = 0; i < n; i++) a[i] = s * gen.normal();
    return a;
  };
  const sizes = packed(c.lengths);
  const rows = sizes.reduce((a, b) => a + b, 0);
  const N = sizes[0]!;
  const { H, I } = c;
  return {
    sizes, rows, N, x: fill(rows * I, 1), wIh: fill(4 * H * I, 0.5), wHh: fill(4 * H * H, 0.5), bias: fill(4 * H, 0.5), h0: fill(N * H, 0.5), c0: fill(N * H, 0.5),
  };
}

/** Sample b alone, step by step, in doubles: its outputs in packed order and its final h and c. */
function naive(c: Case, x: ReturnType<typeof inputs>) {
  const { H } = c;
  const { sizes, N } = x;
  const starts: number[] = [];
  sizes.reduce((r, n) => (starts.push(r), r + n), 0);
  const out = new Float64Array(x.rows * H);
  const hN = new Float64Array(N * H);
  const cN = new Float64Array(N * H);
  for (let b = 0; b < N; b++) {
    const L = c.lengths[b]!;
    let h = Array.from(x.h0.subarray(b * H, (b + 1) * H));
    let cs = Array.from(x.c0.subarray(b * H, (b + 1) * H));
    for (let s = 0; s < L; s++) {
      const t = c.reverse ? L - 1 - s : s;
      const row = starts[t]! + b;
      const g = (k: number, j: number) => {
        const gate = k * H + j;
        let v = c.noBias ? 0 : x.bias[gate]!;
        for (let i = 0; i < c.I; i++) v += x.x[row * c.I + i]! * x.wIh[gate * c.I + i]!;
        for (let i = 0; i < H; i++) v += h[i]! * x.wHh[gate * H + i]!;
        return v;
      };
      const nh: number[] = [];
      const nc: number[] = [];
      for (let j = 0; j < H; j++) {
        const cv = sig(g(1, j)) * cs[j]! + sig(g(0, j)) * Math.tanh(g(2, j));
        nc.push(cv);
        nh.push(sig(g(3, j)) * Math.tanh(cv));
      }
      h = nh;
      cs = nc;
      out.set(h, row * H);
    }
    hN.set(h, b * H);
    cN.set(cs, b * H);
  }
  return { out, hN, cN };
}

function weights(c: Case, x: ReturnType<typeof inputs>): LstmWeights {
  return { x: x.x, wIh: x.wIh, wHh: x.wHh, bias: c.noBias ? null : x.bias };
}

function forward(be: Backend, c: Case, x: ReturnType<typeof inputs>, keep: boolean) {
  const F = x.x instanceof Float64Array ? Float64Array : Float32Array;
  const { rows, N } = x;
  const H = c.H;
  const out = { h: new F(rows * H), hN: new F(N * H), cN: new F(N * H) };
  const p: LstmParams = { input: c.I, hidden: H, sizes: x.sizes, reverse: c.reverse };
  const saved = be.lstmForward(weights(c, x), x.h0, x.c0, out, p, keep);
  return { out, p, saved };
}

type Seeds = { u: Float32Array | Float64Array; v: Float32Array | Float64Array; z: Float32Array | Float64Array };

/** Gradients of sum(out * u) + sum(hN * v) + sum(cN * z) for fixed random u, v, z, from one forward's saved buffers. */
function backward(be: Backend, c: Case, x: ReturnType<typeof inputs>, seeds: Seeds, saved: LstmSaved, p: LstmParams) {
  const F = x.x instanceof Float64Array ? Float64Array : Float32Array;
  const { H, I } = c;
  const grads = {
    x: new F(x.rows * I), wIh: new F(4 * H * I), wHh: new F(4 * H * H), bias: c.noBias ? null : new F(4 * H), h0: new F(x.N * H), c0: new F(x.N * H),
  };
  be.lstmBackward(seeds.u, seeds.v, seeds.z, weights(c, x), saved, grads, p);
  return grads;
}

function gradients(be: Backend, c: Case, x: ReturnType<typeof inputs>, seeds: Seeds) {
  const { saved, p } = forward(be, c, x, true);
  const g = backward(be, c, x, seeds, saved!, p);
  be.lstmFree(saved!);
  return g;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

const CASES: Case[] = [
  { I: 2, H: 3, lengths: [4, 4, 4], reverse: false },
  { I: 4, H: 5, lengths: [5, 3, 3, 1], reverse: false },
  { I: 3, H: 5, lengths: [5, 3, 3, 1], reverse: true },
  { I: 1, H: 8, lengths: [6, 2], reverse: true, noBias: true },
];

describe('lstmForward / lstmBackward reference (js backend, float64)', () => {
  for (const c of CASES) {
    const name = `H=${c.H}, lengths ${c.lengths.join(',')}${c.reverse ? ', reverse' : ''}`;
    it(`forward runs each sample from its own initial state: ${name}`, () => {
      const x = inputs(c, (n) => new Float64Array(n), 1);
      const want = naive(c, x);
      const { out } = forward(jsBackend, c, x, false);
      expect(maxDiff(out.h, want.out)).toBeLessThan(1e-12);
      expect(maxDiff(out.hN, want.hN)).toBeLessThan(1e-12);
      expect(maxDiff(out.cN, want.cN)).toBeLessThan(1e-12);
    });

    it(`backward matches finite differences: ${name}`, () => {
      const x = inputs(c, (n) => new Float64Array(n), 2);
      const H = c.H;
      const gen = new Generator(3);
      const seed = (n: number) => Float64Array.from({ length: n }, () => gen.normal());
      const seeds = { u: seed(x.rows * H), v: seed(x.N * H), z: seed(x.N * H) };
      const g = gradients(jsBackend, c, x, seeds);
      const loss = () => {
        const { out } = forward(jsBackend, c, x, false);
        let s = 0;
        for (let i = 0; i < out.h.length; i++) s += out.h[i]! * seeds.u[i]!;
        for (let i = 0; i < out.hN.length; i++) s += out.hN[i]! * seeds.v[i]! + out.cN[i]! * seeds.z[i]!;
        return s;
      };
      const eps = 1e-6;
      for (const k of ['x', 'wIh', 'wHh', 'bias', 'h0', 'c0'] as const) {
        const [arr, grad] = [x[k], g[k]];
        if (grad === null) continue;
        for (let i = 0; i < arr.length; i += Math.max(1, Math.floor(arr.length / 23))) {
          const v = arr[i]!;
          arr[i] = v + eps;
          const up = loss();
          arr[i] = v - eps;
          const down = loss();
          arr[i] = v;
          expect(grad[i]!).toBeCloseTo((up - down) / (2 * eps), 6);
        }
      }
    });
  }
});

describe.each(listBackends())('lstmForward / lstmBackward on the %s backend agree with the reference', (name) => {
  // a hidden size with a tail past the last multiple of 4, and a batch big enough for the GEMMs and cells to be split between threads
  for (const c of [...CASES, { I: 5, H: 7, lengths: [9, 9, 6, 2, 2], reverse: false, noBias: true }, { I: 16, H: 128, lengths: Array(32).fill(12), reverse: true }]) {
    it(`H=${c.H}, lengths ${c.lengths.length > 8 ? `${c.lengths.length}x${c.lengths[0]}` : c.lengths.join(',')}${c.reverse ? ', reverse' : ''}`, () => {
      const prev = getBackend().name;
      setBackend(name);
      try {
        const be = getBackend();
        const x = inputs(c, (n) => new Float32Array(n), 4);
        const gen = new Generator(5);
        const seed = (n: number) => Float32Array.from({ length: n }, () => gen.normal());
        const seeds = { u: seed(x.rows * c.H), v: seed(x.N * c.H), z: seed(x.N * c.H) };
        const got = forward(be, c, x, true);
        const ref = forward(jsBackend, c, x, true);
        for (const k of ['h', 'hN', 'cN'] as const) expect(maxDiff(got.out[k], ref.out[k])).toBeLessThan(5e-5);
        // without saving anything for a backward (inference) the outputs are the same
        const lean = forward(be, c, x, false);
        expect(lean.saved).toBeNull();
        for (const k of ['h', 'hN', 'cN'] as const) expect(maxDiff(lean.out[k], ref.out[k])).toBeLessThan(5e-5);
        const gb = backward(be, c, x, seeds, got.saved!, got.p);
        const gr = backward(jsBackend, c, x, seeds, ref.saved!, ref.p);
        for (const k of ['x', 'wIh', 'wHh', 'bias', 'h0', 'c0'] as const) {
          if (gr[k] === null) continue;
          let scale = 1;
          for (const v of gr[k]!) scale = Math.max(scale, Math.abs(v));
          expect(maxDiff(gb[k]!, gr[k]!) / scale).toBeLessThan(2e-5);
        }
        // a retained graph runs the backward again on the same saved buffers: the same gradients
        const again = backward(be, c, x, seeds, got.saved!, got.p);
        for (const k of ['x', 'wIh', 'wHh', 'h0', 'c0'] as const) expect(maxDiff(again[k], gb[k])).toBe(0);
        be.lstmFree(got.saved!);
      } finally {
        setBackend(prev);
      }
    });
  }
});

describe('lstmBackward after lstmFree', () => {
  it('the wasm backend refuses saved buffers already freed, with a message', () => {
    const prev = getBackend().name;
    setBackend('wasm');
    try {
      const c: Case = { I: 3, H: 4, lengths: [3, 2], reverse: false };
      const x = inputs(c, (n) => new Float32Array(n), 6);
      const { saved, p } = forward(getBackend(), c, x, true);
      getBackend().lstmFree(saved!);
      const zeros = { u: new Float32Array(x.rows * 4), v: new Float32Array(x.N * 4), z: new Float32Array(x.N * 4) };
      expect(() => backward(getBackend(), c, x, zeros, saved!, p)).toThrow(/saved buffers were freed/);
    } finally {
      setBackend(prev);
    }
  });
});
