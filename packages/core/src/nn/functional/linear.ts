// Affine maps: linear (y = x Wᵀ + b) and bilinear (y = x₁ᵀ A x₂ + b).
import { isGradEnabled, record } from '../../autograd.js';
import { getBackend } from '../../backend/index.js';
import { DTypeError, ShapeError, fmtShape } from '../../errors.js';
import { isFloating } from '../../dtype.js';
import { sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { add, mul } from '../../ops/elementwise.js';
import { matmul } from '../../ops/matmul.js';
import { sum } from '../../ops/reduce.js';
import { permute, reshape, transpose, unsqueeze } from '../../ops/shape.js';
import { empty, requireTensor, uninitialized } from '../../ops/util.js';

function sameFloatDType(op: string, input: Tensor, weight: Tensor, what = 'weight'): void {
  if (!isFloating(input.dtype) || input.dtype !== weight.dtype) {
    throw new DTypeError(
      `${op}: input and ${what} must have the same floating dtype, got ${input.dtype} and ${weight.dtype}` +
        (isFloating(input.dtype) && isFloating(weight.dtype) ? ' (convert the input with .to(), or the module with .double()/.float())' : ''),
    );
  }
}

function checkBias(op: string, bias: Tensor, outFeatures: number, dtype: string): void {
  requireTensor(op, bias, 'bias');
  if (bias.ndim !== 1 || bias.shape[0] !== outFeatures) {
    throw new ShapeError(`${op}: bias must have shape [${outFeatures}] (one per output feature), got ${fmtShape(bias.shape)}`);
  }
  if (bias.dtype !== dtype) throw new DTypeError(`${op}: bias dtype ${bias.dtype} differs from the input's ${dtype}`);
}

/**
 * y = x Wᵀ + b over the last dim, as one kernel call (W read transposed in
 * place, the product added onto the bias rows); the backward is dx = g W,
 * dW = gᵀ x and db = Σ rows of g, as kernel calls, or as differentiable ops
 * when the gradient's own graph is wanted (createGraph).
 *
 * Shape: input (*, in), weight (out, in), bias (out) -> (*, out)
 *
 * Example:
 *   F.linear(randn([8, 20]), randn([10, 20]), zeros([10])).shape; // [8, 10]
 */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  requireTensor('linear', input);
  requireTensor('linear', weight, 'weight');
  if (weight.ndim !== 2) throw new ShapeError(`linear: weight must be 2-D (outFeatures, inFeatures), got shape ${fmtShape(weight.shape)}`);
  const [outF, inF] = weight.shape as [number, number];
  if (input.ndim === 0 || input.shape[input.ndim - 1] !== inF) {
    throw new ShapeError(
      `linear: input of shape ${fmtShape(input.shape)} has ${input.ndim === 0 ? 'no' : input.shape[input.ndim - 1]} features in its last dim, ` +
        `but the weight of shape ${fmtShape(weight.shape)} expects ${inF}`,
    );
  }
  sameFloatDType('linear', input, weight);
  if (bias != null) checkBias('linear', bias, outF, input.dtype);
  const lead = input.shape.slice(0, -1);
  const m = sizeOf(lead);
  const x = input.ndim === 2 ? input : reshape(input, [m, inF]);
  const be = getBackend();
  // x Wᵀ + b in one kernel call, which writes every element (the bias alone when inF is 0; zeros without one)
  const out = bias != null || inF > 0 ? uninitialized([m, outF], input.dtype) : empty([m, outF], input.dtype);
  be.matmul(x.data, weight.data, out.data, {
    batch: 1, m, n: outF, k: inF, transA: false, transB: true, strideA: 0, strideB: 0, accumulate: false, bias: bias?.data ?? null,
  });
  const inputs = bias != null ? [x, weight, bias] : [x, weight];
  const r = record('linear', out, inputs, (g) => {
    if (isGradEnabled()) {
      // building the gradient's own graph (createGraph): differentiable ops
      const grads = [x.requiresGrad ? matmul(g, weight) : null, weight.requiresGrad ? matmul(transpose(g, 0, 1), x) : null];
      return bias != null ? [...grads, bias.requiresGrad ? sum(g, 0) : null] : grads;
    }
    // dx (m, in) = g (m, out) @ W (out, in); dW (out, in) = gᵀ @ x with g read transposed in place; db = Σ rows of g
    let dx: Tensor | null = null;
    let dw: Tensor | null = null;
    let db: Tensor | null = null;
    if (x.requiresGrad) {
      dx = outF > 0 ? uninitialized([m, inF], g.dtype) : empty([m, inF], g.dtype);
      be.matmul(g.data, weight.data, dx.data, { batch: 1, m, n: inF, k: outF, transA: false, transB: false, strideA: 0, strideB: 0, accumulate: false });
    }
    if (weight.requiresGrad) {
      dw = m > 0 ? uninitialized([outF, inF], g.dtype) : empty([outF, inF], g.dtype);
      be.matmul(g.data, x.data, dw.data, { batch: 1, m: outF, n: inF, k: m, transA: true, transB: false, strideA: 0, strideB: 0, accumulate: false });
    }
    if (bias != null && bias.requiresGrad) {
      db = empty([outF], g.dtype);
      be.reduce('sum', g.data, 1, m, outF, db.data);
    }
    return bias != null ? [dx, dw, db] : [dx, dw];
  });
  return input.ndim === 2 ? r : reshape(r, [...lead, outF]);
}

/**
 * y_k = x₁ᵀ A_k x₂ + b_k over the last dims.
 *
 * Shape: input1 (*, in1), input2 (*, in2), weight (out, in1, in2), bias (out) -> (*, out)
 *
 * Example:
 *   F.bilinear(randn([4, 3]), randn([4, 5]), randn([2, 3, 5])).shape; // [4, 2]
 */
export function bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  requireTensor('bilinear', input1, 'input1');
  requireTensor('bilinear', input2, 'input2');
  requireTensor('bilinear', weight, 'weight');
  if (weight.ndim !== 3) throw new ShapeError(`bilinear: weight must be 3-D (out, in1, in2), got shape ${fmtShape(weight.shape)}`);
  const [outF, in1, in2] = weight.shape as [number, number, number];
  const lead = input1.shape.slice(0, -1);
  const lead2 = input2.shape.slice(0, -1);
  if (
    input1.ndim === 0 || input2.ndim !== input1.ndim || input1.shape[input1.ndim - 1] !== in1 ||
    input2.shape[input2.ndim - 1] !== in2 || lead.some((d, i) => d !== lead2[i])
  ) {
    throw new ShapeError(
      `bilinear: expected input1 (*, ${in1}) and input2 (*, ${in2}) with the same leading dims for weight ${fmtShape(weight.shape)}, ` +
        `got ${fmtShape(input1.shape)} and ${fmtShape(input2.shape)}`,
    );
  }
  sameFloatDType('bilinear', input1, weight);
  sameFloatDType('bilinear', input2, weight);
  if (bias != null) checkBias('bilinear', bias, outF, input1.dtype);
  const m = sizeOf(lead);
  const x1 = reshape(input1, [m, in1]);
  const x2 = reshape(input2, [m, in2]);
  // t[n, o, j] = Σ_i x1[n, i] W[o, i, j], then y[n, o] = Σ_j t[n, o, j] x2[n, j]
  const w = reshape(permute(weight, [1, 0, 2]), [in1, outF * in2]);
  const t = reshape(matmul(x1, w), [m, outF, in2]);
  let y = sum(mul(t, unsqueeze(x2, 1)), 2);
  if (bias != null) y = add(y, bias);
  return reshape(y, [...lead, outF]);
}
