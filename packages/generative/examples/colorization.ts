// Colorization: a small convolutional encoder-decoder learns to colour
// grayscale renderings of synthetic scenes (blue sky, green ground, red discs,
// yellow squares, purple triangles of random shades), trained on one set of
// scenes and measured on scenes it never saw.
//
//   npx -y pnpm@10 --filter @neurone/generative example:colorization [outDir] [--epochs 8] [--train 2000] [--channels 8]
import { join } from 'node:path';
import { F, Generator, noGrad } from '@neurone/core';
import {
  ColorizationNet, coloredShapes, evaluating, inBatches, psnr, rowsGrid, savePng, toGrayscale, trainAutoencoder,
} from '../src/index.js';
import { parseArgs, since } from './common.js';

const args = parseArgs('colorization', 'colorization [outDir] [--epochs N] [--train N] [--channels N]');
const epochs = args.num('epochs', 8);
const trainRGB = coloredShapes(args.num('train', 2000), { seed: 1 });
const testRGB = coloredShapes(500, { seed: 2 });
const [trainGray, testGray] = noGrad(() => [toGrayscale(trainRGB), toGrayscale(testRGB)]);

const net = new ColorizationNet({ channels: args.num('channels', 8), generator: new Generator(3) });
const t0 = performance.now();
trainAutoencoder(net, trainGray, {
  target: trainRGB, epochs, batchSize: 32, lr: 2e-3, loss: 'mse', generator: new Generator(4),
  onEpoch: ({ epoch, loss }) => console.log(`epoch ${epoch + 1}/${epochs}  train MSE ${loss.toFixed(4)}  (${since(t0)})`),
});
const pred = evaluating(net, () => inBatches(testGray, (b) => net.forward(b)));
const grayRGB = noGrad(() => testGray.expand([testGray.shape[0]!, 3, 32, 32]).clone());
console.log(
  `unseen scenes: MSE gray-as-RGB ${F.mseLoss(grayRGB, testRGB).item().toFixed(4)} (PSNR ${psnr(grayRGB, testRGB).toFixed(1)} dB) -> ` +
    `colorized ${F.mseLoss(pred, testRGB).item().toFixed(4)} (PSNR ${psnr(pred, testRGB).toFixed(1)} dB)`,
);
const k = 10;
await savePng(rowsGrid([grayRGB.narrow(0, 0, k), pred.narrow(0, 0, k), testRGB.narrow(0, 0, k)], { scale: 3 }), join(args.out, 'colorization.png'));
console.log('wrote colorization.png (rows: grayscale input, colorized, truth)');
