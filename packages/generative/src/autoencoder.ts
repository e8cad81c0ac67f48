// Autoencoders ("diabolo" networks): an encoder compresses the input to a code
// h, a decoder projects h back to the input space, and the target is the input
// itself.
import { NeuroneError, Tensor, nn, sizeOf, type Generator } from '@neurone/core';
import { type Activation, mlp } from './layers.js';
import { describe, requireModule, requirePositiveInt, requireProbability } from './util.js';

export interface AutoencoderOptions {
  /**
   * Probability of dropping each code unit during training (default 0): units
   * of the intermediate representation are disconnected at random so that
   * they cannot co-adapt (and an over-complete code cannot just copy the
   * input). Nothing is dropped in evaluation mode or by `reconstruct`.
   */
  codeDropout?: number;
  /** Source of the dropout masks (default: core's seeded default generator). */
  generator?: Generator;
}

/**
 * An autoencoder made of an encoder and a decoder module, dense or
 * convolutional: `forward(x)` = decoder(dropout(encoder(x))).
 *
 * Args:
 *   encoder: (N, *input) -> (N, *code).
 *   decoder: (N, *code) -> (N, *input).
 *   opts.codeDropout, opts.generator: dropout on the code, against co-adaptation.
 *
 * Shape: (N, *input) -> (N, *input)
 *
 * State-dict keys: `encoder.…`, `decoder.…`.
 *
 * Example:
 *   const ae = new Autoencoder(mlp([784, 256, 32]), mlp([32, 256, 784], { outputActivation: 'sigmoid' }));
 *   const loss = F.mseLoss(ae.forward(x), x);
 *   const h = ae.encode(x);        // (N, 32)
 *   const xHat = ae.reconstruct(x); // (N, 784)
 */
export class Autoencoder extends nn.Module {
  encoder: nn.Module;
  decoder: nn.Module;
  /** The dropout applied to the code in training mode (null when codeDropout is 0). */
  codeDropout: nn.Dropout | null;

  constructor(encoder: nn.Module, decoder: nn.Module, opts: AutoencoderOptions = {}) {
    super();
    const op = new.target.name;
    requireModule(op, encoder, 'encoder');
    requireModule(op, decoder, 'decoder');
    const p = opts.codeDropout ?? 0;
    requireProbability(op, p, 'codeDropout');
    this.encoder = encoder;
    this.decoder = decoder;
    this.codeDropout = p > 0 ? new nn.Dropout(p, { generator: opts.generator }) : null;
  }

  /** The code h of each input. Shape: (N, *input) -> (N, *code) */
  encode(x: Tensor): Tensor {
    return this.encoder.forward(x) as Tensor;
  }

  /** Inputs rebuilt from codes. Shape: (N, *code) -> (N, *input) */
  decode(h: Tensor): Tensor {
    return this.decoder.forward(h) as Tensor;
  }

  /** decode(dropout(encode(x))): what training compares with the target. */
  forward(x: Tensor): Tensor {
    let h = this.encode(x);
    if (this.codeDropout !== null) h = this.codeDropout.forward(h);
    return this.decode(h);
  }

  /** decode(encode(x)) without dropout or corruption, whatever the mode (still recorded by autograd unless under noGrad). */
  reconstruct(x: Tensor): Tensor {
    return this.decode(this.encode(x));
  }
}

export interface DenseAutoencoderOptions extends AutoencoderOptions {
  /** Sizes of the hidden layers between the input and the code; the decoder mirrors them (default []). */
  hidden?: readonly number[];
  /** Between layers (default 'relu'). */
  activation?: Activation;
  /** On the code (default 'none': a linear code). */
  codeActivation?: Activation;
  /** On the reconstruction (default 'sigmoid', for inputs in [0, 1]). */
  outputActivation?: Activation;
  /**
   * The shape of one input without the batch dim, e.g. [1, 28, 28]: the
   * encoder then starts with Flatten and the decoder ends with Unflatten, so
   * that images go in and come out. Default: flat inputs of `inputSize`.
   */
  inputShape?: readonly number[];
}

