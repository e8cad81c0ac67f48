// AdamW (torch/optim/adamw.py): Adam with decoupled weight decay.
import { AdamBase, type AdamHyper } from './adam_base.js';
import type { ParamsInput } from './optimizer.js';

/** AdamW's hyperparameters, per param group: the same as Adam's. */
export type AdamWHyper = AdamHyper;

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
export class AdamW extends AdamBase {
  constructor(params: ParamsInput<AdamWHyper>, options: AdamWOptions = {}) {
    super('AdamW', params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false, ...options }, true);
  }
}
