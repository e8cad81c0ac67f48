/**
 * `F`: the functional forms of the layers and losses in `nn`, as
 * torch.nn.functional. Each takes its tensors (weights included) as
 * arguments and keeps no state.
 *
 * Example:
 *   import { F } from '@neurone/core';
 *   const loss = F.crossEntropy(F.linear(x, w, b), labels, { ignoreIndex: 0 });
 */
export {
  relu, leakyRelu, elu, gelu, silu, sigmoid, tanh, softmax, logSoftmax, dropout, softplus, logSigmoid,
  type DropoutOptions, type SoftplusOptions,
} from './functional/activation.js';
export { linear, bilinear } from './functional/linear.js';
export { layerNorm, type LayerNormOptions } from './functional/normalization.js';
export { embedding, oneHot, type EmbeddingOptions } from './functional/sparse.js';
export {
  mseLoss, l1Loss, huberLoss, smoothL1Loss, bceLoss, bceWithLogitsLoss, crossEntropy, nllLoss, klDiv,
  type Reduction, type ReductionOptions, type HuberOptions, type SmoothL1Options, type BCEOptions,
  type BCEWithLogitsOptions, type NLLOptions, type CrossEntropyOptions, type KLDivOptions,
} from './functional/loss.js';
