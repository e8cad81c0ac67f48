// Random non-overlapping splits of a dataset (torch.utils.data.random_split).
import { NeuroneError } from '../errors.js';
import { type Generator, defaultGenerator } from '../random.js';
import { checkDataset } from './check.js';
import type { DatasetLike } from './dataset.js';
import { Subset } from './subset.js';

export interface RandomSplitOptions {
  /** Source of the permutation; the default generator (`manualSeed`) otherwise. */
  generator?: Generator;
}

/**
 * Splits a dataset into non-overlapping random subsets of the given lengths,
 * or of the given fractions (summing to 1: each gets floor(fraction * n), and
 * the remainder is dealt one by one to the first subsets, as PyTorch does).
 *
 * Example:
 *   const [train, val] = randomSplit(ds, [0.8, 0.2], { generator: new Generator(42) });
 */
export function randomSplit<T>(dataset: DatasetLike<T>, lengths: readonly number[], opts: RandomSplitOptions = {}): Subset<T>[] {
  checkDataset('randomSplit', dataset);
  const n = dataset.length;
  const total = lengths.reduce((a, b) => a + b, 0);
  let sizes = [...lengths];
  if (Math.abs(total - 1) <= 1e-9) {
    sizes = lengths.map((f) => {
      if (!(f >= 0 && f <= 1)) throw new NeuroneError(`randomSplit: fraction ${f} is not between 0 and 1`);
      return Math.floor(n * f);
    });
    const remainder = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) sizes[i % sizes.length]! += 1;
  }
  if (sizes.some((s) => !Number.isInteger(s) || s < 0)) {
    throw new NeuroneError(`randomSplit: lengths must be non-negative integers or fractions summing to 1, got ${JSON.stringify(lengths)}`);
  }
  if (sizes.reduce((a, b) => a + b, 0) !== n) {
    throw new NeuroneError(`randomSplit: sum of input lengths ${JSON.stringify(lengths)} does not equal the length of the dataset (${n})`);
  }
  const perm = (opts.generator ?? defaultGenerator).permutation(n);
  const out: Subset<T>[] = [];
  let offset = 0;
  for (const s of sizes) {
    out.push(new Subset(dataset, perm.slice(offset, offset + s)));
    offset += s;
  }
  return out;
}
