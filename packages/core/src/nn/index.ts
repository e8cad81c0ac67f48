/**
 * `nn`: layers as classes with named parameters, buffers and children
 * (`Module`), containers, losses, initialisers (`nn.init`), gradient
 * clipping (`nn.utils`) and `summary`. Functional forms live in `F`.
 *
 * Example:
 *   import { nn, F, summary } from '@neurone/core';
 *   const model = new nn.Sequential(new nn.Linear(20, 64), new nn.ReLU(), new nn.Linear(64, 10));
 *   const loss = new nn.CrossEntropyLoss().forward(model.forward(x), labels);
 *   summary(model, [1, 20]);
 */
export { Parameter } from './parameter.js';
export {
  Module, StateDictError, type StateDict, type LoadStateDictOptions, type LoadStateDictResult,
} from './module.js';
export { Sequential, ModuleList, ModuleDict } from './container.js';
export { Linear, Bilinear, Identity, type LinearOptions } from './linear.js';
export { Flatten, Unflatten } from './flatten.js';
export { Embedding, type EmbeddingModuleOptions } from './sparse.js';
export { LayerNorm, type LayerNormModuleOptions } from './normalization.js';
export { Dropout } from './dropout.js';
export { ReLU, LeakyReLU, ELU, GELU, SiLU, Sigmoid, Tanh, Softplus, Softmax, LogSoftmax } from './activation.js';
export {
  MSELoss, L1Loss, HuberLoss, SmoothL1Loss, BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, NLLLoss, KLDivLoss,
} from './loss.js';
export { type FactoryOptions } from './options.js';
export { summary, type ModelSummary, type SummaryRow, type SummaryOptions } from './summary.js';
export * as init from './init.js';
export * as utils from './utils/index.js';
export * as functional from './functional.js';
