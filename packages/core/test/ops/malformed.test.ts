// Malformed input fed to every public op: each call either returns a
// well-formed result (checked against a reference where one is cheap) or throws
// one of errors.ts's classes with a message that starts with the op's name;
// never a TypeError or RangeError from deep inside a kernel.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as core from '../../src/index.js';
import { Generator, NeuroneError, Tensor } from '../../src/index.js';
import { differentiableOps, nonDifferentiableOps } from '../../src/ops/table.js';
import { forEachBackend, prod } from './reference.js';

const allOps = { ...differentiableOps, ...nonDifferentiableOps };
type OpName = keyof typeof allOps;

/** Argument kinds; each has an arbitrary that mixes valid values with junk. */
type Kind =
  | 'tensor' | 'float' | 'tensorLike' | 'tensors' | 'dim' | 'optDim' | 'dims' | 'keepdim' | 'int' | 'optInt'
  | 'num' | 'optNum' | 'shape' | 'ints' | 'index' | 'intTensor' | 'mask' | 'dtype' | 'varOpts' | 'dropoutOpts' | 'sizeOrSections'
  | 'image' | 'optFloat' | 'intOrTuple' | 'convOpts';

const junk = fc.constantFrom<unknown>(null, undefined, 'x', {}, [1, 2], true, [[1]], Symbol.for('s'), () => 1, new Float32Array(2));
const badNumber = fc.constantFrom(NaN, 1.5, -0.5, Infinity, -Infinity, 2 ** 31, 2 ** 53, -(2 ** 31));
const dtypes = ['float32', 'float64', 'int32', 'bool'] as const;

/** Small shapes: 0-d, empty dims, and (rarely) a long thin one. */
const shapeArb = fc.oneof(
  { weight: 8, arbitrary: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.constant([1, 1, 1, 1, 1]) },
);
const valueArb = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -5, max: 5, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, 0, -0) },
);
function tensorOf(dtype: fc.Arbitrary<(typeof dtypes)[number]>, shape = shapeArb, values = valueArb): fc.Arbitrary<Tensor> {
  return fc
    .tuple(dtype, shape)
    .chain(([dt, s]) => fc.tuple(fc.constant(dt), fc.constant(s), fc.array(values, { minLength: prod(s), maxLength: prod(s) })))
    .map(([dt, s, v]) => core.tensor(Float64Array.from(v), { shape: s, dtype: dt }));
}
const anyTensor = tensorOf(fc.constantFrom(...dtypes));
const floatTensor = tensorOf(fc.constantFrom('float32', 'float64'));
const intTensor = tensorOf(fc.constant('int32'), shapeArb, fc.integer({ min: -2, max: 4 }));
const boolTensor = tensorOf(fc.constant('bool'), shapeArb, fc.constantFrom(0, 1));
const smallInt = fc.integer({ min: -5, max: 5 });
const intList = fc.array(fc.oneof({ weight: 6, arbitrary: fc.integer({ min: -2, max: 4 }) }, { weight: 1, arbitrary: badNumber }), { maxLength: 5 });

/** `weight` parts valid values to one part junk. */
const mix = (valid: fc.Arbitrary<unknown>, bad: fc.Arbitrary<unknown> = junk, weight = 6) =>
  fc.oneof({ weight, arbitrary: valid }, { weight: 1, arbitrary: bad });

