// Parameter bookkeeping for transfer learning: counting, freezing, unfreezing.
import { NeuroneError, nn } from '@neurone/core';

function checkModule(op: string, m: unknown): asserts m is nn.Module {
  if (!(m instanceof nn.Module)) throw new NeuroneError(`${op}: expected a Module, got ${m === null ? 'null' : typeof m}`);
}

/**
 * Number of parameter elements (each shared parameter once); with
 * `trainableOnly`, only those that require a gradient.
 *
 * Example:
 *   countParameters(new nn.Linear(20, 10)); // 210
 *   countParameters(lenet5());              // 61,706
 */
export function countParameters(module: nn.Module, opts: { trainableOnly?: boolean } = {}): number {
  checkModule('countParameters', module);
  return module.parameters().filter((p) => !opts.trainableOnly || p.requiresGrad).reduce((n, p) => n + p.size, 0);
}

/**
 * Stops gradients for every parameter of `module` (e.g. a pretrained feature
 * extractor); returns it. Its layers keep their training mode: call `eval()`
 * too to freeze BatchNorm's running statistics.
 *
 * Example:
 *   freeze(model.features);
 *   const opt = new optim.Adam(trainableParameters(model), { lr: 1e-3 });
 */
export function freeze<M extends nn.Module>(module: M): M {
  checkModule('freeze', module);
  for (const p of module.parameters()) {
    p.requiresGrad_(false);
    p.grad = null;
  }
  return module;
}

/** Lets gradients flow again to every parameter of `module`; returns it. */
export function unfreeze<M extends nn.Module>(module: M): M {
  checkModule('unfreeze', module);
  for (const p of module.parameters()) p.requiresGrad_(true);
  return module;
}

/** The parameters that require a gradient: what an optimizer should update after `freeze`. */
export function trainableParameters(module: nn.Module): nn.Parameter[] {
  checkModule('trainableParameters', module);
  return module.parameters().filter((p) => p.requiresGrad);
}
