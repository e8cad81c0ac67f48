// An LSTM layer's recurrence (Backend.lstmForward / lstmBackward) composed
// from a backend's GEMM and lstmCell kernels, one time step at a time. The
// reference backend uses it as it is; a fast backend may keep the whole
// recurrence in its own memory and fall back to this for what it does not cover.
import type { TypedArray } from '../dtype.js';
import type { Backend, LstmBackwardOut, LstmForwardOut, LstmParams, LstmSaved } from './backend.js';

type Kernels = Pick<Backend, 'alloc' | 'matmul' | 'lstmCell'>;

/** Where each step's rows start in the packed sequence, and the total. */
export function lstmStarts(sizes: readonly number[]): { starts: number[]; rows: number } {
  const starts: number[] = [];
  let rows = 0;
  for (const n of sizes) {
    starts.push(rows);
    rows += n;
  }
  return { starts, rows };
}

function floatLike(x: TypedArray, be: Kernels, n: number): TypedArray {
  return be.alloc(x instanceof Float64Array ? 'float64' : 'float32', n);
}

/** Backend.lstmForward from per-step GEMMs and lstmCell calls. */
export function lstmForwardComposed(be: Kernels, xProj: TypedArray, w: TypedArray, h0: TypedArray, c0: TypedArray, out: LstmForwardOut, p: LstmParams): void {
  const { hidden: H, sizes, reverse } = p;
  const T = sizes.length;
  const N = sizes[0]!;
  const { starts } = lstmStarts(sizes);
  // the running states: rows 0..n-1 are the samples of the current step, the rows past them
  // keep the final states of samples that have ended (forward) or the initial states of those yet to start (reverse)
  const hs = h0.slice(0, N * H);
  const cs = c0.slice(0, N * H);
  const gates = floatLike(xProj, be, N * 4 * H);
  const act = out.act ?? floatLike(xProj, be, N * 4 * H);
  const tc = out.tc ?? floatLike(xProj, be, N * H);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const n = sizes[t]!;
    const row = starts[t]!;
    const hp = hs.subarray(0, n * H);
    const cp = cs.subarray(0, n * H);
    out.hPrev?.set(hp, row * H);
    out.cPrev?.set(cp, row * H);
    const g = gates.subarray(0, n * 4 * H);
    g.set(xProj.subarray(row * 4 * H, (row + n) * 4 * H));
    be.matmul(hp, w, g, { batch: 1, m: n, n: 4 * H, k: H, transA: false, transB: true, strideA: 0, strideB: 0, accumulate: true });
    const h = out.h.subarray(row * H, (row + n) * H);
    const a = out.act ? act.subarray(row * 4 * H, (row + n) * 4 * H) : act.subarray(0, n * 4 * H);
    const tt = out.tc ? tc.subarray(row * H, (row + n) * H) : tc.subarray(0, n * H);
    // the new c overwrites cPrev in place (each element is read before it is written)
    be.lstmCell(g, cp, a, cp, tt, h, H);
    hp.set(h);
  }
  out.hN.set(hs);
  out.cN.set(cs);
}

/** Backend.lstmBackward from per-step GEMMs and the cell's backward in plain loops. */
export function lstmBackwardComposed(
  be: Kernels, dh: TypedArray, dhN: TypedArray | null, dcN: TypedArray | null, w: TypedArray, saved: LstmSaved, out: LstmBackwardOut, p: LstmParams,
): void {
  const { hidden: H, sizes, reverse } = p;
  const T = sizes.length;
  const N = sizes[0]!;
  const { starts, rows } = lstmStarts(sizes);
  // gradients of the running states, laid out like the forward pass's
  const dhs = floatLike(dh, be, N * H);
  const dcs = floatLike(dh, be, N * H);
  if (dhN) dhs.set(dhN.subarray(0, N * H));
  if (dcN) dcs.set(dcN.subarray(0, N * H));
  const { act, tc, cPrev } = saved;
  const dG = out.dGates;
  // the steps in the reverse of the forward pass's order
  for (let s = T - 1; s >= 0; s--) {
    const t = reverse ? T - 1 - s : s;
    const n = sizes[t]!;
    const row = starts[t]!;
    for (let r = 0; r < n; r++) {
      const gr = (row + r) * 4 * H;
      const sr = (row + r) * H;
      const lr = r * H;
      for (let j = 0; j < H; j++) {
        const i = act[gr + j]!;
        const f = act[gr + H + j]!;
        const g = act[gr + 2 * H + j]!;
        const o = act[gr + 3 * H + j]!;
        const th = tc[sr + j]!;
        const d = dh[sr + j]! + dhs[lr + j]!;
        const dc = dcs[lr + j]! + d * o * (1 - th * th);
        dG[gr + j] = dc * g * (i * (1 - i));
        dG[gr + H + j] = dc * cPrev[sr + j]! * (f * (1 - f));
        dG[gr + 2 * H + j] = dc * i * (1 - g * g);
        dG[gr + 3 * H + j] = d * th * (o * (1 - o));
        dcs[lr + j] = dc * f;
      }
    }
    // dhPrev = dG W
    be.matmul(dG.subarray(row * 4 * H, (row + n) * 4 * H), w, dhs.subarray(0, n * H), {
      batch: 1, m: n, n: H, k: 4 * H, transA: false, transB: false, strideA: 0, strideB: 0, accumulate: false,
    });
  }
  out.dh0.set(dhs);
  out.dc0.set(dcs);
  // dW = dG^T hPrev over every row at once
  if (out.dW) be.matmul(dG, saved.hPrev, out.dW, { batch: 1, m: 4 * H, n: H, k: rows, transA: true, transB: false, strideA: 0, strideB: 0, accumulate: false });
}
