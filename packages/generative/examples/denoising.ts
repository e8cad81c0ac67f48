// Denoising autoencoder on MNIST: trained to rebuild clean digits from
// corrupted ones (Gaussian noise by default), then measured on the reserved
// split: PSNR of the noisy input and of the denoised output against the clean
// digits.
//
//   npx -y pnpm@10 --filter @neurone/generative example:denoising [outDir] [--epochs 20] [--noise gaussian|masking|saltAndPepper] [--level 0.5]
import { join } from 'node:path';
import { Generator } from '@neurone/core';
import { mnist } from '@neurone/vision';
import {
  type Corruption, corrupt, denseDenoisingAutoencoder, evaluating, inBatches, psnr, reconstructionGrid, savePng, trainAutoencoder,
} from '../src/index.js';
import { parseArgs, since } from './common.js';

const args = parseArgs('denoising', 'denoising [outDir] [--epochs N] [--noise gaussian|masking|saltAndPepper] [--level X] [--code N]');
const epochs = args.num('epochs', 20);
const kind = args.str('noise', 'gaussian');
const level = args.num('level', kind === 'gaussian' ? 0.5 : 0.4);
const corruption: Corruption =
  kind === 'gaussian' ? { kind, std: level } : kind === 'masking' || kind === 'saltAndPepper' ? { kind, p: level } : (() => { throw new Error(`--noise: unknown '${kind}'`); })();
const { train, test } = mnist();

const dae = denseDenoisingAutoencoder(784, args.num('code', 64), {
  hidden: [256], inputShape: [1, 28, 28], corruption, seed: 1, generator: new Generator(2),
});
console.log(String(dae));
const t0 = performance.now();
trainAutoencoder(dae, train.images, {
  epochs, batchSize: 64, lr: 2e-3, generator: new Generator(3),
  onEpoch: ({ epoch, loss }) => console.log(`epoch ${epoch + 1}/${epochs}  train MSE (noisy in, clean out) ${loss.toFixed(4)}  (${since(t0)})`),
});

// a fixed corruption of the reserved split, from its own seed
const noisy = corrupt(test.images, corruption, { generator: new Generator(99) });
const denoised = evaluating(dae, () => inBatches(noisy, (b) => dae.reconstruct(b)));
const psnrIn = psnr(noisy, test.images);
const psnrOut = psnr(denoised, test.images);
console.log(`reserved split, ${kind} noise ${level}: PSNR in ${psnrIn.toFixed(2)} dB -> out ${psnrOut.toFixed(2)} dB (+${(psnrOut - psnrIn).toFixed(2)} dB)`);

const pick = Array.from({ length: 10 }, (_, d) => Math.floor((d + 0.3) * (test.images.shape[0]! / 10)));
await savePng(
  reconstructionGrid(test.images.indexSelect(0, pick), denoised.indexSelect(0, pick), { inputs: noisy.indexSelect(0, pick), scale: 3 }),
  join(args.out, `denoising-${kind}.png`),
);
console.log(`wrote denoising-${kind}.png (rows: clean, noisy, denoised)`);
