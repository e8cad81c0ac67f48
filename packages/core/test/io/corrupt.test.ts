// Every way a safetensors file can be malformed is refused with a FormatError naming the file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError, tensor } from '../../src/index.js';
import { deserialize, load, loadCheckpoint, loadFile, MAX_HEADER_BYTES, serialize } from '../../src/io/index.js';

const dir = mkdtempSync(join(tmpdir(), 'neurone-corrupt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A file whose header text is exactly `header` (no padding), followed by `dataBytes` zero bytes. */
function raw(header: string, dataBytes: number, declaredLength?: number): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setUint32(0, declaredLength ?? json.length, true);
  out.set(json, 8);
  return out;
}

/** Writes `bytes` to a file and returns the message loadFile throws (failing if it does not throw a FormatError). */
function refusal(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  try {
    loadFile(path);
  } catch (e) {
    expect(e).toBeInstanceOf(FormatError);
    expect((e as Error).message.startsWith(`loadFile: ${path}: `)).toBe(true);
    return (e as Error).message.slice(`loadFile: ${path}: `.length);
  }
  throw new Error(`loadFile accepted ${name}`);
}

const entry = (dtype: string, shape: number[], begin: number, end: number) => ({ dtype, shape, data_offsets: [begin, end] });

describe('truncation', () => {
  const good = serialize(
    { w: tensor([[1, 2], [3, 4]]), b: tensor([0.5], { dtype: 'float64' }), n: tensor([7], { dtype: 'int32' }) },
    { metadata: { format: 'pt' } },
  );

  it('the intact file loads', () => {
    const path = join(dir, 'good.safetensors');
    writeFileSync(path, good);
    expect(loadFile(path).tensors.w!.toArray()).toEqual([[1, 2], [3, 4]]);
  });

  it('a file cut at every byte offset is refused with a message naming the file', () => {
    const path = join(dir, 'cut.safetensors');
    const messages = new Set<string>();
    for (let n = 0; n < good.length; n++) {
      writeFileSync(path, good.subarray(0, n));
      let error: unknown = null;
      try {
        loadFile(path);
      } catch (e) {
        error = e;
      }
      expect(error, `cut at ${n} of ${good.length} bytes`).toBeInstanceOf(FormatError);
      expect((error as Error).message).toMatch(new RegExp(`^loadFile: ${path}: .*(too short|truncated)`));
      messages.add((error as Error).message.replace(/\d+/g, 'N'));
    }
    // the three stages a cut can fall in: length prefix, header, data
    expect(messages.size).toBe(3);
  });

  it('every cut is refused by the buffer form too', () => {
    for (let n = 0; n < good.length; n++) expect(() => deserialize(good.subarray(0, n))).toThrow(/^deserialize: /);
  });

  it('says what is missing', () => {
    expect(refusal('five.safetensors', good.subarray(0, 5))).toBe(
      '5 bytes is too short for a safetensors file, which starts with an 8-byte header length (truncated or not safetensors)',
    );
    const headerLen = new DataView(good.buffer).getUint32(0, true);
    expect(refusal('header.safetensors', good.subarray(0, 20))).toBe(
      `header length ${headerLen} bytes runs past the end of the file (20 bytes): the file is truncated`,
    );
    expect(refusal('data.safetensors', good.subarray(0, good.length - 3))).toBe(
      `the header describes ${good.length - 8 - headerLen} bytes of tensor data but only ${good.length - 11 - headerLen} follow it: the file is truncated`,
    );
  });
});

describe('malformed headers', () => {
  it('a header length over 100 MB', () => {
    const bytes = raw('{}', 0, MAX_HEADER_BYTES + 1);
    expect(refusal('huge.safetensors', bytes)).toBe('header length 100000001 bytes exceeds the limit of 100000000 bytes (100 MB): corrupt or not safetensors');
    const beyond32 = new Uint8Array(16);
    new DataView(beyond32.buffer).setUint32(4, 1, true); // 2^32
    expect(refusal('huge64.safetensors', beyond32)).toMatch(/^header length 4294967296 bytes exceeds the limit/);
  });

  it('a header length beyond the file', () => {
    expect(refusal('beyond.safetensors', raw('{}', 0, 100))).toBe('header length 100 bytes runs past the end of the file (10 bytes): the file is truncated');
  });

  it('invalid UTF-8, invalid JSON, a non-object', () => {
    const bad = raw('{"a":1}', 0);
    bad[10] = 0xff;
    expect(refusal('utf8.safetensors', bad)).toBe('header is not valid UTF-8');
    expect(refusal('json.safetensors', raw('{"w": {', 0))).toMatch(/^header is not valid JSON \(/);
    expect(refusal('bom.safetensors', raw('\uFEFF{}', 0))).toMatch(/^header is not valid JSON/);
    expect(refusal('array.safetensors', raw('[1,2]', 0))).toBe('header must be a JSON object, got an array');
    expect(refusal('null.safetensors', raw('null', 0))).toBe('header must be a JSON object, got null');
  });

  it('an unknown dtype, a bad shape, bad offsets, bad metadata', () => {
    expect(refusal('dtype.safetensors', raw(JSON.stringify({ w: entry('F12', [1], 0, 4) }), 4))).toBe('tensor "w": unknown dtype "F12"');
    expect(refusal('dtype2.safetensors', raw(JSON.stringify({ w: { shape: [1], data_offsets: [0, 4] } }), 4))).toBe(
      'tensor "w": dtype must be a string, got nothing',
    );
    expect(refusal('shape.safetensors', raw(JSON.stringify({ w: entry('F32', [-1], 0, 4) }), 4))).toBe(
      'tensor "w": shape must be an array of non-negative integers, got [-1]',
    );
    expect(refusal('offs.safetensors', raw(JSON.stringify({ w: { dtype: 'F32', shape: [1], data_offsets: [0] } }), 4))).toBe(
      'tensor "w": data_offsets must be [begin, end] with non-negative integers, got [0]',
    );
    expect(refusal('rev.safetensors', raw(JSON.stringify({ w: entry('F32', [1], 4, 0) }), 4))).toBe('tensor "w": data_offsets [4, 0] end before they begin');
    expect(refusal('meta.safetensors', raw(JSON.stringify({ __metadata__: { epoch: 3 } }), 0))).toBe(
      '__metadata__ must map strings to strings, but "epoch" is the number 3',
    );
    expect(refusal('info.safetensors', raw(JSON.stringify({ w: 'F32' }), 0))).toBe('tensor "w": expected {dtype, shape, data_offsets}, got the string "F32"');
  });

  it('data_offsets that do not match shape x dtype size', () => {
    expect(refusal('size.safetensors', raw(JSON.stringify({ w: entry('F32', [2, 3], 0, 20) }), 20))).toBe(
      'tensor "w": shape [2,3] of F32 needs 24 bytes, but data_offsets [0, 20] hold 20',
    );
  });

  it('overlapping data_offsets', () => {
    const h = JSON.stringify({ a: entry('F32', [2], 0, 8), b: entry('F32', [2], 4, 12) });
    expect(refusal('overlap.safetensors', raw(h, 12))).toBe('data_offsets of tensors "a" [0, 8] and "b" [4, 12] overlap');
  });

  it('data_offsets that leave a gap (at the start or between tensors)', () => {
    const h = JSON.stringify({ a: entry('F32', [1], 0, 4), b: entry('F32', [1], 8, 12) });
    expect(refusal('gap.safetensors', raw(h, 12))).toBe('data_offsets leave a gap of 4 bytes before tensor "b" [8, 12]: the data before it ends at 4');
    expect(refusal('gap0.safetensors', raw(JSON.stringify({ a: entry('F32', [1], 4, 8) }), 8))).toMatch(/^data_offsets leave a gap of 4 bytes before tensor "a"/);
  });

  it('data_offsets that run past the end of the file', () => {
    const h = JSON.stringify({ a: entry('F32', [4], 0, 16) });
    expect(refusal('past.safetensors', raw(h, 8))).toBe('the header describes 16 bytes of tensor data but only 8 follow it: the file is truncated');
  });

  it('trailing bytes after the last tensor', () => {
    const h = JSON.stringify({ a: entry('F32', [1], 0, 4) });
    expect(refusal('trailing.safetensors', raw(h, 7))).toBe("3 trailing bytes after the last tensor's data (the header describes 4 bytes of data)");
    const good = serialize({ w: tensor([1]) });
    const longer = new Uint8Array(good.length + 1);
    longer.set(good);
    expect(refusal('trailing1.safetensors', longer)).toMatch(/^1 trailing bytes/);
  });

  it('load and loadCheckpoint name themselves and the file too', () => {
    const path = join(dir, 'junk.safetensors');
    writeFileSync(path, new Uint8Array([1, 2, 3]));
    expect(() => load(path)).toThrow(new RegExp(`^load: ${path}: 3 bytes is too short`));
    expect(() => loadCheckpoint(path)).toThrow(new RegExp(`^loadCheckpoint: ${path}: 3 bytes is too short`));
  });
});
