// LeNet-5 (LeCun et al. 1998), in its common modern form.
import { NeuroneError, nn, type Generator, type Tensor } from '@neurone/core';
import { Conv2d } from '../layers/conv.js';
import { AvgPool2d, MaxPool2d } from '../layers/pooling.js';

export interface LeNet5Options {
  /** Channels of the input images (default 1). */
  inChannels?: number;
  /** Outputs of the last layer (default 10). */
  numClasses?: number;
  /** 'relu' (default) or 'tanh' (the original). */
  activation?: 'relu' | 'tanh';
  /** 'max' (default) or 'avg' (the original's subsampling). */
  pooling?: 'max' | 'avg';
  /** Random numbers for the initialisation (default: the seeded default generator). */
  generator?: Generator;
}

/**
 * LeNet-5 for 28x28 images: conv 5x5 (6, padding 2) -> pool -> conv 5x5 (16)
 * -> pool -> 400 -> 120 -> 84 -> numClasses. The last Linear is
 * `classifier.4`: replace it to reuse the network for other classes.
 *
 * Shape: (N, inChannels, 28, 28) -> (N, numClasses) logits.
 *
 * State-dict keys: features.0.*, features.3.*, classifier.0.*, classifier.2.*, classifier.4.*
 * (61,706 parameters for 1 channel and 10 classes).
 */
export class LeNet5 extends nn.Module {
  features: nn.Sequential;
  classifier: nn.Sequential;

  constructor(opts: LeNet5Options = {}) {
    super();
    const act = opts.activation ?? 'relu';
    if (act !== 'relu' && act !== 'tanh') throw new NeuroneError(`lenet5: activation must be 'relu' or 'tanh', got '${String(act)}'`);
    const pooling = opts.pooling ?? 'max';
    if (pooling !== 'max' && pooling !== 'avg') throw new NeuroneError(`lenet5: pooling must be 'max' or 'avg', got '${String(pooling)}'`);
    const A = () => (act === 'relu' ? new nn.ReLU() : new nn.Tanh());
    const P = () => (pooling === 'max' ? new MaxPool2d(2) : new AvgPool2d(2));
    const g = { generator: opts.generator };
    this.features = new nn.Sequential(
      new Conv2d(opts.inChannels ?? 1, 6, 5, { padding: 2, ...g }), A(), P(),
      new Conv2d(6, 16, 5, g), A(), P(),
    );
    this.classifier = new nn.Sequential(
      new nn.Linear(16 * 5 * 5, 120, g), A(),
      new nn.Linear(120, 84, g), A(),
      new nn.Linear(84, opts.numClasses ?? 10, g),
    );
  }

  forward(input: Tensor): Tensor {
    return this.classifier.forward(this.features.forward(input).flatten(1));
  }
}

/**
 * Builds a LeNet-5 (see `LeNet5`).
 *
 * Example:
 *   const model = lenet5();
 *   model.forward(randn([64, 1, 28, 28])).shape; // [64, 10]
 */
export function lenet5(opts: LeNet5Options = {}): LeNet5 {
  return new LeNet5(opts);
}
