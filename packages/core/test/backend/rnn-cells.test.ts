// The fused LSTM / GRU gate kernels: the reference against the textbook
// formulas in double precision, and every backend against the reference.
import { describe, expect, it } from 'vitest';
import { Generator, jsBackend, listBackends, getBackend, setBackend } from '../../src/index.js';

const sig = (x: number) => 1 / (1 + Math.exp(-x));
const gen = new Generator(9);
const rand = (n: number, scale = 3) => Float32Array.from({ length: n }, () => scale * gen.normal());

function lstm(be: typeof jsBackend, gates: Float32Array, cPrev: Float32Array, H: number) {
  const n = cPrev.length;
  const out = { act: new Float32Array(4 * n).fill(9), c: new Float32Array(n).fill(9), tc: new Float32Array(n).fill(9), h: new Float32Array(n).fill(9) };
  be.lstmCell(gates, cPrev, out.act, out.c, out.tc, out.h, H);
  return out;
}

function gru(be: typeof jsBackend, gi: Float32Array, gh: Float32Array, hPrev: Float32Array, H: number) {
  const n = hPrev.length;
  const out = { act: new Float32Array(3 * n).fill(9), h: new Float32Array(n).fill(9) };
  be.gruCell(gi, gh, hPrev, out.act, out.h, H);
  return out;
}

function expectNear(got: Float32Array, want: ArrayLike<number>, tol: number): void {
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
  expect(worst).toBeLessThan(tol);
}

describe('lstmCell / gruCell reference', () => {
  it('gruCellBackward matches the derivatives of gruCell (central differences in float64)', () => {
    const H = 3;
    const [gi, gh, hPrev] = [Float64Array.from(rand(3 * H, 1)), Float64Array.from(rand(3 * H, 1)), Float64Array.from(rand(H, 1))];
    const dh = Float64Array.from(rand(H, 1));
    // L = <dh, h(gi, gh, hPrev)>
    const loss = (a: Float64Array, b: Float64Array, c: Float64Array) => {
      const act = new Float64Array(3 * H);
      const h = new Float64Array(H);
      jsBackend.gruCell(a, b, c, act, h, H);
      return h.reduce((s, v, i) => s + v * dh[i]!, 0);
    };
    const act = new Float64Array(3 * H);
    jsBackend.gruCell(gi, gh, hPrev, act, new Float64Array(H), H);
    const [dgi, dgh, dhPrev] = [new Float64Array(3 * H), new Float64Array(3 * H), new Float64Array(H)];
    jsBackend.gruCellBackward(act, gh, hPrev, dh, dgi, dgh, dhPrev, H);
    const eps = 1e-6;
    for (const [x, grad] of [[gi, dgi], [gh, dgh], [hPrev, dhPrev]] as const) {
      for (let i = 0; i < x.length; i++) {
        const v = x[i]!;
        x[i] = v + eps;
        const up = loss(gi, gh, hPrev);
        x[i] = v - eps;
        const down = loss(gi, gh, hPrev);
        x[i] = v;
        expect(grad[i]).toBeCloseTo((up - down) / (2 * eps), 6);
      }
    }
  });

  it('lstmCell is c = σ(f) cPrev + σ(i) tanh(g), h = σ(o) tanh(c)', () => {
    const [rows, H] = [2, 5];
    const gates = rand(rows * 4 * H);
    const cPrev = rand(rows * H);
    const { c, h } = lstm(jsBackend, gates, cPrev, H);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < H; j++) {
        const g = (k: number) => gates[r * 4 * H + k * H + j]!;
        const cv = sig(g(1)) * cPrev[r * H + j]! + sig(g(0)) * Math.tanh(g(2));
        expect(c[r * H + j]).toBeCloseTo(cv, 5);
        expect(h[r * H + j]).toBeCloseTo(sig(g(3)) * Math.tanh(cv), 5);
      }
    }
  });

  it('gruCell is h = (1 - z) tanh(gi_n + r gh_n) + z hPrev', () => {
    const [rows, H] = [2, 5];
    const [gi, gh, hPrev] = [rand(rows * 3 * H), rand(rows * 3 * H), rand(rows * H)];
    const { h } = gru(jsBackend, gi, gh, hPrev, H);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < H; j++) {
        const at = (t: Float32Array, k: number) => t[r * 3 * H + k * H + j]!;
        const rg = sig(at(gi, 0) + at(gh, 0));
        const z = sig(at(gi, 1) + at(gh, 1));
        const n = Math.tanh(at(gi, 2) + rg * at(gh, 2));
        expect(h[r * H + j]).toBeCloseTo((1 - z) * n + z * hPrev[r * H + j]!, 5);
      }
    }
  });
});

