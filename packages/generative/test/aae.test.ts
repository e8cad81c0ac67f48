import { describe, expect, it } from 'vitest';
import { Generator, nn, noGrad, optim, rand } from '@neurone/core';
import { AAETrainer, AdversarialAutoencoder, denseAdversarialAutoencoder } from '../src/index.js';
import { expectClose, fixture, loadFixtureState, t } from './helpers.js';

const fx = fixture('aae_step.json');

describe('AdversarialAutoencoder', () => {
  it('one step (reconstruction, D, encoder) matches PyTorch', () => {
    const encoder = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Linear(3, 2)).double();
    const decoder = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 4), new nn.Sigmoid()).double();
    const disc = new nn.Sequential(new nn.Linear(2, 3), new nn.LeakyReLU(0.2), new nn.Linear(3, 1)).double();
    loadFixtureState(encoder, fx.before.encoder);
    loadFixtureState(decoder, fx.before.decoder);
    loadFixtureState(disc, fx.before.discriminator);
    const prior = t(fx.prior);
    const aae = new AdversarialAutoencoder(encoder, decoder, disc, 2, { prior: () => prior });
    const trainer = new AAETrainer({
      model: aae,
      optimizerAE: new optim.SGD([...encoder.parameters(), ...decoder.parameters()], { lr: 0.5 }),
      optimizerD: new optim.SGD(disc.parameters(), { lr: 0.2 }),
      optimizerG: new optim.SGD(encoder.parameters(), { lr: 0.3 }),
    });
    const log = trainer.step(t(fx.x));
    expect(log.reconstruction).toBeCloseTo(fx.reconstruction, 10);
    expect(log.lossD).toBeCloseTo(fx.lossD, 10);
    expect(log.lossG).toBeCloseTo(fx.lossG, 10);
    expect(log.dPrior).toBeCloseTo(fx.dPrior, 10);
    expect(log.dCode).toBeCloseTo(fx.dCode, 10);
    for (const [name, m] of [['encoder', encoder], ['decoder', decoder], ['discriminator', disc]] as const) {
      for (const [k, v] of Object.entries(m.stateDict())) expectClose(v, fx.after[name][k], 1e-10, `${name}.${k}`);
    }
  });

  it('pushes its codes towards the N(0, I) prior while learning to reconstruct', () => {
    const g = new Generator(21);
    // codes start far from the prior: data of a 2-D subspace, scaled up
    const x = noGrad(() => rand([256, 2], { generator: g }).matmul(rand([2, 6], { generator: g })).div(2));
    const aae = denseAdversarialAutoencoder(6, 2, { hidden: [32], discriminatorHidden: [32], generator: new Generator(22) });
    const trainer = new AAETrainer({ model: aae, rng: new Generator(23) });
    trainer.train(x, { epochs: 60, batchSize: 64, shuffle: new Generator(24) });
    const codes = noGrad(() => aae.encode(x));
    const c = codes.toList();
    const mean = c.reduce((a, b) => a + b, 0) / c.length;
    const std = Math.sqrt(c.reduce((a, b) => a + (b - mean) ** 2, 0) / c.length);
    expect(Math.abs(mean)).toBeLessThan(0.35);
    expect(std).toBeGreaterThan(0.6);
    expect(std).toBeLessThan(1.5);
    const h = trainer.history;
    expect(h.at(-1)!.reconstruction).toBeLessThan(h[0]!.reconstruction / 2);
    expect(aae.sample(5).shape).toEqual([5, 6]);
    expect(Object.keys(aae.stateDict()).filter((k) => k.startsWith('discriminator.')).length).toBe(4);
  });

  it('checks its parts', () => {
    expect(() => new AAETrainer({ model: {} as AdversarialAutoencoder })).toThrow(/model must be an AdversarialAutoencoder/);
    expect(() => new AdversarialAutoencoder(new nn.Identity(), new nn.Identity(), new nn.Identity(), 0)).toThrow(/latentSize must be a positive integer/);
  });
});
