/**
 * @neurone/generative: autoencoders (under- and over-complete, denoising,
 * stacked with greedy layer-wise pre-training), variational autoencoders,
 * GANs (a trainer with the non-saturating and minimax losses, a DCGAN pair for
 * 28x28 images), adversarial autoencoders, latent interpolation, inpainting,
 * colorization, and PNG grids of what they do.
 *
 * Example:
 *   import { denseVAE, savePng, samplesGrid } from '@neurone/generative';
 *   const vae = denseVAE(784, 20, { inputShape: [1, 28, 28] });
 *   // ... train with vae.loss(x).loss.backward()
 *   await savePng(samplesGrid(vae.sample(64)), 'out/samples.png');
 */
export {
  gaussianKL, reconstructionLoss, elbo, discriminatorLoss, generatorLoss, ganValue,
  type ElboReduction, type KLReduction, type GaussianKLOptions, type Likelihood, type ReconstructionLossOptions,
  type ElboOptions, type ElboTerms, type GANLossKind, type GANLossOptions, type DiscriminatorLossOptions, type GeneratorLossOptions,
} from './losses.js';
export { corrupt, type Corruption, type CorruptOptions } from './corruption.js';
export { psnr, type PsnrOptions } from './metrics.js';
export { mlp, activation, type Activation, type MlpOptions } from './layers.js';
export {
  Autoencoder, denseAutoencoder, undercompleteAutoencoder, overcompleteAutoencoder,
  type AutoencoderOptions, type DenseAutoencoderOptions,
} from './autoencoder.js';
export { DenoisingAutoencoder, denseDenoisingAutoencoder, type DenoisingAutoencoderOptions } from './denoising.js';
export { StackedAutoencoder, type StackedAutoencoderOptions, type PretrainOptions } from './stacked.js';
export { VAE, denseVAE, type VAEOptions, type VAEOutput, type DenseVAEOptions } from './vae.js';
export {
  GANTrainer, type GANTrainerOptions, type GANStepLog, type GANTrainOptions, type LatentSampler,
} from './gan.js';
export {
  AdversarialAutoencoder, AAETrainer, denseAdversarialAutoencoder,
  type AdversarialAutoencoderOptions, type DenseAdversarialAutoencoderOptions, type AAETrainerOptions, type AAEStepLog,
} from './aae.js';
export { interpolate, type InterpolateOptions } from './latent.js';
export { inpaint, type InpaintOptions, type Reconstructor, type LatentModel } from './inpaint.js';
export {
  miniBatches, trainAutoencoder, reconstructionError, trainClassifier, accuracy, evaluating, inBatches,
  type MiniBatchOptions, type LossSpec, type TrainAutoencoderOptions, type TrainClassifierOptions,
} from './train.js';
export {
  rowsGrid, samplesGrid, reconstructionGrid, interpolationGrid, inpaintingGrid, lineChart, savePng, type GridOptions, type LineChartOptions,
} from './figures.js';
export { DCGANGenerator, DCGANDiscriminator, dcganInit, type DCGANOptions } from './dcgan.js';
export { ColorizationNet, coloredShapes, toGrayscale, type ColorizationNetOptions, type ColoredShapesOptions } from './colorization.js';
