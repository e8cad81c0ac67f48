// Shared by the optim tests: the fixture file and the quadratic problem it uses.
import { Tensor, tensor, optim, type DType } from '../../src/index.js';
import { readJsonFixture } from '../../src/testing/index.js';

export interface OptimizerCase {
  name: string;
  optimizer: 'SGD' | 'Adam' | 'AdamW' | 'RMSprop';
  options: Record<string, unknown>;
  group1: Record<string, unknown>;
  float64: { w: number[][][]; b: number[][] };
  float32: { w: number[][][]; b: number[][] };
}

export interface SchedulerCase {
  name: string;
  scheduler: 'StepLR' | 'ExponentialLR' | 'CosineAnnealingLR' | 'ReduceLROnPlateau' | 'LinearWarmup';
  options: Record<string, unknown>;
  groupLrs: number[];
  steps: number;
  lrs: number[][];
  metrics?: number[];
  after?: { scheduler: SchedulerCase['scheduler']; options: Record<string, unknown> };
}

export interface Problem {
  w0: number[][];
  b0: number[];
  aW: number[][];
  cW: number[][];
  aB: number[];
  cB: number[];
  skipStep: number;
  steps: number;
}

export const fixtures = readJsonFixture<{
  problem: Problem;
  optimizers: OptimizerCase[];
  schedulers: SchedulerCase[];
}>(new URL('../fixtures/optim.json', import.meta.url));

type AnyOptimizerClass = new (params: Iterable<Tensor> | Iterable<{ params: Tensor[] }>, options?: Record<string, unknown>) => optim.Optimizer<{ lr: number }, object>;

/** The optimizer class of a fixture case. */
export function optimizerClass(name: OptimizerCase['optimizer']): AnyOptimizerClass {
  return optim[name] as unknown as AnyOptimizerClass;
}

/** Sets p.grad = a * p + c, computed in p's dtype (the gradient of sum(a/2 p^2 + c p)). */
export function quadraticGrad(p: Tensor, a: Tensor, c: Tensor): void {
  const out = new (p.data.constructor as Float64ArrayConstructor)(p.size);
  for (let i = 0; i < p.size; i++) out[i] = a.data[i]! * p.data[i]! + c.data[i]!;
  p.grad = new Tensor(out, p.shape);
}

/** The fixture problem's parameters and gradient coefficients, in `dtype`. */
export function makeProblem(dtype: DType) {
  const P = fixtures.problem;
  return {
    w: tensor(P.w0, { dtype, requiresGrad: true }),
    b: tensor(P.b0, { dtype, requiresGrad: true }),
    aW: tensor(P.aW, { dtype }),
    cW: tensor(P.cW, { dtype }),
    aB: tensor(P.aB, { dtype }),
    cB: tensor(P.cB, { dtype }),
  };
}
