// Adversarial autoencoder (Makhzani et al., 2016): an autoencoder whose code
// distribution is pushed towards a chosen prior by a discriminator on codes,
// the encoder playing the GAN's generator. Decoding codes from the prior then
// gives realistic samples, and the latent space is smooth enough for morphing.
import { F, Generator, NeuroneError, Tensor, defaultGenerator, nn, optim, randn, sizeOf } from '@neurone/core';
import { discriminatorLoss, generatorLoss } from './losses.js';
import type { LatentSampler } from './gan.js';
import { type Activation, mlp } from './layers.js';
import { type LossSpec, miniBatches } from './train.js';
import { describe, requireFloatTensor, requireModule, requirePositiveInt } from './util.js';

export interface AdversarialAutoencoderOptions {
  /** Draws codes from the prior (default N(0, I) of shape (n, latentSize)). */
  prior?: LatentSampler;
}

/**
 * An autoencoder with a discriminator on its codes.
 *
 * Args:
 *   encoder: (N, *input) -> (N, Z); decoder: (N, Z) -> (N, *input);
 *   discriminator: (N, Z) -> (N, 1) logits ("drawn from the prior").
 *   latentSize: Z.
 *
 * State-dict keys: `encoder.…`, `decoder.…`, `discriminator.…`.
 *
 * Example:
 *   const aae = denseAdversarialAutoencoder(784, 8, { hidden: [512], inputShape: [1, 28, 28] });
 *   const trainer = new AAETrainer({ model: aae });
 *   trainer.train(images, { epochs: 10 });
 *   aae.sample(16); // decoded prior samples
 */
export class AdversarialAutoencoder extends nn.Module {
  encoder: nn.Module;
  decoder: nn.Module;
  discriminator: nn.Module;
  readonly latentSize: number;
  readonly prior: LatentSampler;

  constructor(encoder: nn.Module, decoder: nn.Module, discriminator: nn.Module, latentSize: number, opts: AdversarialAutoencoderOptions = {}) {
    super();
    const op = 'AdversarialAutoencoder';
    requireModule(op, encoder, 'encoder');
    requireModule(op, decoder, 'decoder');
    requireModule(op, discriminator, 'discriminator');
    requirePositiveInt(op, latentSize, 'latentSize');
    this.encoder = encoder;
    this.decoder = decoder;
    this.discriminator = discriminator;
    this.latentSize = latentSize;
    this.prior = opts.prior ?? ((n, rng) => randn([n, latentSize], { generator: rng }));
  }

  /** Shape: (N, *input) -> (N, Z) */
  encode(x: Tensor): Tensor {
    return this.encoder.forward(x) as Tensor;
  }

  /** Shape: (N, Z) -> (N, *input) */
  decode(z: Tensor): Tensor {
    return this.decoder.forward(z) as Tensor;
  }

  forward(x: Tensor): Tensor {
    return this.decode(this.encode(x));
  }

  reconstruct(x: Tensor): Tensor {
    return this.forward(x);
  }

  /** `n` decoded draws from the prior. Shape: -> (n, *input) */
  sample(n: number, opts: { rng?: Generator } = {}): Tensor {
    requirePositiveInt('AdversarialAutoencoder.sample', n, 'n');
    return this.decode(this.prior(n, opts.rng ?? defaultGenerator));
  }

  override extraRepr(): string {
    return `latentSize=${this.latentSize}`;
  }
}

export interface DenseAdversarialAutoencoderOptions extends AdversarialAutoencoderOptions {
  /** Encoder hidden sizes, mirrored by the decoder (default [512, 256]). */
  hidden?: readonly number[];
  /** Discriminator hidden sizes (default [256, 256]). */
  discriminatorHidden?: readonly number[];
  activation?: Activation;
  /** On the reconstruction (default 'sigmoid'). */
  outputActivation?: Activation;
  /** Shape of one input without the batch dim, e.g. [1, 28, 28]. */
  inputShape?: readonly number[];
  /** Random numbers for the initialisation. */
  generator?: Generator;
}

