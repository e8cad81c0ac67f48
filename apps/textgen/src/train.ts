// Training: stateful truncated BPTT over B parallel streams, Adam with warmup
// and cosine decay, gradient-norm clipping, validation at intervals, atomic
// checkpoints that resume exactly, and a loss-curve PNG.
import * as path from 'node:path';
import { F, nn, optim } from '@neurone/core';
import { detachState } from '@neurone/sequence';
import { loadTextgenCheckpoint, saveTextgenCheckpoint, type LossPoint, type Progress, type TrainConfig } from './checkpoint.js';
import { loadCorpus, validationStart } from './corpus.js';
import { CharRNN, type ModelConfig, type RecurrentState } from './model.js';
import { Streams, evaluate } from './streams.js';
import { UnknownCharacterError, Vocabulary } from './vocab.js';

/** The default model: a 2-layer LSTM, 256 hidden units, 64-dimensional embedding, dropout 0.1. */
export const DEFAULT_MODEL: Omit<ModelConfig, 'vocabSize'> = { cell: 'lstm', embedding: 64, hidden: 256, layers: 2, dropout: 0.1 };

/** The default training: T=100, B=32, Adam 2e-3 decaying to 2e-4, clipping at 5, 10 minutes. */
export const DEFAULT_TRAIN: Omit<TrainConfig, 'corpus'> = {
  seq: 100, batch: 32, lr: 2e-3, minLr: 2e-4, warmup: 20, clip: 5, steps: null, minutes: 10, valEvery: 200, valChars: 100_000, seed: 0,
};

/** Training losses are averaged over this many steps per point of the curve. */
const LOG_EVERY = 10;

export interface StepInfo {
  step: number;
  /** This step's loss, and an exponential moving average of the losses (weight 0.05 on the newest). */
  loss: number;
  smoothLoss: number;
  lr: number;
  /** The gradient norm before clipping. */
  gradNorm: number;
  charsPerSec: number;
  epoch: number;
  /** Training time so far, ms. */
  trainMs: number;
  /** Share of the budget used, 0..1. */
  progress: number;
}

export interface ValidationInfo {
  step: number;
  loss: number;
  chars: number;
  seconds: number;
  checkpoint: string;
}

export interface StartInfo {
  corpus: string;
  source: string;
  trainChars: number;
  valChars: number;
  vocabSize: number;
  parameters: number;
  model: ModelConfig;
  train: TrainConfig;
  resumedFrom: string | null;
  startStep: number;
  chunksPerEpoch: number;
}

export interface TrainRequest {
  /** Where checkpoints go (written at every validation and at the end). */
  out: string;
  /** The loss-curve PNG (default: beside `out`, `.png` for `.safetensors`); null for none. */
  plot?: string | null;
  /** A checkpoint to continue from: its model, vocabulary, corpus and progress are used. */
  resume?: string | null;
  /** The corpus (fresh runs; default speeches). */
  corpus?: string;
  /** Model options (fresh runs). */
  model?: Partial<Omit<ModelConfig, 'vocabSize'>>;
  /** Training options: for a fresh run over the defaults, when resuming over the checkpoint's (seq and batch excepted). */
  train?: Partial<Omit<TrainConfig, 'corpus'>>;
  /** The command line, stored in the checkpoint. */
  command?: string;
  onStart?: (info: StartInfo) => void;
  onStep?: (info: StepInfo) => void;
  onValidate?: (info: ValidationInfo) => void;
  /** Called before each validation's chunks, with the characters done and their total. */
  onValidateProgress?: (done: number, total: number) => void;
  /** Polled after every step: true stops the run (a checkpoint is written first), as on Ctrl-C. */
  shouldStop?: () => boolean;
}

export interface TrainResult {
  checkpoint: string;
  plot: string | null;
  step: number;
  valLoss: number;
  valChars: number;
  trainMs: number;
  wallMs: number;
  stopped: boolean;
}

/** The learning rate at `step` and budget share `p` (0..1): linear warmup from lr/10, then cosine to minLr. */
export function learningRate(cfg: Pick<TrainConfig, 'lr' | 'minLr' | 'warmup'>, step: number, p: number): number {
  const q = Math.min(1, Math.max(0, p));
  const cosine = cfg.minLr + ((cfg.lr - cfg.minLr) * (1 + Math.cos(Math.PI * q))) / 2;
  const warm = cfg.warmup > 0 && step < cfg.warmup ? 0.1 + (0.9 * step) / cfg.warmup : 1;
  return cosine * warm;
}

