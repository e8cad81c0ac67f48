// Convolution layers, as torch.nn.Conv1d / Conv2d / ConvTranspose2d.
import {
  NeuroneError, ShapeError, Tensor, conv1d, conv2d, convTranspose2d, nn, zeros,
  type DType, type Generator,
} from '@neurone/core';
import { fmtShape, tuple, type IntOrTuple } from '../util.js';


export interface ConvLayerOptions {
  stride?: IntOrTuple;
  /** Zeros added on both sides, or 'same' / 'valid' (default 0). */
  padding?: IntOrTuple | 'same' | 'valid';
  dilation?: IntOrTuple;
  groups?: number;
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** Only 'zeros' is supported. */
  paddingMode?: 'zeros';
  dtype?: DType;
  /** Random numbers for the initialisation (default: the seeded default generator). */
  generator?: Generator;
}

export interface ConvTransposeLayerOptions {
  stride?: IntOrTuple;
  padding?: IntOrTuple;
  outputPadding?: IntOrTuple;
  groups?: number;
  bias?: boolean;
  dilation?: IntOrTuple;
  dtype?: DType;
  generator?: Generator;
}

function checkChannels(op: string, inChannels: number, outChannels: number, groups: number): void {
  for (const [name, v] of [['inChannels', inChannels], ['outChannels', outChannels]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new NeuroneError(`${op}: ${name} must be a positive integer, got ${JSON.stringify(v)}`);
  }
  if (!Number.isInteger(groups) || groups < 1 || inChannels % groups !== 0 || outChannels % groups !== 0) {
    throw new NeuroneError(`${op}: groups ${groups} must be a positive integer dividing inChannels ${inChannels} and outChannels ${outChannels}`);
  }
}

/** PyTorch's default: weight from kaiming_uniform(a = √5), i.e. U(±1/√fanIn); bias U(±1/√fanIn). */
function resetConv(weight: nn.Parameter, bias: nn.Parameter | null, generator?: Generator): void {
  nn.init.kaimingUniform_(weight, { a: Math.sqrt(5), generator });
  if (bias !== null) {
    const [fanIn] = nn.init.calculateFanInAndFanOut(weight);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    nn.init.uniform_(bias, -bound, bound, { generator });
  }
}

/** Shared by Conv1d and Conv2d. */
abstract class ConvNd extends nn.Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: readonly number[];
  readonly stride: readonly number[];
  readonly padding: readonly number[] | 'same' | 'valid';
  readonly dilation: readonly number[];
  readonly groups: number;
  weight: nn.Parameter;
  bias: nn.Parameter | null;

  constructor(op: string, nd: number, inChannels: number, outChannels: number, kernelSize: IntOrTuple, opts: ConvLayerOptions) {
    super();
    const groups = opts.groups ?? 1;
    checkChannels(op, inChannels, outChannels, groups);
    if ((opts.paddingMode ?? 'zeros') !== 'zeros') throw new NeuroneError(`${op}: only paddingMode 'zeros' is supported, got '${String(opts.paddingMode)}'`);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = tuple(op, 'kernelSize', kernelSize, nd, 1);
    this.stride = tuple(op, 'stride', opts.stride ?? 1, nd, 1);
    const p = opts.padding ?? 0;
    this.padding = p === 'same' || p === 'valid' ? p : tuple(op, 'padding', p, nd, 0);
    if (this.padding === 'same' && this.stride.some((s) => s !== 1)) throw new NeuroneError(`${op}: padding 'same' is not supported for strided convolutions`);
    this.dilation = tuple(op, 'dilation', opts.dilation ?? 1, nd, 1);
    this.groups = groups;
    const dtype = opts.dtype ?? 'float32';
    this.weight = new nn.Parameter(zeros([outChannels, inChannels / groups, ...this.kernelSize], { dtype }));
    this.bias = (opts.bias ?? true) ? new nn.Parameter(zeros([outChannels], { dtype })) : null;
    this.resetParameters({ generator: opts.generator });
  }

  /** Draws the weight and bias again from PyTorch's default distributions. */
  resetParameters(opts: { generator?: Generator } = {}): void {
    resetConv(this.weight, this.bias, opts.generator);
  }

  override extraRepr(): string {
    const s = [`${this.inChannels}, ${this.outChannels}, kernelSize=${JSON.stringify(this.kernelSize)}, stride=${JSON.stringify(this.stride)}`];
    if (this.padding === 'same' || this.padding === 'valid' || this.padding.some((v) => v !== 0)) s.push(`padding=${JSON.stringify(this.padding)}`);
    if (this.dilation.some((v) => v !== 1)) s.push(`dilation=${JSON.stringify(this.dilation)}`);
    if (this.groups !== 1) s.push(`groups=${this.groups}`);
    if (this.bias === null) s.push('bias=false');
    return s.join(', ');
  }
}

