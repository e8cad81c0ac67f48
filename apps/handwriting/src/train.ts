// Training with CTC on an endless seeded stream of synthetic lines and MNIST
// digit strings; validation at intervals, atomic checkpoints, resume.
import { existsSync } from 'node:fs';
import { nn, optim } from '@neurone/core';
import { ctcLoss } from '@neurone/sequence';
import cliProgress from 'cli-progress';
import { BLANK } from './charset.js';
import { loadModel, saveModel } from './checkpoint.js';
import { type Batch, type Sample, type SampleKind, collate, makeSample, widthBuckets } from './data.js';
import { readLines } from './decode.js';
import { ErrorRate } from './metrics.js';
import { type Arch, DEFAULT_CONFIGS, type ModelConfig, type Recognizer, buildModel } from './model.js';

export interface TrainOptions {
  arch: Arch;
  /** Optimizer steps in all (a resumed run continues up to this). */
  steps: number;
  /**
   * Wall-time budget in minutes (resumed parts included): training stops
   * when it is spent, and the learning-rate schedule follows whichever of
   * steps and time is further along.
   */
  minutes?: number;
  batchSize: number;
  /** Peak learning rate (Adam), reached after a linear warm-up, then cosine decay. */
  lr: number;
  seed: number;
  /** Steps between validations (each also writes the checkpoint). */
  valEvery: number;
  /** Lines in each validation set. */
  valSize: number;
  /** Checkpoint path (model, optimizer, progress): written atomically at each validation. */
  out: string;
  /** Also write the final weights alone (no optimizer state) here. */
  export?: string;
  /** Continue from `out` if it exists. */
  resume: boolean;
  /**
   * Start from this model's weights (fine-tuning) with a fresh optimizer and
   * schedule; `config` may override its config where the parameter shapes
   * stay the same (e.g. the pools). Ignored when resuming.
   */
  init?: string;
  /** Longest text line. */
  maxChars: number;
  /** Fraction of MNIST digit strings in the training stream. */
  digitsFraction: number;
  /** Overrides of the architecture's default config. */
  config?: Partial<ModelConfig>;
  /** Show a progress bar (default: when stderr is a terminal). */
  progress?: boolean;
  /** Batches rendered together and sorted by width, to pad less (default 8). */
  poolBatches?: number;
  /** The command line, recorded in the checkpoint. */
  command?: string;
  /** Polled after every step: true stops the run after validating and writing the checkpoint (Ctrl-C). */
  shouldStop?: () => boolean;
  log?: (line: string) => void;
}

export interface TrainResult {
  model: Recognizer;
  steps: number;
  /** Wall time of the whole training, resumed parts included. */
  seconds: number;
  metrics: Record<string, number>;
}

/** Seed bases that keep the validation stream apart from the training stream. */
const VAL_BASE = 8e12;

/** Linear warm-up over the first steps, then cosine decay to 2% of the peak as `progress` goes from 0 to 1. */
function lrAt(step: number, progress: number, total: number, peak: number): number {
  const warm = Math.min(200, Math.floor(total / 10));
  if (step < warm) return peak * (step + 1) / warm;
  return peak * (0.02 + 0.98 * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress))));
}

/** Knuth's multiplicative hash of the sample index in [0, 1): picks each sample's kind. */
function kindOf(index: number, seed: number, digitsFraction: number): SampleKind {
  const h = (Math.imul((index ^ Math.imul(seed, 0x9e3779b1)) >>> 0, 2654435761) >>> 0) / 2 ** 32;
  return h < digitsFraction ? 'digits' : 'lines';
}

/** Lets timers and I/O run (progress bar, signals, test runners) between long synchronous pieces. */
const breathe = () => new Promise<void>((r) => setImmediate(r));

