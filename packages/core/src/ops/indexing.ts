// Slicing, joining and index-based ops; each forward with its backward.
import { record } from '../autograd.js';
import { getBackend } from '../backend/index.js';
import { promoteTypes } from '../dtype.js';
import { DTypeError, IndexError, ShapeError, fmtShape } from '../errors.js';
import { checkSize, describe, sizeOf, splitAt } from '../shape.js';
import { Tensor } from '../tensor.js';
import { cast, clone } from './elementwise.js';
import { reshape, squeeze, unsqueeze } from './shape.js';
import { empty, fmtList, oneDim, requireInt, requireIntList, requireNumber, requireTensor } from './util.js';

/** `length` elements from `start` along `dim` (a copy). */
export function narrow(a: Tensor, dim: number, start: number, length: number): Tensor {
  return narrowImpl('narrow', a, dim, start, length);
}

function narrowImpl(op: string, a: Tensor, dim: number, start: number, length: number): Tensor {
  requireTensor(op, a);
  if (a.ndim === 0) throw new ShapeError(`${op}: cannot narrow a 0-d tensor`);
  const d = oneDim(op, dim, a.ndim);
  requireInt(op, start, 'start');
  requireInt(op, length, 'length');
  const size = a.shape[d]!;
  const s = start < 0 ? start + size : start;
  if (s < 0 || length < 0 || s + length > size) {
    throw new IndexError(`${op}: start ${start} and length ${length} are out of range for dim ${d} of size ${size} (shape ${fmtShape(a.shape)})`);
  }
  if (s === 0 && length === size) return a;
  const [outer, , inner] = splitAt(a.shape, d);
  const shape = [...a.shape];
  shape[d] = length;
  const out = empty(shape, a.dtype);
  getBackend().copyRows(a.data, size, s, out.data, length, 0, outer, length, inner, false);
  return record('narrow', out, [a], (g) => [padDim(g, d, s, size - s - length, 0)]);
}

/** The slice at `index` along `dim`, with the dim removed. */
export function select(a: Tensor, dim: number, index: number): Tensor {
  requireTensor('select', a);
  if (a.ndim === 0) throw new ShapeError('select: cannot select from a 0-d tensor');
  const d = oneDim('select', dim, a.ndim);
  requireInt('select', index, 'index');
  const size = a.shape[d]!;
  if (index < -size || index >= size) {
    throw new IndexError(`select: index ${index} is out of range for dim ${d} of size ${size} (shape ${fmtShape(a.shape)})`);
  }
  return squeeze(narrowImpl('select', a, d, index < 0 ? index + size : index, 1), d);
}

/** Elements start..end (exclusive) with `step` along `dim`; negative bounds count from the end, like Python slices. */
export function slice(a: Tensor, dim: number, start = 0, end?: number, step = 1): Tensor {
  requireTensor('slice', a);
  if (a.ndim === 0) throw new ShapeError('slice: cannot slice a 0-d tensor');
  const d = oneDim('slice', dim, a.ndim);
  const size = a.shape[d]!;
  requireInt('slice', start, 'start');
  if (end !== undefined && end !== null) requireInt('slice', end, 'end');
  requireInt('slice', step, 'step');
  if (step < 1) throw new IndexError(`slice: step must be a positive integer, got ${step}`);
  const clampIdx = (i: number) => Math.min(Math.max(i < 0 ? i + size : i, 0), size);
  const s = clampIdx(start);
  const e = Math.max(clampIdx(end ?? size), s);
  if (step === 1) return narrowImpl('slice', a, d, s, e - s);
  const idx: number[] = [];
  for (let i = s; i < e; i += step) idx.push(i);
  return indexSelectImpl('slice', a, d, idx);
}

