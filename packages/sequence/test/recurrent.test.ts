import { describe, expect, it } from 'vitest';
import { Generator, Tensor, getBackend, gradcheck, randn, setBackend } from '@neurone/core';
import { gruCell, lstmCell, recurrent, rnnCell, type CellWeights, type RNNMode } from '../src/index.js';
import { expectClose, fixture, t } from './helpers.js';

function weightsFrom(sd: Record<string, unknown>, L: number, D: number, requiresGrad: boolean): [CellWeights[], Record<string, Tensor>] {
  const params: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(sd)) params[k] = t(v, 'float64', requiresGrad);
  const ws: CellWeights[] = [];
  for (let l = 0; l < L; l++) {
    for (let d = 0; d < D; d++) {
      const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
      ws.push({ weightIh: params[`weight_ih${sfx}`]!, weightHh: params[`weight_hh${sfx}`]!, biasIh: params[`bias_ih${sfx}`], biasHh: params[`bias_hh${sfx}`] });
    }
  }
  return [ws, params];
}

describe('recurrent (functional) matches PyTorch', () => {
  for (const c of fixture('rnn.json')) {
    const name = `${c.mode} layers=${c.numLayers} bidirectional=${c.bidirectional} batchFirst=${c.batchFirst} bias=${c.bias} lengths=${c.lengths} init=${c.init}`;
    it(name, () => {
      const D = c.bidirectional ? 2 : 1;
      const [ws, params] = weightsFrom(c.stateDict, c.numLayers, D, true);
      const x = t(c.input, 'float64', true);
      const h0 = t(c.h0, 'float64', true);
      const c0 = t(c.c0, 'float64', true);
      const hx = c.init ? (c.mode === 'LSTM' ? ([h0, c0] as [Tensor, Tensor]) : h0) : null;
      const r = recurrent(x, ws, { mode: c.mode as RNNMode, numLayers: c.numLayers, hiddenSize: c.hiddenSize, bidirectional: c.bidirectional, batchFirst: c.batchFirst }, hx, c.lengths);
      expectClose(r.output, c.output, 1e-4, 'output');
      expectClose(r.h, c.hn, 1e-4, 'h_n');
      let loss = r.output.mul(t(c.gradOutput)).sum().add(r.h.mul(t(c.gradHn)).sum());
      if (c.mode === 'LSTM') {
        expectClose(r.c!, c.cn, 1e-4, 'c_n');
        loss = loss.add(r.c!.mul(t(c.gradCn)).sum());
      }
      loss.backward();
      expectClose(x.grad!, c.gradInput, 1e-4, 'grad input');
      for (const [k, g] of Object.entries(c.gradParams)) expectClose(params[k]!.grad!, g, 1e-4, `grad ${k}`);
      if (c.init) {
        expectClose(h0.grad!, c.gradH0, 1e-4, 'grad h0');
        if (c.mode === 'LSTM') expectClose(c0.grad!, c.gradC0, 1e-4, 'grad c0');
      }
    });
  }
});

describe('cells (functional) match PyTorch', () => {
  for (const c of fixture('cells.json')) {
    it(`${c.kind} bias=${c.bias}`, () => {
      const p: Record<string, Tensor> = {};
      for (const [k, v] of Object.entries(c.stateDict)) p[k] = t(v, 'float64', true);
      const w = { weightIh: p.weight_ih!, weightHh: p.weight_hh!, biasIh: p.bias_ih, biasHh: p.bias_hh };
      const x = t(c.input, 'float64', true);
      const h = t(c.h, 'float64', true);
      let loss: Tensor;
      if (c.kind === 'LSTMCell') {
        const cc = t(c.c, 'float64', true);
        const [h1, c1] = lstmCell(x, [h, cc], w);
        expectClose(h1, c.h1, 1e-4, 'h1');
        expectClose(c1, c.c1, 1e-4, 'c1');
        loss = h1.mul(t(c.gradH1)).sum().add(c1.mul(t(c.gradC1)).sum());
        loss.backward();
        expectClose(cc.grad!, c.gradC, 1e-4, 'grad c');
      } else {
        const h1 = c.kind === 'GRUCell' ? gruCell(x, h, w) : rnnCell(x, h, w, c.kind.endsWith('relu') ? 'relu' : 'tanh');
        expectClose(h1, c.h1, 1e-4, 'h1');
        h1.mul(t(c.gradH1)).sum().backward();
      }
      expectClose(x.grad!, c.gradInput, 1e-4, 'grad x');
      expectClose(h.grad!, c.gradH, 1e-4, 'grad h');
      for (const [k, g] of Object.entries(c.gradParams)) expectClose(p[k]!.grad!, g, 1e-4, `grad ${k}`);
    });
  }
});

