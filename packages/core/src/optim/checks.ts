// Hyperparameter checks shared by the optimizers (same ranges as PyTorch).
import { NeuroneError } from '../errors.js';

/** Throws `<name>: invalid <what>: <value>` unless value is a number >= 0 (NaN and undefined fail too). */
export function nonNegative(name: string, what: string, value: unknown): void {
  if (typeof value !== 'number' || !(value >= 0)) {
    throw new NeuroneError(`${name}: invalid ${what}: ${String(value)} (expected a number >= 0)`);
  }
}

/** Throws unless lr, eps, betas and weightDecay are valid for Adam or AdamW. */
export function checkAdamGroup(
  name: string,
  g: { lr: unknown; eps: unknown; betas: unknown; weightDecay: unknown },
): void {
  nonNegative(name, 'learning rate', g.lr);
  nonNegative(name, 'epsilon value', g.eps);
  if (!Array.isArray(g.betas) || g.betas.length !== 2) {
    throw new NeuroneError(`${name}: betas should be a pair [beta1, beta2], got ${JSON.stringify(g.betas)}`);
  }
  g.betas.forEach((b: unknown, i) => {
    if (typeof b !== 'number' || !(b >= 0 && b < 1)) {
      throw new NeuroneError(`${name}: invalid beta parameter at index ${i}: ${String(b)} (expected 0 <= beta < 1)`);
    }
  });
  nonNegative(name, 'weightDecay value', g.weightDecay);
}
