// Adam (torch/optim/adam.py): L2 weight decay added to the gradient.
import { AdamBase, type AdamHyper } from './adam_base.js';
import type { ParamsInput } from './optimizer.js';

export type { AdamHyper } from './adam_base.js';
export type { AdamState } from './adam_kernel.js';

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
export class Adam extends AdamBase {
  constructor(params: ParamsInput<AdamHyper>, options: AdamOptions = {}) {
    super('Adam', params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, ...options }, false);
  }
}
