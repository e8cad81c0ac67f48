import { describe, expect, it } from 'vitest';
import { Generator, Tensor, gradcheck, randn } from '@neurone/core';
import * as seq from '../src/index.js';
import { CTCLoss, MultiheadAttention, gruCell, gruGates, lstmCell, lstmGates, rnnCell } from '../src/index.js';

const gen = new Generator(31);
const r = (shape: number[], scale = 1) => randn(shape, { dtype: 'float64', generator: gen }).mul(scale).detach().requiresGrad_();

describe('gradcheck of the fused cell ops (float64)', () => {
  it('lstmGates: both outputs, every input', () => {
    const g = r([3, 8]);
    const c = r([3, 2]);
    gradcheck((a, b) => lstmGates(a!, b!)[0], [g, c]);
    gradcheck((a, b) => lstmGates(a!, b!)[1], [g, c]);
    gradcheck((a, b) => { const [h, cc] = lstmGates(a!, b!); return h.mul(cc).add(h); }, [g, c]);
  });

  it('gruGates', () => {
    gradcheck((a, b, h) => gruGates(a!, b!, h!), [r([3, 6]), r([3, 6]), r([3, 2])]);
  });

  for (const bias of [true, false]) {
    it(`lstmCell, gruCell, rnnCell (bias=${bias})`, () => {
      const I = 3, H = 2;
      const w = (G: number) => [r([G * H, I], 0.5), r([G * H, H], 0.5), ...(bias ? [r([G * H], 0.5), r([G * H], 0.5)] : [])];
      const cw = (ps: Tensor[]) => ({ weightIh: ps[0]!, weightHh: ps[1]!, biasIh: ps[2] ?? null, biasHh: ps[3] ?? null });
      const x = r([4, I]);
      const h = r([4, H]);
      const c = r([4, H]);
      gradcheck((xx, hh, cc, ...ps) => { const [h1, c1] = lstmCell(xx!, [hh!, cc!], cw(ps)); return h1.add(c1.mul(2)); }, [x, h, c, ...w(4)]);
      gradcheck((xx, hh, ...ps) => gruCell(xx!, hh!, cw(ps)), [x, h, ...w(3)]);
      gradcheck((xx, hh, ...ps) => rnnCell(xx!, hh!, cw(ps), 'tanh'), [x, h, ...w(1)]);
      gradcheck((xx, hh, ...ps) => rnnCell(xx!, hh!, cw(ps), 'relu'), [x, h, ...w(1)]);
    });
  }
});

describe('gradcheck of the modules (float64)', () => {
  it('MultiheadAttention, inputs and parameters', () => {
    const m = new MultiheadAttention(4, 2, { dtype: 'float64', generator: gen });
    const q = r([3, 2, 4]);
    const kv = r([5, 2, 4]);
    const mask = randn([2, 5], { generator: gen }).gt(0.8);
    gradcheck((a, b) => { const [o, w] = m.forward(a!, b!, b!, { keyPaddingMask: mask }); return o.sum().add(w!.square().sum()); }, [q, kv]);
    for (const p of m.parameters()) gradcheck(() => m.forward(q.detach(), kv.detach(), kv.detach())[0], [p]);
  });

  it('CTCLoss module equals ctcLoss and is differentiable', () => {
    const lp = r([6, 2, 4]);
    const ctc = new CTCLoss({ reduction: 'sum', blank: 3 });
    const a = ctc.forward(lp.logSoftmax(2), [[0, 1], [2, 2]], [6, 5], [2, 2]).item();
    const b = seq.F.ctcLoss(lp.logSoftmax(2), [0, 1, 2, 2], [6, 5], [2, 2], { reduction: 'sum', blank: 3 }).item();
    expect(a).toBeCloseTo(b, 12);
    gradcheck((x) => ctc.forward(x!.logSoftmax(2), [[0, 1], [2, 2]], [6, 5], [2, 2]), [lp]);
    expect(ctc.toString()).toContain("blank=3, reduction='sum'");
    expect(() => new CTCLoss({ reduction: 'max' as 'sum' })).toThrow(/reduction must be/);
  });

  it('exports the layers under nn and the functions under F too', () => {
    expect(seq.nn.LSTM).toBe(seq.LSTM);
    expect(seq.nn.MultiheadAttention).toBe(MultiheadAttention);
    expect(seq.F.lstmCell).toBe(lstmCell);
    expect(seq.F.slidingWindow).toBe(seq.slidingWindow);
  });
});
