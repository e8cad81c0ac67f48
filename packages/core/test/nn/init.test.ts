import { describe, expect, it } from 'vitest';
import { Generator, ShapeError, type Tensor, nn, zeros } from '../../src/index.js';

const { init } = nn;

function stats(t: Tensor): { mean: number; std: number; min: number; max: number } {
  const v = t.toList();
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  return { mean, std, min: Math.min(...v), max: Math.max(...v) };
}

describe('nn.init', () => {
  it('calculateGain follows PyTorch', () => {
    expect(init.calculateGain('linear')).toBe(1);
    expect(init.calculateGain('sigmoid')).toBe(1);
    expect(init.calculateGain('tanh')).toBeCloseTo(5 / 3, 12);
    expect(init.calculateGain('relu')).toBeCloseTo(Math.SQRT2, 12);
    expect(init.calculateGain('leaky_relu')).toBeCloseTo(Math.sqrt(2 / (1 + 0.01 ** 2)), 12);
    expect(init.calculateGain('leakyRelu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 12);
    expect(init.calculateGain('selu')).toBe(0.75);
    expect(() => init.calculateGain('swish' as 'relu')).toThrow("calculateGain: unsupported nonlinearity 'swish'");
  });

  it('fan in and fan out include the receptive field', () => {
    expect(init.calculateFanInAndFanOut(zeros([16, 3, 5, 5]))).toEqual([75, 400]);
    expect(() => init.calculateFanInAndFanOut(zeros([4]))).toThrow(ShapeError);
  });

  it('uniform and kaiming/xavier uniform stay within their bounds and fill them', () => {
    const g = new Generator(1);
    const cases: Array<[Tensor, number]> = [
      [init.uniform_(zeros([200, 100]), -0.3, 0.7, { generator: g }), 0],
      [init.kaimingUniform_(zeros([200, 100]), { generator: g }), Math.sqrt(6 / 100)],
      [init.kaimingUniform_(zeros([200, 100]), { mode: 'fanOut', nonlinearity: 'relu', generator: g }), Math.sqrt(6 / 200)],
      [init.xavierUniform_(zeros([200, 100]), 2, { generator: g }), 2 * Math.sqrt(6 / 300)],
    ];
    const u = stats(cases[0]![0]);
    expect(u.min).toBeGreaterThanOrEqual(-0.3);
    expect(u.max).toBeLessThan(0.7);
    expect(u.mean).toBeCloseTo(0.2, 2);
    for (const [t, bound] of cases.slice(1)) {
      const s = stats(t);
      expect(s.max).toBeLessThanOrEqual(bound);
      expect(s.min).toBeGreaterThanOrEqual(-bound);
      expect(s.max).toBeGreaterThan(0.99 * bound);
      expect(s.std).toBeCloseTo(bound / Math.sqrt(3), 2);
    }
  });

  it('normal initialisers have the stated standard deviation', () => {
    const g = new Generator(2);
    // 30,000 samples: the sample std is within 2% of the true one
    const near = (actual: number, expected: number) => expect(Math.abs(actual / expected - 1)).toBeLessThan(0.02);
    const n = stats(init.normal_(zeros([300, 100]), 1, 0.5, { generator: g }));
    near(n.std, 0.5);
    expect(n.mean).toBeCloseTo(1, 2);
    near(stats(init.kaimingNormal_(zeros([300, 100]), { nonlinearity: 'relu', generator: g })).std, Math.sqrt(2 / 100));
    near(stats(init.kaimingNormal_(zeros([300, 100]), { mode: 'fanOut', generator: g })).std, Math.sqrt(2 / 300));
    near(stats(init.xavierNormal_(zeros([300, 100]), 1, { generator: g })).std, Math.sqrt(2 / 400));
    const tn = stats(init.truncNormal_(zeros([10000]), 0, 1, -1, 1.5, { generator: g }));
    expect(tn.min).toBeGreaterThanOrEqual(-1);
    expect(tn.max).toBeLessThanOrEqual(1.5);
  });

  it('constants', () => {
    expect(init.ones_(zeros([2, 2])).toList()).toEqual([1, 1, 1, 1]);
    expect(init.constant_(zeros([3]), 0.5).toList()).toEqual([0.5, 0.5, 0.5]);
    expect(init.zeros_(init.ones_(zeros([2]))).toList()).toEqual([0, 0]);
    expect(init.eye_(zeros([2, 3])).toArray()).toEqual([[1, 0, 0], [0, 1, 0]]);
  });

  it('orthogonal_ gives orthonormal rows or columns, scaled by gain', () => {
    for (const shape of [[6, 4], [4, 6], [3, 2, 2]]) {
      const t = init.orthogonal_(zeros(shape, { dtype: 'float64' }), 2, { generator: new Generator(3) });
      const m = t.reshape([shape[0]!, -1]);
      const small = m.shape[0]! >= m.shape[1]! ? m.t().matmul(m) : m.matmul(m.t());
      const n = small.shape[0]!;
      const got = small.toArray() as number[][];
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(got[i]![j]).toBeCloseTo(i === j ? 4 : 0, 10);
    }
  });

  it('is seeded: the same generator seed gives the same values', () => {
    const a = init.kaimingUniform_(zeros([5, 5]), { generator: new Generator(9) }).toList();
    const b = init.kaimingUniform_(zeros([5, 5]), { generator: new Generator(9) }).toList();
    expect(a).toEqual(b);
  });
});
