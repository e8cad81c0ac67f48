// The functional multi-layer, optionally bidirectional recurrence behind RNN, LSTM and GRU.
//
// Sequences run "packed", as PyTorch's PackedSequence: the batch is sorted by
// decreasing length and step t holds only the batchSizes[t] samples still
// running, so padding never enters a state, and the reverse direction of each
// sample starts at its own last frame. Without lengths every step holds the
// whole batch and packing is a reshape.
import {
  DTypeError, NeuroneError, ShapeError, Tensor, add, cat, dropout, relu, stack, tanh, zeros, type Generator,
} from '@neurone/core';
import { fmtShape } from '../util.js';
import { gruGates, type CellWeights, type StepTarget } from './cells.js';
import { lstmLayer } from './lstmLayer.js';
import { linearOp, stepLinear } from './linear.js';
import { StepWeight, packSteps, rowBlocks } from './shared.js';

export type RNNMode = 'LSTM' | 'GRU' | 'RNN_TANH' | 'RNN_RELU';

export interface RecurrentOptions {
  mode: RNNMode;
  numLayers: number;
  hiddenSize: number;
  bidirectional?: boolean;
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last (training only). */
  dropout?: number;
  training?: boolean;
  generator?: Generator;
}

export interface RecurrentResult {
  /** (T, N, D*H), or (N, T, D*H) when batchFirst; zeros past each sample's length. */
  output: Tensor;
  /** (numLayers*D, N, H): each layer's and direction's state after its sample's last frame. */
  h: Tensor;
  /** LSTM only: the cell states, like `h`. */
  c?: Tensor;
}

/** Sample lengths: an integer tensor or a list, one per batch element. */
export type SequenceLengths = Tensor | readonly number[];

/**
 * Runs a stacked recurrent network over a whole sequence (the computation of
 * torch.nn.LSTM/GRU/RNN.forward). `weights[l * D + d]` are layer l's weights
 * for direction d (0 forward, 1 reverse).
 *
 * Shape: input (T, N, I) or (N, T, I) with batchFirst, or unbatched (T, I);
 *   hx (numLayers*D, N, H) (LSTM: [h0, c0]); lengths (N) with values in 1..T.
 */
