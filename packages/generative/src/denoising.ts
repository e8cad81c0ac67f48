// Denoising autoencoder: trained to rebuild the clean input from a corrupted copy.
import { Generator, Tensor, nn } from '@neurone/core';
import { Autoencoder, denseParts, type AutoencoderOptions, type DenseAutoencoderOptions } from './autoencoder.js';
import { corrupt, type Corruption } from './corruption.js';

export interface DenoisingAutoencoderOptions extends AutoencoderOptions {
  /** The damage done to the input in training mode (default: masking with p = 0.3). */
  corruption?: Corruption;
  /** Seed of the corruption's own generator (default 0), unless `noiseGenerator` is given. */
  seed?: number;
  /** Source of the corruption noise. */
  noiseGenerator?: Generator;
}

/**
 * An autoencoder whose `forward` corrupts its input in training mode (masking,
 * Gaussian or salt-and-pepper noise, seeded), so that `F.mseLoss(dae.forward(x), x)`
 * teaches it to remove the damage: the perturbation also makes an
 * under-complete autoencoder learn more robust features. In evaluation mode
 * and in `reconstruct`, the input goes through unchanged.
 *
 * Args:
 *   encoder, decoder: as `Autoencoder`.
 *   opts.corruption: { kind: 'masking', p } | { kind: 'gaussian', std, clip? } | { kind: 'saltAndPepper', p }
 *     | { kind: 'patch', size }.
 *   opts.seed / opts.noiseGenerator: the noise stream (the same seed gives the same noise).
 *   opts.codeDropout, opts.generator: as `Autoencoder`.
 *
 * Shape: (N, *input) -> (N, *input)
 *
 * Example:
 *   const dae = new DenoisingAutoencoder(encoder, decoder, { corruption: { kind: 'gaussian', std: 0.4 }, seed: 1 });
 *   F.mseLoss(dae.forward(x), x).backward();   // learns x from x + noise
 *   dae.reconstruct(noisy);                     // the denoised images
 */
export class DenoisingAutoencoder extends Autoencoder {
  corruption: Corruption;
  noiseGenerator: Generator;

  constructor(encoder: nn.Module, decoder: nn.Module, opts: DenoisingAutoencoderOptions = {}) {
    super(encoder, decoder, opts);
    this.corruption = opts.corruption ?? { kind: 'masking', p: 0.3 };
    this.noiseGenerator = opts.noiseGenerator ?? new Generator(opts.seed ?? 0);
    // fail now rather than at the first training step
    const probe = this.corruption.kind === 'patch' ? new Tensor(new Float32Array(this.corruption.size ** 2), [1, 1, this.corruption.size, this.corruption.size]) : new Tensor(new Float32Array(1), [1]);
    corrupt(probe, this.corruption, { generator: new Generator(0) });
  }

  /** A corrupted copy of `x`, drawn from this model's noise stream. */
  corrupt(x: Tensor): Tensor {
    return corrupt(x, this.corruption, { generator: this.noiseGenerator });
  }

  /** Training mode: decode(dropout(encode(corrupt(x)))); evaluation mode: decode(encode(x)). */
  override forward(x: Tensor): Tensor {
    return super.forward(this.training ? this.corrupt(x) : x);
  }

  override extraRepr(): string {
    const c = this.corruption;
    const params = c.kind === 'gaussian' ? `std=${c.std}` : c.kind === 'patch' ? `size=${c.size}` : `p=${c.p}`;
    return `corruption=${c.kind}(${params})`;
  }
}

/**
 * A dense denoising autoencoder (see `denseAutoencoder` for the layout).
 *
 * Example:
 *   const dae = denseDenoisingAutoencoder(784, 64, { hidden: [256], inputShape: [1, 28, 28], corruption: { kind: 'gaussian', std: 0.5 } });
 */
export function denseDenoisingAutoencoder(
  inputSize: number,
  codeSize: number,
  opts: DenseAutoencoderOptions & DenoisingAutoencoderOptions = {},
): DenoisingAutoencoder {
  const { encoder, decoder } = denseParts('denseDenoisingAutoencoder', inputSize, codeSize, opts);
  return new DenoisingAutoencoder(encoder, decoder, opts);
}
