// What Adam and AdamW share (torch/optim/adam.py and adamw.py): their
// hyperparameters, checks, per-parameter state and update loop.
import { zerosLike } from '../creation.js';
import type { Tensor } from '../tensor.js';
import { adamUpdate, type AdamState } from './adam_kernel.js';
import { checkAdamGroup } from './checks.js';
import { Optimizer, stateBufferLike, type ParamGroup, type ParamsInput, type StateSpec } from './optimizer.js';

/** Adam's (and AdamW's) hyperparameters, per param group. */
export type AdamHyper = {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
};

/**
 * The base of Adam and AdamW, which differ only in their defaults and in how
 * weight decay applies: `decoupled` shrinks the parameters (AdamW) instead of
 * adding an L2 term to the gradient (Adam). Each parameter's state is
 * { step, expAvg, expAvgSq } plus maxExpAvgSq with amsgrad, as in PyTorch's
 * state dicts.
 */
export abstract class AdamBase extends Optimizer<AdamHyper, AdamState> {
  readonly #decoupled: boolean;

  protected constructor(name: string, params: ParamsInput<AdamHyper>, defaults: Partial<AdamHyper>, decoupled: boolean) {
    super(name, params, defaults);
    this.#decoupled = decoupled;
  }

  protected validateGroup(g: ParamGroup<AdamHyper>): void {
    checkAdamGroup(this.name, g);
  }

  protected stateSpec(g: ParamGroup<AdamHyper>): StateSpec {
    const spec: StateSpec = { step: 'number', expAvg: 'tensor', expAvgSq: 'tensor' };
    if (g.amsgrad) spec.maxExpAvgSq = 'tensor';
    return spec;
  }

  protected updateGroup(group: ParamGroup<AdamHyper>): void {
    for (const p of group.params) {
      if (p.grad === null) continue;
      adamUpdate(p.data, this.gradData(p, p.grad), this.paramState(p, group.amsgrad), group, this.#decoupled);
    }
  }

  /** p's state, created (zeros) on its first update; adds maxExpAvgSq if amsgrad was turned on since. */
  private paramState(p: Tensor, amsgrad: boolean): AdamState {
    let s = this.state.get(p);
    if (s === undefined) {
      s = { step: 0, expAvg: stateBufferLike(p), expAvgSq: stateBufferLike(p) };
      this.state.set(p, s);
    }
    if (amsgrad && s.maxExpAvgSq === undefined) s.maxExpAvgSq = zerosLike(p);
    return s;
  }
}
