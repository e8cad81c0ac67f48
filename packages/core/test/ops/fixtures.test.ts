// Values and gradients compared with PyTorch (fixtures from scripts/fixtures/ops_fixtures.py).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as core from '../../src/index.js';
import { type Tensor, tensor } from '../../src/index.js';
import { forEachBackend } from './reference.js';

interface Encoded {
  shape: number[];
  data: number[];
}
interface Case {
  name: string;
  op: string;
  dtype: 'float32' | 'float64';
  inputs: Encoded[];
  indices: Encoded[];
  options: Record<string, unknown>;
  output: Encoded;
  upstream: Encoded;
  grads: Encoded[];
}

const doc = JSON.parse(readFileSync(new URL('../fixtures/ops.json', import.meta.url), 'utf8')) as { cases: Case[] };

type Recipe = (xs: Tensor[], idx: Tensor[], o: Record<string, never>) => Tensor;
const recipes: Record<string, Recipe> = {
  matmul: ([a, b]) => core.matmul(a!, b!),
  logSoftmax: ([x], _, o) => core.logSoftmax(x!, o.dim),
  softmax: ([x], _, o) => core.softmax(x!, o.dim),
  logsumexp: ([x], _, o) => core.logsumexp(x!, o.dim, o.keepdim),
  var: ([x], _, o) => core.var(x!, o.dim, { correction: o.correction, keepdim: o.keepdim }),
  std: ([x], _, o) => core.std(x!, o.dim, { correction: o.correction, keepdim: o.keepdim }),
  gelu: ([x]) => core.gelu(x!),
  elu: ([x], _, o) => core.elu(x!, o.alpha),
  softplus: ([x]) => core.softplus(x!),
  leakyRelu: ([x], _, o) => core.leakyRelu(x!, o.negativeSlope),
  maximum: ([a, b]) => core.maximum(a!, b!),
  minimum: ([a, b]) => core.minimum(a!, b!),
  pad: ([x], _, o) => core.pad(x!, o.pad, o.value),
  gather: ([x], [i], o) => core.gather(x!, o.dim, i!),
  scatterAdd: ([x, s], [i], o) => core.scatterAdd(x!, o.dim, i!, s!),
  indexSelect: ([x], [i], o) => core.indexSelect(x!, o.dim, i!),
};

/** |got - want| <= tol * max(1, |want|) everywhere, shapes equal. */
function expectMatches(got: Tensor, want: Encoded, tol: number, what: string): void {
  expect(got.shape, `${what} shape`).toEqual(want.shape);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.data.length; i++) {
    const err = Math.abs(got.data[i]! - want.data[i]!) / Math.max(1, Math.abs(want.data[i]!));
    if (!(err <= worst)) [worst, at] = [err, i];
  }
  expect(worst, `${what}: worst relative error at element ${at}: ${got.data[at]} vs ${want.data[at]}`).toBeLessThanOrEqual(tol);
}

forEachBackend(() => {
  describe('ops against PyTorch fixtures', () => {
    it('has the expected cases', () => {
      expect(doc.cases.length).toBeGreaterThan(60);
      expect(new Set(doc.cases.map((c) => c.op))).toEqual(new Set(Object.keys(recipes)));
    });

    it.each(doc.cases.map((c) => [`${c.name} (${c.dtype})`, c] as const))('%s', (_label, c) => {
      const tol = c.dtype === 'float32' ? 1e-5 : 1e-10;
      const xs = c.inputs.map((e) => tensor(e.data, { shape: e.shape, dtype: c.dtype, requiresGrad: true }));
      const idx = c.indices.map((e) => tensor(e.data, { shape: e.shape, dtype: 'int32' }));
      const out = recipes[c.op]!(xs, idx, c.options as Record<string, never>);
      expect(out.dtype).toBe(c.dtype);
      expectMatches(out, c.output, tol, 'output');
      out.backward(tensor(c.upstream.data, { shape: c.upstream.shape, dtype: c.dtype }));
      c.grads.forEach((g, k) => expectMatches(xs[k]!.grad!, g, tol, `gradient of input ${k}`));
    });
  });
});
