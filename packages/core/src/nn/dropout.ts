import { NeuroneError } from '../errors.js';
import type { Generator } from '../random.js';
import type { Tensor } from '../tensor.js';
import { dropout } from '../ops/activation.js';
import { Module } from './module.js';

/**
 * During training, zeroes each element with probability p and scales the
 * others by 1/(1-p); in evaluation mode (`eval()`) returns the input.
 *
 * Args:
 *   p: probability of an element being zeroed (default 0.5).
 *   opts.generator: random numbers (default: the seeded default generator).
 *
 * Shape: (*) -> (*)
 *
 * Example:
 *   const drop = new nn.Dropout(0.2);
 *   drop.forward(randn([20, 16]));        // some zeros, the rest × 1.25
 *   drop.eval().forward(x) === x;         // true
 */
export class Dropout extends Module {
  readonly p: number;
  generator: Generator | undefined;

  constructor(p = 0.5, opts: { generator?: Generator } = {}) {
    super();
    if (!(p >= 0 && p <= 1)) throw new NeuroneError(`Dropout: probability must be between 0 and 1, got ${p}`);
    this.p = p;
    this.generator = opts.generator;
  }

  forward(input: Tensor): Tensor {
    return dropout(input, this.p, { training: this.training, generator: this.generator });
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}
