/**
 * @neurone/core: tensors with reverse-mode autograd, `nn` modules, `optim`
 * optimizers, safetensors `io` and `data` loading.
 */
export { Tensor, type TensorLike, type NestedArray } from './tensor.js';
export { type DType, type TypedArray, promoteTypes, isFloating } from './dtype.js';
export { NeuroneError, ShapeError, DTypeError, IndexError, FormatError } from './errors.js';
export { type Shape, broadcastShapes, sizeOf } from './shape.js';
export { Generator, manualSeed, defaultGenerator } from './random.js';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled, record, type BackwardOptions } from './autograd.js';
export {
  type Backend, type BinaryOp, type UnaryOp, type ReduceOp, type MatmulParams, type Im2colParams, type ConvParams, type ConvGrads, type Resident,
  type LstmParams, type LstmWeights, type LstmForwardOut, type LstmGrads, type LstmSaved,
  getBackend, setBackend, registerBackend, listBackends, jsBackend, wasmBackend, setNumThreads, getNumThreads, wasmInfo,
} from './backend/index.js';
export * from './creation.js';
export { gradcheck, gradgradcheck, type GradcheckOptions, type GradcheckResult } from './gradcheck.js';
export {
  add, sub, mul, div, pow, maximum, minimum, neg, exp, expm1, log, log1p, sqrt, rsqrt, reciprocal,
  sin, cos, abs, square, sign, floor, ceil, round, clamp, eq, ne, lt, le, gt, ge,
  logicalAnd, logicalOr, logicalNot, where, maskedFill, cast, clone,
} from './ops/elementwise.js';
export { sum, mean, prod, max, min, argmax, argmin, variance as var, std, logsumexp, all, any, type VarOptions } from './ops/reduce.js';
export { matmul } from './ops/matmul.js';
export { reshape, flatten, squeeze, unsqueeze, permute, transpose, t, expand, broadcastTo } from './ops/shape.js';
export { narrow, select, slice, pad, cat, stack, split, chunk, indexSelect, gather, scatterAdd } from './ops/indexing.js';
export { relu, leakyRelu, elu, gelu, silu, sigmoid, tanh, softplus, softmax, logSoftmax, dropout, type DropoutOptions } from './ops/activation.js';
export {
  conv1d, conv2d, convTranspose2d, unfold, fold, maxPoolIndices,
  type ConvOptions, type ConvTransposeOptions, type UnfoldOptions, type MaxPoolIndicesOptions, type IntOrTuple,
} from './ops/conv.js';
export * as nn from './nn/index.js';
export { summary } from './nn/summary.js';
export * as F from './nn/functional.js';
export * as optim from './optim/index.js';
export * as io from './io/index.js';
export * as data from './data/index.js';
