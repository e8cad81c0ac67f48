import { LRScheduler, checkArg, type AnyOptimizer } from './scheduler.js';

export interface ExponentialLROptions {
  /** Multiplicative factor applied every epoch (required). */
  gamma: number;
}

/**
 * Multiplies each group's lr by `gamma` every epoch (PyTorch's
 * `ExponentialLR`): lr = initialLr * gamma^epoch.
 *
 * Example:
 *   const sched = new optim.ExponentialLR(opt, { gamma: 0.95 });
 *   for (let epoch = 0; epoch < 100; epoch++) { train(); sched.step(); }
 */
export class ExponentialLR extends LRScheduler {
  gamma: number;

  constructor(optimizer: AnyOptimizer, { gamma }: ExponentialLROptions) {
    checkArg('ExponentialLR', 'gamma', gamma, typeof gamma === 'number' && Number.isFinite(gamma) && gamma > 0, 'a number > 0');
    super('ExponentialLR', optimizer);
    this.gamma = gamma;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }
}
