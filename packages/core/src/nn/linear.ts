import { type DType } from '../dtype.js';
import { ShapeError, fmtShape } from '../errors.js';
import { zeros } from '../creation.js';
import type { Tensor } from '../tensor.js';
import { bilinear, linear } from './functional/linear.js';
import { kaimingUniform_, uniform_, type InitOptions } from './init.js';
import { Module } from './module.js';
import { checkSize, type FactoryOptions } from './options.js';
import { Parameter } from './parameter.js';

export interface LinearOptions extends FactoryOptions {
  /** Learn an additive bias. Default true. */
  bias?: boolean;
}

/**
 * Applies an affine map to the last dim: y = x Wᵀ + b.
 *
 * Args:
 *   inFeatures: size of each input sample.
 *   outFeatures: size of each output sample.
 *   opts.bias: learn an additive bias (default true).
 *   opts.dtype: dtype of the parameters (default float32).
 *
 * Shape: (*, inFeatures) -> (*, outFeatures)
 *
 * Attributes:
 *   weight: (outFeatures, inFeatures), initialised from U(-1/√inFeatures, 1/√inFeatures)
 *     (kaiming_uniform with a = √5, as PyTorch).
 *   bias: (outFeatures), from the same distribution; null without bias.
 *
 * Example:
 *   const m = new nn.Linear(20, 30);
 *   m.forward(randn([128, 20])).shape; // [128, 30]
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, opts: LinearOptions = {}) {
    super();
    this.inFeatures = checkSize('Linear', 'inFeatures', inFeatures);
    this.outFeatures = checkSize('Linear', 'outFeatures', outFeatures);
    const dtype: DType = opts.dtype ?? 'float32';
    this.weight = new Parameter(zeros([outFeatures, inFeatures], { dtype }));
    this.bias = (opts.bias ?? true) ? new Parameter(zeros([outFeatures], { dtype })) : null;
    this.resetParameters(opts);
  }

  /** Draws the weight and bias again from PyTorch's default distributions. */
  resetParameters(opts: InitOptions = {}): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5), generator: opts.generator });
    if (this.bias !== null) {
      const bound = this.inFeatures > 0 ? 1 / Math.sqrt(this.inFeatures) : 0;
      uniform_(this.bias, -bound, bound, opts);
    }
  }

  forward(input: Tensor): Tensor {
    const last = input.ndim > 0 ? input.shape[input.ndim - 1] : undefined;
    if (last !== this.inFeatures) {
      throw new ShapeError(
        `Linear: expected input of shape [*,${this.inFeatures}] (inFeatures=${this.inFeatures}), got ${fmtShape(input.shape)}; ` +
          `the weight has shape ${fmtShape(this.weight.shape)}`,
      );
    }
    return linear(input, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

/**
 * Applies a bilinear map to two inputs: y = x₁ᵀ A x₂ + b.
 *
 * Args:
 *   in1Features, in2Features: sizes of each sample of the two inputs.
 *   outFeatures: size of each output sample.
 *   opts.bias: learn an additive bias (default true).
 *
 * Shape: (*, in1Features), (*, in2Features) -> (*, outFeatures)
 *
 * Attributes:
 *   weight: (outFeatures, in1Features, in2Features) and bias (outFeatures),
 *     both from U(-1/√in1Features, 1/√in1Features).
 *
 * Example:
 *   const m = new nn.Bilinear(20, 30, 40);
 *   m.forward(randn([128, 20]), randn([128, 30])).shape; // [128, 40]
 */
export class Bilinear extends Module {
  readonly in1Features: number;
  readonly in2Features: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(in1Features: number, in2Features: number, outFeatures: number, opts: LinearOptions = {}) {
    super();
    this.in1Features = checkSize('Bilinear', 'in1Features', in1Features);
    this.in2Features = checkSize('Bilinear', 'in2Features', in2Features);
    this.outFeatures = checkSize('Bilinear', 'outFeatures', outFeatures);
    const dtype: DType = opts.dtype ?? 'float32';
    this.weight = new Parameter(zeros([outFeatures, in1Features, in2Features], { dtype }));
    this.bias = (opts.bias ?? true) ? new Parameter(zeros([outFeatures], { dtype })) : null;
    this.resetParameters(opts);
  }

  resetParameters(opts: InitOptions = {}): void {
    const bound = this.in1Features > 0 ? 1 / Math.sqrt(this.in1Features) : 0;
    uniform_(this.weight, -bound, bound, opts);
    if (this.bias !== null) uniform_(this.bias, -bound, bound, opts);
  }

  forward(input1: Tensor, input2: Tensor): Tensor {
    return bilinear(input1, input2, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in1Features=${this.in1Features}, in2Features=${this.in2Features}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

/**
 * Returns its input unchanged (a placeholder, e.g. to remove a layer).
 *
 * Shape: (*) -> (*)
 *
 * Example:
 *   model.registerModule('head', new nn.Identity());
 */
export class Identity extends Module {
  forward(input: Tensor): Tensor {
    return input;
  }
}
