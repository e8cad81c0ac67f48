// Greedy layer-wise pre-training of a stacked (denoising) autoencoder on every
// training image (no labels), then supervised fine-tuning with only a few
// labels per digit, compared with the same network trained from scratch on
// those labels. The default network is the course's setting: deep (three
// hidden layers) with sigmoid units, where plain back-propagation from a
// random start suffers most.
//
//   npx -y pnpm@10 --filter @neurone/generative example:pretraining [outDir] [--labels 10] [--pretrain-epochs 4] [--finetune-epochs 40]
//     [--activation sigmoid|relu] [--masking 0.3 (0: plain autoencoders)] [--seeds 3]
import { join } from 'node:path';
import { Generator, Tensor, noGrad } from '@neurone/core';
import { mnist } from '@neurone/vision';
import {
  type Activation, StackedAutoencoder, accuracy, evaluating, reconstructionGrid, samplesGrid, savePng, trainClassifier,
} from '../src/index.js';
import { parseArgs, since } from './common.js';

const args = parseArgs(
  'pretraining',
  'pretraining [outDir] [--labels N per digit] [--pretrain-epochs N] [--finetune-epochs N] [--activation sigmoid|relu] [--masking P] [--seeds N]',
);
const perDigit = args.num('labels', 10);
const preEpochs = args.num('pretrain-epochs', 4);
const fineEpochs = args.num('finetune-epochs', 40);
const seeds = args.num('seeds', 3);
const activation = args.str('activation', 'sigmoid') as Activation;
const masking = args.num('masking', 0.3);
const sizes = [784, 256, 128, 64];
const { train, test } = mnist();

// a few labelled images per digit, from the training split only
const g = new Generator(7);
const chosen: number[] = [];
for (let d = 0; d < 10; d++) {
  const idx = Array.from(train.labels.data).flatMap((l, i) => (l === d ? [i] : []));
  chosen.push(...g.permutation(idx.length).slice(0, perDigit).map((k) => idx[k]!));
}
const few = { x: train.images.indexSelect(0, chosen), y: train.labels.indexSelect(0, chosen) };
console.log(
  `${chosen.length} labelled images (${perDigit} per digit), ${train.images.shape[0]} unlabelled for pre-training; ` +
    `network ${sizes.join('-')}-10, ${activation}, ${masking > 0 ? `denoising pre-training (masking ${masking})` : 'plain autoencoders'}`,
);

const results: Array<{ seed: number; scratch: number; pretrained: number }> = [];
let firstSae: StackedAutoencoder | null = null;
for (let seed = 0; seed < seeds; seed++) {
  const t0 = performance.now();
  const sae = new StackedAutoencoder(sizes, { inputShape: [1, 28, 28], activation, generator: new Generator(100 + seed) });
  sae.pretrain(train.images, {
    epochs: preEpochs, batchSize: 64, lr: 1e-3, seed, corruption: masking > 0 ? { kind: 'masking', p: masking } : undefined,
    onEpoch: ({ layer, epoch, loss }) => console.log(`  seed ${seed} pre-training layer ${layer + 1}/${sae.depth} epoch ${epoch + 1}: MSE ${loss.toFixed(4)} (${since(t0)})`),
  });
  firstSae ??= sae;
  const pre = sae.classifier(10, { generator: new Generator(200 + seed) });
  trainClassifier(pre, few.x, few.y, { epochs: fineEpochs, batchSize: 20, lr: 1e-3, generator: new Generator(300 + seed) });
  // the same architecture, fresh weights
  const scratch = new StackedAutoencoder(sizes, { inputShape: [1, 28, 28], activation, generator: new Generator(100 + seed) })
    .classifier(10, { generator: new Generator(200 + seed) });
  trainClassifier(scratch, few.x, few.y, { epochs: fineEpochs, batchSize: 20, lr: 1e-3, generator: new Generator(300 + seed) });
  const r = { seed, scratch: accuracy(scratch, test.images, test.labels), pretrained: accuracy(pre, test.images, test.labels) };
  results.push(r);
  console.log(`seed ${seed}: reserved-split accuracy from scratch ${(100 * r.scratch).toFixed(1)}%, pre-trained + fine-tuned ${(100 * r.pretrained).toFixed(1)}%  (${since(t0)})`);
}
const mean = (k: 'scratch' | 'pretrained') => (100 * results.reduce((s, r) => s + r[k], 0)) / results.length;
console.log(`mean over ${seeds} seeds: from scratch ${mean('scratch').toFixed(1)}%, pre-trained ${mean('pretrained').toFixed(1)}% (${chosen.length} labels)`);

// what pre-training learnt: reconstructions by the whole stack, and the first layer's features
const sae = firstSae!;
const pick = Array.from({ length: 10 }, (_, d) => Math.floor((d + 0.5) * (test.images.shape[0]! / 10)));
const x = test.images.indexSelect(0, pick);
await savePng(reconstructionGrid(x, evaluating(sae, () => sae.reconstruct(x)), { scale: 3 }), join(args.out, 'stacked-reconstructions.png'));
const w = sae.encoders.at(0).stateDict()['0.weight']!; // (256, 784)
const filters: Tensor = noGrad(() => w.narrow(0, 0, 64).reshape([64, 1, 28, 28]));
const norm = noGrad(() => {
  const f = filters.clone();
  for (let i = 0; i < 64; i++) {
    const row = f.data.subarray(i * 784, (i + 1) * 784);
    const lo = Math.min(...row);
    const hi = Math.max(...row);
    for (let j = 0; j < 784; j++) row[j] = (row[j]! - lo) / (hi - lo || 1);
  }
  return f;
});
await savePng(samplesGrid(norm, { nrow: 8, scale: 2 }), join(args.out, 'layer1-features.png'));
console.log('wrote stacked-reconstructions.png and layer1-features.png');

