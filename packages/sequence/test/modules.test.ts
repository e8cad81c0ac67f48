import { describe, expect, it } from 'vitest';
import { Generator, Tensor, nn, randn, zeros } from '@neurone/core';
import { GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell, type RNNBase } from '../src/index.js';
import { expectClose, fixture, t } from './helpers.js';

function stateDictOf(sd: Record<string, unknown>): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, t(v)]));
}

describe('parameter names, shapes and initialisation follow PyTorch', () => {
  it('LSTM', () => {
    const m = new LSTM(5, 4, { numLayers: 2, bidirectional: true });
    const shapes = Object.fromEntries(Object.entries(m.stateDict()).map(([k, v]) => [k, v.shape]));
    // the keys and their order of torch.nn.LSTM(5, 4, num_layers=2, bidirectional=True).state_dict()
    expect(Object.keys(shapes)).toEqual(Object.keys(fixture('rnn.json')[0].stateDict));
    expect(shapes.weight_ih_l0).toEqual([16, 5]);
    expect(shapes.weight_ih_l1_reverse).toEqual([16, 8]);
    expect(shapes.weight_hh_l1).toEqual([16, 4]);
    expect(shapes.bias_hh_l0_reverse).toEqual([16]);
    for (const p of m.parameters()) {
      expect(Math.max(...p.toList().map(Math.abs))).toBeLessThanOrEqual(0.5);
      expect(Math.max(...p.toList().map(Math.abs))).toBeGreaterThan(0.3);
    }
  });

  it('GRU, RNN and the cells', () => {
    expect(Object.keys(new GRU(3, 2, { bias: false }).stateDict())).toEqual(['weight_ih_l0', 'weight_hh_l0']);
    expect(new GRU(3, 2).stateDict().weight_hh_l0!.shape).toEqual([6, 2]);
    expect(new RNN(3, 2).stateDict().weight_ih_l0!.shape).toEqual([2, 3]);
    const cells = fixture('cells.json');
    expect(Object.keys(new LSTMCell(5, 4).stateDict())).toEqual(Object.keys(cells[0].stateDict));
    expect(Object.keys(new GRUCell(5, 4, { bias: false }).stateDict())).toEqual(Object.keys(cells[3].stateDict));
    expect(new RNNCell(5, 4).stateDict().weight_ih!.shape).toEqual([4, 5]);
    expect(new LSTM(2, 3).parameters().length).toBe(4);
    expect(new GRU(2, 3, { numLayers: 3, bidirectional: true }).parameters().length).toBe(24);
  });

  it('is seeded by the generator', () => {
    const a = new LSTM(3, 2, { generator: new Generator(1) }).stateDict().weight_ih_l0!.toList();
    const b = new LSTM(3, 2, { generator: new Generator(1) }).stateDict().weight_ih_l0!.toList();
    expect(a).toEqual(b);
  });

  it('refuses bad sizes', () => {
    expect(() => new LSTM(0, 3)).toThrow(/LSTM: inputSize must be an integer >= 1, got 0/);
    expect(() => new GRU(3, 2, { dropout: 2 })).toThrow(/dropout must be between 0 and 1/);
    expect(() => new RNN(3, 2, { nonlinearity: 'sigmoid' as 'tanh' })).toThrow(/nonlinearity must be 'tanh' or 'relu'/);
  });
});

