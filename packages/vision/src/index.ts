/**
 * @neurone/vision: convolutional networks for neurone. Layers (Conv1d/2d,
 * ConvTranspose2d, pooling, BatchNorm, Dropout2d, Upsample) with PyTorch's
 * names and state-dict keys, their functional forms under `F`, image I/O,
 * seeded transforms, the `mnist` digits, and VGG / LeNet-5 builders.
 *
 * Example:
 *   import { lenet5, mnist } from '@neurone/vision';
 *   const { train } = mnist();
 *   const logits = lenet5().forward(train.images.narrow(0, 0, 64)); // [64, 10]
 */
export * as F from './functional/index.js';
export { Conv1d, Conv2d, ConvTranspose2d, type ConvLayerOptions, type ConvTransposeLayerOptions } from './layers/conv.js';
export {
  MaxPool1d, MaxPool2d, MaxUnpool2d, AvgPool2d, AdaptiveAvgPool2d, type MaxPoolLayerOptions, type MaxPoolResult,
} from './layers/pooling.js';
export { BatchNorm1d, BatchNorm2d, type BatchNormLayerOptions } from './layers/normalization.js';
export { Dropout2d, Upsample } from './layers/misc.js';
export { LeNet5, lenet5, type LeNet5Options } from './models/lenet.js';
export { VGG, vgg, VGG_CONFIGS, type VGGConfig, type VGGOptions } from './models/vgg.js';
export { countParameters, freeze, unfreeze, trainableParameters } from './utils.js';
export {
  loadImage, saveImage, decodeImage, encodeImage, imageGrid,
  type ImageMode, type LoadImageOptions, type SaveImageOptions, type ImageGridOptions,
} from './image.js';
export * as transforms from './transforms.js';
export { mnist, mnistTrainCount, MNIST_TRAIN_FRACTION, type MnistSplit, type MnistOptions } from './mnist.js';