/** A dense adversarial autoencoder (as in Makhzani et al.'s MNIST experiments, smaller). */
export function denseAdversarialAutoencoder(inputSize: number, latentSize: number, opts: DenseAdversarialAutoencoderOptions = {}): AdversarialAutoencoder {
  const op = 'denseAdversarialAutoencoder';
  requirePositiveInt(op, inputSize, 'inputSize');
  requirePositiveInt(op, latentSize, 'latentSize');
  const hidden = [...(opts.hidden ?? [512, 256])];
  const act = opts.activation ?? 'relu';
  const g = opts.generator;
  const encoder = mlp([inputSize, ...hidden, latentSize], { activation: act, generator: g }, op);
  const decoder = mlp([latentSize, ...[...hidden].reverse(), inputSize], { activation: act, outputActivation: opts.outputActivation ?? 'sigmoid', generator: g }, op);
  const discriminator = mlp([latentSize, ...(opts.discriminatorHidden ?? [256, 256]), 1], { activation: 'leakyRelu', generator: g }, op);
  if (opts.inputShape !== undefined) {
    if (!Array.isArray(opts.inputShape) || sizeOf(opts.inputShape) !== inputSize) {
      throw new NeuroneError(`${op}: inputShape ${describe(opts.inputShape)} must have inputSize = ${inputSize} elements`);
    }
    encoder.insert(0, new nn.Flatten());
    decoder.append(new nn.Unflatten(1, opts.inputShape));
  }
  return new AdversarialAutoencoder(encoder, decoder, discriminator, latentSize, opts);
}

export interface AAETrainerOptions {
  model: AdversarialAutoencoder;
  /** Reconstruction phase: encoder + decoder (default Adam, lr 1e-3). */
  optimizerAE?: optim.Optimizer;
  /** Regularisation phase, discriminator (default Adam, lr 2e-4, betas (0.5, 0.999)). */
  optimizerD?: optim.Optimizer;
  /** Regularisation phase, the encoder as generator (default Adam, lr 2e-4, betas (0.5, 0.999)). */
  optimizerG?: optim.Optimizer;
  /** 'mse' (default), 'bce', 'l1' or a function. */
  reconstructionLoss?: LossSpec;
  /** Source of the prior samples (default: seeded with 0). */
  rng?: Generator;
  onStep?: (log: AAEStepLog) => void;
}

/** What one step did. */
export interface AAEStepLog {
  step: number;
  /** Reconstruction loss before the update. */
  reconstruction: number;
  /** Discriminator loss (prior codes real, encoder codes fake). */
  lossD: number;
  /** Encoder's adversarial loss (non-saturating). */
  lossG: number;
  /** Mean D(z) on prior samples. */
  dPrior: number;
  /** Mean D(encode(x)), during D's step. */
  dCode: number;
}

function meanSigmoid(logits: Tensor): number {
  let s = 0;
  for (const v of logits.data) s += 1 / (1 + Math.exp(-v));
  return s / logits.size;
}

/**
 * Trains an adversarial autoencoder, each step in the paper's two phases:
 * reconstruction (encoder and decoder minimise the reconstruction loss), then
 * regularisation (the discriminator learns to tell prior samples from codes,
 * then the encoder learns to fool it).
 *
 * Example:
 *   const trainer = new AAETrainer({ model: aae, reconstructionLoss: 'bce' });
 *   const logs = trainer.train(images, { epochs: 5, batchSize: 100 });
 */
export class AAETrainer {
  readonly model: AdversarialAutoencoder;
  readonly optimizerAE: optim.Optimizer;
  readonly optimizerD: optim.Optimizer;
  readonly optimizerG: optim.Optimizer;
  readonly rng: Generator;
  readonly history: AAEStepLog[] = [];
  onStep: ((log: AAEStepLog) => void) | undefined;
  private readonly recLoss: (o: Tensor, t: Tensor) => Tensor;

