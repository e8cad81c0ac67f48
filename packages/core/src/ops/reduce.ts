// Reductions over all elements or chosen dims, with keepdim; each forward with its backward.
import { record } from '../autograd.js';
import { getBackend, type ReduceOp } from '../backend/index.js';
import { floatingOf, isFloating } from '../dtype.js';
import { IndexError, NeuroneError, fmtShape } from '../errors.js';
import { normalizeDim, splitAt } from '../shape.js';
import { Tensor } from '../tensor.js';
import { cast, div, eq, exp, log, mul, sqrt, sub } from './elementwise.js';
import { expand, reshape } from './shape.js';
import { empty, requireTensor } from './util.js';

/** Sorted, de-duplicated dims; every dim when `dim` is null or undefined. */
function normDims(op: string, a: Tensor, dim: number | readonly number[] | null | undefined): number[] {
  if (dim === null || dim === undefined) return a.shape.map((_, i) => i);
  const list = typeof dim === 'number' ? [dim] : [...dim];
  const dims = list.map((d) => normalizeDim(op, d, a.ndim));
  const uniq = [...new Set(dims)].sort((x, y) => x - y);
  if (uniq.length !== dims.length) throw new IndexError(`${op}: dim ${JSON.stringify(list)} names a dimension more than once`);
  return uniq.filter((d) => d < a.ndim);
}

function reducedShape(shape: readonly number[], dims: number[], keepdim: boolean): number[] {
  const out: number[] = [];
  shape.forEach((s, i) => {
    if (!dims.includes(i)) out.push(s);
    else if (keepdim) out.push(1);
  });
  return out;
}

/** Runs the backend reduction over each dim in turn (from the last, so earlier indices stay valid). */
function reduceKernel(op: ReduceOp, a: Tensor, dims: number[], keepdim: boolean): Tensor {
  let data = a.data;
  const shape = [...a.shape];
  for (let i = dims.length - 1; i >= 0; i--) {
    const d = dims[i]!;
    const [outer, size, inner] = splitAt(shape, d);
    const out = getBackend().alloc(a.dtype === 'bool' ? 'int32' : a.dtype, outer * inner);
    getBackend().reduce(op, data, outer, size, inner, out);
    data = out;
    shape[d] = 1;
  }
  const outShape = reducedShape(a.shape, dims, keepdim);
  if (data === a.data) return a.dtype === 'bool' ? cast(a, 'int32').reshape(outShape) : new Tensor(data.slice(), outShape);
  return new Tensor(data, outShape);
}

/** Brings a reduced gradient back to the input's shape. */
function expandBack(g: Tensor, a: Tensor, dims: number[], keepdim: boolean): Tensor {
  const kept = keepdim ? g : reshape(g, reducedShape(a.shape, dims, true));
  return expand(kept, a.shape);
}

/** Sum over all elements, or over `dim` (one or several). */
export function sum(a: Tensor, dim?: number | readonly number[] | null, keepdim = false): Tensor {
  requireTensor('sum', a);
  const dims = normDims('sum', a, dim);
  const out = reduceKernel('sum', a, dims, keepdim);
  return record('sum', out, [a], (g) => [expandBack(g, a, dims, keepdim)]);
}

/** Mean over all elements, or over `dim`. */
export function mean(a: Tensor, dim?: number | readonly number[] | null, keepdim = false): Tensor {
  requireTensor('mean', a);
  const x = isFloating(a.dtype) ? a : cast(a, floatingOf(a.dtype));
  const dims = normDims('mean', x, dim);
  let n = 1;
  for (const d of dims) n *= x.shape[d]!;
  return div(sum(x, dims, keepdim), n);
}

/** Product over all elements, or along `dim`. */
export function prod(a: Tensor, dim?: number | null, keepdim = false): Tensor {
  requireTensor('prod', a);
  const dims = normDims('prod', a, dim);
  const out = reduceKernel('prod', a, dims, keepdim);
  // d(prod)/da_i = prod / a_i (inputs containing zeros get NaN-free values only where nonzero)
  return record('prod', out, [a], (g) => [div(mul(expandBack(g, a, dims, keepdim), expandBack(out, a, dims, keepdim)), a)]);
}

