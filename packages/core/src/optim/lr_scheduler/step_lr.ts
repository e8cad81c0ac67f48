import { LRScheduler, checkArg, type AnyOptimizer } from './scheduler.js';

export interface StepLROptions {
  /** Epochs between two decays (required). */
  stepSize: number;
  /** Multiplicative factor of each decay (default 0.1). */
  gamma?: number;
}

/**
 * Multiplies each group's lr by `gamma` every `stepSize` epochs
 * (PyTorch's `StepLR`): lr = initialLr * gamma^floor(epoch / stepSize).
 *
 * Example:
 *   const sched = new optim.StepLR(opt, { stepSize: 30, gamma: 0.1 });
 *   for (let epoch = 0; epoch < 100; epoch++) { train(); sched.step(); }
 */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

  constructor(optimizer: AnyOptimizer, { stepSize, gamma = 0.1 }: StepLROptions) {
    checkArg('StepLR', 'stepSize', stepSize, Number.isInteger(stepSize) && stepSize > 0, 'a positive integer');
    checkArg('StepLR', 'gamma', gamma, typeof gamma === 'number' && Number.isFinite(gamma) && gamma > 0, 'a number > 0');
    super('StepLR', optimizer);
    this.stepSize = stepSize;
    this.gamma = gamma;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }
}