  constructor(opts: AAETrainerOptions) {
    const op = 'AAETrainer';
    if (!(opts?.model instanceof AdversarialAutoencoder)) throw new NeuroneError(`${op}: model must be an AdversarialAutoencoder, got ${describe(opts?.model)}`);
    const m = opts.model;
    this.model = m;
    this.optimizerAE = opts.optimizerAE ?? new optim.Adam([...m.encoder.parameters(), ...m.decoder.parameters()], { lr: 1e-3 });
    this.optimizerD = opts.optimizerD ?? new optim.Adam(m.discriminator.parameters(), { lr: 2e-4, betas: [0.5, 0.999] });
    this.optimizerG = opts.optimizerG ?? new optim.Adam(m.encoder.parameters(), { lr: 2e-4, betas: [0.5, 0.999] });
    this.rng = opts.rng ?? new Generator(0);
    this.onStep = opts.onStep;
    const spec = opts.reconstructionLoss ?? 'mse';
    if (typeof spec === 'function') this.recLoss = spec;
    else if (spec === 'mse') this.recLoss = (o, t) => F.mseLoss(o, t);
    else if (spec === 'bce') this.recLoss = (o, t) => F.bceLoss(o, t);
    else if (spec === 'l1') this.recLoss = (o, t) => F.l1Loss(o, t);
    else throw new NeuroneError(`${op}: reconstructionLoss must be 'mse', 'bce', 'l1' or a function, got ${describe(spec)}`);
  }

  /** One reconstruction phase and one regularisation phase on a batch. */
  step(x: Tensor): AAEStepLog {
    requireFloatTensor('AAETrainer.step', x, 'x');
    const m = this.model;
    m.train();
    const n = x.shape[0]!;
    // reconstruction phase
    this.optimizerAE.zeroGrad();
    const rec = this.recLoss(m.forward(x), x);
    rec.backward();
    this.optimizerAE.step();
    // regularisation phase: D tells prior samples (real) from codes (fake)
    const codes = m.encode(x);
    const prior = m.prior(n, this.rng);
    this.optimizerD.zeroGrad();
    const realLogits = m.discriminator.forward(prior) as Tensor;
    const fakeLogits = m.discriminator.forward(codes.detach()) as Tensor;
    const lossD = discriminatorLoss(realLogits, fakeLogits);
    lossD.backward();
    this.optimizerD.step();
    // ... and the encoder learns to fool it
    this.optimizerG.zeroGrad();
    const lossG = generatorLoss(m.discriminator.forward(codes) as Tensor);
    lossG.backward();
    this.optimizerG.step();
    const log: AAEStepLog = {
      step: this.history.length + 1,
      reconstruction: rec.item(),
      lossD: lossD.item(),
      lossG: lossG.item(),
      dPrior: meanSigmoid(realLogits),
      dCode: meanSigmoid(fakeLogits),
    };
    this.history.push(log);
    this.onStep?.(log);
    return log;
  }

  /** Steps over shuffled mini-batches for `epochs` (default 1) or `maxSteps`; returns this call's logs. */
  train(data: Tensor, opts: { epochs?: number; batchSize?: number; maxSteps?: number; shuffle?: Generator } = {}): AAEStepLog[] {
    requireFloatTensor('AAETrainer.train', data, 'data');
    const logs: AAEStepLog[] = [];
    const epochs = opts.epochs ?? (opts.maxSteps !== undefined ? Infinity : 1);
    const shuffle = opts.shuffle ?? new Generator(0);
    for (let e = 0; e < epochs; e++) {
      for (const [x] of miniBatches([data], { batchSize: opts.batchSize ?? 100, generator: shuffle })) {
        logs.push(this.step(x!));
        if (logs.length >= (opts.maxSteps ?? Infinity)) return logs;
      }
    }
    return logs;
  }
}