function extreme(op: 'max' | 'min', a: Tensor, dim: number | null | undefined, keepdim: boolean): Tensor {
  requireTensor(op, a);
  if (a.size === 0) throw new NeuroneError(`${op}: cannot reduce an empty tensor of shape ${fmtShape(a.shape)}`);
  const dims = normDims(op, a, dim);
  const out = reduceKernel(op, a, dims, keepdim);
  // the gradient is shared evenly among the elements equal to the extreme
  return record(op, out, [a], (g) => {
    const mask = cast(eq(a, expandBack(out, a, dims, keepdim)), g.dtype);
    const count = expandBack(sum(mask, dims, keepdim), a, dims, keepdim);
    return [div(mul(expandBack(g, a, dims, keepdim), mask), count)];
  });
}

/** Max over all elements, or the max values along `dim` (use `argmax` for the indices). */
export function max(a: Tensor, dim?: number | null, keepdim = false): Tensor {
  return extreme('max', a, dim, keepdim);
}

/** Min over all elements, or the min values along `dim`. */
export function min(a: Tensor, dim?: number | null, keepdim = false): Tensor {
  return extreme('min', a, dim, keepdim);
}

function argExtreme(op: 'argmax' | 'argmin', a: Tensor, dim: number | null | undefined, keepdim: boolean): Tensor {
  requireTensor(op, a);
  if (a.size === 0) throw new NeuroneError(`${op}: cannot reduce an empty tensor of shape ${fmtShape(a.shape)}`);
  if (dim === null || dim === undefined) {
    const flat = reshape(a, [a.size]);
    const r = argExtreme(op, flat, 0, false);
    return keepdim ? reshape(r, a.shape.map(() => 1)) : r;
  }
  const d = normalizeDim(op, dim, a.ndim);
  const [outer, size, inner] = splitAt(a.shape, d);
  const out = empty(reducedShape(a.shape, a.ndim === 0 ? [] : [d], keepdim), 'int32');
  getBackend().argReduce(op, a.data, outer, size, inner, out.data as Int32Array);
  return out;
}

/** Index (int32) of the max over all elements (flattened), or along `dim`. */
export function argmax(a: Tensor, dim?: number | null, keepdim = false): Tensor {
  return argExtreme('argmax', a, dim, keepdim);
}

/** Index (int32) of the min over all elements (flattened), or along `dim`. */
export function argmin(a: Tensor, dim?: number | null, keepdim = false): Tensor {
  return argExtreme('argmin', a, dim, keepdim);
}

export interface VarOptions {
  /** Subtracted from the count in the denominator: 1 (default) is the unbiased estimate, 0 the population variance. */
  correction?: number;
  keepdim?: boolean;
}

/** Variance over all elements or `dim`, with Bessel's correction by default (PyTorch's `var`). */
export function variance(a: Tensor, dim?: number | readonly number[] | null, opts: VarOptions = {}): Tensor {
  requireTensor('var', a);
  const x = isFloating(a.dtype) ? a : cast(a, floatingOf(a.dtype));
  const dims = normDims('var', x, dim);
  const keepdim = opts.keepdim ?? false;
  let n = 1;
  for (const d of dims) n *= x.shape[d]!;
  const centered = sub(x, mean(x, dims, true));
  return div(sum(mul(centered, centered), dims, keepdim), Math.max(n - (opts.correction ?? 1), 0));
}

/** Standard deviation: sqrt(var). */
export function std(a: Tensor, dim?: number | readonly number[] | null, opts: VarOptions = {}): Tensor {
  return sqrt(variance(a, dim, opts));
}

/** log(sum(exp(a))) along `dim`, computed without overflow. */
export function logsumexp(a: Tensor, dim: number | readonly number[], keepdim = false): Tensor {
  requireTensor('logsumexp', a);
  const x = isFloating(a.dtype) ? a : cast(a, floatingOf(a.dtype));
  const dims = normDims('logsumexp', x, dim);
  // shift by the (constant) max so exp never overflows; -inf rows shift by 0
  const m = reduceKernel('max', x.detach(), dims, true);
  for (let i = 0; i < m.data.length; i++) if (!Number.isFinite(m.data[i]!)) m.data[i] = 0;
  const s = log(sum(exp(sub(x, m)), dims, true));
  const r = s.add(m);
  return keepdim ? r : reshape(r, reducedShape(x.shape, dims, false));
}

/** True if every element is nonzero. */
export function all(a: Tensor): boolean {
  requireTensor('all', a);
  for (let i = 0; i < a.data.length; i++) if (!a.data[i]) return false;
  return true;
}

/** True if any element is nonzero. */
export function any(a: Tensor): boolean {
  requireTensor('any', a);
  for (let i = 0; i < a.data.length; i++) if (a.data[i]) return true;
  return false;
}
