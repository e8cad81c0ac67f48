// The Optimizer base class: parameter groups, per-parameter state, zeroGrad,
// step and PyTorch-shaped state dicts (torch/optim/optimizer.py).
import { enableGrad, setGradEnabled } from '../autograd.js';
import { getBackend } from '../backend/index.js';
import { allocArray, isFloating } from '../dtype.js';
import { DTypeError, NeuroneError, ShapeError, fmtShape } from '../errors.js';
import { Parameter } from '../nn/parameter.js';
import { zerosLike } from '../creation.js';
import { Tensor } from '../tensor.js';

/** A hyperparameter value as it appears in a param group and its state dict. */
export type HyperValue = number | boolean | string | number[];

/** A group of parameters with its own hyperparameters (`lr` is mutable: schedulers change it). */
export type ParamGroup<H extends { lr: number }> = H & {
  params: Tensor[];
  /** The lr a scheduler started from; set by the first scheduler attached. */
  initialLr?: number;
};

/** A param group as given to the constructor: any hyperparameter left out takes the optimizer's default. */
export type ParamGroupInput<H extends { lr: number }> = Partial<H> & {
  params: Iterable<Tensor> | Tensor;
  initialLr?: number;
};

/** What an optimizer is built from: tensors (one group) or param groups. */
export type ParamsInput<H extends { lr: number }> = Iterable<Tensor> | Iterable<ParamGroupInput<H>>;

/**
 * An optimizer's state in PyTorch's structure: parameters are numbered in order
 * across groups; `state` holds, for each parameter that has state, tensors
 * (moment buffers) and numbers (`step`); `paramGroups` holds each group's
 * parameter numbers and hyperparameters.
 */
export interface OptimizerStateDict {
  state: Record<number, Record<string, Tensor | number>>;
  paramGroups: Array<{ params: number[]; lr: number; [key: string]: HyperValue }>;
}

/** The kind of each state entry an optimizer keeps per parameter, for validation. */
export type StateSpec = Record<string, 'tensor' | 'number'>;

/**
 * Base class of every optimizer (PyTorch's `torch.optim.Optimizer`).
 *
 * Subclasses validate a group's hyperparameters, update the parameters of a
 * group in place (on their typed arrays, under noGrad), and describe the
 * per-parameter state they keep.
 *
 * Example:
 *   const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 *   for (const [x, y] of batches) {
 *     opt.zeroGrad();
 *     F.mseLoss(model.forward(x), y).backward();
 *     opt.step();
 *   }
 */
export abstract class Optimizer<H extends { lr: number } = { lr: number }, S extends object = object> {
  /** Hyperparameters a group takes when it does not set them. */
  readonly defaults: Readonly<Partial<H>>;
  /** The parameter groups; hyperparameters (`lr` above all) may be changed between steps. */
  readonly paramGroups: Array<ParamGroup<H>> = [];
  /** Per-parameter state (moment buffers, step counts), created on a parameter's first update. */
  readonly state = new Map<Tensor, S>();
  /** The optimizer's name, used in error messages. */
  protected readonly name: string;

