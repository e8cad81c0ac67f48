// Matrix products: 1-D, 2-D and batched with broadcast batch dims, as torch.matmul.
import { isGradEnabled, record } from '../autograd.js';
import { getBackend } from '../backend/index.js';
import { type DType, isFloating } from '../dtype.js';
import { DTypeError, ShapeError, fmtShape } from '../errors.js';
import { broadcastShapes, checkSize, sizeOf, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { cast } from './elementwise.js';
import { expand, reshape, transpose } from './shape.js';
import { empty, requireTensor, unbroadcast, uninitialized } from './util.js';

/** A GEMM's output: the kernel writes all of it, unless the inner dimension is empty (zeros). */
function gemmOut(shape: Shape, dtype: DType, inner: number): Tensor {
  return inner > 0 ? uninitialized(shape, dtype) : empty(shape, dtype);
}

/**
 * Matrix product with torch.matmul's rules: 1-D operands gain a dim that is
 * removed again, leading dims broadcast.
 *
 * Shape: (..., n, k) @ (..., k, m) -> (..., n, m)
 *
 * Example:
 *   matmul(randn([8, 3, 4]), randn([4, 5])).shape; // [8, 3, 5]
 */
export function matmul(x: Tensor, y: Tensor): Tensor {
  requireTensor('matmul', x);
  requireTensor('matmul', y, 'other');
  if (x.ndim === 0 || y.ndim === 0) {
    throw new ShapeError(`matmul: both arguments need at least 1 dimension, got shapes ${fmtShape(x.shape)} and ${fmtShape(y.shape)}`);
  }
  if (x.dtype !== y.dtype || !isFloating(x.dtype)) {
    if (!isFloating(x.dtype) || !isFloating(y.dtype)) {
      throw new DTypeError(`matmul: expected floating-point tensors, got ${x.dtype} and ${y.dtype}`);
    }
    const common = x.dtype === 'float64' || y.dtype === 'float64' ? 'float64' : 'float32';
    return matmul(cast(x, common), cast(y, common));
  }
  const a = x.ndim === 1 ? reshape(x, [1, x.shape[0]!]) : x;
  const b = y.ndim === 1 ? reshape(y, [y.shape[0]!, 1]) : y;
  const k = a.shape[a.ndim - 1]!;
  if (b.shape[b.ndim - 2] !== k) {
    throw new ShapeError(
      `matmul: cannot multiply ${fmtShape(x.shape)} by ${fmtShape(y.shape)}: inner dimensions ${k} and ${b.shape[b.ndim - 2]} differ`,
    );
  }
  let out = matmul2(a, b);
  if (x.ndim === 1) out = reshape(out, [...out.shape.slice(0, -2), out.shape[out.ndim - 1]!]);
  if (y.ndim === 1) out = reshape(out, out.shape.slice(0, -1));
  return out;
}

/** (..., n, k) @ (..., k, m) with at least 2 dims on each side. */
function matmul2(a: Tensor, b: Tensor): Tensor {
  const n = a.shape[a.ndim - 2]!;
  const k = a.shape[a.ndim - 1]!;
  const m = b.shape[b.ndim - 1]!;
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batchShape = broadcastShapes('matmul', batchA, batchB);
  checkSize('matmul', [...batchShape, n, m]);
  const batch = sizeOf(batchShape);
  // an operand whose batch dims differ from the result's is either shared (stride 0, when its
  // own batch size is 1) or expanded (null); at most one of sa, sb is 0
  const sa = operandStride(batchA, batch, n * k);
  const sb = operandStride(batchB, batch, k * m);
  const A = sa === null ? expand(a, [...batchShape, n, k]) : a;
  const B = sb === null ? expand(b, [...batchShape, k, m]) : b;
  const strideA = sa ?? n * k;
  const strideB = sb ?? k * m;
  const out = gemmOut([...batchShape, n, m], a.dtype, k);
  getBackend().matmul(A.data, B.data, out.data, {
    batch, m: n, n: m, k, transA: false, transB: false, strideA, strideB, accumulate: false,
  });
  return record('matmul', out, [a, b], (g) => {
    if (isGradEnabled()) {
      // createGraph: build the backward from differentiable ops
      return [
        a.requiresGrad ? unbroadcast(matmul2(g, transpose(b, -1, -2)), a.shape) : null,
        b.requiresGrad ? unbroadcast(matmul2(transpose(a, -1, -2), g), b.shape) : null,
      ];
    }
    // dA = g @ B^T and dB = A^T @ g straight from the kernel's transposed operands, no transposed copies
    let ga: Tensor | null = null;
    let gb: Tensor | null = null;
    if (a.requiresGrad) {
      if (sb === 0 && sa !== null) {
        // one B for every batch: all of g's rows at once, (batch n, m) @ (k, m)^T
        ga = gemmOut(a.shape, a.dtype, m);
        getBackend().matmul(g.data, B.data, ga.data, {
          batch: 1, m: batch * n, n: k, k: m, transA: false, transB: true, strideA: 0, strideB: 0, accumulate: false,
        });
      } else {
        ga = gemmOut([...batchShape, n, k], a.dtype, m);
        getBackend().matmul(g.data, B.data, ga.data, {
          batch, m: n, n: k, k: m, transA: false, transB: true, strideA: n * m, strideB, accumulate: false,
        });
        ga = unbroadcast(ga, a.shape);
      }
    }
    if (b.requiresGrad) {
      if (sa === 0) {
        gb = gemmOut([...batchShape, k, m], b.dtype, n);
        getBackend().matmul(A.data, g.data, gb.data, {
          batch, m: k, n: m, k: n, transA: true, transB: false, strideA: 0, strideB: n * m, accumulate: false,
        });
        gb = unbroadcast(gb, b.shape);
      } else if (sb === 0) {
        // one B for every batch: dB = sum over batches of A_t^T g_t = (batch n, k)^T @ (batch n, m)
        gb = gemmOut(b.shape, b.dtype, batch * n);
        getBackend().matmul(A.data, g.data, gb.data, {
          batch: 1, m: k, n: m, k: batch * n, transA: true, transB: false, strideA: 0, strideB: 0, accumulate: false,
        });
      } else {
        gb = gemmOut([...batchShape, k, m], b.dtype, n);
        getBackend().matmul(A.data, g.data, gb.data, {
          batch, m: k, n: m, k: n, transA: true, transB: false, strideA, strideB: n * m, accumulate: false,
        });
        gb = unbroadcast(gb, b.shape);
      }
    }
    return [ga, gb];
  });
}

/** The batch stride of an operand: its matrix size, 0 when one matrix serves every batch, null when it must be expanded. */
function operandStride(batchDims: readonly number[], batch: number, matSize: number): number | null {
  const own = sizeOf(batchDims);
  if (own === batch) return matSize;
  if (own === 1) return 0;
  return null;
}
