// Property-based tests: random shapes and values against the naive reference in ./reference.ts.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import * as core from '../../src/index.js';
import { ShapeError, type Tensor } from '../../src/index.js';
import {
  type Ref, anyRefArb, binaryRef, broadcastPairArb, broadcastRef, broadcastShape, catRef, coordOf, expectClose, flatOf,
  narrowRef, permuteRef, prod, reduceRef, refArb, refArgmax, refLogsumexp, refMax, refMean, refMin, refOf, refSum, refVar,
  forEachBackend, shapeArb, toTensor, valueArb,
} from './reference.js';

const runs = { numRuns: 150 };
// property runs are CPU-bound; leave room on a busy machine
vi.setConfig({ testTimeout: 120_000 });

/** A dim of `ndim` (negative half the time). */
const dimArb = (ndim: number) =>
  fc.tuple(fc.integer({ min: 0, max: Math.max(ndim - 1, 0) }), fc.boolean()).map(([d, neg]) => (neg && ndim > 0 ? d - ndim : d));

/** A set of distinct dims of `ndim`, some negative. */
const dimsArb = (ndim: number) =>
  fc.subarray([...Array(ndim).keys()], { minLength: 1 }).chain((ds) =>
    fc.array(fc.boolean(), { minLength: ds.length, maxLength: ds.length }).map((negs) => ds.map((d, i) => (negs[i] ? d - ndim : d))),
  );

const norm = (d: number, ndim: number) => (d < 0 ? d + ndim : d);

