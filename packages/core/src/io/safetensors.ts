// The safetensors format in memory: serialize and deserialize (portable: no Node APIs).
import { FormatError, NeuroneError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { type SafetensorsDType, type WritableDType, decodeData, dtypeRank, dtypeSize, encodeData, writtenAs } from './dtypes.js';
import { parseHeader } from './header.js';

/** Named tensors, as a state dict holds them. */
export type TensorMap = Readonly<Record<string, Tensor>> | ReadonlyMap<string, Tensor>;

export interface SerializeOptions {
  /** String key/value pairs stored in the header's `__metadata__` (e.g. `{ format: 'pt' }`). */
  metadata?: Readonly<Record<string, string>>;
  /**
   * Write int32 tensors as I64 (PyTorch's `long`): `true` for all of them, or
   * the names of those to widen.
   */
  int64?: boolean | readonly string[];
}

/** What a safetensors file holds. */
export interface SafetensorsContent {
  /** The tensors by name, in data order. I64/F16/BF16 and small ints are converted (see `loadFile`). */
  tensors: Record<string, Tensor>;
  /** The header's `__metadata__` ({} when absent). */
  metadata: Record<string, string>;
  /** Each tensor's dtype in the file (`I64` for a tensor loaded as int32, ...). */
  dtypes: Record<string, SafetensorsDType>;
}

/**
 * Encodes tensors in the safetensors format, byte for byte as the Hugging
 * Face implementation does: an 8-byte little-endian header length, a compact
 * JSON header (`__metadata__` first, keys sorted) padded with spaces to a
 * multiple of 8 bytes, then the data, laid out by dtype alignment (largest
 * first) and then by name.
 *
 * float32 -> F32, float64 -> F64, int32 -> I32 (or I64 with `int64`), bool -> BOOL.
 *
 * Example:
 *   const bytes = serialize({ weight: randn([3, 2]) }, { metadata: { format: 'pt' } });
 *   deserialize(bytes).tensors.weight.shape; // [3, 2]
 */
export function serialize(tensors: TensorMap, opts: SerializeOptions = {}): Uint8Array {
  return encodeSafetensors(tensors, opts, 'serialize');
}

/**
 * Decodes a safetensors buffer, checking it completely first: a truncated or
 * corrupt buffer throws a FormatError and nothing is returned.
 *
 * Reads F32, F64, BOOL as they are; F16 and BF16 as float32; I32, I64 and the
 * smaller integer types as int32 (a value outside int32 is refused).
 *
 * Example:
 *   const { tensors, metadata } = deserialize(bytes);
 */
export function deserialize(bytes: Uint8Array, opts: { source?: string } = {}): SafetensorsContent {
  return decodeSafetensors(bytes, opts.source ?? 'deserialize');
}

/** @internal serialize with the calling op's name in errors. */
export function encodeSafetensors(tensors: TensorMap, opts: SerializeOptions, op: string): Uint8Array {
  const items = entriesOf(tensors, op);
  const int64 = int64Names(items, opts.int64, op);
  const meta = opts.metadata === undefined ? null : checkMetadata(opts.metadata, op);

  const layout = items.map(([name, t]) => ({ name, t, dtype: writtenAs(t.dtype, int64.has(name)) }));
  layout.sort((a, b) => dtypeRank(b.dtype) - dtypeRank(a.dtype) || compareCodePoints(a.name, b.name));

  const parts: string[] = [];
  if (meta !== null) {
    const keys = Object.keys(meta).sort(compareCodePoints);
    parts.push(`"__metadata__":{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(meta[k])}`).join(',')}}`);
  }
  let offset = 0;
  const placed = layout.map((l) => {
    const begin = offset;
    offset += l.t.size * dtypeSize(l.dtype);
    parts.push(`${JSON.stringify(l.name)}:{"dtype":"${l.dtype}","shape":[${l.t.shape.join(',')}],"data_offsets":[${begin},${offset}]}`);
    return { ...l, begin };
  });
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerLen = Math.ceil(json.length / 8) * 8;

  const out = new Uint8Array(8 + headerLen + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLen % 2 ** 32, true);
  view.setUint32(4, Math.floor(headerLen / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLen);
  for (const p of placed) encodeData(p.dtype as WritableDType, p.t.data, out, 8 + headerLen + p.begin);
  return out;
}

/** @internal deserialize with `source` (op and file) in errors. */
export function decodeSafetensors(bytes: Uint8Array, source: string): SafetensorsContent {
  if (!(bytes instanceof Uint8Array)) {
    throw new FormatError(`${source}: expected the file's bytes as a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`);
  }
  // A plain view: Node's Buffer overrides slice() to share memory.
  bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { entries, metadata, dataStart } = parseHeader(bytes, source);
  const tensors: [string, Tensor][] = [];
  const dtypes: [string, SafetensorsDType][] = [];
  for (const e of entries) {
    const raw = bytes.subarray(dataStart + e.begin, dataStart + e.end);
    const count = e.shape.reduce((n, s) => n * s, 1);
    const data = decodeData(e.dtype, raw, count, `${source}: tensor "${e.name}"`);
    tensors.push([e.name, new Tensor(data, e.shape)]);
    dtypes.push([e.name, e.dtype]);
  }
  return {
    tensors: Object.fromEntries(tensors),
    metadata: metadata ?? {},
    dtypes: Object.fromEntries(dtypes),
  };
}

function entriesOf(tensors: TensorMap, op: string): [string, Tensor][] {
  if (tensors === null || typeof tensors !== 'object') {
    throw new NeuroneError(`${op}: expected an object of named tensors, got ${tensors === null ? 'null' : typeof tensors}`);
  }
  const items = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  for (const [name, t] of items) {
    if (typeof name !== 'string') throw new NeuroneError(`${op}: tensor names must be strings, got ${typeof name}`);
    if (name === '__metadata__') throw new NeuroneError(`${op}: "__metadata__" is reserved for metadata and cannot name a tensor`);
    if (!(t instanceof Tensor)) {
      throw new NeuroneError(`${op}: "${name}" must be a Tensor, got ${t === null ? 'null' : Array.isArray(t) ? 'an array' : typeof t}`);
    }
  }
  return items;
}

function int64Names(items: [string, Tensor][], int64: SerializeOptions['int64'], op: string): Set<string> {
  if (int64 === undefined || int64 === false) return new Set();
  if (int64 === true) return new Set(items.filter(([, t]) => t.dtype === 'int32').map(([n]) => n));
  const byName = new Map(items);
  for (const name of int64) {
    const t = byName.get(name);
    if (t === undefined) throw new NeuroneError(`${op}: int64 names "${name}", which is not among the tensors`);
    if (t.dtype !== 'int32') throw new NeuroneError(`${op}: int64 applies to int32 tensors, but "${name}" is ${t.dtype}`);
  }
  return new Set(int64);
}

function checkMetadata(meta: Readonly<Record<string, string>>, op: string): Record<string, string> {
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) {
    throw new NeuroneError(`${op}: metadata must be an object of strings`);
  }
  for (const [k, v] of Object.entries(meta)) {
    if (typeof v !== 'string') throw new NeuroneError(`${op}: metadata values must be strings, but "${k}" is ${typeof v}`);
  }
  return meta as Record<string, string>;
}

/** Orders strings by Unicode code point, as Rust and Python compare them (not by UTF-16 unit). */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done ? (y.done ? 0 : -1) : 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}
