// Loss modules: each holds its options (class weights as buffers, PyTorch's names) and calls its F function.
import type { Tensor } from '../tensor.js';
import {
  bceLoss, bceWithLogitsLoss, crossEntropy, huberLoss, klDiv, l1Loss, mseLoss, nllLoss, smoothL1Loss,
  checkReduction, type KLDivOptions, type Reduction,
} from './functional/loss.js';
import { Module } from './module.js';

/** What every loss module keeps: how to reduce. */
abstract class Loss extends Module {
  readonly reduction: Reduction;

  constructor(opts: { reduction?: Reduction } = {}) {
    super();
    this.reduction = opts.reduction ?? 'mean';
    checkReduction(this.typeName(), this.reduction);
  }

  abstract override forward(input: Tensor, target: Tensor): Tensor;

  override extraRepr(): string {
    return this.reduction === 'mean' ? '' : `reduction='${this.reduction}'`;
  }
}

/** A loss with an optional per-class (or per-element) weight, registered as buffer 'weight'. */
abstract class WeightedLoss extends Loss {
  declare weight: Tensor | null;

  constructor(opts: { reduction?: Reduction; weight?: Tensor | null } = {}) {
    super(opts);
    this.registerBuffer('weight', opts.weight ?? null);
  }
}

/**
 * Mean squared error between input and target.
 *
 * Args:
 *   opts.reduction: 'mean' (default), 'sum' or 'none'.
 *
 * Shape: input (*), target (*) -> scalar, or (*) with 'none'
 *
 * Example:
 *   const loss = new nn.MSELoss().forward(pred, target);
 */
export class MSELoss extends Loss {
  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

/**
 * Mean absolute error between input and target.
 *
 * Args:
 *   opts.reduction: 'mean' (default), 'sum' or 'none'.
 *
 * Shape: input (*), target (*) -> scalar, or (*) with 'none'
 *
 * Example:
 *   const loss = new nn.L1Loss().forward(pred, target);
 */
export class L1Loss extends Loss {
  forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, { reduction: this.reduction });
  }
}

/**
 * Huber loss: quadratic below `delta`, linear above (robust regression).
 *
 * Args:
 *   opts.delta: the switch point (default 1).
 *   opts.reduction: 'mean' (default), 'sum' or 'none'.
 *
 * Shape: input (*), target (*) -> scalar, or (*) with 'none'
 *
 * Example:
 *   const loss = new nn.HuberLoss({ delta: 0.5 }).forward(pred, target);
 */
export class HuberLoss extends Loss {
  readonly delta: number;

  constructor(opts: { reduction?: Reduction; delta?: number } = {}) {
    super(opts);
    this.delta = opts.delta ?? 1;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }

  override extraRepr(): string {
    return [`delta=${this.delta}`, super.extraRepr()].filter(Boolean).join(', ');
  }
}

/**
 * Smooth L1 loss: quadratic below `beta` (divided by beta), linear above.
 *
 * Args:
 *   opts.beta: the switch point (default 1).
 *   opts.reduction: 'mean' (default), 'sum' or 'none'.
 *
 * Shape: input (*), target (*) -> scalar, or (*) with 'none'
 *
 * Example:
 *   const loss = new nn.SmoothL1Loss().forward(pred, target);
 */
export class SmoothL1Loss extends Loss {
  readonly beta: number;

  constructor(opts: { reduction?: Reduction; beta?: number } = {}) {
    super(opts);
    this.beta = opts.beta ?? 1;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }

  override extraRepr(): string {
    return [`beta=${this.beta}`, super.extraRepr()].filter(Boolean).join(', ');
  }
}

/**
 * Binary cross-entropy between probabilities and targets in [0, 1].
 *
 * Args:
 *   opts.weight: rescales each element's loss (broadcast to the input); buffer 'weight'.
 *   opts.reduction: 'mean' (default), 'sum' or 'none'.
 *
 * Shape: input (*) in [0, 1], target (*) -> scalar, or (*) with 'none'
 *
 * Example:
 *   const loss = new nn.BCELoss().forward(F.sigmoid(logits), labels);
 */
export class BCELoss extends WeightedLoss {
  forward(input: Tensor, target: Tensor): Tensor {
    return bceLoss(input, target, { reduction: this.reduction, weight: this.weight });
  }
}

/**
 * Sigmoid plus binary cross-entropy, numerically stable; takes logits.
 *
 * Args:
 *   opts.weight: rescales each element's loss; buffer 'weight'.
 *   opts.posWeight: weight of positive examples, one per class (last dim); buffer 'pos_weight'.
 *   opts.reduction: 'mean' (default), 'sum' or 'none'.
 *
 * Shape: input (*, C) logits, target (*, C) -> scalar, or (*, C) with 'none'
 *
 * Example:
 *   const loss = new nn.BCEWithLogitsLoss({ posWeight: full([64], 3) }).forward(logits, labels);
 */
