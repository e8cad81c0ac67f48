// Multi-dimensional LSTM (Graves, Fernández & Schmidhuber 2007): a 2-D LSTM
// whose cell at (i, j) sees the states above it and to its left, scanning an
// image from each of its four corners.
//
// Cells on one anti-diagonal (i + j = k) depend only on the previous diagonal,
// so each diagonal is one batched step: H + W - 1 steps instead of H * W.
import { DTypeError, NeuroneError, ShapeError, Tensor, cat, nn, zeros, type DType, type Generator } from '@neurone/core';
import { activations, fmtShape, recordOp, zerosOf } from './util.js';
import { linearOp, stepLinear } from './rnn/linear.js';
import { StepWeight, rowBlocks } from './rnn/shared.js';

/** Slots (rows i) of diagonal k: lo..hi, for an image of height Hh and width Ww. */
function diagonal(k: number, Hh: number, Ww: number): [number, number] {
  return [Math.max(0, k - Ww + 1), Math.min(Hh - 1, k)];
}

/**
 * One diagonal of 2-D LSTM cells. Gates [i, f_up, f_left, g, o]:
 *   pre = xg + U_up h_up + U_left h_left,
 *   c = σ(i) tanh(g) + σ(f_up) c_up + σ(f_left) c_left,  h = σ(o) tanh(c)
 * where `rec` holds (U_up h; U_left h) for every cell of the previous
 * diagonal, and the cell in slot i takes its "up" neighbour from slot i-1 and
 * its "left" neighbour from slot i there (absent at the image border).
 *
 * Shape: xg (n*N, 5H), rec (m*N, 10H) or null, cPrev (m*N, H) or null -> h, c (n*N, H)
 */
