// AdamW (torch/optim/adamw.py): Adam with decoupled weight decay.
import type { Tensor } from '../tensor.js';
import { adamState, adamStateSpec } from './adam.js';
import { checkAdamGroup } from './checks.js';
import { adamUpdate, type AdamState } from './adam_kernel.js';
import { Optimizer, type ParamGroup, type ParamsInput, type StateSpec } from './optimizer.js';

/** AdamW's hyperparameters, per param group. */
export type AdamWHyper = {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
};

export type AdamWOptions = Partial<AdamWHyper>;

/**
 * AdamW (PyTorch's `torch.optim.AdamW`): Adam whose weight decay shrinks the
 * parameters directly instead of adding an L2 term to the gradient.
 *
 *   p = p * (1 - lr * weightDecay)
 *   m, v (and vmax) as in Adam, from the raw gradient
 *   p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 *
 * Args: lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 1e-2,
 * amsgrad = false, maximize = false.
 *
 * Example:
 *   const opt = new optim.AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.05 });
 *   opt.zeroGrad();
 *   loss.backward();
 *   opt.step();
 */
export class AdamW extends Optimizer<AdamWHyper, AdamState> {
  constructor(params: ParamsInput<AdamWHyper>, options: AdamWOptions = {}) {
    super('AdamW', params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false, ...options });
  }

  protected validateGroup(g: ParamGroup<AdamWHyper>): void {
    checkAdamGroup('AdamW', g);
  }

  protected stateSpec(g: ParamGroup<AdamWHyper>): StateSpec {
    return adamStateSpec(g.amsgrad);
  }

  protected updateGroup(group: ParamGroup<AdamWHyper>): void {
    for (const p of group.params) {
      if (p.grad === null) continue;
      adamUpdate(p.data, this.gradData(p, p.grad), this.paramState(p, group.amsgrad), group, true);
    }
  }

  private paramState(p: Tensor, amsgrad: boolean): AdamState {
    return adamState(this.state, p, amsgrad);
  }
}
