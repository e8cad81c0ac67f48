// Optimizer state dicts: PyTorch's structure, snapshots, a round trip in the
// middle of training that continues identically, and clear errors on mismatch.
import { describe, expect, it } from 'vitest';
import { Tensor, ShapeError, NeuroneError, tensor, optim } from '../../src/index.js';
import { fixtures, makeProblem, optimizerClass, quadraticGrad } from './helpers.js';

function train(opt: optim.Optimizer, p: ReturnType<typeof makeProblem>, steps: number, from = 1): void {
  for (let step = from; step < from + steps; step++) {
    quadraticGrad(p.w, p.aW, p.cW);
    if (step % 3 === 0) p.b.grad = null;
    else quadraticGrad(p.b, p.aB, p.cB);
    opt.step();
  }
}

/** A JSON round trip for everything but tensors, like a checkpoint (tensors to safetensors, the rest to JSON). */
function throughJson(sd: optim.OptimizerStateDict): optim.OptimizerStateDict {
  const state: optim.OptimizerStateDict['state'] = {};
  for (const [k, entry] of Object.entries(sd.state)) {
    state[Number(k)] = Object.fromEntries(
      Object.entries(entry).map(([name, v]) => [name, v instanceof Tensor ? tensor(v.data, { shape: v.shape }) : JSON.parse(JSON.stringify(v))]),
    );
  }
  return { state, paramGroups: JSON.parse(JSON.stringify(sd.paramGroups)) };
}

describe('Optimizer.stateDict', () => {
  it("has PyTorch's structure: parameters numbered across groups, per-parameter state, group hyperparameters", () => {
    const p = makeProblem('float64');
    const opt = new optim.Adam([{ params: [p.w] }, { params: [p.b], lr: 0.5 }], { lr: 0.1, amsgrad: true });
    expect(opt.stateDict()).toEqual({
      state: {},
      paramGroups: [
        { params: [0], lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: true, maximize: false },
        { params: [1], lr: 0.5, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: true, maximize: false },
      ],
    });
    train(opt, p, 3); // b skipped at step 3
    const sd = opt.stateDict();
    expect(Object.keys(sd.state)).toEqual(['0', '1']);
    expect(sd.state[0]!.step).toBe(3);
    expect(sd.state[1]!.step).toBe(2);
    expect(Object.keys(sd.state[0]!).sort()).toEqual(['expAvg', 'expAvgSq', 'maxExpAvgSq', 'step']);
    expect((sd.state[1]!.expAvg as Tensor).shape).toEqual([3]);
    // a snapshot: training on does not change it
    const before = (sd.state[0]!.expAvg as Tensor).toArray();
    train(opt, p, 1);
    expect((sd.state[0]!.expAvg as Tensor).toArray()).toEqual(before);
    expect(sd.state[0]!.expAvg).not.toBe(opt.state.get(p.w)!.expAvg);
  });

  it('keeps values JSON and safetensors can hold: tensors, numbers, booleans, strings, arrays of numbers', () => {
    const p = makeProblem('float32');
    const opt = new optim.RMSprop([p.w, p.b], { momentum: 0.9, centered: true });
    train(opt, p, 2);
    new optim.StepLR(opt, { stepSize: 2 }); // adds initialLr to the groups
    const sd = opt.stateDict();
    for (const entry of Object.values(sd.state)) {
      for (const v of Object.values(entry)) expect(v instanceof Tensor || typeof v === 'number').toBe(true);
    }
    for (const g of sd.paramGroups) {
      expect(g.initialLr).toBe(0.01);
      for (const v of Object.values(g)) {
        const ok = ['number', 'boolean', 'string'].includes(typeof v) || (Array.isArray(v) && v.every((x) => typeof x === 'number'));
        expect(ok).toBe(true);
      }
    }
    expect(sd.paramGroups[0]!.params).toEqual([0, 1]);
  });

  for (const c of fixtures.optimizers) {
    it(`round trip in the middle of training continues identically: ${c.name}`, () => {
      const Opt = optimizerClass(c.optimizer);
      const groups = (p: ReturnType<typeof makeProblem>) => [{ params: [p.w] }, { params: [p.b], ...c.group1 }];
      const p1 = makeProblem('float64');
      const opt1 = new Opt(groups(p1), c.options);
      train(opt1, p1, 4);
      // a fresh optimizer on copies of the parameters, built with other hyperparameters: loading restores them
      const p2 = makeProblem('float64');
      p2.w.data.set(p1.w.data);
      p2.b.data.set(p1.b.data);
      const opt2 = new Opt([{ params: [p2.w] }, { params: [p2.b] }], { lr: 123 });
      opt2.loadStateDict(throughJson(opt1.stateDict()));
      expect(opt2.paramGroups.map((g) => g.lr)).toEqual(opt1.paramGroups.map((g) => g.lr));
      expect(opt2.paramGroups[0]!.params[0]).toBe(p2.w);
      train(opt1, p1, 4, 5);
      train(opt2, p2, 4, 5);
      expect(p2.w.toArray()).toEqual(p1.w.toArray());
      expect(p2.b.toArray()).toEqual(p1.b.toArray());
      expect(opt2.stateDict()).toEqual(opt1.stateDict());
    });
  }

  it('loaded state is a copy, cast to the parameter dtype', () => {
    const p = makeProblem('float64');
    const opt = new optim.SGD([p.w, p.b], { lr: 0.1, momentum: 0.9 });
    train(opt, p, 2);
    const sd = opt.stateDict();
    const buf32 = tensor((sd.state[0]!.momentumBuffer as Tensor).data, { shape: [2, 3], dtype: 'float32' });
    sd.state[0]!.momentumBuffer = buf32;
    const q = makeProblem('float64');
    const opt2 = new optim.SGD([q.w, q.b], { lr: 0.1, momentum: 0.9 });
    opt2.loadStateDict(sd);
    const loaded = opt2.state.get(q.w)!.momentumBuffer!;
    expect(loaded.dtype).toBe('float64');
    expect(loaded).not.toBe(buf32);
    buf32.data.fill(7);
    expect(loaded.data[0]).not.toBe(7);
  });
});

