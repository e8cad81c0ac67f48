import { describe, expect, it } from 'vitest';
import { nn, tensor } from '../../src/index.js';

function param(values: number[], grad: number[] | null): InstanceType<typeof nn.Parameter> {
  const p = new nn.Parameter(tensor(values));
  p.grad = grad === null ? null : tensor(grad);
  return p;
}

describe('nn.utils.clipGradNorm_', () => {
  it('rescales to maxNorm and returns the norm before clipping', () => {
    const a = param([0, 0], [3, 0]);
    const b = param([0], [4]);
    const total = nn.utils.clipGradNorm_([a, b], 1);
    expect(total.item()).toBeCloseTo(5, 6);
    expect(a.grad!.toList()[0]).toBeCloseTo(0.6, 6);
    expect(b.grad!.toList()[0]).toBeCloseTo(0.8, 6);
  });

  it('leaves small gradients alone, skips parameters without one, accepts one tensor', () => {
    const a = param([0, 0], [0.3, 0.4]);
    const none = param([0], null);
    expect(nn.utils.clipGradNorm_([a, none], 1).item()).toBeCloseTo(0.5, 6);
    expect(a.grad!.toList()).toEqual(tensor([0.3, 0.4]).toList());
    expect(nn.utils.clipGradNorm_(a, 10, Infinity).item()).toBeCloseTo(0.4, 6);
    expect(nn.utils.clipGradNorm_([none], 1).item()).toBe(0);
  });

  it('scales a gradient buffer shared by two parameters once', () => {
    const a = new nn.Parameter(tensor([1, 2]));
    const b = new nn.Parameter(tensor([3, 4]));
    const g = tensor([3, 4]);
    a.grad = g;
    b.grad = g;
    const total = nn.utils.clipGradNorm_([a, b], 1).item();
    expect(total).toBeCloseTo(Math.sqrt(50), 5);
    const scale = 1 / Math.sqrt(50);
    for (const p of [a, b]) p.grad!.toList().forEach((v, i) => expect(v).toBeCloseTo([3, 4][i]! * scale, 5));
  });

  it('errorIfNonfinite refuses NaN and infinite norms', () => {
    const a = param([0], [Infinity]);
    expect(() => nn.utils.clipGradNorm_([a], 1, 2, { errorIfNonfinite: true })).toThrow(
      'clipGradNorm_: the total norm of order 2 of the gradients is Infinity',
    );
    expect(() => nn.utils.clipGradNorm_([a], -1)).toThrow('clipGradNorm_: maxNorm must be a non-negative number, got -1');
  });
});

describe('nn.utils.clipGradValue_', () => {
  it('clamps every element', () => {
    const a = param([0, 0, 0], [-3, 0.2, 9]);
    nn.utils.clipGradValue_([a], 1);
    expect(a.grad!.toList()).toEqual(tensor([-1, 0.2, 1]).toList());
    expect(() => nn.utils.clipGradValue_([a], -1)).toThrow('clipGradValue_: clipValue must be a non-negative number');
  });
});
