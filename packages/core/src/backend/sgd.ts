// The SGD update of one float32 parameter, with or without momentum
// (torch/optim/sgd.py, the single-tensor path): the reference kernel, which
// every backend's `sgd` must match bit for bit.

/** The scalars of one SGD step. */
export interface SgdStep {
  lr: number;
  /** -1 to maximize, else 1. */
  sign: number;
  weightDecay: number;
  /** 0: plain SGD (no buffer). */
  momentum: number;
  /** 1 - dampening. */
  keep: number;
  nesterov: boolean;
  /** The first step with this momentum buffer: it starts as the gradient. */
  first: boolean;
}

/**
 * x (and the momentum buffer b, when momentum != 0) updated in place from the
 * gradient g, in float64 arithmetic with b rounded to float32 as it is stored:
 *
 *   d = sign * g + weightDecay * x
 *   b = first ? d : momentum * b + keep * d;  d = nesterov ? d + momentum * b : b
 *   x = x - lr * d
 */
export function sgdReference<A extends Float32Array | Float64Array>(x: A, g: A, b: A | null, s: SgdStep): void {
  const { lr, sign, weightDecay, momentum, keep, nesterov, first } = s;
  const n = x.length;
  for (let i = 0; i < n; i++) {
    let d = sign * g[i]!;
    if (weightDecay !== 0) d += weightDecay * x[i]!;
    if (b !== null) {
      b[i] = first ? d : momentum * b[i]! + keep * d;
      d = nesterov ? d + momentum * b[i]! : b[i]!;
    }
    x[i] = x[i]! - lr * d;
  }
}