describe('Optimizer.loadStateDict errors', () => {
  function trained() {
    const p = makeProblem('float64');
    const opt = new optim.Adam([{ params: [p.w] }, { params: [p.b] }]);
    train(opt, p, 2);
    return { p, opt, sd: opt.stateDict() };
  }

  it('refuses a different number of groups', () => {
    const { p, sd } = trained();
    const other = new optim.Adam([p.w, p.b]);
    expect(() => other.loadStateDict(sd)).toThrow('Adam.loadStateDict: the saved state has 2 parameter group(s), this optimizer has 1');
  });

  it('refuses groups of another size', () => {
    const { p, sd } = trained();
    const extra = tensor([1], { requiresGrad: true });
    const other = new optim.Adam([{ params: [p.w] }, { params: [p.b, extra] }]);
    expect(() => other.loadStateDict(sd)).toThrow(
      "Adam.loadStateDict: saved parameter group 1 has 1 parameter(s), the optimizer's group 1 has 2",
    );
  });

  it('refuses a state tensor whose shape is not its parameter', () => {
    const { p, sd } = trained();
    const other = new optim.Adam([{ params: [p.b] }, { params: [p.w] }]); // swapped
    const err = (() => {
      try {
        other.loadStateDict(sd);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ShapeError);
    expect((err as Error).message).toBe("Adam.loadStateDict: state 'expAvg' of parameter 0 has shape [2,3], expected [3]");
  });

  it('refuses state from another optimizer and leaves the optimizer untouched', () => {
    const { p, sd } = trained();
    const sgd = new optim.SGD([{ params: [p.w] }, { params: [p.b] }], { lr: 0.1, momentum: 0.9 });
    expect(() => sgd.loadStateDict(sd)).toThrow("SGD.loadStateDict: saved parameter group 0 lacks 'momentum' (was it saved from another optimizer?)");
    const sgdSd = sgd.stateDict();
    sgdSd.paramGroups.forEach((g) => (g.lr = 9));
    sgdSd.state[1] = { step: 1 };
    expect(() => sgd.loadStateDict(sgdSd)).toThrow("SGD.loadStateDict: state of parameter 1 lacks 'momentumBuffer'");
    expect(sgd.paramGroups[0]!.lr).toBe(0.1);
    expect(sgd.state.size).toBe(0);
  });

  it('refuses missing or mistyped entries and invalid hyperparameters', () => {
    const { opt, sd } = trained();
    const noStep = { ...sd, state: { ...sd.state, 0: { ...sd.state[0]!, step: undefined as unknown as number } } };
    expect(() => opt.loadStateDict(noStep)).toThrow("Adam.loadStateDict: state of parameter 0 lacks 'step'");
    const tensorStep = { ...sd, state: { ...sd.state, 0: { ...sd.state[0]!, step: tensor([2]) } } };
    expect(() => opt.loadStateDict(tensorStep)).toThrow("Adam.loadStateDict: state 'step' of parameter 0 should be a number, got a Tensor of shape [1]");
    const badLr = { ...sd, paramGroups: sd.paramGroups.map((g) => ({ ...g, lr: -1 })) };
    expect(() => opt.loadStateDict(badLr)).toThrow('Adam: invalid learning rate: -1');
    const unknown = { ...sd, state: { ...sd.state, 7: sd.state[0]! } };
    expect(() => opt.loadStateDict(unknown)).toThrow('Adam.loadStateDict: the saved state has an entry for parameter 7, which no saved parameter group lists');
    const wrongType = { ...sd, paramGroups: sd.paramGroups.map((g) => ({ ...g, amsgrad: 1 })) };
    expect(() => opt.loadStateDict(wrongType)).toThrow('Adam.loadStateDict: saved parameter group 0 has amsgrad = 1, expected a boolean');
    expect(() => opt.loadStateDict({} as optim.OptimizerStateDict)).toThrow(NeuroneError);
  });
});