forEachBackend(() => {
  describe('broadcasting binary ops against the reference', () => {
    const binaries: Array<[string, (a: Tensor, b: Tensor) => Tensor, (x: number, y: number) => number]> = [
      ['add', core.add, (x, y) => x + y],
      ['sub', core.sub, (x, y) => x - y],
      ['mul', core.mul, (x, y) => x * y],
      ['div', core.div, (x, y) => x / y],
      ['pow', core.pow, (x, y) => x ** y],
      ['maximum', core.maximum, (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.max(x, y))],
      ['minimum', core.minimum, (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.min(x, y))],
      ['eq', core.eq, (x, y) => Number(x === y)],
      ['ne', core.ne, (x, y) => Number(x !== y)],
      ['lt', core.lt, (x, y) => Number(x < y)],
      ['le', core.le, (x, y) => Number(x <= y)],
      ['gt', core.gt, (x, y) => Number(x > y)],
      ['ge', core.ge, (x, y) => Number(x >= y)],
      ['logicalAnd', core.logicalAnd, (x, y) => Number(x !== 0 && y !== 0)],
      ['logicalOr', core.logicalOr, (x, y) => Number(x !== 0 || y !== 0)],
    ];
    const pairArb = broadcastPairArb.chain(([sa, sb]) => fc.tuple(refArb(sa), refArb(sb)));

    it.each(binaries)('%s: float64, any broadcastable shapes', (_name, f, ref) => {
      fc.assert(
        fc.property(pairArb, ([a, b]) => {
          expectClose(f(toTensor(a), toTensor(b)), binaryRef(a, b, ref));
        }),
        runs,
      );
    });

    it.each(binaries)('%s: float32 rounds once', (_name, f, ref) => {
      fc.assert(
        fc.property(pairArb, ([a, b]) => {
          const a32 = refOf(toTensor(a, 'float32'));
          const b32 = refOf(toTensor(b, 'float32'));
          const r = binaryRef(a32, b32, (x, y) => Math.fround(ref(x, y)));
          expectClose(f(toTensor(a, 'float32'), toTensor(b, 'float32')), r);
        }),
        runs,
      );
    });

    it('shapes that do not broadcast throw a ShapeError naming the op and both shapes', () => {
      fc.assert(
        fc.property(shapeArb(3, 3), shapeArb(3, 3), (sa, sb) => {
          fc.pre(broadcastShape(sa, sb) === null);
          expect(() => core.add(core.zeros(sa), core.zeros(sb))).toThrow(ShapeError);
          expect(() => core.mul(core.zeros(sa), core.zeros(sb))).toThrow(`mul: shapes [${sa}] and [${sb}] cannot be broadcast together`);
        }),
        runs,
      );
    });

    it('gradients sum back to each input shape', () => {
      fc.assert(
        fc.property(broadcastPairArb, ([sa, sb]) => {
          const a = core.ones(sa, { dtype: 'float64', requiresGrad: true });
          const b = core.ones(sb, { dtype: 'float64', requiresGrad: true });
          const out = core.add(a, b);
          if (out.size === 0) return;
          out.sum().backward();
          // each element of a is used once per broadcast copy
          expect(a.grad!.shape).toEqual(sa);
          expect(b.grad!.shape).toEqual(sb);
          expect(a.grad!.toList().every((v) => v === out.size / Math.max(a.size, 1))).toBe(a.size > 0 || a.grad!.size === 0);
          expect(b.grad!.toList().every((v) => v === out.size / Math.max(b.size, 1))).toBe(b.size > 0 || b.grad!.size === 0);
        }),
        runs,
      );
    });
  });

  describe('shape ops against the reference', () => {
    it('reshape (with -1) keeps the row-major order', () => {
      const arb = anyRefArb(4, 4).chain((r) => {
        // a random factorisation of the size into up to 4 dims
        const n = prod(r.shape);
        const divisors = [...Array(n + 1).keys()].filter((d) => d > 0 && n % d === 0);
        return fc.tuple(fc.constant(r), n === 0 ? fc.constant([0, 3]) : fc.array(fc.constantFrom(...divisors), { maxLength: 3 }), fc.nat(3));
      });
      fc.assert(
        fc.property(arb, ([r, factors, minus]) => {
          const n = prod(r.shape);
          const shape: number[] = [];
          let left = n;
          if (n === 0) shape.push(...factors);
          else {
            for (const f of factors) if (left % f === 0) { shape.push(f); left /= f; }
            shape.push(left);
          }
          const asked = [...shape];
          if (n !== 0 && minus < asked.length) asked[minus] = -1;
          const out = core.reshape(toTensor(r), asked);
          expectClose(out, { shape, data: r.data });
        }),
        runs,
      );
    });

    it('permute and transpose move coordinates', () => {
      const arb = anyRefArb(4, 3).chain((r) =>
        fc.tuple(fc.constant(r), fc.shuffledSubarray([...r.shape.keys()], { minLength: r.shape.length, maxLength: r.shape.length }), dimArb(r.shape.length), dimArb(r.shape.length)),
      );
      fc.assert(
        fc.property(arb, ([r, perm, d0, d1]) => {
          expectClose(core.permute(toTensor(r), perm), permuteRef(r, perm));
          if (r.shape.length === 0) return;
          const p = [...r.shape.keys()];
          const [n0, n1] = [norm(d0, r.shape.length), norm(d1, r.shape.length)];
          [p[n0], p[n1]] = [p[n1]!, p[n0]!];
          expectClose(core.transpose(toTensor(r), d0, d1), permuteRef(r, p));
        }),
        runs,
      );
    });

    it('squeeze, unsqueeze and flatten change only the shape', () => {
      const arb = anyRefArb(4, 3).chain((r) =>
        fc.tuple(fc.constant(r), dimArb(r.shape.length), fc.integer({ min: -r.shape.length - 1, max: r.shape.length }), dimArb(r.shape.length), dimArb(r.shape.length)),
      );
      fc.assert(
        fc.property(arb, ([r, sq, unsq, s, e]) => {
          const x = toTensor(r);
          expectClose(core.squeeze(x), { shape: r.shape.filter((d) => d !== 1), data: r.data });
          const nd = r.shape.length;
          const sqShape = nd > 0 && r.shape[norm(sq, nd)] === 1 ? r.shape.filter((_, i) => i !== norm(sq, nd)) : r.shape;
          expectClose(core.squeeze(x, sq), { shape: sqShape, data: r.data });
          const u = unsq < 0 ? unsq + nd + 1 : unsq;
          expectClose(core.unsqueeze(x, unsq), { shape: [...r.shape.slice(0, u), 1, ...r.shape.slice(u)], data: r.data });
          if (nd === 0) {
            expectClose(core.flatten(x), { shape: [1], data: r.data });
            return;
          }
          const [a, b] = [norm(s, nd), norm(e, nd)];
          if (a > b) {
            expect(() => core.flatten(x, s, e)).toThrow(/^flatten:/);
            return;
          }
          const shape = [...r.shape.slice(0, a), prod(r.shape.slice(a, b + 1)), ...r.shape.slice(b + 1)];
          expectClose(core.flatten(x, s, e), { shape, data: r.data });
        }),
        runs,
      );
    });

    it('expand and broadcastTo repeat along size-1 dims', () => {
      fc.assert(
        fc.property(broadcastPairArb.chain(([sa, sb]) => fc.tuple(refArb(sa), fc.constant(broadcastShape(sa, sb)!))), ([a, target]) => {
          expectClose(core.expand(toTensor(a), target), broadcastRef(a, target));
          expectClose(core.broadcastTo(toTensor(a), target), broadcastRef(a, target));
        }),
        runs,
      );
    });

    it('cat and stack join along any dim', () => {
      const arb = shapeArb(3, 3)
        .filter((s) => s.length > 0)
        .chain((shape) =>
          fc.tuple(
            fc.constant(shape),
            dimArb(shape.length),
            fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }),
          ),
        )
        .chain(([shape, dim, sizes]) => {
          const d = norm(dim, shape.length);
          const parts = sizes.map((n) => refArb(shape.map((s, i) => (i === d ? n : s))));
          return fc.tuple(fc.constant(shape), fc.constant(dim), fc.tuple(...parts), fc.array(refArb(shape), { minLength: 1, maxLength: 3 }));
        });
      fc.assert(
        fc.property(arb, ([shape, dim, parts, same]) => {
          const d = norm(dim, shape.length);
          expectClose(core.cat(parts.map((p) => toTensor(p)), dim), catRef(parts, d));
          const sd = dim < 0 ? dim - 1 : dim; // a dim of the stacked result
          const unsq = same.map((r) => ({ shape: [...r.shape.slice(0, d), 1, ...r.shape.slice(d)], data: r.data }));
          expectClose(core.stack(same.map((r) => toTensor(r)), sd), catRef(unsq, d));
        }),
        runs,
      );
    });

    it('slice follows Python slices; select drops the dim; indexSelect picks', () => {
      const arb = anyRefArb(3, 5)
        .filter((r) => r.shape.length > 0)
        .chain((r) =>
          fc.tuple(
            fc.constant(r),
            dimArb(r.shape.length),
            fc.integer({ min: -7, max: 7 }),
            fc.option(fc.integer({ min: -7, max: 7 }), { nil: undefined }),
            fc.integer({ min: 1, max: 3 }),
            fc.integer({ min: -6, max: 6 }),
            fc.array(fc.nat(4), { maxLength: 5 }),
          ),
        );
      fc.assert(
        fc.property(arb, ([r, dim, start, end, step, index, picks]) => {
          const d = norm(dim, r.shape.length);
          const n = r.shape[d]!;
          const kept = [...Array(n).keys()].slice(start, end).filter((_, i) => i % step === 0);
          const expected = kept.length === 0 ? narrowRef(r, d, 0, 0) : catRef(kept.map((i) => narrowRef(r, d, i, 1)), d);
          expectClose(core.slice(toTensor(r), dim, start, end, step), expected);
          if (index >= -n && index < n) {
            const one = narrowRef(r, d, index < 0 ? index + n : index, 1);
            expectClose(core.select(toTensor(r), dim, index), { shape: r.shape.filter((_, i) => i !== d), data: one.data });
          } else {
            expect(() => core.select(toTensor(r), dim, index)).toThrow(/^select: index .* is out of range/);
          }
          const valid = picks.filter((i) => i < n);
          const picked = valid.length === 0 ? narrowRef(r, d, 0, 0) : catRef(valid.map((i) => narrowRef(r, d, i, 1)), d);
          expectClose(core.indexSelect(toTensor(r), dim, valid), picked);
        }),
        runs,
      );
    });

    it('split, chunk and narrow cut along any dim', () => {
      const arb = anyRefArb(3, 5)
        .filter((r) => r.shape.length > 0)
        .chain((r) => {
          const nd = r.shape.length;
          return fc.tuple(fc.constant(r), dimArb(nd), fc.integer({ min: 1, max: 6 }), fc.nat(5), fc.nat(5));
        });
      fc.assert(
        fc.property(arb, ([r, dim, size, start, len]) => {
          const d = norm(dim, r.shape.length);
          const n = r.shape[d]!;
          const pieces = core.split(toTensor(r), size, dim);
          const expected: Ref[] = [];
          for (let i = 0; i < n; i += size) expected.push(narrowRef(r, d, i, Math.min(size, n - i)));
          if (n === 0) expected.push(narrowRef(r, d, 0, 0));
          expect(pieces.length).toBe(expected.length);
          pieces.forEach((p, i) => expectClose(p, expected[i]!));
          const chunks = core.chunk(toTensor(r), size, dim);
          const step = Math.max(1, Math.ceil(n / size));
          expect(chunks.length).toBe(n === 0 ? 1 : Math.ceil(n / step));
          expectClose(core.cat(chunks, dim), r);
          if (start + len <= n) expectClose(core.narrow(toTensor(r), dim, start, len), narrowRef(r, d, start, len));
          else expect(() => core.narrow(toTensor(r), dim, start, len)).toThrow(/^narrow: start/);
        }),
        runs,
      );
    });
  });

  describe('reductions against the reference', () => {
    const tol = 1e-12;
    const arb = anyRefArb(4, 3, valueArb(), true).chain((r) =>
      fc.tuple(fc.constant(r), r.shape.length > 0 ? dimsArb(r.shape.length) : fc.constant([] as number[]), dimArb(r.shape.length), fc.boolean()),
    );
    const normAll = (ds: number[], nd: number) => [...new Set(ds.map((d) => norm(d, nd)))];

    it('sum and mean over random dims with keepdim', () => {
      fc.assert(
        fc.property(arb, ([r, dims, , keepdim]) => {
          const x = toTensor(r);
          const nd = r.shape.length;
          const all = [...Array(nd).keys()];
          expectClose(core.sum(x, dims, keepdim), reduceRef(r, nd ? normAll(dims, nd) : [], keepdim, refSum), tol);
          expectClose(core.mean(x, dims, keepdim), reduceRef(r, nd ? normAll(dims, nd) : [], keepdim, refMean), tol);
          expectClose(core.sum(x), reduceRef(r, all, false, refSum), tol);
          expectClose(core.mean(x, null, keepdim), reduceRef(r, all, keepdim, refMean), tol);
        }),
        runs,
      );
    });

    it('max, min and argmax along one dim (NaN wins), and over everything', () => {
      fc.assert(
        fc.property(arb, ([r, , dim, keepdim]) => {
          const x = toTensor(r);
          const nd = r.shape.length;
          const d = nd ? [norm(dim, nd)] : [];
          const empty = r.data.length === 0;
          const reducedEmpty = nd > 0 && r.shape[d[0]!] === 0;
          if (reducedEmpty) {
            expect(() => core.max(x, dim, keepdim)).toThrow(/^max: cannot reduce over a dimension of size 0/);
            expect(() => core.argmax(x, dim, keepdim)).toThrow(/^argmax: cannot reduce over a dimension of size 0/);
          } else {
            expectClose(core.max(x, dim, keepdim), reduceRef(r, d, keepdim, refMax));
            expectClose(core.min(x, dim, keepdim), reduceRef(r, d, keepdim, refMin));
            const am = core.argmax(x, dim, keepdim);
            expect(am.dtype).toBe('int32');
            expectClose(am, reduceRef(r, d, keepdim, refArgmax));
            expectClose(core.argmin(x, dim, keepdim), reduceRef(r, d, keepdim, (xs) => refArgmax(xs.map((v) => -v))));
          }
          if (empty) {
            expect(() => core.max(x)).toThrow(/^max:/);
            expect(() => core.argmax(x)).toThrow(/^argmax:/);
          } else {
            expectClose(core.max(x), { shape: [], data: [refMax(r.data)] }); // -0 and 0 tie
            expect(core.argmax(x).item()).toBe(refArgmax(r.data));
            expect(core.argmax(x, null, true).shape).toEqual(r.shape.map(() => 1));
          }
        }),
        runs,
      );
    });

    it('var and std with a correction, over random dims', () => {
      fc.assert(
        fc.property(arb, fc.constantFrom(0, 1, 2), ([r, dims, , keepdim], correction) => {
          const x = toTensor(r);
          const nd = r.shape.length;
          const ds = nd ? normAll(dims, nd) : [];
          const v = reduceRef(r, ds, keepdim, refVar(correction));
          expectClose(core.var(x, dims, { correction, keepdim }), v, 1e-9);
          expectClose(core.std(x, dims, { correction, keepdim }), { shape: v.shape, data: v.data.map(Math.sqrt) }, 1e-9);
        }),
        runs,
      );
    });

    it('logsumexp over random dims, without overflow', () => {
      const big = anyRefArb(3, 3, fc.oneof(valueArb(), fc.double({ min: 500, max: 1000, noNaN: true })), true).chain((r) =>
        fc.tuple(fc.constant(r), r.shape.length > 0 ? dimsArb(r.shape.length) : fc.constant([] as number[]), fc.boolean()),
      );
      fc.assert(
        fc.property(big, ([r, dims, keepdim]) => {
          const nd = r.shape.length;
          const ds = nd ? normAll(dims, nd) : [];
          expectClose(core.logsumexp(toTensor(r), dims, keepdim), reduceRef(r, ds, keepdim, refLogsumexp), 1e-12);
        }),
        runs,
      );
    });

    it('float32 sums match the float64 reference to float32 precision', () => {
      fc.assert(
        fc.property(arb, ([r, dims, , keepdim]) => {
          const nd = r.shape.length;
          const r32 = refOf(toTensor(r, 'float32'));
          const ref = reduceRef(r32, nd ? normAll(dims, nd) : [], keepdim, refSum);
          expectClose(core.sum(toTensor(r, 'float32'), dims, keepdim), { shape: ref.shape, data: ref.data.map(Math.fround) }, 1e-6);
        }),
        runs,
      );
    });
  });

  describe('matmul against the reference', () => {
    it('broadcast batch dims, 1-D operands', () => {
      const arb = fc
        .tuple(broadcastPairArb.filter(([a, b]) => a.length <= 2 && b.length <= 2), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.nat(2), fc.nat(2))
        .chain(([[ba, bb], n, k, m, va, vb]) => {
          // va/vb = 0 makes that side 1-D
          const sa = va === 0 ? [k] : [...ba, n, k];
          const sb = vb === 0 ? [k] : [...bb, k, m];
          return fc.tuple(refArb(sa, valueArb(false)), refArb(sb, valueArb(false)));
        });
      fc.assert(
        fc.property(arb, ([a, b]) => {
          const A = a.shape.length === 1 ? { shape: [1, ...a.shape], data: a.data } : a;
          const B = b.shape.length === 1 ? { shape: [...b.shape, 1], data: b.data } : b;
          const [n, k] = A.shape.slice(-2) as [number, number];
          const m = B.shape[B.shape.length - 1]!;
          const batch = broadcastShape(A.shape.slice(0, -2), B.shape.slice(0, -2))!;
          const full = [...batch, n, m];
          const data = Array.from({ length: prod(full) }, (_, i) => {
            const c = coordOf(i, full);
            const [bi, ii, jj] = [c.slice(0, -2), c[c.length - 2]!, c[c.length - 1]!];
            let s = 0;
            for (let l = 0; l < k; l++) {
              const av = A.data[flatOf([...bi.slice(bi.length - (A.shape.length - 2)).map((x, d) => (A.shape[d] === 1 ? 0 : x)), ii, l], A.shape)]!;
              const bv = B.data[flatOf([...bi.slice(bi.length - (B.shape.length - 2)).map((x, d) => (B.shape[d] === 1 ? 0 : x)), l, jj], B.shape)]!;
              s += av * bv;
            }
            return s;
          });
          let shape = full;
          if (a.shape.length === 1) shape = [...shape.slice(0, -2), shape[shape.length - 1]!];
          if (b.shape.length === 1) shape = shape.slice(0, -1);
          expectClose(core.matmul(toTensor(a), toTensor(b)), { shape, data }, 1e-12);
          // float32: the same product within float32 rounding of the sums
          const a32 = refOf(toTensor(a, 'float32'));
          const b32 = refOf(toTensor(b, 'float32'));
          const ref32 = refOf(core.matmul(toTensor(a32), toTensor(b32)));
          const bound = 1e-6 * Math.max(1, k) * Math.max(1, ...a32.data.map(Math.abs)) * Math.max(1, ...b32.data.map(Math.abs));
          const got = core.matmul(toTensor(a, 'float32'), toTensor(b, 'float32'));
          expect(got.dtype).toBe('float32');
          expect(got.shape).toEqual(shape);
          got.data.forEach((v, i) => expect(Math.abs(v - ref32.data[i]!), `element ${i}`).toBeLessThanOrEqual(bound));
        }),
        runs,
      );
    });
  });
});
