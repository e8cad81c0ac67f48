// State dicts of LR schedulers: like PyTorch, every field of the scheduler
// except its optimizer (numbers, booleans, strings, arrays of numbers, and the
// state dict of a wrapped scheduler).
import { NeuroneError } from '../../errors.js';

/** A scheduler's state: plain JSON-friendly values. */
export interface SchedulerStateDict {
  [key: string]: number | boolean | string | number[] | null | SchedulerStateDict;
}

/** Something whose state can be saved and restored. */
export interface Stateful {
  stateDict(): SchedulerStateDict;
  loadStateDict(sd: SchedulerStateDict): void;
}

function isStateful(v: unknown): v is Stateful {
  return typeof v === 'object' && v !== null && typeof (v as Stateful).stateDict === 'function' && typeof (v as Stateful).loadStateDict === 'function';
}

/** The fields of `obj` except `optimizer` and `name` (arrays are copied, wrapped schedulers give their own state dict). */
export function collectState(obj: object): SchedulerStateDict {
  const out: SchedulerStateDict = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'optimizer' || k === 'name') continue;
    if (isStateful(v)) out[k] = v.stateDict();
    else if (Array.isArray(v)) out[k] = [...(v as number[])];
    else if (v === null || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') out[k] = v;
  }
  return out;
}

/**
 * Restores the fields saved by `collectState`: each key must be a field of
 * `obj` holding a value of the same kind. Everything is checked before
 * anything is assigned.
 */
export function restoreState(name: string, obj: object, sd: SchedulerStateDict): void {
  if (sd === null || typeof sd !== 'object' || Array.isArray(sd)) {
    throw new NeuroneError(`${name}.loadStateDict: expected a state dict object, got ${sd === null ? 'null' : typeof sd}`);
  }
  const target = obj as Record<string, unknown>;
  const nested: Array<() => void> = [];
  const assign: Array<() => void> = [];
  for (const [k, v] of Object.entries(sd)) {
    if (k === 'optimizer' || k === 'name') continue;
    if (!(k in target)) throw new NeuroneError(`${name}.loadStateDict: unexpected key '${k}' (was it saved from another scheduler?)`);
    const cur = target[k];
    if (isStateful(cur)) {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        throw new NeuroneError(`${name}.loadStateDict: '${k}' should be the state dict of a scheduler, got ${JSON.stringify(v)}`);
      }
      nested.push(() => cur.loadStateDict(v));
      continue;
    }
    if (cur === null || v === null) {
      if (cur !== v) throw new NeuroneError(`${name}.loadStateDict: '${k}' is ${JSON.stringify(v)} in the saved state but ${cur === null ? 'null' : 'set'} here`);
      continue;
    }
    const ok = Array.isArray(cur)
      ? Array.isArray(v) && v.every((x) => typeof x === 'number')
      : typeof cur === typeof v;
    if (!ok) {
      throw new NeuroneError(`${name}.loadStateDict: '${k}' should be ${Array.isArray(cur) ? 'an array of numbers' : `a ${typeof cur}`}, got ${JSON.stringify(v)}`);
    }
    assign.push(() => {
      target[k] = Array.isArray(v) ? [...v] : v;
    });
  }
  // wrapped schedulers validate (and throw) before anything of ours changes
  for (const f of nested) f();
  for (const f of assign) f();
}
