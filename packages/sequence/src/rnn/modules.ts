// RNN, LSTM and GRU layers and cells with PyTorch's parameters, names and initialisation.
import { NeuroneError, ShapeError, Tensor, nn, zeros, type DType, type Generator } from '@neurone/core';
import { fmtShape } from '../util.js';
import { gruCell, lstmCell, rnnCell, type CellWeights } from './cells.js';
import { recurrent, type RNNMode, type SequenceLengths } from './scan.js';

const GATES: Record<RNNMode, number> = { LSTM: 4, GRU: 3, RNN_TANH: 1, RNN_RELU: 1 };

export interface RNNOptions {
  /** Stacked layers, each reading the previous one's output (default 1). */
  numLayers?: number;
  /** Learn b_ih and b_hh (default true). */
  bias?: boolean;
  /** Input and output are (N, T, feature) instead of (T, N, feature) (default false). */
  batchFirst?: boolean;
  /** Dropout probability on each layer's output except the last, in training mode (default 0). */
  dropout?: number;
  /** Add a second direction reading the sequence backwards; outputs are concatenated (default false). */
  bidirectional?: boolean;
  /** dtype of the parameters (default float32). */
  dtype?: DType;
  /** Random numbers for initialisation and dropout (default: the seeded default generator). */
  generator?: Generator;
}

export interface ElmanRNNOptions extends RNNOptions {
  /** 'tanh' (default) or 'relu'. */
  nonlinearity?: 'tanh' | 'relu';
}

export interface RecurrentForwardOptions {
  /**
   * Valid frames of each sample (1..T). Frames past a sample's length are
   * ignored: its final state is the one after its last frame, its reverse
   * direction starts there, and its outputs past that are zeros (as
   * PyTorch's pack_padded_sequence / pad_packed_sequence).
   */
  lengths?: SequenceLengths | null;
}

