// Tensor factories: from data, constants, ranges and seeded random numbers.
import { type DType, type TypedArray, allocArray, dtypeOfArray, isDType, isFloating } from './dtype.js';
import { DTypeError, ShapeError, fmtShape } from './errors.js';
import { Generator as GeneratorClass, defaultGenerator, type Generator } from './random.js';
import { checkShape, describe, sizeOf } from './shape.js';
import { Tensor } from './tensor.js';
import { getBackend } from './backend/index.js';

export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

export interface RandomOptions extends TensorOptions {
  generator?: Generator;
}

type Nested = number | boolean | readonly Nested[];

function checkDType(op: string, dtype: unknown): DType {
  if (!isDType(dtype)) throw new DTypeError(`${op}: unknown dtype ${JSON.stringify(dtype)} (expected float32, float64, int32 or bool)`);
  return dtype;
}

function make(op: string, shape: readonly number[], opts: TensorOptions, fill: (data: TypedArray) => void): Tensor {
  if (opts === null || typeof opts !== 'object') throw new DTypeError(`${op}: options must be an object, got ${describe(opts)}`);
  checkShape(op, shape);
  const dtype = checkDType(op, opts.dtype ?? 'float32');
  const data = getBackend().alloc(dtype, sizeOf(shape));
  fill(data);
  if (dtype === 'bool') for (let i = 0; i < data.length; i++) data[i] = data[i] !== 0 ? 1 : 0;
  return makeLeaf(op, data, shape, opts.requiresGrad);
}

function requireNumber(op: string, x: unknown, what: string): asserts x is number {
  if (typeof x !== 'number') throw new DTypeError(`${op}: ${what} must be a number, got ${describe(x)}`);
}

/**
 * A tensor from nested arrays, a typed array or a number. The dtype is taken
 * from a typed array, `bool` for booleans, otherwise float32.
 *
 * Example:
 *   tensor([[1, 2], [3, 4]]);                      // float32, shape [2, 2]
 *   tensor([0, 2, 1], { dtype: 'int32' });         // class labels
 *   tensor(new Float64Array(6), { shape: [2, 3] });
 */
export function tensor(
  data: Nested | TypedArray | readonly number[],
  opts: TensorOptions & { shape?: readonly number[] } = {},
): Tensor {
  if (opts === null || typeof opts !== 'object') throw new DTypeError(`tensor: options must be an object, got ${describe(opts)}`);
  if (ArrayBuffer.isView(data)) {
    if (data instanceof DataView || data instanceof BigInt64Array || data instanceof BigUint64Array) {
      throw new DTypeError(`tensor: cannot make a tensor from a ${data.constructor.name}; convert it to a Float32Array, Float64Array or Int32Array`);
    }
    const src = data as TypedArray;
    const shape = opts.shape ?? [src.length];
    checkShape('tensor', shape);
    if (sizeOf(shape) !== src.length) {
      throw new ShapeError(`tensor: shape ${fmtShape(shape)} needs ${sizeOf(shape)} elements, got ${src.length}`);
    }
    const dtype = checkDType('tensor', opts.dtype ?? (isTypedArray(src) ? dtypeOfArray(src) : 'float32'));
    const arr = allocArray(dtype, src.length);
    // the backend's cast rules: truncation toward zero for int32, x != 0 for bool
    getBackend().cast(isTypedArray(src) ? src : Float64Array.from(src as ArrayLike<number>), arr);
    return makeLeaf('tensor', arr, shape, opts.requiresGrad);
  }
  const shape: number[] = [];
  let isBool = false;
  for (let x: unknown = data; Array.isArray(x); x = x[0]) {
    shape.push(x.length);
    if (x.length === 0) break;
  }
  const flat: number[] = [];
  const walk = (x: unknown, d: number): void => {
    if (d === shape.length) {
      if (typeof x === 'boolean') isBool = true;
      else if (typeof x !== 'number') throw new DTypeError(`tensor: expected numbers or booleans, got ${x === null ? 'null' : typeof x}`);
      flat.push(Number(x));
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[d]) {
      throw new ShapeError(`tensor: ragged nested array: expected length ${shape[d]} at depth ${d}, got ${Array.isArray(x) ? x.length : typeof x}`);
    }
    for (const y of x) walk(y, d + 1);
  };
  walk(data, 0);
  const finalShape = opts.shape ?? shape;
  checkShape('tensor', finalShape);
  if (sizeOf(finalShape) !== flat.length) {
    throw new ShapeError(`tensor: shape ${fmtShape(finalShape)} needs ${sizeOf(finalShape)} elements, got ${flat.length}`);
  }
  const dtype = checkDType('tensor', opts.dtype ?? (isBool ? 'bool' : 'float32'));
  const arr = allocArray(dtype, flat.length);
  getBackend().cast(Float64Array.from(flat), arr);
  return makeLeaf('tensor', arr, finalShape, opts.requiresGrad);
}

