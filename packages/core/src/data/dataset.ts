// The map-style dataset interface (torch.utils.data.Dataset).

/** Anything with a length and indexed items: what DataLoader, Subset and randomSplit take. */
export interface DatasetLike<T> {
  readonly length: number;
  getItem(index: number): T;
}

/**
 * A map-style dataset: `length` items, each fetched by `getItem(i)` for
 * `0 <= i < length`. Subclasses implement both (as torch's `__len__` and
 * `__getitem__`); iterating a dataset yields its items in order.
 *
 * Example:
 *   class Squares extends Dataset<[number, number]> {
 *     get length() { return 10; }
 *     getItem(i: number): [number, number] { return [i, i * i]; }
 *   }
 *   new DataLoader(new Squares(), { batchSize: 4 });
 */
export abstract class Dataset<T> implements DatasetLike<T>, Iterable<T> {
  abstract readonly length: number;
  abstract getItem(index: number): T;

  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.length; i++) yield this.getItem(i);
  }
}
