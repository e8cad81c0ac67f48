// Values and gradients against PyTorch 1.13 (scripts/fixtures/nn_fixtures.py writes test/fixtures/nn.json).
import { describe, expect, it } from 'vitest';
import { type DType, F, type Tensor, nn } from '../../src/index.js';
import { expectClose } from '../../src/testing/index.js';
import { type JsonTensor, fromJson, readFixture } from './helpers.js';

interface LossCase {
  fn: string;
  inputs: JsonTensor[];
  options: Record<string, unknown>;
  output: JsonTensor;
  upstream: JsonTensor | null;
  grads: Record<string, JsonTensor>;
}
interface LayerNormCase {
  normalizedShape: number[];
  eps: number;
  input: JsonTensor;
  weight: JsonTensor | null;
  bias: JsonTensor | null;
  output: JsonTensor;
  upstream: JsonTensor;
  grads: { input: JsonTensor; weight: JsonTensor | null; bias: JsonTensor | null };
}
interface ClipCase {
  maxNorm: number;
  normType: number | 'inf';
  grads: JsonTensor[];
  totalNorm: number;
  clipped: JsonTensor[];
}

const fixture = readFixture<{ losses: LossCase[]; layerNorm: LayerNormCase[]; clipGradNorm: ClipCase[] }>('nn.json');

const LOSSES: Record<string, (x: Tensor, t: Tensor, o: Record<string, unknown>) => Tensor> = {
  crossEntropy: (x, t, o) => F.crossEntropy(x, t, o),
  nllLoss: (x, t, o) => F.nllLoss(x, t, o),
  bceWithLogitsLoss: (x, t, o) => F.bceWithLogitsLoss(x, t, o),
  bceLoss: (x, t, o) => F.bceLoss(x, t, o),
  klDiv: (x, t, o) => F.klDiv(x, t, o),
  huberLoss: (x, t, o) => F.huberLoss(x, t, o),
  smoothL1Loss: (x, t, o) => F.smoothL1Loss(x, t, o),
  mseLoss: (x, t, o) => F.mseLoss(x, t, o),
  l1Loss: (x, t, o) => F.l1Loss(x, t, o),
};

/** Fixture options with tensors decoded. */
function options(o: Record<string, unknown>, dtype: DType): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = v !== null && typeof v === 'object' ? fromJson(v as JsonTensor, dtype) : v;
  return out;
}

const label = (c: LossCase) => `${c.fn} ${JSON.stringify(Object.fromEntries(Object.entries(c.options).map(([k, v]) => [k, v !== null && typeof v === 'object' ? 'tensor' : v])))} on ${JSON.stringify(c.inputs[0]!.shape)}`;

// float64 must agree to rounding; float32 to ~1e-5 relative
const TOL: Array<[DType, number]> = [['float64', 1e-9], ['float32', 2e-5]];

describe('losses match PyTorch', () => {
  expect(fixture.losses.length).toBeGreaterThan(100);
  for (const [dtype, tol] of TOL) {
    it.each(fixture.losses.map((c) => [label(c), c] as const))(`${dtype}: %s`, (_, c) => {
      const inputs = c.inputs.map((t, i) => fromJson(t, dtype, i < Object.keys(c.grads).length));
      const out = LOSSES[c.fn]!(inputs[0]!, inputs[1]!, options(c.options, dtype));
      expect(out.dtype).toBe(dtype);
      expectClose(out, c.output, tol, 'output');
      if (c.upstream === null) out.backward();
      else out.backward(fromJson(c.upstream, dtype));
      Object.values(c.grads).forEach((g, i) => {
        // the gradient of BCE at a probability of exactly 0 or 1 is ±1e12-ish: compare relatively
        expectClose(inputs[i]!.grad!, g, tol, `gradient of input ${i}`);
      });
    });
  }
});

describe('LayerNorm matches PyTorch', () => {
  for (const [dtype, tol] of TOL) {
    it.each(fixture.layerNorm.map((c) => [JSON.stringify(c.input.shape), JSON.stringify(c.normalizedShape), c] as const))(
      `${dtype}: input %s, normalizedShape %s`,
      (_, __, c) => {
        const ln = new nn.LayerNorm(c.normalizedShape, { eps: c.eps, elementwiseAffine: c.weight !== null, dtype });
        if (c.weight !== null) ln.loadStateDict({ weight: fromJson(c.weight), bias: fromJson(c.bias!) });
        const x = fromJson(c.input, dtype, true);
        const out = ln.forward(x);
        expectClose(out, c.output, tol, 'output');
        out.backward(fromJson(c.upstream, dtype));
        expectClose(x.grad!, c.grads.input, tol, 'input gradient');
        if (c.weight !== null) {
          expectClose(ln.weight!.grad!, c.grads.weight!, tol, 'weight gradient');
          expectClose(ln.bias!.grad!, c.grads.bias!, tol, 'bias gradient');
        }
      },
    );
  }
});

describe('clipGradNorm_ matches PyTorch', () => {
  it.each(fixture.clipGradNorm.map((c) => [c.maxNorm, c.normType, c] as const))('maxNorm %s, normType %s', (_, __, c) => {
    const params = c.grads.map((g) => {
      const p = new nn.Parameter(fromJson(g).mul(0));
      p.grad = fromJson(g);
      return p;
    });
    const total = nn.utils.clipGradNorm_(params, c.maxNorm, c.normType === 'inf' ? Infinity : c.normType);
    expect(total.ndim).toBe(0);
    expect(total.item()).toBeCloseTo(c.totalNorm, 10);
    params.forEach((p, i) => expectClose(p.grad!, c.clipped[i]!, { atol: 1e-12, rtol: 1e-10 }, `gradient ${i}`));
  });
});