/**
 * A dense autoencoder inputSize -> hidden… -> codeSize -> …hidden -> inputSize.
 *
 * Example:
 *   const ae = denseAutoencoder(784, 32, { hidden: [256], inputShape: [1, 28, 28] });
 *   ae.forward(images).shape; // [N, 1, 28, 28]
 */
export function denseAutoencoder(inputSize: number, codeSize: number, opts: DenseAutoencoderOptions = {}): Autoencoder {
  return build('denseAutoencoder', inputSize, codeSize, opts);
}

function build(op: string, inputSize: number, codeSize: number, opts: DenseAutoencoderOptions): Autoencoder {
  const { encoder, decoder } = denseParts(op, inputSize, codeSize, opts);
  return new Autoencoder(encoder, decoder, { codeDropout: opts.codeDropout, generator: opts.generator });
}

/** The encoder and decoder of a dense autoencoder. @internal */
export function denseParts(op: string, inputSize: number, codeSize: number, opts: DenseAutoencoderOptions): { encoder: nn.Sequential; decoder: nn.Sequential } {
  requirePositiveInt(op, inputSize, 'inputSize');
  requirePositiveInt(op, codeSize, 'codeSize');
  const hidden = [...(opts.hidden ?? [])];
  const act = opts.activation ?? 'relu';
  const encoder = mlp([inputSize, ...hidden, codeSize], { activation: act, outputActivation: opts.codeActivation ?? 'none', generator: opts.generator }, op);
  const decoder = mlp([codeSize, ...hidden.reverse(), inputSize], { activation: act, outputActivation: opts.outputActivation ?? 'sigmoid', generator: opts.generator }, op);
  if (opts.inputShape !== undefined) {
    if (!Array.isArray(opts.inputShape) || sizeOf(opts.inputShape) !== inputSize) {
      throw new NeuroneError(`${op}: inputShape ${describe(opts.inputShape)} must have inputSize = ${inputSize} elements`);
    }
    encoder.insert(0, new nn.Flatten());
    decoder.append(new nn.Unflatten(1, opts.inputShape));
  }
  return { encoder, decoder };
}

/**
 * An under-complete autoencoder: fewer code units than inputs (codeSize <
 * inputSize), for dimensionality reduction. The bottleneck forces it to keep
 * what matters.
 *
 * Example:
 *   const ae = undercompleteAutoencoder(784, 32, { hidden: [256], inputShape: [1, 28, 28] });
 */
export function undercompleteAutoencoder(inputSize: number, codeSize: number, opts: DenseAutoencoderOptions = {}): Autoencoder {
  if (!(codeSize < inputSize)) throw new NeuroneError(`undercompleteAutoencoder: codeSize (${codeSize}) must be smaller than inputSize (${inputSize})`);
  return build('undercompleteAutoencoder', inputSize, codeSize, opts);
}

/**
 * An over-complete autoencoder: more code units than inputs (codeSize >
 * inputSize), a richer representation for later processing (as an SVM's
 * projection to a higher dimension). Such a code could just copy the input;
 * code dropout (default 0.5 here) disconnects units at random to prevent it.
 *
 * Example:
 *   const ae = overcompleteAutoencoder(784, 1024, { inputShape: [1, 28, 28], codeActivation: 'relu' });
 */
export function overcompleteAutoencoder(inputSize: number, codeSize: number, opts: DenseAutoencoderOptions = {}): Autoencoder {
  if (!(codeSize > inputSize)) throw new NeuroneError(`overcompleteAutoencoder: codeSize (${codeSize}) must be larger than inputSize (${inputSize})`);
  return build('overcompleteAutoencoder', inputSize, codeSize, { codeDropout: 0.5, ...opts });
}