describe.each(listBackends())('lstmCell / gruCell on the %s backend agree with the reference', (name) => {
  // hidden sizes with and without a tail past the last multiple of 4; large inputs saturate the gates
  for (const [rows, H, scale] of [[3, 8, 3], [4, 7, 3], [1, 1, 3], [32, 256, 20]] as const) {
    it(`${rows} rows of ${H} units, inputs ~N(0, ${scale}²)`, () => {
      const prev = getBackend().name;
      setBackend(name);
      try {
        const be = getBackend();
        const gates = rand(rows * 4 * H, scale);
        const cPrev = rand(rows * H, scale);
        const got = lstm(be as typeof jsBackend, gates, cPrev, H);
        const ref = lstm(jsBackend, gates, cPrev, H);
        for (const k of ['act', 'c', 'tc', 'h'] as const) expectNear(got[k], ref[k], 5e-6 * (1 + scale));
        const [gi, gh, hPrev] = [rand(rows * 3 * H, scale), rand(rows * 3 * H, scale), rand(rows * H, scale)];
        const g2 = gru(be as typeof jsBackend, gi, gh, hPrev, H);
        const r2 = gru(jsBackend, gi, gh, hPrev, H);
        expectNear(g2.act, r2.act, 5e-6);
        expectNear(g2.h, r2.h, 5e-6 * (1 + scale));
        // the GRU backward, every output written (filled with 9 first), with and without dhPrev
        const dh = rand(rows * H);
        for (const withPrev of [true, false]) {
          const back = (b: typeof jsBackend) => {
            const o = { dgi: new Float32Array(rows * 3 * H).fill(9), dgh: new Float32Array(rows * 3 * H).fill(9), dhPrev: new Float32Array(rows * H).fill(9) };
            b.gruCellBackward(r2.act, gh, hPrev, dh, o.dgi, o.dgh, withPrev ? o.dhPrev : null, H);
            return o;
          };
          const [gb, rb] = [back(be as typeof jsBackend), back(jsBackend)];
          for (const k of ['dgi', 'dgh', 'dhPrev'] as const) expectNear(gb[k], rb[k], 2e-5 * (1 + scale) ** 2);
          if (!withPrev) expect(gb.dhPrev.every((v) => v === 9)).toBe(true);
        }
      } finally {
        setBackend(prev);
      }
    });
  }
});

describe.each(listBackends())('reluGrad on the %s backend', (name) => {
  it('passes g where x > 0, g * slope elsewhere, exactly 0 for relu even where g is not finite', () => {
    const prev = getBackend().name;
    setBackend(name);
    try {
      const n = 1003; // a tail past the last multiple of 4
      const x = rand(n);
      x[0] = 0;
      x[1] = NaN;
      x[2] = -0;
      const g = rand(n);
      g[3] = Infinity;
      g[4] = NaN;
      x[3] = -1;
      x[4] = -2;
      for (const slope of [0, 0.2]) {
        const out = new Float32Array(n).fill(9);
        getBackend().reluGrad(x, g, out, slope);
        const want = Float32Array.from(x, (v, i) => (v > 0 ? g[i]! : slope === 0 ? 0 : g[i]! * Math.fround(slope)));
        expect(Array.from(out)).toEqual(Array.from(want));
        if (slope === 0) expect([out[3], out[4]]).toEqual([0, 0]);
      }
    } finally {
      setBackend(prev);
    }
  });
});
