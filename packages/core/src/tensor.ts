import { isGradEnabled as isGradRecording, runBackward, type BackwardOptions, type GradNode } from './autograd.js';
import { getBackend } from './backend/index.js';
import { type DType, type TypedArray, dtypeOfArray, isFloating } from './dtype.js';
import { DTypeError, NeuroneError, ShapeError, fmtShape } from './errors.js';
import { describe, normalizeDim, sizeOf, stridesOf, type Shape } from './shape.js';
import * as E from './ops/elementwise.js';
import * as R from './ops/reduce.js';
import * as M from './ops/matmul.js';
import * as S from './ops/shape.js';
import * as I from './ops/indexing.js';
import * as A from './ops/activation.js';

/** A tensor or a plain number, which ops treat as a 0-d tensor. */
export type TensorLike = Tensor | number;

/** Nested arrays of numbers, as `toArray()` returns them. */
export type NestedArray = number | NestedArray[];

/**
 * An n-dimensional array with reverse-mode autograd.
 *
 * Storage is one contiguous row-major typed array (`data`); tensors are
 * ordinary garbage-collected objects: nothing needs disposing.
 *
 * Example:
 *   const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 *   const y = x.mul(x).sum();   // 30
 *   y.backward();
 *   x.grad!.toArray();          // [[2, 4], [6, 8]]
 */
export class Tensor {
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** The elements, row-major. Writing to it bypasses autograd. */
  data: TypedArray;
  /** Whether gradients flow to (and, for a leaf, accumulate into) this tensor. */
  requiresGrad = false;
  /** d(loss)/d(this) after `backward()`, for leaves (and tensors that called `retainGrad`). */
  grad: Tensor | null = null;
  /** The op that produced this tensor; null for a leaf. @internal */
  _node: GradNode | null = null;
  /** @internal */
  _retainGrad = false;

  /** Wraps `data` (not copied) with `shape`; most code should call `tensor()` instead. */
  constructor(data: TypedArray, shape: Shape, requiresGrad = false) {
    if (sizeOf(shape) !== data.length) {
      throw new ShapeError(`Tensor: shape ${fmtShape(shape)} needs ${sizeOf(shape)} elements, got ${data.length}`);
    }
    this.data = data;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtypeOfArray(data);
    if (requiresGrad) this.requiresGrad_(true);
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }

  numel(): number {
    return this.data.length;
  }

  /** Size of one dim (negative counts from the end). */
  dim(d: number): number {
    if (this.shape.length === 0) throw new ShapeError('dim: a 0-d tensor has no dimensions');
    return this.shape[normalizeDim('dim', d, this.shape.length)]!;
  }

  /** Row-major strides (storage is always contiguous). */
  get strides(): number[] {
    return stridesOf(this.shape);
  }

  /** True for tensors not produced by a recorded op. */
  get isLeaf(): boolean {
    return this._node === null;
  }

  /** The value of a one-element tensor as a number. */
  item(): number {
    if (this.data.length !== 1) {
      throw new ShapeError(`item: only a tensor with one element can be converted to a number, got shape ${fmtShape(this.shape)}`);
    }
    return this.data[0]!;
  }

  /** The elements as nested arrays (a number for a 0-d tensor). */
  toArray(): NestedArray {
    const d = this.data;
    const shape = this.shape;
    if (shape.length === 0) return d[0]!;
    const build = (dim: number, off: number, stride: number): NestedArray[] => {
      const n = shape[dim]!;
      const inner = stride / Math.max(n, 1);
      const out: NestedArray[] = new Array(n);
      for (let i = 0; i < n; i++) {
        out[i] = dim === shape.length - 1 ? d[off + i]! : build(dim + 1, off + i * inner, inner);
      }
      return out;
    };
    return build(0, 0, d.length);
  }

  /** A flat copy of the elements as a plain array. */
  toList(): number[] {
    return Array.from(this.data);
  }

  /**
   * Computes gradients of this tensor with respect to every leaf that requires
   * one. A non-scalar tensor needs `gradient`, d(loss)/d(this).
   */
  backward(gradient?: Tensor, opts: BackwardOptions = {}): void {
    if (!this.requiresGrad) {
      throw new NeuroneError('backward: this tensor does not require grad and has no grad_fn (did you forget requiresGrad, or run inside noGrad?)');
    }
    let g = gradient;
    if (g !== undefined && !(g instanceof Tensor)) {
      throw new NeuroneError(`backward: gradient must be a Tensor, got ${describe(g)}`);
    }
    if (g !== undefined && g.dtype !== this.dtype) g = E.cast(g.detach(), this.dtype);
    if (g === undefined) {
      if (this.data.length !== 1) {
        throw new NeuroneError(
          `backward: grad can be implicitly created only for a scalar output, got shape ${fmtShape(this.shape)}; pass a gradient of that shape`,
        );
      }
      g = new Tensor(getBackend().alloc(this.dtype, 1).fill(1), this.shape);
    }
    runBackward(this, g, opts);
  }

