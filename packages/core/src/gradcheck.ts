import { enableGrad, noGrad } from './autograd.js';
import { zerosLike } from './creation.js';
import { cat } from './ops/indexing.js';
import { flatten } from './ops/shape.js';
import { NeuroneError, fmtShape } from './errors.js';
import { Generator } from './random.js';
import { Tensor } from './tensor.js';

export interface GradcheckOptions {
  /** Finite-difference step. */
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Seed of the random upstream gradient. */
  seed?: number;
}

export interface GradcheckResult {
  /** Largest |analytical - numerical| over all checked elements. */
  maxError: number;
}

/**
 * Compares the gradients autograd computes for `fn` with central finite
 * differences, for every input that requires grad. Use float64 inputs.
 * The output is contracted with a random weight, so every output element's
 * gradient path is checked. Throws a descriptive error on a mismatch.
 *
 * Example:
 *   const x = randn([3, 4], { dtype: 'float64', requiresGrad: true });
 *   gradcheck((x) => x.tanh().sum(1), [x]);
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradcheckOptions = {}): GradcheckResult {
  const eps = opts.eps ?? 1e-6;
  const atol = opts.atol ?? 1e-5;
  const rtol = opts.rtol ?? 1e-3;
  const gen = new Generator(opts.seed ?? 1234);
  for (const x of inputs) {
    if (x.requiresGrad && x.dtype !== 'float64') {
      throw new NeuroneError(`gradcheck: inputs that require grad should be float64 for accurate finite differences, got ${x.dtype}`);
    }
  }
  const out0 = fn(...inputs);
  const w = new Tensor(new Float64Array(out0.size).map(() => gen.uniform(0.5, 1.5) * (gen.random() < 0.5 ? -1 : 1)), out0.shape);
  const objective = (o: Tensor): number => {
    let s = 0;
    for (let i = 0; i < o.size; i++) s += o.data[i]! * w.data[i]!;
    return s;
  };
  for (const x of inputs) x.grad = null;
  if (out0.requiresGrad) out0.backward(w.to(out0.dtype));
  let maxError = 0;
  inputs.forEach((x, k) => {
    if (!x.requiresGrad) return;
    const analytical = x.grad ? x.grad.data : new Float64Array(x.size);
    for (let i = 0; i < x.size; i++) {
      const orig = x.data[i]!;
      const f = (v: number) =>
        noGrad(() => {
          x.data[i] = v;
          return objective(fn(...inputs));
        });
      const numerical = (f(orig + eps) - f(orig - eps)) / (2 * eps);
      x.data[i] = orig;
      const a = analytical[i]!;
      const err = Math.abs(a - numerical);
      maxError = Math.max(maxError, err);
      if (!(err <= atol + rtol * Math.abs(numerical))) {
        throw new NeuroneError(
          `gradcheck: input ${k} (shape ${fmtShape(x.shape)}), element ${i}: analytical ${a} vs numerical ${numerical} (error ${err})`,
        );
      }
    }
  });
  return { maxError };
}

/**
 * Checks second-order gradients (torch.autograd.gradgradcheck): the
 * gradients of `fn`'s output, contracted with a fixed random weight and
 * built with `createGraph`, must equal the plain first-order ones, and are
 * themselves checked by `gradcheck` against finite differences. Inputs'
 * `.grad` are left as they were. Use float64 inputs.
 *
 * Example:
 *   const x = randn([3, 4], { dtype: 'float64', requiresGrad: true });
 *   gradgradcheck((t) => t.tanh().mul(t), [x]);
 */
export function gradgradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradcheckOptions = {}): GradcheckResult {
  const gen = new Generator((opts.seed ?? 1234) + 1);
  const out0 = noGrad(() => fn(...inputs));
  const w = new Tensor(new Float64Array(out0.size).map(() => gen.uniform(0.5, 1.5) * (gen.random() < 0.5 ? -1 : 1)), out0.shape);
  // the gradients of Σ w ⊙ fn(xs) with respect to the inputs that require grad, flattened and joined
  const gradients = (xs: Tensor[], createGraph: boolean): Tensor =>
    enableGrad(() => {
      const saved = xs.map((x) => x.grad);
      for (const x of xs) x.grad = null;
      const out = fn(...xs);
      out.backward(w.to(out.dtype), { createGraph });
      const gs = xs.filter((x) => x.requiresGrad).map((x) => flatten(x.grad ?? zerosLike(x)));
      xs.forEach((x, i) => (x.grad = saved[i]!));
      return cat(gs, 0);
    });
  const plain = gradients(inputs, false);
  const graph = gradients(inputs, true);
  for (let i = 0; i < plain.size; i++) {
    const [a, b] = [graph.data[i]!, plain.data[i]!];
    if (!(Math.abs(a - b) <= 1e-9 * (1 + Math.abs(b)))) {
      throw new NeuroneError(`gradgradcheck: the gradient built with createGraph differs from the plain one at element ${i} of the joined gradients: ${a} vs ${b}`);
    }
  }
  if (!graph.requiresGrad) throw new NeuroneError('gradgradcheck: the gradient built with createGraph does not require grad: the backward is not differentiable');
  return gradcheck((...xs) => gradients(xs, true), inputs, opts);
}
