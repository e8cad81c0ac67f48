import { describe, expect, it } from 'vitest';
import { Generator, Tensor, gradcheck, randn, tensor } from '@neurone/core';
import {
  AdditiveAttention, MultiheadAttention, ScaledDotProductAttention, lengthsToMask, scaledDotProductAttention,
} from '../src/index.js';
import { expectClose, fixture, t } from './helpers.js';

describe('MultiheadAttention matches PyTorch', () => {
  for (const c of fixture('mha.json')) {
    it(`batchFirst=${c.batchFirst} masks=${c.masks} bias=${c.bias} average=${c.averageAttnWeights}`, () => {
      const m = new MultiheadAttention(c.embedDim, c.numHeads, { batchFirst: c.batchFirst, bias: c.bias, dtype: 'float64' });
      m.loadStateDict(Object.fromEntries(Object.entries(c.stateDict).map(([k, v]) => [k, t(v)])), { strict: true });
      const q = t(c.query, 'float64', true);
      const k = t(c.key, 'float64', true);
      const v = t(c.value, 'float64', true);
      const keyPaddingMask = c.keyPaddingMask ? tensor(c.keyPaddingMask, { dtype: 'bool' }) : null;
      const attnMask = c.attnMask ? (c.attnMaskBool ? tensor(c.attnMask, { dtype: 'bool' }) : t(c.attnMask)) : null;
      const [out, w] = m.forward(q, k, v, { keyPaddingMask, attnMask, averageAttnWeights: c.averageAttnWeights });
      expectClose(out, c.output, 1e-4, 'output');
      expectClose(w!, c.weights, 1e-4, 'weights');
      out.mul(t(c.gradOutput)).sum().add(w!.mul(t(c.gradWeights)).sum()).backward();
      expectClose(q.grad!, c.gradQuery, 1e-4, 'grad query');
      expectClose(k.grad!, c.gradKey, 1e-4, 'grad key');
      expectClose(v.grad!, c.gradValue, 1e-4, 'grad value');
      const params = Object.fromEntries(m.namedParameters());
      for (const [name, g] of Object.entries(c.gradParams)) expectClose(params[name]!.grad!, g, 1e-4, `grad ${name}`);
    });
  }

  it('has PyTorch parameter names and init', () => {
    const m = new MultiheadAttention(16, 4);
    expect(Object.keys(m.stateDict())).toEqual(['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']);
    expect(m.in_proj_bias!.toList().every((x) => x === 0)).toBe(true);
    const bound = Math.sqrt(6 / (16 + 48));
    expect(Math.max(...m.in_proj_weight.toList().map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(() => new MultiheadAttention(10, 3)).toThrow(/embedDim 10 must be divisible by numHeads 3/);
    expect(() => m.forward(randn([3, 2, 8]), randn([3, 2, 16]), randn([3, 2, 16]))).toThrow(/query must be \(L, N, E\) with E = 16, got \[3,2,8\]/);
  });

  it('unbatched input, needWeights false, causal mask', () => {
    const m = new MultiheadAttention(8, 2);
    const x = randn([5, 8]);
    const [out, w] = m.forward(x, x, x, { isCausal: true });
    expect(out.shape).toEqual([5, 8]);
    expect(w!.shape).toEqual([5, 5]);
    const wa = w!.toArray() as number[][];
    expect(wa[0]![1]).toBe(0);
    expect(wa[2]![3]).toBe(0);
    expect(m.forward(x, x, x, { needWeights: false })[1]).toBeNull();
  });
});

describe('scaledDotProductAttention', () => {
  it('weights sum to 1, masked keys get 0, and it is differentiable', () => {
    const gen = new Generator(1);
    const q = randn([2, 3, 4], { dtype: 'float64', generator: gen, requiresGrad: true });
    const k = randn([2, 5, 4], { dtype: 'float64', generator: gen, requiresGrad: true });
    const v = randn([2, 5, 6], { dtype: 'float64', generator: gen, requiresGrad: true });
    const mask = lengthsToMask([5, 2]).unsqueeze(1);
    const { context, weights } = scaledDotProductAttention(q, k, v, { mask });
    expect(context.shape).toEqual([2, 3, 6]);
    expectClose(weights.sum(-1), [[1, 1, 1], [1, 1, 1]], 1e-12);
    expect((weights.toArray() as number[][][])[1]![0]!.slice(2)).toEqual([0, 0, 0]);
    gradcheck((a, b, c) => scaledDotProductAttention(a!, b!, c!, { mask }).context, [q, k, v]);
    gradcheck((a, b, c) => scaledDotProductAttention(a!, b!, c!, { isCausal: true }).weights, [q, k, v]);
  });

  it('equals softmax(q k^T / sqrt(E)) v computed by hand', () => {
    const q = tensor([[1, 0]], { dtype: 'float64' });
    const k = tensor([[1, 0], [0, 1]], { dtype: 'float64' });
    const v = tensor([[10], [20]], { dtype: 'float64' });
    const { context, weights } = scaledDotProductAttention(q, k, v);
    const a = Math.exp(1 / Math.SQRT2);
    expectClose(weights, [[a / (a + 1), 1 / (a + 1)]], 1e-12);
    expectClose(context, [[(10 * a + 20) / (a + 1)]], 1e-12);
    // a float mask is added to the scores
    expectClose(scaledDotProductAttention(q, k, v, { mask: tensor([[0, -Infinity]], { dtype: 'float64' }) }).context, [[10]], 1e-12);
  });
});

describe('attention modules', () => {
  it('AdditiveAttention: Bahdanau scores, masks and gradients', () => {
    const gen = new Generator(2);
    const att = new AdditiveAttention(3, 4, 5, { dtype: 'float64', generator: gen });
    expect(Object.keys(att.stateDict())).toEqual(['query_proj.weight', 'key_proj.weight', 'key_proj.bias', 'v.weight']);
    const q = randn([2, 3], { dtype: 'float64', generator: gen, requiresGrad: true });
    const keys = randn([2, 6, 4], { dtype: 'float64', generator: gen, requiresGrad: true });
    const values = randn([2, 6, 7], { dtype: 'float64', generator: gen, requiresGrad: true });
    const mask = lengthsToMask([6, 4]);
    const { context, weights } = att.forward(q, keys, values, { mask });
    expect(context.shape).toEqual([2, 7]);
    expect(weights.shape).toEqual([2, 6]);
    expect((weights.toArray() as number[][])[1]!.slice(4)).toEqual([0, 0]);
    // by hand for sample 0, key 2: v . tanh(Wq q + Wk k + b)
    const s = (b: number, j: number) => {
      const pq = att.query_proj.forward(q.select(0, b).detach());
      const pk = att.key_proj.forward(keys.select(0, b).select(0, j).detach());
      return att.v.forward(pq.add(pk).tanh()).item();
    };
    const scores = [0, 1, 2, 3, 4, 5].map((j) => s(0, j));
    const z = scores.reduce((a, x) => a + Math.exp(x), 0);
    expect((weights.toArray() as number[][])[0]![2]).toBeCloseTo(Math.exp(scores[2]!) / z, 12);
    // several queries at once, and precomputed keys
    const many = att.forward(randn([2, 3, 3], { dtype: 'float64' }), keys, values, { projectedKeys: att.projectKeys(keys) });
    expect(many.context.shape).toEqual([2, 3, 7]);
    const params = att.parameters();
    gradcheck((a, b, c, ...ps) => {
      void ps;
      return att.forward(a!, b!, c!, { mask }).context;
    }, [q, keys, values, ...params]);
  });

  it('ScaledDotProductAttention module: one query or many, dropout only in training', () => {
    const att = new ScaledDotProductAttention({ dropout: 0.5, generator: new Generator(1) });
    const keys = randn([2, 4, 3]);
    const r = att.forward(randn([2, 3]), keys);
    expect(r.context.shape).toEqual([2, 3]);
    expect(r.weights.shape).toEqual([2, 4]);
    att.eval();
    const a = att.forward(randn([2, 5, 3], { generator: new Generator(5) }), keys, null, { mask: lengthsToMask([4, 1]) });
    expect(a.context.shape).toEqual([2, 5, 3]);
    expectClose(a.context.select(0, 1), (keys.select(0, 1).narrow(0, 0, 1).expand([5, 3]) as Tensor).toArray(), 1e-6);
  });
});
