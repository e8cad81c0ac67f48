// Files on disk: saveFile/loadFile, save/load, and atomic replacement.
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NeuroneError, Tensor, randn, tensor, Generator } from '../../src/index.js';
import { load, loadFile, save, saveFile, serialize } from '../../src/io/index.js';

const dir = mkdtempSync(join(tmpdir(), 'neurone-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('saveFile / loadFile', () => {
  it('round-trips tensors, metadata and file dtypes', () => {
    const path = join(dir, 'rt.safetensors');
    const w = randn([3, 4], { generator: new Generator(1) });
    saveFile({ w, y: tensor([1, 2], { dtype: 'int32' }) }, path, { metadata: { note: 'hi' }, int64: true });
    const back = loadFile(path);
    expect(back.tensors.w!.toArray()).toEqual(w.toArray());
    expect(back.tensors.y!.toArray()).toEqual([1, 2]);
    expect(back.dtypes).toEqual({ y: 'I64', w: 'F32' });
    expect(back.metadata).toEqual({ note: 'hi' });
  });

  it('writes exactly the bytes serialize makes', () => {
    const path = join(dir, 'bytes.safetensors');
    const tensors = { a: tensor([1, 2, 3]), b: tensor([[true]]) };
    saveFile(tensors, path, { metadata: { k: 'v' } });
    expect(Buffer.from(readFileSync(path)).equals(Buffer.from(serialize(tensors, { metadata: { k: 'v' } })))).toBe(true);
  });

  it('a missing file is a NeuroneError naming the op and path', () => {
    const path = join(dir, 'nope.safetensors');
    expect(() => loadFile(path)).toThrow(NeuroneError);
    expect(() => loadFile(path)).toThrow(`loadFile: cannot read ${path}: ENOENT`);
  });
});

describe('save / load (state dicts)', () => {
  it('round-trips a state dict and marks it format pt', () => {
    const path = join(dir, 'sd.safetensors');
    const sd = { '0.weight': randn([2, 3]), '0.bias': randn([2]), 'bn.num_batches_tracked': tensor(5, { dtype: 'int32' }) };
    save(sd, path);
    const back = load(path);
    expect(Object.keys(back).sort()).toEqual(Object.keys(sd).sort());
    for (const [k, t] of Object.entries(sd)) expect(back[k]!.toArray()).toEqual(t.toArray());
    expect(loadFile(path).metadata).toEqual({ format: 'pt' });
    save(sd, path, { metadata: { epoch: '3' }, int64: ['bn.num_batches_tracked'] });
    expect(loadFile(path).metadata).toEqual({ format: 'pt', epoch: '3' });
    expect(loadFile(path).dtypes['bn.num_batches_tracked']).toBe('I64');
  });

  it('accepts a Map and names itself in errors', () => {
    const path = join(dir, 'map.safetensors');
    save(new Map([['w', tensor([1])]]), path);
    expect(load(path).w!.toArray()).toEqual([1]);
    expect(() => save({ w: 3 as unknown as Tensor }, path)).toThrow('save: "w" must be a Tensor, got number');
  });
});

describe('atomic writes', () => {
  const tempFiles = (d: string) => readdirSync(d).filter((f) => f.endsWith('.tmp'));

  it('replaces the file by rename: a hard link to the old file keeps the old bytes', () => {
    const d = mkdtempSync(join(dir, 'link-'));
    const path = join(d, 'm.safetensors');
    saveFile({ w: tensor([1]) }, path);
    const old = readFileSync(path);
    linkSync(path, join(d, 'old-link'));
    saveFile({ w: tensor([2, 3]) }, path);
    // written in place, the link would show the new bytes too
    expect(readFileSync(join(d, 'old-link')).equals(old)).toBe(true);
    expect(loadFile(path).tensors.w!.toArray()).toEqual([2, 3]);
    expect(tempFiles(d)).toEqual([]);
  });

  it('keeps the permissions of the file it replaces', () => {
    const path = join(dir, 'mode.safetensors');
    saveFile({ w: tensor([1]) }, path);
    chmodSync(path, 0o600);
    saveFile({ w: tensor([2]) }, path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('on a failed rename, leaves no temp file and throws naming the target', () => {
    const d = mkdtempSync(join(dir, 'fail-'));
    const target = join(d, 'is-a-dir.safetensors');
    mkdirSync(target);
    writeFileSync(join(target, 'keep'), 'x');
    expect(() => saveFile({ w: tensor([1]) }, target)).toThrow(new RegExp(`^saveFile: cannot write ${target}: `));
    expect(readFileSync(join(target, 'keep'), 'utf8')).toBe('x');
    expect(tempFiles(d)).toEqual([]);
  });

  it('on invalid input, leaves the old file untouched and writes nothing', () => {
    const d = mkdtempSync(join(dir, 'bad-'));
    const path = join(d, 'm.safetensors');
    saveFile({ w: tensor([1, 2]) }, path);
    const before = readFileSync(path);
    expect(() => saveFile({ w: tensor([1]), v: 'oops' as unknown as Tensor }, path)).toThrow(/saveFile: "v" must be a Tensor/);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(d)).toEqual(['m.safetensors']);
  });

  it('into a missing directory, fails with the target path and creates nothing', () => {
    const path = join(dir, 'no-such-dir', 'm.safetensors');
    expect(() => saveFile({ w: tensor([1]) }, path)).toThrow(`saveFile: cannot write ${path}: ENOENT`);
    expect(existsSync(join(dir, 'no-such-dir'))).toBe(false);
  });
});
