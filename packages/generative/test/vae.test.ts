import { describe, expect, it } from 'vitest';
import { F, Generator, Tensor, noGrad, optim, rand } from '@neurone/core';
import { VAE, denseVAE, elbo } from '../src/index.js';
import { expectClose, fixture, loadFixtureState, t } from './helpers.js';

const fx = fixture('vae.json');

function fixtureVAE(): VAE {
  const vae = denseVAE(fx.D, fx.Z, { hidden: [fx.H] }).double();
  loadFixtureState(vae, fx.state);
  return vae;
}

describe('VAE', () => {
  it('has PyTorch-style keys: encoder.0, mu, logvar, decoder.0, decoder.2', () => {
    expect(Object.keys(fixtureVAE().stateDict())).toEqual(Object.keys(fx.state));
  });

  it('matches PyTorch: reparameterised codes, the ELBO terms with β, and every gradient', () => {
    for (const beta of [1, 0.5]) {
      const want = fx[`beta${beta.toFixed(1)}`];
      const vae = fixtureVAE();
      const x = t(fx.x);
      const { loss, reconstruction, kl, out } = vae.loss(x, { beta, eps: t(fx.eps) });
      expectClose(out.mean, want.mean, 1e-10, 'mean');
      expectClose(out.logvar, want.logvar, 1e-10, 'logvar');
      expectClose(out.z, want.z, 1e-10, 'z');
      expectClose(out.output, want.logits, 1e-10, 'logits');
      expectClose(reconstruction, want.reconstruction, 1e-10);
      expectClose(kl, want.kl, 1e-10);
      expectClose(loss, want.loss, 1e-10);
      loss.backward();
      for (const [k, p] of vae.namedParameters()) expectClose(p.grad!, want.grads[k], 1e-9, k);
    }
  });

  it('encode returns mean and log-variance; reconstruct decodes the mean', () => {
    const vae = fixtureVAE();
    const { mean, logvar } = vae.encode(t(fx.x));
    expectClose(mean, fx['beta1.0'].mean, 1e-10);
    expectClose(logvar, fx['beta1.0'].logvar, 1e-10);
    expectClose(vae.reconstruct(t(fx.x)), fx.reconstruct, 1e-10);
  });

  it('the reparameterisation is differentiable in mean and logvar: dz/dmean = 1, dz/dlogvar = ½ σ ε', () => {
    const vae = fixtureVAE();
    const m = t([[0.3, -1]], 'float64', true);
    const lv = t([[0.2, -0.4]], 'float64', true);
    const eps = t([[1.5, -0.5]]);
    vae.reparameterize(m, lv, eps).sum().backward();
    expectClose(m.grad!, [[1, 1]], 1e-12);
    expectClose(lv.grad!, [[0.5 * Math.exp(0.1) * 1.5, 0.5 * Math.exp(-0.2) * -0.5]], 1e-12);
  });

  it('sample(n) decodes prior draws into [0, 1], reproducibly with a seed', () => {
    const vae = denseVAE(784, 8, { hidden: [32], inputShape: [1, 28, 28] });
    const a = vae.sample(6, { generator: new Generator(1) });
    const b = vae.sample(6, { generator: new Generator(1) });
    expect(a.shape).toEqual([6, 1, 28, 28]);
    expect(b.toList()).toEqual(a.toList());
    expect(Math.min(...a.toList())).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a.toList())).toBeLessThanOrEqual(1);
    expect(() => vae.sample(0)).toThrow(/n must be a positive integer/);
  });

  it('training raises the ELBO on a toy set and its codes approach the prior', () => {
    const g = new Generator(3);
    // two prototypes with Bernoulli-ish noise
    const protos = rand([2, 12], { generator: g }).gt(0.5).to('float32');
    const idx = Array.from({ length: 200 }, (_, i) => i % 2);
    const x = noGrad(() => protos.indexSelect(0, idx).mul(0.9).add(0.05));
    const vae = denseVAE(12, 2, { hidden: [16], generator: new Generator(4), initGenerator: new Generator(5) });
    const opt = new optim.Adam(vae.parameters(), { lr: 1e-2 });
    const first = noGrad(() => vae.loss(x).elbo.item());
    for (let i = 0; i < 150; i++) {
      opt.zeroGrad();
      vae.loss(x).loss.backward();
      opt.step();
    }
    const terms = noGrad(() => vae.loss(x));
    expect(terms.elbo.item()).toBeGreaterThan(first + 1);
    // the optimum of the reconstruction part is the entropy of the 0.05/0.95 pixels: 12 · H(0.05) ≈ 2.39 nats
    expect(terms.reconstruction.item()).toBeLessThan(4);
    expect(F.sigmoid(terms.out.output).shape).toEqual([200, 12]);
    // the ELBO helper agrees with the method
    const again = elbo(terms.out.output, x, terms.out.mean, terms.out.logvar);
    expect(again.elbo.item()).toBeCloseTo(terms.elbo.item(), 5);
  });

  it('gaussian likelihood decodes to means (no sigmoid)', () => {
    const vae = denseVAE(4, 2, { hidden: [3], likelihood: 'gaussian' });
    const z = t([[20, 20]], 'float32');
    const out = noGrad(() => vae.decode(z as Tensor));
    expect(out.toList()).toEqual(noGrad(() => vae.decodeRaw(z)).toList());
    expect(() => denseVAE(4, 2, { likelihood: 'poisson' as never })).toThrow(/likelihood must be/);
  });
});