describe('recurrent gradcheck (float64)', () => {
  const gen = new Generator(21);
  const r = (shape: number[]) => randn(shape, { dtype: 'float64', generator: gen, requiresGrad: true }).mul(0.5).detach().requiresGrad_();
  const gates: Record<RNNMode, number> = { LSTM: 4, GRU: 3, RNN_TANH: 1, RNN_RELU: 1 };
  for (const mode of ['LSTM', 'GRU', 'RNN_TANH', 'RNN_RELU'] as RNNMode[]) {
    for (const lengths of [null, [3, 1, 2]]) {
      it(`${mode} 2 layers, bidirectional, lengths ${lengths}`, () => {
        const I = 3, H = 2, T = 3, N = 3, L = 2, D = 2, G = gates[mode];
        const flat: Tensor[] = [];
        for (let l = 0; l < L; l++) for (let d = 0; d < D; d++) flat.push(r([G * H, l === 0 ? I : D * H]), r([G * H, H]), r([G * H]), r([G * H]));
        const x = r([T, N, I]);
        const h0 = r([L * D, N, H]);
        const c0 = r([L * D, N, H]);
        const fn = (...ts: Tensor[]) => {
          const [xx, hh, cc, ...p] = ts;
          const ws: CellWeights[] = [];
          for (let k = 0; k < L * D; k++) ws.push({ weightIh: p[4 * k]!, weightHh: p[4 * k + 1]!, biasIh: p[4 * k + 2], biasHh: p[4 * k + 3] });
          const res = recurrent(xx!, ws, { mode, numLayers: L, hiddenSize: H, bidirectional: true }, mode === 'LSTM' ? [hh!, cc!] : hh!, lengths);
          const parts = [res.output.flatten(), res.h.flatten()];
          if (res.c) parts.push(res.c.flatten());
          return parts.reduce((a, b) => a.sum().add(b.mul(b).sum()));
        };
        gradcheck(fn, [x, h0, c0, ...flat]);
      });
    }
  }
});

describe('variable lengths', () => {
  it('padding never leaks into either direction, and outputs past a length are zero', () => {
    const gen = new Generator(8);
    const I = 3, H = 4;
    const ws: CellWeights[] = [];
    for (let d = 0; d < 2; d++) ws.push({ weightIh: randn([4 * H, I], { generator: gen }), weightHh: randn([4 * H, H], { generator: gen }), biasIh: randn([4 * H], { generator: gen }), biasHh: randn([4 * H], { generator: gen }) });
    const opts = { mode: 'LSTM' as const, numLayers: 1, hiddenSize: H, bidirectional: true, batchFirst: true };
    const x = randn([2, 6, I], { generator: gen });
    // sample 1 has 3 frames; garbage in its padding must change nothing
    const garbage = x.clone();
    for (let tt = 3; tt < 6; tt++) for (let i = 0; i < I; i++) garbage.data[(6 + tt) * I + i] = 100;
    const a = recurrent(x, ws, opts, null, [6, 3]);
    const b = recurrent(garbage, ws, opts, null, [6, 3]);
    expectClose(b.output, a.output.toArray(), 1e-7);
    expectClose(b.h, a.h.toArray(), 1e-7);
    // and running sample 1 alone on its 3 frames gives the same
    const alone = recurrent(x.narrow(0, 1, 1).narrow(1, 0, 3), ws, opts);
    expectClose(a.h.narrow(1, 1, 1), alone.h.toArray(), 1e-6);
    expectClose(a.output.narrow(0, 1, 1).narrow(1, 0, 3), alone.output.toArray(), 1e-6);
    expect(a.output.narrow(0, 1, 1).narrow(1, 3, 3).abs().sum().item()).toBe(0);
  });

  it('refuses lengths out of range', () => {
    const w = { weightIh: randn([4, 2]), weightHh: randn([4, 4]) };
    expect(() => recurrent(randn([3, 2, 2]), [w], { mode: 'RNN_TANH', numLayers: 1, hiddenSize: 4 }, null, [4, 1])).toThrow(/length of sample 0 must be an integer in 1\.\.3, got 4/);
    expect(() => recurrent(randn([3, 2, 2]), [w], { mode: 'RNN_TANH', numLayers: 1, hiddenSize: 4 }, null, [0, 1])).toThrow(/in 1\.\.3, got 0/);
    expect(() => recurrent(randn([3, 2, 5]), [w], { mode: 'RNN_TANH', numLayers: 1, hiddenSize: 4 })).toThrow(/input has 5 features/);
  });
});

