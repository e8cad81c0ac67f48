// TensorFlow.js, the JavaScript peer: tfjs-core with its `cpu` (plain JS) and
// `wasm` (XNNPACK) backends in this process, and helpers the workloads share
// (PyTorch-like initialisation, a training step with optional clipping).
import { createRequire } from 'node:module';
import { Unavailable, type Prepared } from './types.js';

const require = createRequire(import.meta.url);
export type Tf = typeof import('@tensorflow/tfjs-core');
type Variable = import('@tensorflow/tfjs-core').Variable;
type Tensor = import('@tensorflow/tfjs-core').Tensor;
type Optimizer = import('@tensorflow/tfjs-core').Optimizer;

export interface TfInfo {
  version: string;
  backends: Array<'wasm' | 'cpu'>;
  wasmSimd?: boolean;
  wasmThreads?: boolean;
  errors: string[];
}

let loaded: { tf: Tf; info: TfInfo } | null = null;

/**
 * Loads tfjs-core and registers both backends (CommonJS, so that the backends
 * and the harness share one tfjs-core instance). Null when not installed.
 */
export async function loadTf(wanted: Array<'wasm' | 'cpu'>): Promise<{ tf: Tf; info: TfInfo } | null> {
  if (loaded) return loaded;
  let tf: Tf;
  try {
    tf = require('@tensorflow/tfjs-core') as Tf;
    require('@tensorflow/tfjs-backend-cpu');
    require('@tensorflow/tfjs-backend-wasm');
  } catch {
    return null;
  }
  const errors: string[] = [];
  try {
    // tfjs-core's Node bundle has no gradients (the @tensorflow/tfjs union
    // package adds them); this ES-module file registers them all into tfjs's
    // global registry. Its imports have no file extensions, which Node's
    // loader refuses: tsx loads it, scoped to this one import so that the
    // rest of the bench (neurone included) runs as plain Node modules.
    const { require: tsxRequire } = await import('tsx/cjs/api');
    tsxRequire('@tensorflow/tfjs-core/dist/register_all_gradients', import.meta.url);
  } catch (e) {
    errors.push(`tfjs gradients not registered (training rows will fail): ${(e as Error).message}`);
  }
  // Production mode: no debug checks (and no "install tfjs-node" banner).
  tf.enableProdMode();
  const info: TfInfo = { version: tf.version_core, backends: [], errors };
  for (const b of wanted) {
    try {
      if (await tf.setBackend(b)) {
        await tf.ready();
        info.backends.push(b);
      } else info.errors.push(`tfjs-${b}: backend failed to initialise`);
    } catch (e) {
      info.errors.push(`tfjs-${b}: ${(e as Error).message}`);
    }
  }
  if (info.backends.includes('wasm')) {
    info.wasmSimd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    info.wasmThreads = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  }
  loaded = { tf, info };
  return loaded;
}

/** A missing-kernel error from tfjs as a "cannot" cell, other errors unchanged. */
export function classifyTfError(e: unknown): unknown {
  const msg = e instanceof Error ? e.message : String(e);
  const m = /Kernel '(\w+)' not registered for backend '(\w+)'/.exec(msg);
  if (m) return new Unavailable('cannot', `tfjs-${m[2]} has no ${m[1]} kernel`);
  return e;
}

/** Throws `cannot` up front when the active backend lacks one of the kernels. */
export function requireKernels(tf: Tf, ...kernels: string[]): void {
  const backend = tf.getBackend();
  const missing = kernels.filter((k) => tf.getKernel(k, backend) === undefined);
  if (missing.length > 0) throw new Unavailable('cannot', `tfjs-${backend} has no ${missing.join(', ')} kernel${missing.length > 1 ? 's' : ''}`);
}

/** Tracks what a workload allocates so that `dispose()` frees all of it. */
export class TfScope {
  readonly vars: Variable[] = [];
  readonly tensors: Tensor[] = [];
  readonly optimizers: Optimizer[] = [];
  constructor(readonly tf: Tf) {}

  /** A trainable variable with values uniform in [-bound, bound] (PyTorch's default init for Linear/Conv/RNN). */
  param(shape: number[], bound: number): Variable {
    return this.paramFrom(this.tf.randomUniform(shape, -bound, bound));
  }

  /** A trainable variable holding `init` (which it takes over: init is disposed). */
  paramFrom(init: Tensor): Variable {
    const v = this.tf.variable(init, true);
    init.dispose();
    this.vars.push(v);
    return v;
  }

  /** A constant input kept for the whole run. */
  keep<T extends Tensor>(t: T): T {
    this.tensors.push(t);
    return t;
  }

  opt<O extends Optimizer>(o: O): O {
    this.optimizers.push(o);
    return o;
  }

  dispose(): void {
    for (const o of this.optimizers) o.dispose();
    for (const v of this.vars) v.dispose();
    for (const t of this.tensors) t.dispose();
  }
}

/** Linear layer parameters as PyTorch initialises them; weight stored (in, out) for x @ W. */
export function linear(s: TfScope, fanIn: number, fanOut: number): { w: Variable; b: Variable } {
  const bound = 1 / Math.sqrt(fanIn);
  return { w: s.param([fanIn, fanOut], bound), b: s.param([fanOut], bound) };
}

export function applyLinear(tf: Tf, x: Tensor, l: { w: Variable; b: Variable }): Tensor {
  return tf.add(tf.matMul(x, l.w), l.b);
}

/**
 * One optimizer step on `loss` w.r.t. every variable of the scope, with the
 * loss read back (tfjs returns before a lazy backend finishes otherwise).
 * `clipNorm` rescales the gradients to that global L2 norm, like
 * torch.nn.utils.clip_grad_norm_.
 */
export function trainStep(s: TfScope, optimizer: Optimizer, loss: () => import('@tensorflow/tfjs-core').Scalar, clipNorm?: number): Prepared {
  const { tf } = s;
  const step = () => {
    const cost = tf.tidy(() => {
      if (clipNorm === undefined) return optimizer.minimize(loss, true, s.vars)!;
      const { value, grads } = tf.variableGrads(loss, s.vars);
      const names = Object.keys(grads);
      const total = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n]!)))));
      const scale = tf.minimum(tf.scalar(1), tf.div(tf.scalar(clipNorm), tf.add(total, 1e-6)));
      const clipped: Record<string, Tensor> = {};
      for (const n of names) clipped[n] = tf.mul(grads[n]!, scale);
      optimizer.applyGradients(clipped as never);
      return value;
    });
    cost.dataSync();
    cost.dispose();
  };
  return { step: guard(step), dispose: () => s.dispose() };
}

/** A step whose missing-kernel errors become "cannot" cells. */
export function guard(step: () => void): () => void {
  return () => {
    try {
      step();
    } catch (e) {
      throw classifyTfError(e);
    }
  };
}
