/**
 * Optimizers and learning-rate schedulers, following `torch.optim`.
 *
 * Example:
 *   import { optim } from '@neurone/core';
 *   const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
 *   const sched = new optim.CosineAnnealingLR(opt, { tMax: epochs });
 *   for (let epoch = 0; epoch < epochs; epoch++) {
 *     for (const [x, y] of loader) {
 *       opt.zeroGrad();
 *       F.crossEntropy(model.forward(x), y).backward();
 *       opt.step();
 *     }
 *     sched.step();
 *   }
 */
export {
  Optimizer, type ParamGroup, type ParamGroupInput, type ParamsInput, type OptimizerStateDict, type HyperValue, type StateSpec,
} from './optimizer.js';
export { SGD, type SGDOptions, type SGDHyper, type SGDState } from './sgd.js';
export { Adam, type AdamOptions, type AdamHyper, type AdamState } from './adam.js';
export { AdamW, type AdamWOptions, type AdamWHyper } from './adamw.js';
export { RMSprop, type RMSpropOptions, type RMSpropHyper, type RMSpropState } from './rmsprop.js';
export * as lrScheduler from './lr_scheduler/index.js';
export * from './lr_scheduler/index.js';