const kinds: Record<Kind, fc.Arbitrary<unknown>> = {
  tensor: mix(anyTensor),
  float: mix(fc.oneof({ weight: 4, arbitrary: floatTensor }, { weight: 1, arbitrary: anyTensor })),
  tensorLike: mix(fc.oneof({ weight: 4, arbitrary: anyTensor }, { weight: 1, arbitrary: valueArb })),
  tensors: mix(fc.oneof(
    // tensors of one shape (so that cat/stack usually work), or of random shapes and dtypes
    shapeArb.chain((s) => fc.array(tensorOf(fc.constantFrom(...dtypes), fc.constant(s)), { minLength: 1, maxLength: 3 })),
    fc.array(anyTensor, { maxLength: 3 }),
    fc.array(mix(anyTensor), { minLength: 1, maxLength: 3 }),
  )),
  dim: mix(smallInt, fc.oneof(badNumber, junk)),
  optDim: fc.oneof(fc.constant(undefined), fc.constant(null), mix(smallInt, fc.oneof(badNumber, junk))),
  dims: fc.oneof(fc.constant(undefined), mix(smallInt, fc.oneof(badNumber, junk)), fc.array(mix(smallInt, badNumber, 8), { maxLength: 4 })),
  keepdim: fc.oneof(fc.boolean(), fc.constant(undefined), junk),
  int: mix(fc.integer({ min: -3, max: 6 }), fc.oneof(badNumber, junk)),
  optInt: fc.oneof(fc.constant(undefined), mix(fc.integer({ min: -3, max: 6 }), fc.oneof(badNumber, junk))),
  num: mix(valueArb, fc.oneof(badNumber, junk)),
  optNum: fc.oneof(fc.constant(undefined), fc.constant(null), mix(valueArb, junk)),
  shape: mix(intList),
  ints: mix(intList),
  index: mix(fc.oneof(
    { weight: 4, arbitrary: intTensor },
    { weight: 1, arbitrary: floatTensor },
    { weight: 2, arbitrary: fc.array(fc.integer({ min: -2, max: 4 }), { maxLength: 4 }) },
    { weight: 1, arbitrary: intList },
  )),
  intTensor: mix(fc.oneof({ weight: 4, arbitrary: intTensor }, { weight: 1, arbitrary: anyTensor })),
  mask: mix(fc.oneof({ weight: 4, arbitrary: boolTensor }, { weight: 1, arbitrary: anyTensor })),
  dtype: mix(fc.constantFrom(...dtypes), fc.constantFrom('float16', 'int64', 'Float32', '', null, 3)),
  varOpts: fc.oneof(
    fc.constant(undefined),
    fc.record({ correction: fc.oneof(fc.constantFrom(0, 1, 2, 7), badNumber, junk), keepdim: fc.oneof(fc.boolean(), junk) }, { requiredKeys: [] }),
    junk,
  ),
  dropoutOpts: fc.oneof(
    fc.constant(undefined),
    fc.record({ training: fc.oneof(fc.boolean(), junk), generator: fc.oneof(fc.constant(new Generator(1)), junk) }, { requiredKeys: [] }),
    junk,
  ),
  sizeOrSections: fc.oneof(mix(fc.integer({ min: -1, max: 4 }), badNumber), intList, junk),
  // images and weights for the convolutions: 2-5 dims of sizes 0..4
  image: mix(fc.oneof(
    { weight: 4, arbitrary: tensorOf(fc.constantFrom('float32', 'float64'), fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 2, maxLength: 5 })) },
    { weight: 1, arbitrary: anyTensor },
  )),
  optFloat: fc.oneof(fc.constant(undefined), fc.constant(null), mix(fc.oneof({ weight: 4, arbitrary: floatTensor }, { weight: 1, arbitrary: anyTensor }))),
  intOrTuple: mix(fc.oneof(fc.integer({ min: -1, max: 4 }), fc.array(fc.integer({ min: -1, max: 4 }), { maxLength: 3 })), fc.oneof(badNumber, junk)),
  convOpts: fc.oneof(
    fc.constant(undefined),
    fc.record(
      {
        stride: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }), badNumber, junk),
        padding: fc.oneof(fc.integer({ min: -1, max: 3 }), fc.constantFrom('same', 'valid', 'full'), fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 3 }), junk),
        dilation: fc.oneof(fc.integer({ min: 0, max: 3 }), badNumber, junk),
        groups: fc.oneof(fc.integer({ min: 0, max: 3 }), badNumber, junk),
        outputPadding: fc.oneof(fc.integer({ min: 0, max: 2 }), junk),
      },
      { requiredKeys: [] },
    ),
    junk,
  ),
};