  /** Sets requiresGrad in place (floating dtypes only); returns this. */
  requiresGrad_(on = true): this {
    if (on && !isFloating(this.dtype)) {
      throw new DTypeError(`requiresGrad_: only floating-point tensors can require gradients, got ${this.dtype}`);
    }
    if (!on && this._node !== null) {
      throw new NeuroneError('requiresGrad_: cannot turn off gradients of a non-leaf tensor; use detach()');
    }
    this.requiresGrad = on;
    return this;
  }

  /** Keep `.grad` for this non-leaf tensor during backward. */
  retainGrad(): this {
    this._retainGrad = true;
    return this;
  }

  /** The same values, cut from the graph (shares storage). */
  detach(): Tensor {
    return new Tensor(this.data, this.shape);
  }

  /** A copy with its own storage (differentiable). */
  clone(): Tensor {
    return E.clone(this);
  }

  /** Converts to `dtype` (differentiable between floating dtypes). */
  to(dtype: DType): Tensor {
    return E.cast(this, dtype);
  }

  float(): Tensor {
    return E.cast(this, 'float32');
  }

  double(): Tensor {
    return E.cast(this, 'float64');
  }

  int(): Tensor {
    return E.cast(this, 'int32');
  }

  bool(): Tensor {
    return E.cast(this, 'bool');
  }

  // ---- in place (no autograd: for initialisers and optimizers) ----

  private checkInPlace(op: string): void {
    if (this.requiresGrad && this._node === null && isGradRecording()) {
      throw new NeuroneError(`${op}: a leaf tensor that requires grad cannot be modified in place while gradients are recorded (wrap it in noGrad)`);
    }
  }

  /** Fills with zeros; returns this. */
  zero_(): this {
    this.checkInPlace('zero_');
    this.data.fill(0);
    return this;
  }

  fill_(value: number): this {
    this.checkInPlace('fill_');
    if (typeof value !== 'number') throw new DTypeError(`fill_: expected a number, got ${describe(value)}`);
    this.data.fill(this.dtype === 'bool' ? Number(value !== 0) : value);
    return this;
  }

  /** Copies src's values (broadcast to this shape) into this tensor. */
  copy_(src: Tensor): this {
    this.checkInPlace('copy_');
    if (!(src instanceof Tensor)) throw new DTypeError(`copy_: expected a Tensor, got ${describe(src)}`);
    const b = S.broadcastTo(src.detach(), this.shape);
    if (b.dtype === this.dtype) this.data.set(b.data);
    else getBackend().cast(b.data, this.data);
    return this;
  }

  // ---- elementwise ----
  add(other: TensorLike): Tensor { return E.add(this, other); }
  sub(other: TensorLike): Tensor { return E.sub(this, other); }
  mul(other: TensorLike): Tensor { return E.mul(this, other); }
  div(other: TensorLike): Tensor { return E.div(this, other); }
  pow(exponent: TensorLike): Tensor { return E.pow(this, exponent); }
  maximum(other: TensorLike): Tensor { return E.maximum(this, other); }
  minimum(other: TensorLike): Tensor { return E.minimum(this, other); }
  neg(): Tensor { return E.neg(this); }
  sqrt(): Tensor { return E.sqrt(this); }
  rsqrt(): Tensor { return E.rsqrt(this); }
  exp(): Tensor { return E.exp(this); }
  log(): Tensor { return E.log(this); }
  log1p(): Tensor { return E.log1p(this); }
  expm1(): Tensor { return E.expm1(this); }
  abs(): Tensor { return E.abs(this); }
  sign(): Tensor { return E.sign(this); }
  square(): Tensor { return E.square(this); }
  reciprocal(): Tensor { return E.reciprocal(this); }
  sin(): Tensor { return E.sin(this); }
  cos(): Tensor { return E.cos(this); }
  floor(): Tensor { return E.floor(this); }
  ceil(): Tensor { return E.ceil(this); }
  round(): Tensor { return E.round(this); }
  clamp(min?: number | null, max?: number | null): Tensor { return E.clamp(this, min, max); }
  eq(other: TensorLike): Tensor { return E.eq(this, other); }
  ne(other: TensorLike): Tensor { return E.ne(this, other); }
  lt(other: TensorLike): Tensor { return E.lt(this, other); }
  le(other: TensorLike): Tensor { return E.le(this, other); }
  gt(other: TensorLike): Tensor { return E.gt(this, other); }
  ge(other: TensorLike): Tensor { return E.ge(this, other); }
  logicalNot(): Tensor { return E.logicalNot(this); }
  logicalAnd(other: TensorLike): Tensor { return E.logicalAnd(this, other); }
  logicalOr(other: TensorLike): Tensor { return E.logicalOr(this, other); }
  /** Elements where `mask` is true replaced by `value`. */
  maskedFill(mask: Tensor, value: number): Tensor { return E.maskedFill(this, mask, value); }

