// A view of some items of a dataset (torch.utils.data.Subset).
import { IndexError } from '../errors.js';
import { checkDataset, checkIndex } from './check.js';
import { Dataset, type DatasetLike } from './dataset.js';

/**
 * The items of `dataset` at `indices`, in that order.
 *
 * Example:
 *   const firstTen = new Subset(ds, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
 *   firstTen.getItem(3); // ds.getItem(3)
 */
export class Subset<T> extends Dataset<T> {
  readonly dataset: DatasetLike<T>;
  readonly indices: readonly number[];

  constructor(dataset: DatasetLike<T>, indices: readonly number[]) {
    super();
    checkDataset('Subset', dataset);
    for (const i of indices) {
      if (!Number.isInteger(i) || i < 0 || i >= dataset.length) {
        throw new IndexError(`Subset: index ${i} is out of range for a dataset of length ${dataset.length}`);
      }
    }
    this.dataset = dataset;
    this.indices = Object.freeze([...indices]);
  }

  get length(): number {
    return this.indices.length;
  }

  getItem(index: number): T {
    checkIndex('Subset.getItem', index, this.indices.length);
    return this.dataset.getItem(this.indices[index]!);
  }
}
