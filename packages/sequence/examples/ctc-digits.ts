// A tiny CTC task: read strings of "drawn digits" (each digit a short,
// randomly stretched stroke pattern in noise, digits separated by pen-up
// frames of random length) and transcribe them, with no frame-level labels.
// A bidirectional LSTM emits per-frame class scores; CTC sums over all
// alignments; greedy decoding collapses repeats and drops blanks.
//
// Run: npx -y pnpm@10 --filter @neurone/sequence example:ctc
import { Generator, Tensor, getBackend, nn, noGrad, optim } from '@neurone/core';
import { CTCLoss, LSTM, ctcBeamSearch, ctcGreedyDecode, editDistance } from '../src/index.js';

const FEATURES = 8;
const BLANK = 0; // class 0 is the blank, digit d is class d + 1
const gen = new Generator(11);

// each digit: 3 frames of FEATURES values, fixed for the whole run
const strokes = Array.from({ length: 10 }, () => Array.from({ length: 3 }, () => Array.from({ length: FEATURES }, () => gen.uniform(-1, 1))));

interface Sample {
  frames: number[][];
  digits: number[];
}

function draw(): Sample {
  const digits = Array.from({ length: gen.int(3, 7) }, () => gen.int(0, 10));
  const frames: number[][] = [];
  const penUp = () => {
    for (let k = gen.int(0, 3); k > 0; k--) frames.push(new Array(FEATURES).fill(0));
  };
  penUp();
  for (const d of digits) {
    for (const f of strokes[d]!) for (let r = gen.int(1, 3); r > 0; r--) frames.push(f.slice());
    penUp();
  }
  for (const f of frames) for (let i = 0; i < FEATURES; i++) f[i]! += gen.normal(0, 0.25);
  return { frames, digits };
}

/** Time-major batch (T, N, FEATURES), padded; targets padded (N, S) as classes. */
function collate(samples: Sample[]) {
  const T = Math.max(...samples.map((s) => s.frames.length));
  const N = samples.length;
  const x = new Float32Array(T * N * FEATURES);
  samples.forEach((s, b) => s.frames.forEach((f, t) => x.set(f, (t * N + b) * FEATURES)));
  const S = Math.max(...samples.map((s) => s.digits.length));
  return {
    x: new Tensor(x, [T, N, FEATURES]),
    targets: samples.map((s) => [...s.digits.map((d) => d + 1), ...new Array(S - s.digits.length).fill(1)]),
    inputLengths: samples.map((s) => s.frames.length),
    targetLengths: samples.map((s) => s.digits.length),
  };
}

class Reader extends nn.Module {
  lstm = new LSTM(FEATURES, 48, { bidirectional: true, generator: gen });
  head = new nn.Linear(96, 11, { generator: gen });

  /** (T, N, FEATURES) -> log-probabilities (T, N, 11) */
  forward(x: Tensor, lengths: number[]): Tensor {
    const [out] = this.lstm.forward(x, null, { lengths });
    return this.head.forward(out).logSoftmax(2);
  }
}

const model = new Reader();
const ctc = new CTCLoss({ blank: BLANK, zeroInfinity: true });
const opt = new optim.Adam(model.parameters(), { lr: 0.005 });
const test = collate(Array.from({ length: 300 }, draw));

function evaluate(): { seqAcc: number; cer: number } {
  const lp = noGrad(() => model.forward(test.x, test.inputLengths));
  const hyps = ctcGreedyDecode(lp, { blank: BLANK, inputLengths: test.inputLengths });
  let exact = 0;
  let errors = 0;
  let chars = 0;
  hyps.forEach((h, b) => {
    const truth = test.targets[b]!.slice(0, test.targetLengths[b]);
    if (h.tokens.join() === truth.join()) exact++;
    errors += editDistance(h.tokens, truth);
    chars += truth.length;
  });
  return { seqAcc: exact / hyps.length, cer: errors / chars };
}

console.log(`CTC: transcribing strings of 3-6 drawn digits (backend ${getBackend().name})`);
const t0 = Date.now();
let result = evaluate();
for (let step = 1; step <= 1500 && result.seqAcc <= 0.97; step++) {
  const { x, targets, inputLengths, targetLengths } = collate(Array.from({ length: 32 }, draw));
  opt.zeroGrad();
  const loss = ctc.forward(model.forward(x, inputLengths), targets, inputLengths, targetLengths);
  loss.backward();
  nn.utils.clipGradNorm_(model.parameters(), 5);
  opt.step();
  if (step % 50 === 0) {
    result = evaluate();
    console.log(`step ${step}: loss ${loss.item().toFixed(3)}, greedy sequence accuracy ${(100 * result.seqAcc).toFixed(1)}%, CER ${(100 * result.cer).toFixed(2)}%`);
  }
}
const lp = noGrad(() => model.forward(test.x, test.inputLengths));
const fmt = (tokens: number[]) => tokens.map((c) => c - 1).join('');
const [beams] = ctcBeamSearch(lp.narrow(1, 0, 1), { beamWidth: 8, inputLengths: [test.inputLengths[0]!] });
console.log(`example: truth ${fmt(test.targets[0]!.slice(0, test.targetLengths[0]))}, greedy ${fmt(ctcGreedyDecode(lp.narrow(1, 0, 1), { inputLengths: [test.inputLengths[0]!] })[0]!.tokens)}, beam ${fmt(beams![0]!.tokens)}`);
console.log(`final: greedy sequence accuracy ${(100 * result.seqAcc).toFixed(1)}%, CER ${(100 * result.cer).toFixed(2)}% (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
if (result.seqAcc < 0.95) process.exitCode = 1;
