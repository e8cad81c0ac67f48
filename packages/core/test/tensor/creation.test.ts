// Tensor factories: values, dtypes, seeding, and clear errors for malformed arguments.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as core from '../../src/index.js';
import { Generator, NeuroneError, Tensor, arange, eye, full, linspace, ones, rand, randint, randn, randperm, tensor, zeros, uniform, normal } from '../../src/index.js';

describe('creation values', () => {
  it('tensor infers shape and dtype from nested arrays and typed arrays', () => {
    expect(tensor([[1, 2], [3, 4]]).shape).toEqual([2, 2]);
    expect(tensor([[1, 2], [3, 4]]).dtype).toBe('float32');
    expect(tensor([true, false]).dtype).toBe('bool');
    expect(tensor(3).shape).toEqual([]);
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([[]]).shape).toEqual([1, 0]);
    expect(tensor(new Int32Array([1, 2, 3]), { shape: [3, 1] }).dtype).toBe('int32');
    expect(tensor(new Uint16Array([1, 2]) as never).dtype).toBe('float32');
  });

  it('converts like a cast: int32 truncates toward zero, bool is x != 0 (NaN is true)', () => {
    expect(tensor([1.7, -1.7], { dtype: 'int32' }).toArray()).toEqual([1, -1]);
    expect(tensor(new Float32Array([1.7, -1.7]), { dtype: 'int32' }).toArray()).toEqual([1, -1]);
    expect(tensor([0.5, 0, -2, NaN], { dtype: 'bool' }).toArray()).toEqual([1, 0, 1, 1]);
    expect(tensor(new Float64Array([0.5, 0, 256]), { dtype: 'bool' }).toArray()).toEqual([1, 0, 1]);
    expect(full([2], 3, { dtype: 'bool' }).toArray()).toEqual([1, 1]);
    expect(full([2], 0.5, { dtype: 'bool' }).toArray()).toEqual([1, 1]);
  });

  it('does not share storage with a typed array it is given', () => {
    const src = new Float32Array([1, 2]);
    const t = tensor(src);
    src[0] = 9;
    expect(t.toArray()).toEqual([1, 2]);
  });

  it('arange, linspace and eye', () => {
    expect(arange(5).toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(arange(5).dtype).toBe('int32');
    expect(arange(1, 2, 0.25).toArray()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(arange(1, 2, 0.25).dtype).toBe('float32');
    expect(arange(5, 0, -2).toArray()).toEqual([5, 3, 1]);
    expect(arange(3, 3).shape).toEqual([0]);
    expect(linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(linspace(2, 3, 1).toArray()).toEqual([2]);
    expect(eye(2, 3).toArray()).toEqual([[1, 0, 0], [0, 1, 0]]);
  });

  it('the same seed gives the same numbers', () => {
    const a = randn([5], { generator: new Generator(42) });
    const b = randn([5], { generator: new Generator(42) });
    expect(a.toArray()).toEqual(b.toArray());
    core.manualSeed(7);
    const c = rand([4]);
    core.manualSeed(7);
    expect(rand([4]).toArray()).toEqual(c.toArray());
    const r = randint(-2, 3, [1000], { generator: new Generator(1) });
    expect(r.dtype).toBe('int32');
    expect(Math.min(...r.toList())).toBe(-2);
    expect(Math.max(...r.toList())).toBe(2);
    expect([...randperm(6, { generator: new Generator(3) }).toList()].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('fillThreshold makes the draws nextUint32 would, and leaves the stream where they end', () => {
    const [a, b] = [new Generator(11), new Generator(11)];
    a.nextUint32();
    b.nextUint32();
    const out = new Float32Array(1000);
    const threshold = 0.3 * 2 ** 32;
    a.fillThreshold(out, threshold, 0, 2);
    expect([...out]).toEqual(Array.from({ length: 1000 }, () => (b.nextUint32() < threshold ? 0 : 2)));
    expect(out.filter((v) => v === 0).length).toBeGreaterThan(250);
    expect(out.filter((v) => v === 0).length).toBeLessThan(350);
    expect(a.nextUint32()).toBe(b.nextUint32());
    expect(a.getState()).toEqual(b.getState());
  });

  it('fillUniform makes the values uniform() would, in float32 and float64', () => {
    const [a, b] = [new Generator(5), new Generator(5)];
    const out64 = new Float64Array(501);
    a.fillUniform(out64, -2, 3);
    expect([...out64]).toEqual(Array.from({ length: 501 }, () => b.uniform(-2, 3)));
    const out32 = new Float32Array(300);
    a.fillUniform(out32);
    expect([...out32]).toEqual([...new Float32Array(Array.from({ length: 300 }, () => b.uniform()))]);
    expect(a.nextUint32()).toBe(b.nextUint32());
  });

  it.each([[0], [1], [2], [7], [8]])('fillNormal of %i values makes the values normal() would, a pending Box-Muller value first, one left over kept', (n) => {
    for (const pending of [false, true]) {
      const [a, b] = [new Generator(9), new Generator(9)];
      if (pending) expect(a.normal()).toBe(b.normal()); // leaves the second value of the pair pending
      const out = new Float64Array(n);
      a.fillNormal(out, 1.5, 0.25);
      expect([...out]).toEqual(Array.from({ length: n }, () => b.normal(1.5, 0.25)));
      // whatever is pending now (or the stream) agrees too
      expect([a.normal(), a.normal(), a.normal()]).toEqual([b.normal(), b.normal(), b.normal()]);
    }
  });

  it('rand, randn, uniform and normal keep their seeded values', () => {
    const g = new Generator(21);
    const ref = new Generator(21);
    expect([...rand([3], { generator: g, dtype: 'float64' }).toList()]).toEqual([ref.random(), ref.random(), ref.random()]);
    expect([...randn([3], { generator: g, dtype: 'float64' }).toList()]).toEqual([ref.normal(), ref.normal(), ref.normal()]);
    expect([...uniform([2], 4, 5, { generator: g, dtype: 'float64' }).toList()]).toEqual([ref.uniform(4, 5), ref.uniform(4, 5)]);
    expect([...normal([3], -1, 2, { generator: g, dtype: 'float64' }).toList()]).toEqual([ref.normal(-1, 2), ref.normal(-1, 2), ref.normal(-1, 2)]);
  });
});

describe('creation errors', () => {
  it.each<[string, () => unknown, RegExp]>([
    ['ragged', () => tensor([[1, 2], [3]]), /^tensor: ragged nested array/],
    ['strings', () => tensor(['a'] as unknown as number[]), /^tensor: expected numbers or booleans, got string/],
    ['shape mismatch', () => tensor([1, 2, 3], { shape: [2, 2] }), /^tensor: shape \[2,2\] needs 4 elements, got 3/],
    ['bad shape option', () => tensor([1, 2], { shape: [-1, -2] }), /^tensor: invalid shape/],
    ['BigInt64Array', () => tensor(new BigInt64Array(2) as unknown as Float32Array), /^tensor: cannot make a tensor from a BigInt64Array/],
    ['unknown dtype', () => zeros([2], { dtype: 'float16' as 'float32' }), /^zeros: unknown dtype "float16"/],
    ['negative dim', () => ones([2, -1]), /^ones: invalid shape \[2,-1\]/],
    ['huge', () => zeros([2 ** 20, 2 ** 20]), /^zeros: a tensor of shape \[1048576,1048576\] would have/],
    ['not a shape', () => zeros(3 as unknown as number[]), /^zeros: expected a shape \(array of integers\), got 3/],
    ['full value', () => full([2], 'a' as unknown as number), /^full: value must be a number/],
    ['arange step', () => arange(0, 1, 0), /^arange: step must be a nonzero finite number/],
    ['arange infinite', () => arange(0, Infinity), /^arange: start and end must be finite/],
    ['linspace steps', () => linspace(0, 1, 2.5), /^linspace: steps must be a non-negative integer/],
    ['rand int dtype', () => rand([2], { dtype: 'int32' }), /^rand: expects a floating dtype, got int32/],
    ['randint range', () => randint(3, 3, [2]), /^randint: high \(3\) must be greater than low \(3\)/],
    ['randint fractional', () => randint(0.5, 3, [2]), /^randint: low and high must be integers/],
    ['randperm', () => randperm(-1), /^randperm: n must be a non-negative integer, got -1/],
  ])('%s', (_label, f, re) => {
    expect(f).toThrow(NeuroneError);
    expect(f).toThrow(re);
  });

  const junk = fc.constantFrom<unknown>(null, undefined, 'x', {}, [1, -1], [1.5], true, NaN, -1, 1.5, 2 ** 40, [2 ** 20, 2 ** 20], Symbol.for('s'));
  const factories: Array<[string, (...a: unknown[]) => unknown, number]> = [
    ['zeros', core.zeros as never, 2], ['ones', core.ones as never, 2], ['full', core.full as never, 3],
    ['arange', core.arange as never, 4], ['linspace', core.linspace as never, 4], ['eye', core.eye as never, 3],
    ['rand', core.rand as never, 2], ['randn', core.randn as never, 2], ['randint', core.randint as never, 4],
    ['randperm', core.randperm as never, 2], ['tensor', core.tensor as never, 2],
  ];
  it.each(factories)('%s: junk arguments give a clear error or a well-formed tensor', (name, f, arity) => {
    const arg = fc.oneof(junk, fc.integer({ min: 0, max: 4 }), fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }));
    fc.assert(
      fc.property(fc.array(arg, { minLength: arity, maxLength: arity }), (args) => {
        let out: unknown;
        try {
          out = f(...args);
        } catch (e) {
          if (!(e instanceof NeuroneError) || !e.message.startsWith(`${name}: `)) {
            throw new Error(`${name} threw ${(e as Error).constructor.name}: ${(e as Error).message}`);
          }
          return;
        }
        expect(out).toBeInstanceOf(Tensor);
        const t = out as Tensor;
        expect(t.data.length).toBe(t.shape.reduce((a, b) => a * b, 1));
      }),
      { numRuns: 300, seed: 99 },
    );
  }, 60_000);
});
