import type { DType } from '../dtype.js';
import { NeuroneError } from '../errors.js';
import type { Generator } from '../random.js';

/** Options every layer with parameters takes. */
export interface FactoryOptions {
  /** dtype of the parameters. Default float32. */
  dtype?: DType;
  /** Random numbers for the initialisation (default: the seeded default generator). */
  generator?: Generator;
}

/** Throws unless `n` is a non-negative integer (a size given to a layer's constructor). */
export function checkSize(op: string, name: string, n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new NeuroneError(`${op}: ${name} must be a non-negative integer, got ${JSON.stringify(n)}`);
  }
  return n;
}
