// Adam (torch/optim/adam.py): L2 weight decay added to the gradient.
import { zerosLike } from '../creation.js';
import type { Tensor } from '../tensor.js';
import { adamUpdate, type AdamState } from './adam_kernel.js';
import { checkAdamGroup } from './checks.js';
import { Optimizer, type ParamGroup, type ParamsInput, type StateSpec } from './optimizer.js';

export type { AdamState } from './adam_kernel.js';

/** Adam's hyperparameters, per param group. */
export type AdamHyper = {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
};

export type AdamOptions = Partial<AdamHyper>;

/**
 * Adam (PyTorch's `torch.optim.Adam`). For each parameter p with gradient g,
 * at step t:
 *
 *   g = g + weightDecay * p                      (L2 penalty; see AdamW for decoupled decay)
 *   m = beta1 * m + (1 - beta1) * g
 *   v = beta2 * v + (1 - beta2) * g^2            (amsgrad: vmax = max(vmax, v), used for v)
 *   p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 *
 * Args: lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0,
 * amsgrad = false, maximize = false.
 *
 * Example:
 *   const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
 *   opt.zeroGrad();
 *   loss.backward();
 *   opt.step();
 */
export class Adam extends Optimizer<AdamHyper, AdamState> {
  constructor(params: ParamsInput<AdamHyper>, options: AdamOptions = {}) {
    super('Adam', params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, ...options });
  }

  protected validateGroup(g: ParamGroup<AdamHyper>): void {
    checkAdamGroup('Adam', g);
  }

  protected stateSpec(g: ParamGroup<AdamHyper>): StateSpec {
    return adamStateSpec(g.amsgrad);
  }

  protected updateGroup(group: ParamGroup<AdamHyper>): void {
    for (const p of group.params) {
      if (p.grad === null) continue;
      adamUpdate(p.data, this.gradData(p, p.grad), this.paramState(p, group.amsgrad), group, false);
    }
  }

  private paramState(p: Tensor, amsgrad: boolean): AdamState {
    return adamState(this.state, p, amsgrad);
  }
}

/** The state entries of Adam and AdamW. */
export function adamStateSpec(amsgrad: boolean): StateSpec {
  const spec: StateSpec = { step: 'number', expAvg: 'tensor', expAvgSq: 'tensor' };
  if (amsgrad) spec.maxExpAvgSq = 'tensor';
  return spec;
}

/** p's state, created (zeros) on its first update; adds maxExpAvgSq if amsgrad was turned on since. */
export function adamState(state: Map<Tensor, AdamState>, p: Tensor, amsgrad: boolean): AdamState {
  let s = state.get(p);
  if (s === undefined) {
    s = { step: 0, expAvg: zerosLike(p), expAvgSq: zerosLike(p) };
    state.set(p, s);
  }
  if (amsgrad && s.maxExpAvgSq === undefined) s.maxExpAvgSq = zerosLike(p);
  return s;
}
