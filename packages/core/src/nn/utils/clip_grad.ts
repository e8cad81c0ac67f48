// Gradient clipping, in place on `.grad`, as torch.nn.utils.clip_grad_norm_ / clip_grad_value_.
import { NeuroneError } from '../../errors.js';
import { Tensor } from '../../tensor.js';
import { scalar } from '../../creation.js';

export interface ClipGradNormOptions {
  /** Throw when the total norm is NaN or infinite (the gradients are left alone). Default false. */
  errorIfNonfinite?: boolean;
}

function gradsOf(op: string, parameters: Iterable<Tensor> | Tensor): Tensor[] {
  const list = parameters instanceof Tensor ? [parameters] : [...parameters];
  const grads: Tensor[] = [];
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new NeuroneError(`${op}: parameters[${i}] is not a Tensor`);
    if (p.grad !== null) grads.push(p.grad);
  });
  return grads;
}

/**
 * Rescales the gradients so that their joint norm (all gradients viewed as
 * one vector) is at most `maxNorm`; parameters without a gradient are
 * skipped. Returns the total norm before clipping, a 0-d tensor as in PyTorch.
 *
 * Args:
 *   parameters: tensors whose `.grad` to clip (e.g. `model.parameters()`).
 *   maxNorm: the largest allowed norm.
 *   normType: the p of the p-norm (default 2), or Infinity for the max norm.
 *
 * Example:
 *   loss.backward();
 *   const norm = nn.utils.clipGradNorm_(model.parameters(), 1.0).item();
 *   optimizer.step();
 */
export function clipGradNorm_(
  parameters: Iterable<Tensor> | Tensor,
  maxNorm: number,
  normType = 2,
  opts: ClipGradNormOptions = {},
): Tensor {
  if (!(maxNorm >= 0)) throw new NeuroneError(`clipGradNorm_: maxNorm must be a non-negative number, got ${maxNorm}`);
  if (!(normType > 0)) throw new NeuroneError(`clipGradNorm_: normType must be positive (or Infinity), got ${normType}`);
  const grads = gradsOf('clipGradNorm_', parameters);
  const dtype = grads[0]?.dtype === 'float64' ? 'float64' : 'float32';
  if (grads.length === 0) return scalar(0, { dtype });
  let total: number;
  if (normType === Infinity) {
    total = 0;
    for (const g of grads) for (let i = 0; i < g.size; i++) total = Math.max(total, Math.abs(g.data[i]!));
  } else {
    // the norm of the per-tensor norms equals the norm of everything concatenated
    let acc = 0;
    for (const g of grads) {
      let s = 0;
      for (let i = 0; i < g.size; i++) s += Math.abs(g.data[i]!) ** normType;
      acc += s;
    }
    total = acc ** (1 / normType);
  }
  if (opts.errorIfNonfinite && !Number.isFinite(total)) {
    throw new NeuroneError(
      `clipGradNorm_: the total norm of order ${normType} of the gradients is ${total}, so they cannot be clipped ` +
        '(pass errorIfNonfinite: false to clip anyway)',
    );
  }
  // PyTorch's coefficient, with 1e-6 against division by zero
  const coef = Math.min(maxNorm / (total + 1e-6), 1);
  if (coef < 1) {
    // scale each storage buffer once, even if two gradients share one (e.g. the same tensor assigned to two .grad)
    for (const d of new Set(grads.map((g) => g.data))) for (let i = 0; i < d.length; i++) d[i] = d[i]! * coef;
  }
  return scalar(total, { dtype });
}

/**
 * Clamps every gradient element into [-clipValue, clipValue], in place.
 *
 * Example:
 *   nn.utils.clipGradValue_(model.parameters(), 0.5);
 */
export function clipGradValue_(parameters: Iterable<Tensor> | Tensor, clipValue: number): void {
  if (!(clipValue >= 0)) throw new NeuroneError(`clipGradValue_: clipValue must be a non-negative number, got ${clipValue}`);
  for (const g of gradsOf('clipGradValue_', parameters)) {
    for (let i = 0; i < g.size; i++) g.data[i] = Math.min(Math.max(g.data[i]!, -clipValue), clipValue);
  }
}