/** A leaf tensor; requiresGrad on a non-floating dtype is refused naming `op`. */
function makeLeaf(op: string, data: TypedArray, shape: readonly number[], requiresGrad: boolean | undefined): Tensor {
  const t = new Tensor(data, shape);
  if (requiresGrad) {
    if (!isFloating(t.dtype)) throw new DTypeError(`${op}: only floating-point tensors can require gradients, got ${t.dtype}`);
    t.requiresGrad = true;
  }
  return t;
}

function isTypedArray(x: ArrayBufferView): x is TypedArray {
  return x instanceof Float32Array || x instanceof Float64Array || x instanceof Int32Array || x instanceof Uint8Array;
}

/** A 0-d tensor holding one number. */
export function scalar(value: number, opts: TensorOptions = {}): Tensor {
  return full([], value, opts);
}

export function zeros(shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return make('zeros', shape, opts, () => {});
}

export function ones(shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return make('ones', shape, opts, (d) => d.fill(1));
}

export function full(shape: readonly number[], value: number, opts: TensorOptions = {}): Tensor {
  requireNumber('full', value, 'value');
  return make('full', shape, opts, (d) => d.fill(opts?.dtype === 'bool' ? Number(value !== 0) : value));
}

function likeOpts(t: Tensor, opts: TensorOptions): TensorOptions {
  return { dtype: opts.dtype ?? t.dtype, requiresGrad: opts.requiresGrad ?? false };
}

export function zerosLike(t: Tensor, opts: TensorOptions = {}): Tensor {
  return zeros(t.shape, likeOpts(t, opts));
}

export function onesLike(t: Tensor, opts: TensorOptions = {}): Tensor {
  return ones(t.shape, likeOpts(t, opts));
}

export function fullLike(t: Tensor, value: number, opts: TensorOptions = {}): Tensor {
  return full(t.shape, value, likeOpts(t, opts));
}

/**
 * Values from start (inclusive) to end (exclusive) by step; `arange(5)` is 0..4.
 * The dtype is int32 when every argument is an integer, float32 otherwise.
 */
export function arange(start: number, end?: number, step = 1, opts: TensorOptions = {}): Tensor {
  const [s, e] = end === undefined || end === null ? [0, start] : [start, end];
  requireNumber('arange', s, 'start');
  requireNumber('arange', e, 'end');
  requireNumber('arange', step, 'step');
  if (!Number.isFinite(s) || !Number.isFinite(e)) throw new ShapeError(`arange: start and end must be finite, got ${s} and ${e}`);
  if (step === 0 || !Number.isFinite(step)) throw new ShapeError(`arange: step must be a nonzero finite number, got ${step}`);
  const n = Math.max(0, Math.ceil((e - s) / step));
  const ints = Number.isInteger(s) && Number.isInteger(e) && Number.isInteger(step);
  return make('arange', [n], { dtype: ints ? 'int32' : 'float32', ...opts }, (d) => {
    for (let i = 0; i < n; i++) d[i] = s + i * step;
  });
}

/** `steps` evenly spaced values from start to end, both included. */
export function linspace(start: number, end: number, steps: number, opts: TensorOptions = {}): Tensor {
  requireNumber('linspace', start, 'start');
  requireNumber('linspace', end, 'end');
  if (!Number.isInteger(steps) || steps < 0) throw new ShapeError(`linspace: steps must be a non-negative integer, got ${describe(steps)}`);
  return make('linspace', [steps], opts, (d) => {
    for (let i = 0; i < steps; i++) d[i] = steps === 1 ? start : start + ((end - start) * i) / (steps - 1);
  });
}

