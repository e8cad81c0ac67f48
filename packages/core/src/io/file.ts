// Safetensors files and state dicts on disk (Node only; the buffer forms live in safetensors.ts).
import * as fs from 'node:fs';
import { NeuroneError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { writeFileAtomic } from './atomic.js';
import { type SafetensorsContent, type SerializeOptions, type TensorMap, decodeSafetensors, encodeSafetensors } from './safetensors.js';

/**
 * Writes tensors to a `.safetensors` file, atomically (temp file, fsync,
 * rename): an interrupted save leaves the previous file intact.
 *
 * Example:
 *   saveFile({ weight: w, bias: b }, 'layer.safetensors', { metadata: { format: 'pt' } });
 *   saveFile({ labels }, 'labels.safetensors', { int64: true });  // int32 written as torch.long
 */
export function saveFile(tensors: TensorMap, path: string, opts: SerializeOptions = {}): void {
  writeFileAtomic(path, encodeSafetensors(tensors, opts, 'saveFile'), 'saveFile');
}

/**
 * Reads a `.safetensors` file: its tensors, `__metadata__`, and the dtype of
 * each tensor in the file. The whole file is checked before anything is
 * returned; a truncated or corrupt file throws a FormatError naming the path.
 *
 * Example:
 *   const { tensors, metadata, dtypes } = loadFile('model.safetensors');
 */
export function loadFile(path: string): SafetensorsContent {
  return decodeSafetensors(readBytes(path, 'loadFile'), `loadFile: ${path}`);
}

export interface SaveOptions {
  /** Extra `__metadata__` entries; `format: 'pt'` is added unless given, as PyTorch tools expect it. */
  metadata?: Readonly<Record<string, string>>;
  /** Write int32 tensors as I64 (torch.long): true for all, or their names. */
  int64?: boolean | readonly string[];
}

/**
 * Saves a state dict (`model.stateDict()`) as `.safetensors`, readable by
 * PyTorch through `safetensors.torch.load_file` (atomic write).
 *
 * Example:
 *   save(model.stateDict(), 'mlp.safetensors');
 *   model.loadStateDict(load('mlp.safetensors'));
 */
export function save(stateDict: TensorMap, path: string, opts: SaveOptions = {}): void {
  const metadata = { format: 'pt', ...opts.metadata };
  writeFileAtomic(path, encodeSafetensors(stateDict, { ...opts, metadata }, 'save'), 'save');
}

/**
 * Loads a state dict saved by `save` (or by PyTorch's safetensors): the
 * tensors by name.
 *
 * Example:
 *   model.loadStateDict(load('mlp.safetensors'));
 */
export function load(path: string): Record<string, Tensor> {
  return decodeSafetensors(readBytes(path, 'load'), `load: ${path}`).tensors;
}

/** @internal The file's bytes; a read failure becomes a NeuroneError naming op and path. */
export function readBytes(path: string, op: string): Uint8Array {
  try {
    return fs.readFileSync(path);
  } catch (e) {
    const err = new NeuroneError(`${op}: cannot read ${path}: ${(e as Error).message}`);
    (err as Error & { cause?: unknown }).cause = e;
    throw err;
  }
}
