// Central finite-difference checks (float64) of every differentiable op, driven
// from one table typed by the op table: an op without a case fails `tsc`.
import { describe, expect, it } from 'vitest';
import {
  Generator, Tensor, add, gradcheck, tensor, uniform, type GradcheckOptions,
} from '../../src/index.js';
import { differentiableOps as op } from '../../src/ops/table.js';

interface GradCase {
  /** What the case exercises (broadcasting, keepdim, ties, ...). */
  label: string;
  /** Fresh float64 inputs; those with requiresGrad are checked. */
  inputs: () => Tensor[];
  fn: (...xs: Tensor[]) => Tensor;
  opts?: GradcheckOptions;
}

let seed = 1;
/** Uniform float64 values in [lo, hi), requiring grad. */
function u(shape: number[], lo = -2, hi = 2): Tensor {
  return uniform(shape, lo, hi, { dtype: 'float64', requiresGrad: true, generator: new Generator(seed++) });
}
/** Values in ±[lo, hi): away from zero, for abs, relu and friends. */
function away(shape: number[], lo = 0.2, hi = 2): Tensor {
  const x = u(shape, lo, hi);
  const g = new Generator(seed++);
  for (let i = 0; i < x.size; i++) if (g.random() < 0.5) x.data[i] = -x.data[i]!;
  return x;
}
/** An exact float64 tensor requiring grad. */
function f64(values: Parameters<typeof tensor>[0]): Tensor {
  return tensor(values, { dtype: 'float64', requiresGrad: true });
}
/** A constant (no grad) tensor. */
function c64(values: Parameters<typeof tensor>[0]): Tensor {
  return tensor(values, { dtype: 'float64' });
}
const i32 = (values: Parameters<typeof tensor>[0]) => tensor(values, { dtype: 'int32' });
const mask = (values: Parameters<typeof tensor>[0]) => tensor(values, { dtype: 'bool' });
/** Joins several outputs into one tensor, weighting each differently. */
const join = (parts: Tensor[]) => op.cat(parts.map((p, i) => p.flatten().mul(i + 1)), 0);

