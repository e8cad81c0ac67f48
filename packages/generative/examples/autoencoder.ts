// Dense under-complete autoencoder on MNIST (784 -> 256 -> 32 -> 256 -> 784):
// trains on the training split, reports the reconstruction MSE on the reserved
// split, and writes reconstructions and "decoder as generator" samples.
//
//   npx -y pnpm@10 --filter @neurone/generative example:autoencoder [outDir] [--epochs 20] [--code 32]
//   [--overcomplete]  also trains a 784 -> 1024 over-complete one with code dropout
import { join } from 'node:path';
import { Generator, noGrad, randn } from '@neurone/core';
import { mnist } from '@neurone/vision';
import {
  evaluating, overcompleteAutoencoder, reconstructionError, reconstructionGrid, samplesGrid, savePng, trainAutoencoder,
  undercompleteAutoencoder,
} from '../src/index.js';
import { parseArgs, since } from './common.js';

const args = parseArgs('autoencoder', 'autoencoder [outDir] [--epochs N] [--code N] [--batch N] [--lr X] [--overcomplete]');
const epochs = args.num('epochs', 20);
const code = args.num('code', 32);
const { train, test } = mnist();
console.log(`mnist: ${train.images.shape[0]} training, ${test.images.shape[0]} reserved images`);

const ae = undercompleteAutoencoder(784, code, { hidden: [256], inputShape: [1, 28, 28], generator: new Generator(1) });
const t0 = performance.now();
trainAutoencoder(ae, train.images, {
  epochs, batchSize: args.num('batch', 64), lr: args.num('lr', 2e-3), generator: new Generator(2),
  onEpoch: ({ epoch, loss }) => console.log(`epoch ${epoch + 1}/${epochs}  train MSE ${loss.toFixed(4)}  (${since(t0)})`),
});
const mse = reconstructionError(ae, test.images);
console.log(`under-complete (code ${code}): reconstruction MSE on the reserved split ${mse.toFixed(4)}`);

// one example of each digit, twice
const pick = Array.from({ length: 20 }, (_, i) => Math.floor(((i % 10) + 0.2 + 0.5 * Math.floor(i / 10)) * (test.images.shape[0]! / 10)));
const x = test.images.indexSelect(0, pick);
const rec = evaluating(ae, () => ae.reconstruct(x));
await savePng(reconstructionGrid(x, rec, { nrow: 10, scale: 3 }), join(args.out, 'reconstructions.png'));

// the decoder as a generator: random codes drawn like the training codes (a Gaussian fit per unit)
const codes = evaluating(ae, () => ae.encode(train.images));
const mu = codes.mean(0, true);
const sd = codes.std(0, { keepdim: true });
const z = noGrad(() => randn([64, code], { generator: new Generator(3) }).mul(sd).add(mu));
await savePng(samplesGrid(evaluating(ae, () => ae.decode(z)), { nrow: 8, scale: 3 }), join(args.out, 'decoder-samples.png'));
console.log(`wrote reconstructions.png and decoder-samples.png (random codes: the course's "peu réaliste" samples)`);

if (args.has('overcomplete')) {
  const over = overcompleteAutoencoder(784, 1024, { inputShape: [1, 28, 28], codeActivation: 'relu', codeDropout: 0.5, generator: new Generator(4) });
  const t1 = performance.now();
  trainAutoencoder(over, train.images, {
    epochs, batchSize: 64, lr: 1e-3, generator: new Generator(5),
    onEpoch: ({ epoch, loss }) => console.log(`over-complete epoch ${epoch + 1}/${epochs}  train MSE ${loss.toFixed(4)}  (${since(t1)})`),
  });
  console.log(`over-complete (code 1024, dropout 0.5): reconstruction MSE on the reserved split ${reconstructionError(over, test.images).toFixed(4)}`);
  await savePng(reconstructionGrid(x, evaluating(over, () => over.reconstruct(x)), { nrow: 10, scale: 3 }), join(args.out, 'overcomplete-reconstructions.png'));
}
