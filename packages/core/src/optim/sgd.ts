// Stochastic gradient descent with momentum, dampening, Nesterov and weight
// decay (torch/optim/sgd.py, the single-tensor path).
import { getBackend } from '../backend/index.js';
import { sgdReference, type SgdStep } from '../backend/sgd.js';
import { NeuroneError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { nonNegative } from './checks.js';
import { Optimizer, stateBufferLike, type ParamGroup, type ParamsInput, type StateSpec } from './optimizer.js';

/** SGD's hyperparameters, per param group. */
export type SGDHyper = {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
};

/** SGD's options: `lr` is required (here or in every param group). */
export type SGDOptions = Partial<SGDHyper>;

/** Per-parameter state: the momentum buffer, present when momentum != 0. */
export type SGDState = { momentumBuffer?: Tensor };

/**
 * Stochastic gradient descent, optionally with momentum (PyTorch's
 * `torch.optim.SGD`). For each parameter p with gradient g:
 *
 *   g = g + weightDecay * p                      (if weightDecay != 0)
 *   b = momentum * b + (1 - dampening) * g       (b = g on the first step)
 *   g = nesterov ? g + momentum * b : b          (if momentum != 0)
 *   p = p - lr * g                               (p + lr * g if maximize)
 *
 * Args: lr (required), momentum = 0, dampening = 0, weightDecay = 0,
 * nesterov = false (needs momentum > 0 and dampening 0), maximize = false.
 *
 * Example:
 *   const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true });
 *   opt.zeroGrad();
 *   loss.backward();
 *   opt.step();
 */
export class SGD extends Optimizer<SGDHyper, SGDState> {
  constructor(params: ParamsInput<SGDHyper>, options: SGDOptions = {}) {
    super('SGD', params, { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, ...options });
  }

  protected validateGroup(g: ParamGroup<SGDHyper>): void {
    if (g.lr === undefined) throw new NeuroneError('SGD: no learning rate given: pass { lr } in the options or in every param group');
    nonNegative('SGD', 'learning rate', g.lr);
    nonNegative('SGD', 'momentum value', g.momentum);
    nonNegative('SGD', 'weightDecay value', g.weightDecay);
    if (typeof g.dampening !== 'number' || Number.isNaN(g.dampening)) {
      throw new NeuroneError(`SGD: invalid dampening value: ${String(g.dampening)} (expected a number)`);
    }
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) {
      throw new NeuroneError(
        `SGD: Nesterov momentum requires a momentum > 0 and zero dampening, got momentum=${g.momentum}, dampening=${g.dampening}`,
      );
    }
  }

  protected stateSpec(g: ParamGroup<SGDHyper>): StateSpec {
    return g.momentum !== 0 ? { momentumBuffer: 'tensor' } : {};
  }

  protected updateGroup(group: ParamGroup<SGDHyper>): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
    for (const p of group.params) {
      if (p.grad === null) continue;
      const g = this.gradData(p, p.grad);
      let buf: Tensor | null = null;
      let first = false;
      if (momentum !== 0) {
        let s = this.state.get(p);
        if (s === undefined) {
          s = {};
          this.state.set(p, s);
        }
        if (s.momentumBuffer === undefined) {
          s.momentumBuffer = stateBufferLike(p);
          first = true;
        }
        buf = s.momentumBuffer;
      }
      const step: SgdStep = { lr, sign: maximize ? -1 : 1, weightDecay, momentum, keep: 1 - dampening, nesterov, first };
      const x = p.data;
      const b = buf?.data ?? null;
      if (x instanceof Float32Array && g instanceof Float32Array && (b === null || b instanceof Float32Array)) {
        getBackend().sgd(x, g, b, step);
      } else {
        // float64: the reference loop
        sgdReference(x as Float64Array, g as Float64Array, b as Float64Array | null, step);
      }
    }
  }
}
