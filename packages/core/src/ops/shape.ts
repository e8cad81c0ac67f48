// Shape ops: views that share storage (reshape, squeeze, ...) and copies (permute, expand).
import { record } from '../autograd.js';
import { getBackend } from '../backend/index.js';
import { IndexError, ShapeError, fmtShape } from '../errors.js';
import { checkSize, shapesEqual, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { empty, fmtList, oneDim, requireIntList, requireTensor, unbroadcast } from './util.js';

/** A view with a new shape (one dim may be -1, inferred); shares storage. */
export function reshape(a: Tensor, shape: readonly number[]): Tensor {
  requireTensor('reshape', a);
  requireIntList('reshape', shape, 'shape');
  const out = [...shape];
  let infer = -1;
  let known = 1;
  for (let i = 0; i < out.length; i++) {
    const d = out[i]!;
    if (d === -1) {
      if (infer >= 0) throw new ShapeError(`reshape: only one dimension can be -1, got ${fmtShape(shape)}`);
      infer = i;
    } else if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(`reshape: invalid shape ${fmtShape(shape)}`);
    } else known *= d;
  }
  if (infer >= 0) {
    if (known === 0 || a.size % known !== 0) {
      throw new ShapeError(`reshape: shape ${fmtShape(shape)} is invalid for input of size ${a.size} (shape ${fmtShape(a.shape)})`);
    }
    out[infer] = a.size / known;
  }
  if (sizeOf(out) !== a.size) {
    throw new ShapeError(`reshape: shape ${fmtShape(shape)} is invalid for input of size ${a.size} (shape ${fmtShape(a.shape)})`);
  }
  if (shapesEqual(out, a.shape)) return a;
  const r = new Tensor(a.data, out);
  return record('reshape', r, [a], (g) => [reshape(g, a.shape)]);
}

/** Merges dims startDim..endDim into one. */
export function flatten(a: Tensor, startDim = 0, endDim = -1): Tensor {
  requireTensor('flatten', a);
  const s = oneDim('flatten', startDim, a.ndim);
  const e = oneDim('flatten', endDim, a.ndim);
  if (a.ndim === 0) return reshape(a, [1]);
  if (s > e) throw new IndexError(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  const shape = [...a.shape.slice(0, s), sizeOf(a.shape.slice(s, e + 1)), ...a.shape.slice(e + 1)];
  return reshape(a, shape);
}

/** Removes dims of size 1 (all of them, or only `dim`). */
export function squeeze(a: Tensor, dim?: number): Tensor {
  requireTensor('squeeze', a);
  if (dim === undefined) return reshape(a, a.shape.filter((d) => d !== 1));
  const d = oneDim('squeeze', dim, a.ndim);
  if (a.ndim === 0 || a.shape[d] !== 1) return a;
  return reshape(a, a.shape.filter((_, i) => i !== d));
}

/** Inserts a dim of size 1 at `dim` (-1 appends). */
export function unsqueeze(a: Tensor, dim: number): Tensor {
  requireTensor('unsqueeze', a);
  const d = oneDim('unsqueeze', dim, a.ndim + 1);
  const shape = [...a.shape];
  shape.splice(d, 0, 1);
  return reshape(a, shape);
}

/** Reorders dims: out.shape[i] = a.shape[dims[i]]. Copies into contiguous storage. */
export function permute(a: Tensor, dims: readonly number[]): Tensor {
  requireTensor('permute', a);
  requireIntList('permute', dims, 'dims');
  if (dims.length !== a.ndim) {
    throw new ShapeError(`permute: expected ${a.ndim} dims for a tensor of shape ${fmtShape(a.shape)}, got ${fmtList(dims)}`);
  }
  const perm = dims.map((d) => oneDim('permute', d, a.ndim));
  if (new Set(perm).size !== perm.length) throw new IndexError(`permute: repeated dim in ${fmtList(dims)}`);
  return permuteImpl(a, perm);
}

function permuteImpl(a: Tensor, perm: number[]): Tensor {
  if (perm.every((p, i) => p === i)) return a;
  const shape = perm.map((p) => a.shape[p]!);
  const out = empty(shape, a.dtype);
  getBackend().permute(a.data, a.shape, perm, out.data);
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => (inverse[p] = i));
  return record('permute', out, [a], (g) => [permuteImpl(g, inverse)]);
}

/** Swaps two dims. */
export function transpose(a: Tensor, dim0: number, dim1: number): Tensor {
  requireTensor('transpose', a);
  const d0 = oneDim('transpose', dim0, a.ndim);
  const d1 = oneDim('transpose', dim1, a.ndim);
  if (a.ndim === 0) return a;
  const perm = a.shape.map((_, i) => i);
  perm[d0] = d1;
  perm[d1] = d0;
  return permuteImpl(a, perm);
}

/** Transpose of a tensor of at most 2 dims. */
export function t(a: Tensor): Tensor {
  requireTensor('t', a);
  if (a.ndim > 2) throw new ShapeError(`t: expects a tensor of at most 2 dims, got shape ${fmtShape(a.shape)}; use transpose or permute`);
  return a.ndim < 2 ? a : transpose(a, 0, 1);
}

/** Broadcasts to `shape` (-1 keeps a dim); the copy is materialised. */
export function expand(a: Tensor, shape: readonly number[]): Tensor {
  return expandImpl('expand', a, shape);
}

function expandImpl(op: string, a: Tensor, shape: readonly number[]): Tensor {
  requireTensor(op, a);
  requireIntList(op, shape, 'shape');
  if (shape.length < a.ndim) {
    throw new ShapeError(`${op}: the target shape ${fmtShape(shape)} has fewer dims than the input's ${fmtShape(a.shape)}`);
  }
  const off = shape.length - a.ndim;
  const target = shape.map((d, i) => (d === -1 && i >= off ? a.shape[i - off]! : d));
  for (let i = 0; i < target.length; i++) {
    const src = i >= off ? a.shape[i - off]! : 1;
    const d = target[i]!;
    if (!Number.isInteger(d) || d < 0 || (src !== 1 && src !== d)) {
      throw new ShapeError(`${op}: cannot expand shape ${fmtShape(a.shape)} to ${fmtShape(shape)}`);
    }
  }
  if (shapesEqual(target, a.shape)) return a;
  checkSize(op, target);
  const out = empty(target, a.dtype);
  getBackend().broadcastTo(a.data, a.shape, out.data, target);
  return record('expand', out, [a], (g) => [unbroadcast(g, a.shape)]);
}

/** Broadcasts to `shape` following NumPy's rules. */
export function broadcastTo(a: Tensor, shape: readonly number[]): Tensor {
  return expandImpl('broadcastTo', a, shape);
}
