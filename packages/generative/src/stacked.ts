// Stacked autoencoder with greedy layer-wise unsupervised pre-training, then
// supervised fine-tuning of every layer (the course's route to deep networks
// before better initialisations: each layer first learns to rebuild the codes
// of the layer below, then the whole stack is fine-tuned on labels).
import { Generator, NeuroneError, Tensor, nn, sizeOf } from '@neurone/core';
import { Autoencoder } from './autoencoder.js';
import type { Corruption } from './corruption.js';
import { DenoisingAutoencoder } from './denoising.js';
import { type Activation, activation } from './layers.js';
import { evaluating, inBatches, trainAutoencoder } from './train.js';
import { describe, requirePositiveInt } from './util.js';

export interface StackedAutoencoderOptions {
  /** After every encoder layer and inner decoder layer (default 'relu'). */
  activation?: Activation;
  /** On the reconstruction of the input (default 'sigmoid', for inputs in [0, 1]). */
  outputActivation?: Activation;
  /** Shape of one input without the batch dim (e.g. [1, 28, 28]): flattened on the way in, restored on the way out. */
  inputShape?: readonly number[];
  /** Random numbers for the initialisation. */
  generator?: Generator;
}

export interface PretrainOptions {
  /** Epochs per layer. */
  epochs: number;
  batchSize?: number;
  /** Adam's learning rate for each layer (default 1e-3). */
  lr?: number;
  /** Train each layer as a denoising autoencoder with this corruption (stacked denoising autoencoders). */
  corruption?: Corruption;
  /** Seed of the shuffling and of the corruption (default 0). */
  seed?: number;
  /** Called after every epoch of every layer. */
  onEpoch?: (info: { layer: number; epoch: number; loss: number }) => void;
}

/**
 * A deep autoencoder sizes[0] -> sizes[1] -> … -> sizes[L] -> … -> sizes[0]
 * built from L one-layer autoencoders: `encoders.k` maps sizes[k] to
 * sizes[k+1] and `decoders.k` maps it back.
 *
 * `pretrain(x)` trains them greedily, one layer at a time, each on the codes
 * the (frozen) layers below produce; `classifier(classes)` then stacks the
 * pre-trained encoders under a new output layer for supervised fine-tuning
 * (the encoders are shared, so fine-tuning updates them).
 *
 * Shape: (N, *input) -> (N, *input); codes (N, sizes[L])
 *
 * Example:
 *   const sae = new StackedAutoencoder([784, 256, 64], { inputShape: [1, 28, 28] });
 *   sae.pretrain(unlabeled, { epochs: 5 });
 *   const net = sae.classifier(10);
 *   trainClassifier(net, fewImages, fewLabels, { epochs: 30 });
 */
export class StackedAutoencoder extends nn.Module {
  readonly sizes: readonly number[];
  readonly inputShape: readonly number[] | null;
  encoders: nn.ModuleList;
  decoders: nn.ModuleList;