describe('cells in float32 on the default backend match PyTorch', () => {
  // the wasm backend's GEMM adds the bias onto the input projection (MatmulParams.bias with accumulate)
  for (const c of fixture('cells.json')) {
    it(`${c.kind} bias=${c.bias}`, () => {
      const p: Record<string, Tensor> = {};
      for (const [k, v] of Object.entries(c.stateDict)) p[k] = t(v, 'float32');
      const w = { weightIh: p.weight_ih!, weightHh: p.weight_hh!, biasIh: p.bias_ih, biasHh: p.bias_hh };
      const x = t(c.input, 'float32');
      const h = t(c.h, 'float32');
      if (c.kind === 'LSTMCell') {
        const [h1, c1] = lstmCell(x, [h, t(c.c, 'float32')], w);
        expectClose(h1, c.h1, 1e-5, 'h1');
        expectClose(c1, c.c1, 1e-5, 'c1');
      } else {
        const h1 = c.kind === 'GRUCell' ? gruCell(x, h, w) : rnnCell(x, h, w, c.kind.endsWith('relu') ? 'relu' : 'tanh');
        expectClose(h1, c.h1, 1e-5, 'h1');
      }
    });
  }
});

describe('LSTM layers in float32 on every backend', () => {
  // the float64 tests above run the reference composition; float32 on the wasm backend runs its fused layer
  for (const bias of [true, false]) {
    it(`2 layers, bidirectional, lengths, bias ${bias}: wasm and js agree, and a retained graph gives the same gradients twice`, () => {
      const run = (backend: string) => {
        const prev = getBackend().name;
        setBackend(backend);
        try {
          const gen = new Generator(31);
          const I = 5, H = 6, T = 7, N = 4, L = 2, D = 2;
          const r = (shape: number[]) => randn(shape, { generator: gen }).mul(0.5).detach().requiresGrad_();
          const ws: CellWeights[] = [];
          for (let k = 0; k < L * D; k++) {
            ws.push({ weightIh: r([4 * H, k < D ? I : D * H]), weightHh: r([4 * H, H]), biasIh: bias ? r([4 * H]) : null, biasHh: bias ? r([4 * H]) : null });
          }
          const x = r([T, N, I]);
          const h0 = r([L * D, N, H]);
          const c0 = r([L * D, N, H]);
          const res = recurrent(x, ws, { mode: 'LSTM', numLayers: L, hiddenSize: H, bidirectional: true }, [h0, c0], [7, 5, 5, 2]);
          const loss = res.output.square().sum().add(res.h.sum()).add(res.c!.mul(res.c!).sum());
          const leaves = [x, h0, c0, ...ws.flatMap((w) => [w.weightIh, w.weightHh, ...(bias ? [w.biasIh!, w.biasHh!] : [])])];
          loss.backward(undefined, { retainGraph: true });
          const first = leaves.map((p) => p.grad!.clone());
          for (const p of leaves) p.grad = null;
          loss.backward();
          const second = leaves.map((p) => p.grad!);
          return { out: [res.output, res.h, res.c!], first, second };
        } finally {
          setBackend(prev);
        }
      };
      const wasm = run('wasm');
      const js = run('js');
      wasm.out.forEach((o, i) => expectClose(o, js.out[i]!, 1e-5));
      wasm.first.forEach((g, i) => expectClose(g, js.first[i]!, 1e-4));
      wasm.second.forEach((g, i) => expect([...g.data]).toEqual([...wasm.first[i]!.data]));
    });
  }
});
