import { describe, expect, it } from 'vitest';
import { FormatError, NeuroneError, Tensor, tensor, zeros } from '../../src/index.js';
import { bf16ToNumber, compareCodePoints, deserialize, f16ToNumber, serialize } from '../../src/io/index.js';

const text = (b: Uint8Array) => new TextDecoder().decode(b);
/** The parsed JSON header of a serialized buffer. */
const headerOf = (b: Uint8Array) => JSON.parse(text(b.subarray(8, 8 + new DataView(b.buffer, b.byteOffset).getUint32(0, true))));

/** A safetensors buffer from a header object and raw data, the way a foreign writer might lay it out. */
function build(header: object, data: number[] | Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function le(kind: 'u16' | 'i32' | 'u32' | 'i64' | 'u64', values: (number | bigint)[]): number[] {
  const size = { u16: 2, i32: 4, u32: 4, i64: 8, u64: 8 }[kind];
  const v = new DataView(new ArrayBuffer(values.length * size));
  values.forEach((x, i) => {
    if (kind === 'u16') v.setUint16(i * 2, Number(x), true);
    else if (kind === 'i32') v.setInt32(i * 4, Number(x), true);
    else if (kind === 'u32') v.setUint32(i * 4, Number(x), true);
    else if (kind === 'i64') v.setBigInt64(i * 8, BigInt(x), true);
    else v.setBigUint64(i * 8, BigInt(x), true);
  });
  return [...new Uint8Array(v.buffer)];
}

describe('serialize: byte layout of the reference implementation', () => {
  it('matches the Rust test vector for one F32 tensor (test_serialization)', () => {
    const out = serialize({ 'attn.0': tensor([0, 1, 2, 3, 4, 5], { shape: [1, 2, 3] }) });
    // from huggingface/safetensors safetensors/src/tensor.rs
    expect([...out]).toEqual([
      64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100, 116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34,
      115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115, 101, 116, 115, 34, 58, 91,
      48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
    ]);
  });

  it('pads the header with spaces to a multiple of 8 (test_serialization_forced_alignement)', () => {
    const out = serialize({ attn0: tensor([0, 1, 2, 3, 4, 5], { shape: [1, 1, 2, 3] }) });
    expect(new DataView(out.buffer).getUint32(0, true)).toBe(72);
    expect(text(out.subarray(8, 80))).toBe(`{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}${' '.repeat(7)}`);
  });

  it('writes an empty file and metadata like the reference (test_empty)', () => {
    expect([...serialize({})]).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    const out = serialize({}, { metadata: { framework: 'pt' } });
    expect(out[0]).toBe(40);
    expect(text(out.subarray(8))).toBe('{"__metadata__":{"framework":"pt"}}     ');
  });

  it('lays tensors out by dtype alignment (I64 > F64 > F32 > I32 > BOOL), then by name', () => {
    const out = serialize(
      {
        b32: tensor([1]), a32: tensor([2]), flag: tensor([true]), d: tensor([1], { dtype: 'float64' }),
        i: tensor([1], { dtype: 'int32' }), l: tensor([5], { dtype: 'int32' }),
      },
      { int64: ['l'] },
    );
    const header = headerOf(out);
    expect(Object.keys(header)).toEqual(['l', 'd', 'a32', 'b32', 'i', 'flag']);
    expect(header.l).toEqual({ dtype: 'I64', shape: [1], data_offsets: [0, 8] });
    expect(header.flag.data_offsets).toEqual([28, 29]); // 8 (I64) + 8 (F64) + 3 * 4 (F32, F32, I32)
  });

  it('orders names by Unicode code point, as Rust and Python do, not by UTF-16 unit', () => {
    expect(['😀', '\uFFFD', 'é', 'Z', 'a'].sort(compareCodePoints)).toEqual(['Z', 'a', 'é', '\uFFFD', '😀']);
    expect(compareCodePoints('ab', 'abc')).toBeLessThan(0);
    expect(compareCodePoints('abc', 'abc')).toBe(0);
    const out = serialize({ '😀': tensor([1]), '\uFFFD': tensor([2]) });
    expect(Object.keys(headerOf(out))).toEqual(['\uFFFD', '😀']);
  });

  it('sorts metadata keys and puts __metadata__ first', () => {
    const out = serialize({ x: tensor([1]) }, { metadata: { zeta: '1', alpha: '2' } });
    expect(text(out.subarray(8)).startsWith('{"__metadata__":{"alpha":"2","zeta":"1"},"x":')).toBe(true);
  });

  it('writes int32 as I64 for all int32 tensors with int64: true, sign-extended', () => {
    const out = serialize({ a: tensor([-2, 3], { dtype: 'int32' }), f: tensor([1.5]) }, { int64: true });
    const back = deserialize(out);
    expect(back.dtypes).toEqual({ a: 'I64', f: 'F32' });
    expect(back.tensors.a!.toArray()).toEqual([-2, 3]);
    expect([...out.subarray(out.length - 20, out.length - 4)]).toEqual(le('i64', [-2, 3]));
  });

  it('refuses bad input with messages naming the op', () => {
    expect(() => serialize({ a: [1, 2] as unknown as Tensor })).toThrow('serialize: "a" must be a Tensor, got an array');
    expect(() => serialize({ __metadata__: tensor([1]) })).toThrow(/reserved/);
    expect(() => serialize({ a: tensor([1.5]) }, { int64: ['a'] })).toThrow('serialize: int64 applies to int32 tensors, but "a" is float32');
    expect(() => serialize({ a: tensor([1]) }, { int64: ['b'] })).toThrow(/not among the tensors/);
    expect(() => serialize({ a: tensor([1]) }, { metadata: { n: 3 as unknown as string } })).toThrow('serialize: metadata values must be strings, but "n" is number');
    expect(() => serialize(null as unknown as Record<string, Tensor>)).toThrow(NeuroneError);
  });
});

describe('serialize / deserialize round trip', () => {
  it('keeps every writable dtype, shape and value (0-d and empty included)', () => {
    const tensors = {
      f32: tensor([[1.5, -0, NaN], [Infinity, -Infinity, 1e-40]]),
      f64: tensor([0.1, 1 / 3, -5e-324], { dtype: 'float64' }),
      i32: tensor([-2147483648, 2147483647, 0], { dtype: 'int32' }),
      b: tensor([[true, false], [false, true]]),
      s: tensor(7),
      e: zeros([2, 0, 3]),
      [`${'long'.repeat(20)}.name`]: tensor([1]),
    };
    const back = deserialize(serialize(tensors, { metadata: { k: 'v' } }));
    expect(back.metadata).toEqual({ k: 'v' });
    expect(Object.keys(back.tensors).sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) {
      const u = back.tensors[name]!;
      expect(u.shape).toEqual(t.shape);
      expect(u.dtype).toBe(t.dtype);
      expect(Array.from(u.data).every((v, i) => Object.is(v, t.data[i]))).toBe(true);
    }
  });

  it('accepts a Map, and a Node Buffer that is a view into a larger pool', () => {
    const out = serialize(new Map([['w', tensor([1, 2, 3])]]));
    const pool = Buffer.alloc(out.length + 13);
    pool.set(out, 5);
    expect(deserialize(pool.subarray(5, 5 + out.length)).tensors.w!.toArray()).toEqual([1, 2, 3]);
  });

  it('returns tensors that own their storage (not views of the input buffer)', () => {
    const out = serialize({ w: tensor([1, 2]) });
    const t = deserialize(out).tensors.w!;
    out.fill(0, out.length - 8);
    expect(t.toArray()).toEqual([1, 2]);
  });

  it('has no absent __metadata__ and keeps names like __proto__ as plain keys', () => {
    const back = deserialize(serialize({ ['__proto__']: tensor([4]) } as Record<string, Tensor>));
    expect(back.metadata).toEqual({});
    expect(Object.keys(back.tensors)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(back.tensors)).toBe(Object.prototype);
  });
});

describe('deserialize: dtypes written by other tools', () => {
  it('reads F16 (normal, subnormal, inf, nan, -0) as float32', () => {
    const bits = [0x3c00, 0xc100, 0x7bff, 0x0001, 0x7c00, 0xfc00, 0x7e00, 0x8000];
    const t = deserialize(build({ h: { dtype: 'F16', shape: [8], data_offsets: [0, 16] } }, le('u16', bits))).tensors.h!;
    expect(t.dtype).toBe('float32');
    const v = Array.from(t.data);
    expect(v.slice(0, 6)).toEqual([1, -2.5, 65504, 2 ** -24, Infinity, -Infinity]);
    expect(Number.isNaN(v[6])).toBe(true);
    expect(Object.is(v[7], -0)).toBe(true);
    expect(f16ToNumber(0x3555)).toBeCloseTo(1 / 3, 3);
  });

  it('reads BF16 as float32 (the top half of the float32 bits)', () => {
    const t = deserialize(build({ b: { dtype: 'BF16', shape: [3], data_offsets: [0, 6] } }, le('u16', [0x3f80, 0xc049, 0xff80]))).tensors.b!;
    expect(t.toArray()).toEqual([1, -3.140625, -Infinity]);
    expect(bf16ToNumber(0x4049)).toBe(3.140625);
  });

  it('reads I64 within int32 as int32 and refuses others, naming tensor, element and value', () => {
    const ok = deserialize(build({ l: { dtype: 'I64', shape: [3], data_offsets: [0, 24] } }, le('i64', [-2147483648, 2147483647, -1])));
    expect(ok.tensors.l!.dtype).toBe('int32');
    expect(ok.tensors.l!.toArray()).toEqual([-2147483648, 2147483647, -1]);
    expect(ok.dtypes.l).toBe('I64');
    for (const bad of [2147483648n, -2147483649n, 2n ** 62n, -(2n ** 63n)]) {
      const buf = build({ l: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } }, le('i64', [0, bad]));
      expect(() => deserialize(buf)).toThrow(`deserialize: tensor "l": element 1 of this I64 tensor is ${bad}, outside the int32 range`);
    }
  });

  it('reads the small integer types and U32/U64 (range-checked) as int32', () => {
    const buf = build(
      {
        u8: { dtype: 'U8', shape: [2], data_offsets: [0, 2] },
        i8: { dtype: 'I8', shape: [2], data_offsets: [2, 4] },
        i16: { dtype: 'I16', shape: [1], data_offsets: [4, 6] },
        u16: { dtype: 'U16', shape: [1], data_offsets: [6, 8] },
        u32: { dtype: 'U32', shape: [1], data_offsets: [8, 12] },
        u64: { dtype: 'U64', shape: [1], data_offsets: [12, 20] },
      },
      [255, 1, 0x80, 0x7f, 0x00, 0x80, 0xff, 0xff, ...le('u32', [2147483647]), ...le('u64', [5])],
    );
    const t = deserialize(buf).tensors;
    expect([t.u8, t.i8, t.i16, t.u16, t.u32, t.u64].map((x) => x!.toArray())).toEqual([[255, 1], [-128, 127], [-32768], [65535], [2147483647], [5]]);
    const big = build({ u: { dtype: 'U32', shape: [1], data_offsets: [0, 4] } }, le('u32', [2147483648]));
    expect(() => deserialize(big)).toThrow(/element 0 of this U32 tensor is 2147483648/);
  });

  it('reads BOOL bytes as 0/1 and accepts tensors in any header order', () => {
    const buf = build(
      { z: { dtype: 'BOOL', shape: [3], data_offsets: [4, 7] }, a: { dtype: 'I32', shape: [], data_offsets: [0, 4] } },
      [...le('i32', [-9]), 0, 1, 2],
    );
    const t = deserialize(buf).tensors;
    expect(t.z!.dtype).toBe('bool');
    expect(t.z!.toArray()).toEqual([0, 1, 1]);
    expect(t.a!.item()).toBe(-9);
  });

  it('refuses F8 and other dtypes it cannot hold, as FormatError', () => {
    const buf = build({ q: { dtype: 'F8_E4M3', shape: [1], data_offsets: [0, 1] } }, [0]);
    expect(() => deserialize(buf)).toThrow(FormatError);
    expect(() => deserialize(buf)).toThrow('deserialize: tensor "q": dtype F8_E4M3 is not supported (neurone reads BOOL, U8, I8, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64)');
  });
});
