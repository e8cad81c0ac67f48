import { describe, expect, it } from 'vitest';
import { DTypeError, IndexError, ShapeError, type Tensor, gradcheck, manualSeed, nn, randn, tensor, zeros } from '../../src/index.js';
import { thrown } from './helpers.js';

const f64 = { dtype: 'float64' as const };
const input = (shape: number[]) => randn(shape, { dtype: 'float64', requiresGrad: true });

describe('Linear', () => {
  it('maps the last dim and has PyTorch parameter shapes and names', () => {
    const m = new nn.Linear(20, 30);
    expect(m.weight.shape).toEqual([30, 20]);
    expect(m.bias!.shape).toEqual([30]);
    expect(m.forward(randn([128, 20])).shape).toEqual([128, 30]);
    expect(m.forward(randn([2, 5, 20])).shape).toEqual([2, 5, 30]);
    expect(m.forward(randn([20])).shape).toEqual([30]);
    expect(Object.keys(new nn.Linear(2, 2, { bias: false }).stateDict())).toEqual(['weight']);
  });

  it('initialises weight and bias within ±1/√inFeatures, filling the range', () => {
    manualSeed(3);
    const m = new nn.Linear(64, 256);
    const bound = 1 / 8;
    for (const p of [m.weight, m.bias!]) {
      const v = p.toList();
      expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(bound);
      expect(Math.max(...v)).toBeGreaterThan(0.95 * bound);
      expect(Math.min(...v)).toBeLessThan(-0.95 * bound);
    }
    // uniform on (-b, b): variance b²/3
    const w = m.weight.toList();
    const variance = w.reduce((s, x) => s + x * x, 0) / w.length;
    expect(variance).toBeCloseTo(bound ** 2 / 3, 4);
  });

  it('is reproducible from a seed and resetParameters draws again', () => {
    manualSeed(7);
    const a = new nn.Linear(3, 2);
    manualSeed(7);
    const b = new nn.Linear(3, 2);
    expect(a.weight.toList()).toEqual(b.weight.toList());
    const before = a.weight.toList();
    a.resetParameters();
    expect(a.weight.toList()).not.toEqual(before);
  });

  it('gradients of input, weight and bias pass gradcheck', () => {
    const m = new nn.Linear(4, 3, f64);
    const x = input([5, 4]);
    gradcheck(() => m.forward(x), [x, m.weight, m.bias!]);
    const x3 = input([2, 3, 4]);
    gradcheck(() => m.forward(x3), [x3, m.weight, m.bias!]);
    const nb = new nn.Linear(4, 2, { dtype: 'float64', bias: false });
    gradcheck(() => nb.forward(x), [x, nb.weight]);
  });

  it('a wrong number of input features names both shapes', () => {
    const e = thrown(() => new nn.Linear(20, 10).forward(randn([2, 30])));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toBe('Linear: expected input of shape [*,20] (inFeatures=20), got [2,30]; the weight has shape [10,20]');
    expect(() => new nn.Linear(2, 2).forward(randn([2, 2], f64))).toThrow('linear: input and weight must have the same floating dtype, got float64 and float32');
    expect(() => new nn.Linear(-1, 2)).toThrow('Linear: inFeatures must be a non-negative integer, got -1');
  });
});

describe('Bilinear', () => {
  it('has PyTorch shapes and passes gradcheck', () => {
    const m = new nn.Bilinear(3, 4, 2, f64);
    expect(m.weight.shape).toEqual([2, 3, 4]);
    const a = input([5, 3]);
    const b = input([5, 4]);
    expect(m.forward(a, b).shape).toEqual([5, 2]);
    gradcheck(() => m.forward(a, b), [a, b, m.weight, m.bias!]);
    // the value: x1ᵀ W_k x2 + b_k
    const w = m.weight.toArray() as number[][][];
    const x1 = a.toArray() as number[][];
    const x2 = b.toArray() as number[][];
    let expected = m.bias!.data[1]!;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) expected += x1[0]![i]! * w[1]![i]![j]! * x2[0]![j]!;
    expect((m.forward(a, b).toArray() as number[][])[0]![1]).toBeCloseTo(expected, 12);
    expect(() => m.forward(randn([5, 4], f64), b)).toThrow('bilinear: expected input1 (*, 3) and input2 (*, 4)');
  });
});

