// Forward values and gradients against PyTorch 1.13 (scripts/fixtures/conv_fixtures.py).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Tensor, conv1d, conv2d, convTranspose2d, fold, unfold, type DType } from '../../src/index.js';

interface Arr { shape: number[]; data: number[] }
interface Case {
  name: string;
  op: 'conv2d' | 'conv1d' | 'convTranspose2d' | 'unfold';
  options: Record<string, unknown>;
  kernelSize?: number[];
  input: Arr; weight?: Arr; bias?: Arr; output: Arr; gradOutput: Arr;
  gradInput: Arr; gradWeight?: Arr; gradBias?: Arr; foldOfGradOutput?: Arr;
}

const fixtures = JSON.parse(readFileSync(new URL('../fixtures/conv.json', import.meta.url), 'utf8')) as { cases: Case[] };

function leaf(a: Arr, dtype: DType): Tensor {
  const data = dtype === 'float64' ? Float64Array.from(a.data) : Float32Array.from(a.data);
  return new Tensor(data, a.shape, true);
}

function expectClose(t: Tensor | null, want: Arr, tol: number, what: string): void {
  expect(t, what).not.toBeNull();
  expect(t!.shape, what).toEqual(want.shape);
  let worst = 0;
  for (let i = 0; i < want.data.length; i++) worst = Math.max(worst, Math.abs(t!.data[i]! - want.data[i]!) / (1 + Math.abs(want.data[i]!)));
  expect(worst, what).toBeLessThan(tol);
}

describe('conv ops match PyTorch', () => {
  it('has the cases the issue asks for', () => {
    const ops = new Set(fixtures.cases.map((c) => c.op));
    expect([...ops].sort()).toEqual(['conv1d', 'conv2d', 'convTranspose2d', 'unfold']);
    expect(fixtures.cases.length).toBeGreaterThanOrEqual(14);
  });

  for (const dtype of ['float64', 'float32'] as const) {
    const tol = dtype === 'float64' ? 1e-10 : 2e-5;
    for (const c of fixtures.cases) {
      it(`${c.name} (${dtype})`, () => {
        const x = leaf(c.input, dtype);
        const gy = new Tensor(leaf(c.gradOutput, dtype).data, c.gradOutput.shape);
        if (c.op === 'unfold') {
          const y = unfold(x, c.kernelSize!, c.options);
          expectClose(y, c.output, tol, 'output');
          y.backward(gy);
          expectClose(x.grad, c.gradInput, tol, 'gradInput');
          expectClose(fold(gy, c.input.shape.slice(2), c.kernelSize!, c.options), c.foldOfGradOutput!, tol, 'fold');
          return;
        }
        const w = leaf(c.weight!, dtype);
        const b = c.bias ? leaf(c.bias, dtype) : null;
        const f = c.op === 'conv2d' ? conv2d : c.op === 'conv1d' ? conv1d : convTranspose2d;
        const y = f(x, w, b, c.options as never);
        expect(y.dtype).toBe(dtype);
        expectClose(y, c.output, tol, 'output');
        y.backward(gy);
        expectClose(x.grad, c.gradInput, tol, 'gradInput');
        expectClose(w.grad, c.gradWeight!, tol, 'gradWeight');
        if (b) expectClose(b.grad, c.gradBias!, tol, 'gradBias');
      });
    }
  }
});