/** Pads `dim` with `before` and `after` entries of `value`. */
function padDim(a: Tensor, dim: number, before: number, after: number, value: number): Tensor {
  if (before === 0 && after === 0) return a;
  const [outer, size, inner] = splitAt(a.shape, dim);
  const shape = [...a.shape];
  const total = size + before + after;
  shape[dim] = total;
  checkSize('pad', shape);
  const out = empty(shape, a.dtype);
  if (value !== 0) out.data.fill(value);
  getBackend().copyRows(a.data, size, 0, out.data, total, before, outer, size, inner, false);
  return record('pad', out, [a], (g) => [narrowImpl('pad', g, dim, before, size)]);
}

/**
 * Constant padding, with F.pad's order: `pads` is [left, right] for the last
 * dim, then [top, bottom] for the one before, and so on.
 *
 * Example:
 *   pad(zeros([1, 2, 2]), [1, 1, 2, 0]).shape; // [1, 4, 4]
 */
export function pad(a: Tensor, pads: readonly number[], value = 0): Tensor {
  requireTensor('pad', a);
  requireIntList('pad', pads, 'padding');
  requireNumber('pad', value, 'value');
  if (pads.length % 2 !== 0 || pads.length / 2 > a.ndim) {
    throw new ShapeError(`pad: padding ${fmtList(pads)} must have an even length of at most 2 * ${a.ndim} for shape ${fmtShape(a.shape)}`);
  }
  if (pads.some((p) => p < 0)) {
    throw new ShapeError(`pad: padding sizes must be non-negative integers, got ${fmtList(pads)}`);
  }
  const padded = [...a.shape];
  for (let i = 0; i < pads.length / 2; i++) padded[a.ndim - 1 - i]! += pads[2 * i]! + pads[2 * i + 1]!;
  checkSize('pad', padded);
  if (a.dtype === 'bool') value = Number(value !== 0);
  let out = a;
  for (let i = 0; i < pads.length / 2; i++) out = padDim(out, a.ndim - 1 - i, pads[2 * i]!, pads[2 * i + 1]!, value);
  return out;
}

/** Joins tensors along an existing dim; all other dims must match. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  return catImpl('cat', tensors, dim);
}

function catImpl(op: string, tensors: readonly Tensor[], dim: number): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new ShapeError(`${op}: expected a non-empty array of tensors, got ${describe(tensors)}`);
  tensors.forEach((t, i) => requireTensor(op, t, `tensors[${i}]`));
  const first = tensors[0]!;
  if (first.ndim === 0) throw new ShapeError(`${op}: zero-dimensional tensors cannot be concatenated; use stack`);
  const d = oneDim(op, dim, first.ndim);
  let dtype = first.dtype;
  for (const t of tensors) {
    if (t.ndim !== first.ndim || t.shape.some((s: number, i: number) => i !== d && s !== first.shape[i])) {
      throw new ShapeError(
        `${op}: tensors must have the same shape except in dim ${d}, got ${tensors.map((x) => fmtShape(x.shape)).join(' and ')}`,
      );
    }
    dtype = promoteTypes(dtype, t.dtype);
  }
  const parts = tensors.map((t) => (t.dtype === dtype ? t : cast(t, dtype)));
  const total = parts.reduce((n, t) => n + t.shape[d]!, 0);
  const shape = [...first.shape];
  shape[d] = total;
  checkSize(op, shape);
  const out = empty(shape, dtype);
  const [outer, , inner] = splitAt(shape, d);
  let offset = 0;
  const offsets: number[] = [];
  for (const t of parts) {
    offsets.push(offset);
    getBackend().copyRows(t.data, t.shape[d]!, 0, out.data, total, offset, outer, t.shape[d]!, inner, false);
    offset += t.shape[d]!;
  }
  return record(op, out, parts, (g) => parts.map((t, i) => (t.requiresGrad ? narrowImpl(op, g, d, offsets[i]!, t.shape[d]!) : null)));
}

/** Joins tensors of one shape along a new dim. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new ShapeError(`stack: expected a non-empty array of tensors, got ${describe(tensors)}`);
  tensors.forEach((t, i) => requireTensor('stack', t, `tensors[${i}]`));
  const first = tensors[0]!;
  for (const t of tensors) {
    if (t.ndim !== first.ndim || t.shape.some((s: number, i: number) => s !== first.shape[i])) {
      throw new ShapeError(`stack: expects each tensor to be equal size, got ${fmtShape(first.shape)} and ${fmtShape(t.shape)}`);
    }
  }
  const d = oneDim('stack', dim, first.ndim + 1);
  return catImpl('stack', tensors.map((t) => unsqueeze(t, d)), d);
}

/** Splits into pieces of `size` along `dim` (the last may be smaller), or into the given section sizes. */
export function split(a: Tensor, sizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  return splitImpl('split', a, sizeOrSections, dim);
}

