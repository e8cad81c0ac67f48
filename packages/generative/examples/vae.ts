// Variational autoencoder on MNIST (PyTorch's example: 784-400-20, Bernoulli
// decoder): reports the ELBO on the reserved split in nats per image, and
// writes samples from the prior, reconstructions, and morphing between digits
// along linear and spherical paths in the latent space (a 2-D latent space
// also gets a map of the decoded manifold).
//
//   npx -y pnpm@10 --filter @neurone/generative example:vae [outDir] [--epochs 20] [--latent 20] [--beta 1]
import { join } from 'node:path';
import { Generator, optim, tensor } from '@neurone/core';
import { mnist } from '@neurone/vision';
import {
  denseVAE, evaluating, interpolate, interpolationGrid, miniBatches, reconstructionGrid, samplesGrid, savePng,
} from '../src/index.js';
import { parseArgs, since } from './common.js';

const args = parseArgs('vae', 'vae [outDir] [--epochs N] [--latent N] [--beta X] [--lr X]');
const epochs = args.num('epochs', 20);
const latent = args.num('latent', 20);
const beta = args.num('beta', 1);
const { train, test } = mnist();

const vae = denseVAE(784, latent, { hidden: [400], inputShape: [1, 28, 28], generator: new Generator(1), initGenerator: new Generator(2) });
const opt = new optim.Adam(vae.parameters(), { lr: args.num('lr', 1e-3) });
const shuffle = new Generator(3);

/** The mean single-sample ELBO (nats per image) and its terms over a split, in eval mode. */
function evaluate(images: typeof test.images): { elbo: number; rec: number; kl: number } {
  let elbo = 0;
  let rec = 0;
  let kl = 0;
  evaluating(vae, () => {
    for (const [x] of miniBatches([images], { batchSize: 500, shuffle: false })) {
      const t = vae.loss(x!, { reduction: 'sum' });
      elbo += t.elbo.item();
      rec += t.reconstruction.item();
      kl += t.kl.item();
    }
  });
  const n = images.shape[0]!;
  return { elbo: elbo / n, rec: rec / n, kl: kl / n };
}

const t0 = performance.now();
for (let epoch = 0; epoch < epochs; epoch++) {
  vae.train();
  let sum = 0;
  for (const [x] of miniBatches([train.images], { batchSize: 128, generator: shuffle })) {
    opt.zeroGrad();
    const { loss } = vae.loss(x!, { beta });
    loss.backward();
    opt.step();
    sum += loss.item() * x!.shape[0]!;
  }
  const ev = evaluate(test.images);
  console.log(
    `epoch ${epoch + 1}/${epochs}  train loss ${(sum / train.images.shape[0]!).toFixed(1)}  ` +
      `reserved ELBO ${ev.elbo.toFixed(1)} nats (reconstruction ${ev.rec.toFixed(1)}, KL ${ev.kl.toFixed(1)})  (${since(t0)})`,
  );
}
const final = evaluate(test.images);
console.log(`VAE ${latent}-d latent, beta ${beta}: ELBO on the reserved split ${final.elbo.toFixed(2)} nats per image (reconstruction ${final.rec.toFixed(2)}, KL ${final.kl.toFixed(2)})`);

const out = args.out;
await savePng(samplesGrid(evaluating(vae, () => vae.sample(64, { generator: new Generator(4) })), { nrow: 8, scale: 3 }), join(out, 'samples.png'));
const pick = Array.from({ length: 10 }, (_, d) => Math.floor((d + 0.4) * (test.images.shape[0]! / 10)));
const x = test.images.indexSelect(0, pick);
await savePng(reconstructionGrid(x, evaluating(vae, () => vae.reconstruct(x)), { scale: 3 }), join(out, 'reconstructions.png'));

// morphing: pairs of reserved digits (0->1, 2->3, ...), through the posterior means
const { mean } = evaluating(vae, () => vae.encode(x));
const a = mean.indexSelect(0, [0, 2, 4, 6, 8]);
const b = mean.indexSelect(0, [1, 3, 5, 7, 9]);
for (const mode of ['linear', 'spherical'] as const) {
  const path = interpolate(a, b, 10, { mode }); // (10, 5, Z)
  const frames = evaluating(vae, () => vae.decode(path.reshape([50, latent]))); // (50, 1, 28, 28), step-major
  await savePng(interpolationGrid(frames, { paths: 5, scale: 3 }), join(out, `interpolation-${mode}.png`));
}
if (latent === 2) {
  // the decoded manifold: a 15x15 grid of codes over [-2.5, 2.5]²
  const codes: number[][] = [];
  for (let i = 0; i < 15; i++) for (let j = 0; j < 15; j++) codes.push([-2.5 + (5 * j) / 14, 2.5 - (5 * i) / 14]);
  const m = evaluating(vae, () => vae.decode(tensor(codes)));
  await savePng(samplesGrid(m, { nrow: 15, padding: 0, scale: 2 }), join(out, 'manifold.png'));
}
console.log('wrote samples.png, reconstructions.png, interpolation-linear.png, interpolation-spherical.png' + (latent === 2 ? ', manifold.png' : ''));

