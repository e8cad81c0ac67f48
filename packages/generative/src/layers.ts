// Builders of the dense stacks the models are made of.
import { NeuroneError, nn, type Generator } from '@neurone/core';
import { describe } from './util.js';

/** An activation by name; 'none' adds no layer. */
export type Activation = 'relu' | 'leakyRelu' | 'elu' | 'tanh' | 'sigmoid' | 'none';

/** The module for `name` (null for 'none'). */
export function activation(name: Activation, op = 'activation'): nn.Module | null {
  switch (name) {
    case 'relu':
      return new nn.ReLU();
    case 'leakyRelu':
      return new nn.LeakyReLU(0.2);
    case 'elu':
      return new nn.ELU();
    case 'tanh':
      return new nn.Tanh();
    case 'sigmoid':
      return new nn.Sigmoid();
    case 'none':
      return null;
    default:
      throw new NeuroneError(`${op}: activation must be 'relu', 'leakyRelu', 'elu', 'tanh', 'sigmoid' or 'none', got ${describe(name)}`);
  }
}

export interface MlpOptions {
  /** Between hidden layers (default 'relu'). */
  activation?: Activation;
  /** After the last layer (default 'none'). */
  outputActivation?: Activation;
  /** Random numbers for the initialisation. */
  generator?: Generator;
}

/**
 * Linear layers through `sizes` (sizes[0] inputs, sizes.at(-1) outputs) with
 * an activation between them, as one Sequential (state-dict keys `0.weight`, …).
 *
 * Shape: (N, sizes[0]) -> (N, sizes.at(-1))
 *
 * Example:
 *   mlp([784, 256, 32]); // Linear(784, 256), ReLU, Linear(256, 32)
 */
export function mlp(sizes: readonly number[], opts: MlpOptions = {}, op = 'mlp'): nn.Sequential {
  if (!Array.isArray(sizes) || sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new NeuroneError(`${op}: sizes must be at least two positive integers, got ${JSON.stringify(sizes)}`);
  }
  const layers: nn.Module[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    layers.push(new nn.Linear(sizes[i]!, sizes[i + 1]!, { generator: opts.generator }));
    const act = activation(i + 2 < sizes.length ? (opts.activation ?? 'relu') : (opts.outputActivation ?? 'none'), op);
    if (act !== null) layers.push(act);
  }
  return new nn.Sequential(...layers);
}
