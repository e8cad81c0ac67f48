import { describe, expect, it } from 'vitest';
import { DTypeError, F, IndexError, ShapeError, nn, randn, tensor } from '../../src/index.js';
import { thrown } from './helpers.js';

const labels = (data: number[]) => tensor(data, { dtype: 'int32' });

describe('loss values', () => {
  it('regression losses by hand', () => {
    const a = tensor([1, 2, 5]);
    const b = tensor([1, 4, 1]);
    expect(F.mseLoss(a, b).item()).toBeCloseTo(20 / 3, 6);
    expect(F.mseLoss(a, b, { reduction: 'sum' }).item()).toBe(20);
    expect(F.l1Loss(a, b, { reduction: 'none' }).toList()).toEqual([0, 2, 4]);
    // |d| = 0, 2, 4 with delta 3: 0, ½·4, 3·(4 - 1.5)
    expect(F.huberLoss(a, b, { delta: 3, reduction: 'none' }).toList()).toEqual([0, 2, 7.5]);
    expect(F.smoothL1Loss(a, b, { beta: 0, reduction: 'none' }).toList()).toEqual([0, 2, 4]);
  });

  it('crossEntropy equals -log softmax at the target, and ignores ignoreIndex in the mean', () => {
    const logits = tensor([[2, 1, 0], [0, 0, 3]]);
    const lsm = logits.logSoftmax(1).toArray() as number[][];
    expect(F.crossEntropy(logits, labels([0, 2])).item()).toBeCloseTo(-(lsm[0]![0]! + lsm[1]![2]!) / 2, 6);
    expect(F.crossEntropy(logits, labels([0, -100])).item()).toBeCloseTo(-lsm[0]![0]!, 6);
    // every target ignored: 0/0, as in PyTorch
    expect(F.crossEntropy(logits, labels([-100, -100])).item()).toBeNaN();
    expect(F.crossEntropy(logits, labels([-100, -100]), { reduction: 'sum' }).item()).toBe(0);
  });

  it('bceLoss is finite at probabilities of exactly 0 and 1', () => {
    const p = tensor([0, 1, 0.5], { requiresGrad: true });
    const loss = F.bceLoss(p, tensor([0, 1, 1]), { reduction: 'sum' });
    expect(loss.item()).toBeCloseTo(Math.log(2), 6);
    loss.backward();
    expect(p.grad!.toList().every(Number.isFinite)).toBe(true);
    expect(F.bceLoss(tensor([0]), tensor([1])).item()).toBe(100);
  });

  it('bceWithLogitsLoss is stable for huge logits and agrees with sigmoid + bceLoss', () => {
    const logits = tensor([-200, -3, 0, 2, 200]);
    const y = tensor([0, 1, 0.5, 0, 1]);
    const l = F.bceWithLogitsLoss(logits, y, { reduction: 'none' }).toList();
    expect(l.every(Number.isFinite)).toBe(true);
    expect(l[0]).toBe(0);
    expect(l[4]).toBe(0);
    const mid = tensor([-3, 0, 2]);
    const ym = tensor([1, 0.5, 0]);
    F.bceWithLogitsLoss(mid, ym, { reduction: 'none' }).toList().forEach((v, i) =>
      expect(v).toBeCloseTo(F.bceLoss(mid.sigmoid(), ym, { reduction: 'none' }).toList()[i]!, 5),
    );
  });

  it('klDiv treats zero targets as contributing nothing', () => {
    const logq = tensor([[Math.log(0.5), Math.log(0.5)]]);
    expect(F.klDiv(logq, tensor([[1, 0]]), { reduction: 'sum' }).item()).toBeCloseTo(Math.log(2), 6);
    expect(F.klDiv(logq, tensor([[0.5, 0.5]]), { reduction: 'batchmean' }).item()).toBeCloseTo(0, 7);
  });
});