function mdlstmDiagonal(
  xg: Tensor, rec: Tensor | null, cPrev: Tensor | null, N: number, H: number, lo: number, hi: number, plo: number, k: number,
): [Tensor, Tensor] {
  const n = hi - lo + 1;
  const dtype = xg.dtype;
  const { sigmoid, tanh } = activations(dtype);
  const G = 5 * H;
  const X = xg.data;
  const R = rec?.data;
  const CP = cPrev?.data;
  const act = new Float64Array(n * N * G);
  const tc = new Float64Array(n * N * H);
  // previous-diagonal rows of each cell's neighbours (-1: outside the image)
  const upRow = new Int32Array(n * N).fill(-1);
  const leftRow = new Int32Array(n * N).fill(-1);
  const c = zerosOf([n * N, H], dtype);
  const h = zerosOf([n * N, H], dtype);
  const cd = c.data;
  const hd = h.data;
  for (let s = 0; s < n; s++) {
    const i = lo + s;
    for (let b = 0; b < N; b++) {
      const row = s * N + b;
      if (rec !== null && i >= 1) upRow[row] = (i - 1 - plo) * N + b;
      if (rec !== null && i <= k - 1) leftRow[row] = (i - plo) * N + b;
      const up = upRow[row]!;
      const left = leftRow[row]!;
      // pre-activations of gate q at unit j: X[xb + q H + j] (+ R[ub + q H + j]) (+ R[lb + q H + j])
      const xb = row * G;
      const ub = up * 2 * G;
      const lb = left * 2 * G + G;
      for (let j = 0; j < H; j++) {
        let p0 = X[xb + j]!, p1 = X[xb + H + j]!, p2 = X[xb + 2 * H + j]!, p3 = X[xb + 3 * H + j]!, p4 = X[xb + 4 * H + j]!;
        if (up >= 0) {
          p0 += R![ub + j]!; p1 += R![ub + H + j]!; p2 += R![ub + 2 * H + j]!; p3 += R![ub + 3 * H + j]!; p4 += R![ub + 4 * H + j]!;
        }
        if (left >= 0) {
          p0 += R![lb + j]!; p1 += R![lb + H + j]!; p2 += R![lb + 2 * H + j]!; p3 += R![lb + 3 * H + j]!; p4 += R![lb + 4 * H + j]!;
        }
        const gi = sigmoid(p0);
        const fu = sigmoid(p1);
        const fl = sigmoid(p2);
        const gg = tanh(p3);
        const go = sigmoid(p4);
        const a = xb + j;
        act[a] = gi;
        act[a + H] = fu;
        act[a + 2 * H] = fl;
        act[a + 3 * H] = gg;
        act[a + 4 * H] = go;
        let cv = gi * gg;
        if (up >= 0) cv += fu * CP![up * H + j]!;
        if (left >= 0) cv += fl * CP![left * H + j]!;
        cd[row * H + j] = cv;
        const t = tanh(cd[row * H + j]!);
        tc[row * H + j] = t;
        hd[row * H + j] = go * t;
      }
    }
  }
  const prevRows = cPrev === null ? 0 : cPrev.shape[0]!;
  // the h op (backward first) leaves d(pre) of the o gate here
  let pending: Float64Array | null = null;
  const cInputs = rec === null ? [xg] : [xg, rec, cPrev!];
  const cOut = recordOp('mdlstmCell', c, cInputs, (gc) => {
    const dPre = pending ?? new Float64Array(n * N * G);
    pending = null;
    const dxg = zerosOf([n * N, G], dtype);
    const drec = rec === null ? null : zerosOf([prevRows, 2 * G], dtype);
    const dcp = cPrev === null ? null : zerosOf([prevRows, H], dtype);
    const gd = gc.data;
    const dx = dxg.data;
    const dr = drec?.data;
    const dcpd = dcp?.data;
    for (let row = 0; row < n * N; row++) {
      const up = upRow[row]!;
      const left = leftRow[row]!;
      for (let j = 0; j < H; j++) {
        const dc = gd[row * H + j]!;
        const a = row * G + j;
        const gi = act[a]!;
        const fu = act[a + H]!;
        const fl = act[a + 2 * H]!;
        const gg = act[a + 3 * H]!;
        dPre[a] = dc * gg * gi * (1 - gi);
        dPre[a + 3 * H] = dc * gi * (1 - gg * gg);
        dPre[a + H] = up >= 0 ? dc * CP![up * H + j]! * fu * (1 - fu) : 0;
        dPre[a + 2 * H] = left >= 0 ? dc * CP![left * H + j]! * fl * (1 - fl) : 0;
        if (up >= 0) dcpd![up * H + j]! += dc * fu;
        if (left >= 0) dcpd![left * H + j]! += dc * fl;
      }
      // pre = xg + rec(up part) + rec(left part)
      const ub = up * 2 * G;
      const lb = left * 2 * G + G;
      for (let q = 0; q < G; q++) {
        const v = dPre[row * G + q]!;
        dx[row * G + q] = v;
        if (up >= 0) dr![ub + q]! += v;
        if (left >= 0) dr![lb + q]! += v;
      }
    }
    return rec === null ? [dxg] : [dxg, drec, dcp];
  });
  const hOut = recordOp('mdlstmCell', h, [cOut], (gh) => {
    const dPre = new Float64Array(n * N * G);
    const dc = zerosOf([n * N, H], dtype);
    const gd = gh.data;
    const dcd = dc.data;
    for (let row = 0; row < n * N; row++) {
      for (let j = 0; j < H; j++) {
        const a = row * G + j;
        const go = act[a + 4 * H]!;
        const t = tc[row * H + j]!;
        const v = gd[row * H + j]!;
        dPre[a + 4 * H] = v * t * go * (1 - go);
        dcd[row * H + j] = v * go * (1 - t * t);
      }
    }
    pending = dPre;
    return [dc];
  });
  return [hOut, cOut];
}

/** The weights of one scan direction. */
export interface MDLSTMWeights {
  /** (5H, C): input to gates [i, f_up, f_left, g, o]. */
  weightIh: Tensor;
  /** (10H, H): rows 0..5H-1 act on the state above, rows 5H..10H-1 on the state to the left. */
  weightHh: Tensor;
  /** (5H) or null. */
  bias?: Tensor | null;
}

