// Optimizer trajectories and LR sequences against PyTorch 1.13
// (scripts/fixtures/optim_fixtures.py writes test/fixtures/optim.json).
import { describe, expect, it } from 'vitest';
import { tensor, optim, type DType } from '../../src/index.js';
import { expectClose, type Tolerance } from '../../src/testing/index.js';
import { fixtures, makeProblem, optimizerClass, quadraticGrad, type SchedulerCase } from './helpers.js';

const TOL: Record<'float64' | 'float32', Tolerance> = {
  float64: { rtol: 1e-9, atol: 1e-12 },
  float32: { rtol: 1e-5, atol: 1e-6 },
};
const LR_TOL: Tolerance = { rtol: 1e-12, atol: 1e-15 };

describe('optimizers match PyTorch over 5 steps (two param groups, a skipped grad)', () => {
  it('the fixture covers every optimizer', () => {
    expect(new Set(fixtures.optimizers.map((c) => c.optimizer))).toEqual(new Set(['SGD', 'Adam', 'AdamW', 'RMSprop']));
  });
  for (const c of fixtures.optimizers) {
    for (const dtype of ['float64', 'float32'] as const) {
      it(`${c.name} (${dtype})`, () => {
        const { w, b, aW, cW, aB, cB } = makeProblem(dtype as DType);
        const Opt = optimizerClass(c.optimizer);
        const opt = new Opt([{ params: [w] }, { params: [b], ...c.group1 }], c.options);
        for (let step = 1; step <= fixtures.problem.steps; step++) {
          quadraticGrad(w, aW, cW);
          if (step === fixtures.problem.skipStep) b.grad = null;
          else quadraticGrad(b, aB, cB);
          opt.step();
          expectClose(w.toArray(), c[dtype].w[step - 1]!, TOL[dtype], `${c.name} w after step ${step}`);
          expectClose(b.toArray(), c[dtype].b[step - 1]!, TOL[dtype], `${c.name} b after step ${step}`);
        }
        expect(w.dtype).toBe(dtype);
      });
    }
  }
});

function makeScheduler(opt: optim.Optimizer, kind: SchedulerCase['scheduler'], o: Record<string, unknown>, after?: optim.LRScheduler) {
  switch (kind) {
    case 'StepLR':
      return new optim.StepLR(opt, o as unknown as optim.StepLROptions);
    case 'ExponentialLR':
      return new optim.ExponentialLR(opt, o as unknown as optim.ExponentialLROptions);
    case 'CosineAnnealingLR':
      return new optim.CosineAnnealingLR(opt, o as unknown as optim.CosineAnnealingLROptions);
    case 'ReduceLROnPlateau':
      return new optim.ReduceLROnPlateau(opt, o as optim.ReduceLROnPlateauOptions);
    case 'LinearWarmup':
      return new optim.LinearWarmup(opt, { ...(o as unknown as optim.LinearWarmupOptions), after });
  }
}

describe('LR schedulers match PyTorch step by step', () => {
  it('the fixture covers every scheduler', () => {
    expect(new Set(fixtures.schedulers.map((c) => c.scheduler))).toEqual(
      new Set(['StepLR', 'ExponentialLR', 'CosineAnnealingLR', 'ReduceLROnPlateau', 'LinearWarmup']),
    );
  });
  for (const c of fixtures.schedulers) {
    it(c.name, () => {
      const opt = new optim.SGD(c.groupLrs.map((lr) => ({ params: [tensor([0], { requiresGrad: true })], lr })));
      const after = c.after ? (makeScheduler(opt, c.after.scheduler, c.after.options) as optim.LRScheduler) : undefined;
      const sched = makeScheduler(opt, c.scheduler, c.options, after);
      const lrs = () => opt.paramGroups.map((g) => g.lr);
      expectClose(lrs(), c.lrs[0]!, LR_TOL, `${c.name} after construction`);
      expectClose(sched.getLastLr(), c.lrs[0]!, LR_TOL, `${c.name} getLastLr after construction`);
      for (let i = 0; i < c.steps; i++) {
        opt.step();
        if (sched instanceof optim.ReduceLROnPlateau) sched.step(c.metrics![i]!);
        else sched.step();
        expectClose(lrs(), c.lrs[i + 1]!, LR_TOL, `${c.name} after step ${i + 1}`);
        expectClose(sched.getLastLr(), c.lrs[i + 1]!, LR_TOL, `${c.name} getLastLr after step ${i + 1}`);
      }
    });
  }
});