/** The training batches of pool k: deterministic in (seed, k), so a resumed run sees the same data. */
async function pool(k: number, o: TrainOptions): Promise<Batch[]> {
  const n = (o.poolBatches ?? 8) * o.batchSize;
  const samples: Sample[] = [];
  for (let i = 0; i < n; i++) {
    const index = k * n + i;
    samples.push(makeSample(kindOf(index, o.seed, o.digitsFraction), o.seed * 1e9 + index, { maxChars: o.maxChars }));
    if (i % 8 === 7) await breathe();
  }
  const batches = widthBuckets(samples, o.batchSize).map((b) => collate(b));
  // a seeded shuffle of the batch order
  const order = batches.map((_, i) => i);
  let s = (k * 7919 + o.seed) >>> 0;
  for (let i = order.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order.map((i) => batches[i]!);
}

/** CER/WER of `model` on samples, decoded greedily. */
export function scoreSamples(model: Recognizer, samples: readonly Sample[], beam = 0): ErrorRate {
  const readings = readLines(model, samples.map((s) => s.input), { beam });
  const r = new ErrorRate();
  readings.forEach((p, i) => r.add(p.text, samples[i]!.text));
  return r;
}

/**
 * Trains a recognizer. Every `valEvery` steps it measures CER on fresh
 * rendered lines (held-out text) and on digit strings, and writes the
 * checkpoint atomically; with `resume` it continues from that checkpoint
 * (weights, optimizer, step and elapsed time).
 */
export async function train(o: TrainOptions): Promise<TrainResult> {
  const log = o.log ?? ((s: string) => console.error(s));
  let model: Recognizer;
  let startStep = 0;
  let before = 0;
  let opt: optim.Adam;
  if (o.resume && existsSync(o.out)) {
    const loaded = loadModel(o.out);
    model = loaded.model;
    opt = new optim.Adam(model.parameters(), { lr: o.lr });
    if (loaded.optimizer) opt.loadStateDict(loaded.optimizer);
    startStep = loaded.step;
    before = Number(loaded.metadata.elapsedSeconds ?? 0);
    log(`resuming from ${o.out} at step ${startStep}`);
  } else if (o.init !== undefined) {
    const from = loadModel(o.init).model;
    if (from.config.arch !== o.arch) throw new Error(`train: --init '${o.init}' is a ${from.config.arch} model, not ${o.arch}`);
    model = buildModel({ ...from.config, ...o.config });
    try {
      model.loadStateDict(from.stateDict());
    } catch (e) {
      throw new Error(`train: the weights of --init '${o.init}' do not fit the requested architecture: ${(e as Error).message}`);
    }
    model.train();
    opt = new optim.Adam(model.parameters(), { lr: o.lr });
    log(`starting from the weights of ${o.init}`);
  } else {
    model = buildModel({ ...DEFAULT_CONFIGS[o.arch], ...o.config });
    opt = new optim.Adam(model.parameters(), { lr: o.lr });
  }
  const params = model.parameters();
  const nParams = params.reduce((s, p) => s + p.numel(), 0);
  log(`${o.arch}: ${nParams.toLocaleString('en-US')} parameters; steps ${startStep}..${o.steps}, batch ${o.batchSize}`);

  const val = {
    lines: Array.from({ length: o.valSize }, (_, i) => makeSample('fresh-lines', VAL_BASE + i, { maxChars: o.maxChars })),
    digits: Array.from({ length: o.valSize }, (_, i) => makeSample('digits', VAL_BASE + 1e6 + i)),
  };
  const t0 = performance.now();
  const elapsed = () => before + (performance.now() - t0) / 1000;
  const metrics: Record<string, number> = {};
  const bar = (o.progress ?? process.stderr.isTTY)
    ? new cliProgress.SingleBar({
      format: 'train |{bar}| {value}/{total} | loss {loss} | {speed} lines/s | val CER {cer} | ETA {eta_formatted}',
      hideCursor: true, etaBuffer: 50,
    }, cliProgress.Presets.shades_classic)
    : null;
  bar?.start(o.steps, startStep, { loss: '-', speed: '-', cer: '-' });

  const poolBatches = o.poolBatches ?? 8;
  let cached = null as { k: number; batches: Batch[] } | null;
  let ema = NaN;
  let lines = 0;
  let tRate = performance.now();
  const budget = o.minutes === undefined ? Infinity : o.minutes * 60;
  let step = startStep;
  for (; step < o.steps && elapsed() < budget; step++) {
    const k = Math.floor(step / poolBatches);
    if (cached?.k !== k) cached = { k, batches: await pool(k, o) };
    await breathe();
    const batch = cached.batches[step % poolBatches]!;
    const progress = Math.max(step / o.steps, elapsed() / budget);
    opt.paramGroups[0]!.lr = lrAt(step, progress, o.steps, o.lr);
    model.train();
    const { logProbs, lengths } = model.forward(batch.x, batch.widths);
    const loss = ctcLoss(logProbs, batch.targets, lengths, batch.targetLengths, { blank: BLANK, zeroInfinity: true });
    opt.zeroGrad();
    loss.backward();
    nn.utils.clipGradNorm_(params, 5);
    opt.step();
    const l = loss.item();
    if (Number.isFinite(l)) ema = Number.isNaN(ema) ? l : 0.95 * ema + 0.05 * l;
    lines += batch.widths.length;
    const speed = (lines / ((performance.now() - tRate) / 1000)).toFixed(1);
    bar?.update(step + 1, { loss: ema.toFixed(3), speed });
    if (!bar && (step + 1) % 50 === 0 && (step + 1) % o.valEvery !== 0) log(`step ${step + 1}/${o.steps}  loss ${ema.toFixed(3)}  ${speed} lines/s`);

    const stopping = o.shouldStop?.() ?? false;
    const last = step + 1 === o.steps || elapsed() >= budget || stopping;
    if ((step + 1) % o.valEvery === 0 || last) {
      const rl = scoreSamples(model, val.lines);
      await breathe();
      const rd = scoreSamples(model, val.digits);
      Object.assign(metrics, { valLinesCER: rl.cer, valLinesWER: rl.wer, valDigitsCER: rd.cer, loss: ema });
      bar?.update(step + 1, { cer: `${(100 * rl.cer).toFixed(1)}%/${(100 * rd.cer).toFixed(1)}%` });
      saveModel(o.out, model, {
        step: step + 1, optimizer: opt,
        metadata: { command: o.command ?? '', elapsedSeconds: elapsed(), metrics, options: { ...o, log: undefined, shouldStop: undefined } },
      });
      const msg = `step ${step + 1}/${budget < Infinity ? `${o.steps} or ${o.minutes} min` : o.steps}  loss ${ema.toFixed(3)}  val CER lines ${(100 * rl.cer).toFixed(2)}% ` +
        `(WER ${(100 * rl.wer).toFixed(1)}%)  digits ${(100 * rd.cer).toFixed(2)}%  ${speed} lines/s  ${(elapsed() / 60).toFixed(1)} min`;
      if (bar) bar.render(); else log(msg);
      if (bar && process.env.HANDWRITING_LOG) log(msg);
      lines = 0;
      tRate = performance.now();
    }
    if (stopping) {
      step++;
      log(`stopped at step ${step}: checkpoint ${o.out}`);
      break;
    }
  }
  bar?.stop();
  const seconds = elapsed();
  if (o.export) {
    saveModel(o.export, model, { step, metadata: { command: o.command ?? '', elapsedSeconds: seconds, metrics } });
  }
  return { model, steps: step, seconds, metrics };
}