  // ---- reductions ----
  sum(dim?: number | number[] | null, keepdim = false): Tensor { return R.sum(this, dim, keepdim); }
  mean(dim?: number | number[] | null, keepdim = false): Tensor { return R.mean(this, dim, keepdim); }
  prod(dim?: number | null, keepdim = false): Tensor { return R.prod(this, dim, keepdim); }
  /** Max over all elements, or the max values along `dim` (indices: `argmax`). */
  max(dim?: number | null, keepdim = false): Tensor { return R.max(this, dim, keepdim); }
  min(dim?: number | null, keepdim = false): Tensor { return R.min(this, dim, keepdim); }
  argmax(dim?: number | null, keepdim = false): Tensor { return R.argmax(this, dim, keepdim); }
  argmin(dim?: number | null, keepdim = false): Tensor { return R.argmin(this, dim, keepdim); }
  var(dim?: number | number[] | null, opts: R.VarOptions = {}): Tensor { return R.variance(this, dim, opts); }
  std(dim?: number | number[] | null, opts: R.VarOptions = {}): Tensor { return R.std(this, dim, opts); }
  logsumexp(dim: number | number[], keepdim = false): Tensor { return R.logsumexp(this, dim, keepdim); }
  all(): boolean { return R.all(this); }
  any(): boolean { return R.any(this); }

  // ---- linear algebra ----
  matmul(other: Tensor): Tensor { return M.matmul(this, other); }

  // ---- shape ----
  reshape(...shape: number[] | [readonly number[]]): Tensor { return S.reshape(this, flatArgs(shape)); }
  view(...shape: number[] | [readonly number[]]): Tensor { return S.reshape(this, flatArgs(shape)); }
  flatten(startDim = 0, endDim = -1): Tensor { return S.flatten(this, startDim, endDim); }
  squeeze(dim?: number): Tensor { return S.squeeze(this, dim); }
  unsqueeze(dim: number): Tensor { return S.unsqueeze(this, dim); }
  permute(...dims: number[] | [readonly number[]]): Tensor { return S.permute(this, flatArgs(dims)); }
  transpose(dim0: number, dim1: number): Tensor { return S.transpose(this, dim0, dim1); }
  /** Transpose of a 2-D tensor. */
  t(): Tensor { return S.t(this); }
  get T(): Tensor { return S.t(this); }
  expand(...shape: number[] | [readonly number[]]): Tensor { return S.expand(this, flatArgs(shape)); }
  expandAs(other: Tensor): Tensor { return S.expand(this, other.shape); }
  broadcastTo(shape: readonly number[]): Tensor { return S.broadcastTo(this, shape); }
  /** Storage is always contiguous: returns this. */
  contiguous(): Tensor { return this; }

  // ---- indexing ----
  narrow(dim: number, start: number, length: number): Tensor { return I.narrow(this, dim, start, length); }
  /** The slice at `index` along `dim`, with that dim removed. */
  select(dim: number, index: number): Tensor { return I.select(this, dim, index); }
  /** Elements start..end (exclusive, step) along `dim`. */
  slice(dim: number, start?: number, end?: number, step?: number): Tensor { return I.slice(this, dim, start, end, step); }
  split(sizeOrSections: number | number[], dim = 0): Tensor[] { return I.split(this, sizeOrSections, dim); }
  chunk(chunks: number, dim = 0): Tensor[] { return I.chunk(this, chunks, dim); }
  indexSelect(dim: number, index: Tensor | number[]): Tensor { return I.indexSelect(this, dim, index); }
  gather(dim: number, index: Tensor): Tensor { return I.gather(this, dim, index); }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor { return I.scatterAdd(this, dim, index, src); }

  // ---- activations ----
  relu(): Tensor { return A.relu(this); }
  leakyRelu(negativeSlope = 0.01): Tensor { return A.leakyRelu(this, negativeSlope); }
  elu(alpha = 1): Tensor { return A.elu(this, alpha); }
  gelu(): Tensor { return A.gelu(this); }
  silu(): Tensor { return A.silu(this); }
  sigmoid(): Tensor { return A.sigmoid(this); }
  tanh(): Tensor { return A.tanh(this); }
  softplus(): Tensor { return A.softplus(this); }
  softmax(dim: number): Tensor { return A.softmax(this, dim); }
  logSoftmax(dim: number): Tensor { return A.logSoftmax(this, dim); }

  toString(): string {
    const body = this.size > 64 ? `[… ${this.size} elements]` : JSON.stringify(this.toArray());
    return `tensor(${body}, shape=${fmtShape(this.shape)}, dtype=${this.dtype}${this.requiresGrad ? ', requiresGrad=true' : ''})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

function flatArgs(args: number[] | [readonly number[]]): number[] {
  return Array.isArray(args[0]) ? [...(args[0] as readonly number[])] : (args as number[]);
}
