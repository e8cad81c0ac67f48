// Pooling layers, as torch.nn.MaxPool1d/2d, MaxUnpool2d, AvgPool2d, AdaptiveAvgPool2d.
import { nn, type Tensor } from '@neurone/core';
import {
  adaptiveAvgPool2d, avgPool2d, maxPool1d, maxPool1dWithIndices, maxPool2d, maxPool2dWithIndices, maxUnpool2d,
  type AvgPoolOptions, type MaxPoolOptions,
} from '../functional/pooling.js';
import type { IntOrTuple } from '../util.js';


export interface MaxPoolLayerOptions<R extends boolean> extends MaxPoolOptions {
  /** Also return the indices of the maxima (for MaxUnpool2d): forward then returns [values, indices]. */
  returnIndices?: R;
}

/** [values, indices] when returnIndices is true, else the values. */
export type MaxPoolResult<R extends boolean> = R extends true ? [Tensor, Tensor] : Tensor;

const repr = (k: IntOrTuple, o: MaxPoolOptions | AvgPoolOptions) =>
  `kernelSize=${JSON.stringify(k)}, stride=${JSON.stringify(o.stride ?? k)}, padding=${JSON.stringify(o.padding ?? 0)}` +
  ('dilation' in o && o.dilation !== undefined ? `, dilation=${JSON.stringify(o.dilation)}` : '') + (o.ceilMode ? ', ceilMode=true' : '');

/**
 * What MaxPool1d and MaxPool2d share: the kernel size, the pooling options and
 * whether forward also returns the indices of the maxima.
 */
export abstract class MaxPoolNd<R extends boolean> extends nn.Module {
  readonly kernelSize: IntOrTuple;
  readonly options: MaxPoolOptions;
  readonly returnIndices: R;

  constructor(kernelSize: IntOrTuple, opts: MaxPoolLayerOptions<R> = {}) {
    super();
    const { returnIndices, ...rest } = opts;
    this.kernelSize = kernelSize;
    this.options = rest;
    this.returnIndices = (returnIndices ?? false) as R;
  }

  /** The pooled values. */
  protected abstract pool(input: Tensor): Tensor;
  /** The pooled values and the flat indices of the maxima. */
  protected abstract poolWithIndices(input: Tensor): [Tensor, Tensor];

  forward(input: Tensor): MaxPoolResult<R> {
    return (this.returnIndices ? this.poolWithIndices(input) : this.pool(input)) as MaxPoolResult<R>;
  }

  override extraRepr(): string {
    return repr(this.kernelSize, this.options);
  }
}

/**
 * 2-D max pooling (torch.nn.MaxPool2d); stride defaults to the kernel size.
 *
 * Shape: (N, C, H, W) or (C, H, W) -> (N, C, H_out, W_out).
 *
 * Example:
 *   new MaxPool2d(2).forward(randn([1, 6, 28, 28])).shape; // [1, 6, 14, 14]
 *   const [y, idx] = new MaxPool2d(2, { returnIndices: true }).forward(x);
 */
export class MaxPool2d<R extends boolean = false> extends MaxPoolNd<R> {
  protected pool(input: Tensor): Tensor {
    return maxPool2d(input, this.kernelSize, this.options);
  }

  protected poolWithIndices(input: Tensor): [Tensor, Tensor] {
    return maxPool2dWithIndices(input, this.kernelSize, this.options);
  }
}

/**
 * 1-D max pooling (torch.nn.MaxPool1d).
 *
 * Shape: (N, C, L) or (C, L) -> (N, C, L_out).
 *
 * Example:
 *   new MaxPool1d(3, { stride: 2 }).forward(randn([20, 16, 50])).shape; // [20, 16, 24]
 */
export class MaxPool1d<R extends boolean = false> extends MaxPoolNd<R> {
  protected pool(input: Tensor): Tensor {
    return maxPool1d(input, this.kernelSize, this.options);
  }

  protected poolWithIndices(input: Tensor): [Tensor, Tensor] {
    return maxPool1dWithIndices(input, this.kernelSize, this.options);
  }
}

/**
 * The partial inverse of MaxPool2d (torch.nn.MaxUnpool2d): values go back to
 * the positions of their maxima, zeros elsewhere.
 *
 * Shape: (N, C, H_in, W_in) with indices of the same shape -> (N, C, H_out, W_out),
 * H_out = (H_in - 1) stride - 2 padding + kH unless `outputSize` says otherwise.
 *
 * Example:
 *   const pool = new MaxPool2d(2, { returnIndices: true });
 *   const unpool = new MaxUnpool2d(2);
 *   const [y, idx] = pool.forward(x);
 *   unpool.forward(y, idx).shape; // x's shape (for even sizes)
 */
export class MaxUnpool2d extends nn.Module {
  constructor(readonly kernelSize: IntOrTuple, readonly options: { stride?: IntOrTuple | null; padding?: IntOrTuple } = {}) {
    super();
  }

  forward(input: Tensor, indices: Tensor, outputSize?: readonly number[]): Tensor {
    return maxUnpool2d(input, indices, this.kernelSize, { ...this.options, outputSize });
  }

  override extraRepr(): string {
    return `kernelSize=${JSON.stringify(this.kernelSize)}, stride=${JSON.stringify(this.options.stride ?? this.kernelSize)}, padding=${JSON.stringify(this.options.padding ?? 0)}`;
  }
}

/**
 * 2-D average pooling (torch.nn.AvgPool2d).
 *
 * Shape: (N, C, H, W) or (C, H, W) -> (N, C, H_out, W_out).
 *
 * Example:
 *   new AvgPool2d(3, { stride: 2 }).forward(randn([20, 16, 50, 32])).shape; // [20, 16, 24, 15]
 */
export class AvgPool2d extends nn.Module {
  constructor(readonly kernelSize: IntOrTuple, readonly options: AvgPoolOptions = {}) {
    super();
  }

  forward(input: Tensor): Tensor {
    return avgPool2d(input, this.kernelSize, this.options);
  }

  override extraRepr(): string {
    return repr(this.kernelSize, this.options);
  }
}

/**
 * Adaptive 2-D average pooling (torch.nn.AdaptiveAvgPool2d): the output size
 * is fixed whatever the input's (null keeps an input dim).
 *
 * Shape: (N, C, H, W) or (C, H, W) -> (N, C, H_out, W_out).
 *
 * Example:
 *   new AdaptiveAvgPool2d([5, 7]).forward(randn([1, 64, 8, 9])).shape; // [1, 64, 5, 7]
 *   new AdaptiveAvgPool2d(1).forward(randn([1, 64, 8, 9])).shape;      // [1, 64, 1, 1]
 */
export class AdaptiveAvgPool2d extends nn.Module {
  constructor(readonly outputSize: number | readonly (number | null)[]) {
    super();
  }

  forward(input: Tensor): Tensor {
    return adaptiveAvgPool2d(input, this.outputSize);
  }

  override extraRepr(): string {
    return `outputSize=${JSON.stringify(this.outputSize)}`;
  }
}
