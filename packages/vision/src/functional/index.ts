/**
 * `F` of @neurone/vision: the functional forms of the vision layers, as
 * torch.nn.functional. Convolutions are core ops, re-exported here; pooling,
 * normalisation, dropout and resizing live in this package. Activations and
 * losses are in core's `F`.
 *
 * Example:
 *   import { F } from '@neurone/vision';
 *   const y = F.maxPool2d(F.conv2d(x, w, b, { padding: 2 }).relu(), 2);
 */
export {
  conv1d, conv2d, convTranspose2d, unfold, fold,
  type ConvOptions, type ConvTransposeOptions, type UnfoldOptions,
} from '@neurone/core';
export {
  maxPool1d, maxPool1dWithIndices, maxPool2d, maxPool2dWithIndices, maxUnpool2d, avgPool2d, adaptiveAvgPool2d,
  type MaxPoolOptions, type AvgPoolOptions, type MaxUnpoolOptions,
} from './pooling.js';
export { batchNorm, type BatchNormOptions } from './normalization.js';
export { dropout2d, type Dropout2dOptions } from './dropout.js';
export { interpolate, type InterpolateMode, type InterpolateOptions } from './upsample.js';
