// Fused gate math of the LSTM and GRU cells: one pass forward, one pass
// backward, each recorded as an op (the GEMMs around them are `linearOp`).
import { DTypeError, ShapeError, Tensor, getBackend, tanh, relu, type DType, type TypedArray } from '@neurone/core';
import { fmtShape, recordOp, uninitializedOf, zerosOf } from '../util.js';
import { linearOp } from './linear.js';

/**
 * Where one GRU step of a whole-sequence recurrence writes its results: rows
 * `row`.. of buffers that hold every step of one layer and direction, so a
 * step allocates nothing and the outputs need no copy to be stacked. @internal
 */
export interface StepTarget {
  row: number;
  /** (rows, H) outputs. */
  h: TypedArray;
  /** (rows, 3H) activated gates, kept for the backward pass. */
  act: TypedArray;
  /** Where the gradient of the recurrent matmul's output goes (n rows), or null to allocate. */
  gradSlice?: (n: number) => Tensor | null;
}

function floatArray(dtype: DType, n: number): Float32Array | Float64Array {
  return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

/** A view of rows row..row+n (of width w) of a buffer, or a fresh zeroed array. */
function rows(buf: TypedArray | undefined, row: number, n: number, w: number, dtype: DType): TypedArray {
  return buf ? buf.subarray(row * w, (row + n) * w) : floatArray(dtype, n * w);
}

/**
 * LSTM gate math from pre-activations `gates` = [i, f, g, o] (PyTorch's order):
 *   c = σ(f) * cPrev + σ(i) * tanh(g),   h = σ(o) * tanh(c).
 * Returns [h, c]. Two recorded ops (c from gates and cPrev; h from gates and c)
 * that share one gradient buffer for `gates`.
 *
 * Shape: gates (N, 4H), cPrev (N, H) -> h (N, H), c (N, H)
 */
export function lstmGates(gates: Tensor, cPrev: Tensor): [Tensor, Tensor] {
  const N = gates.shape[0]!;
  const H = cPrev.shape[1]!;
  if (gates.ndim !== 2 || cPrev.ndim !== 2 || gates.shape[1] !== 4 * H || cPrev.shape[0] !== N) {
    throw new ShapeError(`lstmCell: gates ${fmtShape(gates.shape)} and cell state ${fmtShape(cPrev.shape)} do not fit (expected (N, 4H) and (N, H))`);
  }
  if (gates.dtype !== cPrev.dtype) throw new DTypeError(`lstmCell: gates are ${gates.dtype} but the cell state is ${cPrev.dtype}`);
  const dtype = gates.dtype;
  const cp = cPrev.data;
  // activated gates [i, f, g, o] and tanh(c), kept for the backward pass
  const act = floatArray(dtype, N * 4 * H);
  const tc = floatArray(dtype, N * H);
  const c = new Tensor(floatArray(dtype, N * H), [N, H]);
  const h = new Tensor(floatArray(dtype, N * H), [N, H]);
  getBackend().lstmCell(gates.data, cp, act, c.data, tc, h.data, H);
  // the h op runs its backward first (h depends on c): it leaves dG_o here for the c op
  let pending: Tensor | null = null;
  const cOut = recordOp('lstmCell', c, [gates, cPrev], (gc) => {
    const dG = pending ?? zerosOf([N, 4 * H], dtype);
    pending = null;
    const dcPrev = cPrev.requiresGrad ? zerosOf([N, H], dtype) : null;
    const dg = dG.data;
    const gcd = gc.data;
    for (let r = 0; r < N; r++) {
      const gr = r * 4 * H;
      const sr = r * H;
      for (let j = 0; j < H; j++) {
        const dc = gcd[sr + j]!;
        const i = act[gr + j]!;
        const f = act[gr + H + j]!;
        const g = act[gr + 2 * H + j]!;
        dg[gr + j] = dc * g * i * (1 - i);
        dg[gr + H + j] = dc * cp[sr + j]! * f * (1 - f);
        dg[gr + 2 * H + j] = dc * i * (1 - g * g);
        if (dcPrev !== null) dcPrev.data[sr + j] = dc * f;
      }
    }
    return [gates.requiresGrad ? dG : null, dcPrev];
  });
  const hOut = recordOp('lstmCell', h, [gates, cOut], (gh) => {
    const dG = zerosOf([N, 4 * H], dtype);
    const dc = zerosOf([N, H], dtype);
    const dg = dG.data;
    const ghd = gh.data;
    for (let r = 0; r < N; r++) {
      const gr = r * 4 * H;
      const sr = r * H;
      for (let j = 0; j < H; j++) {
        const o = act[gr + 3 * H + j]!;
        const t = tc[sr + j]!;
        const v = ghd[sr + j]!;
        dg[gr + 3 * H + j] = v * t * o * (1 - o);
        dc.data[sr + j] = v * o * (1 - t * t);
      }
    }
    pending = dG;
    return [null, dc];
  });
  return [hOut, cOut];
}

/**
 * GRU gate math (PyTorch's: reset gate applied after the hidden matmul):
 *   r = σ(gi_r + gh_r), z = σ(gi_z + gh_z), n = tanh(gi_n + r * gh_n),
 *   h = (1 - z) * n + z * hPrev
 * where gi = x W_ih^T + b_ih and gh = hPrev W_hh^T + b_hh, both [r, z, n].
 *
 * Shape: gi (N, 3H), gh (N, 3H), hPrev (N, H) -> (N, H)
 */
export function gruGates(gi: Tensor, gh: Tensor, hPrev: Tensor, target?: StepTarget): Tensor {
  const N = hPrev.shape[0]!;
  const H = hPrev.shape[1]!;
  for (const [name, t] of [['input gates', gi], ['hidden gates', gh]] as const) {
    if (t.ndim !== 2 || t.shape[0] !== N || t.shape[1] !== 3 * H) {
      throw new ShapeError(`gruCell: ${name} ${fmtShape(t.shape)} do not fit the hidden state ${fmtShape(hPrev.shape)} (expected [${N},${3 * H}])`);
    }
    if (t.dtype !== hPrev.dtype) throw new DTypeError(`gruCell: ${name} are ${t.dtype} but the hidden state is ${hPrev.dtype}`);
  }
  const dtype = hPrev.dtype;
  const b = gh.data;
  const hp = hPrev.data;
  const row0 = target?.row ?? 0;
  const act = rows(target?.act, row0, N, 3 * H, dtype); // r, z, n
  const h = new Tensor(rows(target?.h, row0, N, H, dtype), [N, H]);
  getBackend().gruCell(gi.data, b, hp, act, h.data, H);
  return recordOp('gruCell', h, [gi, gh, hPrev], (g) => {
    // the kernel writes all of each gradient
    const dgi = uninitializedOf([N, 3 * H], dtype);
    const dgh = target?.gradSlice?.(N) ?? uninitializedOf([N, 3 * H], dtype);
    const dh = hPrev.requiresGrad ? uninitializedOf([N, H], dtype) : null;
    getBackend().gruCellBackward(act, b, hp, g.data, dgi.data, dgh.data, dh?.data ?? null, H);
    return [dgi, dgh, dh];
  });
}

/** Weights of one cell (or one layer and direction). Biases may be absent. */
export interface CellWeights {
  weightIh: Tensor;
  weightHh: Tensor;
  biasIh?: Tensor | null;
  biasHh?: Tensor | null;
}

function checkCell(op: string, x: Tensor, h: Tensor, w: CellWeights, gates: number): void {
  const H = w.weightHh.shape[1]!;
  if (x.ndim !== 2 || h.ndim !== 2 || x.shape[0] !== h.shape[0]) {
    throw new ShapeError(`${op}: input ${fmtShape(x.shape)} and hidden state ${fmtShape(h.shape)} must be (N, input_size) and (N, hidden_size)`);
  }
  if (x.shape[1] !== w.weightIh.shape[1]) {
    throw new ShapeError(`${op}: input has ${x.shape[1]} features, weight_ih ${fmtShape(w.weightIh.shape)} expects ${w.weightIh.shape[1]}`);
  }
  if (h.shape[1] !== H || w.weightHh.shape[0] !== gates * H) {
    throw new ShapeError(`${op}: hidden state ${fmtShape(h.shape)} does not fit weight_hh ${fmtShape(w.weightHh.shape)}`);
  }
}

/**
 * One LSTM step (torch.nn.LSTMCell's maths). Returns [h', c'].
 *
 * Shape: x (N, I), h and c (N, H), weightIh (4H, I), weightHh (4H, H), biases (4H) -> (N, H) twice
 */
export function lstmCell(x: Tensor, state: readonly [Tensor, Tensor], w: CellWeights): [Tensor, Tensor] {
  const [h, c] = state;
  checkCell('lstmCell', x, h, w, 4);
  const xp = linearOp(x, w.weightIh, { bias: w.biasIh });
  const gates = linearOp(h, w.weightHh, { bias: w.biasHh, addend: xp });
  return lstmGates(gates, c);
}

/**
 * One GRU step (torch.nn.GRUCell's maths).
 *
 * Shape: x (N, I), h (N, H), weightIh (3H, I), weightHh (3H, H), biases (3H) -> (N, H)
 */
export function gruCell(x: Tensor, h: Tensor, w: CellWeights): Tensor {
  checkCell('gruCell', x, h, w, 3);
  const gi = linearOp(x, w.weightIh, { bias: w.biasIh });
  const gh = linearOp(h, w.weightHh, { bias: w.biasHh });
  return gruGates(gi, gh, h);
}

/**
 * One Elman RNN step: h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh), act tanh or relu.
 *
 * Shape: x (N, I), h (N, H), weightIh (H, I), weightHh (H, H), biases (H) -> (N, H)
 */
export function rnnCell(x: Tensor, h: Tensor, w: CellWeights, nonlinearity: 'tanh' | 'relu' = 'tanh'): Tensor {
  checkCell('rnnCell', x, h, w, 1);
  const xp = linearOp(x, w.weightIh, { bias: w.biasIh });
  const pre = linearOp(h, w.weightHh, { bias: w.biasHh, addend: xp });
  return nonlinearity === 'relu' ? relu(pre) : tanh(pre);
}