const cases: { [K in keyof typeof op]: GradCase[] } = {
  add: [
    { label: 'broadcast [2,1,3] + [4,1]', inputs: () => [u([2, 1, 3]), u([4, 1])], fn: (a, b) => op.add(a, b) },
    { label: 'tensor + number', inputs: () => [u([3])], fn: (a) => op.add(a, 2.5) },
    { label: 'number + tensor', inputs: () => [u([2, 2])], fn: (a) => op.add(-1, a) },
    { label: 'same input twice', inputs: () => [u([3])], fn: (a) => op.add(a, a) },
  ],
  sub: [
    { label: 'broadcast [3,1] - [1,4]', inputs: () => [u([3, 1]), u([1, 4])], fn: (a, b) => op.sub(a, b) },
    { label: 'number - tensor', inputs: () => [u([2, 3])], fn: (a) => op.sub(2, a) },
    { label: 'only b requires grad', inputs: () => [c64([1, 2, 3]), u([2, 3])], fn: (a, b) => op.sub(a, b) },
  ],
  mul: [
    { label: 'broadcast [2,3,1] * [3,4]', inputs: () => [u([2, 3, 1]), u([3, 4])], fn: (a, b) => op.mul(a, b) },
    { label: 'x * x', inputs: () => [u([4])], fn: (a) => op.mul(a, a) },
    { label: '0-d * [2,2]', inputs: () => [u([]), u([2, 2])], fn: (a, b) => op.mul(a, b) },
  ],
  div: [
    { label: 'broadcast [2,3] / [3]', inputs: () => [u([2, 3]), away([3], 0.5, 2)], fn: (a, b) => op.div(a, b) },
    { label: 'number / tensor', inputs: () => [away([2, 2], 0.5, 2)], fn: (a) => op.div(1, a) },
    { label: 'tensor / number', inputs: () => [u([3])], fn: (a) => op.div(a, 4) },
  ],
  pow: [
    { label: 'tensor ** tensor, broadcast', inputs: () => [u([2, 3], 0.5, 2), u([3], -1.5, 2)], fn: (a, b) => op.pow(a, b) },
    { label: 'x ** 3', inputs: () => [u([2, 3])], fn: (a) => op.pow(a, 3) },
    { label: 'x ** 2.5', inputs: () => [u([4], 0.2, 2)], fn: (a) => op.pow(a, 2.5) },
    { label: 'x ** 0 (zero gradient, even at 0)', inputs: () => [f64([0, 1, -2])], fn: (a) => op.pow(a, 0) },
    { label: 'number ** tensor', inputs: () => [u([3])], fn: (a) => op.pow(2, a) },
    { label: 'tensor ** tensor at a = 0 (b > 0) and b = 0', inputs: () => [f64([0, 1.5]), f64([2, 0])], fn: (a, b) => op.pow(a, b) },
    { label: 'negative base, integer exponents', inputs: () => [f64([-2, -0.5]), c64([3, 2])], fn: (a, b) => op.pow(a, b) },
  ],
  maximum: [
    { label: 'broadcast [2,3] vs [3]', inputs: () => [u([2, 3]), u([3])], fn: (a, b) => op.maximum(a, b) },
    { label: 'ties share the gradient', inputs: () => [f64([[1, 2, 3], [0, 5, -1]]), f64([1, 0, 3])], fn: (a, b) => op.maximum(a, b) },
    { label: 'tensor vs number', inputs: () => [u([5])], fn: (a) => op.maximum(a, 0.25) },
  ],
  minimum: [
    { label: 'broadcast [3,1] vs [1,2]', inputs: () => [u([3, 1]), u([1, 2])], fn: (a, b) => op.minimum(a, b) },
    { label: 'ties share the gradient', inputs: () => [f64([2, -1, 4]), f64([2, 3, 4])], fn: (a, b) => op.minimum(a, b) },
  ],
  neg: [{ label: '[2,3]', inputs: () => [u([2, 3])], fn: (a) => op.neg(a) }],
  exp: [{ label: '[2,3]', inputs: () => [u([2, 3])], fn: (a) => op.exp(a) }],
  expm1: [{ label: '[4]', inputs: () => [u([4])], fn: (a) => op.expm1(a) }],
  log: [{ label: 'positive', inputs: () => [u([2, 3], 0.1, 3)], fn: (a) => op.log(a) }],
  log1p: [{ label: '> -1', inputs: () => [u([5], -0.8, 3)], fn: (a) => op.log1p(a) }],
  sqrt: [{ label: 'positive', inputs: () => [u([5], 0.1, 3)], fn: (a) => op.sqrt(a) }],
  rsqrt: [{ label: 'positive', inputs: () => [u([5], 0.1, 3)], fn: (a) => op.rsqrt(a) }],
  reciprocal: [{ label: 'away from 0', inputs: () => [away([5], 0.3, 3)], fn: (a) => op.reciprocal(a) }],
  sin: [{ label: '[3,2]', inputs: () => [u([3, 2], -4, 4)], fn: (a) => op.sin(a) }],
  cos: [{ label: '[3,2]', inputs: () => [u([3, 2], -4, 4)], fn: (a) => op.cos(a) }],
  abs: [
    { label: 'away from 0', inputs: () => [away([6])], fn: (a) => op.abs(a) },
    { label: 'at 0 the gradient is 0', inputs: () => [f64([0, 1, -1])], fn: (a) => op.abs(a) },
  ],
  square: [{ label: '[2,3]', inputs: () => [u([2, 3])], fn: (a) => op.square(a) }],
  sign: [{ label: 'zero gradient', inputs: () => [away([5])], fn: (a) => op.sign(a) }],
  floor: [{ label: 'zero gradient', inputs: () => [f64([0.3, -1.7, 2.5, 4.1])], fn: (a) => op.floor(a) }],
  ceil: [{ label: 'zero gradient', inputs: () => [f64([0.3, -1.7, 2.5, 4.1])], fn: (a) => op.ceil(a) }],
  round: [{ label: 'zero gradient', inputs: () => [f64([0.3, -1.7, 2.2, 4.9])], fn: (a) => op.round(a) }],
  clamp: [
    { label: 'min and max', inputs: () => [f64([-2, -0.5, 0.1, 0.7, 3])], fn: (a) => op.clamp(a, -1, 0.5) },
    { label: 'min only', inputs: () => [f64([-2, -0.5, 0.1, 3])], fn: (a) => op.clamp(a, 0) },
    { label: 'max only', inputs: () => [f64([-2, -0.5, 0.1, 3])], fn: (a) => op.clamp(a, null, 1) },
  ],
  where: [
    {
      label: 'cond [2,1] broadcast against [3] and [2,3]',
      inputs: () => [u([3]), u([2, 3])],
      fn: (a, b) => op.where(mask([[true], [false]]), a, b),
    },
    { label: 'scalar other', inputs: () => [u([2, 2])], fn: (a) => op.where(mask([true, false]), a, 0.5) },
  ],
  maskedFill: [
    { label: 'mask [3] broadcast over [2,3]', inputs: () => [u([2, 3])], fn: (a) => op.maskedFill(a, mask([true, false, true]), -7) },
  ],
  cast: [
    // float32 rounding needs a wide step
    { label: 'float64 -> float32', inputs: () => [u([4])], fn: (a) => op.cast(a, 'float32'), opts: { eps: 1e-3, atol: 1e-3 } },
  ],
  clone: [{ label: '[2,2]', inputs: () => [u([2, 2])], fn: (a) => op.clone(a) }],
  sum: [
    { label: 'all', inputs: () => [u([2, 3])], fn: (a) => op.sum(a) },
    { label: 'dim 1', inputs: () => [u([2, 3, 2])], fn: (a) => op.sum(a, 1) },
    { label: 'dims [0, -1] keepdim', inputs: () => [u([2, 3, 2])], fn: (a) => op.sum(a, [0, -1], true) },
    { label: 'dim -2 keepdim', inputs: () => [u([3, 4])], fn: (a) => op.sum(a, -2, true) },
  ],
  mean: [
    { label: 'all', inputs: () => [u([2, 3])], fn: (a) => op.mean(a) },
    { label: 'dims [1, 2]', inputs: () => [u([2, 3, 2])], fn: (a) => op.mean(a, [1, 2]) },
    { label: 'dim -1 keepdim', inputs: () => [u([3, 4])], fn: (a) => op.mean(a, -1, true) },
  ],
  prod: [
    { label: 'all, no zeros', inputs: () => [away([2, 3], 0.5, 1.5)], fn: (a) => op.prod(a) },
    { label: 'dim 1 with one zero per row', inputs: () => [f64([[0, 2, 3], [1.5, 0, -2]])], fn: (a) => op.prod(a, 1) },
    { label: 'dim -1 keepdim with two zeros', inputs: () => [f64([[0, 2, 0], [1.5, 0.5, -2]])], fn: (a) => op.prod(a, -1, true) },
  ],
  max: [
    { label: 'all', inputs: () => [u([3, 4])], fn: (a) => op.max(a) },
    { label: 'dim 1 keepdim', inputs: () => [u([2, 3, 2])], fn: (a) => op.max(a, 1, true) },
    { label: 'dim -1 with a two-way tie', inputs: () => [f64([[1, 3, 3], [2, 0, 1]])], fn: (a) => op.max(a, -1) },
    { label: 'all with a tie', inputs: () => [f64([4, 1, 4])], fn: (a) => op.max(a) },
  ],
  min: [
    { label: 'all', inputs: () => [u([3, 4])], fn: (a) => op.min(a) },
    { label: 'dim 0', inputs: () => [u([3, 2])], fn: (a) => op.min(a, 0) },
    { label: 'dim -2 keepdim with a tie', inputs: () => [f64([[-1, 2], [-1, 0.5]])], fn: (a) => op.min(a, -2, true) },
  ],
  var: [
    { label: 'all', inputs: () => [u([3, 4])], fn: (a) => op.var(a) },
    { label: 'dim 1', inputs: () => [u([2, 5])], fn: (a) => op.var(a, 1) },
    { label: 'dims [0, -1] correction 0 keepdim', inputs: () => [u([2, 3, 2])], fn: (a) => op.var(a, [0, -1], { correction: 0, keepdim: true }) },
  ],
  std: [
    { label: 'all', inputs: () => [u([3, 4])], fn: (a) => op.std(a) },
    { label: 'dim -1 correction 0', inputs: () => [u([2, 5])], fn: (a) => op.std(a, -1, { correction: 0 }) },
  ],
  logsumexp: [
    { label: 'dim 1', inputs: () => [u([2, 4])], fn: (a) => op.logsumexp(a, 1) },
    { label: 'dims [-1, 0] keepdim', inputs: () => [u([2, 3, 2])], fn: (a) => op.logsumexp(a, [-1, 0], true) },
    { label: 'large values (no overflow)', inputs: () => [u([3], 700, 702)], fn: (a) => op.logsumexp(a, 0) },
  ],
  matmul: [
    { label: '2-D', inputs: () => [u([3, 4]), u([4, 5])], fn: (a, b) => op.matmul(a, b) },
    { label: 'broadcast batch (2,1,3,4) @ (5,4,2)', inputs: () => [u([2, 1, 3, 4]), u([5, 4, 2])], fn: (a, b) => op.matmul(a, b) },
    { label: 'shared B (2,3,4) @ (4,5)', inputs: () => [u([2, 3, 4]), u([4, 5])], fn: (a, b) => op.matmul(a, b) },
    { label: 'shared A (3,4) @ (2,4,5)', inputs: () => [u([3, 4]), u([2, 4, 5])], fn: (a, b) => op.matmul(a, b) },
    { label: 'batch (2,3,4) @ (2,4,2)', inputs: () => [u([2, 3, 4]), u([2, 4, 2])], fn: (a, b) => op.matmul(a, b) },
    { label: 'expanded A (1,3,2) @ (4,2,2)', inputs: () => [u([1, 3, 2]), u([4, 2, 2])], fn: (a, b) => op.matmul(a, b) },
    { label: '1-D @ 2-D', inputs: () => [u([4]), u([4, 3])], fn: (a, b) => op.matmul(a, b) },
    { label: '2-D @ 1-D', inputs: () => [u([3, 4]), u([4])], fn: (a, b) => op.matmul(a, b) },
    { label: '1-D @ 1-D', inputs: () => [u([4]), u([4])], fn: (a, b) => op.matmul(a, b) },
    { label: '1-D @ batched (2,4,3)', inputs: () => [u([4]), u([2, 4, 3])], fn: (a, b) => op.matmul(a, b) },
    { label: 'only B requires grad', inputs: () => [c64([[1, 2], [3, 4]]), u([2, 3])], fn: (a, b) => op.matmul(a, b) },
  ],
  reshape: [
    { label: '[2,6] -> [3,-1,2]', inputs: () => [u([2, 6])], fn: (a) => op.reshape(a, [3, -1, 2]) },
    { label: 'to 0-d', inputs: () => [u([1, 1])], fn: (a) => op.reshape(a, []) },
  ],
  flatten: [
    { label: 'dims 1..2', inputs: () => [u([2, 3, 2, 2])], fn: (a) => op.flatten(a, 1, 2) },
    { label: 'all, negative dims', inputs: () => [u([2, 3])], fn: (a) => op.flatten(a, -2, -1) },
  ],
  squeeze: [
    { label: 'all', inputs: () => [u([1, 3, 1, 2])], fn: (a) => op.squeeze(a) },
    { label: 'dim -2', inputs: () => [u([3, 1, 2])], fn: (a) => op.squeeze(a, -2) },
  ],
  unsqueeze: [
    { label: 'dim -1', inputs: () => [u([2, 3])], fn: (a) => op.unsqueeze(a, -1) },
    { label: 'dim 0', inputs: () => [u([3])], fn: (a) => op.unsqueeze(a, 0) },
  ],
  permute: [{ label: '[2,0,1] with -1', inputs: () => [u([2, 3, 4])], fn: (a) => op.permute(a, [-1, 0, 1]) }],
  transpose: [{ label: '(0, -1)', inputs: () => [u([2, 3, 4])], fn: (a) => op.transpose(a, 0, -1) }],
  t: [{ label: '2-D', inputs: () => [u([2, 3])], fn: (a) => op.t(a) }],
  expand: [
    { label: '[3,1] -> [2,3,4]', inputs: () => [u([3, 1])], fn: (a) => op.expand(a, [2, 3, 4]) },
    { label: '-1 keeps a dim', inputs: () => [u([1, 3])], fn: (a) => op.expand(a, [2, -1]) },
  ],
  broadcastTo: [{ label: '[3] -> [2,3]', inputs: () => [u([3])], fn: (a) => op.broadcastTo(a, [2, 3]) }],
  narrow: [
    { label: 'dim -1 start -3', inputs: () => [u([2, 5])], fn: (a) => op.narrow(a, -1, -3, 2) },
    { label: 'dim 0', inputs: () => [u([4, 2])], fn: (a) => op.narrow(a, 0, 1, 2) },
  ],
  select: [{ label: 'dim 1 index -1', inputs: () => [u([2, 3, 2])], fn: (a) => op.select(a, 1, -1) }],
  slice: [
    { label: 'step 2', inputs: () => [u([2, 7])], fn: (a) => op.slice(a, 1, 1, -1, 2) },
    { label: 'step 1, negative start', inputs: () => [u([5, 2])], fn: (a) => op.slice(a, 0, -3) },
  ],
  pad: [
    { label: 'last two dims, value', inputs: () => [u([2, 2, 3])], fn: (a) => op.pad(a, [1, 2, 0, 1], 0.5) },
  ],
  cat: [
    { label: 'dim 1, three inputs', inputs: () => [u([2, 1]), u([2, 3]), u([2, 2])], fn: (a, b, c) => op.cat([a, b, c], 1) },
    { label: 'dim -1 with a constant', inputs: () => [u([3, 2]), c64([[1], [2], [3]])], fn: (a, b) => op.cat([a, b], -1) },
  ],
  stack: [
    { label: 'dim 1', inputs: () => [u([2, 3]), u([2, 3])], fn: (a, b) => op.stack([a, b], 1) },
    { label: 'dim -1', inputs: () => [u([3]), u([3]), u([3])], fn: (a, b, c) => op.stack([a, b, c], -1) },
  ],
  split: [
    { label: 'size 2 along dim 1', inputs: () => [u([2, 5])], fn: (a) => join(op.split(a, 2, 1)) },
    { label: 'sections [1, 3] along dim -1', inputs: () => [u([3, 4])], fn: (a) => join(op.split(a, [1, 3], -1)) },
  ],
  chunk: [{ label: '3 chunks of 7', inputs: () => [u([7, 2])], fn: (a) => join(op.chunk(a, 3, 0)) }],
  indexSelect: [
    { label: 'repeated indices accumulate', inputs: () => [u([4, 3])], fn: (a) => op.indexSelect(a, 0, i32([3, 0, 3, 1])) },
    { label: 'dim -1, list index', inputs: () => [u([2, 4])], fn: (a) => op.indexSelect(a, -1, [2, 2, 0]) },
  ],
  gather: [
    { label: 'dim 1, repeated', inputs: () => [u([2, 4])], fn: (a) => op.gather(a, 1, i32([[0, 0, 3], [1, 2, 1]])) },
    { label: 'dim 0, smaller index', inputs: () => [u([3, 3])], fn: (a) => op.gather(a, 0, i32([[2, 0], [2, 1]])) },
  ],
  scatterAdd: [
    {
      label: 'dim 1, both inputs, src larger than index',
      inputs: () => [u([2, 4]), u([2, 3])],
      fn: (a, s) => op.scatterAdd(a, 1, i32([[0, 0], [3, 1]]), s),
    },
    { label: 'dim -2', inputs: () => [u([3, 2]), u([2, 2])], fn: (a, s) => op.scatterAdd(a, -2, i32([[2, 0], [2, 2]]), s) },
  ],
  relu: [{ label: 'away from 0', inputs: () => [away([2, 4])], fn: (a) => op.relu(a) }],
  leakyRelu: [
    { label: 'slope 0.2', inputs: () => [away([2, 4])], fn: (a) => op.leakyRelu(a, 0.2) },
    { label: 'default slope', inputs: () => [away([5])], fn: (a) => op.leakyRelu(a) },
  ],
  elu: [{ label: 'alpha 1.5', inputs: () => [away([2, 4])], fn: (a) => op.elu(a, 1.5) }],
  gelu: [{ label: '[2,4]', inputs: () => [u([2, 4], -4, 4)], fn: (a) => op.gelu(a) }],
  silu: [{ label: '[2,4]', inputs: () => [u([2, 4], -4, 4)], fn: (a) => op.silu(a) }],
  sigmoid: [{ label: '[2,4]', inputs: () => [u([2, 4], -6, 6)], fn: (a) => op.sigmoid(a) }],
  tanh: [{ label: '[2,4]', inputs: () => [u([2, 4])], fn: (a) => op.tanh(a) }],
  softplus: [
    { label: '[2,4]', inputs: () => [u([2, 4], -5, 5)], fn: (a) => op.softplus(a) },
    { label: 'above the threshold of 20', inputs: () => [f64([25, 19])], fn: (a) => op.softplus(a) },
  ],
  softmax: [
    { label: 'dim -1', inputs: () => [u([2, 4])], fn: (a) => op.softmax(a, -1) },
    { label: 'dim 0 of 3-D', inputs: () => [u([3, 2, 2])], fn: (a) => op.softmax(a, 0) },
  ],
  logSoftmax: [
    { label: 'dim 1', inputs: () => [u([2, 4])], fn: (a) => op.logSoftmax(a, 1) },
    { label: 'dim -2 of 3-D', inputs: () => [u([2, 3, 2])], fn: (a) => op.logSoftmax(a, -2) },
  ],
  dropout: [
    // a fresh generator with one seed per call keeps the mask fixed across the finite differences
    { label: 'p 0.4', inputs: () => [u([4, 5])], fn: (a) => op.dropout(a, 0.4, { generator: new Generator(3) }) },
  ],
  conv1d: [
    {
      label: 'stride 2, padding 1, bias',
      inputs: () => [u([2, 3, 7]), u([2, 3, 3]), u([2])],
      fn: (x, w, b) => op.conv1d(x, w, b, { stride: 2, padding: 1 }),
    },
  ],
  conv2d: [
    {
      label: 'stride 2, padding 1, bias',
      inputs: () => [u([2, 3, 5, 5]), u([4, 3, 3, 3]), u([4])],
      fn: (x, w, b) => op.conv2d(x, w, b, { stride: 2, padding: 1 }),
    },
    {
      label: 'groups 2, dilation 2, same padding, unbatched',
      inputs: () => [u([4, 5, 5]), u([2, 2, 2, 3])],
      fn: (x, w) => op.conv2d(x, w, null, { groups: 2, dilation: 2, padding: 'same' }),
    },
  ],
  convTranspose2d: [
    {
      label: 'stride 2, padding 1, outputPadding 1, bias',
      inputs: () => [u([1, 2, 3, 3]), u([2, 3, 3, 3]), u([3])],
      fn: (x, w, b) => op.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }),
    },
  ],
  unfold: [{ label: 'kernel 2, padding 1, stride 2', inputs: () => [u([1, 2, 4, 4])], fn: (x) => op.unfold(x, 2, { padding: 1, stride: 2 }) }],
  fold: [{ label: 'overlapping blocks add up', inputs: () => [u([1, 8, 4])], fn: (x) => op.fold(x, [3, 3], 2) }],
};

describe('gradients (float64 central finite differences)', () => {
  it('has at least one case for every differentiable op', () => {
    for (const name of Object.keys(op)) {
      expect((cases as Record<string, GradCase[] | undefined>)[name]?.length ?? 0, name).toBeGreaterThan(0);
    }
  });

  const rows = Object.entries(cases).flatMap(([name, list]) => (list as GradCase[]).map((c) => [name, c.label, c] as const));
  it.each(rows)('%s: %s', (_name, _label, c) => {
    const xs = c.inputs();
    expect(xs.some((x) => x.requiresGrad)).toBe(true);
    const out = c.fn(...xs);
    expect(out.requiresGrad).toBe(true);
    const { maxError } = gradcheck(c.fn, xs, c.opts);
    expect(maxError).toBeLessThan(c.opts?.atol ?? 1e-5);
  }, 60_000);

  it('catches a wrong gradient (the check can fail)', () => {
    // exp's value with relu's gradient
    const bad = (a: Tensor) => add(op.relu(a), op.exp(a).detach().sub(op.relu(a).detach()));
    expect(() => gradcheck(bad, [u([3])])).toThrow(/gradcheck: input 0/);
  });
});
