// Dropout2d and Upsample, as torch.nn.Dropout2d / torch.nn.Upsample.
import { NeuroneError, nn, type Generator, type Tensor } from '@neurone/core';
import { dropout2d } from '../functional/dropout.js';
import { interpolate, type InterpolateOptions } from '../functional/upsample.js';


/**
 * Zeroes whole channels with probability p during training (torch.nn.Dropout2d)
 * and scales the others by 1/(1-p); identity after `eval()`.
 *
 * Shape: (N, C, H, W) or (C, H, W) -> same.
 *
 * Example:
 *   new Dropout2d(0.2).forward(randn([20, 16, 32, 32]));
 */
export class Dropout2d extends nn.Module {
  readonly p: number;
  generator: Generator | undefined;

  constructor(p = 0.5, opts: { generator?: Generator } = {}) {
    super();
    if (!(p >= 0 && p <= 1)) throw new NeuroneError(`Dropout2d: probability must be between 0 and 1, got ${p}`);
    this.p = p;
    this.generator = opts.generator;
  }

  forward(input: Tensor): Tensor {
    return dropout2d(input, this.p, { training: this.training, generator: this.generator });
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}

/**
 * Resizes images or sequences (torch.nn.Upsample): mode 'nearest' (default),
 * 'linear' (N, C, L) or 'bilinear' (N, C, H, W); give `size` or `scaleFactor`.
 *
 * Example:
 *   new Upsample({ scaleFactor: 2, mode: 'bilinear' }).forward(randn([1, 3, 4, 4])).shape; // [1, 3, 8, 8]
 */
export class Upsample extends nn.Module {
  constructor(readonly options: InterpolateOptions) {
    super();
  }

  forward(input: Tensor): Tensor {
    return interpolate(input, this.options);
  }

  override extraRepr(): string {
    const o = this.options;
    return (o.size !== undefined && o.size !== null ? `size=${JSON.stringify(o.size)}` : `scaleFactor=${JSON.stringify(o.scaleFactor)}`) + `, mode='${o.mode ?? 'nearest'}'`;
  }
}
