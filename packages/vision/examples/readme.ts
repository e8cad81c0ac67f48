// The README's example, runnable: pnpm --filter @neurone/vision example:readme
import { F as CF, manualSeed, noGrad, nn, optim } from '@neurone/core';
import { BatchNorm2d, Conv2d, F, MaxPool2d, imageGrid, mnist, saveImage } from '@neurone/vision';

const rng = manualSeed(0);
const { train, test } = mnist(); // first 80% of each digit trains, last 20% is reserved
const model = new nn.Sequential(
  new Conv2d(1, 8, 3, { padding: 1 }), new BatchNorm2d(8), new nn.ReLU(), new MaxPool2d(2), // [N, 8, 14, 14]
  new Conv2d(8, 16, 3, { padding: 1 }), new nn.ReLU(), new MaxPool2d(2),                     // [N, 16, 7, 7]
  new nn.Flatten(), new nn.Linear(16 * 7 * 7, 10),
);
nn.summary(model, [1, 1, 28, 28]);

const opt = new optim.Adam(model.parameters(), { lr: 2e-3 });
for (let step = 0; step < 60; step++) {
  const idx = Array.from({ length: 32 }, () => Math.floor(rng.random() * train.labels.size));
  opt.zeroGrad();
  const loss = CF.crossEntropy(model.forward(train.images.indexSelect(0, idx)), train.labels.indexSelect(0, idx));
  loss.backward();
  opt.step();
  if (step % 20 === 0) console.log(`step ${step}: loss ${loss.item().toFixed(3)}`);
}

model.eval();
const sample = test.images.narrow(0, 0, 500);
const pred = noGrad(() => model.forward(sample).argmax(1));
let correct = 0;
for (let i = 0; i < 500; i++) if (pred.data[i] === test.labels.data[i]) correct++;
console.log(`accuracy on 500 reserved digits after 60 steps: ${(correct / 5).toFixed(1)}%`);

// functional forms, and a picture of the first feature maps
const maps = noGrad(() => F.maxPool2d((model.at(0) as Conv2d).forward(sample.narrow(0, 0, 1)).relu(), 2));
await saveImage(imageGrid(maps.reshape([8, 1, 14, 14]), { nrow: 4, normalize: true }), 'out/feature-maps.png');
console.log('wrote out/feature-maps.png');
