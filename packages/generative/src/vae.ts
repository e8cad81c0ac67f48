// Variational autoencoder (Kingma & Welling, 2014): the encoder gives a
// Gaussian q(z | x) = N(mean, exp(logvar)), a code is drawn from it by the
// reparameterisation z = mean + exp(logvar / 2) · ε, and the loss (the negative
// ELBO) pulls q towards the N(0, I) prior, so that decoding codes drawn from
// the prior gives realistic samples.
import { Generator, NeuroneError, Tensor, defaultGenerator, nn, randn, sizeOf } from '@neurone/core';
import { type ElboOptions, type ElboTerms, type Likelihood, elbo } from './losses.js';
import { type Activation, mlp } from './layers.js';
import { describe, fmtShape, requireModule, requirePositiveInt } from './util.js';

export interface VAEOptions {
  /**
   * 'bernoulli' (default): the decoder outputs logits of pixel probabilities;
   * 'gaussian': it outputs the pixel means (fixed variance).
   */
  likelihood?: Likelihood;
  /** Source of ε (default: core's seeded default generator). */
  generator?: Generator;
}

/** What `VAE.forward` returns. */
export interface VAEOutput {
  /** The decoder's raw output: logits (Bernoulli) or means (Gaussian). (N, *input) */
  output: Tensor;
  /** The reconstruction in data space: sigmoid(logits) or the means. (N, *input) */
  reconstruction: Tensor;
  /** (N, Z) */
  mean: Tensor;
  /** (N, Z) */
  logvar: Tensor;
  /** The sampled codes. (N, Z) */
  z: Tensor;
}

/**
 * A variational autoencoder from an encoder body, two heads and a decoder.
 *
 * Args:
 *   encoder: (N, *input) -> (N, H) features.
 *   featureSize: H; the heads `mu` and `logvar` are Linear(H, latentSize).
 *   latentSize: Z.
 *   decoder: (N, Z) -> (N, *input), logits for a Bernoulli likelihood.
 *   opts.likelihood, opts.generator.
 *
 * Shape: (N, *input) -> VAEOutput
 *
 * State-dict keys: `encoder.…`, `mu.weight`, `mu.bias`, `logvar.weight`, `logvar.bias`, `decoder.…`.
 *
 * Example:
 *   const vae = denseVAE(784, 20, { hidden: [400], inputShape: [1, 28, 28] });
 *   const { loss, elbo } = vae.loss(x, { beta: 1 });
 *   loss.backward();
 *   const { mean, logvar } = vae.encode(x);
 *   const digits = vae.sample(16); // (16, 1, 28, 28) in [0, 1]
 */
export class VAE extends nn.Module {
  encoder: nn.Module;
  mu: nn.Linear;
  logvar: nn.Linear;
  decoder: nn.Module;
  readonly latentSize: number;
  readonly likelihood: Likelihood;
  generator: Generator | undefined;

  constructor(encoder: nn.Module, featureSize: number, latentSize: number, decoder: nn.Module, opts: VAEOptions & { initGenerator?: Generator } = {}) {
    super();
    requireModule('VAE', encoder, 'encoder');
    requireModule('VAE', decoder, 'decoder');
    requirePositiveInt('VAE', featureSize, 'featureSize');
    requirePositiveInt('VAE', latentSize, 'latentSize');
    const likelihood = opts.likelihood ?? 'bernoulli';
    if (likelihood !== 'bernoulli' && likelihood !== 'gaussian') throw new NeuroneError(`VAE: likelihood must be 'bernoulli' or 'gaussian', got ${describe(likelihood)}`);
    this.encoder = encoder;
    this.mu = new nn.Linear(featureSize, latentSize, { generator: opts.initGenerator });
    this.logvar = new nn.Linear(featureSize, latentSize, { generator: opts.initGenerator });
    this.decoder = decoder;
    this.latentSize = latentSize;
    this.likelihood = likelihood;
    this.generator = opts.generator;
  }

  /** The posterior q(z | x): its mean and log-variance. Shape: (N, *input) -> (N, Z) each */
  encode(x: Tensor): { mean: Tensor; logvar: Tensor } {
    const h = this.encoder.forward(x) as Tensor;
    return { mean: this.mu.forward(h), logvar: this.logvar.forward(h) };
  }

  /**
   * z = mean + exp(logvar / 2) · ε with ε ~ N(0, I) (or the `eps` given):
   * differentiable in mean and logvar.
   */
  reparameterize(mean: Tensor, logvar: Tensor, eps?: Tensor): Tensor {
    const e = eps ?? randn(mean.shape, { dtype: mean.dtype, generator: this.generator ?? defaultGenerator });
    if (e.shape.length !== mean.shape.length || e.shape.some((s, i) => s !== mean.shape[i])) {
      throw new NeuroneError(`VAE.reparameterize: eps ${fmtShape(e.shape)} must have the shape of mean ${fmtShape(mean.shape)}`);
    }
    return mean.add(logvar.mul(0.5).exp().mul(e));
  }

