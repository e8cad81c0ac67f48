import { type DType } from '../dtype.js';
import { ShapeError } from '../errors.js';
import { ones, zeros } from '../creation.js';
import type { Tensor } from '../tensor.js';
import { layerNorm } from './functional/normalization.js';
import { ones_, zeros_ } from './init.js';
import { Module } from './module.js';
import type { FactoryOptions } from './options.js';
import { Parameter } from './parameter.js';

export interface LayerNormModuleOptions extends FactoryOptions {
  /** Added to the variance for stability. Default 1e-5. */
  eps?: number;
  /** Learn a per-element scale γ and shift β. Default true. */
  elementwiseAffine?: boolean;
  /** Learn β (only with elementwiseAffine). Default true. */
  bias?: boolean;
}

/**
 * Layer normalisation over the last dims: y = (x - E[x]) / √(Var[x] + eps) · γ + β,
 * with mean and (biased) variance over `normalizedShape`, per sample.
 *
 * Args:
 *   normalizedShape: the trailing dims to normalise over (a number for one).
 *   opts.eps: added to the variance (default 1e-5).
 *   opts.elementwiseAffine: learn γ (ones) and β (zeros) of shape normalizedShape (default true).
 *
 * Shape: (*, ...normalizedShape) -> same shape
 *
 * Example:
 *   const ln = new nn.LayerNorm(10);
 *   ln.forward(randn([20, 5, 10])).shape; // [20, 5, 10]
 */
export class LayerNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], opts: LayerNormModuleOptions = {}) {
    super();
    const ns = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (ns.length === 0 || ns.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new ShapeError(`LayerNorm: normalizedShape must be a size or a non-empty list of sizes, got ${JSON.stringify(normalizedShape)}`);
    }
    this.normalizedShape = ns;
    this.eps = opts.eps ?? 1e-5;
    this.elementwiseAffine = opts.elementwiseAffine ?? true;
    const dtype: DType = opts.dtype ?? 'float32';
    this.weight = this.elementwiseAffine ? new Parameter(ones(ns, { dtype })) : null;
    this.bias = this.elementwiseAffine && (opts.bias ?? true) ? new Parameter(zeros(ns, { dtype })) : null;
  }

  /** γ back to ones, β to zeros. */
  resetParameters(): void {
    if (this.weight !== null) ones_(this.weight);
    if (this.bias !== null) zeros_(this.bias);
  }

  forward(input: Tensor): Tensor {
    return layerNorm(input, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `[${this.normalizedShape.join(', ')}], eps=${this.eps}, elementwiseAffine=${this.elementwiseAffine}`;
  }
}
