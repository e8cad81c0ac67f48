// Batch normalisation layers, as torch.nn.BatchNorm1d / BatchNorm2d.
import { NeuroneError, ShapeError, Tensor, noGrad, nn, ones, zeros, type DType } from '@neurone/core';
import { batchNorm } from '../functional/normalization.js';
import { fmtShape } from '../util.js';


export interface BatchNormLayerOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Weight of each new batch in the running statistics (default 0.1); null for a cumulative average. */
  momentum?: number | null;
  /** Learn a per-channel scale (ones) and shift (zeros) (default true). */
  affine?: boolean;
  /** Keep running statistics for evaluation (default true); without them the batch's are always used. */
  trackRunningStats?: boolean;
  dtype?: DType;
}

abstract class BatchNormBase extends nn.Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: nn.Parameter | null;
  bias: nn.Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;

  constructor(op: string, numFeatures: number, opts: BatchNormLayerOptions) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures < 1) throw new NeuroneError(`${op}: numFeatures must be a positive integer, got ${JSON.stringify(numFeatures)}`);
    this.numFeatures = numFeatures;
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    this.affine = opts.affine ?? true;
    this.trackRunningStats = opts.trackRunningStats ?? true;
    const dtype = opts.dtype ?? 'float32';
    this.weight = this.affine ? new nn.Parameter(ones([numFeatures], { dtype })) : null;
    this.bias = this.affine ? new nn.Parameter(zeros([numFeatures], { dtype })) : null;
    // PyTorch's buffer names are the state-dict keys; camelCase getters below
    this.registerBuffer('running_mean', this.trackRunningStats ? zeros([numFeatures], { dtype }) : null);
    this.registerBuffer('running_var', this.trackRunningStats ? ones([numFeatures], { dtype }) : null);
    this.registerBuffer('num_batches_tracked', this.trackRunningStats ? zeros([], { dtype: 'int32' }) : null);
  }

  get runningMean(): Tensor | null {
    return this.running_mean;
  }

  get runningVar(): Tensor | null {
    return this.running_var;
  }

  get numBatchesTracked(): number {
    return this.num_batches_tracked === null ? 0 : this.num_batches_tracked.item();
  }

  /** Running statistics back to mean 0, variance 1, no batches. */
  resetRunningStats(): void {
    noGrad(() => {
      this.running_mean?.zero_();
      this.running_var?.fill_(1);
      this.num_batches_tracked?.zero_();
    });
  }

  /** Running statistics reset, γ to ones, β to zeros. */
  resetParameters(): void {
    this.resetRunningStats();
    noGrad(() => {
      this.weight?.fill_(1);
      this.bias?.zero_();
    });
  }

  protected abstract checkInput(input: Tensor): void;

  forward(input: Tensor): Tensor {
    this.checkInput(input);
    if (input.shape[1] !== this.numFeatures) {
      throw new ShapeError(`${this.typeName()}: expected input with ${this.numFeatures} channels in dim 1 (numFeatures), got ${fmtShape(input.shape)}`);
    }
    let factor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats && this.num_batches_tracked !== null) {
      this.num_batches_tracked.data[0]! += 1;
      // momentum null: cumulative moving average
      if (this.momentum === null) factor = 1 / this.num_batches_tracked.data[0]!;
    }
    // in training, or without running statistics, normalise with the batch's
    const useBatch = this.training || this.running_mean === null || this.running_var === null;
    const track = !this.training || this.trackRunningStats;
    return batchNorm(input, track ? this.running_mean : null, track ? this.running_var : null, {
      weight: this.weight, bias: this.bias, training: useBatch, momentum: factor, eps: this.eps,
    });
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.affine}, trackRunningStats=${this.trackRunningStats}`;
  }
}

/**
 * Batch normalisation of (N, C) features or (N, C, L) sequences
 * (torch.nn.BatchNorm1d): per channel, y = (x - mean) / √(var + eps) γ + β.
 * Training uses the batch's statistics and updates the running ones
 * (r = (1 - momentum) r + momentum batch, unbiased variance); `eval()` uses
 * the running ones.
 *
 * Shape: (N, C) or (N, C, L) -> same.
 *
 * Attributes (state-dict keys): weight γ (C, ones), bias β (C, zeros),
 * running_mean (C, zeros), running_var (C, ones), num_batches_tracked (int32 scalar).
 *
 * Example:
 *   const bn = new BatchNorm1d(100);
 *   bn.forward(randn([20, 100])).shape; // [20, 100]
 */
export class BatchNorm1d extends BatchNormBase {
  constructor(numFeatures: number, opts: BatchNormLayerOptions = {}) {
    super('BatchNorm1d', numFeatures, opts);
  }

  protected checkInput(input: Tensor): void {
    if (!(input instanceof Tensor) || (input.ndim !== 2 && input.ndim !== 3)) {
      throw new ShapeError(`BatchNorm1d: expected a 2-D (N, C) or 3-D (N, C, L) input, got ${input instanceof Tensor ? fmtShape(input.shape) : typeof input}`);
    }
  }
}

/**
 * Batch normalisation of images (torch.nn.BatchNorm2d): statistics per channel
 * over N, H and W.
 *
 * Shape: (N, C, H, W) -> same.
 *
 * Attributes (state-dict keys): weight, bias, running_mean, running_var, num_batches_tracked.
 *
 * Example:
 *   const bn = new BatchNorm2d(16);
 *   bn.forward(randn([8, 16, 10, 10]));   // training: batch statistics
 *   bn.eval().forward(randn([1, 16, 10, 10])); // running statistics
 */
export class BatchNorm2d extends BatchNormBase {
  constructor(numFeatures: number, opts: BatchNormLayerOptions = {}) {
    super('BatchNorm2d', numFeatures, opts);
  }

  protected checkInput(input: Tensor): void {
    if (!(input instanceof Tensor) || input.ndim !== 4) {
      throw new ShapeError(`BatchNorm2d: expected a 4-D input (N, C, H, W), got ${input instanceof Tensor ? fmtShape(input.shape) : typeof input}`);
    }
  }
}