/**
 * Trains (or continues training) a model; see the README for the method.
 * Between steps it yields to the event loop, so that progress output and
 * Ctrl-C (through `shouldStop`) are handled while it runs.
 */
export async function train(req: TrainRequest): Promise<TrainResult> {
  const wallStart = Date.now();
  const resumed = req.resume ? loadTextgenCheckpoint(req.resume) : null;
  const cfg: TrainConfig = resumed
    ? { ...resumed.meta.train, ...definedOnly(req.train ?? {}), seq: resumed.meta.train.seq, batch: resumed.meta.train.batch, seed: resumed.meta.train.seed }
    : { ...DEFAULT_TRAIN, corpus: 'speeches', ...definedOnly(req.train ?? {}) };
  if (!resumed && req.corpus) cfg.corpus = req.corpus;
  if (req.train?.steps != null && req.train.minutes == null) cfg.minutes = null;
  if (req.train?.minutes != null && req.train.steps == null) cfg.steps = null;
  if (cfg.steps == null && cfg.minutes == null) cfg.minutes = DEFAULT_TRAIN.minutes;
  checkTrainConfig(cfg);

  const corpus = loadCorpus(cfg.corpus);
  cfg.corpus = corpus.name;
  const vocab = resumed ? resumed.vocab : Vocabulary.fromText(corpus.text);
  let ids: Int32Array;
  try {
    ids = vocab.encode(corpus.text, 'train');
  } catch (e) {
    if (e instanceof UnknownCharacterError) throw new Error(`train: the corpus ${cfg.corpus} is not the one the checkpoint was trained on: ${e.message}`);
    throw e;
  }
  const cut = validationStart(ids.length);
  const trainIds = ids.subarray(0, cut);
  const valIds = ids.subarray(cut);
  const streams = new Streams(trainIds, cfg.batch, cfg.seq);

  const model = resumed ? resumed.model : new CharRNN({ ...DEFAULT_MODEL, ...definedOnly(req.model ?? {}), vocabSize: vocab.size }, { seed: cfg.seed });
  const params = model.parameters();
  const opt = new optim.Adam(params, { lr: cfg.lr });
  if (resumed?.optimizer) opt.loadStateDict(resumed.optimizer as unknown as Parameters<typeof opt.loadStateDict>[0]);
  const progress: Progress = resumed
    ? structuredClone(resumed.meta.progress)
    : { step: 0, trainMs: 0, wallMs: 0, trainCurve: [], pending: [], valCurve: [], dropoutRng: [] };
  const wallBefore = progress.wallMs;
  let state: RecurrentState | null = resumed?.carried ?? null;
  const plotPath = req.plot === undefined ? defaultPlotPath(req.out) : req.plot;
  // the canvas library is loaded only when a plot is wanted
  const plotLossCurve = plotPath ? (await import('./plot.js')).plotLossCurve : null;
  const command = req.command ?? 'train';

  req.onStart?.({
    corpus: cfg.corpus, source: corpus.source, trainChars: trainIds.length, valChars: valIds.length, vocabSize: vocab.size,
    parameters: params.reduce((n, p) => n + p.size, 0), model: model.config, train: cfg,
    resumedFrom: resumed ? req.resume! : null, startStep: progress.step, chunksPerEpoch: streams.chunksPerEpoch,
  });

  const budgetShare = () => (cfg.steps != null ? progress.step / cfg.steps : progress.trainMs / (cfg.minutes! * 60_000));
  const done = () => budgetShare() >= 1;
  let lastVal: { loss: number; chars: number } | null = null;
  let valStep = -1;
  progress.pending ??= [];
  const window = progress.pending;
  let ema: number | null = null;
  let stopped = false;

  const checkpoint = () => {
    progress.wallMs = wallBefore + (Date.now() - wallStart);
    progress.dropoutRng = model.dropoutGenerator.getState().map((v) => (Number.isNaN(v) ? null : v));
    saveTextgenCheckpoint(req.out, {
      model, vocab, optimizer: opt.stateDict(), carried: state,
      meta: { train: cfg, progress, valLoss: lastVal?.loss ?? null, valChars: lastVal?.chars ?? null, command },
    });
    if (plotPath && plotLossCurve) {
      // the steps since the last point of the curve show as a provisional point
      const trainCurve = window.length > 0 ? [...progress.trainCurve, point(progress, window)] : progress.trainCurve;
      plotLossCurve(plotPath, { trainCurve, valCurve: progress.valCurve }, { title: `textgen: ${path.basename(cfg.corpus)}, ${describeModel(model.config)}` });
    }
  };
  const validate = () => {
    const r = evaluate(model, valIds, { batch: cfg.batch, seq: cfg.seq, maxChars: cfg.valChars, onProgress: req.onValidateProgress });
    lastVal = r;
    valStep = progress.step;
    progress.valCurve.push({ step: progress.step, seconds: progress.trainMs / 1000, loss: r.loss });
    checkpoint();
    req.onValidate?.({ step: progress.step, loss: r.loss, chars: r.chars, seconds: progress.trainMs / 1000, checkpoint: req.out });
  };

  model.train();
  while (!done()) {
    const t0 = performance.now();
    const lr = learningRate(cfg, progress.step, budgetShare());
    for (const g of opt.paramGroups) g.lr = lr;
    const { x, y, first } = streams.chunk(progress.step);
    if (first) state = null;
    opt.zeroGrad();
    const [logits, next] = model.forward(x, state);
    const loss = F.crossEntropy(logits.reshape(cfg.seq * cfg.batch, vocab.size), y.reshape(cfg.seq * cfg.batch));
    loss.backward();
    const gradNorm = nn.utils.clipGradNorm_(params, cfg.clip).item();
    opt.step();
    // the graph is cut here: the next chunk starts from these values, without their history
    state = detachState(next);
    const value = loss.item();
    const ms = performance.now() - t0;
    progress.step++;
    progress.trainMs += ms;
    window.push(value);
    ema = ema === null ? value : 0.95 * ema + 0.05 * value;
    if (window.length === LOG_EVERY) {
      progress.trainCurve.push(point(progress, window));
      window.length = 0;
    }
    req.onStep?.({
      step: progress.step, loss: value, smoothLoss: ema ?? value, lr, gradNorm,
      charsPerSec: (cfg.seq * cfg.batch) / (ms / 1000), epoch: streams.epochOf(progress.step - 1), trainMs: progress.trainMs,
      progress: Math.min(1, budgetShare()),
    });
    if (!Number.isFinite(value)) throw new Error(`train: the loss became ${value} at step ${progress.step}; lower --lr or --clip`);
    if (progress.step % cfg.valEvery === 0 && !done()) validate();
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (req.shouldStop?.()) {
      stopped = true;
      break;
    }
  }
  if (valStep !== progress.step || lastVal === null) validate();
  else checkpoint();
  const last = lastVal as { loss: number; chars: number } | null;
  return {
    checkpoint: req.out, plot: plotPath, step: progress.step, valLoss: last!.loss, valChars: last!.chars,
    trainMs: progress.trainMs, wallMs: progress.wallMs, stopped,
  };
}

