// Central finite-difference checks (float64) for every function in F, from one table.
import { describe, expect, it } from 'vitest';
import { F, Generator, type Tensor, gradcheck, gradgradcheck, manualSeed, rand, randn, tensor } from '../../src/index.js';

manualSeed(42);
const f64 = { dtype: 'float64' as const };
const x = (shape: number[]) => randn(shape, { dtype: 'float64', requiresGrad: true });
/** Probabilities away from 0 and 1, requiring grad. */
const prob = (shape: number[]) => rand(shape, f64).mul(0.9).add(0.05).detach().requiresGrad_();
const idx = (data: number[] | number[][], shape?: number[]) => tensor(data, { dtype: 'int32', shape });
const logProbs = (shape: number[], dim: number) => x(shape).logSoftmax(dim).detach().requiresGrad_();

/** [name, function of the inputs, inputs (those requiring grad are checked)] */
const TABLE: Array<[string, (...t: Tensor[]) => Tensor, () => Tensor[]]> = [
  ['relu', (a) => F.relu(a), () => [x([3, 4])]],
  ['leakyRelu', (a) => F.leakyRelu(a, 0.1), () => [x([3, 4])]],
  ['elu', (a) => F.elu(a, 0.7), () => [x([3, 4])]],
  ['gelu', (a) => F.gelu(a), () => [x([3, 4])]],
  ['silu', (a) => F.silu(a), () => [x([3, 4])]],
  ['sigmoid', (a) => F.sigmoid(a), () => [x([3, 4])]],
  ['tanh', (a) => F.tanh(a), () => [x([3, 4])]],
  ['softplus', (a) => F.softplus(a), () => [x([3, 4])]],
  ['softplus beta/threshold', (a) => F.softplus(a, { beta: 3, threshold: 1 }), () => [x([3, 4])]],
  ['logSigmoid', (a) => F.logSigmoid(a), () => [x([3, 4])]],
  ['softmax', (a) => F.softmax(a, 1), () => [x([3, 4])]],
  ['logSoftmax', (a) => F.logSoftmax(a, 0), () => [x([3, 4])]],
  ['dropout', (a) => F.dropout(a, 0.3, { generator: new Generator(5) }), () => [x([3, 4])]],
  ['linear', (a, w, b) => F.linear(a, w, b), () => [x([5, 3]), x([4, 3]), x([4])]],
  ['linear batched, no bias', (a, w) => F.linear(a, w), () => [x([2, 5, 3]), x([4, 3])]],
  ['linear 1-D input', (a, w, b) => F.linear(a, w, b), () => [x([3]), x([4, 3]), x([4])]],
  ['bilinear', (a, b, w, c) => F.bilinear(a, b, w, c), () => [x([4, 2]), x([4, 3]), x([5, 2, 3]), x([5])]],
  ['layerNorm', (a, w, b) => F.layerNorm(a, [4], { weight: w, bias: b }), () => [x([3, 4]), x([4]), x([4])]],
  ['layerNorm 2 dims, no affine', (a) => F.layerNorm(a, [2, 3], { eps: 1e-3 }), () => [x([2, 2, 3])]],
  ['embedding', (w) => F.embedding(idx([[0, 2], [2, 3]]), w), () => [x([4, 3])]],
  // the padding row gets no gradient by design, so its positions are masked out of the output
  [
    'embedding paddingIdx',
    (w) => F.embedding(idx([0, 2, 2, 3]), w, { paddingIdx: 2 }).mul(tensor([[1], [0], [0], [1]], f64)),
    () => [x([4, 3])],
  ],
  ['mseLoss', (a, b) => F.mseLoss(a, b), () => [x([3, 4]), x([3, 4])]],
  ['l1Loss sum', (a, b) => F.l1Loss(a, b, { reduction: 'sum' }), () => [x([3, 4]), x([3, 4])]],
  ['huberLoss', (a, b) => F.huberLoss(a, b, { delta: 0.7, reduction: 'none' }), () => [x([3, 4]), x([3, 4])]],
  ['smoothL1Loss', (a, b) => F.smoothL1Loss(a, b, { beta: 0.6 }), () => [x([3, 4]), x([3, 4])]],
  ['bceLoss', (a, b) => F.bceLoss(a, b), () => [prob([3, 4]), prob([3, 4])]],
  ['bceLoss weight, none', (a, b) => F.bceLoss(a, b, { weight: tensor([1, 2, 0.5, 3], f64), reduction: 'none' }), () => [prob([3, 4]), prob([3, 4])]],
  ['bceWithLogitsLoss', (a, b) => F.bceWithLogitsLoss(a, b), () => [x([3, 4]), prob([3, 4])]],
  [
    'bceWithLogitsLoss weight, posWeight',
    (a, b) => F.bceWithLogitsLoss(a, b, { weight: tensor([0.5, 2, 1, 1], f64), posWeight: tensor([3, 0.5, 1, 2], f64), reduction: 'sum' }),
    () => [x([3, 4]), prob([3, 4])],
  ],
  ['nllLoss', (a) => F.nllLoss(a, idx([0, 2, -100, 1])), () => [logProbs([4, 3], 1)]],
  ['nllLoss weight, sum', (a) => F.nllLoss(a, idx([0, 2, 2, 1]), { weight: tensor([1, 2, 3], f64), reduction: 'sum' }), () => [logProbs([4, 3], 1)]],
  ['crossEntropy', (a) => F.crossEntropy(a, idx([0, 2, 1, 1])), () => [x([4, 3])]],
  [
    'crossEntropy weight, ignoreIndex, labelSmoothing',
    (a) => F.crossEntropy(a, idx([0, 2, 1, 1]), { weight: tensor([0.3, 1, 2], f64), ignoreIndex: 1, labelSmoothing: 0.2 }),
    () => [x([4, 3])],
  ],
  ['crossEntropy spatial, none', (a) => F.crossEntropy(a, idx([[0, 1], [2, -100]]), { reduction: 'none', labelSmoothing: 0.1 }), () => [x([2, 3, 2])]],
  ['crossEntropy unbatched', (a) => F.crossEntropy(a, tensor(2, { dtype: 'int32' })), () => [x([4])]],
  ['crossEntropy probabilities', (a, p) => F.crossEntropy(a, p, { labelSmoothing: 0.1 }), () => [x([3, 4]), prob([3, 4])]],
  ['klDiv batchmean', (a, t) => F.klDiv(a, t, { reduction: 'batchmean' }), () => [logProbs([3, 4], 1), prob([3, 4])]],
  ['klDiv logTarget, none', (a, t) => F.klDiv(a, t, { logTarget: true, reduction: 'none' }), () => [logProbs([3, 4], 1), logProbs([3, 4], 1)]],
];