export function recurrent(
  input: Tensor,
  weights: readonly CellWeights[],
  opts: RecurrentOptions,
  hx?: Tensor | readonly [Tensor, Tensor] | null,
  lengths?: SequenceLengths | null,
): RecurrentResult {
  const op = opts.mode === 'LSTM' ? 'LSTM' : opts.mode === 'GRU' ? 'GRU' : 'RNN';
  const D = opts.bidirectional ? 2 : 1;
  const L = opts.numLayers;
  const H = opts.hiddenSize;
  const isLSTM = opts.mode === 'LSTM';
  if (!(input instanceof Tensor)) throw new DTypeError(`${op}: expected the input to be a Tensor`);
  if (input.dtype !== 'float32' && input.dtype !== 'float64') throw new DTypeError(`${op}: input must be float32 or float64, got ${input.dtype}`);
  if (weights.length !== L * D) throw new NeuroneError(`${op}: expected ${L * D} sets of weights, got ${weights.length}`);
  const unbatched = input.ndim === 2;
  if (input.ndim !== 3 && !unbatched) {
    throw new ShapeError(`${op}: expected a 3-D input ${opts.batchFirst ? '(N, T, I)' : '(T, N, I)'} or an unbatched 2-D input (T, I), got shape ${fmtShape(input.shape)}`);
  }
  let x = unbatched ? input.unsqueeze(1) : opts.batchFirst ? input.transpose(0, 1) : input;
  const [T, N, I] = x.shape as [number, number, number];
  const inSize = weights[0]!.weightIh.shape[1]!;
  if (I !== inSize) throw new ShapeError(`${op}: input has ${I} features (shape ${fmtShape(input.shape)}), the layer expects input_size ${inSize}`);
  if (T === 0 || N === 0) throw new ShapeError(`${op}: the input must have at least one time step and one sample, got shape ${fmtShape(input.shape)}`);
  for (const w of weights) {
    if (w.weightIh.dtype !== x.dtype) throw new DTypeError(`${op}: input is ${x.dtype} but the weights are ${w.weightIh.dtype} (convert one with .to())`);
  }

  // ---- lengths: sort by decreasing length, steps hold the running samples ----
  let order: number[] | null = null;
  const batchSizes = new Array<number>(T).fill(N);
  let packIndex: number[] | null = null;
  let lens: number[] | null = null;
  if (lengths !== undefined && lengths !== null) {
    lens = lengths instanceof Tensor ? Array.from(lengths.data) : [...lengths];
    if (unbatched) throw new NeuroneError(`${op}: lengths apply to batched input`);
    if (lens.length !== N) throw new ShapeError(`${op}: expected ${N} lengths (one per sample), got ${lens.length}`);
    lens.forEach((l, b) => {
      if (!Number.isInteger(l) || l < 1 || l > T) throw new ShapeError(`${op}: length of sample ${b} must be an integer in 1..${T}, got ${l}`);
    });
    const ls = lens;
    order = Array.from({ length: N }, (_, b) => b).sort((a, b) => ls[b]! - ls[a]! || a - b);
    packIndex = [];
    for (let t = 0; t < T; t++) {
      let n = 0;
      while (n < N && ls[order[n]!]! > t) {
        packIndex.push(t * N + order[n]!);
        n++;
      }
      batchSizes[t] = n;
    }
  }
  const steps = batchSizes.filter((n) => n > 0).length;
  const sizes = batchSizes.slice(0, steps);

  // ---- initial states, in sorted batch order ----
  let h0: Tensor | null = null;
  let c0: Tensor | null = null;
  if (hx !== undefined && hx !== null) {
    if (isLSTM) {
      if (!Array.isArray(hx) || hx.length !== 2) throw new NeuroneError('LSTM: the initial state must be a pair [h0, c0]');
      [h0, c0] = hx as [Tensor, Tensor];
    } else {
      if (!(hx instanceof Tensor)) throw new NeuroneError(`${op}: the initial state must be a Tensor h0`);
      h0 = hx;
    }
    for (const [name, s] of [['h0', h0], ['c0', c0]] as const) {
      if (s === null) continue;
      const want = unbatched ? [L * D, H] : [L * D, N, H];
      if (s.ndim !== want.length || s.shape.some((v, i) => v !== want[i])) {
        throw new ShapeError(`${op}: expected ${name} of shape ${fmtShape(want)}, got ${fmtShape(s.shape)}`);
      }
      if (s.dtype !== x.dtype) throw new DTypeError(`${op}: ${name} is ${s.dtype} but the input is ${x.dtype}`);
    }
    if (unbatched) {
      h0 = h0!.unsqueeze(1);
      c0 = c0?.unsqueeze(1) ?? null;
    }
    if (order !== null) {
      h0 = h0!.indexSelect(1, order);
      c0 = c0?.indexSelect(1, order) ?? null;
    }
  }
  const zero = zeros([N, H], { dtype: x.dtype });
  const initial = (s: Tensor | null, k: number): Tensor => (s === null ? zero : s.select(0, k));

  // ---- layers ----
  let layerIn = packIndex === null ? x.reshape([T * N, I]) : x.reshape([T * N, I]).indexSelect(0, packIndex);
  const hN: Tensor[] = [];
  const cN: Tensor[] = [];
  for (let l = 0; l < L; l++) {
    const outs: Tensor[] = [];
    for (let d = 0; d < D; d++) {
      const k = l * D + d;
      const r = runDirection(opts.mode, layerIn, sizes, weights[k]!, initial(h0, k), isLSTM ? initial(c0, k) : null, d === 1);
      outs.push(r.output);
      hN.push(r.h);
      if (r.c) cN.push(r.c);
    }
    layerIn = D === 1 ? outs[0]! : cat(outs, 1);
    const p = opts.dropout ?? 0;
    if (p > 0 && l < L - 1 && opts.training !== false) layerIn = dropout(layerIn, p, { training: true, generator: opts.generator });
  }

  // ---- unpack: padded (T, N, D*H), original batch order ----
  let output: Tensor;
  if (packIndex === null) output = layerIn.reshape([T, N, D * H]);
  else {
    // row of the packed output holding (t, b), or the appended zero row
    const P = packIndex.length;
    const where = new Array<number>(T * N).fill(P);
    packIndex.forEach((tb, row) => (where[tb] = row));
    output = cat([layerIn, zeros([1, D * H], { dtype: x.dtype })], 0).indexSelect(0, where).reshape([T, N, D * H]);
  }
  let h = stack(hN, 0);
  let c = isLSTM ? stack(cN, 0) : undefined;
  if (order !== null) {
    const inverse = new Array<number>(N);
    order.forEach((b, i) => (inverse[b] = i));
    h = h.indexSelect(1, inverse);
    c = c?.indexSelect(1, inverse);
  }
  if (unbatched) {
    output = output.squeeze(1);
    h = h.squeeze(1);
    c = c?.squeeze(1);
  } else if (opts.batchFirst) output = output.transpose(0, 1);
  return isLSTM ? { output, h, c } : { output, h };
}

