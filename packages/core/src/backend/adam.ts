// The Adam / AdamW update of one float32 parameter (torch/optim/adam.py and
// adamw.py, the single-tensor path): the reference kernel, which every
// backend's `adam` must match bit for bit.

/** The scalars of one Adam step, already folded from the hyperparameters and the step count. */
export interface AdamStep {
  beta1: number;
  beta2: number;
  /** -1 to maximize, else 1. */
  sign: number;
  /** Adam's L2 penalty added to the gradient (0 for AdamW). */
  l2: number;
  /** AdamW's shrink factor 1 - lr * weightDecay applied to x first (1: none). */
  decay: number;
  /** lr / (1 - beta1^t). */
  stepSize: number;
  /** 1 / sqrt(1 - beta2^t). */
  invBc2: number;
  eps: number;
}

/**
 * x, m, v updated in place from the gradient g, in float64 arithmetic with
 * the moments rounded to float32 as they are stored:
 *
 *   x = decay * x;  g' = sign * g + l2 * x
 *   m = beta1 * m + (1 - beta1) * g';  v = beta2 * v + (1 - beta2) * g'^2
 *   x = x - stepSize * m / (sqrt(v) * invBc2 + eps)
 */
export function adamReference(x: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, s: AdamStep): void {
  const { beta1, beta2, sign, l2, decay, stepSize, invBc2, eps } = s;
  const n = x.length;
  const [c1, c2] = [1 - beta1, 1 - beta2];
  // AdamW's decay first, rounded to float32 as it is stored
  if (decay !== 1) for (let i = 0; i < n; i++) x[i] = x[i]! * decay;
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    const gi = l2 === 0 ? sign * g[i]! : sign * g[i]! + l2 * xi;
    // rounded to float32 as the stored moments are
    const mi = Math.fround(m[i]! * beta1 + c1 * gi);
    const vi = Math.fround(v[i]! * beta2 + c2 * gi * gi);
    m[i] = mi;
    v[i] = vi;
    x[i] = xi - stepSize * (mi / (Math.sqrt(vi) * invBc2 + eps));
  }
}
