// Pooling, batch norm and resizing against PyTorch 1.13 (scripts/fixtures/vision_fixtures.py).
import { describe, expect, it } from 'vitest';
import { Tensor } from '@neurone/core';
import { F } from '../../src/index.js';
import { expectClose, fromArr, readFixtures, type Arr } from '../helpers.js';

interface Case {
  name: string;
  op: string;
  options: Record<string, unknown>;
  input: Arr; output: Arr; gradOutput: Arr; gradInput: Arr; indices?: Arr;
  // batch norm
  training?: boolean; momentum?: number; affine?: boolean; steps?: number;
  runningMeanBefore?: Arr; runningVarBefore?: Arr; runningMean?: Arr; runningVar?: Arr;
  weight?: Arr; bias?: Arr; gradWeight?: Arr; gradBias?: Arr; earlierInputs?: Arr[];
}

const { cases } = readFixtures<{ cases: Case[] }>('vision.json');

function run(c: Case, x: Tensor): [Tensor, Tensor | null] {
  const o = c.options as Record<string, never>;
  switch (c.op) {
    case 'maxPool2d': return F.maxPool2dWithIndices(x, o.kernelSize, o);
    case 'maxPool1d': return F.maxPool1dWithIndices(x, o.kernelSize, o);
    case 'avgPool2d': return [F.avgPool2d(x, o.kernelSize, o), null];
    case 'adaptiveAvgPool2d': return [F.adaptiveAvgPool2d(x, o.outputSize), null];
    case 'interpolate': return [F.interpolate(x, o), null];
    case 'maxUnpool2d': return [F.maxUnpool2d(x, fromArr(c.indices!, 'int32'), o.kernelSize, o), null];
    default: throw new Error(`unknown op ${c.op}`);
  }
}

describe('vision functional ops match PyTorch', () => {
  it('covers the ops the issue names', () => {
    const ops = new Set(cases.map((c) => c.op));
    for (const op of ['maxPool2d', 'maxPool1d', 'avgPool2d', 'adaptiveAvgPool2d', 'interpolate', 'maxUnpool2d', 'batchNorm']) expect(ops).toContain(op);
    expect(cases.filter((c) => c.op === 'batchNorm' && c.input.shape.length === 4).map((c) => c.training)).toEqual([true, false, true]);
  });

  for (const dtype of ['float64', 'float32'] as const) {
    const tol = dtype === 'float64' ? 1e-9 : 5e-5;
    for (const c of cases.filter((k) => k.op !== 'batchNorm')) {
      it(`${c.name} (${dtype})`, () => {
        const x = fromArr(c.input, dtype, true);
        const [y, idx] = run(c, x);
        expectClose(y, c.output, tol, 'output');
        if (c.indices && c.op !== 'maxUnpool2d') {
          expect(idx!.dtype).toBe('int32');
          expect(Array.from(idx!.data)).toEqual(c.indices.data);
        }
        y.backward(fromArr(c.gradOutput, dtype));
        expectClose(x.grad, c.gradInput, tol, 'gradInput');
      });
    }
    for (const c of cases.filter((k) => k.op === 'batchNorm')) {
      it(`${c.name} (${dtype})`, () => {
        const rm = fromArr(c.runningMeanBefore!, dtype);
        const rv = fromArr(c.runningVarBefore!, dtype);
        const w = c.affine ? fromArr(c.weight!, dtype, true) : null;
        const b = c.affine ? fromArr(c.bias!, dtype, true) : null;
        const opts = { weight: w, bias: b, training: c.training!, momentum: c.momentum! };
        for (const e of c.earlierInputs!) F.batchNorm(fromArr(e, dtype), rm, rv, opts);
        const x = fromArr(c.input, dtype, true);
        const y = F.batchNorm(x, rm, rv, opts);
        expectClose(y, c.output, tol, 'output');
        expectClose(rm, c.runningMean!, tol, 'runningMean');
        expectClose(rv, c.runningVar!, tol, 'runningVar');
        y.backward(fromArr(c.gradOutput, dtype));
        expectClose(x.grad, c.gradInput, tol * 10, 'gradInput');
        if (w) expectClose(w.grad, c.gradWeight!, tol * 10, 'gradWeight');
        if (b) expectClose(b.grad, c.gradBias!, tol * 10, 'gradBias');
      });
    }
  }
});
