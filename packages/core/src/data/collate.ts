// Batching items into tensors (torch.utils.data.default_collate).
import { tensor } from '../creation.js';
import { NeuroneError } from '../errors.js';
import { stack } from '../ops/indexing.js';
import { Tensor } from '../tensor.js';

/** The batch `defaultCollate` makes from items of type T. */
export type Collated<T> = T extends Tensor
  ? Tensor
  : T extends number | boolean
    ? Tensor
    : T extends string
      ? string[]
      : T extends readonly unknown[]
        ? { -readonly [K in keyof T]: Collated<T[K]> }
        : T extends object
          ? { -readonly [K in keyof T]: Collated<T[K]> }
          : T[];

/**
 * Turns a list of items into a batch, recursing into their structure:
 * tensors are stacked along a new dim 0; numbers become a 1-D tensor (int32
 * when every number in the batch is an integer, float32 otherwise; return
 * tensors from `getItem` for a fixed dtype); booleans a bool tensor; strings
 * stay a list; tuples/arrays and plain objects are collated field by field.
 *
 * Example:
 *   defaultCollate([[tensor([1, 2]), 0], [tensor([3, 4]), 1]]);
 *   // [tensor [[1, 2], [3, 4]], tensor [0, 1] (int32)]
 *   defaultCollate([{ x: 1.5 }, { x: 2 }]);  // { x: tensor [1.5, 2] }
 */
export function defaultCollate<T>(items: readonly T[]): Collated<T> {
  if (!Array.isArray(items) || items.length === 0) throw new NeuroneError('collate: expected a non-empty list of items');
  return collate(items as readonly unknown[], 'batch') as Collated<T>;
}

function collate(items: readonly unknown[], path: string): unknown {
  const first = items[0];
  if (first instanceof Tensor) {
    sameKind(items, path, (x) => x instanceof Tensor, 'a Tensor');
    try {
      return stack(items as Tensor[]);
    } catch (e) {
      throw new NeuroneError(`collate: cannot batch ${path}: ${(e as Error).message}`);
    }
  }
  switch (typeof first) {
    case 'number': {
      sameKind(items, path, (x) => typeof x === 'number', 'a number');
      const nums = items as number[];
      const ints = nums.every((x) => Number.isInteger(x) && x >= -(2 ** 31) && x < 2 ** 31);
      return tensor(nums, { dtype: ints ? 'int32' : 'float32' });
    }
    case 'boolean':
      sameKind(items, path, (x) => typeof x === 'boolean', 'a boolean');
      return tensor(items as boolean[], { dtype: 'bool' });
    case 'string':
      sameKind(items, path, (x) => typeof x === 'string', 'a string');
      return [...items];
  }
  if (Array.isArray(first)) {
    sameKind(items, path, (x) => Array.isArray(x) && x.length === first.length, `an array of length ${first.length}`);
    return first.map((_, i) => collate(items.map((x) => (x as unknown[])[i]), `${path}[${i}]`));
  }
  if (first !== null && typeof first === 'object' && Object.getPrototypeOf(first) === Object.prototype) {
    const keys = Object.keys(first).sort();
    const sameKeys = (x: unknown) =>
      x !== null && typeof x === 'object' && Object.keys(x).length === keys.length && keys.every((k) => Object.prototype.hasOwnProperty.call(x, k));
    sameKind(items, path, sameKeys, `an object with keys ${keys.join(', ')}`);
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(first)) {
      Object.defineProperty(out, k, {
        value: collate(items.map((x) => (x as Record<string, unknown>)[k]), `${path}.${k}`),
        enumerable: true, writable: true, configurable: true,
      });
    }
    return out;
  }
  throw new NeuroneError(
    `collate: cannot batch ${path}: ${first === null ? 'null' : typeof first === 'object' ? (first.constructor?.name ?? 'object') : typeof first} ` +
      'values are not supported (tensors, numbers, booleans, strings, arrays and plain objects are); pass a custom collate',
  );
}

function sameKind(items: readonly unknown[], path: string, ok: (x: unknown) => boolean, what: string): void {
  const bad = items.findIndex((x) => !ok(x));
  if (bad >= 0) throw new NeuroneError(`collate: item 0's ${path} is ${what}, but item ${bad}'s is not: every item must have the same structure`);
}