/**
 * One 2-D LSTM scan of a batch of images from one corner. `flipH`/`flipW`
 * choose the corner: (false, false) scans from the top-left to the
 * bottom-right; a flip mirrors that axis.
 *
 * Shape: x (N, C, Hh, Ww) -> (N, H, Hh, Ww)
 */
export function mdlstmScan(x: Tensor, w: MDLSTMWeights, flipH = false, flipW = false): Tensor {
  if (x.ndim !== 4) throw new ShapeError(`MDLSTM: expected input (N, C, H, W), got ${fmtShape(x.shape)}`);
  const [N, C, Hh, Ww] = x.shape as [number, number, number, number];
  const H = w.weightHh.shape[1]!;
  if (w.weightIh.shape[1] !== C) throw new ShapeError(`MDLSTM: input has ${C} channels, weight_ih ${fmtShape(w.weightIh.shape)} expects ${w.weightIh.shape[1]}`);
  if (w.weightIh.dtype !== x.dtype) throw new DTypeError(`MDLSTM: input is ${x.dtype} but the weights are ${w.weightIh.dtype}`);
  if (Hh === 0 || Ww === 0 || N === 0) throw new ShapeError(`MDLSTM: the input must not be empty, got ${fmtShape(x.shape)}`);
  // positions in scan order: by diagonal, then by row; stored as image offsets (i*Ww + j)
  const K = Hh + Ww - 1;
  const order: number[] = [];
  const sections: number[] = [];
  for (let k = 0; k < K; k++) {
    const [lo, hi] = diagonal(k, Hh, Ww);
    for (let i = lo; i <= hi; i++) {
      const r = flipH ? Hh - 1 - i : i;
      const c = flipW ? Ww - 1 - (k - i) : k - i;
      order.push(r * Ww + c);
    }
    sections.push((hi - lo + 1) * N);
  }
  // (N, C, Hh, Ww) -> (Hh*Ww, N*C) -> scan order -> (P*N, C)
  const pix = x.permute([2, 3, 0, 1]).reshape([Hh * Ww, N * C]).indexSelect(0, order).reshape([Hh * Ww * N, C]);
  const xProj = linearOp(pix, w.weightIh, { bias: w.bias ?? null });
  const pieces = rowBlocks(xProj, sections);
  // U h of every diagonal; dU is one GEMM over all of them
  const rec = new StepWeight(w.weightHh, null, Hh * Ww * N);
  const outs: Tensor[] = [];
  let h: Tensor | null = null;
  let c: Tensor | null = null;
  let plo = 0;
  let prevRow = 0;
  let row = 0;
  for (let k = 0; k < K; k++) {
    const [lo, hi] = diagonal(k, Hh, Ww);
    const r: Tensor | null = h === null ? null : stepLinear(h, rec, prevRow, null);
    [h, c] = mdlstmDiagonal(pieces[k]!, r, c, N, H, lo, hi, plo, k);
    outs.push(h);
    plo = lo;
    prevRow = row;
    row += sections[k]!;
  }
  // back to image order: (P*N, H) -> (P, N*H) -> (Hh, Ww, N, H) -> (N, H, Hh, Ww)
  const inverse = new Array<number>(order.length);
  order.forEach((p, idx) => (inverse[p] = idx));
  const all = outs.length === 1 ? outs[0]! : cat(outs, 0);
  return all.reshape([Hh * Ww, N * H]).indexSelect(0, inverse).reshape([Hh, Ww, N, H]).permute([2, 3, 0, 1]);
}

export interface MDLSTMOptions {
  /** How the four directions' outputs are merged: 'concat' (default, 4H channels), 'sum' or 'mean' (H channels). */
  combine?: 'concat' | 'sum' | 'mean';
  /** Learn a bias per direction (default true). */
  bias?: boolean;
  dtype?: DType;
  generator?: Generator;
}

