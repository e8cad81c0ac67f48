// nn.CTCLoss: the module form of ctcLoss.
import { NeuroneError, nn, type Tensor } from '@neurone/core';
import { ctcLoss, type CTCLossOptions, type Lengths, type Reduction, type Targets } from './ctc.js';

/**
 * The connectionist temporal classification loss as a module (torch.nn.CTCLoss).
 * See `ctcLoss` for the arguments and the reductions.
 *
 * Shape: logProbs (T, N, C) or (T, C); targets (N, S) or (sum(targetLengths)); lengths (N)
 *   -> () for 'mean' and 'sum', (N) for 'none'.
 *
 * Example:
 *   const ctc = new CTCLoss({ blank: 0, zeroInfinity: true });
 *   const loss = ctc.forward(logits.logSoftmax(2), targets, inputLengths, targetLengths);
 */
export class CTCLoss extends nn.Module {
  readonly blank: number;
  readonly reduction: Reduction;
  readonly zeroInfinity: boolean;

  constructor(opts: CTCLossOptions = {}) {
    super();
    this.blank = opts.blank ?? 0;
    this.reduction = opts.reduction ?? 'mean';
    this.zeroInfinity = opts.zeroInfinity ?? false;
    if (!Number.isInteger(this.blank) || this.blank < 0) throw new NeuroneError(`CTCLoss: blank must be a non-negative integer, got ${opts.blank}`);
    if (!['mean', 'sum', 'none'].includes(this.reduction)) {
      throw new NeuroneError(`CTCLoss: reduction must be 'mean', 'sum' or 'none', got ${JSON.stringify(opts.reduction)}`);
    }
  }

  forward(logProbs: Tensor, targets: Targets, inputLengths: Lengths, targetLengths: Lengths): Tensor {
    return ctcLoss(logProbs, targets, inputLengths, targetLengths, { blank: this.blank, reduction: this.reduction, zeroInfinity: this.zeroInfinity });
  }

  override extraRepr(): string {
    return `blank=${this.blank}, reduction='${this.reduction}'${this.zeroInfinity ? ', zeroInfinity=true' : ''}`;
  }
}
