// End to end: modules, a loss and plain gradient descent (no optimizer) learn XOR.
import { describe, expect, it } from 'vitest';
import { F, manualSeed, nn, noGrad, tensor } from '../../src/index.js';

describe('training with nn', () => {
  it('a 2-8-2 MLP learns XOR with crossEntropy', () => {
    manualSeed(0);
    const model = new nn.Sequential(new nn.Linear(2, 8), new nn.Tanh(), new nn.Linear(8, 2));
    const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
    const y = tensor([0, 1, 1, 0], { dtype: 'int32' });
    const first = F.crossEntropy(model.forward(x), y).item();
    let loss = first;
    for (let step = 0; step < 500; step++) {
      model.zeroGrad();
      const l = F.crossEntropy(model.forward(x), y);
      l.backward();
      loss = l.item();
      noGrad(() => {
        for (const p of model.parameters()) p.data.set(p.sub(p.grad!.mul(0.5)).data);
      });
    }
    expect(loss).toBeLessThan(0.05 * first);
    expect(model.eval().forward(x).argmax(1).toList()).toEqual([0, 1, 1, 0]);
  });
});
