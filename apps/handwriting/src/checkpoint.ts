// Saving and loading recognizers: one safetensors file with the weights, the
// model config and (for resuming) the optimizer state and training progress.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { io, type optim } from '@neurone/core';
import { CHARSET } from './charset.js';
import { type ModelConfig, type Recognizer, buildModel } from './model.js';

/** The model shipped with the app. */
export const DEFAULT_CHECKPOINT = fileURLToPath(new URL('../models/handwriting.safetensors', import.meta.url));

export interface LoadedModel {
  model: Recognizer;
  /** The checkpoint's metadata (config, training arguments, metrics, ...). */
  metadata: Record<string, unknown>;
  step: number;
  optimizer?: optim.OptimizerStateDict;
}

/** Writes a checkpoint atomically (temporary file + rename). */
export function saveModel(path: string, model: Recognizer, extra: { step?: number; optimizer?: optim.Optimizer; metadata?: Record<string, unknown> } = {}): void {
  io.saveCheckpoint(path, {
    model: model.stateDict(),
    optimizer: extra.optimizer?.stateDict(),
    step: extra.step,
    metadata: { ...extra.metadata, config: model.config, charset: CHARSET },
  });
}

/** Reads a checkpoint and rebuilds its model, in eval mode. */
export function loadModel(path: string): LoadedModel {
  if (!existsSync(path)) throw new Error(`checkpoint: no file '${path}'`);
  const ckpt = io.loadCheckpoint<optim.OptimizerStateDict>(path);
  const meta = (ckpt.metadata ?? {}) as Record<string, unknown>;
  const config = meta.config as ModelConfig | undefined;
  if (config === undefined) throw new Error(`checkpoint: '${path}' holds no model config (was it written by neurone-handwriting train?)`);
  if (meta.charset !== undefined && meta.charset !== CHARSET) throw new Error(`checkpoint: '${path}' was trained on another character set`);
  const model = buildModel(config);
  model.loadStateDict(ckpt.model);
  model.eval();
  return { model, metadata: meta, step: ckpt.step ?? 0, optimizer: ckpt.optimizer };
}