describe('modules load PyTorch state dicts and match PyTorch', () => {
  for (const c of fixture('rnn.json')) {
    it(`${c.mode} layers=${c.numLayers} bidirectional=${c.bidirectional} batchFirst=${c.batchFirst} lengths=${c.lengths}`, () => {
      const opts = { numLayers: c.numLayers, bidirectional: c.bidirectional, batchFirst: c.batchFirst, bias: c.bias, dtype: 'float64' as const };
      const m: RNNBase =
        c.mode === 'LSTM' ? new LSTM(c.inputSize, c.hiddenSize, opts)
        : c.mode === 'GRU' ? new GRU(c.inputSize, c.hiddenSize, opts)
        : new RNN(c.inputSize, c.hiddenSize, { ...opts, nonlinearity: c.mode === 'RNN_TANH' ? 'tanh' : 'relu' });
      m.loadStateDict(stateDictOf(c.stateDict), { strict: true });
      const x = t(c.input, 'float64', true);
      let out: Tensor;
      let h: Tensor;
      let cc: Tensor | undefined;
      if (m instanceof LSTM) {
        const hx = c.init ? ([t(c.h0), t(c.c0)] as [Tensor, Tensor]) : null;
        [out, [h, cc]] = m.forward(x, hx, { lengths: c.lengths });
      } else {
        [out, h] = (m as GRU).forward(x, c.init ? t(c.h0) : null, { lengths: c.lengths });
      }
      expectClose(out, c.output, 1e-4, 'output');
      expectClose(h, c.hn, 1e-4, 'h_n');
      if (cc) expectClose(cc, c.cn, 1e-4, 'c_n');
      let loss = out.mul(t(c.gradOutput)).sum().add(h.mul(t(c.gradHn)).sum());
      if (cc) loss = loss.add(cc.mul(t(c.gradCn)).sum());
      loss.backward();
      expectClose(x.grad!, c.gradInput, 1e-4, 'grad input');
      const params = Object.fromEntries(m.namedParameters());
      for (const [k, g] of Object.entries(c.gradParams)) expectClose(params[k]!.grad!, g, 1e-4, `grad ${k}`);
    });
  }

  it('float32 modules within 1e-4 of PyTorch', () => {
    const c = fixture('rnn.json')[0];
    const m = new LSTM(c.inputSize, c.hiddenSize, { numLayers: 2, bidirectional: true });
    m.loadStateDict(stateDictOf(c.stateDict));
    expect(m.stateDict().weight_ih_l0!.dtype).toBe('float32');
    const [out, [h, cc]] = m.forward(t(c.input, 'float32'), [t(c.h0, 'float32'), t(c.c0, 'float32')]);
    expectClose(out, c.output, 1e-4, 'output');
    expectClose(h, c.hn, 1e-4, 'h_n');
    expectClose(cc, c.cn, 1e-4, 'c_n');
  });

  for (const c of fixture('cells.json')) {
    it(`${c.kind} bias=${c.bias}`, () => {
      const nl = c.kind.endsWith('relu') ? 'relu' : 'tanh';
      const m =
        c.kind === 'LSTMCell' ? new LSTMCell(c.inputSize, c.hiddenSize, { bias: c.bias, dtype: 'float64' })
        : c.kind === 'GRUCell' ? new GRUCell(c.inputSize, c.hiddenSize, { bias: c.bias, dtype: 'float64' })
        : new RNNCell(c.inputSize, c.hiddenSize, { bias: c.bias, dtype: 'float64', nonlinearity: nl });
      m.loadStateDict(stateDictOf(c.stateDict), { strict: true });
      const x = t(c.input, 'float64', true);
      const h = t(c.h, 'float64', true);
      if (m instanceof LSTMCell) {
        const [h1, c1] = m.forward(x, [h, t(c.c)]);
        expectClose(h1, c.h1, 1e-4, 'h1');
        expectClose(c1, c.c1, 1e-4, 'c1');
        h1.mul(t(c.gradH1)).sum().add(c1.mul(t(c.gradC1)).sum()).backward();
      } else {
        const h1 = (m as GRUCell).forward(x, h);
        expectClose(h1, c.h1, 1e-4, 'h1');
        h1.mul(t(c.gradH1)).sum().backward();
      }
      expectClose(x.grad!, c.gradInput, 1e-4, 'grad x');
      expectClose(h.grad!, c.gradH, 1e-4, 'grad h');
      const params = Object.fromEntries(m.namedParameters());
      for (const [k, g] of Object.entries(c.gradParams)) expectClose(params[k]!.grad!, g, 1e-4, `grad ${k}`);
    });
  }
});

describe('module behaviour', () => {
  it('shapes: unbatched input, batchFirst, default states', () => {
    const lstm = new LSTM(3, 5, { numLayers: 2, bidirectional: true, batchFirst: true });
    const [out, [h, c]] = lstm.forward(randn([4, 7, 3]));
    expect(out.shape).toEqual([4, 7, 10]);
    expect(h.shape).toEqual([4, 4, 5]);
    expect(c.shape).toEqual([4, 4, 5]);
    const [o1, h1] = new GRU(3, 5).forward(randn([7, 3]));
    expect(o1.shape).toEqual([7, 5]);
    expect(h1.shape).toEqual([1, 5]);
    const cell = new LSTMCell(3, 5);
    const [hc, cc] = cell.forward(randn([3]));
    expect(hc.shape).toEqual([5]);
    expect(cell.forward(randn([3]), [hc, cc])[0].shape).toEqual([5]);
    expect(new GRUCell(3, 5).forward(randn([2, 3])).shape).toEqual([2, 5]);
  });

  it('the last output of a unidirectional LSTM is its final state', () => {
    const lstm = new LSTM(3, 4);
    const [out, [h]] = lstm.forward(randn([6, 2, 3]));
    expectClose(out.select(0, 5), h.select(0, 0).toArray(), 1e-7);
  });

  it('dropout between layers only in training mode', () => {
    const gru = new GRU(3, 8, { numLayers: 2, dropout: 0.5, generator: new Generator(3) });
    const x = randn([5, 2, 3]);
    const a = gru.forward(x)[0].toList();
    const b = gru.forward(x)[0].toList();
    expect(a).not.toEqual(b);
    gru.eval();
    expect(gru.forward(x)[0].toList()).toEqual(gru.forward(x)[0].toList());
    // a single layer never drops
    const one = new GRU(3, 8, { dropout: 0.5 });
    expect(one.forward(x)[0].toList()).toEqual(one.forward(x)[0].toList());
  });

  it('clear errors', () => {
    const lstm = new LSTM(3, 4, { numLayers: 2 });
    expect(() => lstm.forward(randn([5, 2, 4]))).toThrow(/LSTM: input has 4 features \(shape \[5,2,4\]\), the layer expects input_size 3/);
    expect(() => lstm.forward(randn([5, 2, 3]), [zeros([1, 2, 4]), zeros([2, 2, 4])])).toThrow(/LSTM: expected h0 of shape \[2,2,4\], got \[1,2,4\]/);
    expect(() => lstm.forward(randn([2, 3, 5, 3]))).toThrow(/expected a 3-D input \(T, N, I\)/);
    expect(() => lstm.forward(randn([5, 2, 3], { dtype: 'float64' }))).toThrow(/input is float64 but the weights are float32/);
    expect(() => new GRUCell(3, 4).forward(randn([2, 3]), zeros([3, 4]))).toThrow(/GRUCell: expected hx of shape \[2,4\]/);
  });

  it('summary-friendly repr', () => {
    expect(new LSTM(64, 128, { bidirectional: true, batchFirst: true }).toString()).toContain('LSTM(64, 128, batchFirst=true, bidirectional=true)');
    expect(nn.Module).toBeDefined();
  });
});