function checkInt(op: string, name: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min) throw new NeuroneError(`${op}: ${name} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  return v;
}

/** What RNN, LSTM and GRU share: parameters per layer and direction, and the recurrence. */
export abstract class RNNBase extends nn.Module {
  readonly mode: RNNMode;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  generator: Generator | undefined;

  constructor(mode: RNNMode, inputSize: number, hiddenSize: number, opts: RNNOptions = {}) {
    super();
    const op = mode.startsWith('RNN') ? 'RNN' : mode;
    this.mode = mode;
    this.inputSize = checkInt(op, 'inputSize', inputSize, 1);
    this.hiddenSize = checkInt(op, 'hiddenSize', hiddenSize, 1);
    this.numLayers = checkInt(op, 'numLayers', opts.numLayers ?? 1, 1);
    this.bias = opts.bias ?? true;
    this.batchFirst = opts.batchFirst ?? false;
    this.dropout = opts.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout <= 1)) throw new NeuroneError(`${op}: dropout must be between 0 and 1, got ${opts.dropout}`);
    this.bidirectional = opts.bidirectional ?? false;
    this.generator = opts.generator;
    const dtype = opts.dtype ?? 'float32';
    const G = GATES[mode] * hiddenSize;
    const D = this.bidirectional ? 2 : 1;
    for (let l = 0; l < this.numLayers; l++) {
      for (let d = 0; d < D; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        const inSize = l === 0 ? inputSize : hiddenSize * D;
        this.registerParameter(`weight_ih${sfx}`, new nn.Parameter(zeros([G, inSize], { dtype })));
        this.registerParameter(`weight_hh${sfx}`, new nn.Parameter(zeros([G, hiddenSize], { dtype })));
        if (this.bias) {
          this.registerParameter(`bias_ih${sfx}`, new nn.Parameter(zeros([G], { dtype })));
          this.registerParameter(`bias_hh${sfx}`, new nn.Parameter(zeros([G], { dtype })));
        }
      }
    }
    this.resetParameters({ generator: opts.generator });
  }

  /** Every weight and bias from U(-1/√hiddenSize, 1/√hiddenSize), as PyTorch. */
  resetParameters(opts: { generator?: Generator } = {}): void {
    const k = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) nn.init.uniform_(p, -k, k, opts);
  }

  /** The weights of layer l, direction d (0 forward, 1 reverse). */
  cellWeights(layer: number, direction = 0): CellWeights {
    const sfx = `_l${layer}${direction === 1 ? '_reverse' : ''}`;
    const own = this as unknown as Record<string, Tensor | undefined>;
    const w = own[`weight_ih${sfx}`];
    if (w === undefined) throw new NeuroneError(`${this.constructor.name}: no layer ${layer} direction ${direction}`);
    return { weightIh: w, weightHh: own[`weight_hh${sfx}`]!, biasIh: own[`bias_ih${sfx}`] ?? null, biasHh: own[`bias_hh${sfx}`] ?? null };
  }

  protected run(input: Tensor, hx: Tensor | readonly [Tensor, Tensor] | null | undefined, opts: RecurrentForwardOptions) {
    const D = this.bidirectional ? 2 : 1;
    const weights: CellWeights[] = [];
    for (let l = 0; l < this.numLayers; l++) for (let d = 0; d < D; d++) weights.push(this.cellWeights(l, d));
    return recurrent(input, weights, {
      mode: this.mode, numLayers: this.numLayers, hiddenSize: this.hiddenSize, bidirectional: this.bidirectional,
      batchFirst: this.batchFirst, dropout: this.dropout, training: this.training, generator: this.generator,
    }, hx, opts.lengths);
  }

  override extraRepr(): string {
    const parts = [`${this.inputSize}, ${this.hiddenSize}`];
    if (this.numLayers !== 1) parts.push(`numLayers=${this.numLayers}`);
    if (!this.bias) parts.push('bias=false');
    if (this.batchFirst) parts.push('batchFirst=true');
    if (this.dropout) parts.push(`dropout=${this.dropout}`);
    if (this.bidirectional) parts.push('bidirectional=true');
    return parts.join(', ');
  }
}

/**
 * A multi-layer long short-term memory network (torch.nn.LSTM). For each step:
 *   i, f, g, o = σ, σ, tanh, σ of (W_ih x + b_ih + W_hh h + b_hh), in that order
 *   c' = f * c + i * g,   h' = o * tanh(c')
 *
 * Args:
 *   inputSize, hiddenSize; opts: numLayers, bias, batchFirst, dropout, bidirectional, dtype, generator.
 *
 * Shape: input (T, N, I) ((N, T, I) with batchFirst, or unbatched (T, I)); hx [h0, c0] each
 *   (numLayers*D, N, H), zeros by default -> [output (T, N, D*H), [h_n, c_n] each (numLayers*D, N, H)].
 *
 * Parameters (PyTorch's names): weight_ih_l{k} (4H, I or D*H), weight_hh_l{k} (4H, H), bias_ih_l{k},
 * bias_hh_l{k} (4H), with `_reverse` for the second direction; all from U(-1/√H, 1/√H).
 *
 * Example:
 *   const lstm = new LSTM(64, 128, { bidirectional: true, batchFirst: true });
 *   const [out, [h, c]] = lstm.forward(randn([16, 100, 64]));  // out (16, 100, 256)
 *   lstm.forward(x, null, { lengths: [100, 80, ...] });         // variable-length batch
 */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions = {}) {
    super('LSTM', inputSize, hiddenSize, opts);
  }

  forward(input: Tensor, hx?: readonly [Tensor, Tensor] | null, opts: RecurrentForwardOptions = {}): [Tensor, [Tensor, Tensor]] {
    const r = this.run(input, hx, opts);
    return [r.output, [r.h, r.c!]];
  }
}

/**
 * A multi-layer gated recurrent unit network (torch.nn.GRU), gates [r, z, n]:
 *   r = σ(W_ir x + b_ir + W_hr h + b_hr),  z = σ(W_iz x + b_iz + W_hz h + b_hz)
 *   n = tanh(W_in x + b_in + r * (W_hn h + b_hn)),  h' = (1 - z) * n + z * h
 *
 * Shape: input (T, N, I) ((N, T, I) with batchFirst); h0 (numLayers*D, N, H)
 *   -> [output (T, N, D*H), h_n (numLayers*D, N, H)].
 *
 * Example:
 *   const gru = new GRU(65, 256, { numLayers: 2, dropout: 0.1 });
 *   const [out, h] = gru.forward(x, h0);
 */
export class GRU extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions = {}) {
    super('GRU', inputSize, hiddenSize, opts);
  }

  forward(input: Tensor, hx?: Tensor | null, opts: RecurrentForwardOptions = {}): [Tensor, Tensor] {
    const r = this.run(input, hx, opts);
    return [r.output, r.h];
  }
}

/**
 * A multi-layer Elman network (torch.nn.RNN): h' = tanh(W_ih x + b_ih + W_hh h + b_hh)
 * (or relu with `nonlinearity: 'relu'`).
 *
 * Shape: input (T, N, I) ((N, T, I) with batchFirst); h0 (numLayers*D, N, H)
 *   -> [output (T, N, D*H), h_n (numLayers*D, N, H)].
 *
 * Example:
 *   const rnn = new RNN(10, 20, { numLayers: 2 });
 *   const [out, h] = rnn.forward(randn([5, 3, 10]));
 */
export class RNN extends RNNBase {
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(inputSize: number, hiddenSize: number, opts: ElmanRNNOptions = {}) {
    const nl = opts.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new NeuroneError(`RNN: nonlinearity must be 'tanh' or 'relu', got ${JSON.stringify(nl)}`);
    super(nl === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, opts);
    this.nonlinearity = nl;
  }

  forward(input: Tensor, hx?: Tensor | null, opts: RecurrentForwardOptions = {}): [Tensor, Tensor] {
    const r = this.run(input, hx, opts);
    return [r.output, r.h];
  }

  override extraRepr(): string {
    return super.extraRepr() + (this.nonlinearity === 'relu' ? ", nonlinearity='relu'" : '');
  }
}

export interface CellOptions {
  bias?: boolean;
  dtype?: DType;
  generator?: Generator;
}

/** What the cells share: weight_ih, weight_hh, bias_ih, bias_hh. */
abstract class CellBase extends nn.Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;
  weight_ih: nn.Parameter;
  weight_hh: nn.Parameter;
  bias_ih: nn.Parameter | null;
  bias_hh: nn.Parameter | null;

  constructor(op: string, gates: number, inputSize: number, hiddenSize: number, opts: CellOptions) {
    super();
    this.inputSize = checkInt(op, 'inputSize', inputSize, 1);
    this.hiddenSize = checkInt(op, 'hiddenSize', hiddenSize, 1);
    this.bias = opts.bias ?? true;
    const dtype = opts.dtype ?? 'float32';
    this.weight_ih = new nn.Parameter(zeros([gates * hiddenSize, inputSize], { dtype }));
    this.weight_hh = new nn.Parameter(zeros([gates * hiddenSize, hiddenSize], { dtype }));
    this.bias_ih = this.bias ? new nn.Parameter(zeros([gates * hiddenSize], { dtype })) : null;
    this.bias_hh = this.bias ? new nn.Parameter(zeros([gates * hiddenSize], { dtype })) : null;
    this.resetParameters({ generator: opts.generator });
  }

  /** Every weight and bias from U(-1/√hiddenSize, 1/√hiddenSize), as PyTorch. */
  resetParameters(opts: { generator?: Generator } = {}): void {
    const k = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) nn.init.uniform_(p, -k, k, opts);
  }

  protected weights(): CellWeights {
    return { weightIh: this.weight_ih, weightHh: this.weight_hh, biasIh: this.bias_ih, biasHh: this.bias_hh };
  }

  /** (N, I) or unbatched (I) input, and a state that defaults to zeros. */
  protected prepare(op: string, input: Tensor, state: Tensor | null | undefined, what = 'hx'): [Tensor, Tensor, boolean] {
    if (input.ndim !== 1 && input.ndim !== 2) throw new ShapeError(`${op}: expected input (N, ${this.inputSize}) or (${this.inputSize}), got ${fmtShape(input.shape)}`);
    const unbatched = input.ndim === 1;
    const x = unbatched ? input.unsqueeze(0) : input;
    let h = state ?? zeros([x.shape[0]!, this.hiddenSize], { dtype: x.dtype });
    if (unbatched && state) h = h.unsqueeze(0);
    if (h.ndim !== 2 || h.shape[0] !== x.shape[0] || h.shape[1] !== this.hiddenSize) {
      throw new ShapeError(`${op}: expected ${what} of shape [${x.shape[0]},${this.hiddenSize}]${unbatched ? ` or [${this.hiddenSize}]` : ''}, got ${fmtShape(state!.shape)}`);
    }
    return [x, h, unbatched];
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias ? '' : ', bias=false'}`;
  }
}