export class BCEWithLogitsLoss extends WeightedLoss {
  declare pos_weight: Tensor | null;

  constructor(opts: { reduction?: Reduction; weight?: Tensor | null; posWeight?: Tensor | null } = {}) {
    super(opts);
    this.registerBuffer('pos_weight', opts.posWeight ?? null);
  }

  /** The positive-class weight (stored as buffer 'pos_weight', PyTorch's key). */
  get posWeight(): Tensor | null {
    return this.pos_weight;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return bceWithLogitsLoss(input, target, { reduction: this.reduction, weight: this.weight, posWeight: this.pos_weight });
  }
}

/**
 * Softmax cross-entropy between logits and class indices (int32) or class
 * probabilities: F.crossEntropy as a module.
 *
 * Args:
 *   opts.weight: one weight per class, shape (C); buffer 'weight'.
 *   opts.ignoreIndex: targets with this value are skipped (default -100).
 *   opts.labelSmoothing: ε in [0, 1] mixing the target with the uniform distribution (default 0).
 *   opts.reduction: 'mean' (default), 'sum' or 'none'.
 *
 * Shape: input (N, C) or (N, C, d1, ...); target (N) or (N, d1, ...) int32, or the input's shape -> scalar, or (N, d1, ...) with 'none'
 *
 * Example:
 *   const criterion = new nn.CrossEntropyLoss({ labelSmoothing: 0.1 });
 *   const loss = criterion.forward(model.forward(x), labels);
 */
export class CrossEntropyLoss extends WeightedLoss {
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;

  constructor(opts: { reduction?: Reduction; weight?: Tensor | null; ignoreIndex?: number; labelSmoothing?: number } = {}) {
    super(opts);
    this.ignoreIndex = opts.ignoreIndex ?? -100;
    this.labelSmoothing = opts.labelSmoothing ?? 0;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, {
      reduction: this.reduction, weight: this.weight, ignoreIndex: this.ignoreIndex, labelSmoothing: this.labelSmoothing,
    });
  }

  override extraRepr(): string {
    const parts = [super.extraRepr()];
    if (this.ignoreIndex !== -100) parts.push(`ignoreIndex=${this.ignoreIndex}`);
    if (this.labelSmoothing !== 0) parts.push(`labelSmoothing=${this.labelSmoothing}`);
    return parts.filter(Boolean).join(', ');
  }
}

/**
 * Negative log-likelihood of class indices given log-probabilities (after LogSoftmax).
 *
 * Args:
 *   opts.weight: one weight per class, shape (C); buffer 'weight'.
 *   opts.ignoreIndex: targets with this value are skipped (default -100).
 *   opts.reduction: 'mean' (default), 'sum' or 'none'.
 *
 * Shape: input (N, C) or (N, C, d1, ...), target (N) or (N, d1, ...) int32 -> scalar, or (N, d1, ...) with 'none'
 *
 * Example:
 *   const loss = new nn.NLLLoss().forward(new nn.LogSoftmax(1).forward(logits), labels);
 */
export class NLLLoss extends WeightedLoss {
  readonly ignoreIndex: number;

  constructor(opts: { reduction?: Reduction; weight?: Tensor | null; ignoreIndex?: number } = {}) {
    super(opts);
    this.ignoreIndex = opts.ignoreIndex ?? -100;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, { reduction: this.reduction, weight: this.weight, ignoreIndex: this.ignoreIndex });
  }

  override extraRepr(): string {
    return [super.extraRepr(), this.ignoreIndex !== -100 ? `ignoreIndex=${this.ignoreIndex}` : ''].filter(Boolean).join(', ');
  }
}

/**
 * Kullback-Leibler divergence between a target distribution and the input's
 * log-probabilities. Use reduction 'batchmean' for the mathematical KL.
 *
 * Args:
 *   opts.reduction: 'mean' (default, as PyTorch), 'batchmean', 'sum' or 'none'.
 *   opts.logTarget: the target is given as log-probabilities (default false).
 *
 * Shape: input (*), target (*) -> scalar, or (*) with 'none'
 *
 * Example:
 *   const loss = new nn.KLDivLoss({ reduction: 'batchmean' }).forward(F.logSoftmax(logits, 1), probs);
 */
export class KLDivLoss extends Module {
  readonly reduction: NonNullable<KLDivOptions['reduction']>;
  readonly logTarget: boolean;

  constructor(opts: KLDivOptions = {}) {
    super();
    this.reduction = opts.reduction ?? 'mean';
    checkReduction('KLDivLoss', this.reduction, ['mean', 'sum', 'none', 'batchmean']);
    this.logTarget = opts.logTarget ?? false;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }

  override extraRepr(): string {
    return `reduction='${this.reduction}'${this.logTarget ? ', logTarget=true' : ''}`;
  }
}