/** Each op's parameters, in order. Typed by the op table: an op without a signature fails tsc. */
const signatures: { [K in OpName]: Kind[] } = {
  add: ['tensorLike', 'tensorLike'], sub: ['tensorLike', 'tensorLike'], mul: ['tensorLike', 'tensorLike'],
  div: ['tensorLike', 'tensorLike'], pow: ['tensorLike', 'tensorLike'], maximum: ['tensorLike', 'tensorLike'],
  minimum: ['tensorLike', 'tensorLike'],
  neg: ['tensor'], exp: ['tensor'], expm1: ['tensor'], log: ['tensor'], log1p: ['tensor'], sqrt: ['tensor'],
  rsqrt: ['tensor'], reciprocal: ['tensor'], sin: ['tensor'], cos: ['tensor'], abs: ['tensor'], square: ['tensor'],
  sign: ['tensor'], floor: ['tensor'], ceil: ['tensor'], round: ['tensor'], clamp: ['tensor', 'optNum', 'optNum'],
  where: ['mask', 'tensorLike', 'tensorLike'], maskedFill: ['tensor', 'mask', 'num'], cast: ['tensor', 'dtype'], clone: ['tensor'],
  sum: ['tensor', 'dims', 'keepdim'], mean: ['tensor', 'dims', 'keepdim'], prod: ['tensor', 'optDim', 'keepdim'],
  max: ['tensor', 'optDim', 'keepdim'], min: ['tensor', 'optDim', 'keepdim'], var: ['tensor', 'dims', 'varOpts'],
  std: ['tensor', 'dims', 'varOpts'], logsumexp: ['tensor', 'dims', 'keepdim'],
  matmul: ['float', 'float'],
  reshape: ['tensor', 'shape'], flatten: ['tensor', 'dim', 'dim'], squeeze: ['tensor', 'optDim'], unsqueeze: ['tensor', 'dim'],
  permute: ['tensor', 'ints'], transpose: ['tensor', 'dim', 'dim'], t: ['tensor'], expand: ['tensor', 'shape'],
  broadcastTo: ['tensor', 'shape'],
  narrow: ['tensor', 'dim', 'int', 'int'], select: ['tensor', 'dim', 'int'], slice: ['tensor', 'dim', 'optInt', 'optInt', 'optInt'],
  pad: ['tensor', 'ints', 'optNum'], cat: ['tensors', 'dim'], stack: ['tensors', 'dim'], split: ['tensor', 'sizeOrSections', 'dim'],
  chunk: ['tensor', 'int', 'dim'], indexSelect: ['tensor', 'dim', 'index'], gather: ['tensor', 'dim', 'intTensor'],
  scatterAdd: ['tensor', 'dim', 'intTensor', 'tensor'],
  relu: ['float'], leakyRelu: ['float', 'optNum'], elu: ['float', 'optNum'], gelu: ['float'], silu: ['float'],
  sigmoid: ['float'], tanh: ['float'], softplus: ['float'], softmax: ['float', 'dim'], logSoftmax: ['float', 'dim'],
  dropout: ['float', 'optNum', 'dropoutOpts'],
  eq: ['tensorLike', 'tensorLike'], ne: ['tensorLike', 'tensorLike'], lt: ['tensorLike', 'tensorLike'],
  le: ['tensorLike', 'tensorLike'], gt: ['tensorLike', 'tensorLike'], ge: ['tensorLike', 'tensorLike'],
  logicalAnd: ['tensorLike', 'tensorLike'], logicalOr: ['tensorLike', 'tensorLike'], logicalNot: ['tensor'],
  argmax: ['tensor', 'optDim', 'keepdim'], argmin: ['tensor', 'optDim', 'keepdim'], all: ['tensor'], any: ['tensor'],
  conv1d: ['image', 'image', 'optFloat', 'convOpts'], conv2d: ['image', 'image', 'optFloat', 'convOpts'],
  convTranspose2d: ['image', 'image', 'optFloat', 'convOpts'], unfold: ['image', 'intOrTuple', 'convOpts'],
  fold: ['image', 'intOrTuple', 'intOrTuple', 'convOpts'], maxPoolIndices: ['image', 'intOrTuple', 'convOpts'],
};

