import { describe, expect, it } from 'vitest';
import { Generator, Tensor, nn, noGrad, optim, randn } from '@neurone/core';
import { GANTrainer, mlp } from '../src/index.js';
import { expectClose, fixture, loadFixtureState, t } from './helpers.js';

const cases = fixture('gan_step.json');

function nets(c: { before: { G: Record<string, unknown>; D: Record<string, unknown> } }) {
  const G = new nn.Sequential(new nn.Linear(2, 4), new nn.Tanh(), new nn.Linear(4, 3)).double();
  const D = new nn.Sequential(new nn.Linear(3, 4), new nn.LeakyReLU(0.2), new nn.Linear(4, 1)).double();
  loadFixtureState(G, c.before.G);
  loadFixtureState(D, c.before.D);
  return { G, D };
}

describe('GANTrainer', () => {
  for (const c of cases) {
    it(`one ${c.kind} step matches PyTorch's DCGAN-example step (losses, D(x), D(G(z)), parameters)`, () => {
      const { G, D } = nets(c);
      const trainer = new GANTrainer({
        generator: G, discriminator: D, latentSize: 2, loss: c.kind,
        optimizerG: new optim.SGD(G.parameters(), { lr: 0.1 }),
        optimizerD: new optim.SGD(D.parameters(), { lr: 0.1, momentum: 0.5 }),
      });
      const log = trainer.step(t(c.real), { z: t(c.z) });
      expect(log.lossD).toBeCloseTo(c.lossD, 10);
      expect(log.lossG).toBeCloseTo(c.lossG, 10);
      expect(log.dReal).toBeCloseTo(c.dReal, 10);
      expect(log.dFake).toBeCloseTo(c.dFake, 10);
      expect(log.dFakeAfter).toBeCloseTo(c.dFakeAfter, 10);
      expect(log.step).toBe(1);
      for (const [k, v] of Object.entries(G.stateDict())) expectClose(v, c.after.G[k], 1e-10, `G.${k}`);
      for (const [k, v] of Object.entries(D.stateDict())) expectClose(v, c.after.D[k], 1e-10, `D.${k}`);
    });
  }

  it('keeps one log per step and calls onStep', () => {
    const G = mlp([2, 8, 1]);
    const D = mlp([1, 8, 1], { activation: 'leakyRelu' });
    const seen: number[] = [];
    const trainer = new GANTrainer({
      generator: G, discriminator: D, latentSize: 2,
      optimizerG: new optim.Adam(G.parameters(), { lr: 1e-3 }),
      optimizerD: new optim.Adam(D.parameters(), { lr: 1e-3 }),
      onStep: (l) => seen.push(l.step),
    });
    const logs = trainer.train(randn([64, 1]), { batchSize: 16, maxSteps: 6 });
    expect(logs.length).toBe(6);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
    expect(trainer.history.length).toBe(6);
    for (const l of logs) for (const k of ['lossD', 'lossG', 'dReal', 'dFake', 'dFakeAfter'] as const) expect(Number.isFinite(l[k])).toBe(true);
  });

  it('learns a 1-D Gaussian: the samples move to the data mean and spread', () => {
    const g = new Generator(11);
    const data = randn([512, 1], { generator: g }).mul(0.5).add(3);
    const G = mlp([4, 16, 1], { generator: new Generator(12) });
    const D = mlp([1, 16, 1], { activation: 'leakyRelu', generator: new Generator(13) });
    const trainer = new GANTrainer({
      generator: G, discriminator: D, latentSize: 4, rng: new Generator(14),
      optimizerG: new optim.Adam(G.parameters(), { lr: 5e-3, betas: [0.5, 0.999] }),
      optimizerD: new optim.Adam(D.parameters(), { lr: 5e-3, betas: [0.5, 0.999] }),
    });
    trainer.train(data, { epochs: 40, batchSize: 64, shuffle: new Generator(15) });
    const s = trainer.sample(1000, { rng: new Generator(16) }).toList();
    const mean = s.reduce((a, b) => a + b, 0) / s.length;
    const std = Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / s.length);
    expect(Math.abs(mean - 3)).toBeLessThan(0.4);
    expect(std).toBeGreaterThan(0.15);
    expect(std).toBeLessThan(1.2);
    // near equilibrium D cannot tell: D(x) and D(G(z)) both near ½
    const last = trainer.history.slice(-20);
    const dReal = last.reduce((a, l) => a + l.dReal, 0) / last.length;
    expect(dReal).toBeGreaterThan(0.3);
    expect(dReal).toBeLessThan(0.75);
  });

  it('a D step leaves G unchanged and the G step leaves D unchanged', () => {
    const G = mlp([2, 3]);
    const D = mlp([3, 1]);
    const dBefore = D.stateDict();
    const gBefore = G.stateDict();
    const snapshot = (sd: Record<string, Tensor>) => Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, v.clone().toList()]));
    const d0 = snapshot(dBefore);
    const g0 = snapshot(gBefore);
    // optimizers with lr 0 on one side reveal which parameters each phase touches
    const onlyD = new GANTrainer({
      generator: G, discriminator: D, latentSize: 2,
      optimizerG: new optim.SGD(G.parameters(), { lr: 0 }),
      optimizerD: new optim.SGD(D.parameters(), { lr: 0.5 }),
    });
    onlyD.step(randn([4, 3]));
    expect(snapshot(G.stateDict())).toEqual(g0);
    expect(snapshot(D.stateDict())).not.toEqual(d0);
    const d1 = snapshot(D.stateDict());
    const onlyG = new GANTrainer({
      generator: G, discriminator: D, latentSize: 2,
      optimizerG: new optim.SGD(G.parameters(), { lr: 0.5 }),
      optimizerD: new optim.SGD(D.parameters(), { lr: 0 }),
    });
    onlyG.step(randn([4, 3]));
    expect(snapshot(D.stateDict())).toEqual(d1);
    expect(snapshot(G.stateDict())).not.toEqual(g0);
  });

  it('checks its options', () => {
    const G = mlp([2, 3]);
    const D = mlp([3, 1]);
    const o = new optim.SGD(G.parameters(), { lr: 0.1 });
    expect(() => new GANTrainer({ generator: G, discriminator: D, optimizerG: o, optimizerD: o, latentSize: 2 })).toThrow(/separate optimizers/);
    const oD = new optim.SGD(D.parameters(), { lr: 0.1 });
    expect(() => new GANTrainer({ generator: G, discriminator: D, optimizerG: o, optimizerD: oD })).toThrow(/latentSize/);
    expect(() => new GANTrainer({ generator: G, discriminator: D, optimizerG: o, optimizerD: oD, latentSize: 2, loss: 'hinge' as never })).toThrow(/loss must be/);
    const tr = new GANTrainer({ generator: G, discriminator: D, optimizerG: o, optimizerD: oD, latentSize: 2 });
    expect(noGrad(() => tr.sample(3)).shape).toEqual([3, 3]);
  });
});