  protected constructor(name: string, params: ParamsInput<H>, defaults: Partial<H>) {
    this.name = name;
    const frozen = Object.entries(defaults).map(([k, v]) => [k, Array.isArray(v) ? Object.freeze([...v]) : v]);
    this.defaults = Object.freeze(Object.fromEntries(frozen)) as Readonly<Partial<H>>;
    if (params instanceof Tensor) {
      throw new NeuroneError(`${name}: params should be an iterable of Tensors or param groups, got a single Tensor (wrap it in an array)`);
    }
    if (params === null || typeof params !== 'object' || typeof (params as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new NeuroneError(`${name}: params should be an iterable of Tensors or param groups, got ${describe(params)}`);
    }
    const list = [...(params as Iterable<Tensor | ParamGroupInput<H>>)];
    if (list.length === 0) throw new NeuroneError(`${name}: got an empty parameter list`);
    const groups: Array<ParamGroupInput<H>> =
      list[0] instanceof Tensor ? [{ params: list as Tensor[] } as unknown as ParamGroupInput<H>] : (list as Array<ParamGroupInput<H>>);
    for (const g of groups) this.addParamGroup(g);
  }

  /**
   * Adds a group of parameters with its own hyperparameters (e.g. to unfreeze
   * layers while training). Missing hyperparameters take the defaults.
   */
  addParamGroup(group: ParamGroupInput<H>): void {
    if (group === null || typeof group !== 'object' || group instanceof Tensor || !('params' in group)) {
      throw new NeuroneError(`${this.name}: a param group must be an object with a 'params' entry, got ${describe(group)}`);
    }
    const raw = group.params;
    if (raw instanceof Set) {
      throw new NeuroneError(`${this.name}: parameters must be in an ordered collection (an array), not a Set`);
    }
    const params = raw instanceof Tensor ? [raw] : [...(raw as Iterable<Tensor>)];
    const gi = this.paramGroups.length;
    params.forEach((p, i) => {
      if (!(p instanceof Tensor)) {
        throw new NeuroneError(`${this.name}: can only optimize Tensors, but parameter ${i} of group ${gi} is ${describe(p)}`);
      }
      if (!isFloating(p.dtype)) {
        throw new DTypeError(`${this.name}: can only optimize floating-point tensors, but parameter ${i} of group ${gi} is ${p.dtype}`);
      }
      if (!p.isLeaf) throw new NeuroneError(`${this.name}: can't optimize a non-leaf Tensor (parameter ${i} of group ${gi}); use a leaf or detach()`);
    });
    if (new Set(params).size !== params.length) {
      throw new NeuroneError(`${this.name}: group ${gi} contains the same parameter more than once`);
    }
    for (const other of this.paramGroups) {
      for (const p of other.params) {
        if (params.includes(p)) throw new NeuroneError(`${this.name}: some parameters appear in more than one parameter group`);
      }
    }
    const merged: Record<string, unknown> = {};
    for (const source of [this.defaults, group]) {
      for (const [k, v] of Object.entries(source)) {
        if (k !== 'params' && v !== undefined) merged[k] = Array.isArray(v) ? [...v] : v;
      }
    }
    merged.params = params;
    const full = merged as ParamGroup<H>;
    this.validateGroup(full);
    this.paramGroups.push(full);
    for (const p of params) keepInBackend(p);
  }

  /**
   * Clears the gradients of every parameter: sets them to null (the default,
   * like PyTorch 2), or to zeros with `{ setToNone: false }`.
   */
  zeroGrad({ setToNone = true }: { setToNone?: boolean } = {}): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (p.grad === null) continue;
        // fresh zeros rather than zeroing in place: a grad may share storage with a tensor the caller holds
        p.grad = setToNone ? null : new Tensor(allocArray(p.grad.dtype, p.grad.size), p.grad.shape);
      }
    }
  }

  /**
   * Performs one update of every parameter that has a gradient (parameters
   * whose `grad` is null are skipped). `closure`, if given, re-evaluates the
   * model and returns the loss; it runs with gradients enabled before the
   * update and its result is returned.
   */
  step<L = undefined>(closure?: () => L): L | undefined {
    const loss = closure === undefined ? undefined : enableGrad(closure);
    const prev = setGradEnabled(false);
    try {
      for (const group of this.paramGroups) this.updateGroup(group);
    } finally {
      setGradEnabled(prev);
    }
    return loss;
  }

  /**
   * A snapshot of the optimizer's state (tensors are copies): parameters
   * numbered in order across groups, per-parameter state, and each group's
   * hyperparameters. Pass it to `loadStateDict` to resume training.
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const paramGroups: OptimizerStateDict['paramGroups'] = [];
    for (const group of this.paramGroups) {
      const packed: Record<string, HyperValue> = {};
      for (const [k, v] of Object.entries(group)) {
        if (k !== 'params' && v !== undefined) packed[k] = Array.isArray(v) ? [...(v as unknown as number[])] : (v as HyperValue);
      }
      packed.params = group.params.map((p) => {
        index.set(p, index.size);
        return index.size - 1;
      });
      paramGroups.push(packed as OptimizerStateDict['paramGroups'][number]);
    }
    const state: OptimizerStateDict['state'] = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i === undefined) continue;
      const entry: Record<string, Tensor | number> = {};
      for (const [k, v] of Object.entries(s)) {
        if (v instanceof Tensor) entry[k] = copyTensor(v, v);
        else if (typeof v === 'number') entry[k] = v;
      }
      state[i] = entry;
    }
    return { state, paramGroups };
  }

  /**
   * Restores a state saved by `stateDict()` (from this optimizer or one built
   * the same way). Groups must match in number and size, every state tensor
   * must have its parameter's shape; group hyperparameters are replaced by the
   * saved ones. State tensors are copied and cast to their parameter's dtype.
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const where = `${this.name}.loadStateDict`;
    if (stateDict === null || typeof stateDict !== 'object' || !Array.isArray(stateDict.paramGroups) || typeof stateDict.state !== 'object' || stateDict.state === null) {
      throw new NeuroneError(`${where}: expected an object with 'state' and 'paramGroups', got ${describe(stateDict)}`);
    }
    const saved = stateDict.paramGroups;
    if (saved.length !== this.paramGroups.length) {
      throw new NeuroneError(`${where}: the saved state has ${saved.length} parameter group(s), this optimizer has ${this.paramGroups.length}`);
    }
    // saved parameter number -> (parameter, its new group)
    const idMap = new Map<number, { param: Tensor; group: ParamGroup<H> }>();
    const newGroups: Array<ParamGroup<H>> = [];
    saved.forEach((sg, gi) => {
      const group = this.paramGroups[gi]!;
      if (sg === null || typeof sg !== 'object' || !Array.isArray(sg.params)) {
        throw new NeuroneError(`${where}: saved parameter group ${gi} has no 'params' array`);
      }
      if (sg.params.length !== group.params.length) {
        throw new NeuroneError(
          `${where}: saved parameter group ${gi} has ${sg.params.length} parameter(s), the optimizer's group ${gi} has ${group.params.length}`,
        );
      }
      const next = { ...(group as Record<string, unknown>) };
      for (const key of Object.keys(this.defaults)) {
        const v = (sg as Record<string, unknown>)[key];
        const cur = (group as Record<string, unknown>)[key];
        if (v === undefined) throw new NeuroneError(`${where}: saved parameter group ${gi} lacks '${key}' (was it saved from another optimizer?)`);
        if (Array.isArray(cur) !== Array.isArray(v) || (!Array.isArray(v) && cur !== undefined && typeof cur !== typeof v)) {
          throw new NeuroneError(`${where}: saved parameter group ${gi} has ${key} = ${JSON.stringify(v)}, expected a ${Array.isArray(cur) ? 'array' : typeof cur}`);
        }
      }
      for (const [k, v] of Object.entries(sg)) {
        if (k !== 'params') next[k] = Array.isArray(v) ? [...v] : v;
      }
      next.params = group.params;
      const ng = next as ParamGroup<H>;
      this.validateGroup(ng);
      newGroups.push(ng);
      sg.params.forEach((id, i) => idMap.set(id, { param: group.params[i]!, group: ng }));
    });
    const newState = new Map<Tensor, S>();
    for (const [key, entry] of Object.entries(stateDict.state)) {
      const target = idMap.get(Number(key));
      if (target === undefined) {
        throw new NeuroneError(`${where}: the saved state has an entry for parameter ${key}, which no saved parameter group lists`);
      }
      const { param, group } = target;
      const spec = this.stateSpec(group);
      const out: Record<string, Tensor | number> = {};
      for (const [k, kind] of Object.entries(spec)) {
        const v = (entry as Record<string, unknown>)[k];
        if (v === undefined) throw new NeuroneError(`${where}: state of parameter ${key} lacks '${k}'`);
        if (kind === 'number') {
          if (typeof v !== 'number') throw new NeuroneError(`${where}: state '${k}' of parameter ${key} should be a number, got ${describe(v)}`);
          out[k] = v;
        } else {
          if (!(v instanceof Tensor)) throw new NeuroneError(`${where}: state '${k}' of parameter ${key} should be a Tensor, got ${describe(v)}`);
          if (v.shape.length !== param.shape.length || v.shape.some((d, j) => d !== param.shape[j])) {
            throw new ShapeError(`${where}: state '${k}' of parameter ${key} has shape ${fmtShape(v.shape)}, expected ${fmtShape(param.shape)}`);
          }
          out[k] = copyTensor(v, param);
        }
      }
      for (const k of Object.keys(entry)) {
        if (!(k in spec)) throw new NeuroneError(`${where}: state of parameter ${key} has an unexpected entry '${k}' (expected ${Object.keys(spec).join(', ') || 'none'})`);
      }
      newState.set(param, out as S);
    }
    // validated: now replace everything at once
    newGroups.forEach((g, i) => {
      this.paramGroups[i] = g;
    });
    this.state.clear();
    for (const [p, s] of newState) this.state.set(p, s);
  }

  /** Checks a group's hyperparameters; throws naming the optimizer and the value. */
  protected abstract validateGroup(group: ParamGroup<H>): void;

  /** Updates, in place, every parameter of `group` that has a gradient (grad recording is off). */
  protected abstract updateGroup(group: ParamGroup<H>): void;

  /** The per-parameter state entries this optimizer keeps for a parameter of `group`. */
  protected abstract stateSpec(group: ParamGroup<H>): StateSpec;

  /** The gradient's typed array, after checking that it matches the parameter. */
  protected gradData(p: Tensor, grad: Tensor): Tensor['data'] {
    let same = grad.size === p.size && grad.shape.length === p.shape.length;
    for (let i = 0; same && i < p.shape.length; i++) same = grad.shape[i] === p.shape[i];
    if (!same) {
      throw new ShapeError(`${this.name}.step: a parameter of shape ${fmtShape(p.shape)} has a grad of shape ${fmtShape(grad.shape)}`);
    }
    return grad.data;
  }
}

