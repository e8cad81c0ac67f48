import { IndexError, NeuroneError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';

function checkModule(op: string, m: unknown, i: number | string): Module {
  if (!(m instanceof Module)) {
    throw new NeuroneError(`${op}: entry ${JSON.stringify(i)} must be a Module, got ${m === null ? 'null' : typeof m === 'object' ? (m as object).constructor?.name : typeof m}`);
  }
  return m;
}

/** Turns a possibly negative position into 0..n-1, or throws naming `op`. */
function position(op: string, index: number, n: number): number {
  if (!Number.isInteger(index) || index < -n || index >= n) {
    throw new IndexError(`${op}: index ${index} is out of range for ${n} module(s)`);
  }
  return index < 0 ? index + n : index;
}

/** Modules kept under the names '0', '1', … (shared by Sequential and ModuleList). */
abstract class IndexedModules extends Module {
  constructor(modules: readonly Module[]) {
    super();
    modules.forEach((m) => this.append(m));
  }

  /** Number of modules. */
  get length(): number {
    return this.children().length;
  }

  /** Adds a module at the end; returns this. */
  append(module: Module): this {
    const n = this.length;
    this.registerModule(String(n), checkModule(`${this.typeName()}.append`, module, n));
    return this;
  }

  /** Adds modules at the end; returns this. */
  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  /** The module at `index` (negative counts from the end). */
  at(index: number): Module {
    const i = position(`${this.typeName()}.at`, index, this.length);
    return (this as unknown as Record<string, Module>)[String(i)]!;
  }

  /** Inserts `module` before position `index`; returns this. */
  insert(index: number, module: Module): this {
    const mods = this.children();
    const i = index === mods.length ? mods.length : position(`${this.typeName()}.insert`, index, mods.length);
    mods.splice(i, 0, checkModule(`${this.typeName()}.insert`, module, i));
    this.reset(mods);
    return this;
  }

  /** Removes and returns the module at `index` (default: the last). */
  pop(index = -1): Module {
    const mods = this.children();
    const i = position(`${this.typeName()}.pop`, index, mods.length);
    const [m] = mods.splice(i, 1);
    this.reset(mods);
    return m!;
  }

  private reset(mods: Module[]): void {
    for (const [k] of this.namedChildren()) delete (this as unknown as Record<string, unknown>)[k];
    mods.forEach((m, i) => this.registerModule(String(i), m));
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }
}

/**
 * Chains modules: the output of each is the input of the next.
 *
 * Args:
 *   modules: the layers, in order; their state-dict keys start with their
 *     position (`0.weight`). Alternatively one object of named modules
 *     (PyTorch's OrderedDict form), whose names become the keys.
 *
 * Shape: whatever the first layer takes -> whatever the last one returns.
 *
 * Example:
 *   const model = new nn.Sequential(new nn.Linear(20, 64), new nn.ReLU(), new nn.Linear(64, 10));
 *   model.forward(randn([8, 20])).shape; // [8, 10]
 *   const named = new nn.Sequential({ fc: new nn.Linear(4, 2), act: new nn.Tanh() }); // keys 'fc.weight', …
 */
export class Sequential extends IndexedModules {
  constructor(...modules: Module[] | [Record<string, Module>]) {
    const first = modules[0];
    const named = modules.length === 1 && !(first instanceof Module) && typeof first === 'object' && first !== null;
    super(named ? [] : (modules as Module[]));
    if (named) {
      for (const [k, m] of Object.entries(first as Record<string, Module>)) this.registerModule(k, checkModule('Sequential', m, k));
    }
  }

  /** The module at `index`; with names (object form) use `getSubmodule(name)`. */
  override at(index: number): Module {
    const mods = this.children();
    return mods[position('Sequential.at', index, mods.length)]!;
  }

  forward(input: Tensor): Tensor {
    let x = input;
    for (const m of this.children()) x = m.forward(x);
    return x;
  }
}

/**
 * A list of modules whose parameters are registered (a plain array's are not).
 * It has no `forward`: iterate over it in your own.
 *
 * Example:
 *   this.layers = new nn.ModuleList(Array.from({ length: 3 }, () => new nn.Linear(8, 8)));
 *   for (const layer of this.layers) x = layer.forward(x).relu();
 *   // state-dict keys: 'layers.0.weight', 'layers.0.bias', …
 */
export class ModuleList extends IndexedModules {
  constructor(modules: Iterable<Module> = []) {
    super([...modules]);
  }

  forward(): never {
    throw new NeuroneError('ModuleList: has no forward; iterate over its modules in your own forward');
  }
}

/**
 * Modules by name, registered under those names (`dict.encoder.weight`).
 * Names cannot shadow Module's own members (`forward`, `train`, …).
 *
 * Example:
 *   const heads = new nn.ModuleDict({ cls: new nn.Linear(16, 10), box: new nn.Linear(16, 4) });
 *   heads.get('cls').forward(features);
 */
export class ModuleDict extends Module {
  constructor(modules: Record<string, Module> | Iterable<[string, Module]> = {}) {
    super();
    this.update(modules);
  }

  /** The module under `key`; throws if there is none. */
  get(key: string): Module {
    const m = this.namedChildren().find(([k]) => k === key);
    if (m === undefined) throw new IndexError(`ModuleDict.get: no module named '${key}' (have ${this.keys().map((k) => `'${k}'`).join(', ') || 'none'})`);
    return m[1];
  }

  set(key: string, module: Module): this {
    this.registerModule(key, checkModule('ModuleDict.set', module, key));
    return this;
  }

  has(key: string): boolean {
    return this.keys().includes(key);
  }

  /** Removes and returns the module under `key`. */
  pop(key: string): Module {
    const m = this.get(key);
    delete (this as unknown as Record<string, unknown>)[key];
    return m;
  }

  update(modules: Record<string, Module> | Iterable<[string, Module]>): this {
    const entries = Symbol.iterator in Object(modules) ? [...(modules as Iterable<[string, Module]>)] : Object.entries(modules);
    for (const [k, m] of entries) this.set(k, m);
    return this;
  }

  get size(): number {
    return this.namedChildren().length;
  }

  keys(): string[] {
    return this.namedChildren().map(([k]) => k);
  }

  values(): Module[] {
    return this.children();
  }

  entries(): Array<[string, Module]> {
    return this.namedChildren();
  }

  [Symbol.iterator](): Iterator<[string, Module]> {
    return this.namedChildren()[Symbol.iterator]();
  }

  forward(): never {
    throw new NeuroneError('ModuleDict: has no forward; call its modules in your own forward');
  }
}
