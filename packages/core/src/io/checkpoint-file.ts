// Training checkpoints on disk (Node only).
import { writeFileAtomic } from './atomic.js';
import { type Checkpoint, type CheckpointInput, type OptimizerStateDict, deserializeCheckpoint, serializeCheckpoint } from './checkpoint.js';
import { FormatError } from '../errors.js';
import { readBytes } from './file.js';

/**
 * Saves model state, optimizer state, epoch, step and metadata in ONE
 * `.safetensors` file, atomically (a crash mid-save keeps the previous
 * checkpoint). Layout: see `serializeCheckpoint`.
 *
 * Example:
 *   saveCheckpoint('run/last.safetensors', {
 *     model: model.stateDict(), optimizer: opt.stateDict(), epoch, step, metadata: { valLoss },
 *   });
 */
export function saveCheckpoint(path: string, ckpt: CheckpointInput): void {
  writeFileAtomic(path, serializeCheckpoint(ckpt, 'saveCheckpoint'), 'saveCheckpoint');
}

/** What `loadCheckpoint` checks in a checkpoint's metadata. */
export interface CheckpointExpectation {
  /** The metadata's `format` field must be this (a name for what wrote the file). */
  format: string;
  /** When given, the metadata's `version` field must be this. */
  version?: number;
}

/**
 * Loads a checkpoint written by `saveCheckpoint`. The type parameter names
 * the optimizer-state type your optimizer's `loadStateDict` takes. With
 * `expect`, a file whose metadata does not hold that `format` (and
 * `version`) is refused with a FormatError naming the file, what was
 * expected and what came: put the same two fields in the metadata you save.
 *
 * Example:
 *   saveCheckpoint('run/last.safetensors', { model: model.stateDict(), metadata: { format: 'my-app', version: 2 } });
 *   const ckpt = loadCheckpoint('run/last.safetensors', { format: 'my-app', version: 2 });
 *   model.loadStateDict(ckpt.model);
 *   if (ckpt.optimizer) opt.loadStateDict(ckpt.optimizer);
 *   const startEpoch = (ckpt.epoch ?? -1) + 1;
 */
export function loadCheckpoint<O = OptimizerStateDict>(path: string, expect?: CheckpointExpectation): Checkpoint<O> {
  const ckpt = deserializeCheckpoint<O>(readBytes(path, 'loadCheckpoint'), { source: `loadCheckpoint: ${path}` });
  if (expect) {
    const m = ckpt.metadata ?? {};
    if (m.format !== expect.format) {
      const got = 'format' in m ? `"format": ${JSON.stringify(m.format)}` : 'no "format"';
      throw new FormatError(`loadCheckpoint: ${path}: not a ${expect.format} checkpoint (its metadata has ${got}, expected "${expect.format}")`);
    }
    if (expect.version !== undefined && m.version !== expect.version) {
      throw new FormatError(`loadCheckpoint: ${path}: ${expect.format} version ${JSON.stringify(m.version ?? null)}, expected ${expect.version}`);
    }
  }
  return ckpt;
}
