// Batches over a dataset, optionally shuffled (torch.utils.data.DataLoader).
import { NeuroneError } from '../errors.js';
import { Generator, defaultGenerator } from '../random.js';
import { checkDataset } from './check.js';
import { type Collated, defaultCollate } from './collate.js';
import type { DatasetLike } from './dataset.js';

export interface DataLoaderOptions<T, B> {
  /** Items per batch (default 1). */
  batchSize?: number;
  /** Reshuffle the items at the start of every epoch (default false). */
  shuffle?: boolean;
  /** Source of the shuffling order; the default generator (`manualSeed`) when neither this nor `seed` is given. */
  generator?: Generator;
  /** Seeds a generator of the loader's own: the same seed gives the same sequence of epochs. */
  seed?: number;
  /** Drop the last batch when it is smaller than batchSize (default false). */
  dropLast?: boolean;
  /** Makes a batch from a list of items (default: `defaultCollate`). */
  collate?: (items: T[]) => B;
}

/**
 * Iterates over a dataset in batches: each `for...of` is one epoch, shuffled
 * anew when `shuffle` is set. Seeded shuffling is reproducible: the same seed
 * gives the same order, epoch after epoch.
 *
 * Example:
 *   const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 32, shuffle: true, seed: 0 });
 *   for (let epoch = 0; epoch < 10; epoch++) {
 *     for (const [xb, yb] of loader) {  // xb: [32, ...x row], yb: [32]
 *       // ...train step
 *     }
 *   }
 *   loader.length; // number of batches per epoch
 */
export class DataLoader<T, B = Collated<T>> implements Iterable<B> {
  readonly dataset: DatasetLike<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly generator: Generator;
  private readonly collateFn: (items: T[]) => B;

  constructor(dataset: DatasetLike<T>, opts: DataLoaderOptions<T, B> = {}) {
    checkDataset('DataLoader', dataset);
    const { batchSize = 1, shuffle = false, dropLast = false } = opts;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new NeuroneError(`DataLoader: batchSize must be a positive integer, got ${batchSize}`);
    if (opts.generator !== undefined && opts.seed !== undefined) throw new NeuroneError('DataLoader: pass either generator or seed, not both');
    if (opts.seed !== undefined && !Number.isFinite(opts.seed)) throw new NeuroneError(`DataLoader: seed must be a finite number, got ${opts.seed}`);
    if (opts.collate !== undefined && typeof opts.collate !== 'function') throw new NeuroneError('DataLoader: collate must be a function');
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.generator = opts.generator ?? (opts.seed !== undefined ? new Generator(opts.seed) : defaultGenerator);
    this.collateFn = opts.collate ?? (defaultCollate as unknown as (items: T[]) => B);
  }

  /** Batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** One epoch of batches (draws a new permutation when shuffling). */
  *[Symbol.iterator](): Iterator<B> {
    const n = this.dataset.length;
    const order = this.shuffle ? this.generator.permutation(n) : null;
    const batches = this.length;
    for (let b = 0; b < batches; b++) {
      const end = Math.min((b + 1) * this.batchSize, n);
      const items: T[] = [];
      for (let k = b * this.batchSize; k < end; k++) items.push(this.dataset.getItem(order === null ? k : order[k]!));
      yield this.collateFn(items);
    }
  }
}
