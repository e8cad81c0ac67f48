import { describe, expect, it } from 'vitest';
import { Tensor, gradcheck, tensor, randn, Generator } from '@neurone/core';
import { discriminatorLoss, elbo, ganValue, gaussianKL, generatorLoss, reconstructionLoss } from '../src/index.js';
import { expectClose, fixture, t } from './helpers.js';

const fx = fixture('losses.json');

describe('gaussianKL', () => {
  it('matches hand-computed values', () => {
    // ½ (μ² + σ² − 1 − log σ²): μ = 1, σ² = 1 -> ½; μ = 0, log σ² = log 2 -> ½ (2 − 1 − log 2)
    const kl = gaussianKL(t([[1, 0]]), t([[0, Math.log(2)]]), { reduction: 'elementwise' });
    expectClose(kl, [[0.5, 0.5 * (1 - Math.log(2))]], 1e-12);
    // the prior itself: 0
    expect(gaussianKL(t([[0, 0, 0]]), t([[0, 0, 0]])).item()).toBe(0);
    // batchmean divides the sum by N
    expect(gaussianKL(t([[1], [1]]), t([[0], [0]])).item()).toBeCloseTo(0.5, 12);
    expect(gaussianKL(t([[1], [1]]), t([[0], [0]]), { reduction: 'sum' }).item()).toBeCloseTo(1, 12);
  });

  it('matches PyTorch for every reduction, with gradients', () => {
    const k = fx.kl;
    const mean = t(fx.mean, 'float64', true);
    const logvar = t(fx.logvar, 'float64', true);
    expectClose(gaussianKL(mean, logvar, { reduction: 'elementwise' }), k.elementwise, 1e-10);
    expectClose(gaussianKL(mean, logvar, { reduction: 'none' }), k.none, 1e-10);
    expectClose(gaussianKL(mean, logvar, { reduction: 'sum' }), k.sum, 1e-10);
    expectClose(gaussianKL(mean, logvar, { reduction: 'mean' }), k.mean, 1e-10);
    const kl = gaussianKL(mean, logvar);
    expectClose(kl, k.batchmean, 1e-10);
    kl.backward();
    expectClose(mean.grad!, k.gradMean, 1e-10);
    expectClose(logvar.grad!, k.gradLogvar, 1e-10);
  });

  it('passes gradcheck', () => {
    const g = new Generator(1);
    const m = randn([3, 2], { dtype: 'float64', requiresGrad: true, generator: g });
    const lv = randn([3, 2], { dtype: 'float64', requiresGrad: true, generator: g });
    gradcheck((a, b) => gaussianKL(a!, b!, { reduction: 'none' }), [m, lv]);
  });

  it('rejects mismatched shapes and unknown reductions', () => {
    expect(() => gaussianKL(t([[0, 0]]), t([[0]]))).toThrow(/gaussianKL: mean \[1,2\] and logvar \[1,1\]/);
    expect(() => gaussianKL(t([[0]]), t([[0]]), { reduction: 'avg' as never })).toThrow(/reduction must be/);
  });
});

describe('reconstructionLoss', () => {
  const r = fx.reconstruction;
  it('Bernoulli on logits matches BCEWithLogits (sum / N), with gradient', () => {
    const x = t(fx.logits, 'float64', true);
    const l = reconstructionLoss(x, t(fx.target));
    expectClose(l, r.bernoulliLogits, 1e-10);
    l.backward();
    expectClose(x.grad!, r.gradLogits, 1e-10);
    expectClose(reconstructionLoss(t(fx.logits), t(fx.target), { reduction: 'none' }), r.bernoulliNone, 1e-10);
  });

  it('Bernoulli on probabilities matches binary_cross_entropy', () => {
    const p = t(r.probs, 'float64', true);
    const l = reconstructionLoss(p, t(fx.target), { logits: false });
    expectClose(l, r.bernoulliProbs, 1e-10);
    l.backward();
    expectClose(p.grad!, r.gradProbs, 1e-8);
  });

  it('Gaussian matches gaussian_nll_loss(full=True)', () => {
    const mu = t(r.gaussianMean, 'float64', true);
    const l = reconstructionLoss(mu, t(fx.target), { likelihood: 'gaussian', variance: r.variance });
    expectClose(l, r.gaussian, 1e-10);
    l.backward();
    expectClose(mu.grad!, r.gradGaussian, 1e-10);
  });

  it('hand-computed: a perfect Gaussian fit costs ½ log 2πσ² per pixel', () => {
    const x = t([[0.2, 0.4]]);
    expect(reconstructionLoss(x, x, { likelihood: 'gaussian' }).item()).toBeCloseTo(Math.log(2 * Math.PI), 12);
    // logit 0 is p = ½: log 2 per pixel whatever the target
    expect(reconstructionLoss(t([[0, 0, 0]]), t([[1, 0, 0.5]])).item()).toBeCloseTo(3 * Math.log(2), 12);
  });
});

