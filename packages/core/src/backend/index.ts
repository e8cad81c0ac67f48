import type { Backend } from './backend.js';
import { jsBackend } from './js.js';

export type { Backend, BinaryOp, MatmulParams, ReduceOp, UnaryOp } from './backend.js';
export { jsBackend } from './js.js';

const registry = new Map<string, Backend>([['js', jsBackend]]);
let current: Backend = jsBackend;

/** Makes a backend available to `setBackend` under its name. */
export function registerBackend(backend: Backend): void {
  registry.set(backend.name, backend);
}

/** Chooses the backend that runs every kernel from now on. */
export function setBackend(name: string): void {
  const b = registry.get(name);
  if (!b) throw new Error(`setBackend: unknown backend '${name}' (available: ${[...registry.keys()].join(', ')})`);
  current = b;
}

export function getBackend(): Backend {
  return current;
}

/** The names `setBackend` accepts. */
export function listBackends(): string[] {
  return [...registry.keys()];
}
