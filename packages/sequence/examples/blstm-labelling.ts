// Sequence labelling with a bidirectional LSTM: tag every frame of a
// variable-length signal with 1 when it is higher than each of the next three
// frames. The answer depends on the future, which only the reverse direction
// sees: a unidirectional LSTM trained the same way stays far behind.
//
// Run: npx -y pnpm@10 --filter @neurone/sequence example:label
import { F, Generator, Tensor, getBackend, nn, noGrad, optim } from '@neurone/core';
import { LSTM } from '../src/index.js';

const T = 24;
const IGNORE = -100; // label of padding frames: crossEntropy skips them
const gen = new Generator(7);

/** x: (N, T, 1) batch-first, padded with zeros; y: (N, T) labels; lengths (N). */
function batch(n: number): { x: Tensor; y: Tensor; lengths: number[] } {
  const xs = new Float32Array(n * T);
  const ys = new Int32Array(n * T).fill(IGNORE);
  const lengths: number[] = [];
  for (let b = 0; b < n; b++) {
    const L = gen.int(8, T + 1);
    lengths.push(L);
    for (let t = 0; t < L; t++) xs[b * T + t] = gen.uniform(-1, 1);
    for (let t = 0; t < L; t++) {
      let peak = true;
      for (let k = t + 1; k <= Math.min(t + 3, L - 1); k++) if (xs[b * T + k]! >= xs[b * T + t]!) peak = false;
      ys[b * T + t] = peak ? 1 : 0;
    }
  }
  return { x: new Tensor(xs, [n, T, 1]), y: new Tensor(ys, [n, T]), lengths };
}

class Tagger extends nn.Module {
  lstm: LSTM;
  head: nn.Linear;

  constructor(bidirectional: boolean) {
    super();
    this.lstm = new LSTM(1, 32, { batchFirst: true, bidirectional, generator: gen });
    this.head = new nn.Linear(bidirectional ? 64 : 32, 2, { generator: gen });
  }

  /** (N, T, 1) -> per-frame logits (N, T, 2); padding never reaches a state. */
  forward(x: Tensor, lengths: number[]): Tensor {
    const [out] = this.lstm.forward(x, null, { lengths });
    return this.head.forward(out);
  }
}

function frameAccuracy(model: Tagger, data: ReturnType<typeof batch>): number {
  const pred = noGrad(() => model.forward(data.x, data.lengths)).argmax(2).toList();
  const y = data.y.toList();
  let ok = 0;
  let n = 0;
  y.forEach((label, i) => {
    if (label === IGNORE) return;
    n++;
    if (pred[i] === label) ok++;
  });
  return ok / n;
}

function train(bidirectional: boolean, steps: number): number {
  const model = new Tagger(bidirectional);
  const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
  const test = batch(500);
  for (let step = 1; step <= steps; step++) {
    const { x, y, lengths } = batch(32);
    opt.zeroGrad();
    const logits = model.forward(x, lengths);
    const loss = F.crossEntropy(logits.reshape([-1, 2]), y.reshape([-1]), { ignoreIndex: IGNORE });
    loss.backward();
    opt.step();
    if (step % 100 === 0) console.log(`  step ${step}: loss ${loss.item().toFixed(4)}, test frame accuracy ${(100 * frameAccuracy(model, test)).toFixed(1)}%`);
  }
  return frameAccuracy(model, test);
}

console.log(`sequence labelling: is each frame above the next three? (lengths 8..${T}, backend ${getBackend().name})`);
const t0 = Date.now();
console.log('bidirectional LSTM:');
const bi = train(true, 300);
console.log('unidirectional LSTM (same size, same steps):');
const uni = train(false, 300);
console.log(`frame accuracy: BLSTM ${(100 * bi).toFixed(1)}%, LSTM ${(100 * uni).toFixed(1)}% (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
if (bi < 0.95 || bi <= uni) process.exitCode = 1;
