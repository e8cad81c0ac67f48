// Transfer learning: a LeNet-5 pretrained on digits 0-4 lends its frozen
// convolutional feature extractor to a network with a new classifier head,
// trained on a few examples of digits 5-9; the same network trained from
// scratch on the same examples is the baseline. Accuracies are measured on the
// reserved 20% of digits 5-9, for several random draws of the few examples.
//
//   pnpm --filter @neurone/vision example:transfer [--shots 5] [--draws 5] [--pretrain-epochs 5] [--finetune-epochs 60] [--seed 0]
import { parseArgs } from 'node:util';
import { F, Generator, Tensor, manualSeed, nn, optim } from '@neurone/core';
import { countParameters, freeze, lenet5, mnist, trainableParameters, transforms, type LeNet5 } from '../src/index.js';
import { batches, epochBar, evaluate, fmtTime } from './shared.js';

const { values: args } = parseArgs({
  options: {
    shots: { type: 'string', default: '5' },
    draws: { type: 'string', default: '5' },
    'pretrain-epochs': { type: 'string', default: '5' },
    'finetune-epochs': { type: 'string', default: '60' },
    seed: { type: 'string', default: '0' },
  },
});
const shots = Number(args.shots);
const seed = Number(args.seed);
const start = performance.now();
manualSeed(seed);
const norm = new transforms.Normalize([0.1307], [0.3081]);

// ---- 1. pretraining on digits 0-4 (their training part only)
const low = mnist({ digits: [0, 1, 2, 3, 4] });
const pretrained = lenet5({ numClasses: 5 });
{
  const opt = new optim.Adam(pretrained.parameters(), { lr: 2e-3 });
  const gen = new Generator(seed + 1);
  const epochs = Number(args['pretrain-epochs']);
  const images = norm.forward(low.train.images);
  for (let e = 1; e <= epochs; e++) {
    const bar = epochBar(`pretrain on 0-4, epoch ${e}/${epochs}`);
    bar.start(Math.ceil(images.shape[0]! / 32), 0, { loss: '-', speed: '-' });
    const t0 = performance.now();
    let seen = 0;
    let lossSum = 0;
    for (const [xb, yb] of batches(images, low.train.labels, 32, gen)) {
      opt.zeroGrad();
      const loss = F.crossEntropy(pretrained.forward(xb), yb);
      loss.backward();
      opt.step();
      seen += yb.size;
      lossSum += loss.item() * yb.size;
      bar.increment(1, { loss: (lossSum / seen).toFixed(4), speed: Math.round(seen / ((performance.now() - t0) / 1000)) });
    }
    bar.stop();
  }
  const acc = evaluate(pretrained, norm.forward(low.test.images), low.test.labels).accuracy;
  console.log(`pretrained LeNet-5 on digits 0-4: ${(100 * acc).toFixed(2)}% on their reserved 20%`);
}
const pretrainedState = pretrained.stateDict();

// ---- 2. digits 5-9, as labels 0-4
const high = mnist({ digits: [5, 6, 7, 8, 9] });
const toLabels = (labels: Tensor) => labels.sub(5).int();
const trainImages = norm.forward(high.train.images);
const trainLabels = toLabels(high.train.labels);
const testImages = norm.forward(high.test.images);
const testLabels = toLabels(high.test.labels);

/** `shots` random training examples of each of the five digits. */
function drawFew(gen: Generator): number[] {
  const few: number[] = [];
  for (let c = 0; c < 5; c++) {
    const idx = Array.from(trainLabels.data).flatMap((l, i) => (l === c ? [i] : []));
    few.push(...gen.permutation(idx.length).slice(0, shots).map((j) => idx[j]!));
  }
  return few;
}

/** Trains the trainable parameters of `model` on the few examples; accuracy on the reserved 20%. */
function fineTune(model: LeNet5, few: number[], gen: Generator): number {
  const x = trainImages.indexSelect(0, few);
  const y = trainLabels.indexSelect(0, few);
  const opt = new optim.Adam(trainableParameters(model), { lr: 1e-3 });
  for (let epoch = 0; epoch < Number(args['finetune-epochs']); epoch++) {
    for (const [xb, yb] of batches(x, y, 25, gen)) {
      opt.zeroGrad();
      F.crossEntropy(model.forward(xb), yb).backward();
      opt.step();
    }
  }
  return evaluate(model, testImages, testLabels).accuracy;
}

// ---- 3. for each draw of a few examples: transfer vs scratch
const results: Array<[number, number]> = [];
for (let draw = 0; draw < Number(args.draws); draw++) {
  const few = drawFew(new Generator(seed + 10 + draw));

  // transfer: the pretrained network with its conv feature extractor frozen and a new classifier head
  const transfer = lenet5({ numClasses: 5 });
  transfer.loadStateDict(pretrainedState);
  freeze(transfer.features);
  const g = { generator: new Generator(seed + 20 + draw) };
  transfer.classifier = new nn.Sequential(
    new nn.Linear(16 * 5 * 5, 120, g), new nn.ReLU(), new nn.Linear(120, 84, g), new nn.ReLU(), new nn.Linear(84, 5, g),
  );
  const a = fineTune(transfer, few, new Generator(seed + 30 + draw));

  // baseline: the same architecture from scratch, every parameter trained on the same examples
  const scratch = lenet5({ numClasses: 5, generator: new Generator(seed + 40 + draw) });
  const b = fineTune(scratch, few, new Generator(seed + 30 + draw));
  results.push([a, b]);
  console.log(`draw ${draw + 1}: ${shots} examples per digit 5-9 | frozen pretrained extractor + new head ` +
    `(${countParameters(transfer, { trainableOnly: true }).toLocaleString('en-US')} trainable parameters): ${(100 * a).toFixed(2)}% | ` +
    `from scratch (${countParameters(scratch, { trainableOnly: true }).toLocaleString('en-US')}): ${(100 * b).toFixed(2)}%`);
}
const mean = (i: 0 | 1) => results.reduce((s, r) => s + r[i], 0) / results.length;
const [ta, sa] = [mean(0), mean(1)];
console.log(`mean accuracy on the reserved 20% of digits 5-9: transfer ${(100 * ta).toFixed(2)}%, scratch ${(100 * sa).toFixed(2)}% ` +
  `(${ta > sa ? `the pretrained extractor wins by ${(100 * (ta - sa)).toFixed(1)} points` : 'no gain from pretraining'}); wall time ${fmtTime(performance.now() - start)}`);
