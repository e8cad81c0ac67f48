// Many recorded ops reading one tensor (a weight used at every time step, the
// rows of a whole-sequence input projection) would each hand autograd a
// full-size gradient to add up: O(T) allocations of the whole tensor, O(T^2)
// for per-step slices. A SharedGrad lets those ops accumulate into one buffer.
import { Tensor } from '@neurone/core';
import { recordOp, zerosOf } from '../util.js';

/**
 * A stand-in (`anchor`) for `src` whose gradient is one buffer shared by all
 * the ops that read it. Each such op calls `take()` in its backward and writes
 * (or adds) its contribution there; only the first caller of a backward pass
 * returns the buffer to autograd, the others return null. This is sound because
 * the anchor is internal: its only consumers are those ops, and autograd runs
 * every consumer's backward before it reads the anchor's gradient.
 */
export class SharedGrad {
  readonly anchor: Tensor;
  private buf: Tensor | null = null;

  constructor(src: Tensor) {
    const anchor = new Tensor(src.data, src.shape);
    this.anchor = recordOp('sharedGrad', anchor, [src], (g) => {
      // the pass is over: the next backward pass starts a new buffer
      this.buf = null;
      return [g];
    });
  }

  /** This pass's gradient buffer, and whether the caller is the first (and must return it). */
  take(): [Tensor, boolean] {
    if (this.buf !== null) return [this.buf, false];
    this.buf = zerosOf(this.anchor.shape, this.anchor.dtype);
    return [this.buf, true];
  }
}

/**
 * Splits a 2-D tensor into consecutive row blocks of the given sizes, without
 * copying; the blocks' gradients are written into one shared buffer.
 *
 * Shape: (sum(sections), D) -> [(sections[0], D), (sections[1], D), ...]
 */
export function rowBlocks(src: Tensor, sections: readonly number[]): Tensor[] {
  const D = src.shape[1]!;
  const shared = new SharedGrad(src);
  const anchor = shared.anchor;
  const out: Tensor[] = [];
  let row = 0;
  for (const n of sections) {
    const start = row * D;
    const piece = new Tensor(anchor.data.subarray(start, start + n * D), [n, D]);
    out.push(
      recordOp('rowBlock', piece, [anchor], (g) => {
        const [buf, first] = shared.take();
        buf.data.set(g.data, start);
        return [first ? buf : null];
      }),
    );
    row += n;
  }
  return out;
}