/**
 * 2-D convolution over images (torch.nn.Conv2d).
 *
 * Args:
 *   inChannels, outChannels: channels of the input and the output.
 *   kernelSize: kH = kW, or [kH, kW].
 *   opts.stride, opts.padding (number, pair, 'same', 'valid'), opts.dilation, opts.groups,
 *   opts.bias (default true), opts.dtype, opts.generator.
 *
 * Shape: (N, C_in, H, W) or (C_in, H, W) -> (N, C_out, H_out, W_out),
 * H_out = floor((H + 2 padding - dilation (kH - 1) - 1) / stride) + 1.
 *
 * Attributes:
 *   weight: (outChannels, inChannels / groups, kH, kW), from U(-1/√fanIn, 1/√fanIn)
 *     (kaiming_uniform with a = √5), fanIn = inChannels / groups · kH · kW.
 *   bias: (outChannels), from the same distribution; null without bias.
 *
 * Example:
 *   const conv = new Conv2d(3, 16, 3, { padding: 1 });
 *   conv.forward(randn([8, 3, 32, 32])).shape; // [8, 16, 32, 32]
 */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, opts: ConvLayerOptions = {}) {
    super('Conv2d', 2, inChannels, outChannels, kernelSize, opts);
  }

  forward(input: Tensor): Tensor {
    return conv2d(input, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }
}

/**
 * 1-D convolution over sequences (torch.nn.Conv1d).
 *
 * Shape: (N, C_in, L) or (C_in, L) -> (N, C_out, L_out).
 *
 * Attributes:
 *   weight: (outChannels, inChannels / groups, kernelSize); bias: (outChannels).
 *
 * Example:
 *   new Conv1d(16, 33, 3, { stride: 2 }).forward(randn([20, 16, 50])).shape; // [20, 33, 24]
 */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, opts: ConvLayerOptions = {}) {
    super('Conv1d', 1, inChannels, outChannels, kernelSize, opts);
  }

  forward(input: Tensor): Tensor {
    return conv1d(input, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }
}

/**
 * 2-D transposed convolution (torch.nn.ConvTranspose2d): the gradient of a
 * Conv2d with respect to its input, used to upsample (decoders, GANs).
 *
 * Shape: (N, C_in, H, W) or (C_in, H, W) -> (N, C_out, H_out, W_out),
 * H_out = (H - 1) stride - 2 padding + dilation (kH - 1) + outputPadding + 1
 * (`forward(x, outputSize)` picks outputPadding to reach a given size).
 *
 * Attributes:
 *   weight: (inChannels, outChannels / groups, kH, kW), from U(-1/√fanIn, 1/√fanIn)
 *     with fanIn = outChannels / groups · kH · kW (PyTorch's convention).
 *   bias: (outChannels).
 *
 * Example:
 *   const up = new ConvTranspose2d(16, 8, 4, { stride: 2, padding: 1 });
 *   up.forward(randn([1, 16, 7, 7])).shape; // [1, 8, 14, 14]
 */
export class ConvTranspose2d extends nn.Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: readonly number[];
  readonly stride: readonly number[];
  readonly padding: readonly number[];
  readonly outputPadding: readonly number[];
  readonly dilation: readonly number[];
  readonly groups: number;
  weight: nn.Parameter;
  bias: nn.Parameter | null;

  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, opts: ConvTransposeLayerOptions = {}) {
    super();
    const op = 'ConvTranspose2d';
    const groups = opts.groups ?? 1;
    checkChannels(op, inChannels, outChannels, groups);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = tuple(op, 'kernelSize', kernelSize, 2, 1);
    this.stride = tuple(op, 'stride', opts.stride ?? 1, 2, 1);
    this.padding = tuple(op, 'padding', opts.padding ?? 0, 2, 0);
    this.outputPadding = tuple(op, 'outputPadding', opts.outputPadding ?? 0, 2, 0);
    this.dilation = tuple(op, 'dilation', opts.dilation ?? 1, 2, 1);
    this.groups = groups;
    const dtype = opts.dtype ?? 'float32';
    this.weight = new nn.Parameter(zeros([inChannels, outChannels / groups, ...this.kernelSize], { dtype }));
    this.bias = (opts.bias ?? true) ? new nn.Parameter(zeros([outChannels], { dtype })) : null;
    this.resetParameters({ generator: opts.generator });
  }

  resetParameters(opts: { generator?: Generator } = {}): void {
    resetConv(this.weight, this.bias, opts.generator);
  }

  /** `outputSize` ((H, W), or with the leading dims) chooses the output padding that gives that size. */
  forward(input: Tensor, outputSize?: readonly number[]): Tensor {
    let outputPadding = this.outputPadding;
    if (outputSize !== undefined) {
      const want = outputSize.slice(-2);
      const hw = input.shape.slice(-2);
      const min = hw.map((s, i) => (s - 1) * this.stride[i]! - 2 * this.padding[i]! + this.dilation[i]! * (this.kernelSize[i]! - 1) + 1);
      if (want.length !== 2 || want.some((w, i) => w < min[i]! || w >= min[i]! + this.stride[i]!)) {
        throw new ShapeError(
          `ConvTranspose2d: requested output size ${JSON.stringify(outputSize)} is not reachable from input ${fmtShape(input.shape)}; ` +
            `valid sizes are ${min.map((m, i) => `${m}..${m + this.stride[i]! - 1}`).join(' x ')}`,
        );
      }
      outputPadding = want.map((w, i) => w - min[i]!);
    }
    return convTranspose2d(input, this.weight, this.bias, {
      stride: this.stride, padding: this.padding, outputPadding, groups: this.groups, dilation: this.dilation,
    });
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=${JSON.stringify(this.kernelSize)}, stride=${JSON.stringify(this.stride)}` +
      (this.padding.some((v) => v !== 0) ? `, padding=${JSON.stringify(this.padding)}` : '') +
      (this.outputPadding.some((v) => v !== 0) ? `, outputPadding=${JSON.stringify(this.outputPadding)}` : '') +
      (this.groups !== 1 ? `, groups=${this.groups}` : '') + (this.bias === null ? ', bias=false' : '');
  }
}