/** Identity matrix (n, m). */
export function eye(n: number, m = n, opts: TensorOptions = {}): Tensor {
  if (!Number.isInteger(n) || !Number.isInteger(m) || n < 0 || m < 0) {
    throw new ShapeError(`eye: n and m must be non-negative integers, got ${describe(n)} and ${describe(m)}`);
  }
  return make('eye', [n, m], opts, (d) => {
    for (let i = 0; i < Math.min(n, m); i++) d[i * m + i] = 1;
  });
}

/** Throws unless `opts` is an object whose generator, if any, is a Generator. */
function checkRandomOpts(op: string, opts: RandomOptions): void {
  if (opts === null || typeof opts !== 'object') throw new DTypeError(`${op}: options must be an object, got ${describe(opts)}`);
  if (opts.generator !== undefined && !(opts.generator instanceof GeneratorClass)) {
    throw new DTypeError(`${op}: generator must be a Generator, got ${describe(opts.generator)}`);
  }
}

function randomFloat(op: string, shape: readonly number[], opts: RandomOptions, fill: (g: Generator, d: Float32Array | Float64Array) => void): Tensor {
  checkRandomOpts(op, opts);
  const dtype = opts.dtype ?? 'float32';
  if (!isFloating(dtype)) throw new DTypeError(`${op}: expects a floating dtype, got ${dtype}`);
  const g = opts.generator ?? defaultGenerator;
  return make(op, shape, opts, (d) => fill(g, d as Float32Array | Float64Array));
}

/** Uniform in [0, 1). */
export function rand(shape: readonly number[], opts: RandomOptions = {}): Tensor {
  return randomFloat('rand', shape, opts, (g, d) => g.fillUniform(d));
}

/** Standard normal. */
export function randn(shape: readonly number[], opts: RandomOptions = {}): Tensor {
  return randomFloat('randn', shape, opts, (g, d) => g.fillNormal(d));
}

/** Uniform in [low, high). */
export function uniform(shape: readonly number[], low: number, high: number, opts: RandomOptions = {}): Tensor {
  return randomFloat('uniform', shape, opts, (g, d) => g.fillUniform(d, low, high));
}

/** Normal with the given mean and standard deviation. */
export function normal(shape: readonly number[], mean: number, std: number, opts: RandomOptions = {}): Tensor {
  return randomFloat('normal', shape, opts, (g, d) => g.fillNormal(d, mean, std));
}

/** Integers uniform in [low, high), int32 by default. */
export function randint(low: number, high: number, shape: readonly number[], opts: RandomOptions = {}): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high)) throw new ShapeError(`randint: low and high must be integers, got ${describe(low)} and ${describe(high)}`);
  if (!(high > low)) throw new ShapeError(`randint: high (${high}) must be greater than low (${low})`);
  checkRandomOpts('randint', opts);
  const g = opts.generator ?? defaultGenerator;
  return make('randint', shape, { dtype: 'int32', ...opts }, (d) => {
    for (let i = 0; i < d.length; i++) d[i] = g.int(low, high);
  });
}

/** A random permutation of 0..n-1 (int32). */
export function randperm(n: number, opts: RandomOptions = {}): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new ShapeError(`randperm: n must be a non-negative integer, got ${describe(n)}`);
  checkRandomOpts('randperm', opts);
  checkShape('randperm', [n]);
  const g = opts.generator ?? defaultGenerator;
  const p = g.permutation(n);
  return make('randperm', [n], { dtype: 'int32', ...opts }, (d) => d.set(p));
}

export function randLike(t: Tensor, opts: RandomOptions = {}): Tensor {
  return rand(t.shape, { dtype: t.dtype, ...opts });
}

export function randnLike(t: Tensor, opts: RandomOptions = {}): Tensor {
  return randn(t.shape, { dtype: t.dtype, ...opts });
}
