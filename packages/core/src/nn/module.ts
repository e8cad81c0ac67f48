import { noGrad } from '../autograd.js';
import { type DType, isFloating } from '../dtype.js';
import { DTypeError, NeuroneError, fmtShape } from '../errors.js';
import { shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import { Parameter } from './parameter.js';

/**
 * A model's state: parameter and persistent buffer values under PyTorch's
 * dotted names (`0.weight`, `encoder.layers.1.bias`), in registration order.
 */
export type StateDict = Record<string, Tensor>;

export interface LoadStateDictOptions {
  /** Require the keys to match exactly (default true). Shape and dtype mismatches are errors either way. */
  strict?: boolean;
}

export interface LoadStateDictResult {
  /** Keys the model has and the state dict lacks (only when `strict` is false). */
  missingKeys: string[];
  /** Keys the state dict has and the model lacks (only when `strict` is false). */
  unexpectedKeys: string[];
}

/** Thrown by `loadStateDict`; lists every problem at once. */
export class StateDictError extends NeuroneError {
  constructor(
    message: string,
    readonly missingKeys: readonly string[],
    readonly unexpectedKeys: readonly string[],
    /** One line per key whose value does not fit: shape or dtype. */
    readonly mismatches: readonly string[],
  ) {
    super(message);
  }
}

type Kind = 'parameter' | 'buffer' | 'module';

const isModuleLike = (v: unknown): v is Module => v instanceof Module;

/**
 * Base class of every layer and model.
 *
 * Registration: a `Parameter` or `Module` stored in one of the instance's own
 * enumerable properties is a parameter or child under that property's name,
 * so `this.fc = new nn.Linear(4, 2)` in a constructor (or a class field) is
 * all it takes. Order is property order: class fields in declaration order,
 * then assignments in execution order (JavaScript puts integer-like names
 * such as `'0'` first, in ascending order). Buffers (tensors that are state
 * but not trained, e.g. running statistics) are declared with
 * `registerBuffer`. `registerParameter` / `registerModule` / `registerBuffer`
 * also accept names that are not identifiers (`'0'`, `'weight_ih_l0'`).
 * The property name is the state-dict key, so a module that follows a
 * PyTorch layer registers under PyTorch's name (`running_mean`) and may add a
 * camelCase getter. Modules and parameters kept in arrays are not found:
 * use `ModuleList` (an array of modules is reported as an error).
 *
 * Example:
 *   class MLP extends nn.Module {
 *     fc1 = new nn.Linear(2, 8);
 *     fc2 = new nn.Linear(8, 1);
 *     forward(x: Tensor): Tensor {
 *       return this.fc2.forward(this.fc1.forward(x).relu());
 *     }
 *   }
 *   const model = new MLP();
 *   Object.keys(model.stateDict()); // ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
 */
export abstract class Module {
  /** True in training mode (the default), false after `eval()`. */
  training = true;
  /** Buffer names, in registration order, with their `persistent` flag. */
  private declare readonly _buffers: Map<string, boolean>;

  constructor() {
    Object.defineProperty(this, '_buffers', { value: new Map<string, boolean>(), enumerable: false, writable: false });
  }

  /** The computation; every subclass defines it. */
  abstract forward(...inputs: any[]): any;

  // ---- registration ----

  /** Adds (or replaces) parameter `name`; null declares an absent one (like a Linear without bias). */
  registerParameter(name: string, param: Parameter | null): void {
    this.checkName('registerParameter', name, 'parameter');
    if (param !== null && !((param as unknown) instanceof Parameter)) {
      throw new DTypeError(
        `registerParameter: '${name}' must be a Parameter or null, got ${describe(param)}` +
          ((param as unknown) instanceof Tensor ? ' (wrap it: new nn.Parameter(t), or use registerBuffer for state that is not trained)' : ''),
      );
    }
    this.define(name, param);
  }

  /**
   * Adds (or replaces) buffer `name`: a tensor that is part of the state but
   * not a parameter. Non-persistent buffers stay out of `stateDict()`.
   */
  registerBuffer(name: string, tensor: Tensor | null, opts: { persistent?: boolean } = {}): void {
    this.checkName('registerBuffer', name, 'buffer');
    if (tensor !== null && !(tensor instanceof Tensor)) {
      throw new DTypeError(`registerBuffer: '${name}' must be a Tensor or null, got ${describe(tensor)}`);
    }
    this._buffers.set(name, opts.persistent ?? true);
    this.define(name, tensor);
  }

  /** Adds (or replaces) child module `name`. */
  registerModule(name: string, module: Module | null): void {
    this.checkName('registerModule', name, 'module');
    if (module !== null && !isModuleLike(module)) {
      throw new DTypeError(`registerModule: '${name}' must be a Module or null, got ${describe(module)}`);
    }
    this.define(name, module);
  }

  /** Alias of `registerModule` (PyTorch's `add_module`). */
  addModule(name: string, module: Module | null): void {
    this.registerModule(name, module);
  }

  private define(name: string, value: unknown): void {
    Object.defineProperty(this, name, { value, writable: true, enumerable: true, configurable: true });
  }

  private checkName(op: string, name: string, kind: Kind): void {
    if (typeof name !== 'string' || name === '') throw new NeuroneError(`${op}: the name must be a non-empty string, got ${JSON.stringify(name)}`);
    if (name.includes('.')) throw new NeuroneError(`${op}: the name cannot contain '.', got '${name}'`);
    const own = Object.getOwnPropertyDescriptor(this, name);
    if (own === undefined) {
      if (name in this) throw new NeuroneError(`${op}: '${name}' is already an attribute of ${this.typeName()} (a method or accessor)`);
      return;
    }
    const v: unknown = own.value;
    const existing = this._buffers.has(name) ? 'buffer' : v instanceof Parameter ? 'parameter' : isModuleLike(v) ? 'module' : null;
    if (existing !== null && existing !== kind) {
      throw new NeuroneError(`${op}: '${name}' is already a ${existing} of ${this.typeName()}`);
    }
    if (existing === null && v !== undefined && v !== null) {
      throw new NeuroneError(`${op}: '${name}' is already an attribute of ${this.typeName()} holding ${describe(v)}`);
    }
  }

  // ---- discovery ----

  /** Own [name, value] pairs in property order, refusing arrays that hide modules. */
  private ownEntries(): Array<[string, unknown]> {
    const out: Array<[string, unknown]> = [];
    for (const k of Object.keys(this)) {
      const v: unknown = (this as Record<string, unknown>)[k];
      if (Array.isArray(v) && v.some((x) => isModuleLike(x) || x instanceof Parameter)) {
        throw new NeuroneError(
          `${this.typeName()}: property '${k}' is an array of modules or parameters, which Module cannot see; ` +
            'wrap it in nn.ModuleList (or register each with registerModule/registerParameter)',
        );
      }
      out.push([k, v]);
    }
    return out;
  }

  /** This module's own parameters (not its children's), by name. */
  private ownParameters(): Array<[string, Parameter]> {
    const out: Array<[string, Parameter]> = [];
    for (const [k, v] of this.ownEntries()) if (v instanceof Parameter && !this._buffers.has(k)) out.push([k, v]);
    return out;
  }

  /** This module's own buffers, by name, with their persistence. */
  private ownBuffers(): Array<[string, Tensor, boolean]> {
    const out: Array<[string, Tensor, boolean]> = [];
    for (const [k, persistent] of this._buffers) {
      const v: unknown = (this as Record<string, unknown>)[k];
      if (v instanceof Tensor) out.push([k, v, persistent]);
    }
    return out;
  }

  /** Direct children with their names (a module stored twice is listed once). */
  namedChildren(): Array<[string, Module]> {
    const seen = new Set<Module>();
    const out: Array<[string, Module]> = [];
    for (const [k, v] of this.ownEntries()) {
      if (isModuleLike(v) && !seen.has(v)) {
        seen.add(v);
        out.push([k, v]);
      }
    }
    return out;
  }

  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and every descendant, pre-order, with dotted names ('' for this one). Each module once. */
  namedModules(prefix = ''): Array<[string, Module]> {
    const out: Array<[string, Module]> = [];
    const seen = new Set<Module>();
    const visit = (m: Module, name: string): void => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([name, m]);
      for (const [k, c] of m.namedChildren()) visit(c, join(name, k));
    };
    visit(this, prefix);
    return out;
  }

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Parameters with dotted names (`0.weight`), each once (tied weights appear under their first name). */
  namedParameters(prefix = '', recurse = true): Array<[string, Parameter]> {
    const mods: Array<[string, Module]> = recurse ? this.namedModules(prefix) : [[prefix, this]];
    const seen = new Set<Parameter>();
    const out: Array<[string, Parameter]> = [];
    for (const [mp, m] of mods) {
      for (const [k, p] of m.ownParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([join(mp, k), p]);
      }
    }
    return out;
  }

  /** Every parameter, each once; pass it to an optimizer. */
  parameters(recurse = true): Parameter[] {
    return this.namedParameters('', recurse).map(([, p]) => p);
  }

  /** Buffers with dotted names, persistent or not. */
  namedBuffers(prefix = '', recurse = true): Array<[string, Tensor]> {
    const mods: Array<[string, Module]> = recurse ? this.namedModules(prefix) : [[prefix, this]];
    const seen = new Set<Tensor>();
    const out: Array<[string, Tensor]> = [];
    for (const [mp, m] of mods) {
      for (const [k, b] of m.ownBuffers()) {
        if (seen.has(b)) continue;
        seen.add(b);
        out.push([join(mp, k), b]);
      }
    }
    return out;
  }

  buffers(recurse = true): Tensor[] {
    return this.namedBuffers('', recurse).map(([, b]) => b);
  }

  /** The submodule at a dotted path (`'encoder.0'`); '' is this module. */
  getSubmodule(target: string): Module {
    let m: Module = this;
    if (target === '') return m;
    let path = '';
    for (const part of target.split('.')) {
      const next: unknown = Object.prototype.hasOwnProperty.call(m, part) ? (m as unknown as Record<string, unknown>)[part] : undefined;
      if (!isModuleLike(next)) throw new NeuroneError(`getSubmodule: ${m.typeName()}${path ? ` at '${path}'` : ''} has no submodule '${part}'`);
      m = next;
      path = join(path, part);
    }
    return m;
  }

  // ---- modes and gradients ----

  /** Sets training mode (true) or evaluation mode (false) here and in every descendant; returns this. */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new DTypeError(`train: mode must be a boolean, got ${describe(mode)}`);
    // through each child's own train(), as PyTorch, so that subclasses can override it
    return guarded(this, () => {
      this.training = mode;
      for (const c of this.children()) c.train(mode);
    });
  }

  /** Evaluation mode: `train(false)`. Dropout stops dropping, normalisation uses running statistics. */
  eval(): this {
    return this.train(false);
  }

  /** Clears every parameter's gradient: sets it to null (default) or fills it with zeros. */
  zeroGrad(setToNone = true): void {
    for (const p of this.parameters()) {
      if (p.grad === null) continue;
      if (setToNone) p.grad = null;
      else p.grad = p.grad.detach().zero_();
    }
  }

  /** Turns gradient tracking of every parameter on or off (freezing); returns this. */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /** Calls `fn` on every descendant (children first, then each parent), e.g. for custom initialisation; returns this. */
  apply(fn: (m: Module) => void): this {
    return guarded(this, () => {
      for (const c of this.children()) c.apply(fn);
      fn(this);
    });
  }

  /**
   * Converts floating-point parameters (in place: the same Parameter objects,
   * so an optimizer already holding them keeps working) and buffers to `dtype`.
   */
  to(dtype: DType): this {
    if (!isFloating(dtype)) throw new DTypeError(`Module.to: only floating dtypes (float32, float64) are supported, got ${String(dtype)}`);
    for (const m of this.modules()) m.castOwn(dtype);
    return this;
  }

  double(): this {
    return this.to('float64');
  }

  float(): this {
    return this.to('float32');
  }

  private castOwn(dtype: DType): void {
    for (const [, p] of this.ownParameters()) {
      if (!isFloating(p.dtype) || p.dtype === dtype) continue;
      p._setData(p.detach().to(dtype).data);
      if (p.grad !== null) p.grad = p.grad.detach().to(dtype);
    }
    for (const [k, b] of this.ownBuffers()) {
      if (isFloating(b.dtype) && b.dtype !== dtype) (this as Record<string, unknown>)[k] = b.detach().to(dtype);
    }
  }

  // ---- state ----

  /** Every (key, tensor) of the state, without de-duplication (tied weights appear under each name). */
  private stateEntries(prefix: string, out: Array<[string, Tensor]>, path: Set<Module>): void {
    if (path.has(this)) return;
    path.add(this);
    for (const [k, p] of this.ownParameters()) out.push([join(prefix, k), p]);
    for (const [k, b, persistent] of this.ownBuffers()) if (persistent) out.push([join(prefix, k), b]);
    for (const [k, c] of this.namedChildren()) c.stateEntries(join(prefix, k), out, path);
    path.delete(this);
  }

  /**
   * Parameters and persistent buffers under PyTorch's dotted keys. The values
   * are detached and share storage with the model.
   *
   * Example:
   *   Object.keys(new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1)).stateDict());
   *   // ['0.weight', '0.bias', '2.weight', '2.bias']
   */
  stateDict(prefix = ''): StateDict {
    const entries: Array<[string, Tensor]> = [];
    this.stateEntries(prefix, entries, new Set());
    const out: StateDict = {};
    for (const [k, t] of entries) out[k] = t.detach();
    return out;
  }

  /**
   * Copies values from `stateDict` into the parameters and buffers, in place.
   * Every problem (missing or unexpected keys when strict, a shape or dtype
   * that does not fit) is reported in one `StateDictError`, and nothing is
   * copied unless all is well. float32 and float64 values convert to the
   * model's dtype, as in PyTorch.
   */
  loadStateDict(stateDict: StateDict | ReadonlyMap<string, Tensor>, opts: LoadStateDictOptions = {}): LoadStateDictResult {
    const strict = opts.strict ?? true;
    if (stateDict === null || typeof stateDict !== 'object') {
      throw new DTypeError(`loadStateDict: expected an object (or Map) of tensors, got ${describe(stateDict)}`);
    }
    const given = new Map<string, unknown>(stateDict instanceof Map ? [...stateDict] : Object.entries(stateDict));
    const entries: Array<[string, Tensor]> = [];
    this.stateEntries('', entries, new Set());
    const own = new Map(entries);
    const missingKeys = [...own.keys()].filter((k) => !given.has(k));
    const unexpectedKeys = [...given.keys()].filter((k) => !own.has(k));
    const mismatches: string[] = [];
    for (const [k, target] of own) {
      if (!given.has(k)) continue;
      const src = given.get(k);
      if (!(src instanceof Tensor)) {
        mismatches.push(`"${k}": expected a Tensor, got ${describe(src)}`);
      } else if (!shapesEqual(src.shape, target.shape)) {
        mismatches.push(`"${k}": shape ${fmtShape(src.shape)} in the state dict, ${fmtShape(target.shape)} in the model`);
      } else if (src.dtype !== target.dtype && !(isFloating(src.dtype) && isFloating(target.dtype))) {
        mismatches.push(`"${k}": dtype ${src.dtype} in the state dict, ${target.dtype} in the model`);
      }
    }
    if (mismatches.length > 0 || (strict && (missingKeys.length > 0 || unexpectedKeys.length > 0))) {
      const lines = [`loadStateDict: error(s) loading the state dict into ${this.typeName()}:`];
      const quote = (ks: string[]) => ks.map((k) => `"${k}"`).join(', ');
      if (strict && missingKeys.length > 0) lines.push(`  missing keys: ${quote(missingKeys)}`);
      if (strict && unexpectedKeys.length > 0) lines.push(`  unexpected keys: ${quote(unexpectedKeys)}`);
      for (const m of mismatches) lines.push(`  ${m}`);
      throw new StateDictError(lines.join('\n'), missingKeys, unexpectedKeys, mismatches);
    }
    noGrad(() => {
      for (const [k, target] of own) {
        const src = given.get(k);
        if (src instanceof Tensor && src.data !== target.data) target.copy_(src);
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  // ---- printing ----

  /** The class name, used in printing and messages. */
  typeName(): string {
    return this.constructor.name;
  }

  /** Extra information printed between the parentheses, e.g. `inFeatures=20, outFeatures=10, bias=true`. */
  extraRepr(): string {
    return '';
  }

  /**
   * PyTorch-style description:
   *   Sequential(
   *     (0): Linear(inFeatures=2, outFeatures=3, bias=true)
   *     (1): ReLU()
   *   )
   */
  toString(): string {
    const extra = this.extraRepr();
    const extraLines = extra === '' ? [] : extra.split('\n');
    const childLines = this.namedChildren().map(([k, c]) => `(${k}): ${indent(c.toString())}`);
    const lines = [...extraLines, ...childLines];
    let body = '';
    if (lines.length === 1 && childLines.length === 0) body = lines[0]!;
    else if (lines.length > 0) body = `\n  ${lines.join('\n  ')}\n`;
    return `${this.typeName()}(${body})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** Modules inside a recursive train()/apply() call: a module that refers back to an ancestor is visited once. */
const visiting = new WeakSet<Module>();

function guarded<M extends Module>(m: M, body: () => void): M {
  if (visiting.has(m)) return m;
  visiting.add(m);
  try {
    body();
  } finally {
    visiting.delete(m);
  }
  return m;
}

function join(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`;
}

function indent(s: string): string {
  return s.split('\n').join('\n  ');
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v instanceof Tensor) return `a Tensor of shape ${fmtShape(v.shape)}`;
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return `an object (${(v as object).constructor?.name ?? 'Object'})`;
  return `${typeof v} ${String(v)}`;
}
