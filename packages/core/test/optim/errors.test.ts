// Invalid hyperparameters and parameters: each error names the optimizer and the value.
import { describe, expect, it } from 'vitest';
import { DTypeError, NeuroneError, tensor, optim } from '../../src/index.js';

const w = () => tensor([1, 2], { requiresGrad: true });

describe('optimizer hyperparameter errors', () => {
  it.each([
    ['SGD lr', () => new optim.SGD([w()], { lr: -0.1 }), 'SGD: invalid learning rate: -0.1 (expected a number >= 0)'],
    ['SGD without lr', () => new optim.SGD([w()]), 'SGD: no learning rate given: pass { lr } in the options or in every param group'],
    ['SGD momentum', () => new optim.SGD([w()], { lr: 0.1, momentum: -1 }), 'SGD: invalid momentum value: -1'],
    ['SGD weight decay', () => new optim.SGD([w()], { lr: 0.1, weightDecay: -1e-4 }), 'SGD: invalid weightDecay value: -0.0001'],
    ['SGD nesterov', () => new optim.SGD([w()], { lr: 0.1, nesterov: true }),
      'SGD: Nesterov momentum requires a momentum > 0 and zero dampening, got momentum=0, dampening=0'],
    ['SGD nesterov dampening', () => new optim.SGD([w()], { lr: 0.1, nesterov: true, momentum: 0.9, dampening: 0.1 }),
      'SGD: Nesterov momentum requires a momentum > 0 and zero dampening, got momentum=0.9, dampening=0.1'],
    ['Adam lr', () => new optim.Adam([w()], { lr: -1e-3 }), 'Adam: invalid learning rate: -0.001'],
    ['Adam NaN lr', () => new optim.Adam([w()], { lr: NaN }), 'Adam: invalid learning rate: NaN'],
    ['Adam beta1', () => new optim.Adam([w()], { betas: [1, 0.999] }), 'Adam: invalid beta parameter at index 0: 1 (expected 0 <= beta < 1)'],
    ['Adam beta2', () => new optim.Adam([w()], { betas: [0.9, -0.1] }), 'Adam: invalid beta parameter at index 1: -0.1'],
    ['Adam betas shape', () => new optim.Adam([w()], { betas: [0.9] as unknown as [number, number] }), 'Adam: betas should be a pair [beta1, beta2], got [0.9]'],
    ['Adam eps', () => new optim.Adam([w()], { eps: -1 }), 'Adam: invalid epsilon value: -1'],
    ['Adam weight decay', () => new optim.Adam([w()], { weightDecay: -1 }), 'Adam: invalid weightDecay value: -1'],
    ['AdamW beta', () => new optim.AdamW([w()], { betas: [0.9, 1.5] }), 'AdamW: invalid beta parameter at index 1: 1.5'],
    ['AdamW lr', () => new optim.AdamW([w()], { lr: -2 }), 'AdamW: invalid learning rate: -2'],
    ['RMSprop alpha', () => new optim.RMSprop([w()], { alpha: -0.5 }), 'RMSprop: invalid alpha value: -0.5'],
    ['RMSprop momentum', () => new optim.RMSprop([w()], { momentum: -0.9 }), 'RMSprop: invalid momentum value: -0.9'],
    ['RMSprop lr', () => new optim.RMSprop([w()], { lr: -1 }), 'RMSprop: invalid learning rate: -1'],
    ['group value', () => new optim.Adam([{ params: [w()] }, { params: [w()], lr: -5 }]), 'Adam: invalid learning rate: -5'],
  ])('%s', (_, make, message) => {
    expect(make).toThrow(NeuroneError);
    expect(make).toThrow(message);
  });
});

describe('optimizer parameter errors', () => {
  it('refuses a single tensor, an empty list, non-tensors, duplicates, non-leaves and integer tensors', () => {
    const a = w();
    expect(() => new optim.SGD(a as unknown as Iterable<never>, { lr: 1 })).toThrow(
      'SGD: params should be an iterable of Tensors or param groups, got a single Tensor (wrap it in an array)',
    );
    expect(() => new optim.Adam([])).toThrow('Adam: got an empty parameter list');
    expect(() => new optim.Adam([{ params: [a, 3 as unknown as never] }])).toThrow('Adam: can only optimize Tensors, but parameter 1 of group 0 is number 3');
    expect(() => new optim.Adam([{ params: [a] }, { params: [a] }])).toThrow('Adam: some parameters appear in more than one parameter group');
    expect(() => new optim.Adam([a, a])).toThrow('Adam: group 0 contains the same parameter more than once');
    expect(() => new optim.Adam([a.mul(2)])).toThrow("Adam: can't optimize a non-leaf Tensor (parameter 0 of group 0)");
    expect(() => new optim.Adam([tensor([1], { dtype: 'int32' })])).toThrow(DTypeError);
    expect(() => new optim.Adam([tensor([1], { dtype: 'int32' })])).toThrow('Adam: can only optimize floating-point tensors, but parameter 0 of group 0 is int32');
    expect(() => new optim.Adam([{ params: new Set([a]) }])).toThrow('Adam: parameters must be in an ordered collection (an array), not a Set');
    expect(() => new optim.Adam([{ lr: 1 } as never])).toThrow("Adam: a param group must be an object with a 'params' entry, got an object");
    expect(() => new optim.Adam(null as never)).toThrow('Adam: params should be an iterable of Tensors or param groups, got null');
  });
});
