// Every public op, sorted by whether it has a gradient. The tests are driven
// from these tables: the gradient test's case table is typed by
// `keyof typeof differentiableOps` (a missing entry fails type-checking), and a
// test fails when index.ts exports an op that is in neither table.
import * as A from './activation.js';
import * as C from './conv.js';
import * as E from './elementwise.js';
import * as I from './indexing.js';
import * as M from './matmul.js';
import * as R from './reduce.js';
import * as S from './shape.js';

/** Ops that record a backward (some of them zero almost everywhere, like `floor`). */
export const differentiableOps = {
  // elementwise
  add: E.add, sub: E.sub, mul: E.mul, div: E.div, pow: E.pow, maximum: E.maximum, minimum: E.minimum,
  neg: E.neg, exp: E.exp, expm1: E.expm1, log: E.log, log1p: E.log1p, sqrt: E.sqrt, rsqrt: E.rsqrt,
  reciprocal: E.reciprocal, sin: E.sin, cos: E.cos, abs: E.abs, square: E.square, sign: E.sign,
  floor: E.floor, ceil: E.ceil, round: E.round, clamp: E.clamp, where: E.where, maskedFill: E.maskedFill,
  cast: E.cast, clone: E.clone,
  // reductions
  sum: R.sum, mean: R.mean, prod: R.prod, max: R.max, min: R.min, var: R.variance, std: R.std, logsumexp: R.logsumexp,
  // linear algebra
  matmul: M.matmul,
  // shape
  reshape: S.reshape, flatten: S.flatten, squeeze: S.squeeze, unsqueeze: S.unsqueeze, permute: S.permute,
  transpose: S.transpose, t: S.t, expand: S.expand, broadcastTo: S.broadcastTo,
  // indexing and joining
  narrow: I.narrow, select: I.select, slice: I.slice, pad: I.pad, cat: I.cat, stack: I.stack, split: I.split,
  chunk: I.chunk, indexSelect: I.indexSelect, gather: I.gather, scatterAdd: I.scatterAdd,
  // activations
  relu: A.relu, leakyRelu: A.leakyRelu, elu: A.elu, gelu: A.gelu, silu: A.silu, sigmoid: A.sigmoid, tanh: A.tanh,
  softplus: A.softplus, softmax: A.softmax, logSoftmax: A.logSoftmax, dropout: A.dropout,
  // convolutions and sliding windows
  conv1d: C.conv1d, conv2d: C.conv2d, convTranspose2d: C.convTranspose2d, unfold: C.unfold, fold: C.fold,
} as const;

/** Ops whose results carry no gradient: comparisons, logic, indices and booleans. */
export const nonDifferentiableOps = {
  eq: E.eq, ne: E.ne, lt: E.lt, le: E.le, gt: E.gt, ge: E.ge,
  logicalAnd: E.logicalAnd, logicalOr: E.logicalOr, logicalNot: E.logicalNot,
  argmax: R.argmax, argmin: R.argmin, all: R.all, any: R.any,
  maxPoolIndices: C.maxPoolIndices,
} as const;

export type DifferentiableOpName = keyof typeof differentiableOps;
export type NonDifferentiableOpName = keyof typeof nonDifferentiableOps;