describe('Identity, Flatten, Unflatten', () => {
  it('reshape as PyTorch', () => {
    const x = randn([32, 1, 5, 5]);
    expect(new nn.Identity().forward(x)).toBe(x);
    expect(new nn.Flatten().forward(x).shape).toEqual([32, 25]);
    expect(new nn.Flatten(0, 2).forward(x).shape).toEqual([160, 5]);
    expect(new nn.Unflatten(1, [2, 5, 5]).forward(randn([2, 50])).shape).toEqual([2, 2, 5, 5]);
    expect(new nn.Unflatten(-1, [-1, 5]).forward(randn([2, 50])).shape).toEqual([2, 10, 5]);
    expect(() => new nn.Unflatten(1, [3, 5]).forward(randn([2, 50]))).toThrow('Unflatten: cannot split dim 1 of size 50 (input [2,50]) into [3,5]');
    const y = input([2, 6]);
    gradcheck((t) => new nn.Unflatten(1, [2, 3]).forward(t).mul(t.reshape([2, 2, 3])), [y]);
  });
});

describe('Embedding', () => {
  it('looks up rows, initialises from N(0, 1) and zeroes the padding row', () => {
    manualSeed(0);
    const emb = new nn.Embedding(1000, 16, { paddingIdx: 0 });
    const w = emb.weight.toList();
    const rest = w.slice(16);
    const mean = rest.reduce((a, b) => a + b, 0) / rest.length;
    const std = Math.sqrt(rest.reduce((a, b) => a + (b - mean) ** 2, 0) / rest.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(std).toBeGreaterThan(0.97);
    expect(std).toBeLessThan(1.03);
    expect(w.slice(0, 16).every((v) => v === 0)).toBe(true);
    const idx = tensor([[1, 2, 4, 5], [4, 3, 2, 9]], { dtype: 'int32' });
    const out = emb.forward(idx);
    expect(out.shape).toEqual([2, 4, 16]);
    expect((out.toArray() as number[][][])[1]![0]).toEqual((emb.weight.toArray() as number[][])[4]);
    expect(emb.toString()).toBe('Embedding(1000, 16, paddingIdx=0)');
  });

  it('accumulates gradients into the rows used, none into the padding row', () => {
    const emb = new nn.Embedding(5, 3, { paddingIdx: 2, dtype: 'float64' });
    emb.weight.data.fill(1);
    const idx = tensor([1, 2, 1, 4], { dtype: 'int32' });
    emb.forward(idx).sum().backward();
    expect(emb.weight.grad!.toArray()).toEqual([[0, 0, 0], [2, 2, 2], [0, 0, 0], [0, 0, 0], [1, 1, 1]]);
    const e2 = new nn.Embedding(6, 2, f64);
    gradcheck(() => e2.forward(tensor([[0, 5], [5, 3]], { dtype: 'int32' })), [e2.weight]);
  });

  it('fromPretrained shares the tensor and freezes it by default', () => {
    const t = tensor([[1, 2.5, 3], [4, 5.5, 6]]);
    const e = nn.Embedding.fromPretrained(t);
    expect(e.weight.data).toBe(t.data);
    expect(e.weight.requiresGrad).toBe(false);
    expect(nn.Embedding.fromPretrained(t, { freeze: false }).weight.requiresGrad).toBe(true);
    expect(e.forward(tensor([1], { dtype: 'int32' })).toArray()).toEqual([[4, 5.5, 6]]);
  });

  it('refuses float indices and out-of-range ones', () => {
    const e = new nn.Embedding(10, 3);
    expect(thrown(() => e.forward(tensor([1, 2])))).toBeInstanceOf(DTypeError);
    expect(() => e.forward(tensor([1, 2]))).toThrow('embedding: indices must be an int32 tensor, got float32');
    const err = thrown(() => e.forward(tensor([3, 10], { dtype: 'int32' })));
    expect(err).toBeInstanceOf(IndexError);
    expect(err.message).toBe('embedding: index 10 is out of range for a table of 10 embeddings (valid: 0..9)');
    expect(() => new nn.Embedding(10, 3, { paddingIdx: 10 })).toThrow('Embedding: paddingIdx 10 must be within the 10 embeddings');
  });
});

describe('LayerNorm', () => {
  it('normalises the last dims and starts with γ = 1, β = 0', () => {
    const ln = new nn.LayerNorm(10);
    expect(ln.weight!.toList().every((v) => v === 1)).toBe(true);
    expect(ln.bias!.toList().every((v) => v === 0)).toBe(true);
    const y = ln.forward(randn([20, 5, 10]).mul(3).add(2));
    expect(y.shape).toEqual([20, 5, 10]);
    const row = (y.toArray() as number[][][])[3]![2]!;
    const mean = row.reduce((a, b) => a + b, 0) / 10;
    const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / 10;
    expect(mean).toBeCloseTo(0, 5);
    expect(variance).toBeCloseTo(1, 3);
    expect(Object.keys(new nn.LayerNorm([3, 4]).stateDict())).toEqual(['weight', 'bias']);
    expect(new nn.LayerNorm(4, { elementwiseAffine: false }).parameters()).toHaveLength(0);
  });

  it('gradients of input, γ and β pass gradcheck', () => {
    const ln = new nn.LayerNorm([3, 4], f64);
    ln.weight!.data.set(randn([12], f64).data);
    ln.bias!.data.set(randn([12], f64).data);
    const x = input([2, 3, 4]);
    gradcheck(() => ln.forward(x), [x, ln.weight!, ln.bias!]);
  });

  it('a mismatching input names normalizedShape and the input shape', () => {
    expect(() => new nn.LayerNorm(4).forward(randn([2, 3]))).toThrow(
      'layerNorm: normalizedShape [4] must match the last dims of the input, expected shape [*,4], got [2,3]',
    );
  });
});

describe('Dropout', () => {
  it('drops with probability p in training and is the identity in eval', () => {
    manualSeed(11);
    const d = new nn.Dropout(0.25);
    const x = zeros([10000]).add(1);
    const y = d.forward(x).toList();
    const kept = y.filter((v) => v !== 0);
    expect(kept.length / y.length).toBeGreaterThan(0.73);
    expect(kept.length / y.length).toBeLessThan(0.77);
    expect(kept.every((v) => Math.abs(v - 4 / 3) < 1e-6)).toBe(true);
    expect(d.eval().forward(x)).toBe(x);
    expect(() => new nn.Dropout(1.5)).toThrow('Dropout: probability must be between 0 and 1, got 1.5');
  });
});

describe('activation modules', () => {
  const cases: Array<[nn.Module, (x: number) => number]> = [
    [new nn.ReLU(), (x) => Math.max(0, x)],
    [new nn.LeakyReLU(0.2), (x) => (x > 0 ? x : 0.2 * x)],
    [new nn.ELU(0.5), (x) => (x > 0 ? x : 0.5 * (Math.exp(x) - 1))],
    [new nn.GELU(), (x) => 0.5 * x * (1 + erf(x / Math.SQRT2))],
    [new nn.SiLU(), (x) => x / (1 + Math.exp(-x))],
    [new nn.Sigmoid(), (x) => 1 / (1 + Math.exp(-x))],
    [new nn.Tanh(), Math.tanh],
    [new nn.Softplus(), (x) => Math.log1p(Math.exp(x))],
    [new nn.Softplus({ beta: 2, threshold: 3 }), (x) => (2 * x > 3 ? x : Math.log1p(Math.exp(2 * x)) / 2)],
  ];
  it.each(cases.map(([m, f]) => [m.toString(), m, f] as const))('%s: values and gradcheck', (_, m, f) => {
    const x = tensor([-2.5, -0.3, 0.4, 1.7, 2.2], { dtype: 'float64', requiresGrad: true });
    const y = m.forward(x) as Tensor;
    y.toList().forEach((v, i) => expect(v).toBeCloseTo(f(x.data[i]!), 6));
    gradcheck((t) => m.forward(t), [x]);
  });

  it('Softmax and LogSoftmax need a dim and normalise along it', () => {
    const x = input([2, 3]);
    const s = new nn.Softmax(1).forward(x).sum(1).toList();
    s.forEach((v) => expect(v).toBeCloseTo(1, 12));
    expect(new nn.LogSoftmax(-1).forward(x).exp().sum(1).toList()[0]).toBeCloseTo(1, 12);
    gradcheck((t) => new nn.Softmax(0).forward(t), [x]);
    gradcheck((t) => new nn.LogSoftmax(1).forward(t), [x]);
    expect(() => new nn.Softmax(undefined as unknown as number)).toThrow('Softmax: dim must be an integer');
    expect(new nn.Softmax(1).toString()).toBe('Softmax(dim=1)');
  });
});

/** Abramowitz-Stegun 7.1.26 is too coarse; use a series that is exact to ~1e-12 for |x| < 3. */
function erf(x: number): number {
  let sum = 0;
  let term = x;
  for (let n = 0; n < 60; n++) {
    sum += term / (2 * n + 1);
    term *= (-x * x) / (n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