function splitImpl(op: string, a: Tensor, sizeOrSections: number | readonly number[], dim: number): Tensor[] {
  requireTensor(op, a);
  if (a.ndim === 0) throw new ShapeError(`${op}: cannot split a 0-d tensor`);
  const d = oneDim(op, dim, a.ndim);
  const n = a.shape[d]!;
  let sizes: number[];
  if (typeof sizeOrSections === 'number') {
    if (!Number.isInteger(sizeOrSections) || sizeOrSections <= 0) {
      throw new ShapeError(`${op}: split size must be a positive integer, got ${sizeOrSections}`);
    }
    sizes = [];
    for (let i = 0; i < n; i += sizeOrSections) sizes.push(Math.min(sizeOrSections, n - i));
    // PyTorch returns one empty piece for an empty dim
    if (n === 0) sizes.push(0);
  } else {
    requireIntList(op, sizeOrSections, 'sections');
    sizes = [...sizeOrSections];
    if (sizes.some((x) => x < 0) || sizes.reduce((x, y) => x + y, 0) !== n) {
      throw new ShapeError(`${op}: sections ${fmtList(sizes)} must be non-negative and add up to dim ${d} of size ${n} (shape ${fmtShape(a.shape)})`);
    }
  }
  const out: Tensor[] = [];
  let start = 0;
  for (const s of sizes) {
    out.push(narrowImpl(op, a, d, start, s));
    start += s;
  }
  return out;
}

/** Splits into `chunks` nearly equal pieces along `dim` (as torch.chunk). */
export function chunk(a: Tensor, chunks: number, dim = 0): Tensor[] {
  requireTensor('chunk', a);
  if (typeof chunks !== 'number' || !Number.isInteger(chunks) || chunks <= 0) {
    throw new ShapeError(`chunk: number of chunks must be a positive integer, got ${describe(chunks)}`);
  }
  if (a.ndim === 0) throw new ShapeError('chunk: cannot chunk a 0-d tensor');
  const d = oneDim('chunk', dim, a.ndim);
  return splitImpl('chunk', a, Math.max(1, Math.ceil(a.shape[d]! / chunks)), d);
}

/** An int32 index tensor from a tensor or a list, checked against `size`. */
function indexArray(op: string, index: Tensor | readonly number[], size: number): Int32Array {
  let idx: Int32Array;
  if (index instanceof Tensor) {
    if (index.dtype !== 'int32') throw new DTypeError(`${op}: index must be an int32 tensor, got ${index.dtype}`);
    idx = index.data as Int32Array;
  } else if (Array.isArray(index)) {
    requireIntList(op, index, 'index');
    idx = Int32Array.from(index);
  } else {
    throw new DTypeError(`${op}: index must be an int32 tensor or an array of integers, got ${describe(index)}`);
  }
  for (let i = 0; i < idx.length; i++) {
    if (idx[i]! < 0 || idx[i]! >= size) {
      throw new IndexError(`${op}: index ${idx[i]} is out of range for a dimension of size ${size}`);
    }
  }
  return idx;
}

/** Picks the entries `index` (1-D) along `dim`. */
export function indexSelect(a: Tensor, dim: number, index: Tensor | readonly number[]): Tensor {
  return indexSelectImpl('indexSelect', a, dim, index);
}

