// Transfer learning: a LeNet-5 pretrained on digits 0-4 lends its frozen
// feature extractor to a new 5-way head trained on a few examples of digits
// 5-9; the same network trained from scratch on those few examples is the
// baseline. Accuracies are on the reserved 20% of digits 5-9.
//
//   pnpm --filter @neurone/vision example:transfer [--shots 10] [--pretrain-epochs 3] [--seed 0]
import { parseArgs } from 'node:util';
import { F, Generator, Tensor, manualSeed, nn, optim } from '@neurone/core';
import { countParameters, freeze, lenet5, mnist, trainableParameters, transforms, type LeNet5 } from '../src/index.js';
import { batches, epochBar, evaluate, fmtTime } from './shared.js';

const { values: args } = parseArgs({
  options: {
    shots: { type: 'string', default: '10' },
    'pretrain-epochs': { type: 'string', default: '3' },
    'finetune-epochs': { type: 'string', default: '60' },
    seed: { type: 'string', default: '0' },
  },
});
const shots = Number(args.shots);
const seed = Number(args.seed);
const start = performance.now();
manualSeed(seed);
const norm = new transforms.Normalize([0.1307], [0.3081]);

// ---- pretraining on digits 0-4 (their training part only)
const low = mnist({ digits: [0, 1, 2, 3, 4] });
const pretrained = lenet5({ numClasses: 5 });
{
  const opt = new optim.Adam(pretrained.parameters(), { lr: 1e-3 });
  const gen = new Generator(seed + 1);
  const epochs = Number(args['pretrain-epochs']);
  for (let e = 1; e <= epochs; e++) {
    const bar = epochBar(`pretrain 0-4 epoch ${e}/${epochs}`);
    bar.start(Math.ceil(low.train.images.shape[0]! / 64), 0, { loss: '-', speed: '-' });
    const t0 = performance.now();
    let seen = 0;
    for (const [xb, yb] of batches(low.train.images, low.train.labels, 64, gen)) {
      opt.zeroGrad();
      const loss = F.crossEntropy(pretrained.forward(norm.forward(xb)), yb);
      loss.backward();
      opt.step();
      seen += yb.size;
      bar.increment(1, { loss: loss.item().toFixed(4), speed: Math.round(seen / ((performance.now() - t0) / 1000)) });
    }
    bar.stop();
  }
  const acc = evaluate(pretrained, norm.forward(low.test.images), low.test.labels).accuracy;
  console.log(`pretrained on digits 0-4: ${(100 * acc).toFixed(2)}% on their reserved 20%`);
}

// ---- a few examples of digits 5-9, labels 0-4
const high = mnist({ digits: [5, 6, 7, 8, 9] });
const pick = new Generator(seed + 2);
const few: number[] = [];
for (let d = 5; d <= 9; d++) {
  const idx = Array.from(high.train.labels.data).flatMap((l, i) => (l === d ? [i] : []));
  few.push(...pick.permutation(idx.length).slice(0, shots).map((j) => idx[j]!));
}
const fewImages = norm.forward(high.train.images.indexSelect(0, few));
const shift = (labels: Tensor) => labels.sub(5).int();
const fewLabels = shift(high.train.labels.indexSelect(0, few));
const testImages = norm.forward(high.test.images);
const testLabels = shift(high.test.labels);

function fineTune(model: LeNet5, label: string): number {
  const opt = new optim.Adam(trainableParameters(model), { lr: 1e-3 });
  const gen = new Generator(seed + 3);
  for (let e = 0; e < Number(args['finetune-epochs']); e++) {
    for (const [xb, yb] of batches(fewImages, fewLabels, 25, gen)) {
      opt.zeroGrad();
      F.crossEntropy(model.forward(xb), yb).backward();
      opt.step();
    }
  }
  const acc = evaluate(model, testImages, testLabels).accuracy;
  console.log(`${label}: ${countParameters(model, { trainableOnly: true }).toLocaleString('en-US')} trainable parameters, ` +
    `${(100 * acc).toFixed(2)}% on the reserved 20% of digits 5-9`);
  return acc;
}

const snapshot = pretrained.stateDict();
const unfreezeLinear = (l: nn.Linear) => { l.weight.requiresGrad_(true); l.bias?.requiresGrad_(true); };
const variant = (name: string, make: (m: LeNet5) => void) => {
  const m = lenet5({ numClasses: 5 });
  m.loadStateDict(Object.fromEntries(Object.entries(snapshot).map(([k, v]) => [k, v.clone()])));
  make(m);
  return fineTune(m, name);
};
variant('A: freeze all, new last layer', (m) => { freeze(m); m.classifier.pop(); m.classifier.append(new nn.Linear(84, 5)); });
variant('B: freeze features, new classifier', (m) => { freeze(m.features); m.classifier = new nn.Sequential(new nn.Linear(400, 120), new nn.ReLU(), new nn.Linear(120, 84), new nn.ReLU(), new nn.Linear(84, 5)); });
variant('C: freeze features, linear head', (m) => { freeze(m.features); m.classifier = new nn.Sequential(new nn.Linear(400, 5)); });
variant('E: freeze all but classifier.4 and classifier.2 (new)', (m) => { freeze(m); m.classifier.pop(); m.classifier.append(new nn.Linear(84, 5)); unfreezeLinear(m.classifier.at(2) as nn.Linear); });
const transfer = variant('D: freeze features, fine-tune old classifier with new last layer', (m) => { freeze(m.features); m.classifier.pop(); m.classifier.append(new nn.Linear(84, 5)); });
manualSeed(seed + 4);
const scratch = fineTune(lenet5({ numClasses: 5 }), `same network from scratch (${shots} examples per digit)`);

console.log(`transfer ${(100 * transfer).toFixed(2)}% vs scratch ${(100 * scratch).toFixed(2)}%: ` +
  `${transfer > scratch ? 'the pretrained extractor wins' : 'no gain from pretraining'}; wall time ${fmtTime(performance.now() - start)}`);
