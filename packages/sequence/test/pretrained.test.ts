import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Tensor, io, nn, noGrad } from '@neurone/core';
import { LSTM } from '../src/index.js';
import { expectClose, fixture, t } from './helpers.js';

/** The fixture script's Tagger: a 2-layer BLSTM and a linear layer per frame. */
class Tagger extends nn.Module {
  lstm: LSTM;
  fc: nn.Linear;

  constructor(features: number, hidden: number, classes: number) {
    super();
    this.lstm = new LSTM(features, hidden, { numLayers: 2, bidirectional: true, batchFirst: true });
    this.fc = new nn.Linear(2 * hidden, classes);
  }

  forward(x: Tensor): Tensor {
    const [y] = this.lstm.forward(x);
    return this.fc.forward(y);
  }
}

describe('a PyTorch-trained bidirectional LSTM', () => {
  const ref = fixture('blstm_tagger.json');
  const path = fileURLToPath(new URL('./fixtures/blstm_tagger.safetensors', import.meta.url));

  it('loads from safetensors with strict keys and reproduces PyTorch outputs', () => {
    const model = new Tagger(ref.features, ref.hidden, ref.classes);
    const sd = io.load(path);
    expect(Object.keys(sd)).toContain('lstm.weight_hh_l1_reverse');
    model.loadStateDict(sd, { strict: true });
    model.eval();
    const logits = noGrad(() => model.forward(t(ref.input, 'float32')));
    expectClose(logits, ref.logits, 1e-4, 'logits');
    // it was trained: the tags it predicts are mostly right
    const pred = logits.argmax(2).toArray() as number[][];
    const labels = ref.labels as number[][];
    let ok = 0;
    let n = 0;
    pred.forEach((row, b) => row.forEach((p, i) => { ok += p === labels[b]![i]! ? 1 : 0; n++; }));
    expect(ok / n).toBeCloseTo(ref.accuracy, 10);
    expect(ok / n).toBeGreaterThan(0.85);
  });

  it('refuses a state dict from another architecture', () => {
    const wrong = new Tagger(ref.features, ref.hidden + 1, ref.classes);
    expect(() => wrong.loadStateDict(io.load(path), { strict: true })).toThrow(/lstm\.weight_ih_l0.*shape \[48,4\] in the state dict, \[52,4\] in the model/);
  });
});