/** Elementwise references for one-tensor ops: f and whether integer inputs give float32. */
const unaryRefs: Partial<Record<OpName, [(x: number) => number, boolean]>> = {
  neg: [(x) => -x, false], abs: [Math.abs, false], square: [(x) => x * x, false],
  sign: [(x) => (x > 0 ? 1 : x < 0 ? -1 : x), false], floor: [Math.floor, false], ceil: [Math.ceil, false],
  exp: [Math.exp, true], expm1: [Math.expm1, true], log: [Math.log, true], log1p: [Math.log1p, true],
  sqrt: [Math.sqrt, true], rsqrt: [(x) => 1 / Math.sqrt(x), true], reciprocal: [(x) => 1 / x, true],
  sin: [Math.sin, true], cos: [Math.cos, true], tanh: [Math.tanh, true],
  relu: [(x) => (x > 0 ? x : Number.isNaN(x) ? x : 0), false],
  logicalNot: [(x) => Number(x === 0), false],
};

const ctor = { float32: Float32Array, float64: Float64Array, int32: Int32Array, bool: Uint8Array } as const;

function fmtArg(a: unknown): string {
  if (a instanceof Tensor) return `Tensor(${a.dtype}, [${a.shape}])`;
  if (Array.isArray(a)) return `[${a.map(fmtArg).join(', ')}]`;
  if (typeof a === 'symbol' || typeof a === 'function') return typeof a;
  if (typeof a === 'number') return String(a);
  try {
    return JSON.stringify(a) ?? String(a);
  } catch {
    return String(a);
  }
}

/** Structural checks of a result: a Tensor's storage fits its shape and dtype. */
function checkResult(name: string, out: unknown): void {
  const list = Array.isArray(out) ? out : [out];
  if (typeof out === 'boolean') return;
  for (const t of list) {
    expect(t, `${name} returned ${fmtArg(t)}`).toBeInstanceOf(Tensor);
    const x = t as Tensor;
    expect(x.shape.every((s) => Number.isInteger(s) && s >= 0)).toBe(true);
    expect(x.data.length).toBe(prod(x.shape));
    expect(x.data).toBeInstanceOf(ctor[x.dtype]);
    if (x.dtype === 'bool') expect(x.data.every((v) => v === 0 || v === 1), `${name} returned a bool tensor with values other than 0/1`).toBe(true);
  }
}

function run(name: OpName, args: unknown[], fn = allOps[name] as (...a: unknown[]) => unknown): void {
  let out: unknown;
  try {
    out = fn(...args);
  } catch (e) {
    const err = e as Error;
    if (!(err instanceof NeuroneError) || !err.message.startsWith(`${name}: `)) {
      throw new Error(`${name}(${args.map(fmtArg).join(', ')}) threw ${err?.constructor?.name}: ${err?.message}\n${err?.stack ?? ''}`);
    }
    return;
  }
  checkResult(name, out);
  const ref = unaryRefs[name];
  if (ref && args[0] instanceof Tensor) {
    const x = args[0];
    const [f, toFloat] = ref;
    const t = out as Tensor;
    const dtype = toFloat && (x.dtype === 'int32' || x.dtype === 'bool') ? 'float32' : name === 'logicalNot' ? 'bool' : x.dtype;
    expect(t.dtype, name).toBe(dtype);
    const expected = new ctor[dtype](x.size);
    for (let i = 0; i < x.size; i++) expected[i] = f(x.data[i]!);
    expect(Array.from(t.data), `${name}(${fmtArg(x)}) values`).toEqual(Array.from(expected));
  }
}

