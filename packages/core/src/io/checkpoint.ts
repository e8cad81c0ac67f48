// Training checkpoints as one safetensors buffer (portable: no Node APIs).
import { FormatError, NeuroneError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { type JsonValue, parseJson, stringifyJson } from './json.js';
import { type TensorMap, decodeSafetensors, encodeSafetensors } from './safetensors.js';

/** A hyperparameter of a param group: `lr`, `betas`, `nesterov`, ... */
export type HyperparameterValue = number | boolean | string | number[];

/**
 * Optimizer state with PyTorch's structure (`optimizer.state_dict()`),
 * camelCased; the same shape as `optim.OptimizerStateDict`.
 */
export interface OptimizerStateDict {
  /** Per-parameter state, keyed by the parameter's index in `paramGroups[*].params`. */
  state: Record<number, Record<string, Tensor | number>>;
  /** Each group's parameter indices and hyperparameters. */
  paramGroups: Array<{ params: number[]; lr: number; [hyperparameter: string]: HyperparameterValue }>;
}

/** What `saveCheckpoint` accepts as optimizer state: any object with that structure. */
export interface OptimizerStateLike {
  readonly state: { readonly [param: number]: object } | ReadonlyMap<number, object>;
  // the second member lets object literals carry hyperparameters; the first accepts any interface
  readonly paramGroups: ReadonlyArray<{ readonly params: readonly number[] } | { readonly params: readonly number[]; readonly [key: string]: unknown }>;
}

/** A training checkpoint as `loadCheckpoint` returns it. */
export interface Checkpoint<O = OptimizerStateDict> {
  /** The model's state dict. */
  model: Record<string, Tensor>;
  optimizer?: O;
  epoch?: number;
  step?: number;
  /** Anything JSON can hold: the command line, metrics, a config. */
  metadata?: Record<string, JsonValue>;
}

/** What `saveCheckpoint` accepts. */
export interface CheckpointInput {
  model: TensorMap;
  optimizer?: OptimizerStateLike;
  epoch?: number;
  step?: number;
  metadata?: Readonly<Record<string, unknown>>;
}

/** The `__metadata__` key that marks a checkpoint, and the layout version it holds. */
const MARKER = 'neurone.checkpoint';
const VERSION = '1';
const MODEL = 'model.';
const OPT_STATE = 'optimizer.state.';

/**
 * Encodes a checkpoint as one safetensors buffer: model tensors under
 * `model.<key>`, optimizer tensors under `optimizer.state.<i>.<name>`, and
 * everything else (param groups, scalar optimizer state, epoch, step, user
 * metadata) as JSON strings in `__metadata__`.
 *
 * Example:
 *   const bytes = serializeCheckpoint({ model: net.stateDict(), optimizer: opt.stateDict(), epoch: 3 });
 */
export function serializeCheckpoint(ckpt: CheckpointInput, op = 'serializeCheckpoint'): Uint8Array {
  if (ckpt === null || typeof ckpt !== 'object') throw new NeuroneError(`${op}: expected { model, optimizer?, epoch?, step?, metadata? }`);
  if (ckpt.model === null || typeof ckpt.model !== 'object') throw new NeuroneError(`${op}: model must be a state dict (named tensors)`);
  const tensors = new Map<string, Tensor>();
  const modelEntries = ckpt.model instanceof Map ? [...ckpt.model.entries()] : Object.entries(ckpt.model);
  for (const [k, t] of modelEntries) tensors.set(MODEL + k, t as Tensor);

  const meta: Record<string, string> = { [MARKER]: VERSION };
  for (const key of ['epoch', 'step'] as const) {
    const v = ckpt[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new NeuroneError(`${op}: ${key} must be a finite number, got ${String(v)}`);
    meta[key] = String(v);
  }
  if (ckpt.metadata !== undefined) meta.metadata = stringifyJson(ckpt.metadata, `${op}: metadata`);
  if (ckpt.optimizer !== undefined) meta.optimizer = encodeOptimizer(ckpt.optimizer, tensors, op);
  return encodeSafetensors(tensors, { metadata: meta }, op);
}

/**
 * Decodes a buffer written by `serializeCheckpoint`; anything else (a plain
 * state dict, a corrupt file) is a FormatError.
 *
 * Example:
 *   const { model, optimizer, epoch } = deserializeCheckpoint(bytes);
 */
export function deserializeCheckpoint<O = OptimizerStateDict>(bytes: Uint8Array, opts: { source?: string } = {}): Checkpoint<O> {
  const source = opts.source ?? 'deserializeCheckpoint';
  const { tensors, metadata } = decodeSafetensors(bytes, source);
  const version = metadata[MARKER];
  if (version === undefined) {
    throw new FormatError(`${source}: not a neurone checkpoint (no "${MARKER}" in __metadata__); use load() for a plain state dict`);
  }
  if (version !== VERSION) throw new FormatError(`${source}: checkpoint layout version ${version} is not supported (this neurone reads ${VERSION})`);

  const out: Checkpoint<O> = { model: {} };
  const optTensors: [number, string, Tensor][] = [];
  for (const [name, t] of Object.entries(tensors)) {
    if (name.startsWith(MODEL)) {
      Object.defineProperty(out.model, name.slice(MODEL.length), { value: t, enumerable: true, writable: true, configurable: true });
      continue;
    }
    const m = name.startsWith(OPT_STATE) ? /^(\d+)\.(.+)$/s.exec(name.slice(OPT_STATE.length)) : null;
    if (m === null) throw new FormatError(`${source}: unexpected tensor "${name}" (a checkpoint holds model.<key> and optimizer.state.<i>.<name>)`);
    optTensors.push([Number(m[1]), m[2]!, t]);
  }
  for (const key of ['epoch', 'step'] as const) {
    if (metadata[key] === undefined) continue;
    const v = Number(metadata[key]);
    if (metadata[key]!.trim() === '' || !Number.isFinite(v)) throw new FormatError(`${source}: ${key} ${JSON.stringify(metadata[key])} is not a number`);
    out[key] = v;
  }
  if (metadata.metadata !== undefined) {
    const m = parseJson(metadata.metadata, `${source}: metadata`);
    if (m === null || typeof m !== 'object' || Array.isArray(m)) throw new FormatError(`${source}: metadata must be a JSON object`);
    out.metadata = m;
  }
  if (metadata.optimizer !== undefined) {
    out.optimizer = decodeOptimizer(metadata.optimizer, optTensors, source) as O;
  } else if (optTensors.length > 0) {
    throw new FormatError(`${source}: optimizer tensors are present but the optimizer entry of __metadata__ is missing`);
  }
  return out;
}

/** Moves the optimizer's tensors into `tensors` and returns the rest as JSON. */
function encodeOptimizer(opt: OptimizerStateLike, tensors: Map<string, Tensor>, op: string): string {
  if (opt === null || typeof opt !== 'object' || !Array.isArray(opt.paramGroups) || opt.state === null || typeof opt.state !== 'object') {
    throw new NeuroneError(`${op}: optimizer must be { state, paramGroups } as optimizer.stateDict() returns it`);
  }
  const entries = opt.state instanceof Map ? [...opt.state.entries()] : Object.entries(opt.state);
  const scalars: Record<string, Record<string, unknown>> = {};
  for (const [key, entry] of entries) {
    const i = String(key);
    if (!/^\d+$/.test(i)) throw new NeuroneError(`${op}: optimizer state keys must be parameter indices (0, 1, ...), got "${i}"`);
    if (entry === null || typeof entry !== 'object') throw new NeuroneError(`${op}: optimizer state ${i} must be an object`);
    const rest: Record<string, unknown> = {};
    for (const [name, v] of Object.entries(entry)) {
      if (v instanceof Tensor) tensors.set(`${OPT_STATE}${i}.${name}`, v);
      else rest[name] = v;
    }
    scalars[i] = rest;
  }
  return stringifyJson({ paramGroups: opt.paramGroups, state: scalars }, `${op}: optimizer`);
}

function decodeOptimizer(text: string, optTensors: [number, string, Tensor][], source: string): OptimizerStateDict {
  const j = parseJson(text, `${source}: optimizer`);
  const obj = j !== null && typeof j === 'object' && !Array.isArray(j) ? j : null;
  const groups = obj?.paramGroups;
  const state = obj?.state;
  if (!Array.isArray(groups) || state === null || typeof state !== 'object' || Array.isArray(state)) {
    throw new FormatError(`${source}: the optimizer entry of __metadata__ must be {"paramGroups": [...], "state": {...}}`);
  }
  for (const [g, group] of groups.entries()) {
    const params = group !== null && typeof group === 'object' && !Array.isArray(group) ? group.params : undefined;
    if (!Array.isArray(params) || !params.every((p) => Number.isInteger(p))) {
      throw new FormatError(`${source}: optimizer paramGroups[${g}].params must be a list of parameter indices`);
    }
  }
  const out: Record<number, Record<string, Tensor | number>> = {};
  for (const [i, entry] of Object.entries(state)) {
    if (!/^\d+$/.test(i) || entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      throw new FormatError(`${source}: optimizer state "${i}" must be an object keyed by a parameter index`);
    }
    out[Number(i)] = { ...(entry as Record<string, number>) };
  }
  for (const [i, name, t] of optTensors) {
    const entry = (out[i] ??= {});
    if (Object.prototype.hasOwnProperty.call(entry, name)) {
      throw new FormatError(`${source}: optimizer state ${i} holds "${name}" both as a tensor and in __metadata__`);
    }
    entry[name] = t;
  }
  return { state: out, paramGroups: groups as OptimizerStateDict['paramGroups'] };
}