/** Scan corners in the order of the parameters' suffixes d0..d3. */
const CORNERS: ReadonlyArray<[boolean, boolean]> = [[false, false], [false, true], [true, false], [true, true]];

/**
 * A two-dimensional LSTM layer (Graves et al. 2007) scanning the image from
 * its four corners (top-left, top-right, bottom-left, bottom-right), each
 * direction with its own weights, the four outputs combined.
 *
 * Each cell has an input gate, one forget gate per neighbour (above and
 * left, in the direction's own orientation), a candidate and an output gate.
 *
 * Args:
 *   inputChannels: C; hiddenSize: H per direction.
 *
 * Parameters (for direction d in 0..3): weight_ih_d{d} (5H, C), weight_hh_d{d} (10H, H),
 *   bias_d{d} (5H); all from U(-1/√H, 1/√H).
 *
 * Shape: (N, C, Hh, Ww) -> (N, 4H, Hh, Ww) with 'concat', (N, H, Hh, Ww) with 'sum' or 'mean'.
 *
 * Example:
 *   const md = new MDLSTM(1, 8);
 *   md.forward(randn([2, 1, 16, 64])).shape; // [2, 32, 16, 64]
 */
export class MDLSTM extends nn.Module {
  readonly inputChannels: number;
  readonly hiddenSize: number;
  readonly combine: 'concat' | 'sum' | 'mean';

  constructor(inputChannels: number, hiddenSize: number, opts: MDLSTMOptions = {}) {
    super();
    for (const [name, v] of [['inputChannels', inputChannels], ['hiddenSize', hiddenSize]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new NeuroneError(`MDLSTM: ${name} must be a positive integer, got ${v}`);
    }
    this.inputChannels = inputChannels;
    this.hiddenSize = hiddenSize;
    this.combine = opts.combine ?? 'concat';
    if (!['concat', 'sum', 'mean'].includes(this.combine)) throw new NeuroneError(`MDLSTM: combine must be 'concat', 'sum' or 'mean', got ${opts.combine}`);
    const dtype = opts.dtype ?? 'float32';
    for (let d = 0; d < 4; d++) {
      this.registerParameter(`weight_ih_d${d}`, new nn.Parameter(zeros([5 * hiddenSize, inputChannels], { dtype })));
      this.registerParameter(`weight_hh_d${d}`, new nn.Parameter(zeros([10 * hiddenSize, hiddenSize], { dtype })));
      if (opts.bias ?? true) this.registerParameter(`bias_d${d}`, new nn.Parameter(zeros([5 * hiddenSize], { dtype })));
    }
    this.resetParameters({ generator: opts.generator });
  }

  resetParameters(opts: { generator?: Generator } = {}): void {
    const k = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) nn.init.uniform_(p, -k, k, opts);
  }

  /** The weights of direction d (0: from top-left, 1: top-right, 2: bottom-left, 3: bottom-right). */
  directionWeights(d: number): MDLSTMWeights {
    const own = this as unknown as Record<string, Tensor | undefined>;
    return { weightIh: own[`weight_ih_d${d}`]!, weightHh: own[`weight_hh_d${d}`]!, bias: own[`bias_d${d}`] ?? null };
  }

  forward(input: Tensor): Tensor {
    if (input.ndim !== 4 || input.shape[1] !== this.inputChannels) {
      throw new ShapeError(`MDLSTM: expected input (N, ${this.inputChannels}, H, W), got ${fmtShape(input.shape)}`);
    }
    const outs = CORNERS.map(([fh, fw], d) => mdlstmScan(input, this.directionWeights(d), fh, fw));
    if (this.combine === 'concat') return cat(outs, 1);
    const s = outs.reduce((a, b) => a.add(b));
    return this.combine === 'mean' ? s.div(4) : s;
  }

  override extraRepr(): string {
    return `${this.inputChannels}, ${this.hiddenSize}, combine='${this.combine}'`;
  }
}