describe('elbo', () => {
  const e = fx.elbo;
  it('matches PyTorch with beta = 4: loss = rec + β KL, elbo = −(rec + KL)', () => {
    const x = t(fx.logits, 'float64', true);
    const m = t(fx.mean, 'float64', true);
    const lv = t(fx.logvar, 'float64', true);
    const terms = elbo(x, t(fx.target), m, lv, { beta: e.beta });
    expectClose(terms.loss, e.loss, 1e-10);
    expectClose(terms.reconstruction, e.reconstruction, 1e-10);
    expectClose(terms.kl, e.kl, 1e-10);
    expectClose(terms.elbo, e.elbo, 1e-10);
    terms.loss.backward();
    expectClose(x.grad!, e.gradLogits, 1e-10);
    expectClose(m.grad!, e.gradMean, 1e-10);
    expectClose(lv.grad!, e.gradLogvar, 1e-10);
    const sum = elbo(t(fx.logits), t(fx.target), t(fx.mean), t(fx.logvar), { beta: e.beta, reduction: 'sum' });
    expectClose(sum.loss, e.sumLoss, 1e-10);
    expectClose(sum.elbo, e.sumElbo, 1e-10);
  });

  it('per-sample terms add up to the batch mean', () => {
    const none = elbo(t(fx.logits), t(fx.target), t(fx.mean), t(fx.logvar), { reduction: 'none' });
    expect(none.elbo.shape).toEqual([4]);
    const mean = none.elbo.toList().reduce((a, b) => a + b, 0) / 4;
    expect(mean).toBeCloseTo(elbo(t(fx.logits), t(fx.target), t(fx.mean), t(fx.logvar)).elbo.item(), 10);
  });

  it('β = 0 leaves only the reconstruction in the loss, not in the elbo', () => {
    const terms = elbo(t(fx.logits), t(fx.target), t(fx.mean), t(fx.logvar), { beta: 0 });
    expect(terms.loss.item()).toBeCloseTo(terms.reconstruction.item(), 12);
    expect(terms.elbo.item()).toBeCloseTo(-(terms.reconstruction.item() + terms.kl.item()), 12);
    expect(() => elbo(t(fx.logits), t(fx.target), t(fx.mean), t(fx.logvar), { beta: -1 })).toThrow(/beta must be a non-negative/);
  });

  it('passes gradcheck in every input', () => {
    const g = new Generator(2);
    const x = randn([2, 3], { dtype: 'float64', requiresGrad: true, generator: g });
    const m = randn([2, 2], { dtype: 'float64', requiresGrad: true, generator: g });
    const lv = randn([2, 2], { dtype: 'float64', requiresGrad: true, generator: g });
    const target = tensor([[0, 1, 0.3], [1, 0.5, 0]], { dtype: 'float64' });
    gradcheck((a, b, c) => elbo(a!, target, b!, c!, { beta: 2 }).loss, [x, m, lv]);
  });
});

describe('GAN losses', () => {
  const g = fx.gan;
  it('discriminatorLoss matches BCE(real, 1) + BCE(fake, 0), with label smoothing', () => {
    for (const label of [1, 0.9]) {
      const r = t(g.real, 'float64', true);
      const f = t(g.fake, 'float64', true);
      const l = discriminatorLoss(r, f, { realLabel: label });
      const want = g[label === 1 ? 'd1.0' : 'd0.9'];
      expectClose(l, want.loss, 1e-10);
      l.backward();
      expectClose(r.grad!, want.gradReal, 1e-10);
      expectClose(f.grad!, want.gradFake, 1e-10);
    }
    expectClose(discriminatorLoss(t(g.real), t(g.fake), { reduction: 'sum' }), g.dSum, 1e-10);
  });

  it('generatorLoss: non-saturating −log D(G(z)) and minimax log(1 − D(G(z))) match PyTorch', () => {
    const f = t(g.fake, 'float64', true);
    const ns = generatorLoss(f);
    expectClose(ns, g.nonSaturating.loss, 1e-10);
    ns.backward();
    expectClose(f.grad!, g.nonSaturating.grad, 1e-10);
    const f2 = t(g.fake, 'float64', true);
    const mm = generatorLoss(f2, { kind: 'minimax' });
    expectClose(mm, g.minimax.loss, 1e-10);
    mm.backward();
    expectClose(f2.grad!, g.minimax.grad, 1e-10);
    expectClose(ganValue(t(g.real), t(g.fake)), g.value, 1e-10);
  });

  it('hand-computed: D = ½ everywhere (the Nash equilibrium) gives V = −log 4', () => {
    const zero = t([[0], [0]]);
    expect(ganValue(zero, zero).item()).toBeCloseTo(-Math.log(4), 12);
    expect(discriminatorLoss(zero, zero).item()).toBeCloseTo(2 * Math.log(2), 12);
    expect(generatorLoss(zero).item()).toBeCloseTo(Math.log(2), 12);
    expect(generatorLoss(zero, { kind: 'minimax' }).item()).toBeCloseTo(-Math.log(2), 12);
  });

  it('the minimax gradient vanishes where D confidently rejects the fakes; the non-saturating one does not', () => {
    const grad = (kind: 'minimax' | 'nonSaturating') => {
      const f = t([[-10]], 'float64', true);
      generatorLoss(f, { kind }).backward();
      return Math.abs(f.grad!.item());
    };
    expect(grad('minimax')).toBeLessThan(1e-4);
    expect(grad('nonSaturating')).toBeGreaterThan(0.99);
  });

  it('rejects unknown kinds and bad labels', () => {
    expect(() => generatorLoss(t([[0]]), { kind: 'wasserstein' as never })).toThrow(/kind must be/);
    expect(() => discriminatorLoss(t([[0]]), t([[0]]), { realLabel: 2 })).toThrow(/realLabel must be in \[0, 1\]/);
    expect(() => discriminatorLoss(tensor([[1]], { dtype: 'int32' }) as Tensor, t([[0]]))).toThrow(/floating-point/);
  });
});
