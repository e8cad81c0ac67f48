/** Element types a tensor can hold. `bool` is stored as 0/1 bytes. */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

type ArrayCtor = Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor | Uint8ArrayConstructor;

const CTORS: Record<DType, ArrayCtor> = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  bool: Uint8Array,
};

/** Below this many bytes a fresh typed array costs little to zero (V8 allocates it inline). */
const UNINITIALIZED_MIN_BYTES = 1 << 16;

const NodeBuffer = (globalThis as { Buffer?: { allocUnsafeSlow(bytes: number): { buffer: ArrayBuffer; byteOffset: number } } }).Buffer;

/**
 * A typed array of `size` elements for `dtype`, zero-filled unless `uninitialized`:
 * then (on Node, from 64 KB) its contents are whatever malloc returns, for
 * callers that write every element before anything reads it. Skipping the
 * zeroing keeps a kernel's output out of the cache until the kernel writes it.
 */
export function allocArray(dtype: DType, size: number, uninitialized = false): TypedArray {
  const Ctor = CTORS[dtype];
  const bytes = size * Ctor.BYTES_PER_ELEMENT;
  if (!uninitialized || bytes < UNINITIALIZED_MIN_BYTES || NodeBuffer === undefined) return new Ctor(size);
  // a Buffer from allocUnsafeSlow owns its whole ArrayBuffer, malloc-aligned (16 bytes)
  const b = NodeBuffer.allocUnsafeSlow(bytes);
  return new Ctor(b.buffer, b.byteOffset, size);
}

export function arrayCtor(dtype: DType): ArrayCtor {
  return CTORS[dtype];
}

/** The dtype that stores a given typed array. */
export function dtypeOfArray(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  return 'bool';
}

export function isFloating(d: DType): boolean {
  return d === 'float32' || d === 'float64';
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** PyTorch-style promotion: bool < int32 < float32 < float64. */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** The floating dtype an op like `exp` or `mean` produces for an input dtype. */
export function floatingOf(d: DType): DType {
  return d === 'float64' ? 'float64' : 'float32';
}

export function isDType(x: unknown): x is DType {
  return typeof x === 'string' && (DTYPES as readonly string[]).includes(x);
}