function indexSelectImpl(op: string, a: Tensor, dim: number, index: Tensor | readonly number[]): Tensor {
  requireTensor(op, a);
  if (index instanceof Tensor && index.ndim > 1) throw new ShapeError(`${op}: index must be 1-D, got shape ${fmtShape(index.shape)}`);
  const d = oneDim(op, dim, a.ndim);
  const src = a.ndim === 0 ? reshape(a, [1]) : a;
  const [outer, size, inner] = splitAt(src.shape, d);
  const idx = indexArray(op, index, size);
  const shape = [...src.shape];
  shape[d] = idx.length;
  const out = empty(shape, a.dtype);
  getBackend().indexSelect(src.data, outer, size, inner, idx, out.data);
  return record('indexSelect', out, [a], (g) => {
    const ga = empty(src.shape, g.dtype);
    getBackend().indexAdd(ga.data, outer, size, inner, idx, g.data);
    return [reshape(ga, a.shape)];
  });
}

function checkGatherShapes(op: string, a: Tensor, d: number, index: Tensor): void {
  if (index.dtype !== 'int32') throw new DTypeError(`${op}: index must be an int32 tensor, got ${index.dtype}`);
  if (index.ndim !== a.ndim) {
    throw new ShapeError(`${op}: index ${fmtShape(index.shape)} must have as many dims as the input ${fmtShape(a.shape)}`);
  }
  for (let i = 0; i < a.ndim; i++) {
    if (i !== d && index.shape[i]! > a.shape[i]!) {
      throw new ShapeError(`${op}: index ${fmtShape(index.shape)} is larger than the input ${fmtShape(a.shape)} in dim ${i}`);
    }
  }
  const size = a.ndim === 0 ? 1 : a.shape[d]!;
  const idx = index.data;
  for (let i = 0; i < idx.length; i++) {
    if (idx[i]! < 0 || idx[i]! >= size) throw new IndexError(`${op}: index ${idx[i]} is out of range for dim ${d} of size ${size}`);
  }
}

/** out[i][j] = a[index[i][j]][j] for dim 0 (torch.gather); out has index's shape. */
export function gather(a: Tensor, dim: number, index: Tensor): Tensor {
  requireTensor('gather', a);
  requireTensor('gather', index, 'index');
  const d = oneDim('gather', dim, a.ndim);
  checkGatherShapes('gather', a, d, index);
  const out = empty(index.shape, a.dtype);
  getBackend().gather(a.data, a.shape, d, index.data as Int32Array, index.shape, out.data);
  return record('gather', out, [a], (g) => {
    const ga = empty(a.shape, g.dtype);
    getBackend().scatterAdd(ga.data, a.shape, d, index.data as Int32Array, index.shape, g.data);
    return [ga];
  });
}

/** A copy of `a` with src's values added at the positions `index` names along `dim` (torch.scatter_add). */
export function scatterAdd(a: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  requireTensor('scatterAdd', a);
  requireTensor('scatterAdd', index, 'index');
  requireTensor('scatterAdd', src, 'src');
  const d = oneDim('scatterAdd', dim, a.ndim);
  checkGatherShapes('scatterAdd', a, d, index);
  if (src.ndim !== index.ndim || index.shape.some((s, i) => s > src.shape[i]!)) {
    throw new ShapeError(`scatterAdd: src ${fmtShape(src.shape)} must be at least as large as index ${fmtShape(index.shape)} in every dim`);
  }
  if (src.dtype !== a.dtype) throw new DTypeError(`scatterAdd: src dtype ${src.dtype} differs from the input's ${a.dtype}`);
  const s = sizeOf(src.shape) === sizeOf(index.shape) ? src : narrowTo(src, index.shape);
  const out = clone(a.detach());
  getBackend().scatterAdd(out.data, a.shape, d, index.data as Int32Array, index.shape, s.data);
  return record('scatterAdd', out, [a, s], (g) => [g, s.requiresGrad ? gather(g, d, index) : null]);
}

function narrowTo(t: Tensor, shape: readonly number[]): Tensor {
  let r = t;
  shape.forEach((n, i) => (r = narrow(r, i, 0, n)));
  return r;
}

