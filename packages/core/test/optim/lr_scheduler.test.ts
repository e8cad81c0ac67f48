// LR schedulers beyond the PyTorch sequences: state dicts, chaining, errors.
import { describe, expect, it } from 'vitest';
import { NeuroneError, tensor, optim } from '../../src/index.js';

function sgd(lrs = [0.1, 0.05]) {
  return new optim.SGD(lrs.map((lr) => ({ params: [tensor([0], { requiresGrad: true })], lr })));
}
const lrs = (opt: optim.Optimizer) => opt.paramGroups.map((g) => g.lr);

describe('LR schedulers', () => {
  it('are reachable as optim.lrScheduler.X too, and record initialLr once', () => {
    expect(optim.lrScheduler.StepLR).toBe(optim.StepLR);
    const opt = sgd();
    const s1 = new optim.StepLR(opt, { stepSize: 2, gamma: 0.5 });
    s1.step();
    s1.step();
    const s2 = new optim.ExponentialLR(opt, { gamma: 0.9 });
    expect(opt.paramGroups.map((g) => g.initialLr)).toEqual([0.1, 0.05]);
    expect(s2.baseLrs).toEqual([0.1, 0.05]);
    expect(s2.getLastLr()).toEqual([0.05, 0.025]);
  });

  it('are chainable: a manual lr change carries on', () => {
    const opt = sgd([1]);
    const sched = new optim.ExponentialLR(opt, { gamma: 0.5 });
    sched.step();
    opt.paramGroups[0]!.lr = 4;
    sched.step();
    expect(lrs(opt)).toEqual([2]);
  });

  it('getLastLr returns a copy', () => {
    const opt = sgd([1]);
    const sched = new optim.StepLR(opt, { stepSize: 1 });
    sched.getLastLr()[0] = 42;
    expect(sched.getLastLr()).toEqual([1]);
  });

  it('LinearWarmup alone stays at the initial lr after the warmup', () => {
    const opt = sgd([0.2]);
    const sched = new optim.LinearWarmup(opt, { warmupSteps: 2, startFactor: 0.5 });
    const seen = [lrs(opt)[0]];
    for (let i = 0; i < 5; i++) {
      sched.step();
      seen.push(lrs(opt)[0]);
    }
    expect(seen.map((x) => Number(x!.toFixed(12)))).toEqual([0.1, 0.15, 0.2, 0.2, 0.2, 0.2]);
  });

  it('ReduceLROnPlateau takes a one-element tensor as metric', () => {
    const opt = sgd([1]);
    const sched = new optim.ReduceLROnPlateau(opt, { patience: 0, factor: 0.5 });
    sched.step(tensor(1));
    sched.step(tensor([2]));
    expect(sched.getLastLr()).toEqual([0.5]);
    expect(() => sched.step(tensor([1, 2]))).toThrow('item: only a tensor with one element');
  });
});

describe('LR scheduler state dicts', () => {
  type Make = (opt: optim.Optimizer) => { step(): void; stateDict(): optim.SchedulerStateDict; loadStateDict(sd: optim.SchedulerStateDict): void };
  const cases: Array<[string, Make]> = [
    ['StepLR', (o) => new optim.StepLR(o, { stepSize: 3, gamma: 0.5 })],
    ['ExponentialLR', (o) => new optim.ExponentialLR(o, { gamma: 0.8 })],
    ['CosineAnnealingLR', (o) => new optim.CosineAnnealingLR(o, { tMax: 4, etaMin: 0.01 })],
    ['LinearWarmup + CosineAnnealingLR', (o) => new optim.LinearWarmup(o, { warmupSteps: 3, startFactor: 0.2, after: new optim.CosineAnnealingLR(o, { tMax: 5 }) })],
  ];
  it.each(cases)('%s resumes identically through JSON (with the optimizer state)', (_, make) => {
    const opt1 = sgd();
    const s1 = make(opt1);
    for (let i = 0; i < 5; i++) s1.step();
    const saved = JSON.parse(JSON.stringify({ sched: s1.stateDict(), opt: opt1.stateDict() }));
    const opt2 = sgd([9, 9]);
    const s2 = make(opt2);
    opt2.loadStateDict(saved.opt);
    s2.loadStateDict(saved.sched);
    for (let i = 0; i < 6; i++) {
      s1.step();
      s2.step();
      expect(lrs(opt2)).toEqual(lrs(opt1));
    }
    expect(s2.stateDict()).toEqual(s1.stateDict());
  });

  it('ReduceLROnPlateau resumes identically, its infinite best written by JSON as null', () => {
    const metrics = [5, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3];
    const opt1 = sgd();
    const s1 = new optim.ReduceLROnPlateau(opt1, { patience: 1, cooldown: 1, factor: 0.5 });
    const fresh = JSON.parse(JSON.stringify(s1.stateDict()));
    expect(fresh.best).toBeNull();
    const s0 = new optim.ReduceLROnPlateau(sgd(), { mode: 'max' });
    s0.loadStateDict(fresh);
    expect(s0.best).toBe(Infinity);
    expect(s0.mode).toBe('min');
    for (const m of metrics.slice(0, 4)) s1.step(m);
    const saved = JSON.parse(JSON.stringify({ sched: s1.stateDict(), opt: opt1.stateDict() }));
    const opt2 = sgd();
    const s2 = new optim.ReduceLROnPlateau(opt2);
    opt2.loadStateDict(saved.opt);
    s2.loadStateDict(saved.sched);
    for (const m of metrics.slice(4)) {
      s1.step(m);
      s2.step(m);
      expect(s2.getLastLr()).toEqual(s1.getLastLr());
    }
    expect(s1.getLastLr()).not.toEqual([0.1, 0.05]);
  });

  it('refuses the state of another scheduler or mistyped values', () => {
    const opt = sgd();
    const step = new optim.StepLR(opt, { stepSize: 2 });
    const cos = new optim.CosineAnnealingLR(opt, { tMax: 3 });
    expect(() => cos.loadStateDict(step.stateDict())).toThrow("CosineAnnealingLR.loadStateDict: unexpected key 'stepSize' (was it saved from another scheduler?)");
    expect(() => step.loadStateDict({ ...step.stateDict(), gamma: 'x' })).toThrow("StepLR.loadStateDict: 'gamma' should be a number, got \"x\"");
    const warm = new optim.LinearWarmup(opt, { warmupSteps: 2, after: new optim.ExponentialLR(opt, { gamma: 0.5 }) });
    const plain = new optim.LinearWarmup(opt, { warmupSteps: 2 });
    expect(() => plain.loadStateDict(warm.stateDict())).toThrow("LinearWarmup.loadStateDict: 'after' is {");
    expect(() => warm.loadStateDict(plain.stateDict())).toThrow("LinearWarmup.loadStateDict: 'after' should be the state dict of a scheduler, got null");
    expect(() => step.loadStateDict({ ...step.stateDict(), baseLrs: 1 })).toThrow("StepLR.loadStateDict: 'baseLrs' should be an array of numbers, got 1");
  });
});

