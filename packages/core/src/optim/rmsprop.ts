// RMSprop (torch/optim/rmsprop.py, the single-tensor path).
import { zerosLike } from '../creation.js';
import type { Tensor } from '../tensor.js';
import { nonNegative } from './checks.js';
import { Optimizer, type ParamGroup, type ParamsInput, type StateSpec } from './optimizer.js';

/** RMSprop's hyperparameters, per param group. */
export type RMSpropHyper = {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
};

export type RMSpropOptions = Partial<RMSpropHyper>;

/** Per-parameter state of RMSprop. */
export type RMSpropState = {
  step: number;
  /** Running mean of the squared gradient. */
  squareAvg: Tensor;
  /** Momentum buffer (momentum > 0 only). */
  momentumBuffer?: Tensor;
  /** Running mean of the gradient (centered only). */
  gradAvg?: Tensor;
};

/**
 * RMSprop (PyTorch's `torch.optim.RMSprop`). For each parameter p with
 * gradient g:
 *
 *   g = g + weightDecay * p
 *   v = alpha * v + (1 - alpha) * g^2
 *   avg = sqrt(v) + eps                      (centered: sqrt(v - gAvg^2) + eps, gAvg = alpha * gAvg + (1 - alpha) * g)
 *   b = momentum * b + g / avg; p = p - lr * b     (momentum > 0)
 *   p = p - lr * g / avg                           (otherwise)
 *
 * Args: lr = 1e-2, alpha = 0.99, eps = 1e-8, weightDecay = 0, momentum = 0,
 * centered = false, maximize = false.
 *
 * Example:
 *   const opt = new optim.RMSprop(model.parameters(), { lr: 1e-3, momentum: 0.9, centered: true });
 *   opt.zeroGrad();
 *   loss.backward();
 *   opt.step();
 */
export class RMSprop extends Optimizer<RMSpropHyper, RMSpropState> {
  constructor(params: ParamsInput<RMSpropHyper>, options: RMSpropOptions = {}) {
    super('RMSprop', params, { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false, ...options });
  }

  protected validateGroup(g: ParamGroup<RMSpropHyper>): void {
    nonNegative('RMSprop', 'learning rate', g.lr);
    nonNegative('RMSprop', 'epsilon value', g.eps);
    nonNegative('RMSprop', 'momentum value', g.momentum);
    nonNegative('RMSprop', 'weightDecay value', g.weightDecay);
    nonNegative('RMSprop', 'alpha value', g.alpha);
  }

  protected stateSpec(g: ParamGroup<RMSpropHyper>): StateSpec {
    const spec: StateSpec = { step: 'number', squareAvg: 'tensor' };
    if (g.momentum > 0) spec.momentumBuffer = 'tensor';
    if (g.centered) spec.gradAvg = 'tensor';
    return spec;
  }

  protected updateGroup(group: ParamGroup<RMSpropHyper>): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = group;
    const sign = maximize ? -1 : 1;
    for (const p of group.params) {
      if (p.grad === null) continue;
      const g = this.gradData(p, p.grad);
      const s = this.paramState(p, momentum > 0, centered);
      s.step++;
      const x = p.data;
      const v = s.squareAvg.data;
      const ga = centered ? s.gradAvg!.data : null;
      const buf = momentum > 0 ? s.momentumBuffer!.data : null;
      const n = x.length;
      for (let i = 0; i < n; i++) {
        let gi = sign * g[i]!;
        if (weightDecay !== 0) gi += weightDecay * x[i]!;
        v[i] = v[i]! * alpha + (1 - alpha) * gi * gi;
        let avg: number;
        if (ga !== null) {
          ga[i] = ga[i]! * alpha + (1 - alpha) * gi;
          avg = Math.sqrt(v[i]! - ga[i]! * ga[i]!);
        } else {
          avg = Math.sqrt(v[i]!);
        }
        avg += eps;
        if (buf !== null) {
          buf[i] = buf[i]! * momentum + gi / avg;
          x[i] = x[i]! - lr * buf[i]!;
        } else {
          x[i] = x[i]! - lr * (gi / avg);
        }
      }
    }
  }

  /** p's state, created (zeros) on its first update; buffers are added if momentum or centered were turned on since. */
  private paramState(p: Tensor, withMomentum: boolean, centered: boolean): RMSpropState {
    let s = this.state.get(p);
    if (s === undefined) {
      s = { step: 0, squareAvg: zerosLike(p) };
      this.state.set(p, s);
    }
    if (withMomentum && s.momentumBuffer === undefined) s.momentumBuffer = zerosLike(p);
    if (centered && s.gradAvg === undefined) s.gradAvg = zerosLike(p);
    return s;
  }
}
