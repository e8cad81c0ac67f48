// One module per activation function; each calls the op of the same name.
import { NeuroneError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { elu, gelu, leakyRelu, logSoftmax, relu, sigmoid, silu, softmax, tanh } from '../ops/activation.js';
import { softplus } from './functional/activation.js';
import { Module } from './module.js';

/**
 * max(0, x) elementwise.
 *
 * Shape: (*) -> (*)
 *
 * Example:
 *   new nn.ReLU().forward(tensor([-1, 2])).toArray(); // [0, 2]
 */
export class ReLU extends Module {
  forward(input: Tensor): Tensor {
    return relu(input);
  }
}

/**
 * x for x > 0, negativeSlope · x otherwise.
 *
 * Args:
 *   negativeSlope: slope for negative inputs (default 0.01).
 *
 * Shape: (*) -> (*)
 *
 * Example:
 *   new nn.LeakyReLU(0.2).forward(tensor([-1, 2])).toArray(); // [-0.2, 2]
 */
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }

  forward(input: Tensor): Tensor {
    return leakyRelu(input, this.negativeSlope);
  }

  override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

/**
 * x for x > 0, α (eˣ - 1) otherwise.
 *
 * Args:
 *   alpha: the value approached for large negative inputs is -alpha (default 1).
 *
 * Shape: (*) -> (*)
 *
 * Example:
 *   new nn.ELU().forward(randn([4]));
 */
export class ELU extends Module {
  constructor(readonly alpha = 1) {
    super();
  }

  forward(input: Tensor): Tensor {
    return elu(input, this.alpha);
  }

  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

/**
 * Gaussian error linear unit, x Φ(x) (the exact form).
 *
 * Shape: (*) -> (*)
 *
 * Example:
 *   new nn.GELU().forward(randn([4]));
 */
export class GELU extends Module {
  forward(input: Tensor): Tensor {
    return gelu(input);
  }
}

/**
 * x σ(x), also called swish.
 *
 * Shape: (*) -> (*)
 *
 * Example:
 *   new nn.SiLU().forward(randn([4]));
 */
export class SiLU extends Module {
  forward(input: Tensor): Tensor {
    return silu(input);
  }
}

/**
 * 1 / (1 + e⁻ˣ).
 *
 * Shape: (*) -> (*)
 *
 * Example:
 *   new nn.Sigmoid().forward(tensor([0])).item(); // 0.5
 */
export class Sigmoid extends Module {
  forward(input: Tensor): Tensor {
    return sigmoid(input);
  }
}

/**
 * Hyperbolic tangent.
 *
 * Shape: (*) -> (*)
 *
 * Example:
 *   new nn.Tanh().forward(randn([4]));
 */
export class Tanh extends Module {
  forward(input: Tensor): Tensor {
    return tanh(input);
  }
}

/**
 * log(1 + e^(βx)) / β, a smooth ReLU; linear where βx > threshold.
 *
 * Args:
 *   opts.beta: sharpness (default 1).
 *   opts.threshold: above βx > threshold the output is x (default 20).
 *
 * Shape: (*) -> (*)
 *
 * Example:
 *   new nn.Softplus({ beta: 2 }).forward(randn([4]));
 */
export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;

  constructor(opts: { beta?: number; threshold?: number } = {}) {
    super();
    this.beta = opts.beta ?? 1;
    this.threshold = opts.threshold ?? 20;
    if (!(this.beta > 0)) throw new NeuroneError(`Softplus: beta must be positive, got ${this.beta}`);
  }

  forward(input: Tensor): Tensor {
    return softplus(input, { beta: this.beta, threshold: this.threshold });
  }

  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}

function checkDim(op: string, dim: unknown): number {
  if (typeof dim !== 'number' || !Number.isInteger(dim)) {
    throw new NeuroneError(`${op}: dim must be an integer (the dim that sums to 1, usually 1 or -1), got ${JSON.stringify(dim)}`);
  }
  return dim;
}

/**
 * eˣ / Σ eˣ along `dim`: each slice along it becomes a probability distribution.
 *
 * Args:
 *   dim: the dim to normalise (required; -1 for the last).
 *
 * Shape: (*) -> (*)
 *
 * Example:
 *   new nn.Softmax(1).forward(randn([2, 3])).sum(1).toArray(); // [1, 1]
 */
export class Softmax extends Module {
  readonly dim: number;

  constructor(dim: number) {
    super();
    this.dim = checkDim('Softmax', dim);
  }

  forward(input: Tensor): Tensor {
    return softmax(input, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/**
 * log(softmax(x)) along `dim`, computed stably; pair it with NLLLoss.
 *
 * Args:
 *   dim: the dim to normalise (required; -1 for the last).
 *
 * Shape: (*) -> (*)
 *
 * Example:
 *   new nn.LogSoftmax(1).forward(randn([2, 3]));
 */
export class LogSoftmax extends Module {
  readonly dim: number;

  constructor(dim: number) {
    super();
    this.dim = checkDim('LogSoftmax', dim);
  }

  forward(input: Tensor): Tensor {
    return logSoftmax(input, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
