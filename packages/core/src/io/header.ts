// Parsing and validation of a safetensors header (portable: no Node APIs).
import { FormatError, fmtShape } from '../errors.js';
import { type SafetensorsDType, READABLE, dtypeSize, isKnownDType, isReadableDType } from './dtypes.js';

/** The reference implementation's limit on the JSON header. */
export const MAX_HEADER_BYTES = 100_000_000;

/** One tensor's entry in the header. */
export interface TensorEntry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  /** Byte range inside the data section, [begin, end). */
  begin: number;
  end: number;
}

export interface ParsedHeader {
  /** Entries in data order (by offset). */
  entries: TensorEntry[];
  metadata: Record<string, string> | null;
  /** Where the data section starts in the file: 8 + header length. */
  dataStart: number;
}

/**
 * Reads and checks the header of a safetensors buffer: length prefix, UTF-8
 * JSON, dtypes, shapes, and data offsets that tile the data section exactly
 * (no overlap, no gap, nothing missing, nothing trailing).
 *
 * `source` prefixes every error (`loadFile: model.safetensors`).
 *
 * Example:
 *   const { entries } = parseHeader(bytes, 'deserialize');
 */
export function parseHeader(bytes: Uint8Array, source: string): ParsedHeader {
  const fail = (msg: string): never => {
    throw new FormatError(`${source}: ${msg}`);
  };
  if (bytes.length < 8) {
    fail(`${bytes.length} bytes is too short for a safetensors file, which starts with an 8-byte header length (truncated or not safetensors)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = view.getUint32(4, true) * 2 ** 32 + view.getUint32(0, true);
  if (headerLen > MAX_HEADER_BYTES) {
    fail(`header length ${headerLen} bytes exceeds the limit of ${MAX_HEADER_BYTES} bytes (100 MB): corrupt or not safetensors`);
  }
  if (8 + headerLen > bytes.length) {
    fail(`header length ${headerLen} bytes runs past the end of the file (${bytes.length} bytes): the file is truncated`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + headerLen));
  } catch {
    return fail('header is not valid UTF-8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (!isPlainObject(json)) fail(`header must be a JSON object, got ${describe(json)}`);
  const header = json as Record<string, unknown>;

  let metadata: Record<string, string> | null = null;
  const entries: TensorEntry[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = parseMetadata(info, fail);
      continue;
    }
    entries.push(parseEntry(name, info, fail));
  }

  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  let previous: TensorEntry | null = null;
  for (const e of entries) {
    if (e.begin < expected) {
      fail(`data_offsets of tensors "${previous!.name}" [${previous!.begin}, ${previous!.end}] and "${e.name}" [${e.begin}, ${e.end}] overlap`);
    }
    if (e.begin > expected) {
      fail(`data_offsets leave a gap of ${e.begin - expected} bytes before tensor "${e.name}" [${e.begin}, ${e.end}]: the data before it ends at ${expected}`);
    }
    expected = e.end;
    previous = e;
  }
  const dataStart = 8 + headerLen;
  const available = bytes.length - dataStart;
  if (expected > available) {
    fail(`the header describes ${expected} bytes of tensor data but only ${available} follow it: the file is truncated`);
  }
  if (expected < available) {
    fail(`${available - expected} trailing bytes after the last tensor's data (the header describes ${expected} bytes of data)`);
  }
  return { entries, metadata, dataStart };
}

function parseMetadata(info: unknown, fail: (msg: string) => never): Record<string, string> {
  if (!isPlainObject(info)) fail(`__metadata__ must be an object of strings, got ${describe(info)}`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(info as Record<string, unknown>)) {
    if (typeof v !== 'string') fail(`__metadata__ must map strings to strings, but "${k}" is ${describe(v)}`);
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function parseEntry(name: string, info: unknown, fail: (msg: string) => never): TensorEntry {
  const where = `tensor "${name}"`;
  if (!isPlainObject(info)) fail(`${where}: expected {dtype, shape, data_offsets}, got ${describe(info)}`);
  const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
  if (typeof dtype !== 'string') fail(`${where}: dtype must be a string, got ${describe(dtype)}`);
  const d = dtype as string;
  if (!isKnownDType(d)) fail(`${where}: unknown dtype ${JSON.stringify(d)}`);
  if (!isReadableDType(d)) fail(`${where}: dtype ${d} is not supported (neurone reads ${READABLE.join(', ')})`);
  const dt = d as SafetensorsDType;
  if (!Array.isArray(shape) || !shape.every((s) => Number.isSafeInteger(s) && s >= 0)) {
    fail(`${where}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
    fail(`${where}: data_offsets must be [begin, end] with non-negative integers, got ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) fail(`${where}: data_offsets [${begin}, ${end}] end before they begin`);
  const numel = (shape as number[]).reduce((n, s) => n * s, 1);
  const need = numel * dtypeSize(dt);
  if (!Number.isSafeInteger(need) || need !== end - begin) {
    fail(
      `${where}: shape ${fmtShape(shape as number[])} of ${dt} needs ${need} bytes, but data_offsets [${begin}, ${end}] hold ${end - begin}`,
    );
  }
  return { name, dtype: dt, shape: shape as number[], begin, end };
}

function isPlainObject(x: unknown): boolean {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (x === undefined) return 'nothing';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'string') return `the string ${JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x)}`;
  return typeof x === 'object' ? 'an object' : `the ${typeof x} ${String(x)}`;
}