  /** The decoder's raw output (logits for a Bernoulli likelihood). Shape: (N, Z) -> (N, *input) */
  decodeRaw(z: Tensor): Tensor {
    return this.decoder.forward(z) as Tensor;
  }

  /** Codes to data space: pixel probabilities (Bernoulli) or means (Gaussian). Shape: (N, Z) -> (N, *input) */
  decode(z: Tensor): Tensor {
    const out = this.decodeRaw(z);
    return this.likelihood === 'bernoulli' ? out.sigmoid() : out;
  }

  /** Encodes, samples z (one per input, or with the `eps` given), decodes. */
  forward(x: Tensor, eps?: Tensor): VAEOutput {
    const { mean, logvar } = this.encode(x);
    const z = this.reparameterize(mean, logvar, eps);
    const output = this.decodeRaw(z);
    return { output, reconstruction: this.likelihood === 'bernoulli' ? output.sigmoid() : output, mean, logvar, z };
  }

  /**
   * The negative ELBO to minimise and its terms, for a batch (one sample of z per input).
   *
   * Example:
   *   const { loss, reconstruction, kl, elbo } = vae.loss(x, { beta: 4 });
   */
  loss(x: Tensor, opts: Omit<ElboOptions, 'likelihood' | 'logits'> & { eps?: Tensor } = {}): ElboTerms & { out: VAEOutput } {
    const out = this.forward(x, opts.eps);
    const terms = elbo(out.output, x, out.mean, out.logvar, { ...opts, likelihood: this.likelihood, logits: true });
    return { ...terms, out };
  }

  /** Decodes the posterior means: the deterministic reconstruction. */
  reconstruct(x: Tensor): Tensor {
    return this.decode(this.encode(x).mean);
  }

  /**
   * `n` samples from the model: codes drawn from the prior N(0, I), decoded.
   *
   * Shape: -> (n, *input)
   */
  sample(n: number, opts: { generator?: Generator } = {}): Tensor {
    requirePositiveInt('VAE.sample', n, 'n');
    const z = randn([n, this.latentSize], { generator: opts.generator ?? this.generator ?? defaultGenerator, dtype: this.mu.weight.dtype });
    return this.decode(z);
  }

  override extraRepr(): string {
    return `latentSize=${this.latentSize}, likelihood=${this.likelihood}`;
  }
}

export interface DenseVAEOptions extends VAEOptions {
  /** Hidden layer sizes of the encoder; the decoder mirrors them (default [400], PyTorch's example). */
  hidden?: readonly number[];
  /** Between layers (default 'relu'). */
  activation?: Activation;
  /** Shape of one input without the batch dim (e.g. [1, 28, 28]): flattened on the way in, restored on the way out. */
  inputShape?: readonly number[];
  /** Random numbers for the initialisation. */
  initGenerator?: Generator;
}

/**
 * A dense VAE: inputSize -> hidden… -> (mean, logvar) of latentSize -> …hidden -> inputSize,
 * PyTorch's MNIST example with the defaults (784-400-20).
 *
 * Example:
 *   const vae = denseVAE(784, 20, { inputShape: [1, 28, 28] });
 */
export function denseVAE(inputSize: number, latentSize: number, opts: DenseVAEOptions = {}): VAE {
  const op = 'denseVAE';
  requirePositiveInt(op, inputSize, 'inputSize');
  requirePositiveInt(op, latentSize, 'latentSize');
  const hidden = [...(opts.hidden ?? [400])];
  if (hidden.length === 0) throw new NeuroneError(`${op}: needs at least one hidden layer, got hidden = []`);
  const act = opts.activation ?? 'relu';
  const g = opts.initGenerator;
  const encoder = mlp([inputSize, ...hidden], { activation: act, outputActivation: act, generator: g }, op);
  const decoder = mlp([latentSize, ...[...hidden].reverse(), inputSize], { activation: act, outputActivation: 'none', generator: g }, op);
  if (opts.inputShape !== undefined) {
    if (!Array.isArray(opts.inputShape) || sizeOf(opts.inputShape) !== inputSize) {
      throw new NeuroneError(`${op}: inputShape ${describe(opts.inputShape)} must have inputSize = ${inputSize} elements`);
    }
    encoder.insert(0, new nn.Flatten());
    decoder.append(new nn.Unflatten(1, opts.inputShape));
  }
  return new VAE(encoder, hidden.at(-1)!, latentSize, decoder, opts);
}
