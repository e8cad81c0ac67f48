// Many recorded ops reading one tensor (a weight used at every time step, the
// rows of a whole-sequence input projection) would each hand autograd a
// full-size gradient to add up: O(T) allocations of the whole tensor, O(T^2)
// for per-step slices. A SharedGrad lets those ops accumulate into one buffer.
import { Tensor, getBackend, type DType, type Resident } from '@neurone/core';
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

  /** `finalize`, if given, fills the buffer just before autograd reads it. */
  constructor(src: Tensor, finalize?: (buf: Tensor) => void) {
    const anchor = new Tensor(src.data, src.shape);
    this.anchor = recordOp('sharedGrad', anchor, [src], (g) => {
      finalize?.(g);
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

/**
 * The recurrent weight (and bias) of a layer, read by one small GEMM per time
 * step (h_t W^T). Each step's backward keeps its output gradient and input
 * rows; when autograd reaches the anchors, dW = G^T X and db = Σ rows of G are
 * one large GEMM and one reduction over all steps (as cuDNN and PyTorch do),
 * instead of one rank-N update of the whole weight per step.
 */
export class StepWeight {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  private readonly w: SharedGrad;
  private readonly b: SharedGrad | null;
  private g: Tensor | null = null;
  private x: Tensor | null = null;
  private pendingFinal = 0;
  /** The weight's copy in the backend's memory, made once for every step's GEMMs (forward and backward). */
  private kept: Resident | null | undefined;

  /** `rows`: the total number of rows the steps feed (the packed sequence length). */
  constructor(weight: Tensor, bias: Tensor | null, readonly rows: number) {
    this.w = new SharedGrad(weight, (buf) => {
      getBackend().matmul(this.g!.data, this.x!.data, buf.data, {
        batch: 1, m: this.outFeatures, n: this.inFeatures, k: rows, transA: true, transB: false, strideA: 0, strideB: 0, accumulate: false,
      });
      this.finished();
    });
    this.b = bias === null ? null : new SharedGrad(bias, (buf) => {
      getBackend().reduce('sum', this.g!.data, 1, rows, this.outFeatures, buf.data);
      this.finished();
    });
    this.weight = this.w.anchor;
    this.bias = this.b?.anchor ?? null;
  }

  get outFeatures(): number {
    return this.weight.shape[0]!;
  }

  get inFeatures(): number {
    return this.weight.shape[1]!;
  }

  /** Whether any gradient is wanted for the weight or the bias. */
  get wanted(): boolean {
    return this.weight.requiresGrad || (this.bias !== null && this.bias.requiresGrad);
  }

  /** This pass's buffers, allocated by the first step that needs them. */
  private ensure(dtype: DType): void {
    if (this.g !== null) return;
    const wantW = this.weight.requiresGrad;
    this.g = zerosOf([this.rows, this.outFeatures], dtype);
    this.x = wantW ? zerosOf([this.rows, this.inFeatures], dtype) : null;
    this.pendingFinal = (wantW ? 1 : 0) + (this.bias !== null && this.bias.requiresGrad ? 1 : 0);
  }

  /**
   * A view of rows row..row+n of this pass's output-gradient buffer: a step's
   * gate op can write its gradient there, and `store` then has nothing to copy.
   * Only while `wanted`.
   */
  gradSlice(row: number, n: number, dtype: DType): Tensor {
    this.ensure(dtype);
    const O = this.outFeatures;
    return new Tensor(this.g!.data.subarray(row * O, (row + n) * O), [n, O]);
  }

  /**
   * Called by a step's backward with its rows' output gradient `g` and input
   * `x`: returns what that step hands autograd for the weight and the bias.
   */
  store(row: number, g: Tensor, x: Tensor): [Tensor | null, Tensor | null] {
    const wantW = this.weight.requiresGrad;
    const wantB = this.bias !== null && this.bias.requiresGrad;
    if (!wantW && !wantB) return [null, null];
    this.ensure(g.dtype);
    const buf = this.g!.data;
    const at = row * this.outFeatures;
    // a gradient already written in place (gradSlice) needs no copy
    if (!(g.data.buffer === buf.buffer && g.data.byteOffset === buf.byteOffset + at * buf.BYTES_PER_ELEMENT)) buf.set(g.data, at);
    if (this.x !== null) this.x.data.set(x.data, row * this.inFeatures);
    // only the first step of the pass hands autograd the (shared) buffers
    let dw: Tensor | null = null;
    let db: Tensor | null = null;
    if (wantW) {
      const [wb, first] = this.w.take();
      if (first) dw = wb;
    }
    if (wantB) {
      const [bb, first] = this.b!.take();
      if (first) db = bb;
    }
    return [dw, db];
  }

  private finished(): void {
    if (--this.pendingFinal <= 0) {
      this.g = null;
      this.x = null;
      // every step's backward has run
      this.releaseResident();
    }
  }

  /**
   * The weight's values resident in the backend's memory (Backend.resident),
   * made on first use; null where the backend keeps none. A snapshot of the
   * forward pass's weight, which the backward GEMMs read too.
   */
  resident(): Resident | null {
    if (this.kept === undefined) this.kept = getBackend().resident?.(this.weight.data) ?? null;
    return this.kept;
  }

  /** Frees the resident copy: after the last backward step, or after a forward pass no backward follows. */
  releaseResident(): void {
    if (this.kept) getBackend().release?.(this.kept);
    this.kept = null;
  }
}

/**
 * Stacks the per-step outputs of a recurrence that were written into one
 * buffer (`StepBuffers`), in order, without copying: the result is that
 * buffer, and the gradient of each step is a view of the result's gradient.
 *
 * Shape: steps (n_t, H) laid out back to back in `buffer` -> (sum n_t, H)
 */
export function packSteps(steps: readonly Tensor[], buffer: Tensor): Tensor {
  const H = buffer.shape[1]!;
  const offsets: number[] = [];
  let row = 0;
  for (const s of steps) {
    offsets.push(row);
    row += s.shape[0]!;
  }
  return recordOp('packSteps', new Tensor(buffer.data, buffer.shape), steps, (g) =>
    steps.map((s, i) => new Tensor(g.data.subarray(offsets[i]! * H, (offsets[i]! + s.shape[0]!) * H), s.shape)),
  );
}
