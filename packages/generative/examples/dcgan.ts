// DCGAN on MNIST digits within a wall-clock budget: alternating D and G steps
// (non-saturating loss by default), logging both losses and D(x) / D(G(z));
// writes samples, the progress of fixed codes over training and the loss curves.
//
//   npx -y pnpm@10 --filter @neurone/generative example:dcgan [outDir] [--minutes 10] [--channels 32] [--batch 32] [--loss nonSaturating|minimax] [--steps N]
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Generator, Tensor, noGrad, optim, randn } from '@neurone/core';
import { mnist } from '@neurone/vision';
import {
  DCGANDiscriminator, DCGANGenerator, GANTrainer, type GANLossKind, lineChart, rowsGrid, samplesGrid, savePng,
} from '../src/index.js';
import { parseArgs, since } from './common.js';

const args = parseArgs('dcgan', 'dcgan [outDir] [--minutes X] [--steps N] [--channels N] [--batch N] [--loss nonSaturating|minimax] [--every N]');
const minutes = args.num('minutes', 10);
const channels = args.num('channels', 32);
const batch = args.num('batch', 32);
const every = args.num('every', 200);
const loss = args.str('loss', 'nonSaturating') as GANLossKind;
const { train } = mnist();
const real = noGrad(() => train.images.mul(2).sub(1)); // tanh range [-1, 1]

const G = new DCGANGenerator({ latentSize: 100, channels, generator: new Generator(1) });
const D = new DCGANDiscriminator({ channels, generator: new Generator(2) });
const trainer = new GANTrainer({
  generator: G, discriminator: D, latentSize: 100, loss, rng: new Generator(3),
  optimizerG: new optim.Adam(G.parameters(), { lr: 2e-4, betas: [0.5, 0.999] }),
  optimizerD: new optim.Adam(D.parameters(), { lr: 2e-4, betas: [0.5, 0.999] }),
});
console.log(`G: ${G.parameters().reduce((n, p) => n + p.size, 0)} parameters, D: ${D.parameters().reduce((n, p) => n + p.size, 0)}; ${loss} loss, batch ${batch}, budget ${minutes} min`);

const fixedZ = randn([10, 100], { generator: new Generator(4) });
const progress: Tensor[] = [];
const t0 = performance.now();
trainer.onStep = (l) => {
  if (l.step % 10 === 0 || l.step === 1) {
    console.log(
      `step ${l.step}  loss D ${l.lossD.toFixed(3)}  G ${l.lossG.toFixed(3)}  D(x) ${l.dReal.toFixed(3)}  ` +
        `D(G(z)) ${l.dFake.toFixed(3)} -> ${l.dFakeAfter.toFixed(3)}  (${since(t0)})`,
    );
  }
  if (l.step % every === 0) progress.push(trainer.generate(fixedZ));
};
const logs = trainer.train(real, { batchSize: batch, timeBudgetMs: minutes * 60_000, maxSteps: args.num('steps', Infinity), shuffle: new Generator(5) });
progress.push(trainer.generate(fixedZ));
const last = logs.slice(-50);
const avg = (k: 'lossD' | 'lossG' | 'dReal' | 'dFake') => last.reduce((s, l) => s + l[k], 0) / last.length;
console.log(
  `${logs.length} steps (${(logs.length * batch / train.images.shape[0]!).toFixed(1)} epochs) in ${since(t0)}; last 50 steps: ` +
    `loss D ${avg('lossD').toFixed(3)}, G ${avg('lossG').toFixed(3)}, D(x) ${avg('dReal').toFixed(3)}, D(G(z)) ${avg('dFake').toFixed(3)}`,
);

const out = args.out;
await savePng(samplesGrid(trainer.sample(64, { rng: new Generator(6) }), { nrow: 8, range: [-1, 1], scale: 3 }), join(out, 'samples.png'));
await savePng(rowsGrid(progress, { range: [-1, 1], scale: 2 }), join(out, 'progress.png'));
await savePng(lineChart([logs.map((l) => l.lossD), logs.map((l) => l.lossG)], { smooth: 10 }), join(out, 'losses.png'));
await savePng(lineChart([logs.map((l) => l.dReal), logs.map((l) => l.dFake)], { smooth: 10 }), join(out, 'd-outputs.png'));
await mkdir(out, { recursive: true });
await writeFile(join(out, 'log.csv'), ['step,lossD,lossG,dReal,dFake,dFakeAfter', ...logs.map((l) => [l.step, l.lossD, l.lossG, l.dReal, l.dFake, l.dFakeAfter].join(','))].join('\n') + '\n');
console.log('wrote samples.png, progress.png (fixed codes, one row per checkpoint), losses.png (red D, blue G), d-outputs.png (red D(x), blue D(G(z))), log.csv');