/** A copy of `src`'s values with `like`'s dtype. */
function copyTensor(src: Tensor, like: Tensor): Tensor {
  const data = allocArray(like.dtype, src.size);
  data.set(src.data);
  return new Tensor(data, src.shape);
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (x instanceof Tensor) return `a Tensor of shape ${fmtShape(x.shape)}`;
  if (Array.isArray(x)) return 'an array';
  return typeof x === 'object' ? 'an object' : `${typeof x} ${String(x)}`;
}

/**
 * Moves a float32 Parameter's values into the backend's memory for
 * long-lived state (Backend.allocState), where its kernels read and update
 * them in place instead of copying them in at every step. The Parameter stays
 * the same object with the same values; only its storage array changes, as
 * with `Module.to()`.
 */
function keepInBackend(p: Tensor): void {
  if (!(p instanceof Parameter) || p.dtype !== 'float32') return;
  // already in a backend's memory (another optimizer moved it): the only shared float32 storage we make
  if (typeof SharedArrayBuffer === 'function' && p.data.buffer instanceof SharedArrayBuffer) return;
  const kept = getBackend().allocState?.(p.size);
  if (!kept) return;
  kept.set(p.data);
  p._setData(kept);
}

/**
 * A zero state buffer (Adam's moments, SGD's momentum) shaped like p. A
 * float32 one lives where the backend keeps long-lived state
 * (Backend.allocState), so that the update kernel changes it in place instead
 * of copying it in and out at every step.
 */
export function stateBufferLike(p: Tensor): Tensor {
  const kept = p.dtype === 'float32' ? getBackend().allocState?.(p.size) : null;
  return kept ? new Tensor(kept, p.shape) : zerosLike(p);
}
