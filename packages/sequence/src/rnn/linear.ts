// x @ W^T (+ bias) (+ addend) as one recorded op, with every GEMM (forward and
// backward) done by the backend's matmul kernel on W as stored: no transposed copies.
import { DTypeError, ShapeError, Tensor, getBackend, type DType, type MatmulParams } from '@neurone/core';
import { fmtShape, recordOp, uninitializedOf, zerosOf } from '../util.js';
import type { StepWeight } from './shared.js';

export interface LinearOpOptions {
  bias?: Tensor | null;
  /** A tensor of the output's shape added to the result (e.g. a precomputed input projection). */
  addend?: Tensor | null;
}

/**
 * The (R, O) output of x Wᵀ (+ bias) (+ addend) and the GEMM's accumulate and
 * bias (which the GEMM adds): the addend (copied, or its own storage with
 * `inPlace`) for the GEMM to add onto; else uninitialised. Zeros when there
 * is nothing to add and I is 0 (the GEMM then writes nothing).
 */
function projection(
  R: number, O: number, I: number, dtype: DType, bias: Tensor | null, addend: Tensor | null, inPlace = false,
): { out: Tensor; params: Pick<MatmulParams, 'accumulate' | 'bias'> } {
  if (addend === null) {
    const out = bias !== null || I > 0 ? uninitializedOf([R, O], dtype) : zerosOf([R, O], dtype);
    return { out, params: { accumulate: false, bias: bias?.data ?? null } };
  }
  const out = inPlace ? new Tensor(addend.data, [R, O]) : uninitializedOf([R, O], dtype);
  if (out.data !== addend.data) out.data.set(addend.data);
  return { out, params: { accumulate: true, bias: bias?.data ?? null } };
}

/**
 * out = x @ w^T + bias + addend.
 *
 * Shape: x (R, I), w (O, I), bias (O), addend (R, O) -> (R, O)
 */
export function linearOp(x: Tensor, w: Tensor, opts: LinearOpOptions = {}): Tensor {
  const bias = opts.bias ?? null;
  const addend = opts.addend ?? null;
  const R = x.shape[0]!;
  const I = x.shape[1]!;
  const O = w.shape[0]!;
  if (x.ndim !== 2 || w.ndim !== 2 || w.shape[1] !== I) {
    throw new ShapeError(`linear: cannot multiply input ${fmtShape(x.shape)} by the transpose of weight ${fmtShape(w.shape)}`);
  }
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== O)) {
    throw new ShapeError(`linear: bias must have shape [${O}], got ${fmtShape(bias.shape)}`);
  }
  if (addend !== null && (addend.shape[0] !== R || addend.shape[1] !== O)) {
    throw new ShapeError(`linear: addend must have shape [${R},${O}], got ${fmtShape(addend.shape)}`);
  }
  const dtype = x.dtype;
  for (const t of [w, bias, addend]) {
    if (t !== null && t.dtype !== dtype) throw new DTypeError(`linear: expected all operands to be ${dtype}, got ${t.dtype}`);
  }
  const be = getBackend();
  const { out, params } = projection(R, O, I, dtype, bias, addend);
  be.matmul(x.data, w.data, out.data, { batch: 1, m: R, n: O, k: I, transA: false, transB: true, strideA: 0, strideB: 0, ...params });
  const inputs = [x, w];
  if (bias !== null) inputs.push(bias);
  if (addend !== null) inputs.push(addend);
  return recordOp('linear', out, inputs, (g) => {
    let dx: Tensor | null = null;
    let dw: Tensor | null = null;
    let db: Tensor | null = null;
    if (x.requiresGrad) {
      // dx = g @ W
      dx = O > 0 ? uninitializedOf([R, I], dtype) : zerosOf([R, I], dtype);
      be.matmul(g.data, w.data, dx.data, { batch: 1, m: R, n: I, k: O, transA: false, transB: false, strideA: 0, strideB: 0, accumulate: false });
    }
    if (w.requiresGrad) {
      // dW = g^T @ x
      dw = R > 0 ? uninitializedOf([O, I], dtype) : zerosOf([O, I], dtype);
      be.matmul(g.data, x.data, dw.data, { batch: 1, m: O, n: I, k: R, transA: true, transB: false, strideA: 0, strideB: 0, accumulate: false });
    }
    if (bias !== null && bias.requiresGrad) {
      db = zerosOf([O], dtype);
      be.reduce('sum', g.data, 1, R, O, db.data);
    }
    const grads = [dx, dw];
    if (bias !== null) grads.push(db);
    if (addend !== null) grads.push(g);
    return grads;
  });
}

/**
 * One time step's h @ W^T (+ b) (+ addend) with the recurrent weight of a
 * StepWeight: the weight's gradient is computed once for all steps. `row` is
 * where this step's rows start in the packed sequence. With `inPlace`, the
 * product is accumulated into the addend's own storage, which becomes the
 * result's: only for an addend nothing else reads (a block of the layer's
 * input projection, used by this step alone).
 *
 * Shape: h (n, I), addend (n, O) -> (n, O)
 */
export function stepLinear(h: Tensor, sw: StepWeight, row: number, addend: Tensor | null, inPlace = false): Tensor {
  const n = h.shape[0]!;
  const I = sw.inFeatures;
  const O = sw.outFeatures;
  const w = sw.weight;
  const bias = sw.bias;
  const be = getBackend();
  const { out, params } = projection(n, O, I, h.dtype, bias, addend, inPlace);
  be.matmul(h.data, w.data, out.data, {
    batch: 1, m: n, n: O, k: I, transA: false, transB: true, strideA: 0, strideB: 0, ...params, residentB: sw.resident(),
  });
  const inputs = [h, w];
  if (bias !== null) inputs.push(bias);
  if (addend !== null) inputs.push(addend);
  return recordOp('linear', out, inputs, (g) => {
    let dh: Tensor | null = null;
    if (h.requiresGrad) {
      dh = O > 0 ? uninitializedOf([n, I], h.dtype) : zerosOf([n, I], h.dtype);
      be.matmul(g.data, w.data, dh.data, {
        batch: 1, m: n, n: I, k: O, transA: false, transB: false, strideA: 0, strideB: 0, accumulate: false, residentB: sw.resident(),
      });
    }
    const [dw, db] = sw.store(row, g, h);
    const grads: Array<Tensor | null> = [dh, dw];
    if (bias !== null) grads.push(db);
    if (addend !== null) grads.push(g);
    return grads;
  });
}