/** `speeches.safetensors` -> `speeches.png`. */
export function defaultPlotPath(out: string): string {
  return out.replace(/\.safetensors$/, '') + '.png';
}

export function describeModel(m: ModelConfig): string {
  return `${m.layers}-layer ${m.cell.toUpperCase()} ${m.hidden}, embedding ${m.embedding}, dropout ${m.dropout}`;
}

function point(p: Progress, losses: number[]): LossPoint {
  return { step: p.step, seconds: p.trainMs / 1000, loss: mean(losses) };
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function checkTrainConfig(c: TrainConfig): void {
  const bad = (what: string, v: unknown) => {
    throw new Error(`train: ${what}, got ${JSON.stringify(v)}`);
  };
  for (const k of ['seq', 'batch', 'valEvery', 'valChars'] as const) if (!Number.isInteger(c[k]) || c[k] < 1) bad(`${k} must be a positive integer`, c[k]);
  if (!Number.isInteger(c.warmup) || c.warmup < 0) bad('warmup must be an integer >= 0', c.warmup);
  if (!(c.lr > 0)) bad('lr must be > 0', c.lr);
  if (!(c.minLr >= 0 && c.minLr <= c.lr)) bad('min-lr must be between 0 and lr', c.minLr);
  if (!(c.clip > 0)) bad('clip must be > 0', c.clip);
  if (c.steps != null && (!Number.isInteger(c.steps) || c.steps < 1)) bad('steps must be a positive integer', c.steps);
  if (c.minutes != null && !(c.minutes > 0)) bad('minutes must be > 0', c.minutes);
  if (!Number.isInteger(c.seed)) bad('seed must be an integer', c.seed);
}