interface DirectionResult {
  output: Tensor;
  h: Tensor;
  c?: Tensor;
}

/**
 * One layer in one direction over packed input (P, I) with per-step batch
 * sizes (non-increasing): returns the packed output (P, H) and the final states (N, H).
 */
function runDirection(
  mode: RNNMode, input: Tensor, sizes: readonly number[], w: CellWeights, h0: Tensor, c0: Tensor | null, reverse: boolean,
): DirectionResult {
  const isGRU = mode === 'GRU';
  // GRU keeps b_hh inside the recurrence (r * (W_hn h + b_hn)); the others add it to b_ih
  const inBias = isGRU ? w.biasIh : w.biasIh && w.biasHh ? add(w.biasIh, w.biasHh) : (w.biasIh ?? w.biasHh);
  // the LSTM's whole layer is one backend call; GRU and Elman steps are recorded one by one
  if (mode === 'LSTM') return lstmLayer(input, w.weightIh, w.weightHh, inBias ?? null, h0, c0!, sizes, reverse);
  // input projection for every step at once
  const xProj = linearOp(input, w.weightIh, { bias: inBias ?? null });
  const steps = sizes.length;
  const N = sizes[0]!;
  const pieces = rowBlocks(xProj, sizes);
  // row where each step starts in the packed sequence
  const starts: number[] = [];
  let rows = 0;
  for (const n of sizes) {
    starts.push(rows);
    rows += n;
  }
  const rec = new StepWeight(w.weightHh, isGRU ? (w.biasHh ?? null) : null, rows);
  // GRU steps write into these (rows, ...) buffers: nothing to allocate per step, nothing to copy at the end
  const H = w.weightHh.shape[1]!;
  const dtype = input.dtype;
  const alloc = (n: number) => (dtype === 'float64' ? new Float64Array(n) : new Float32Array(n));
  const hBuf = new Tensor(alloc(rows * H), [rows, H]);
  const buffers = isGRU ? { h: hBuf.data, act: alloc(rows * 3 * H) } : null;
  const outs = new Array<Tensor>(steps);
  let h: Tensor | null = null;
  const doneH: Tensor[] = [];
  for (let s = 0; s < steps; s++) {
    const t = reverse ? steps - 1 - s : s;
    const n = sizes[t]!;
    if (h === null) {
      h = n === N ? h0 : h0.narrow(0, 0, n);
    } else if (n < h.shape[0]!) {
      // forward: samples n.. have ended; their states are final
      const m = h.shape[0]!;
      doneH.push(h.narrow(0, n, m - n));
      h = h.narrow(0, 0, n);
    } else if (n > h.shape[0]!) {
      // reverse: samples start at their own last frame, from their initial state
      const m = h.shape[0]!;
      h = cat([h, h0.narrow(0, m, n - m)], 0);
    }
    const xp = pieces[t]!;
    const row = starts[t]!;
    if (isGRU) {
      const target: StepTarget = { ...buffers!, row, gradSlice: (m: number) => (rec.wanted ? rec.gradSlice(row, m, dtype) : null) };
      const gh = stepLinear(h, rec, row, null);
      h = gruGates(xp, gh, h, target);
    } else {
      const pre = stepLinear(h, rec, row, xp, true);
      h = mode === 'RNN_RELU' ? relu(pre) : tanh(pre);
    }
    outs[t] = h;
  }
  // no backward will read the weight's resident copy (no gradient wanted for it): free it now;
  // a backward for the input alone copies the weight in per step
  if (!rec.wanted || !(h!.requiresGrad)) rec.releaseResident();
  // finished blocks come from higher rows first
  const hFinal = doneH.length === 0 ? h! : cat([h!, ...doneH.reverse()], 0);
  // GRU steps wrote their outputs into hBuf in order; Elman steps come from core ops
  const output = buffers !== null ? packSteps(outs, hBuf) : outs.length === 1 ? outs[0]! : cat(outs, 0);
  return { output, h: hFinal };
}
