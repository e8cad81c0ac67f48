// Inpainting MNIST digits: a denoising autoencoder trained to fill random
// square holes (patch corruption) then fills a hole in reserved digits by
// iterated projection, `inpaint(model, image, mask)`; optionally also a VAE by
// searching its latent space (--vae).
//
//   npx -y pnpm@10 --filter @neurone/generative example:inpainting [outDir] [--epochs 20] [--hole 12] [--vae]
import { join } from 'node:path';
import { Generator, Tensor, noGrad, optim, zeros } from '@neurone/core';
import { mnist } from '@neurone/vision';
import { denseDenoisingAutoencoder, denseVAE, inpaint, inpaintingGrid, miniBatches, rowsGrid, savePng, trainAutoencoder } from '../src/index.js';
import { parseArgs, since } from './common.js';

const args = parseArgs('inpainting', 'inpainting [outDir] [--epochs N] [--hole N] [--vae]');
const epochs = args.num('epochs', 20);
const hole = args.num('hole', 12);
const { train, test } = mnist();

const dae = denseDenoisingAutoencoder(784, 64, {
  hidden: [512], inputShape: [1, 28, 28], corruption: { kind: 'patch', size: hole }, seed: 1, generator: new Generator(2),
});
const t0 = performance.now();
trainAutoencoder(dae, train.images, {
  epochs, batchSize: 64, lr: 1e-3, generator: new Generator(3),
  onEpoch: ({ epoch, loss }) => console.log(`epoch ${epoch + 1}/${epochs}  train MSE (holed in, whole out) ${loss.toFixed(4)}  (${since(t0)})`),
});

// a centred hole on every reserved digit
const mask = zeros([1, 1, 28, 28], { dtype: 'bool' });
const lo = Math.floor((28 - hole) / 2);
for (let y = lo; y < lo + hole; y++) for (let x = lo; x < lo + hole; x++) mask.data[y * 28 + x] = 1;
const holeMSE = (filled: Tensor) => {
  let se = 0;
  let n = 0;
  for (let i = 0; i < filled.size; i++) {
    if (mask.data[i % 784]) {
      se += (filled.data[i]! - test.images.data[i]!) ** 2;
      n++;
    }
  }
  return se / n;
};
const damaged = noGrad(() => test.images.maskedFill(mask.broadcastTo(test.images.shape), 0));
const baseline = noGrad(() => test.images.maskedFill(mask.broadcastTo(test.images.shape), test.images.mean().item()));
const filled = inpaint(dae, damaged, mask, { iterations: 1 });
const rows: Array<[string, number]> = [
  ['mean gray', holeMSE(baseline)],
  ['DAE, 1 projection round', holeMSE(filled)],
  ['DAE, 10 projection rounds', holeMSE(inpaint(dae, damaged, mask, { iterations: 10 }))],
];
const pick = Array.from({ length: 10 }, (_, d) => Math.floor((d + 0.5) * (test.images.shape[0]! / 10)));
const x = test.images.indexSelect(0, pick);
await savePng(inpaintingGrid(x, mask, filled.indexSelect(0, pick), { scale: 3 }), join(args.out, 'inpainting-dae.png'));
console.log('wrote inpainting-dae.png (rows: original, with the hole, filled by the DAE)');

if (args.has('vae')) {
  const vae = denseVAE(784, 20, { inputShape: [1, 28, 28], generator: new Generator(4), initGenerator: new Generator(5) });
  const opt = new optim.Adam(vae.parameters(), { lr: 1e-3 });
  const shuffle = new Generator(6);
  for (let e = 0; e < epochs; e++) {
    for (const [b] of miniBatches([train.images], { batchSize: 128, generator: shuffle })) {
      opt.zeroGrad();
      vae.loss(b!).loss.backward();
      opt.step();
    }
    console.log(`VAE epoch ${e + 1}/${epochs} (${since(t0)})`);
  }
  const byProjection = inpaint(vae, damaged, mask, { iterations: 10 });
  const byLatent = inpaint(vae, damaged, mask, { method: 'latent', iterations: 300, priorWeight: 1 });
  rows.push(['VAE, 10 projection rounds', holeMSE(byProjection)], ['VAE, latent search (300 Adam steps)', holeMSE(byLatent)]);
  const xs = noGrad(() => x.maskedFill(mask.broadcastTo(x.shape), 0.5)); // the hole in grey, as inpaintingGrid shows it
  await savePng(rowsGrid([x, xs, byProjection.indexSelect(0, pick), byLatent.indexSelect(0, pick)], { scale: 3 }), join(args.out, 'inpainting-vae.png'));
  console.log('wrote inpainting-vae.png (rows: original, with the hole, VAE projection, VAE latent search)');
}
console.log(`reserved split, centred ${hole}x${hole} hole, MSE inside the hole:`);
for (const [name, v] of rows) console.log(`  ${name.padEnd(36)} ${v.toFixed(4)}`);
