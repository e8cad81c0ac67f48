import { LRScheduler, checkArg, type AnyOptimizer } from './scheduler.js';

export interface CosineAnnealingLROptions {
  /** Epochs of a half cosine period: the lr reaches etaMin at epoch tMax (required). */
  tMax: number;
  /** The minimum learning rate (default 0). */
  etaMin?: number;
}

/**
 * Anneals each group's lr along a cosine from its initial lr down to `etaMin`
 * over `tMax` epochs, then back up (PyTorch's `CosineAnnealingLR`, whose
 * chainable form this follows step for step; on its own it equals the
 * closed form lr = etaMin + (initialLr - etaMin) * (1 + cos(pi * epoch / tMax)) / 2).
 *
 * Example:
 *   const sched = new optim.CosineAnnealingLR(opt, { tMax: 100, etaMin: 1e-5 });
 *   for (let epoch = 0; epoch < 100; epoch++) { train(); sched.step(); }
 */
export class CosineAnnealingLR extends LRScheduler {
  tMax: number;
  etaMin: number;

  constructor(optimizer: AnyOptimizer, { tMax, etaMin = 0 }: CosineAnnealingLROptions) {
    checkArg('CosineAnnealingLR', 'tMax', tMax, typeof tMax === 'number' && Number.isFinite(tMax) && tMax > 0, 'a number > 0');
    checkArg('CosineAnnealingLR', 'etaMin', etaMin, typeof etaMin === 'number' && etaMin >= 0, 'a number >= 0');
    super('CosineAnnealingLR', optimizer);
    this.tMax = tMax;
    this.etaMin = etaMin;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const { tMax, etaMin, lastEpoch: e } = this;
    const groups = this.optimizer.paramGroups;
    if (e === 0) return groups.map((g) => g.lr);
    // at the bottom of a period the ratio below is 0/0: PyTorch steps up by the first increment instead
    if ((e - 1 - tMax) % (2 * tMax) === 0) {
      return groups.map((g, i) => g.lr + ((this.baseLrs[i]! - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2);
    }
    return groups.map(
      (g) => ((1 + Math.cos((Math.PI * e) / tMax)) / (1 + Math.cos((Math.PI * (e - 1)) / tMax))) * (g.lr - etaMin) + etaMin,
    );
  }
}
