// The safetensors dtype table and the conversion of tensor bytes to and from neurone dtypes.
import type { DType, TypedArray } from '../dtype.js';
import { FormatError } from '../errors.js';
import { bf16ToNumber, f16ToNumber } from './half.js';

/** Dtype names of the safetensors format that neurone reads. */
export type SafetensorsDType = 'BOOL' | 'U8' | 'I8' | 'I16' | 'U16' | 'F16' | 'BF16' | 'I32' | 'U32' | 'F32' | 'F64' | 'I64' | 'U64';

/** The safetensors dtypes neurone writes (I64 only when asked, from int32 tensors). */
export type WritableDType = 'BOOL' | 'I32' | 'F32' | 'F64' | 'I64';

/**
 * Every dtype of the reference implementation, in the order of its `Dtype`
 * enum (increasing alignment). Writers lay tensors out by descending rank,
 * then by name.
 */
const ORDER = [
  'BOOL', 'F4', 'F6_E2M3', 'F6_E3M2', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'F8_E8M0',
  'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'C64', 'F64', 'I64', 'U64',
] as const;

const SIZE: Record<SafetensorsDType, number> = {
  BOOL: 1, U8: 1, I8: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, F64: 8, I64: 8, U64: 8,
};

/** The neurone dtype each readable safetensors dtype loads as. */
const LOADS_AS: Record<SafetensorsDType, DType> = {
  BOOL: 'bool', U8: 'int32', I8: 'int32', I16: 'int32', U16: 'int32', I32: 'int32', U32: 'int32', I64: 'int32', U64: 'int32',
  F16: 'float32', BF16: 'float32', F32: 'float32', F64: 'float64',
};

export const READABLE = Object.keys(SIZE) as SafetensorsDType[];

export function isKnownDType(name: string): boolean {
  return (ORDER as readonly string[]).includes(name);
}

export function isReadableDType(name: string): name is SafetensorsDType {
  return Object.prototype.hasOwnProperty.call(SIZE, name);
}

/** Bytes per element. */
export function dtypeSize(d: SafetensorsDType): number {
  return SIZE[d];
}

/** Position in the reference enum: larger means laid out first. */
export function dtypeRank(d: SafetensorsDType): number {
  return ORDER.indexOf(d);
}

export function loadsAs(d: SafetensorsDType): DType {
  return LOADS_AS[d];
}

/** The dtype a tensor is written as; int32 becomes I64 when `asInt64`. */
export function writtenAs(dtype: DType, asInt64: boolean): WritableDType {
  switch (dtype) {
    case 'float32': return 'F32';
    case 'float64': return 'F64';
    case 'int32': return asInt64 ? 'I64' : 'I32';
    case 'bool': return 'BOOL';
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Decodes `count` elements of `dtype` from `bytes` (little-endian) into a new
 * typed array of the neurone dtype they load as. Integers outside int32 are
 * refused with a FormatError naming `where` (the source and tensor).
 */
export function decodeData(dtype: SafetensorsDType, bytes: Uint8Array, count: number, where: string): TypedArray {
  if (LITTLE_ENDIAN && (dtype === 'F32' || dtype === 'F64' || dtype === 'I32')) {
    const copy = new Uint8Array(bytes).buffer; // a copy: aligned, and not shared with a Buffer pool
    return dtype === 'F32' ? new Float32Array(copy) : dtype === 'F64' ? new Float64Array(copy) : new Int32Array(copy);
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'BOOL': {
      const out = new Uint8Array(count);
      for (let i = 0; i < count; i++) out[i] = bytes[i] !== 0 ? 1 : 0;
      return out;
    }
    case 'F32': return fill(new Float32Array(count), (i) => v.getFloat32(i * 4, true));
    case 'F64': return fill(new Float64Array(count), (i) => v.getFloat64(i * 8, true));
    case 'F16': return fill(new Float32Array(count), (i) => f16ToNumber(v.getUint16(i * 2, true)));
    case 'BF16': return fill(new Float32Array(count), (i) => bf16ToNumber(v.getUint16(i * 2, true)));
    case 'U8': return fill(new Int32Array(count), (i) => v.getUint8(i));
    case 'I8': return fill(new Int32Array(count), (i) => v.getInt8(i));
    case 'I16': return fill(new Int32Array(count), (i) => v.getInt16(i * 2, true));
    case 'U16': return fill(new Int32Array(count), (i) => v.getUint16(i * 2, true));
    case 'I32': return fill(new Int32Array(count), (i) => v.getInt32(i * 4, true));
    case 'U32': return fill(new Int32Array(count), (i) => checkInt32(v.getUint32(i * 4, true), 0, i, dtype, where));
    case 'I64':
    case 'U64': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const lo = v.getUint32(i * 8, true);
        const hi = dtype === 'I64' ? v.getInt32(i * 8 + 4, true) : v.getUint32(i * 8 + 4, true);
        out[i] = checkInt32(lo, hi, i, dtype, where);
      }
      return out;
    }
  }
}

/** The int32 value of a 64-bit integer given as its low (unsigned) and high (signed) words. */
function checkInt32(lo: number, hi: number, index: number, dtype: SafetensorsDType, where: string): number {
  if ((hi === 0 && lo <= 0x7fffffff) || (hi === -1 && lo >= 0x80000000)) return lo | 0;
  const value = dtype === 'I64' ? BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)) : (BigInt(hi >>> 0) << 32n) | BigInt(lo);
  throw new FormatError(
    `${where}: element ${index} of this ${dtype} tensor is ${value}, outside the int32 range neurone stores integers in ` +
      '([-2147483648, 2147483647])',
  );
}

function fill<A extends Float32Array | Float64Array | Int32Array>(out: A, f: (i: number) => number): A {
  for (let i = 0; i < out.length; i++) out[i] = f(i);
  return out;
}

/** Writes `data` as `dtype`, little-endian, into `out` at byte `offset`. */
export function encodeData(dtype: WritableDType, data: TypedArray, out: Uint8Array, offset: number): void {
  if (LITTLE_ENDIAN && (dtype === 'F32' || dtype === 'F64' || dtype === 'I32')) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
    return;
  }
  const v = new DataView(out.buffer, out.byteOffset + offset);
  for (let i = 0; i < data.length; i++) {
    const x = data[i]!;
    switch (dtype) {
      case 'BOOL': v.setUint8(i, x !== 0 ? 1 : 0); break;
      case 'I32': v.setInt32(i * 4, x, true); break;
      case 'F32': v.setFloat32(i * 4, x, true); break;
      case 'F64': v.setFloat64(i * 8, x, true); break;
      case 'I64':
        v.setInt32(i * 8, x, true);
        v.setInt32(i * 8 + 4, x < 0 ? -1 : 0, true);
        break;
    }
  }
}
