import { ShapeError, fmtShape } from '../errors.js';
import { normalizeDim, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { flatten } from '../ops/shape.js';
import { Module } from './module.js';

/**
 * Flattens dims startDim..endDim into one (by default all but the batch dim).
 *
 * Args:
 *   startDim: first dim to flatten (default 1).
 *   endDim: last dim to flatten (default -1).
 *
 * Shape: (N, *dims) -> (N, ∏ dims) with the defaults
 *
 * Example:
 *   new nn.Flatten().forward(randn([32, 1, 5, 5])).shape; // [32, 25]
 */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
  }

  forward(input: Tensor): Tensor {
    return flatten(input, this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `startDim=${this.startDim}, endDim=${this.endDim}`;
  }
}

/**
 * Splits dim `dim` into `unflattenedSize` (one entry may be -1, inferred).
 *
 * Args:
 *   dim: the dim to unflatten.
 *   unflattenedSize: the new dims; their product must equal the size of `dim`.
 *
 * Shape: (*, S, *) -> (*, ...unflattenedSize, *)
 *
 * Example:
 *   new nn.Unflatten(1, [2, 5, 5]).forward(randn([2, 50])).shape; // [2, 2, 5, 5]
 */
export class Unflatten extends Module {
  readonly unflattenedSize: readonly number[];

  constructor(readonly dim: number, unflattenedSize: readonly number[]) {
    super();
    if (!Array.isArray(unflattenedSize) || unflattenedSize.some((d) => !Number.isInteger(d) || d < -1)) {
      throw new ShapeError(`Unflatten: unflattenedSize must be a list of sizes (one may be -1), got ${JSON.stringify(unflattenedSize)}`);
    }
    this.unflattenedSize = [...unflattenedSize];
  }

  forward(input: Tensor): Tensor {
    const d = normalizeDim('Unflatten', this.dim, input.ndim);
    const size = input.shape[d]!;
    const sizes = [...this.unflattenedSize];
    const infer = sizes.indexOf(-1);
    const known = sizeOf(sizes.filter((s) => s !== -1));
    if (infer >= 0 && known > 0 && size % known === 0) sizes[infer] = size / known;
    if (sizeOf(sizes) !== size || sizes.includes(-1)) {
      throw new ShapeError(
        `Unflatten: cannot split dim ${d} of size ${size} (input ${fmtShape(input.shape)}) into ${fmtShape(this.unflattenedSize)}`,
      );
    }
    return input.reshape([...input.shape.slice(0, d), ...sizes, ...input.shape.slice(d + 1)]);
  }

  override extraRepr(): string {
    return `dim=${this.dim}, unflattenedSize=${fmtShape(this.unflattenedSize)}`;
  }
}
