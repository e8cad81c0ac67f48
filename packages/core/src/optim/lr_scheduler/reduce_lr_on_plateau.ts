import { NeuroneError } from '../../errors.js';
import { Tensor } from '../../tensor.js';
import { Optimizer } from '../optimizer.js';
import { checkArg, type AnyOptimizer } from './scheduler.js';
import { collectState, restoreState, type SchedulerStateDict, type Stateful } from './state.js';

export interface ReduceLROnPlateauOptions {
  /** 'min': reduce when the metric stops decreasing; 'max': when it stops increasing (default 'min'). */
  mode?: 'min' | 'max';
  /** lr = lr * factor on a plateau (default 0.1, must be < 1). */
  factor?: number;
  /** Epochs without improvement tolerated before reducing (default 10). */
  patience?: number;
  /** Smallest change that counts as an improvement (default 1e-4). */
  threshold?: number;
  /** 'rel': relative to the best value, 'abs': absolute (default 'rel'). */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting bad epochs again (default 0). */
  cooldown?: number;
  /** Lower bound of the lr, one for all groups or one per group (default 0). */
  minLr?: number | number[];
  /** Reductions smaller than this are skipped (default 1e-8). */
  eps?: number;
}

/**
 * Reduces each group's lr by `factor` when a metric has stopped improving for
 * more than `patience` epochs (PyTorch's `ReduceLROnPlateau`). `step(metric)`
 * takes the metric of the epoch (a number or a one-element tensor).
 *
 * Example:
 *   const sched = new optim.ReduceLROnPlateau(opt, { mode: 'min', factor: 0.5, patience: 5 });
 *   for (let epoch = 0; epoch < 100; epoch++) { train(); sched.step(validationLoss()); }
 */
export class ReduceLROnPlateau implements Stateful {
  readonly optimizer: AnyOptimizer;
  mode: 'min' | 'max';
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  cooldown: number;
  minLrs: number[];
  eps: number;
  /** The best metric so far (Infinity or -Infinity before the first step). */
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  protected lastLr: number[];

  constructor(optimizer: AnyOptimizer, opts: ReduceLROnPlateauOptions = {}) {
    const N = 'ReduceLROnPlateau';
    if (!(optimizer instanceof Optimizer)) throw new NeuroneError(`${N}: expected an Optimizer, got ${optimizer === null ? 'null' : typeof optimizer}`);
    const { mode = 'min', factor = 0.1, patience = 10, threshold = 1e-4, thresholdMode = 'rel', cooldown = 0, minLr = 0, eps = 1e-8 } = opts;
    checkArg(N, 'mode', mode, mode === 'min' || mode === 'max', "'min' or 'max'");
    checkArg(N, 'thresholdMode', thresholdMode, thresholdMode === 'rel' || thresholdMode === 'abs', "'rel' or 'abs'");
    checkArg(N, 'factor', factor, typeof factor === 'number' && factor >= 0 && factor < 1, 'a number in [0, 1)');
    checkArg(N, 'patience', patience, Number.isInteger(patience) && patience >= 0, 'an integer >= 0');
    checkArg(N, 'cooldown', cooldown, Number.isInteger(cooldown) && cooldown >= 0, 'an integer >= 0');
    checkArg(N, 'threshold', threshold, typeof threshold === 'number' && threshold >= 0, 'a number >= 0');
    checkArg(N, 'eps', eps, typeof eps === 'number' && eps >= 0, 'a number >= 0');
    const n = optimizer.paramGroups.length;
    if (Array.isArray(minLr) && minLr.length !== n) {
      throw new NeuroneError(`${N}: expected ${n} minLr values (one per param group), got ${minLr.length}`);
    }
    const minLrs = Array.isArray(minLr) ? [...minLr] : new Array<number>(n).fill(minLr);
    minLrs.forEach((m) => checkArg(N, 'minLr', m, typeof m === 'number' && m >= 0, 'a number >= 0'));
    this.optimizer = optimizer;
    this.mode = mode;
    this.factor = factor;
    this.patience = patience;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.cooldown = cooldown;
    this.minLrs = minLrs;
    this.eps = eps;
    this.best = this.modeWorse();
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  /** Records the epoch's metric and reduces the lrs after more than `patience` epochs without improvement. */
  step(metric: number | Tensor): void {
    const current = metric instanceof Tensor ? metric.item() : metric;
    if (typeof current !== 'number') throw new NeuroneError(`ReduceLROnPlateau.step: expected a number or a one-element Tensor, got ${typeof metric}`);
    this.lastEpoch++;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0; // bad epochs in cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The current learning rates, one per group. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The scheduler's fields as plain values (`best` may be ±Infinity, which JSON writes as null: loading accepts null). */
  stateDict(): SchedulerStateDict {
    return collectState(this);
  }

  loadStateDict(sd: SchedulerStateDict): void {
    const fixed = { ...sd };
    if (fixed.best === null) {
      const mode = typeof fixed.mode === 'string' ? fixed.mode : this.mode;
      fixed.best = mode === 'max' ? -Infinity : Infinity;
    }
    restoreState('ReduceLROnPlateau', this, fixed);
  }

  private modeWorse(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  private isBetter(a: number, best: number): boolean {
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - this.threshold) : a < best - this.threshold;
    return this.thresholdMode === 'rel' ? a > best * (this.threshold + 1) : a > best + this.threshold;
  }

  private reduceLr(): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      const newLr = Math.max(g.lr * this.factor, this.minLrs[i]!);
      if (g.lr - newLr > this.eps) g.lr = newLr;
    });
  }
}
