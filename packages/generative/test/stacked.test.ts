import { describe, expect, it } from 'vitest';
import { Generator, Tensor, noGrad, rand, tensor } from '@neurone/core';
import { StackedAutoencoder, accuracy, reconstructionError, trainClassifier } from '../src/index.js';

/** Two classes of 16-pixel "images" that differ by which half is bright, with noise. */
function twoClasses(n: number, seed: number): { x: Tensor; y: Tensor } {
  const g = new Generator(seed);
  const noise = rand([n, 16], { generator: g });
  const labels = Array.from({ length: n }, (_, i) => i % 2);
  const x = noGrad(() => {
    const d = noise.mul(0.4).clone();
    for (let i = 0; i < n; i++) for (let j = 0; j < 8; j++) d.data[i * 16 + j + 8 * labels[i]!]! += 0.5;
    return d;
  });
  return { x, y: tensor(labels, { dtype: 'int32' }) };
}

describe('StackedAutoencoder', () => {
  it('builds one encoder/decoder pair per layer, with shapes and keys', () => {
    const sae = new StackedAutoencoder([16, 8, 4], { inputShape: [1, 4, 4], generator: new Generator(1) });
    expect(sae.depth).toBe(2);
    const x = rand([3, 1, 4, 4]);
    expect(sae.encode(x).shape).toEqual([3, 4]);
    expect(sae.encode(x, 1).shape).toEqual([3, 8]);
    expect(sae.forward(x).shape).toEqual([3, 1, 4, 4]);
    expect(Object.keys(sae.stateDict())).toEqual([
      'encoders.0.0.weight', 'encoders.0.0.bias', 'encoders.1.0.weight', 'encoders.1.0.bias',
      'decoders.0.0.weight', 'decoders.0.0.bias', 'decoders.1.0.weight', 'decoders.1.0.bias',
    ]);
    expect(() => new StackedAutoencoder([16])).toThrow(/at least two/);
    expect(() => new StackedAutoencoder([16, 4], { inputShape: [3, 3] })).toThrow(/inputShape/);
  });

  it('greedy pre-training lowers each layer\'s loss and trains every layer, layer 0 first', () => {
    const { x } = twoClasses(200, 2);
    const sae = new StackedAutoencoder([16, 8, 4], { generator: new Generator(3) });
    const before = reconstructionError(sae, x);
    const w1 = sae.encoders.at(1).stateDict()['0.weight']!.clone().toList();
    const order: number[] = [];
    const losses = sae.pretrain(x, { epochs: 15, batchSize: 20, lr: 1e-2, onEpoch: ({ layer }) => order.push(layer) });
    expect(losses.length).toBe(2);
    for (const l of losses) expect(l.at(-1)!).toBeLessThan(l[0]!);
    expect(order).toEqual([...new Array(15).fill(0), ...new Array(15).fill(1)]);
    expect(sae.encoders.at(1).stateDict()['0.weight']!.toList()).not.toEqual(w1);
    // the whole stack now rebuilds its input better than at random initialisation
    expect(reconstructionError(sae, x)).toBeLessThan(before / 2);
  });

  it('the classifier shares the pre-trained encoders, and fine-tuning on few labels works', () => {
    const { x } = twoClasses(400, 4);
    const few = twoClasses(10, 5);
    const test = twoClasses(200, 6);
    const sae = new StackedAutoencoder([16, 8, 4], { generator: new Generator(7) });
    sae.pretrain(x, { epochs: 10, batchSize: 20, lr: 1e-2, corruption: { kind: 'masking', p: 0.2 } });
    const net = sae.classifier(2, { generator: new Generator(8) });
    expect(net.forward(x).shape).toEqual([400, 2]);
    // shared, not copied: the classifier's first layer is the stack's
    expect(net.at(0)).toBe(sae.encoders.at(0));
    const w = sae.encoders.at(0).stateDict()['0.weight']!.clone().toList();
    trainClassifier(net, few.x, few.y, { epochs: 60, batchSize: 5, lr: 1e-2 });
    expect(sae.encoders.at(0).stateDict()['0.weight']!.toList()).not.toEqual(w);
    expect(accuracy(net, test.x, test.y)).toBeGreaterThan(0.9);
  });
});