describe('F gradients (float64 central differences)', () => {
  it.each(TABLE)('%s', (_, fn, make) => {
    const inputs = make();
    const { maxError } = gradcheck(fn, inputs);
    expect(maxError).toBeLessThan(1e-5);
    // the check is not vacuous: at least one input received a nonzero gradient
    expect(inputs.some((t) => t.grad !== null && t.grad.toList().some((v) => v !== 0))).toBe(true);
  });
});

describe('F values', () => {
  it('linear computes x Wᵀ + b', () => {
    const y = F.linear(tensor([[1, 2]]), tensor([[1, 0], [0, 1], [1, 1]]), tensor([0, 10, 100]));
    expect(y.toArray()).toEqual([[1, 12, 103]]);
    expect(() => F.linear(tensor([[1, 2, 3]]), tensor([[1, 0]]))).toThrow(
      'linear: input of shape [1,3] has 3 features in its last dim, but the weight of shape [1,2] expects 2',
    );
    expect(() => F.linear(tensor([[1, 2]]), tensor([[1, 0]]), tensor([1, 2]))).toThrow('linear: bias must have shape [1] (one per output feature), got [2]');
  });

  it('oneHot encodes class indices', () => {
    expect(F.oneHot(idx([0, 2]), 3).toArray()).toEqual([[1, 0, 0], [0, 0, 1]]);
    expect(F.oneHot(idx([1, 3])).shape).toEqual([2, 4]);
    expect(F.oneHot(idx([1, 3])).dtype).toBe('int32');
    expect(() => F.oneHot(idx([4]), 3)).toThrow('oneHot: class index 4 is out of range for 3 classes');
  });

  it('dropout scales the kept elements and is the identity when not training', () => {
    const a = tensor([1, 1, 1, 1]);
    expect(F.dropout(a, 0.5, { training: false })).toBe(a);
    F.dropout(a, 0.5, { generator: new Generator(1) }).toList().forEach((v) => expect([0, 2]).toContain(v));
  });
});

describe('F.linear second-order gradients', () => {
  it('match finite differences, and the plain gradients', () => {
    manualSeed(31);
    const f64 = (shape: number[]) => randn(shape, { dtype: 'float64', requiresGrad: true });
    gradgradcheck((x, w, b) => F.linear(x!, w!, b!).tanh(), [f64([3, 4]), f64([2, 4]), f64([2])]);
  });
});
