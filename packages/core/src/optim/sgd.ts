// Stochastic gradient descent with momentum, dampening, Nesterov and weight
// decay (torch/optim/sgd.py, the single-tensor path).
import { zerosLike } from '../creation.js';
import { NeuroneError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { nonNegative } from './checks.js';
import { Optimizer, type ParamGroup, type ParamsInput, type StateSpec } from './optimizer.js';

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
    const sign = maximize ? -1 : 1;
    for (const p of group.params) {
      if (p.grad === null) continue;
      const g = this.gradData(p, p.grad);
      const x = p.data;
      const n = x.length;
      if (momentum === 0 && x instanceof Float32Array && g instanceof Float32Array) {
        sgdFloat32(x, g, sign, weightDecay, lr);
        continue;
      }
      if (momentum === 0) {
        for (let i = 0; i < n; i++) {
          let d = sign * g[i]!;
          if (weightDecay !== 0) d += weightDecay * x[i]!;
          x[i] = x[i]! - lr * d;
        }
        continue;
      }
      let s = this.state.get(p);
      if (s === undefined) {
        s = {};
        this.state.set(p, s);
      }
      let first = false;
      if (s.momentumBuffer === undefined) {
        s.momentumBuffer = zerosLike(p);
        first = true;
      }
      const buf = s.momentumBuffer.data;
      const keep = 1 - dampening;
      for (let i = 0; i < n; i++) {
        let d = sign * g[i]!;
        if (weightDecay !== 0) d += weightDecay * x[i]!;
        buf[i] = first ? d : momentum * buf[i]! + keep * d;
        const b = buf[i]!;
        d = nesterov ? d + momentum * b : b;
        x[i] = x[i]! - lr * d;
      }
    }
  }
}

/**
 * Plain SGD (no momentum) on float32 data in a loop that only ever sees
 * Float32Arrays, so that the JIT keeps it monomorphic: the general loop's arithmetic.
 */
function sgdFloat32(x: Float32Array, g: Float32Array, sign: number, weightDecay: number, lr: number): void {
  const n = x.length;
  for (let i = 0; i < n; i++) {
    let d = sign * g[i]!;
    if (weightDecay !== 0) d += weightDecay * x[i]!;
    x[i] = x[i]! - lr * d;
  }
}
