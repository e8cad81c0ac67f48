// An LSTM layer (Backend.lstmForward / lstmBackward) composed from a
// backend's GEMM and lstmCell kernels, one time step at a time. The reference
// backend uses it as it is; a fast backend may keep the whole layer in its
// own memory and fall back to this for what it does not cover.
import type { TypedArray } from '../dtype.js';
import type { Backend, LstmForwardOut, LstmGrads, LstmParams, LstmSaved, LstmWeights } from './backend.js';

type Kernels = Pick<Backend, 'alloc' | 'matmul' | 'lstmCell' | 'reduce'>;

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

/** What the composed forward keeps: (rows, 4H) activated gates, (rows, H) tanh(c), the h and c each step read. */
export class LstmArrays implements LstmSaved {
  readonly lstmSaved = true;
  constructor(
    readonly act: TypedArray,
    readonly tc: TypedArray,
    readonly hPrev: TypedArray,
    readonly cPrev: TypedArray,
  ) {}

  static alloc(like: TypedArray, be: Pick<Backend, 'alloc'>, rows: number, H: number): LstmArrays {
    const dtype = like instanceof Float64Array ? 'float64' : 'float32';
    return new LstmArrays(be.alloc(dtype, rows * 4 * H), be.alloc(dtype, rows * H), be.alloc(dtype, rows * H), be.alloc(dtype, rows * H));
  }
}

function floatLike(x: TypedArray, be: Kernels, n: number): TypedArray {
  return be.alloc(x instanceof Float64Array ? 'float64' : 'float32', n);
}

/** The input projection of every row at once: (rows, 4H) = x W_ih^T + bias. */
function inputProjection(be: Kernels, w: LstmWeights, rows: number, p: LstmParams): TypedArray {
  const G = 4 * p.hidden;
  const xProj = floatLike(w.x, be, rows * G);
  if (w.bias) for (let r = 0; r < rows; r++) xProj.set(w.bias, r * G);
  be.matmul(w.x, w.wIh, xProj, { batch: 1, m: rows, n: G, k: p.input, transA: false, transB: true, strideA: 0, strideB: 0, accumulate: w.bias !== null });
  return xProj;
}

/** Backend.lstmForward from per-step GEMMs and lstmCell calls. */
export function lstmForwardComposed(
  be: Kernels, w: LstmWeights, h0: TypedArray, c0: TypedArray, out: LstmForwardOut, p: LstmParams, keep: boolean,
): LstmArrays | null {
  const { hidden: H, sizes, reverse } = p;
  const T = sizes.length;
  const N = sizes[0]!;
  const { starts, rows } = lstmStarts(sizes);
  const xProj = inputProjection(be, w, rows, p);
  const saved = keep ? LstmArrays.alloc(w.x, be, rows, H) : null;
  // the running states: rows 0..n-1 are the samples of the current step, the rows past them
  // keep the final states of samples that have ended (forward) or the initial states of those yet to start (reverse)
  const hs = h0.slice(0, N * H);
  const cs = c0.slice(0, N * H);
  const act = saved?.act ?? floatLike(w.x, be, N * 4 * H);
  const tc = saved?.tc ?? floatLike(w.x, be, N * H);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const n = sizes[t]!;
    const row = starts[t]!;
    const hp = hs.subarray(0, n * H);
    const cp = cs.subarray(0, n * H);
    saved?.hPrev.set(hp, row * H);
    saved?.cPrev.set(cp, row * H);
    // this step's block of the projection becomes its gates
    const g = xProj.subarray(row * 4 * H, (row + n) * 4 * H);
    be.matmul(hp, w.wHh, g, { batch: 1, m: n, n: 4 * H, k: H, transA: false, transB: true, strideA: 0, strideB: 0, accumulate: true });
    const h = out.h.subarray(row * H, (row + n) * H);
    const a = saved ? act.subarray(row * 4 * H, (row + n) * 4 * H) : act.subarray(0, n * 4 * H);
    const tt = saved ? tc.subarray(row * H, (row + n) * H) : tc.subarray(0, n * H);
    // the new c overwrites cPrev in place (each element is read before it is written)
    be.lstmCell(g, cp, a, cp, tt, h, H);
    hp.set(h);
  }
  out.hN.set(hs);
  out.cN.set(cs);
  return saved;
}

/** The composed forward's saved arrays, or a clear error for anything else. */
export function lstmArrays(saved: LstmSaved): LstmArrays {
  if (!(saved instanceof LstmArrays)) throw new Error('lstmBackward: `saved` must come from this backend\'s lstmForward');
  return saved;
}

/** Backend.lstmBackward from per-step GEMMs and the cell's backward in plain loops. */
export function lstmBackwardComposed(
  be: Kernels, dh: TypedArray, dhN: TypedArray | null, dcN: TypedArray | null, w: LstmWeights, saved: LstmArrays, grads: LstmGrads, p: LstmParams,
): void {
  const { hidden: H, input: I, sizes, reverse } = p;
  const T = sizes.length;
  const N = sizes[0]!;
  const { starts, rows } = lstmStarts(sizes);
  // gradients of the running states, laid out like the forward pass's
  const dhs = floatLike(dh, be, N * H);
  const dcs = floatLike(dh, be, N * H);
  if (dhN) dhs.set(dhN.subarray(0, N * H));
  if (dcN) dcs.set(dcN.subarray(0, N * H));
  const { act, tc, cPrev } = saved;
  // the gradient of the gate pre-activations, every row
  const dG = floatLike(dh, be, rows * 4 * H);
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
    // dhPrev = dG W_hh
    be.matmul(dG.subarray(row * 4 * H, (row + n) * 4 * H), w.wHh, dhs.subarray(0, n * H), {
      batch: 1, m: n, n: H, k: 4 * H, transA: false, transB: false, strideA: 0, strideB: 0, accumulate: false,
    });
  }
  grads.h0?.set(dhs);
  grads.c0?.set(dcs);
  // the weights' gradients over every row at once: dW_hh = dG^T hPrev, dW_ih = dG^T x, dbias = Σ rows of dG; dx = dG W_ih
  const G = 4 * H;
  if (grads.wHh) be.matmul(dG, saved.hPrev, grads.wHh, { batch: 1, m: G, n: H, k: rows, transA: true, transB: false, strideA: 0, strideB: 0, accumulate: false });
  if (grads.wIh) be.matmul(dG, w.x, grads.wIh, { batch: 1, m: G, n: I, k: rows, transA: true, transB: false, strideA: 0, strideB: 0, accumulate: false });
  if (grads.bias) be.reduce('sum', dG, 1, rows, G, grads.bias);
  if (grads.x) be.matmul(dG, w.wIh, grads.x, { batch: 1, m: rows, n: I, k: G, transA: false, transB: false, strideA: 0, strideB: 0, accumulate: false });
}
