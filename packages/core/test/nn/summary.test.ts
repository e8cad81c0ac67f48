import { describe, expect, it } from 'vitest';
import { Tensor, defaultGenerator, nn, summary, tensor } from '../../src/index.js';
import * as core from '../../src/index.js';

describe('summary', () => {
  it('Linear(20, 10) has 210 parameters, printed in the table', () => {
    const lines: string[] = [];
    const s = summary(new nn.Linear(20, 10), [1, 20], { log: (l) => lines.push(l) });
    expect(s.totalParams).toBe(210);
    expect(s.trainableParams).toBe(210);
    expect(s.nonTrainableParams).toBe(0);
    expect(s.rows).toEqual([{ name: '', type: 'Linear', depth: 0, outputShape: [1, 10], params: 210 }]);
    expect(lines.join('\n')).toBe(s.toString());
    expect(lines).toEqual([
      'Layer (type)  Output shape  Param #',
      '===================================',
      'Linear        [1,10]            210',
      '===================================',
      'Total params: 210',
      'Trainable params: 210',
      'Non-trainable params: 0',
    ]);
    expect(core.summary).toBe(nn.summary);
  });

  it('walks nested Sequential models in call order with output shapes', () => {
    const model = new nn.Sequential(
      new nn.Flatten(),
      new nn.Linear(12, 32),
      new nn.ReLU(),
      new nn.Sequential(new nn.Linear(32, 16), new nn.LayerNorm(16), new nn.Dropout(0.5)),
      new nn.Linear(16, 3),
    );
    model.getSubmodule('3.1').requiresGrad_(false);
    const s = summary(model, [4, 3, 4], { print: false });
    expect(s.rows.map((r) => [r.name, r.type, r.depth, r.outputShape, r.params])).toEqual([
      ['', 'Sequential', 0, [4, 3], 0],
      ['0', 'Flatten', 1, [4, 12], 0],
      ['1', 'Linear', 1, [4, 32], 416],
      ['2', 'ReLU', 1, [4, 32], 0],
      ['3', 'Sequential', 1, [4, 16], 0],
      ['3.0', 'Linear', 2, [4, 16], 528],
      ['3.1', 'LayerNorm', 2, [4, 16], 32],
      ['3.2', 'Dropout', 2, [4, 16], 0],
      ['4', 'Linear', 1, [4, 3], 51],
    ]);
    expect(s.totalParams).toBe(416 + 528 + 32 + 51);
    expect(s.trainableParams).toBe(416 + 528 + 51);
    expect(s.nonTrainableParams).toBe(32);
    const text = s.toString();
    expect(text).toContain('  3 (Sequential)');
    expect(text).toContain('    3.1 (LayerNorm)');
    expect(text).toContain('Total params: 1,027');
    expect(text).toContain('Non-trainable params: 32');
  });

  it('changes nothing: training mode, forward methods and the random stream stay as they were', () => {
    const model = new nn.Sequential(new nn.Linear(4, 4), new nn.Dropout(0.5));
    const state = defaultGenerator.getState();
    summary(model, [2, 4], { print: false });
    expect(defaultGenerator.getState()).toEqual(state);
    expect(model.modules().every((m) => m.training)).toBe(true);
    expect(model.modules().every((m) => !Object.prototype.hasOwnProperty.call(m, 'forward'))).toBe(true);
  });

  it('takes tensors for inputs that are not zeros, and several inputs', () => {
    const emb = new nn.Sequential(new nn.Embedding(10, 4), new nn.Flatten());
    expect(summary(emb, tensor([[1, 2, 3]], { dtype: 'int32' }), { print: false }).rows[0]!.outputShape).toEqual([1, 12]);
    const bil = summary(new nn.Bilinear(3, 5, 2), [[7, 3], [7, 5]], { print: false });
    expect(bil.rows[0]!.outputShape).toEqual([7, 2]);
    expect(bil.totalParams).toBe(2 * 3 * 5 + 2);
  });

  it('a failing forward names the layer and the input', () => {
    const model = new nn.Sequential(new nn.Linear(8, 4), new nn.Linear(5, 2));
    expect(() => summary(model, [1, 8], { print: false })).toThrow(
      /^summary: the forward pass on input \[1,8\] failed in 1 \(Linear\): Linear: expected input of shape \[\*,5\]/,
    );
    expect(model.modules().every((m) => !Object.prototype.hasOwnProperty.call(m, 'forward'))).toBe(true);
  });

  it('custom modules show their own parameters and report multiple outputs', () => {
    class Two extends nn.Module {
      gain = new nn.Parameter(tensor([1, 2, 3]));
      fc = new nn.Linear(3, 3);
      forward(x: Tensor): Tensor[] {
        const h = this.fc.forward(x).mul(this.gain);
        return [h, h.sum(1)];
      }
    }
    const s = summary(new Two(), [2, 3], { print: false });
    expect(s.rows[0]).toEqual({ name: '', type: 'Two', depth: 0, outputShape: [[2, 3], [2]], params: 3 });
    expect(s.totalParams).toBe(15);
    expect(s.toString()).toContain('[2,3], [2]');
  });
});