describe('loss errors', () => {
  it('shapes must match: broadcasting a loss is refused, naming both shapes', () => {
    const e = thrown(() => F.mseLoss(randn([4, 1]), randn([4])));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toMatch(/^mseLoss: input \[4,1\] and target \[4\] must have the same shape/);
  });

  it('crossEntropy explains target dtype, shape and range problems', () => {
    const logits = randn([4, 3]);
    const dt = thrown(() => F.crossEntropy(logits, tensor([0, 1, 2, 1])));
    expect(dt.message).toBe('crossEntropy: a floating target holds class probabilities and must have the input\'s shape [4,3], got [4] (class indices must be int32)');
    const sh = thrown(() => F.crossEntropy(logits, labels([0, 1, 2])));
    expect(sh).toBeInstanceOf(ShapeError);
    expect(sh.message).toBe('crossEntropy: expected target of shape [4] for input [4,3] (class dim 1), got [3]');
    const rg = thrown(() => F.crossEntropy(logits, labels([0, 1, 3, 1])));
    expect(rg).toBeInstanceOf(IndexError);
    expect(rg.message).toBe('crossEntropy: target 3 is out of bounds for 3 classes (valid: 0..2, or ignoreIndex -100)');
    expect(() => F.crossEntropy(logits, labels([0, 1, 2, 1]), { weight: tensor([1, 2]) })).toThrow(
      'crossEntropy: weight must have shape [3] (one per class), got [2]',
    );
    expect(() => F.crossEntropy(logits, labels([0, 1, 2, 1]), { labelSmoothing: 1.5 })).toThrow('crossEntropy: labelSmoothing must be between 0 and 1, got 1.5');
    expect(thrown(() => F.nllLoss(logits, tensor([0, 1, 2, 1], { dtype: 'float32' })))).toBeInstanceOf(DTypeError);
    expect(() => F.crossEntropy(tensor(1), labels([0]))).toThrow('crossEntropy: input must have a class dim');
  });

  it('unknown reductions are refused, early in the modules', () => {
    expect(() => F.l1Loss(randn([2]), randn([2]), { reduction: 'avg' as 'mean' })).toThrow(
      "l1Loss: reduction must be 'mean', 'sum', 'none', got \"avg\"",
    );
    expect(() => new nn.MSELoss({ reduction: 'batchmean' as 'mean' })).toThrow("MSELoss: reduction must be 'mean', 'sum', 'none'");
    expect(() => new nn.KLDivLoss({ reduction: 'batchmean' })).not.toThrow();
  });

  it('bceLoss refuses values that are not probabilities', () => {
    expect(() => F.bceLoss(tensor([0.5, 1.3]), tensor([0, 1]))).toThrow(
      'bceLoss: input values must be probabilities in [0, 1], found 1.2999999523162842 (apply sigmoid first, or use bceWithLogitsLoss)',
    );
  });
});

describe('loss modules', () => {
  it('forward the options to F', () => {
    const logits = randn([5, 4]);
    const y = labels([0, 3, 1, 1, 2]);
    const w = tensor([1, 2, 3, 4]);
    const opts = { weight: w, ignoreIndex: 1, labelSmoothing: 0.1, reduction: 'sum' as const };
    expect(new nn.CrossEntropyLoss(opts).forward(logits, y).item()).toBe(F.crossEntropy(logits, y, opts).item());
    const lp = logits.logSoftmax(1);
    expect(new nn.NLLLoss({ weight: w }).forward(lp, y).item()).toBe(F.nllLoss(lp, y, { weight: w }).item());
    const a = randn([3, 4]);
    const b = randn([3, 4]);
    expect(new nn.MSELoss().forward(a, b).item()).toBe(F.mseLoss(a, b).item());
    expect(new nn.L1Loss({ reduction: 'none' }).forward(a, b).shape).toEqual([3, 4]);
    expect(new nn.HuberLoss({ delta: 0.3 }).forward(a, b).item()).toBe(F.huberLoss(a, b, { delta: 0.3 }).item());
    expect(new nn.SmoothL1Loss({ beta: 0.3 }).forward(a, b).item()).toBe(F.smoothL1Loss(a, b, { beta: 0.3 }).item());
    const p = a.sigmoid();
    const t = b.sigmoid();
    expect(new nn.BCELoss().forward(p, t).item()).toBe(F.bceLoss(p, t).item());
    const pw = tensor([1, 2, 3, 4]);
    expect(new nn.BCEWithLogitsLoss({ posWeight: pw }).forward(a, t).item()).toBe(F.bceWithLogitsLoss(a, t, { posWeight: pw }).item());
    expect(new nn.KLDivLoss({ reduction: 'batchmean', logTarget: true }).forward(lp, lp).item()).toBeCloseTo(0, 7);
  });

  it('keep class weights as buffers under PyTorch names', () => {
    expect(Object.keys(new nn.CrossEntropyLoss().stateDict())).toEqual([]);
    expect(Object.keys(new nn.CrossEntropyLoss({ weight: tensor([1, 2]) }).stateDict())).toEqual(['weight']);
    const bce = new nn.BCEWithLogitsLoss({ weight: tensor([1]), posWeight: tensor([2]) });
    expect(Object.keys(bce.stateDict())).toEqual(['weight', 'pos_weight']);
    expect(bce.posWeight!.toList()).toEqual([2]);
    expect(bce.double().posWeight!.dtype).toBe('float64');
    expect(new nn.CrossEntropyLoss({ labelSmoothing: 0.1 }).toString()).toBe('CrossEntropyLoss(labelSmoothing=0.1)');
  });
});