/**
 * One LSTM step (torch.nn.LSTMCell), for loops that feed each output back in.
 *
 * Shape: input (N, I) or (I); hx [h, c] each (N, H), zeros by default -> [h', c'].
 *
 * Example:
 *   const cell = new LSTMCell(10, 20);
 *   let state = cell.forward(x0);
 *   state = cell.forward(x1, state);
 */
export class LSTMCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, opts: CellOptions = {}) {
    super('LSTMCell', 4, inputSize, hiddenSize, opts);
  }

  forward(input: Tensor, hx?: readonly [Tensor, Tensor] | null): [Tensor, Tensor] {
    const [x, h, unbatched] = this.prepare('LSTMCell', input, hx?.[0], 'h');
    const [, c] = this.prepare('LSTMCell', input, hx?.[1], 'c');
    const [h1, c1] = lstmCell(x, [h, c], this.weights());
    return unbatched ? [h1.squeeze(0), c1.squeeze(0)] : [h1, c1];
  }
}

/**
 * One GRU step (torch.nn.GRUCell).
 *
 * Shape: input (N, I) or (I); hx (N, H), zeros by default -> h' (N, H).
 *
 * Example:
 *   const cell = new GRUCell(10, 20);
 *   const h = cell.forward(x, h0);
 */
export class GRUCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, opts: CellOptions = {}) {
    super('GRUCell', 3, inputSize, hiddenSize, opts);
  }

  forward(input: Tensor, hx?: Tensor | null): Tensor {
    const [x, h, unbatched] = this.prepare('GRUCell', input, hx);
    const h1 = gruCell(x, h, this.weights());
    return unbatched ? h1.squeeze(0) : h1;
  }
}

/**
 * One Elman RNN step (torch.nn.RNNCell): h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or relu).
 *
 * Shape: input (N, I) or (I); hx (N, H), zeros by default -> h' (N, H).
 */
export class RNNCell extends CellBase {
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(inputSize: number, hiddenSize: number, opts: CellOptions & { nonlinearity?: 'tanh' | 'relu' } = {}) {
    super('RNNCell', 1, inputSize, hiddenSize, opts);
    this.nonlinearity = opts.nonlinearity ?? 'tanh';
    if (this.nonlinearity !== 'tanh' && this.nonlinearity !== 'relu') {
      throw new NeuroneError(`RNNCell: nonlinearity must be 'tanh' or 'relu', got ${JSON.stringify(opts.nonlinearity)}`);
    }
  }

  forward(input: Tensor, hx?: Tensor | null): Tensor {
    const [x, h, unbatched] = this.prepare('RNNCell', input, hx);
    const h1 = rnnCell(x, h, this.weights(), this.nonlinearity);
    return unbatched ? h1.squeeze(0) : h1;
  }
}
