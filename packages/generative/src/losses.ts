// The loss pieces the generative models share: the terms of the VAE's evidence
// lower bound (ELBO) and the GAN objectives, as plain differentiable functions.
import { F, NeuroneError, Tensor, fullLike, zerosLike } from '@neurone/core';
import { describe, fmtShape, requireFloatTensor, requireSameShape } from './util.js';

/**
 * How per-sample quantities are combined: 'batchmean' (the default) sums over
 * everything and divides by the batch size (dim 0), so the value is "per
 * sample" (nats per image for an ELBO); 'sum' sums over everything; 'none'
 * keeps one value per sample, shape (N).
 */
export type ElboReduction = 'batchmean' | 'sum' | 'none';

/** 'batchmean', 'sum' and 'none' as in `ElboReduction`, plus 'mean' over every element and 'elementwise' (no reduction at all). */
export type KLReduction = ElboReduction | 'mean' | 'elementwise';

export interface GaussianKLOptions {
  /** Default 'batchmean'. */
  reduction?: KLReduction;
}

function checkReduction(op: string, r: unknown, allowed: readonly string[]): void {
  if (!allowed.includes(r as string)) {
    throw new NeuroneError(`${op}: reduction must be ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(r)}`);
  }
}

/** Sums an elementwise quantity (N, ...) per sample -> (N). */
function perSample(x: Tensor): Tensor {
  if (x.ndim <= 1) return x;
  return x.sum(Array.from({ length: x.ndim - 1 }, (_, i) => i + 1));
}

function reduceElementwise(op: string, x: Tensor, r: KLReduction): Tensor {
  switch (r) {
    case 'elementwise':
      return x;
    case 'none':
      if (x.ndim === 0) throw new NeuroneError(`${op}: reduction 'none' keeps one value per sample and needs a batch dim, got a 0-d tensor`);
      return perSample(x);
    case 'sum':
      return x.sum();
    case 'mean':
      return x.mean();
    case 'batchmean':
      return x.sum().div(x.ndim === 0 ? 1 : x.shape[0]!);
    default:
      throw new NeuroneError(`${op}: unknown reduction ${describe(r)}`);
  }
}

/**
 * KL(N(μ, σ²) ‖ N(0, I)) of a diagonal Gaussian posterior from the standard
 * normal prior, given μ and log σ²: ½ Σ (μ² + σ² − 1 − log σ²). It is the
 * regulariser of the VAE's ELBO; 0 exactly when μ = 0 and log σ² = 0.
 *
 * Shape: mean (N, Z), logvar (N, Z) -> scalar; (N) with reduction 'none';
 * (N, Z) with 'elementwise'.
 *
 * Example:
 *   gaussianKL(tensor([[1, 0]]), tensor([[0, 0]])).item(); // 0.5
 */
export function gaussianKL(mean: Tensor, logvar: Tensor, opts: GaussianKLOptions = {}): Tensor {
  requireFloatTensor('gaussianKL', mean, 'mean');
  requireFloatTensor('gaussianKL', logvar, 'logvar');
  requireSameShape('gaussianKL', mean, logvar, ['mean', 'logvar']);
  const r = opts.reduction ?? 'batchmean';
  checkReduction('gaussianKL', r, ['batchmean', 'sum', 'none', 'mean', 'elementwise']);
  // ½ (μ² + e^logvar − 1 − logvar)
  const kl = mean.square().add(logvar.exp()).sub(1).sub(logvar).mul(0.5);
  return reduceElementwise('gaussianKL', kl, r);
}

/** The likelihood p(x | z) the decoder parameterises. */
export type Likelihood = 'bernoulli' | 'gaussian';

export interface ReconstructionLossOptions {
  /**
   * 'bernoulli' (default): pixels in [0, 1], the loss is the binary
   * cross-entropy; 'gaussian': the negative log-density of N(output, variance),
   * constant included (½ (x − μ)² / σ² + ½ log 2πσ²).
   */
  likelihood?: Likelihood;
  /** Bernoulli only: the output holds logits (default true) rather than probabilities. */
  logits?: boolean;
  /** Gaussian only: the fixed variance σ² of every pixel (default 1). */
  variance?: number;
  /** Default 'batchmean'. */
  reduction?: KLReduction;
}

