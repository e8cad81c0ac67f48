// Adversarial autoencoder on MNIST: the code distribution is pushed towards
// N(0, I) by a discriminator, so decoding prior samples gives digits and the
// latent space supports morphing between digits.
//
//   npx -y pnpm@10 --filter @neurone/generative example:aae [outDir] [--epochs 20] [--latent 8]
import { join } from 'node:path';
import { Generator, noGrad } from '@neurone/core';
import { mnist } from '@neurone/vision';
import {
  AAETrainer, denseAdversarialAutoencoder, evaluating, interpolate, interpolationGrid, reconstructionError, reconstructionGrid,
  samplesGrid, savePng,
} from '../src/index.js';
import { parseArgs, since } from './common.js';

const args = parseArgs('aae', 'aae [outDir] [--epochs N] [--latent N]');
const epochs = args.num('epochs', 20);
const latent = args.num('latent', 8);
const { train, test } = mnist();

const aae = denseAdversarialAutoencoder(784, latent, {
  hidden: [512, 256], discriminatorHidden: [256, 256], inputShape: [1, 28, 28], generator: new Generator(1),
});
const trainer = new AAETrainer({ model: aae, reconstructionLoss: 'bce', rng: new Generator(2) });
const shuffle = new Generator(3);
const t0 = performance.now();
for (let e = 0; e < epochs; e++) {
  const logs = trainer.train(train.images, { epochs: 1, batchSize: 100, shuffle });
  const m = (k: 'reconstruction' | 'lossD' | 'lossG' | 'dPrior' | 'dCode') => (logs.reduce((s, l) => s + l[k], 0) / logs.length).toFixed(3);
  console.log(`epoch ${e + 1}/${epochs}  reconstruction BCE ${m('reconstruction')}  loss D ${m('lossD')}  G ${m('lossG')}  D(prior) ${m('dPrior')}  D(code) ${m('dCode')}  (${since(t0)})`);
}
const codes = evaluating(aae, () => aae.encode(test.images));
const mean = codes.mean().item();
const std = noGrad(() => codes.std()).item();
console.log(`reserved split: reconstruction MSE ${reconstructionError(aae, test.images).toFixed(4)}; codes mean ${mean.toFixed(3)}, std ${std.toFixed(3)} (prior: 0, 1)`);

const out = args.out;
await savePng(samplesGrid(evaluating(aae, () => aae.sample(64, { rng: new Generator(4) })), { nrow: 8, scale: 3 }), join(out, 'samples.png'));
const pick = Array.from({ length: 10 }, (_, d) => Math.floor((d + 0.6) * (test.images.shape[0]! / 10)));
const x = test.images.indexSelect(0, pick);
await savePng(reconstructionGrid(x, evaluating(aae, () => aae.reconstruct(x)), { scale: 3 }), join(out, 'reconstructions.png'));
// morphing 0->5, 1->7, 3->8, 4->9, 2->6
const zx = evaluating(aae, () => aae.encode(x));
const path = interpolate(zx.indexSelect(0, [0, 1, 3, 4, 2]), zx.indexSelect(0, [5, 7, 8, 9, 6]), 10);
const frames = evaluating(aae, () => aae.decode(path.reshape([50, latent])));
await savePng(interpolationGrid(frames, { paths: 5, scale: 3 }), join(out, 'morphing.png'));
console.log('wrote samples.png, reconstructions.png, morphing.png');
