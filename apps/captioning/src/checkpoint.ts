// Checkpoints: one safetensors file (core's io.saveCheckpoint, written
// atomically) with the weights, Adam's state, and in its metadata the
// vocabulary, the model and training configs and the progress.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FormatError, io } from '@neurone/core';
import { Captioner, checkConfig, type ModelConfig } from './model.js';
import { Vocabulary } from './vocab.js';

export const FORMAT = 'neurone-captioning';
export const FORMAT_VERSION = 1;

export interface TrainConfig {
  batch: number;
  lr: number;
  /** Learning rate of the encoder once unfrozen. */
  encoderLr: number;
  /** Weight of the doubly stochastic attention penalty. */
  alphaC: number;
  clip: number;
  /** Optimizer steps of each phase: presence pre-training, captioning with the encoder frozen, then unfrozen. */
  pretrainSteps: number;
  frozenSteps: number;
  finetuneSteps: number;
  /** Training scenes (seeds 0..n-1 of the train split). */
  trainScenes: number;
  valScenes: number;
  valEvery: number;
  seed: number;
}

export type Phase = 'pretrain' | 'frozen' | 'finetune' | 'done';

export interface Progress {
  phase: Phase;
  /** Steps done in the current phase. */
  phaseStep: number;
  /** Total optimizer steps. */
  step: number;
  trainMs: number;
  wallMs: number;
  /** (step, loss) of recent training and validation. */
  trainCurve: Array<[number, number]>;
  valCurve: Array<[number, number]>;
  dropoutRng: (number | null)[];
}

export interface Metrics {
  bleu: [number, number, number, number];
  cider: number;
  objectAccuracy: number;
  scenes: number;
  split: string;
}

export interface CaptionMeta {
  format: typeof FORMAT;
  version: number;
  vocab: string[];
  model: ModelConfig;
  train: TrainConfig;
  progress: Progress;
  val: Metrics | null;
  command: string;
}

export interface LoadedCheckpoint {
  path: string;
  model: Captioner;
  vocab: Vocabulary;
  meta: CaptionMeta;
  optimizer?: io.OptimizerStateDict;
}

/** The app's folder (src/ or dist/ sit one level below it). */
export function appDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
}

/** The shipped model. */
export function shippedCheckpoint(): string {
  return path.join(appDir(), 'models', 'captioner.safetensors');
}

export function saveCaptionCheckpoint(
  file: string,
  parts: { model: Captioner; vocab: Vocabulary; meta: Omit<CaptionMeta, 'format' | 'version' | 'vocab' | 'model'>; optimizer?: io.OptimizerStateLike },
): void {
  const meta: CaptionMeta = { format: FORMAT, version: FORMAT_VERSION, vocab: parts.vocab.toJSON(), model: parts.model.config, ...parts.meta };
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  io.saveCheckpoint(file, { model: parts.model.stateDict(), optimizer: parts.optimizer, step: meta.progress.step, metadata: meta as unknown as Record<string, unknown> });
}

/**
 * Loads and checks a captioning checkpoint. A missing, truncated or corrupt
 * file, or one written by something else, throws core's error naming the
 * file; a model that does not fit its config, a FormatError naming the
 * file and the problem.
 */
export function loadCaptionCheckpoint(file: string): LoadedCheckpoint {
  // a missing, truncated or corrupt file, or one another program wrote, throws core's errors, naming it
  const ckpt = io.loadCheckpoint(file, { format: FORMAT, version: FORMAT_VERSION });
  const m = ckpt.metadata as Partial<CaptionMeta>;
  try {
    const vocab = Vocabulary.fromJSON(m.vocab);
    if (!m.model) throw new Error('the model config is missing');
    checkConfig(m.model);
    if (m.model.vocabSize !== vocab.size) throw new Error(`the model predicts ${m.model.vocabSize} words but the vocabulary has ${vocab.size}`);
    const model = new Captioner(m.model, { seed: m.train?.seed ?? 0 });
    model.loadStateDict(ckpt.model);
    if (Array.isArray(m.progress?.dropoutRng)) model.dropoutGenerator.setState(m.progress.dropoutRng.map((v) => v ?? NaN));
    model.eval();
    return { path: file, model, vocab, meta: m as CaptionMeta, optimizer: ckpt.optimizer };
  } catch (e) {
    throw new FormatError(`cannot load checkpoint ${file}: ${(e as Error).message}`);
  }
}