forEachBackend(() => {
  describe('malformed input to every public op', () => {
    it('has a signature for every op in the tables', () => {
      expect(Object.keys(signatures).sort()).toEqual(Object.keys(allOps).sort());
    });

    it.each(Object.keys(signatures) as OpName[])('%s: a clear error or a well-formed result', (name) => {
      const sig = signatures[name];
      fc.assert(
        fc.property(fc.tuple(...sig.map((k) => kinds[k])), (args) => run(name, args as unknown[])),
        { numRuns: Number(process.env.FC_RUNS ?? 250) },
      );
    }, 120_000);

    it('the check can fail: an unnamed error, a foreign message, a malformed result', () => {
      expect(() => run('exp', [], () => (null as unknown as Tensor).shape)).toThrow(/threw TypeError/);
      expect(() => run('exp', [], () => { throw new core.ShapeError('log: nope'); })).toThrow(/threw ShapeError: log: nope/);
      expect(() => run('exp', [], () => new Tensor(new Uint8Array([2]), [1]))).toThrow(/values other than 0\/1/);
    });
  });
});

describe('specific malformed inputs', () => {
  const x = core.randn([2, 3]);
  it.each<[string, () => unknown, RegExp]>([
    ['matmul inner dims', () => core.matmul(core.zeros([2, 3]), core.zeros([4, 5])), /^matmul: cannot multiply \[2,3\] by \[4,5\]: inner dimensions 3 and 4 differ$/],
    ['matmul int', () => core.matmul(core.zeros([2, 2], { dtype: 'int32' }), core.zeros([2, 2])), /^matmul: expected floating-point tensors, got int32 and float32/],
    ['sum dim out of range', () => core.sum(x, 2), /^sum: dim 2 is out of range for a tensor of 2 dimension\(s\) \(expected -2\.\.1\)/],
    ['std dim out of range', () => core.std(x, -3), /^std: dim -3 is out of range/],
    ['softmax non-integer dim', () => core.softmax(x, 0.5), /^softmax: dim 0.5 is out of range/],
    ['gather float index', () => core.gather(x, 1, core.zeros([2, 1])), /^gather: index must be an int32 tensor, got float32/],
    ['indexSelect out of range', () => core.indexSelect(x, 1, [3]), /^indexSelect: index 3 is out of range for a dimension of size 3/],
    ['cat mismatched shapes', () => core.cat([x, core.zeros([3, 3])], 1), /^cat: tensors must have the same shape except in dim 1, got \[2,3\] and \[3,3\]/],
    ['cat 0-d', () => core.cat([core.scalar(1), core.scalar(2)]), /^cat: zero-dimensional tensors cannot be concatenated/],
    ['stack dim', () => core.stack([x, x], 3), /^stack: dim 3 is out of range/],
    ['reshape size', () => core.reshape(x, [4, 2]), /^reshape: shape \[4,2\] is invalid for input of size 6/],
    ['expand', () => core.expand(x, [3, 3]), /^expand: cannot expand shape \[2,3\] to \[3,3\]/],
    ['broadcastTo names itself', () => core.broadcastTo(x, [3, 3]), /^broadcastTo: cannot expand shape \[2,3\] to \[3,3\]/],
    ['expand too large', () => core.expand(core.zeros([1, 1]), [2 ** 20, 2 ** 20]), /^expand: a tensor of shape \[1048576,1048576\] would have/],
    ['pad too large', () => core.pad(x, [2 ** 31, 0]), /^pad: a tensor of shape/],
    ['relu int', () => core.relu(core.zeros([2], { dtype: 'int32' })), /^relu: expected a floating-point tensor/],
    ['maskedFill float mask', () => core.maskedFill(x, core.zeros([2, 3]), 1), /^maskedFill: mask must be a bool tensor, got float32/],
    ['add string', () => core.add(x, 'a' as unknown as number), /^add: expected a Tensor or a number, got the string "a"/],
    ['exp null', () => core.exp(null as unknown as Tensor), /^exp: expected input to be a Tensor, got null/],
    ['sub bools', () => core.sub(core.ones([1], { dtype: 'bool' }), core.ones([1], { dtype: 'bool' })), /^sub: subtraction of two bool tensors/],
    ['split sections', () => core.split(x, [1, 1], 1), /^split: sections \[1,1\] must be non-negative and add up to dim 1 of size 3/],
    ['chunk 0-d', () => core.chunk(core.scalar(1), 2), /^chunk: cannot chunk a 0-d tensor/],
    ['cast unknown dtype', () => core.cast(x, 'float16' as 'float32'), /^cast: unknown dtype the string "float16"/],
    ['dropout p', () => core.dropout(x, 2), /^dropout: probability must be between 0 and 1, got 2/],
    ['select index', () => core.select(x, 0, 2), /^select: index 2 is out of range for dim 0 of size 2/],
    ['slice step', () => core.slice(x, 1, 0, 3, 0), /^slice: step must be a positive integer, got 0/],
    ['var correction', () => core.var(x, 1, { correction: 'a' as unknown as number }), /^var: correction must be a number/],
  ])('%s', (_label, f, re) => {
    expect(f).toThrow(NeuroneError);
    expect(f).toThrow(re);
  });

  it('computes the right answer at the edges', () => {
    // bool arithmetic stays bool, as in PyTorch
    const t = core.tensor([true, false, true]);
    expect(Array.from(core.add(t, t).data)).toEqual([1, 0, 1]);
    expect(core.add(t, t).dtype).toBe('bool');
    expect(Array.from(core.mul(t, core.tensor([true, true, false])).data)).toEqual([1, 0, 0]);
    // integer clamp with fractional bounds promotes
    expect(core.clamp(core.tensor([1, 2, 3], { dtype: 'int32' }), 1.5).toArray()).toEqual([1.5, 2, 3]);
    // NaN is true for logic ops, as in C
    expect(Array.from(core.logicalNot(core.tensor([NaN, 0])).data)).toEqual([0, 1]);
    expect(Array.from(core.logicalAnd(core.tensor([NaN]), 1).data)).toEqual([1]);
    // sum over an empty dim list reduces everything (torch.sum(x, dim=[]))
    expect(core.sum(core.ones([2, 3]), []).item()).toBe(6);
    // max along a non-empty dim of an empty tensor is empty, along an empty dim an error
    expect(core.max(core.zeros([2, 0]), 0).shape).toEqual([0]);
    expect(() => core.max(core.zeros([2, 0]), 1)).toThrow(/^max: cannot reduce over a dimension of size 0/);
    // 0 * Inf in a matmul is NaN, not skipped
    expect(core.matmul(core.tensor([[0]]), core.tensor([[Infinity]])).item()).toBeNaN();
    // prod's gradient at zeros
    const z = core.tensor([0, 2, 3], { requiresGrad: true });
    core.prod(z).backward();
    expect(z.grad!.toArray()).toEqual([6, 0, 0]);
    // pow's gradient for exponent 0 at 0
    const p = core.tensor([0, 1], { requiresGrad: true });
    core.pow(p, 0).sum().backward();
    expect(p.grad!.toArray()).toEqual([0, 0]);
    // where with two numbers
    expect(core.where(core.tensor([true, false]), 1, 2).toArray()).toEqual([1, 2]);
    // split of an empty dim gives one empty piece
    expect(core.split(core.zeros([0, 2]), 2).map((s) => s.shape)).toEqual([[0, 2]]);
  });
});
