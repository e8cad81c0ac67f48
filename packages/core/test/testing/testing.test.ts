// @neurone/core/testing: expectClose's tolerances, shapes and special values, and fixture parsing.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/index.js';
import { expectClose, parseJsonFixture, readJsonFixture } from '../../src/testing/index.js';

describe('expectClose', () => {
  it('accepts values within atol + rtol * |expected| (a number tol is both)', () => {
    expectClose(tensor([[1, 2]]), [[1, 2.0001]], 1e-4);
    expectClose(tensor([100]), [100.01], 1e-4);
    expectClose([1, 2], tensor([1, 2]), 0);
    expectClose(3, 3.0000001, { atol: 1e-6 });
    expectClose(Float32Array.of(1, 2), [1, 2], 0);
    expectClose(tensor([1, 2]), { shape: [2], data: [1, 2] }, 0);
    expect(() => expectClose(tensor([1]), [1.1], 1e-4, 'y')).toThrow(/^y\[0\]: expected 1\.1, got 1 /);
    expect(() => expectClose(tensor([100]), [100.1], { atol: 1e-3 })).toThrow(/1 of 1 elements off/);
    expectClose(tensor([100]), [100.1], { atol: 1e-3, rtol: 1e-3 });
  });

  it('matches NaN only with NaN and an infinity only with itself', () => {
    expectClose([NaN, Infinity, -Infinity], [NaN, Infinity, -Infinity], 0);
    expect(() => expectClose([1], [NaN])).toThrow(/expected NaN, got 1/);
    expect(() => expectClose([NaN], [1])).toThrow(/expected 1, got NaN/);
    expect(() => expectClose([1e308], [Infinity], 1)).toThrow(/expected Infinity/);
  });

  it('checks shapes and sizes, and rejects a missing value', () => {
    expect(() => expectClose(tensor([1, 2]), [[1, 2]], 0, 'x')).toThrow('x: shape [2], expected [1, 2]');
    expect(() => expectClose(tensor([[1, 2]]), { shape: [2, 1], data: [1, 2] })).toThrow(/shape \[1, 2\], expected \[2, 1\]/);
    expect(() => expectClose([1, 2], [1, 2, 3])).toThrow('value: 2 elements, expected 3');
    expect(() => expectClose(null, [1], 1e-4, 'grad')).toThrow('grad: expected a value, got null');
  });

  it('reports the first element off and how many are', () => {
    expect(() => expectClose([0, 1, 2, 3], [0, 0, 0, 3], 0.1)).toThrow(/^value\[1\]: expected 0, got 1 .*2 of 4 elements off/);
  });
});

describe('parseJsonFixture / readJsonFixture', () => {
  it('revives the strings the fixture scripts write for non-finite numbers, anywhere', () => {
    const v = parseJsonFixture<{ a: unknown[]; b: { c: unknown }; name: string; other: string }>(
      '{"a":[1,"NaN",["Infinity"]],"b":{"c":"-Infinity"},"name":"x","other":"toString"}',
    );
    expect(v.a[0]).toBe(1);
    expect(v.a[1]).toBeNaN();
    expect(v.a[2]).toEqual([Infinity]);
    expect(v.b.c).toBe(-Infinity);
    expect(v.name).toBe('x');
    expect(v.other).toBe('toString');
  });

  it('reads a file by path or URL', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'neurone-testing-')), 'f.json');
    writeFileSync(file, '{"x":["NaN",2]}');
    expect(readJsonFixture(file).x[1]).toBe(2);
    expect(readJsonFixture(pathToFileURL(file)).x[0]).toBeNaN();
  });
});
