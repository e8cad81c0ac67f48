// Training checkpoints on disk (Node only).
import { writeFileAtomic } from './atomic.js';
import { type Checkpoint, type CheckpointInput, type OptimizerStateDict, deserializeCheckpoint, serializeCheckpoint } from './checkpoint.js';
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

/**
 * Loads a checkpoint written by `saveCheckpoint`. The type parameter names
 * the optimizer-state type your optimizer's `loadStateDict` takes.
 *
 * Example:
 *   const ckpt = loadCheckpoint('run/last.safetensors');
 *   model.loadStateDict(ckpt.model);
 *   if (ckpt.optimizer) opt.loadStateDict(ckpt.optimizer);
 *   const startEpoch = (ckpt.epoch ?? -1) + 1;
 */
export function loadCheckpoint<O = OptimizerStateDict>(path: string): Checkpoint<O> {
  return deserializeCheckpoint<O>(readBytes(path, 'loadCheckpoint'), { source: `loadCheckpoint: ${path}` });
}
