// Checkpoints: one safetensors file (core's io.saveCheckpoint, written
// atomically) holding the weights, Adam's state, the recurrent state carried
// between chunks, and in its metadata the vocabulary, the model and training
// configs, the progress (step, time, loss history, dropout RNG).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FormatError, io, type Tensor } from '@neurone/core';
import { CharRNN, checkConfig, type ModelConfig, type RecurrentState } from './model.js';
import { Vocabulary } from './vocab.js';

/** The metadata's format marker and version. */
export const FORMAT = 'neurone-textgen';
export const FORMAT_VERSION = 1;

/** How the model was (or is being) trained. */
export interface TrainConfig {
  /** 'speeches', 'moby-dick' or a file's absolute path. */
  corpus: string;
  /** Characters per chunk of truncated BPTT (the sequence length T). */
  seq: number;
  /** Parallel streams through the text (the batch size B). */
  batch: number;
  /** Adam's peak learning rate, and the floor the cosine schedule ends at. */
  lr: number;
  minLr: number;
  /** Steps of linear warmup from lr/10 up to lr. */
  warmup: number;
  /** Largest gradient norm (clipGradNorm_). */
  clip: number;
  /** Budget: total optimizer steps, or total training minutes (validation time excluded). */
  steps: number | null;
  minutes: number | null;
  /** Validate every this many steps, on the first valChars validation characters. */
  valEvery: number;
  valChars: number;
  /** Seed of the initial weights (and, plus one, of the dropout masks). */
  seed: number;
}

/** One point of a loss curve. */
export interface LossPoint {
  step: number;
  /** Training time (validation excluded) in seconds when the point was taken. */
  seconds: number;
  /** Nats per character. */
  loss: number;
}

/** Where a run stands: enough to continue it exactly. */
export interface Progress {
  step: number;
  /** Training time so far (validation excluded), ms. */
  trainMs: number;
  /** Wall time so far, ms (validation and checkpointing included). */
  wallMs: number;
  /** Mean training loss per logging interval (10 steps), and each validation. */
  trainCurve: LossPoint[];
  /** Training losses since the last point of trainCurve. */
  pending: number[];
  valCurve: LossPoint[];
  /** The dropout generator's state (NaN spare written as null). */
  dropoutRng: (number | null)[];
}

export interface TextgenMeta {
  format: typeof FORMAT;
  version: number;
  vocab: string;
  model: ModelConfig;
  train: TrainConfig;
  progress: Progress;
  /** The last validation loss (nats/char) and on how many characters it was measured. */
  valLoss: number | null;
  valChars: number | null;
  /** The command line that produced the checkpoint. */
  command: string;
}

/** A loaded checkpoint, ready to generate, evaluate or resume. */
export interface LoadedCheckpoint {
  path: string;
  model: CharRNN;
  vocab: Vocabulary;
  meta: TextgenMeta;
  /** Adam's state (absent in a checkpoint saved without it). */
  optimizer?: io.OptimizerStateDict;
  /** The recurrent state of the training streams when the checkpoint was written. */
  carried: RecurrentState | null;
}

const CARRIED_H = 'carried.h';
const CARRIED_C = 'carried.c';

/** The app's folder (src/ or dist/ sit one level below it). */
export function appDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
}

/** The shipped checkpoint for a named corpus: models/<corpus>.safetensors in the app. */
export function shippedCheckpoint(corpus: 'speeches' | 'moby-dick' = 'speeches'): string {
  return path.join(appDir(), 'models', `${corpus}.safetensors`);
}

/** Writes the checkpoint atomically (a crash mid-write keeps the previous file). */
export function saveTextgenCheckpoint(
  file: string,
  parts: { model: CharRNN; vocab: Vocabulary; meta: Omit<TextgenMeta, 'format' | 'version' | 'vocab' | 'model'>; optimizer?: io.OptimizerStateLike; carried?: RecurrentState | null },
): void {
  const tensors: Record<string, Tensor> = { ...parts.model.stateDict() };
  if (parts.carried) {
    const [h, c] = Array.isArray(parts.carried) ? parts.carried : [parts.carried, null];
    tensors[CARRIED_H] = h;
    if (c) tensors[CARRIED_C] = c;
  }
  const meta: TextgenMeta = { format: FORMAT, version: FORMAT_VERSION, vocab: parts.vocab.toJSON(), model: parts.model.config, ...parts.meta };
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  io.saveCheckpoint(file, {
    model: tensors,
    optimizer: parts.optimizer,
    step: meta.progress.step,
    metadata: meta as unknown as Record<string, unknown>,
  });
}

/**
 * Loads and checks a textgen checkpoint. A missing, truncated or corrupt file,
 * or one written by something else, throws core's error naming the file; a
 * model that does not fit its config, a FormatError naming the file and
 * the problem.
 */
export function loadTextgenCheckpoint(file: string): LoadedCheckpoint {
  // a missing, truncated or corrupt file, or one another program wrote, throws core's errors, naming it
  const ckpt = io.loadCheckpoint(file, { format: FORMAT, version: FORMAT_VERSION });
  const m = ckpt.metadata as Partial<TextgenMeta>;
  let vocab: Vocabulary;
  let model: CharRNN;
  try {
    vocab = Vocabulary.fromJSON(m.vocab);
    if (!m.model || typeof m.model !== 'object') throw new Error('the model config is missing');
    checkConfig(m.model);
    if (m.model.vocabSize !== vocab.size) throw new Error(`the model predicts ${m.model.vocabSize} characters but the vocabulary has ${vocab.size}`);
    if (!m.train || !m.progress) throw new Error('the training config or progress is missing');
    model = new CharRNN(m.model, { seed: m.train.seed });
    const { [CARRIED_H]: _h, [CARRIED_C]: _c, ...weights } = ckpt.model;
    model.loadStateDict(weights);
    if (Array.isArray(m.progress.dropoutRng)) model.dropoutGenerator.setState(m.progress.dropoutRng.map((v) => v ?? NaN));
  } catch (e) {
    throw new FormatError(`cannot load checkpoint ${file}: ${(e as Error).message}`);
  }
  const h = ckpt.model[CARRIED_H];
  const c = ckpt.model[CARRIED_C];
  const carried: RecurrentState | null = h ? (c ? [h, c] : h) : null;
  return { path: file, model, vocab, meta: m as TextgenMeta, optimizer: ckpt.optimizer, carried };
}
