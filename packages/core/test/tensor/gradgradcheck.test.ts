// gradgradcheck: passes on a correct double backward, and fails, naming the
// problem, where a backward is wrong under createGraph or not differentiable.
import { describe, expect, it } from 'vitest';
import { gradgradcheck, isGradEnabled, randn, record, type Tensor } from '../../src/index.js';

const f64 = (shape: number[]) => randn(shape, { dtype: 'float64', requiresGrad: true });

/** x³ with a backward that is right without createGraph and `bad` with it. */
function cube(x: Tensor, bad: 'value' | 'constant'): Tensor {
  const out = x.mul(x).mul(x).detach();
  return record('cube', out, [x], (g) => {
    if (!isGradEnabled()) return [g.mul(x.mul(x).detach()).mul(3)];
    return [bad === 'value' ? g.mul(x.mul(x)).mul(3.01) : g.mul(x.mul(x).detach()).mul(3).detach()];
  });
}

describe('gradgradcheck', () => {
  it('passes on ops with a correct double backward', () => {
    gradgradcheck((x, y) => x!.tanh().mul(y!).sum(1), [f64([3, 4]), f64([3, 4])]);
  });
  it('fails when the createGraph gradient differs from the plain one', () => {
    expect(() => gradgradcheck((x) => cube(x!, 'value'), [f64([4])])).toThrow(/gradgradcheck: the gradient built with createGraph differs/);
  });
  it('fails when the createGraph gradient is not differentiable', () => {
    expect(() => gradgradcheck((x) => cube(x!, 'constant'), [f64([4])])).toThrow(/does not require grad/);
  });
});
