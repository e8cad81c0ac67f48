import { describe, expect, it } from 'vitest';
import { Generator, Tensor, cat, gradcheck, randn, stack, zeros } from '@neurone/core';
import { MDLSTM, mdlstmScan, type MDLSTMWeights } from '../src/index.js';
import { expectClose } from './helpers.js';

/** The 2-D LSTM written cell by cell with core ops: the obviously right reference. */
function naiveScan(x: Tensor, w: MDLSTMWeights, flipH: boolean, flipW: boolean): Tensor {
  const [N, , Hh, Ww] = x.shape as [number, number, number, number];
  const H = w.weightHh.shape[1]!;
  const uUp = w.weightHh.narrow(0, 0, 5 * H);
  const uLeft = w.weightHh.narrow(0, 5 * H, 5 * H);
  const hs: (Tensor | null)[][] = [];
  const cs: (Tensor | null)[][] = [];
  const out: Tensor[][] = [];
  for (let i = 0; i < Hh; i++) {
    hs.push([]);
    cs.push([]);
    for (let j = 0; j < Ww; j++) {
      const r = flipH ? Hh - 1 - i : i;
      const c = flipW ? Ww - 1 - j : j;
      const xi = x.select(2, r).select(2, c); // (N, C)
      let pre = xi.matmul(w.weightIh.t());
      if (w.bias) pre = pre.add(w.bias);
      const up = i > 0 ? [hs[i - 1]![j]!, cs[i - 1]![j]!] : null;
      const left = j > 0 ? [hs[i]![j - 1]!, cs[i]![j - 1]!] : null;
      if (up) pre = pre.add(up[0]!.matmul(uUp.t()));
      if (left) pre = pre.add(left[0]!.matmul(uLeft.t()));
      const [gi, fu, fl, g, o] = pre.split(H, 1) as [Tensor, Tensor, Tensor, Tensor, Tensor];
      let cell = gi.sigmoid().mul(g.tanh());
      if (up) cell = cell.add(fu.sigmoid().mul(up[1]!));
      if (left) cell = cell.add(fl.sigmoid().mul(left[1]!));
      const h = o.sigmoid().mul(cell.tanh());
      hs[i]![j] = h;
      cs[i]![j] = cell;
    }
  }
  // back to image coordinates: (N, H, Hh, Ww)
  for (let r = 0; r < Hh; r++) {
    out.push([]);
    for (let c = 0; c < Ww; c++) out[r]!.push(hs[flipH ? Hh - 1 - r : r]![flipW ? Ww - 1 - c : c]!);
  }
  return stack(out.map((row) => stack(row, 2)), 2);
}

describe('MDLSTM', () => {
  const gen = new Generator(12);
  const rnd = (shape: number[]) => randn(shape, { dtype: 'float64', generator: gen }).mul(0.6).detach().requiresGrad_();

  for (const [flipH, flipW] of [[false, false], [false, true], [true, false], [true, true]] as const) {
    it(`diagonal scan equals the cell-by-cell reference (flipH=${flipH}, flipW=${flipW})`, () => {
      const H = 3;
      const w = { weightIh: rnd([5 * H, 2]), weightHh: rnd([10 * H, H]), bias: rnd([5 * H]) };
      for (const [Hh, Ww] of [[3, 5], [4, 2], [1, 4], [3, 1]]) {
        const x = rnd([2, 2, Hh!, Ww!]);
        expectClose(mdlstmScan(x, w, flipH, flipW), naiveScan(x, w, flipH, flipW).toArray(), 1e-10);
      }
    });

    it(`gradcheck, scan from corner (flipH=${flipH}, flipW=${flipW})`, () => {
      const H = 2;
      const w = [rnd([5 * H, 2]), rnd([10 * H, H]), rnd([5 * H])];
      const x = rnd([2, 2, 3, 4]);
      gradcheck((xx, a, b, c) => mdlstmScan(xx!, { weightIh: a!, weightHh: b!, bias: c }, flipH, flipW), [x, ...w]);
    });
  }

  it('module: four directions combined, names, gradcheck through the module', () => {
    const md = new MDLSTM(2, 3, { dtype: 'float64', generator: new Generator(4) });
    expect(Object.keys(md.stateDict()).slice(0, 4)).toEqual(['weight_ih_d0', 'weight_hh_d0', 'bias_d0', 'weight_ih_d1']);
    expect(md.parameters().length).toBe(12);
    const x = rnd([2, 2, 3, 3]);
    const y = md.forward(x);
    expect(y.shape).toEqual([2, 12, 3, 3]);
    // direction 1 (top-right) is the top-left scan of the mirrored image, mirrored back
    const d1 = y.narrow(1, 3, 3);
    const mirrored = mdlstmScan(x.indexSelect(3, [2, 1, 0]), md.directionWeights(1)).indexSelect(3, [2, 1, 0]);
    expectClose(d1, mirrored.toArray(), 1e-10);
    const sum = new MDLSTM(2, 3, { combine: 'mean', dtype: 'float64' });
    expect(sum.forward(x).shape).toEqual([2, 3, 3, 3]);
    const small = new MDLSTM(1, 2, { dtype: 'float64', combine: 'sum', generator: new Generator(9) });
    gradcheck((xx) => small.forward(xx!), [rnd([1, 1, 2, 3])]);
    small.zeroGrad();
    gradcheck((p) => { void p; return small.forward(x.narrow(1, 0, 1).detach()); }, [small.parameters()[1]!]);
  });

  it('refuses malformed input', () => {
    const md = new MDLSTM(3, 2);
    expect(() => md.forward(randn([1, 2, 4, 4]))).toThrow(/MDLSTM: expected input \(N, 3, H, W\), got \[1,2,4,4\]/);
    expect(() => new MDLSTM(3, 0)).toThrow(/hiddenSize must be a positive integer/);
    expect(cat([zeros([1])], 0).shape).toEqual([1]);
  });
});
