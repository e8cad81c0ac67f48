// Sequence classification: read a noisy signal and tell whether its running
// sum ends above or below zero. An LSTM reads the sequence; a linear layer
// classifies its final hidden state.
//
// Run: npx -y pnpm@10 --filter @neurone/sequence example:classify
import { F, Generator, Tensor, getBackend, nn, noGrad, optim } from '@neurone/core';
import { LSTM } from '../src/index.js';

const T = 30;
const gen = new Generator(2024);

/** x: (T, N, 1) steps of a random walk with noise; y: 1 if the final sum is positive. */
function batch(n: number): { x: Tensor; y: Tensor } {
  const xs = new Float32Array(T * n);
  const ys = new Int32Array(n);
  for (let b = 0; b < n; b++) {
    let sum = 0;
    for (let t = 0; t < T; t++) {
      const step = gen.normal(0, 1);
      sum += step;
      xs[t * n + b] = step + gen.normal(0, 0.1); // the network sees a noisy copy
    }
    ys[b] = sum > 0 ? 1 : 0;
  }
  return { x: new Tensor(xs, [T, n, 1]), y: new Tensor(ys, [n]) };
}

class SignClassifier extends nn.Module {
  lstm = new LSTM(1, 24, { generator: gen });
  head = new nn.Linear(24, 2, { generator: gen });

  forward(x: Tensor): Tensor {
    const [, [h]] = this.lstm.forward(x);
    return this.head.forward(h.select(0, 0)); // final state of the (only) layer
  }
}

const model = new SignClassifier();
const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
const test = batch(1000);

function accuracy(): number {
  model.eval();
  const pred = noGrad(() => model.forward(test.x)).argmax(1);
  model.train();
  return pred.eq(test.y).float().mean().item();
}

console.log(`sequence classification: sign of a noisy running sum (T=${T}, backend ${getBackend().name})`);
console.log(`before training: test accuracy ${(100 * accuracy()).toFixed(1)}%`);
const t0 = Date.now();
for (let step = 1; step <= 200; step++) {
  const { x, y } = batch(64);
  opt.zeroGrad();
  const loss = F.crossEntropy(model.forward(x), y);
  loss.backward();
  nn.utils.clipGradNorm_(model.parameters(), 1);
  opt.step();
  if (step % 50 === 0) console.log(`step ${step}: loss ${loss.item().toFixed(4)}, test accuracy ${(100 * accuracy()).toFixed(1)}%`);
}
const acc = accuracy();
console.log(`final test accuracy ${(100 * acc).toFixed(1)}% (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
if (acc < 0.9) process.exitCode = 1;
