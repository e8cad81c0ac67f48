// Round trips with PyTorch through committed fixtures (scripts/fixtures/safetensors_roundtrip.py).
//
// Regenerate: `NEURONE_WRITE_FIXTURES=1 npx vitest run test/io/pytorch.test.ts` (in packages/core)
// rewrites neurone_written.*; then `/usr/bin/python3 scripts/fixtures/safetensors_roundtrip.py`
// (from the repo root) writes torch_written.* and records its check of neurone_written.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/index.js';
import { loadFile, serialize } from '../../src/io/index.js';
import { type FixtureValue, fromFixtureValues, toFixtureValues } from './fixture-values.js';
import { NEURONE_FIXTURE, neuroneFixture } from './neurone-fixture.js';

const dir = fileURLToPath(new URL('../fixtures/', import.meta.url));
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

interface FixtureJson {
  metadata: Record<string, string>;
  tensors: Record<string, { dtype: string; shape: number[]; values: FixtureValue[] }>;
  pythonCheck?: { sha256: string; valuesMatch: boolean; bytesIdentical: boolean; torch: string; problems: string[] };
}

/** Same numbers, NaN equal to NaN and -0 distinct from 0. */
function expectSameValues(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Object.is(actual[i], expected[i]), `${what}[${i}]: ${actual[i]} vs ${expected[i]}`).toBe(true);
}

if (process.env.NEURONE_WRITE_FIXTURES === '1') {
  const { tensors, opts } = neuroneFixture();
  const bytes = serialize(tensors, opts);
  const jsonPath = `${dir}${NEURONE_FIXTURE}.json`;
  const old: FixtureJson | null = existsSync(jsonPath) ? JSON.parse(readFileSync(jsonPath, 'utf8')) : null;
  const json: FixtureJson = {
    metadata: { ...opts.metadata },
    tensors: Object.fromEntries(
      Object.entries(tensors).map(([name, t]) => [
        name,
        { dtype: name === 'labels' ? 'I64' : { float32: 'F32', float64: 'F64', int32: 'I32', bool: 'BOOL' }[t.dtype], shape: [...t.shape], values: toFixtureValues(t) },
      ]),
    ),
  };
  // python's verdict stays valid only for the same bytes
  if (old?.pythonCheck?.sha256 === sha256(bytes)) json.pythonCheck = old.pythonCheck;
  writeFileSync(`${dir}${NEURONE_FIXTURE}.safetensors`, bytes);
  writeFileSync(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
}

describe('PyTorch writes, neurone reads (torch_written.safetensors)', () => {
  const expected: FixtureJson = JSON.parse(readFileSync(`${dir}torch_written.json`, 'utf8'));
  const file = loadFile(`${dir}torch_written.safetensors`);

  it('holds every readable dtype', () => {
    const dtypes = new Set(Object.values(expected.tensors).map((t) => t.dtype));
    for (const d of ['F32', 'F64', 'F16', 'BF16', 'I32', 'I64', 'BOOL']) expect(dtypes.has(d), d).toBe(true);
    expect(Object.keys(file.tensors).sort()).toEqual(Object.keys(expected.tensors).sort());
    expect(file.metadata).toEqual(expected.metadata);
  });

  for (const [name, want] of Object.entries(expected.tensors)) {
    it(`reads ${name} (${want.dtype}, shape [${want.shape}]) with identical values`, () => {
      const t = file.tensors[name]!;
      expect(file.dtypes[name]).toBe(want.dtype);
      expect(t.shape).toEqual(want.shape);
      const loadsAs = { F32: 'float32', F16: 'float32', BF16: 'float32', F64: 'float64', BOOL: 'bool' }[want.dtype] ?? 'int32';
      expect(t.dtype).toBe(loadsAs);
      expectSameValues(t.data, fromFixtureValues(want.values), name);
    });
  }

  it('refuses an I64 value outside int32 with a message naming the file, tensor and value', () => {
    const path = `${dir}torch_i64_overflow.safetensors`;
    expect(() => loadFile(path)).toThrow(FormatError);
    expect(() => loadFile(path)).toThrow(`loadFile: ${path}: tensor "big": element 1 of this I64 tensor is 1099511627776, outside the int32 range`);
  });
});

describe('neurone writes, PyTorch reads (neurone_written.safetensors)', () => {
  const committed = new Uint8Array(readFileSync(`${dir}${NEURONE_FIXTURE}.safetensors`));
  const json: FixtureJson = JSON.parse(readFileSync(`${dir}${NEURONE_FIXTURE}.json`, 'utf8'));
  const { tensors, opts } = neuroneFixture();

  it('neurone still writes exactly the committed bytes', () => {
    const bytes = serialize(tensors, opts);
    expect(bytes.length).toBe(committed.length);
    expect(Buffer.from(bytes).equals(Buffer.from(committed))).toBe(true);
  });

  it('the fixture JSON describes the committed tensors', () => {
    expect(json.metadata).toEqual(opts.metadata);
    expect(Object.keys(json.tensors).sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) {
      expect(json.tensors[name]!.shape).toEqual(t.shape);
      expectSameValues(fromFixtureValues(json.tensors[name]!.values), Array.from(t.data), name);
    }
  });

  it('PyTorch read these exact bytes with the right values and wrote them back byte for byte', () => {
    const check = json.pythonCheck;
    expect(check, 'run scripts/fixtures/safetensors_roundtrip.py').toBeDefined();
    expect(check!.sha256).toBe(sha256(committed));
    expect(check!.problems).toEqual([]);
    expect(check!.valuesMatch).toBe(true);
    expect(check!.bytesIdentical).toBe(true);
  });

  it('reads its own file back with identical values and file dtypes', () => {
    const back = loadFile(`${dir}${NEURONE_FIXTURE}.safetensors`);
    expect(back.metadata).toEqual(opts.metadata);
    for (const [name, t] of Object.entries(tensors)) {
      expect(back.dtypes[name]).toBe(json.tensors[name]!.dtype);
      expect(back.tensors[name]!.shape).toEqual(t.shape);
      expect(back.tensors[name]!.dtype).toBe(t.dtype);
      expectSameValues(back.tensors[name]!.data, Array.from(t.data), name);
    }
  });
});
