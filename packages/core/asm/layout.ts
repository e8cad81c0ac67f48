// Data movement for 4-byte elements (float32 and int32 alike): strided copies
// (permute, broadcastTo), row copies with accumulation, index select/add,
// gather and scatter-add.
import { rowOffsets } from './elementwise';
import { transpose4 } from './simd';

/**
 * out (contiguous, the layout's shape) = x read through the layout's single
 * stride list (see rowOffsets, nin = 1). offs: scratch for rows + ndim i32s.
 */
export function stridedCopy(x: usize, out: usize, lay: usize, offs: usize): void {
  const nd = load<i32>(lay);
  if (nd == 0) {
    store<i32>(out, load<i32>(x));
    return;
  }
  const len = load<i32>(lay + (<usize>nd << 2));
  const ls = load<i32>(lay + (<usize>(2 * nd) << 2));
  let rows = 1;
  for (let d = 0; d < nd - 1; d++) rows *= load<i32>(lay + 4 + (<usize>d << 2));
  if (rows == 0 || len == 0) return;
  // batched transpose: x (B, C, R) read as out (B, R, C): tile 4x4 blocks
  if (nd >= 2 && ls == load<i32>(lay + 4 + (<usize>(nd - 2) << 2)) && load<i32>(lay + (<usize>(2 * nd - 1) << 2)) == 1) {
    const R = load<i32>(lay + 4 + (<usize>(nd - 2) << 2));
    const C = len;
    const B = rows / R;
    const bs = nd >= 3 ? load<i32>(lay + (<usize>(2 * nd - 2) << 2)) : 0;
    let ok = B == 1 || bs == R * C;
    if (nd > 3) ok = false;
    if (ok) {
      for (let t = 0; t < B; t++) transposeBlock(x + ((<usize>t * R * C) << 2), out + ((<usize>t * R * C) << 2), R, C);
      return;
    }
  }
  rowOffsets(lay, 1, 0, rows, offs);
  const rowB = <usize>len << 2;
  for (let r = 0; r < rows; r++) {
    const src = x + (<usize>load<i32>(offs + (<usize>r << 2)) << 2);
    const dst = out + <usize>r * rowB;
    if (ls == 1) memory.copy(dst, src, rowB);
    else if (ls == 0) {
      const v = load<i32>(src);
      for (let i = 0; i < len; i++) store<i32>(dst + (<usize>i << 2), v);
    } else {
      const sb = <usize>ls << 2;
      for (let i = 0; i < len; i++) store<i32>(dst + (<usize>i << 2), load<i32>(src + <usize>i * sb));
    }
  }
}

/** out (R, C) = transpose of x (C, R), in 4x4 register blocks. */
function transposeBlock(x: usize, out: usize, R: i32, C: i32): void {
  const xRow = <usize>R << 2; // x row stride in bytes
  const oRow = <usize>C << 2;
  const R4 = R & ~3, C4 = C & ~3;
  for (let c = 0; c < C4; c += 4) {
    for (let r = 0; r < R4; r += 4) {
      // rows c..c+3 of x, columns r..r+3 -> rows r..r+3 of out, columns c..c+3
      transpose4(x + <usize>c * xRow + (<usize>r << 2), xRow, out + <usize>r * oRow + (<usize>c << 2), oRow);
    }
  }
  for (let r = R4; r < R; r++) for (let c = 0; c < C; c++) store<i32>(out + <usize>r * oRow + (<usize>c << 2), load<i32>(x + <usize>c * xRow + (<usize>r << 2)));
  for (let r = 0; r < R4; r++) for (let c = C4; c < C; c++) store<i32>(out + <usize>r * oRow + (<usize>c << 2), load<i32>(x + <usize>c * xRow + (<usize>r << 2)));
}

/** dst[i] += src[i] for n floats. */
// @ts-ignore: decorator
@inline
function addInto(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}

/** For each of `outer` blocks, dst rows dstStart.. (of dstSize) += src rows srcStart.. (of srcSize); rows of `inner` floats. */
export function addRows(
  src: usize, srcSize: i32, srcStart: i32, dst: usize, dstSize: i32, dstStart: i32, outer: i32, len: i32, inner: i32,
): void {
  const n = len * inner;
  for (let o = 0; o < outer; o++) {
    const s = src + ((<usize>(o * srcSize + srcStart) * inner) << 2);
    const d = dst + ((<usize>(o * dstSize + dstStart) * inner) << 2);
    addInto(d, s, n);
  }
}

/** out (outer, m, inner) = x (outer, size, inner) at rows index[0..m]. */
export function indexSelect(x: usize, outer: i32, size: i32, inner: i32, index: usize, m: i32, out: usize): void {
  const rowB = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    for (let r = 0; r < m; r++) {
      const s = x + (<usize>(o * size + load<i32>(index + (<usize>r << 2)))) * rowB;
      memory.copy(out + (<usize>(o * m + r)) * rowB, s, rowB);
    }
  }
}

/** dst (outer, size, inner) += src (outer, m, inner) at rows index[0..m]. */
export function indexAdd(dst: usize, outer: i32, size: i32, inner: i32, index: usize, m: i32, src: usize): void {
  const rowB = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    for (let r = 0; r < m; r++) {
      const d = dst + (<usize>(o * size + load<i32>(index + (<usize>r << 2)))) * rowB;
      addInto(d, src + (<usize>(o * m + r)) * rowB, inner);
    }
  }
}

/**
 * Walks every position of the index tensor (shape in `lay`: ndim, shape[ndim],
 * then the other tensor's strides[ndim]); the other tensor's offset uses the
 * index value along `dim`. gather (scatter = 0): out[flat] = x[off];
 * scatter-add (scatter = 1): x[off] += out[flat].
 */
export function gatherScatter(x: usize, lay: usize, dim: i32, index: usize, out: usize, scatter: i32, coord: usize): void {
  const nd = load<i32>(lay);
  const shape = lay + 4;
  const strides = shape + (<usize>nd << 2);
  let n = 1;
  for (let d = 0; d < nd; d++) {
    n *= load<i32>(shape + (<usize>d << 2));
    store<i32>(coord + (<usize>d << 2), 0);
  }
  // offset of the current position without the `dim` term
  let base = 0;
  const ds = load<i32>(strides + (<usize>dim << 2));
  for (let flat = 0; flat < n; flat++) {
    const off = base + load<i32>(index + (<usize>flat << 2)) * ds;
    const po = x + (<usize>off << 2);
    const pf = out + (<usize>flat << 2);
    if (scatter) store<f32>(po, load<f32>(po) + load<f32>(pf));
    else store<i32>(pf, load<i32>(po));
    for (let d = nd - 1; d >= 0; d--) {
      const cp = coord + (<usize>d << 2);
      const v = load<i32>(cp) + 1;
      const st = d == dim ? 0 : load<i32>(strides + (<usize>d << 2));
      if (v < load<i32>(shape + (<usize>d << 2))) {
        store<i32>(cp, v);
        base += st;
        break;
      }
      base -= st * (v - 1);
      store<i32>(cp, 0);
    }
  }
}
