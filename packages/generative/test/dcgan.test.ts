import { describe, expect, it } from 'vitest';
import { Generator, noGrad, optim, rand, randn } from '@neurone/core';
import {
  Autoencoder, ColorizationNet, DCGANDiscriminator, DCGANGenerator, GANTrainer, coloredShapes, toGrayscale, trainAutoencoder,
} from '../src/index.js';
import { BatchNorm2d, Conv2d, ConvTranspose2d } from '@neurone/vision';
import { nn } from '@neurone/core';

const count = (m: nn.Module) => m.parameters().reduce((n, p) => n + p.size, 0);

describe('DCGAN pair', () => {
  it('maps codes to 28x28 images in [-1, 1] and images to one logit, with the layer sizes of the docs', () => {
    const G = new DCGANGenerator({ channels: 32, generator: new Generator(1) });
    const D = new DCGANDiscriminator({ channels: 32, generator: new Generator(2) });
    const img = G.forward(randn([3, 100]));
    expect(img.shape).toEqual([3, 1, 28, 28]);
    expect(Math.max(...img.toList().map(Math.abs))).toBeLessThanOrEqual(1);
    expect(D.forward(img).shape).toEqual([3, 1]);
    // fc 100·3136 + 3136, bn 2·64, up1 64·32·16 (no bias), bn 2·32, up2 32·16 + 1
    expect(count(G)).toBe(316736 + 128 + 32768 + 64 + 513);
    // conv1 16·32 + 32, conv2 32·64·16 (no bias), bn 2·64, fc 3136 + 1
    expect(count(D)).toBe(544 + 32768 + 128 + 3137);
    expect(Object.keys(D.stateDict())).toEqual([
      'conv1.weight', 'conv1.bias', 'conv2.weight', 'bn2.weight', 'bn2.bias', 'bn2.running_mean', 'bn2.running_var', 'bn2.num_batches_tracked',
      'fc.weight', 'fc.bias',
    ]);
  });

  it('uses the DCGAN initialisation: weights N(0, 0.02), batch-norm scales N(1, 0.02), biases 0', () => {
    const G = new DCGANGenerator({ channels: 16, generator: new Generator(3) });
    const w = G.fc.weight.toList();
    const mean = w.reduce((a, b) => a + b, 0) / w.length;
    const std = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length);
    expect(Math.abs(mean)).toBeLessThan(0.002);
    expect(std).toBeGreaterThan(0.018);
    expect(std).toBeLessThan(0.022);
    const bn = G.bn0.weight!.toList();
    expect(Math.abs(bn.reduce((a, b) => a + b, 0) / bn.length - 1)).toBeLessThan(0.01);
    expect(G.fc.bias!.toList().every((v) => v === 0)).toBe(true);
    // the layers' own initialisation on request: U(±1/√fanIn) is much wider than N(0, 0.02) for the 100-input Linear
    const plain = new DCGANGenerator({ channels: 16, init: 'default', generator: new Generator(3) });
    expect(plain.fc.weight.toList().reduce((m, v) => Math.max(m, v), 0)).toBeGreaterThan(0.09);
    expect(() => new DCGANGenerator({ init: 'xavier' as never })).toThrow(/init must be/);
    expect(G.bn0).toBeInstanceOf(BatchNorm2d);
    expect(G.up1).toBeInstanceOf(ConvTranspose2d);
  });

  it('a few GAN steps on digit-sized images run and move D towards telling them apart', () => {
    const G = new DCGANGenerator({ channels: 8, latentSize: 16, generator: new Generator(4) });
    const D = new DCGANDiscriminator({ channels: 8, generator: new Generator(5) });
    const trainer = new GANTrainer({
      generator: G, discriminator: D, latentSize: 16, rng: new Generator(6),
      optimizerG: new optim.Adam(G.parameters(), { lr: 2e-4, betas: [0.5, 0.999] }),
      optimizerD: new optim.Adam(D.parameters(), { lr: 2e-3, betas: [0.5, 0.999] }),
    });
    // "real" images: a bright bar in the middle
    const real = noGrad(() => rand([16, 1, 28, 28], { generator: new Generator(7) }).mul(0.1).sub(1));
    for (let i = 0; i < 16; i++) for (let y = 10; y < 18; y++) real.data.fill(1, i * 784 + y * 28, i * 784 + y * 28 + 28);
    const logs = Array.from({ length: 8 }, () => trainer.step(real));
    expect(logs.every((l) => Number.isFinite(l.lossD) && Number.isFinite(l.lossG))).toBe(true);
    expect(logs.at(-1)!.lossD).toBeLessThan(logs[0]!.lossD);
    expect(trainer.sample(4).shape).toEqual([4, 1, 28, 28]);
  });
});

describe('convolutional autoencoder and colorization', () => {
  it('Autoencoder takes convolutional encoders and decoders', () => {
    const enc = new nn.Sequential(new Conv2d(1, 4, 4, { stride: 2, padding: 1 }), new nn.ReLU()); // (N, 4, 14, 14)
    const dec = new nn.Sequential(new ConvTranspose2d(4, 1, 4, { stride: 2, padding: 1 }), new nn.Sigmoid());
    const ae = new Autoencoder(enc, dec, { codeDropout: 0.1 });
    const x = rand([2, 1, 28, 28]);
    expect(ae.encode(x).shape).toEqual([2, 4, 14, 14]);
    expect(ae.forward(x).shape).toEqual([2, 1, 28, 28]);
  });

  it('coloredShapes is seeded, in [0, 1], and its gray version follows the luminance formula', () => {
    const a = coloredShapes(4, { seed: 1, size: 16 });
    expect(a.shape).toEqual([4, 3, 16, 16]);
    expect(coloredShapes(4, { seed: 1, size: 16 }).toList()).toEqual(a.toList());
    expect(coloredShapes(4, { seed: 2, size: 16 }).toList()).not.toEqual(a.toList());
    const v = a.toList();
    expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...v)).toBeLessThanOrEqual(1);
    const g = toGrayscale(a);
    expect(g.shape).toEqual([4, 1, 16, 16]);
    expect(g.data[5]).toBeCloseTo(0.299 * a.data[5]! + 0.587 * a.data[256 + 5]! + 0.114 * a.data[512 + 5]!, 6);
  });

  it('ColorizationNet maps gray to RGB and learns the colours of a few scenes', () => {
    const rgb = coloredShapes(16, { seed: 3, size: 16 });
    const gray = toGrayscale(rgb);
    const net = new ColorizationNet({ channels: 4, generator: new Generator(8) });
    expect(net.forward(gray).shape).toEqual([16, 3, 16, 16]);
    expect(() => net.forward(rand([1, 3, 16, 16]))).toThrow(/expected grayscale images/);
    const losses = trainAutoencoder(net, gray, { target: rgb, epochs: 15, batchSize: 8, lr: 1e-2 });
    expect(losses.at(-1)!).toBeLessThan(losses[0]! / 2);
  });
});