describe('LR scheduler argument errors', () => {
  it.each([
    ['StepLR stepSize', () => new optim.StepLR(sgd(), { stepSize: 0 }), 'StepLR: stepSize should be a positive integer, got 0'],
    ['StepLR gamma', () => new optim.StepLR(sgd(), { stepSize: 2, gamma: -1 }), 'StepLR: gamma should be a number > 0, got -1'],
    ['ExponentialLR gamma', () => new optim.ExponentialLR(sgd(), { gamma: NaN }), 'ExponentialLR: gamma should be a number > 0, got NaN'],
    ['CosineAnnealingLR tMax', () => new optim.CosineAnnealingLR(sgd(), { tMax: 0 }), 'CosineAnnealingLR: tMax should be a number > 0, got 0'],
    ['ReduceLROnPlateau factor', () => new optim.ReduceLROnPlateau(sgd(), { factor: 1 }), 'ReduceLROnPlateau: factor should be a number in [0, 1), got 1'],
    ['ReduceLROnPlateau mode', () => new optim.ReduceLROnPlateau(sgd(), { mode: 'up' as 'min' }), "ReduceLROnPlateau: mode should be 'min' or 'max', got up"],
    ['ReduceLROnPlateau thresholdMode', () => new optim.ReduceLROnPlateau(sgd(), { thresholdMode: 'x' as 'rel' }), "ReduceLROnPlateau: thresholdMode should be 'rel' or 'abs', got x"],
    ['ReduceLROnPlateau patience', () => new optim.ReduceLROnPlateau(sgd(), { patience: 1.5 }), 'ReduceLROnPlateau: patience should be an integer >= 0, got 1.5'],
    ['ReduceLROnPlateau minLr', () => new optim.ReduceLROnPlateau(sgd(), { minLr: [0.1] }), 'ReduceLROnPlateau: expected 2 minLr values (one per param group), got 1'],
    ['LinearWarmup startFactor', () => new optim.LinearWarmup(sgd(), { warmupSteps: 3, startFactor: 0 }), 'LinearWarmup: startFactor should be in (0, 1], got 0'],
    ['LinearWarmup warmupSteps', () => new optim.LinearWarmup(sgd(), { warmupSteps: -1 }), 'LinearWarmup: warmupSteps should be a positive integer, got -1'],
    ['LinearWarmup after', () => new optim.LinearWarmup(sgd(), { warmupSteps: 2, after: new optim.StepLR(sgd(), { stepSize: 1 }) }),
      'LinearWarmup: the scheduler given as after belongs to a different optimizer'],
    ['not an optimizer', () => new optim.StepLR({ paramGroups: [] } as unknown as optim.Optimizer, { stepSize: 1 }), 'StepLR: expected an Optimizer, got object'],
  ])('%s', (_, make, message) => {
    expect(make).toThrow(NeuroneError);
    expect(make).toThrow(message);
  });
});
