import { describe, expect, it } from 'vitest';
import { F, Generator, Tensor, nn, noGrad, ones, rand, randn, tensor } from '@neurone/core';
import {
  Autoencoder, DenoisingAutoencoder, denseAutoencoder, denseDenoisingAutoencoder, mlp,
  overcompleteAutoencoder, reconstructionError, trainAutoencoder, undercompleteAutoencoder,
} from '../src/index.js';

/** 200 points of a 2-D subspace of R^8, in [0, 1]: an under-complete code of 2 can rebuild them. */
function subspaceData(n = 200, seed = 0): Tensor {
  const g = new Generator(seed);
  const basis = rand([2, 8], { generator: g });
  const coef = rand([n, 2], { generator: g });
  return noGrad(() => coef.matmul(basis).div(2));
}

describe('Autoencoder', () => {
  it('encodes to the code size and decodes back, keys encoder.* / decoder.*', () => {
    const ae = denseAutoencoder(784, 32, { hidden: [64], inputShape: [1, 28, 28] });
    const x = rand([5, 1, 28, 28]);
    expect(ae.encode(x).shape).toEqual([5, 32]);
    expect(ae.forward(x).shape).toEqual([5, 1, 28, 28]);
    expect(ae.decode(randn([2, 32])).shape).toEqual([2, 1, 28, 28]);
    expect(Object.keys(ae.stateDict())).toEqual([
      'encoder.1.weight', 'encoder.1.bias', 'encoder.3.weight', 'encoder.3.bias',
      'decoder.0.weight', 'decoder.0.bias', 'decoder.2.weight', 'decoder.2.bias',
    ]);
    // sigmoid output by default
    const out = ae.forward(x).toList();
    expect(Math.min(...out)).toBeGreaterThan(0);
    expect(Math.max(...out)).toBeLessThan(1);
  });

  it('under- and over-complete helpers check the code size; over-complete drops code units by default', () => {
    expect(() => undercompleteAutoencoder(10, 10)).toThrow(/codeSize \(10\) must be smaller than inputSize \(10\)/);
    expect(() => overcompleteAutoencoder(10, 8)).toThrow(/must be larger/);
    const over = overcompleteAutoencoder(10, 40);
    expect(over.codeDropout?.p).toBe(0.5);
    expect(overcompleteAutoencoder(10, 40, { codeDropout: 0 }).codeDropout).toBeNull();
    expect(undercompleteAutoencoder(10, 3).codeDropout).toBeNull();
  });

  it('code dropout acts in training mode only; reconstruct never drops', () => {
    const ae = new Autoencoder(new nn.Identity(), new nn.Identity(), { codeDropout: 0.5, generator: new Generator(1) });
    const x = ones([4, 100]);
    const dropped = ae.forward(x).toList();
    expect(dropped.filter((v) => v === 0).length).toBeGreaterThan(100);
    expect(dropped.filter((v) => v !== 0).every((v) => v === 2)).toBe(true);
    expect(ae.reconstruct(x).toList().every((v) => v === 1)).toBe(true);
    ae.eval();
    expect(ae.forward(x).toList().every((v) => v === 1)).toBe(true);
    expect(() => new Autoencoder(new nn.Identity(), new nn.Identity(), { codeDropout: 1 })).toThrow(/codeDropout must be a probability in \[0, 1\)/);
    expect(() => new Autoencoder({} as nn.Module, new nn.Identity())).toThrow(/encoder must be an nn.Module/);
  });

  it('an under-complete autoencoder learns a 2-D subspace through a code of 2', () => {
    const x = subspaceData();
    const ae = undercompleteAutoencoder(8, 2, { hidden: [16], outputActivation: 'none', generator: new Generator(2) });
    const before = reconstructionError(ae, x);
    const losses = trainAutoencoder(ae, x, { epochs: 60, batchSize: 20, lr: 1e-2 });
    const after = reconstructionError(ae, x);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    expect(after).toBeLessThan(before / 20);
    expect(after).toBeLessThan(2e-3);
  });

  it('trains towards a given target (not the input), e.g. a colorizer', () => {
    const x = rand([64, 3]);
    const target = noGrad(() => x.mul(2).sub(0.5));
    const m = mlp([3, 3]);
    trainAutoencoder(m, x, { epochs: 80, batchSize: 16, lr: 5e-2, target });
    expect(F.mseLoss(noGrad(() => m.forward(x)), target).item()).toBeLessThan(1e-3);
    expect(() => trainAutoencoder(m, x, { epochs: 1, target: rand([3, 3]) })).toThrow(/must share dim 0/);
  });
});

describe('DenoisingAutoencoder', () => {
  it('corrupts its input in training mode only, with a seeded stream', () => {
    const mk = () => new DenoisingAutoencoder(new nn.Identity(), new nn.Identity(), { corruption: { kind: 'masking', p: 0.5 }, seed: 9 });
    const a = mk();
    const b = mk();
    const x = ones([2, 50]);
    const ya = a.forward(x).toList();
    expect(ya.filter((v) => v === 0).length).toBeGreaterThan(30);
    expect(b.forward(x).toList()).toEqual(ya);
    // the stream moves on
    expect(a.forward(x).toList()).not.toEqual(ya);
    expect(a.reconstruct(x).toList().every((v) => v === 1)).toBe(true);
    a.eval();
    expect(a.forward(x).toList().every((v) => v === 1)).toBe(true);
    expect(a.toString()).toContain('corruption=masking(p=0.5)');
    expect(() => new DenoisingAutoencoder(new nn.Identity(), new nn.Identity(), { corruption: { kind: 'gaussian', std: -2 } })).toThrow(/std/);
  });

  it('removes gaussian noise from subspace data better than leaving it', () => {
    const x = subspaceData(300, 4);
    const dae = denseDenoisingAutoencoder(8, 2, {
      hidden: [32], outputActivation: 'none', corruption: { kind: 'gaussian', std: 0.1, clip: null }, seed: 3, generator: new Generator(5),
    });
    trainAutoencoder(dae, x, { epochs: 60, batchSize: 30, lr: 1e-2 });
    const noisy = dae.corrupt(x);
    const noisyErr = F.mseLoss(noisy, x).item();
    const cleaned = reconstructionError(dae, noisy, x);
    expect(cleaned).toBeLessThan(noisyErr / 3);
  });
});

describe('reconstructionError', () => {
  it('is the MSE of reconstruct in eval mode, restoring the mode', () => {
    const ae = new Autoencoder(new nn.Identity(), new nn.Identity(), { codeDropout: 0.9 });
    const x = tensor([[1, 2], [3, 4]]);
    expect(reconstructionError(ae, x)).toBe(0);
    expect(reconstructionError(ae, x, tensor([[1, 2], [3, 2]]))).toBeCloseTo(1, 12);
    expect(ae.training).toBe(true);
  });
});
