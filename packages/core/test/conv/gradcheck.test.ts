// Finite-difference checks (float64) for every conv op and option, first and second order.
import { describe, expect, it } from 'vitest';
import {
  Tensor, conv1d, conv2d, enableGrad, convTranspose2d, fold, gradcheck, gradgradcheck, randn, unfold, manualSeed,
  type ConvOptions, type ConvTransposeOptions,
} from '../../src/index.js';

const f64 = (shape: number[]) => randn(shape, { dtype: 'float64', requiresGrad: true });

describe('conv2d gradcheck', () => {
  const cases: Array<[string, number[], number[], boolean, ConvOptions]> = [
    ['plain', [2, 2, 5, 4], [3, 2, 3, 3], true, {}],
    ['stride 2, padding 1', [1, 2, 6, 5], [2, 2, 3, 3], true, { stride: 2, padding: 1 }],
    ['per-dim stride and padding', [1, 2, 5, 6], [2, 2, 2, 3], false, { stride: [2, 1], padding: [0, 2] }],
    ['dilation 2', [1, 1, 7, 6], [2, 1, 3, 2], true, { dilation: 2, padding: 1 }],
    ['groups 2', [2, 4, 4, 4], [4, 2, 3, 3], true, { groups: 2, padding: 1 }],
    ['depthwise', [1, 3, 4, 5], [3, 1, 2, 2], false, { groups: 3 }],
    ["'same', even kernel", [1, 2, 5, 5], [2, 2, 4, 2], true, { padding: 'same' }],
    ["'valid'", [1, 1, 5, 4], [2, 1, 3, 3], true, { padding: 'valid' }],
  ];
  for (const [name, xs, ws, bias, opts] of cases) {
    it(name, () => {
      manualSeed(7);
      const inputs = [f64(xs), f64(ws), ...(bias ? [f64([ws[0]!])] : [])];
      const r = gradcheck((x, w, b) => conv2d(x!, w!, b ?? null, opts), inputs);
      expect(r.maxError).toBeLessThan(1e-6);
    });
  }
  it('unbatched input', () => {
    manualSeed(8);
    gradcheck((x, w) => conv2d(x!, w!, null, { padding: 1 }), [f64([2, 4, 4]), f64([3, 2, 3, 3])]);
  });
});

describe('conv1d gradcheck', () => {
  const cases: Array<[string, number[], number[], ConvOptions]> = [
    ['plain', [2, 2, 7], [3, 2, 3], {}],
    ['stride, padding, dilation, groups', [2, 4, 9], [4, 2, 3], { stride: 2, padding: 1, dilation: 2, groups: 2 }],
    ["'same'", [1, 2, 6], [2, 2, 4], { padding: 'same' }],
  ];
  for (const [name, xs, ws, opts] of cases) {
    it(name, () => {
      manualSeed(9);
      gradcheck((x, w, b) => conv1d(x!, w!, b!, opts), [f64(xs), f64(ws), f64([ws[0]!])]);
    });
  }
});

describe('convTranspose2d gradcheck', () => {
  const cases: Array<[string, number[], number[], ConvTransposeOptions]> = [
    ['plain', [2, 2, 3, 4], [2, 3, 3, 3], {}],
    ['stride 2, padding 1, outputPadding 1', [1, 2, 3, 3], [2, 2, 3, 3], { stride: 2, padding: 1, outputPadding: 1 }],
    ['groups 2, dilation 2', [1, 4, 3, 3], [4, 1, 2, 2], { groups: 2, dilation: 2 }],
    ['per-dim options', [1, 2, 3, 4], [2, 2, 2, 3], { stride: [2, 1], padding: [1, 0], outputPadding: [1, 0] }],
  ];
  for (const [name, xs, ws, opts] of cases) {
    it(name, () => {
      manualSeed(10);
      const groups = opts.groups ?? 1;
      gradcheck((x, w, b) => convTranspose2d(x!, w!, b!, opts), [f64(xs), f64(ws), f64([ws[1]! * groups])]);
    });
  }
});

describe('unfold / fold gradcheck', () => {
  it('unfold with stride, padding, dilation', () => {
    manualSeed(11);
    gradcheck((x) => unfold(x!, [2, 3], { stride: [1, 2], padding: 1, dilation: [2, 1] }), [f64([2, 2, 5, 5])]);
  });
  it('fold with overlapping blocks', () => {
    manualSeed(12);
    // 4x4 image, 2x2 kernel, stride 1: 9 blocks
    gradcheck((c) => fold(c!, [4, 4], 2), [f64([1, 2 * 4, 9])]);
  });
  it('fold inverts unfold for non-overlapping blocks', () => {
    manualSeed(13);
    const x = randn([2, 3, 4, 6]);
    const back = fold(unfold(x, 2, { stride: 2 }), [4, 6], 2, { stride: 2 });
    expect(back.toList()).toEqual(x.toList());
  });
});

/** t.grad, read through a call so TypeScript does not narrow it to null after the reset above. */
function readGrad(t: Tensor): Tensor {
  if (t.grad === null) throw new Error('no gradient');
  return t.grad;
}

describe('second-order gradients', () => {
  // gradients of the gradient: each primitive's backward is built from the primitives again
  // (gradcheck runs fn under noGrad for the finite differences and reads .grad afterwards: keep both intact)
  const gradOf = (f: (x: Tensor, w: Tensor) => Tensor, which: 0 | 1) => (x: Tensor, w: Tensor) =>
    enableGrad(() => {
      const saved = [x.grad, w.grad];
      const y = f(x, w);
      const gy = new Tensor(Float64Array.from({ length: y.size }, (_, i) => Math.sin(i + 1)), y.shape);
      x.grad = null;
      w.grad = null;
      y.backward(gy, { createGraph: true });
      const g = readGrad(which === 0 ? x : w);
      [x.grad, w.grad] = saved as [Tensor | null, Tensor | null];
      expect(g.requiresGrad).toBe(true);
      return g.mul(g);
    });
  const conv = (x: Tensor, w: Tensor) => conv2d(x, w, null, { stride: 2, padding: 1, groups: 2 });
  const convT = (x: Tensor, w: Tensor) => convTranspose2d(x, w, null, { stride: 2, padding: 1, groups: 2 });
  for (const [name, f, xs, ws] of [
    ['conv2d', conv, [1, 4, 4, 4], [2, 2, 3, 3]],
    ['convTranspose2d', convT, [1, 4, 3, 3], [4, 1, 3, 3]],
  ] as const) {
    for (const which of [0, 1] as const) {
      it(`${name}: d(${which === 0 ? 'input' : 'weight'} grad)`, () => {
        manualSeed(14);
        gradcheck((x, w) => gradOf(f, which)(x!, w!), [f64([...xs]), f64([...ws])]);
      });
    }
  }
});

describe('conv2d bias: second-order gradients', () => {
  it('match finite differences, and the plain gradients', () => {
    manualSeed(15);
    gradgradcheck((x, w, b) => conv2d(x!, w!, b!, { padding: 1 }).tanh(), [f64([2, 2, 3, 3]), f64([3, 2, 3, 3]), f64([3])]);
  });
});
