/**
 * Learning-rate schedulers (PyTorch's `torch.optim.lr_scheduler`).
 *
 * Example:
 *   const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 *   const sched = new optim.lrScheduler.StepLR(opt, { stepSize: 30, gamma: 0.1 });
 *   for (let epoch = 0; epoch < 90; epoch++) { trainOneEpoch(opt); sched.step(); }
 */
export { LRScheduler, type AnyOptimizer } from './scheduler.js';
export { type SchedulerStateDict } from './state.js';
export { StepLR, type StepLROptions } from './step_lr.js';
export { ExponentialLR, type ExponentialLROptions } from './exponential_lr.js';
export { CosineAnnealingLR, type CosineAnnealingLROptions } from './cosine_annealing_lr.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './reduce_lr_on_plateau.js';
export { LinearWarmup, type LinearWarmupOptions } from './linear_warmup.js';