/**
 * −log p(target | output): the reconstruction term of the ELBO (and a plain
 * autoencoder loss), under a Bernoulli or Gaussian likelihood.
 *
 * Shape: output (N, *), target (N, *) -> scalar; (N) with reduction 'none';
 * (N, *) with 'elementwise'.
 *
 * Example:
 *   reconstructionLoss(decoderLogits, x);                                   // BCE, summed per image
 *   reconstructionLoss(recon, x, { likelihood: 'gaussian', variance: 0.1 }); // Gaussian NLL
 */
export function reconstructionLoss(output: Tensor, target: Tensor, opts: ReconstructionLossOptions = {}): Tensor {
  const op = 'reconstructionLoss';
  requireFloatTensor(op, output, 'output');
  requireFloatTensor(op, target, 'target');
  requireSameShape(op, output, target, ['output', 'target']);
  const r = opts.reduction ?? 'batchmean';
  checkReduction(op, r, ['batchmean', 'sum', 'none', 'mean', 'elementwise']);
  const likelihood = opts.likelihood ?? 'bernoulli';
  let nll: Tensor;
  if (likelihood === 'bernoulli') {
    nll = (opts.logits ?? true)
      ? F.bceWithLogitsLoss(output, target, { reduction: 'none' })
      : F.bceLoss(output, target, { reduction: 'none' });
  } else if (likelihood === 'gaussian') {
    const variance = opts.variance ?? 1;
    if (typeof variance !== 'number' || !(variance > 0)) throw new NeuroneError(`${op}: variance must be a positive number, got ${describe(variance)}`);
    // ½ (x − μ)² / σ² + ½ log(2π σ²)
    nll = output.sub(target).square().mul(0.5 / variance).add(0.5 * Math.log(2 * Math.PI * variance));
  } else {
    throw new NeuroneError(`${op}: likelihood must be 'bernoulli' or 'gaussian', got ${describe(likelihood)}`);
  }
  return reduceElementwise(op, nll, r);
}

export interface ElboOptions {
  /** Weight of the KL term in the loss (β-VAE); 1 (the default) gives the true negative ELBO. */
  beta?: number;
  likelihood?: Likelihood;
  logits?: boolean;
  variance?: number;
  /** Default 'batchmean'. */
  reduction?: ElboReduction;
}

/** The terms of a VAE's objective, reduced alike. */
export interface ElboTerms {
  /** What to minimise: reconstruction + β · kl. */
  loss: Tensor;
  /** −E_q[log p(x | z)], estimated with the sample the decoder saw. */
  reconstruction: Tensor;
  /** KL(q(z | x) ‖ p(z)). */
  kl: Tensor;
  /** The evidence lower bound, −(reconstruction + kl) whatever β: a lower bound on log p(x). */
  elbo: Tensor;
}

/**
 * The (β-weighted) evidence lower bound of a VAE with a standard normal prior
 * and a diagonal Gaussian posterior q(z | x) = N(mean, exp(logvar)):
 * ELBO = E_q[log p(x | z)] − KL(q ‖ p), estimated with one sample of z.
 *
 * Shape: output, target (N, *); mean, logvar (N, Z) -> scalars ((N) with reduction 'none').
 *
 * Example:
 *   const { mean, logvar, output } = vae.forward(x);
 *   const { loss, elbo } = elbo(output, x, mean, logvar, { beta: 4 });
 *   loss.backward();
 */
export function elbo(output: Tensor, target: Tensor, mean: Tensor, logvar: Tensor, opts: ElboOptions = {}): ElboTerms {
  const beta = opts.beta ?? 1;
  if (typeof beta !== 'number' || !(beta >= 0)) throw new NeuroneError(`elbo: beta must be a non-negative number, got ${describe(beta)}`);
  const reduction = opts.reduction ?? 'batchmean';
  checkReduction('elbo', reduction, ['batchmean', 'sum', 'none']);
  requireFloatTensor('elbo', output, 'output');
  requireFloatTensor('elbo', mean, 'mean');
  if (output.ndim === 0 || mean.ndim === 0 || output.shape[0] !== mean.shape[0]) {
    throw new NeuroneError(`elbo: output ${fmtShape(output.shape)} and mean ${fmtShape(mean.shape)} must share their batch dim (dim 0)`);
  }
  const reconstruction = reconstructionLoss(output, target, {
    likelihood: opts.likelihood, logits: opts.logits, variance: opts.variance, reduction,
  });
  const kl = gaussianKL(mean, logvar, { reduction });
  const total = reconstruction.add(kl);
  return { loss: beta === 1 ? total : reconstruction.add(kl.mul(beta)), reconstruction, kl, elbo: total.neg() };
}

