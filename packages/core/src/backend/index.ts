import type { Backend } from './backend.js';
import { jsBackend } from './js.js';
import { wasmBackend } from './wasm/index.js';
import { tuneHeap } from '../heap.js';

// once per process, before the first tensor: see heap.ts
tuneHeap();

export type {
  Backend, BinaryOp, ConvGrads, ConvParams, ConvSaved, Im2colParams, LstmForwardOut, LstmGrads, LstmParams, LstmSaved, LstmWeights, MatmulParams, ReduceOp, Resident, UnaryOp,
} from './backend.js';
export { jsBackend } from './js.js';
export { wasmBackend, setNumThreads, getNumThreads, wasmInfo } from './wasm/index.js';

const registry = new Map<string, Backend>([['js', jsBackend], ['wasm', wasmBackend]]);
/**
 * The default backend: WebAssembly SIMD kernels (float32; other dtypes run the
 * reference kernels). NEURONE_BACKEND=js|wasm chooses at startup, setBackend later.
 */
const DEFAULT_BACKEND = 'wasm';
let current: Backend = registry.get(envBackend() ?? DEFAULT_BACKEND) ?? jsBackend;

function envBackend(): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const name = env?.NEURONE_BACKEND;
  if (name === undefined || name === '') return undefined;
  if (!registry.has(name)) throw new Error(`NEURONE_BACKEND: unknown backend '${name}' (available: ${[...registry.keys()].join(', ')})`);
  return name;
}

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
