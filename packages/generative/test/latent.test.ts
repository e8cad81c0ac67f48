import { describe, expect, it } from 'vitest';
import { tensor } from '@neurone/core';
import { interpolate } from '../src/index.js';
import { expectClose } from './helpers.js';

describe('interpolate', () => {
  const a = tensor([1, 0]);
  const b = tensor([0, 1]);

  it('linear: evenly spaced points on the segment, both ends included', () => {
    const p = interpolate(tensor([0, 2]), tensor([4, 6]), 5);
    expectClose(p, [[0, 2], [1, 3], [2, 4], [3, 5], [4, 6]], 1e-7);
    expectClose(interpolate(a, b, 1), [[1, 0]], 0);
  });

  it('spherical: stays on the arc between orthogonal unit codes', () => {
    const p = interpolate(a, b, 3, { mode: 'spherical' });
    const s = Math.SQRT1_2;
    expectClose(p, [[1, 0], [s, s], [0, 1]], 1e-7);
    const q = interpolate(a, b, 7, { mode: 'spherical' });
    for (let i = 0; i < 7; i++) {
      const [x, y] = [q.data[2 * i]!, q.data[2 * i + 1]!];
      expect(Math.hypot(x, y)).toBeCloseTo(1, 6);
      // equal angular steps of 15°
      expect(Math.atan2(y, x)).toBeCloseTo((i * Math.PI) / 12, 6);
    }
    // the linear path cuts through the middle: norm √½ at t = ½
    const l = interpolate(a, b, 3);
    expect(Math.hypot(l.data[2]!, l.data[3]!)).toBeCloseTo(Math.SQRT1_2, 6);
  });

  it('spherical with a 60° angle matches the slerp formula; parallel codes fall back to linear', () => {
    const c = tensor([Math.cos(Math.PI / 3), Math.sin(Math.PI / 3)]);
    const p = interpolate(tensor([2, 0]), c, 3, { mode: 'spherical' });
    // sin(Ω/2)/sin Ω = 1 / (2 cos 30°)
    const w = 1 / (2 * Math.cos(Math.PI / 6));
    expectClose(p.select(0, 1), [w * (2 + c.data[0]!), w * c.data[1]!], 1e-6);
    const par = interpolate(tensor([1, 1]), tensor([2, 2]), 3, { mode: 'spherical' });
    expectClose(par, [[1, 1], [1.5, 1.5], [2, 2]], 1e-7);
  });

  it('interpolates a batch of pairs row by row', () => {
    const za = tensor([[1, 0], [0, 0]]);
    const zb = tensor([[0, 1], [2, 2]]);
    const p = interpolate(za, zb, 3, { mode: 'spherical' });
    expect(p.shape).toEqual([3, 2, 2]);
    expectClose(p.select(1, 0), [[1, 0], [Math.SQRT1_2, Math.SQRT1_2], [0, 1]], 1e-6);
    // a zero code has no direction: linear
    expectClose(p.select(1, 1), [[0, 0], [1, 1], [2, 2]], 1e-7);
  });

  it('rejects mismatched codes and bad arguments', () => {
    expect(() => interpolate(tensor([1, 2]), tensor([1, 2, 3]), 3)).toThrow(/must be codes of one shape/);
    expect(() => interpolate(a, b, 0)).toThrow(/steps must be a positive integer/);
    expect(() => interpolate(a, b, 3, { mode: 'cubic' as never })).toThrow(/mode must be/);
  });
});