/** The generator objective: 'nonSaturating' (the default, −log D(G(z))) or the original 'minimax' (log(1 − D(G(z)))). */
export type GANLossKind = 'nonSaturating' | 'minimax';

export interface GANLossOptions {
  /** 'mean' (default) or 'sum' over the samples of each part. */
  reduction?: 'mean' | 'sum';
}

export interface DiscriminatorLossOptions extends GANLossOptions {
  /** Target for real samples: 1 (default), or e.g. 0.9 for one-sided label smoothing. */
  realLabel?: number;
}

export interface GeneratorLossOptions extends GANLossOptions {
  kind?: GANLossKind;
}

function checkLogits(op: string, x: unknown, what: string): asserts x is Tensor {
  requireFloatTensor(op, x, what);
}

/**
 * The discriminator's loss on logits: −log D(x) − log(1 − D(G(z))), with
 * D = sigmoid(logits), i.e. BCE(real, 1) + BCE(fake, 0), each averaged over
 * its own samples. Minimising it maximises the GAN value V(D, G) over D.
 *
 * Shape: realLogits (N, *), fakeLogits (M, *) -> scalar
 *
 * Example:
 *   discriminatorLoss(D.forward(x), D.forward(G.forward(z).detach())).backward();
 */
export function discriminatorLoss(realLogits: Tensor, fakeLogits: Tensor, opts: DiscriminatorLossOptions = {}): Tensor {
  const op = 'discriminatorLoss';
  checkLogits(op, realLogits, 'realLogits');
  checkLogits(op, fakeLogits, 'fakeLogits');
  const reduction = opts.reduction ?? 'mean';
  checkReduction(op, reduction, ['mean', 'sum']);
  const realLabel = opts.realLabel ?? 1;
  if (typeof realLabel !== 'number' || !(realLabel >= 0 && realLabel <= 1)) throw new NeuroneError(`${op}: realLabel must be in [0, 1], got ${describe(realLabel)}`);
  const real = F.bceWithLogitsLoss(realLogits, fullLike(realLogits, realLabel), { reduction });
  const fake = F.bceWithLogitsLoss(fakeLogits, zerosLike(fakeLogits), { reduction });
  return real.add(fake);
}

/**
 * The generator's loss on the discriminator's logits for generated samples.
 * 'nonSaturating' (default): −log D(G(z)) = BCE(fake, 1), strong gradients
 * while D rejects the samples (Goodfellow et al., 2014, §3). 'minimax':
 * log(1 − D(G(z))) = −BCE(fake, 0), the term G minimises in the original
 * two-player game min_G max_D V(D, G), whose gradient vanishes when D wins.
 *
 * Shape: fakeLogits (M, *) -> scalar
 *
 * Example:
 *   generatorLoss(D.forward(G.forward(z))).backward();
 */
export function generatorLoss(fakeLogits: Tensor, opts: GeneratorLossOptions = {}): Tensor {
  const op = 'generatorLoss';
  checkLogits(op, fakeLogits, 'fakeLogits');
  const reduction = opts.reduction ?? 'mean';
  checkReduction(op, reduction, ['mean', 'sum']);
  const kind = opts.kind ?? 'nonSaturating';
  if (kind === 'nonSaturating') return F.bceWithLogitsLoss(fakeLogits, fullLike(fakeLogits, 1), { reduction });
  if (kind === 'minimax') return F.bceWithLogitsLoss(fakeLogits, zerosLike(fakeLogits), { reduction }).neg();
  throw new NeuroneError(`${op}: kind must be 'nonSaturating' or 'minimax', got ${describe(kind)}`);
}

/**
 * The GAN value V(D, G) = E[log D(x)] + E[log(1 − D(G(z)))] on logits, which
 * D maximises and G minimises. At the Nash equilibrium (p_G = p_data,
 * D = ½ everywhere) it is −log 4.
 *
 * Shape: realLogits (N, *), fakeLogits (M, *) -> scalar
 */
export function ganValue(realLogits: Tensor, fakeLogits: Tensor): Tensor {
  return discriminatorLoss(realLogits, fakeLogits).neg();
}