  constructor(sizes: readonly number[], opts: StackedAutoencoderOptions = {}) {
    super();
    const op = 'StackedAutoencoder';
    if (!Array.isArray(sizes) || sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s < 1)) {
      throw new NeuroneError(`${op}: sizes must be at least two positive integers (input, code…), got ${JSON.stringify(sizes)}`);
    }
    if (opts.inputShape !== undefined && (!Array.isArray(opts.inputShape) || sizeOf(opts.inputShape) !== sizes[0])) {
      throw new NeuroneError(`${op}: inputShape ${describe(opts.inputShape)} must have sizes[0] = ${sizes[0]} elements`);
    }
    this.sizes = Object.freeze([...sizes]);
    this.inputShape = opts.inputShape ? Object.freeze([...opts.inputShape]) : null;
    const act = opts.activation ?? 'relu';
    const enc: nn.Module[] = [];
    const dec: nn.Module[] = [];
    for (let k = 0; k + 1 < sizes.length; k++) {
      enc.push(layer(sizes[k]!, sizes[k + 1]!, act, opts.generator, op));
      dec.push(layer(sizes[k + 1]!, sizes[k]!, k === 0 ? (opts.outputActivation ?? 'sigmoid') : act, opts.generator, op));
    }
    this.encoders = new nn.ModuleList(enc);
    this.decoders = new nn.ModuleList(dec);
  }

  /** Number of encoder layers L. */
  get depth(): number {
    return this.sizes.length - 1;
  }

  private flat(x: Tensor): Tensor {
    return this.inputShape === null ? x : x.flatten(1);
  }

  /** The codes after the first `depth` encoder layers (default all). Shape: (N, *input) -> (N, sizes[depth]) */
  encode(x: Tensor, depth = this.depth): Tensor {
    let h = this.flat(x);
    for (let k = 0; k < depth; k++) h = this.encoders.at(k).forward(h) as Tensor;
    return h;
  }

  /** Inputs rebuilt from codes of layer `depth` (default the last). Shape: (N, sizes[depth]) -> (N, *input) */
  decode(h: Tensor, depth = this.depth): Tensor {
    let x = h;
    for (let k = depth - 1; k >= 0; k--) x = this.decoders.at(k).forward(x) as Tensor;
    return this.inputShape === null ? x : x.reshape([x.shape[0]!, ...this.inputShape]);
  }

  forward(x: Tensor): Tensor {
    return this.decode(this.encode(x));
  }

  reconstruct(x: Tensor): Tensor {
    return this.forward(x);
  }

  /**
   * Greedy layer-wise pre-training: for k = 0…L-1, trains the one-layer
   * autoencoder (encoders.k, decoders.k) to rebuild the codes of layer k
   * (the input for k = 0), computed once by the layers below, which stay
   * fixed. Returns the mean training loss of every epoch, per layer.
   */
  pretrain(x: Tensor, opts: PretrainOptions): number[][] {
    requirePositiveInt('StackedAutoencoder.pretrain', opts.epochs, 'epochs');
    const seed = opts.seed ?? 0;
    const losses: number[][] = [];
    for (let k = 0; k < this.depth; k++) {
      const input = evaluating(this, () => inBatches(x, (b) => this.encode(b, k)));
      const enc = this.encoders.at(k);
      const dec = this.decoders.at(k);
      const ae = opts.corruption
        ? new DenoisingAutoencoder(enc, dec, { corruption: opts.corruption, seed: seed + 1000 + k })
        : new Autoencoder(enc, dec);
      losses.push(
        trainAutoencoder(ae, input, {
          epochs: opts.epochs,
          batchSize: opts.batchSize,
          lr: opts.lr,
          generator: new Generator(seed + k),
          onEpoch: ({ epoch, loss }) => opts.onEpoch?.({ layer: k, epoch, loss }),
        }),
      );
    }
    return losses;
  }

  /**
   * The encoder stack (shared, not copied) as one Sequential: Flatten (with an
   * inputShape), then encoders 0…L-1.
   */
  encoder(): nn.Sequential {
    const parts: nn.Module[] = this.inputShape === null ? [] : [new nn.Flatten()];
    for (let k = 0; k < this.depth; k++) parts.push(this.encoders.at(k));
    return new nn.Sequential(...parts);
  }

  /**
   * A classifier for supervised fine-tuning: the shared pre-trained encoders
   * followed by a new Linear(sizes[L], numClasses) producing logits.
   *
   * Shape: (N, *input) -> (N, numClasses)
   */
  classifier(numClasses: number, opts: { generator?: Generator } = {}): nn.Sequential {
    requirePositiveInt('StackedAutoencoder.classifier', numClasses, 'numClasses');
    const net = this.encoder();
    net.append(new nn.Linear(this.sizes[this.depth]!, numClasses, { generator: opts.generator }));
    return net;
  }

  override extraRepr(): string {
    return `sizes=[${this.sizes.join(', ')}]`;
  }
}

function layer(inF: number, outF: number, act: Activation, generator: Generator | undefined, op: string): nn.Sequential {
  const a = activation(act, op);
  return a === null ? new nn.Sequential(new nn.Linear(inF, outF, { generator })) : new nn.Sequential(new nn.Linear(inF, outF, { generator }), a);
}
