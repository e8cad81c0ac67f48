// Argument checks shared by the data classes.
import { IndexError, NeuroneError } from '../errors.js';
import type { DatasetLike } from './dataset.js';

/** Throws unless `index` is an integer in [0, length). */
export function checkIndex(op: string, index: number, length: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new IndexError(`${op}: index ${index} is out of range for a dataset of length ${length}`);
  }
}

/** Throws unless `ds` has a non-negative integer length and a getItem method. */
export function checkDataset(op: string, ds: unknown): asserts ds is DatasetLike<unknown> {
  const d = ds as DatasetLike<unknown> | null;
  if (d === null || typeof d !== 'object' || typeof d.getItem !== 'function' || !Number.isInteger(d.length) || d.length < 0) {
    throw new NeuroneError(`${op}: expected a dataset (an object with a non-negative integer length and getItem(i))`);
  }
}
