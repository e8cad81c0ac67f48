import { NeuroneError } from '../../errors.js';
import { LRScheduler, checkArg, type AnyOptimizer } from './scheduler.js';

export interface LinearWarmupOptions {
  /** Epochs (or iterations) of warmup: the lr reaches its initial value at this step (required). */
  warmupSteps: number;
  /** The lr starts at startFactor * initialLr, 0 < startFactor <= 1 (default 1/3, like PyTorch's LinearLR). */
  startFactor?: number;
  /** A scheduler of the same optimizer that takes over after the warmup (built before this one). */
  after?: LRScheduler;
}

/**
 * Warms each group's lr up linearly from `startFactor * initialLr` to
 * `initialLr` over `warmupSteps` steps, then keeps it constant or hands over
 * to `after`. Alone it is PyTorch's `LinearLR(startFactor, endFactor=1,
 * totalIters=warmupSteps)`; with `after` it is
 * `SequentialLR([LinearLR(...), after], milestones=[warmupSteps])`.
 *
 * Example:
 *   const cosine = new optim.CosineAnnealingLR(opt, { tMax: 95 });
 *   const sched = new optim.LinearWarmup(opt, { warmupSteps: 5, startFactor: 0.1, after: cosine });
 *   for (let epoch = 0; epoch < 100; epoch++) { train(); sched.step(); }  // only step the warmup
 */
export class LinearWarmup extends LRScheduler {
  warmupSteps: number;
  startFactor: number;
  /** The scheduler that runs after the warmup, if any. */
  readonly after: LRScheduler | null;

  constructor(optimizer: AnyOptimizer, { warmupSteps, startFactor = 1 / 3, after }: LinearWarmupOptions) {
    checkArg('LinearWarmup', 'warmupSteps', warmupSteps, Number.isInteger(warmupSteps) && warmupSteps > 0, 'a positive integer');
    checkArg('LinearWarmup', 'startFactor', startFactor, typeof startFactor === 'number' && startFactor > 0 && startFactor <= 1, 'in (0, 1]');
    if (after !== undefined && !(after instanceof LRScheduler)) {
      throw new NeuroneError('LinearWarmup: after should be an LR scheduler (ReduceLROnPlateau takes a metric: step it yourself)');
    }
    if (after !== undefined && after.optimizer !== optimizer) {
      throw new NeuroneError('LinearWarmup: the scheduler given as after belongs to a different optimizer');
    }
    super('LinearWarmup', optimizer);
    this.warmupSteps = warmupSteps;
    this.startFactor = startFactor;
    this.after = after ?? null;
    this.initialStep();
  }

  override step(): void {
    if (this.after !== null && this.lastEpoch >= this.warmupSteps) {
      this.stepCount++;
      this.lastEpoch++;
      this.after.step();
      this.lastLr = this.after.getLastLr();
      return;
    }
    super.step();
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    const { lastEpoch: e, startFactor: s, warmupSteps: n } = this;
    if (e === 0) return groups.map((g) => g.lr * s);
    if (e > n) return groups.map((g) => g.lr);
    // chainable form of lr = initialLr * (s + (1 - s) * e / n)
    return groups.map((g) => g.lr * (1 + (1 - s) / (n * s + (e - 1) * (1 - s))));
  }
}
