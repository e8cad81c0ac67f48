// Every Tensor method that mirrors an op gives the op's result (no miswired method).
import { describe, expect, it } from 'vitest';
import * as core from '../../src/index.js';
import { Generator, type Tensor, tensor, uniform } from '../../src/index.js';

const x = uniform([2, 3, 4], 0.1, 2, { dtype: 'float64', generator: new Generator(5) });
const y = uniform([3, 4], -1, 1, { dtype: 'float64', generator: new Generator(6) });
const m = tensor([[true, false, true, false]]);
const idx = tensor([[[0, 2, 1, 0]]], { dtype: 'int32' });

type Row = [method: string, call: (t: Tensor) => unknown, fn: () => unknown];
const rows: Row[] = [
  ['add', (t) => t.add(y), () => core.add(x, y)], ['sub', (t) => t.sub(y), () => core.sub(x, y)],
  ['mul', (t) => t.mul(y), () => core.mul(x, y)], ['div', (t) => t.div(y), () => core.div(x, y)],
  ['pow', (t) => t.pow(y), () => core.pow(x, y)], ['maximum', (t) => t.maximum(y), () => core.maximum(x, y)],
  ['minimum', (t) => t.minimum(y), () => core.minimum(x, y)], ['neg', (t) => t.neg(), () => core.neg(x)],
  ['sqrt', (t) => t.sqrt(), () => core.sqrt(x)], ['rsqrt', (t) => t.rsqrt(), () => core.rsqrt(x)],
  ['exp', (t) => t.exp(), () => core.exp(x)], ['log', (t) => t.log(), () => core.log(x)],
  ['log1p', (t) => t.log1p(), () => core.log1p(x)], ['expm1', (t) => t.expm1(), () => core.expm1(x)],
  ['abs', (t) => t.abs(), () => core.abs(x)], ['sign', (t) => t.sign(), () => core.sign(x)],
  ['square', (t) => t.square(), () => core.square(x)], ['reciprocal', (t) => t.reciprocal(), () => core.reciprocal(x)],
  ['sin', (t) => t.sin(), () => core.sin(x)], ['cos', (t) => t.cos(), () => core.cos(x)],
  ['floor', (t) => t.floor(), () => core.floor(x)], ['ceil', (t) => t.ceil(), () => core.ceil(x)],
  ['round', (t) => t.round(), () => core.round(x)], ['clamp', (t) => t.clamp(0.5, 1.5), () => core.clamp(x, 0.5, 1.5)],
  ['eq', (t) => t.eq(y), () => core.eq(x, y)], ['ne', (t) => t.ne(y), () => core.ne(x, y)],
  ['lt', (t) => t.lt(y), () => core.lt(x, y)], ['le', (t) => t.le(y), () => core.le(x, y)],
  ['gt', (t) => t.gt(y), () => core.gt(x, y)], ['ge', (t) => t.ge(y), () => core.ge(x, y)],
  ['logicalNot', (t) => t.logicalNot(), () => core.logicalNot(x)],
  ['logicalAnd', (t) => t.logicalAnd(y), () => core.logicalAnd(x, y)], ['logicalOr', (t) => t.logicalOr(y), () => core.logicalOr(x, y)],
  ['maskedFill', (t) => t.maskedFill(m, 9), () => core.maskedFill(x, m, 9)],
  ['sum', (t) => t.sum(1, true), () => core.sum(x, 1, true)], ['mean', (t) => t.mean([0, 2]), () => core.mean(x, [0, 2])],
  ['prod', (t) => t.prod(-1), () => core.prod(x, -1)], ['max', (t) => t.max(1), () => core.max(x, 1)],
  ['min', (t) => t.min(2, true), () => core.min(x, 2, true)], ['argmax', (t) => t.argmax(1), () => core.argmax(x, 1)],
  ['argmin', (t) => t.argmin(), () => core.argmin(x)], ['var', (t) => t.var(1, { correction: 0 }), () => core.var(x, 1, { correction: 0 })],
  ['std', (t) => t.std(-1), () => core.std(x, -1)], ['logsumexp', (t) => t.logsumexp(2), () => core.logsumexp(x, 2)],
  ['all', (t) => t.all(), () => core.all(x)], ['any', (t) => t.any(), () => core.any(x)],
  ['matmul', (t) => t.matmul(y.t()), () => core.matmul(x, core.t(y))],
  ['reshape', (t) => t.reshape(4, -1), () => core.reshape(x, [4, -1])], ['view', (t) => t.view([6, 4]), () => core.reshape(x, [6, 4])],
  ['flatten', (t) => t.flatten(1), () => core.flatten(x, 1)], ['squeeze', (t) => t.unsqueeze(1).squeeze(1), () => x],
  ['unsqueeze', (t) => t.unsqueeze(-1), () => core.unsqueeze(x, -1)], ['permute', (t) => t.permute(2, 0, 1), () => core.permute(x, [2, 0, 1])],
  ['transpose', (t) => t.transpose(0, 2), () => core.transpose(x, 0, 2)],
  ['expand', (t) => t.expand(2, 2, 3, 4), () => core.expand(x, [2, 2, 3, 4])],
  ['expandAs', (t) => t.expandAs(core.zeros([5, 2, 3, 4])), () => core.expand(x, [5, 2, 3, 4])],
  ['broadcastTo', (t) => t.broadcastTo([1, 2, 3, 4]), () => core.broadcastTo(x, [1, 2, 3, 4])],
  ['narrow', (t) => t.narrow(2, 1, 2), () => core.narrow(x, 2, 1, 2)], ['select', (t) => t.select(1, -1), () => core.select(x, 1, -1)],
  ['slice', (t) => t.slice(2, 0, 4, 2), () => core.slice(x, 2, 0, 4, 2)],
  ['split', (t) => t.split(2, 2), () => core.split(x, 2, 2)], ['chunk', (t) => t.chunk(2, 1), () => core.chunk(x, 2, 1)],
  ['indexSelect', (t) => t.indexSelect(2, [3, 0]), () => core.indexSelect(x, 2, [3, 0])],
  ['gather', (t) => t.gather(2, idx.expand(2, 3, 4)), () => core.gather(x, 2, idx.expand(2, 3, 4))],
  ['scatterAdd', (t) => t.scatterAdd(2, idx.expand(2, 3, 4), x), () => core.scatterAdd(x, 2, idx.expand(2, 3, 4), x)],
  ['relu', (t) => t.relu(), () => core.relu(x)], ['leakyRelu', (t) => t.leakyRelu(0.3), () => core.leakyRelu(x, 0.3)],
  ['elu', (t) => t.elu(0.5), () => core.elu(x, 0.5)], ['gelu', (t) => t.gelu(), () => core.gelu(x)],
  ['silu', (t) => t.silu(), () => core.silu(x)], ['sigmoid', (t) => t.sigmoid(), () => core.sigmoid(x)],
  ['tanh', (t) => t.tanh(), () => core.tanh(x)], ['softplus', (t) => t.softplus(), () => core.softplus(x)],
  ['softmax', (t) => t.softmax(1), () => core.softmax(x, 1)], ['logSoftmax', (t) => t.logSoftmax(-1), () => core.logSoftmax(x, -1)],
  ['to', (t) => t.to('float32'), () => core.cast(x, 'float32')], ['float', (t) => t.float(), () => core.cast(x, 'float32')],
  ['double', (t) => t.float().double(), () => core.cast(core.cast(x, 'float32'), 'float64')],
  ['int', (t) => t.int(), () => core.cast(x, 'int32')], ['bool', (t) => t.bool(), () => core.cast(x, 'bool')],
  ['clone', (t) => t.clone(), () => x],
];

const plain = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(plain) : v instanceof core.Tensor ? { shape: v.shape, dtype: v.dtype, data: Array.from(v.data) } : v;

describe('Tensor methods match their ops', () => {
  it.each(rows)('%s', (_name, call, fn) => {
    expect(plain(call(x))).toEqual(plain(fn()));
  });

  it('t() and T transpose a matrix', () => {
    expect(plain(y.t())).toEqual(plain(core.transpose(y, 0, 1)));
    expect(plain(y.T)).toEqual(plain(core.transpose(y, 0, 1)));
  });
});
