// im2col / col2im for float32 (F.unfold / F.fold), one output row (outW
// positions) at a time: with unit stride the in-bounds part is one memcpy.

/** Bytes from which memory.copy / memory.fill beat a vector loop (a short row pays the call). */
const BULK: usize = 512;

/** Copies `bytes` (a multiple of 4) from src to dst, which do not overlap. */
// @ts-ignore: decorator
@inline
function copyRow(dst: usize, src: usize, bytes: usize): void {
  if (bytes >= BULK) {
    memory.copy(dst, src, bytes);
    return;
  }
  let i: usize = 0;
  for (; i + 16 <= bytes; i += 16) v128.store(dst + i, v128.load(src + i));
  for (; i < bytes; i += 4) store<f32>(dst + i, load<f32>(src + i));
}

/** Zeroes `bytes` (a multiple of 4) at dst. */
// @ts-ignore: decorator
@inline
function zeroRow(dst: usize, bytes: usize): void {
  if (bytes >= BULK) {
    memory.fill(dst, 0, bytes);
    return;
  }
  const z = f32x4.splat(0);
  let i: usize = 0;
  for (; i + 16 <= bytes; i += 16) v128.store(dst + i, z);
  for (; i < bytes; i += 4) store<f32>(dst + i, 0);
}

/**
 * out (batch, channels * kernelH * kernelW, outH * outW) = sliding windows of
 * x (batch, channels, height, width); padding reads as 0. The geometry block
 * `g` holds 14 i32s in Im2colParams order.
 */
export function im2col(x: usize, out: usize, g: usize, n0: i32, n1: i32): void {
  const channels = load<i32>(g, 4), height = load<i32>(g, 8), width = load<i32>(g, 12);
  const kernelH = load<i32>(g, 16), kernelW = load<i32>(g, 20), strideH = load<i32>(g, 24), strideW = load<i32>(g, 28);
  const padTop = load<i32>(g, 32), padLeft = load<i32>(g, 36), dilationH = load<i32>(g, 40), dilationW = load<i32>(g, 44);
  const outH = load<i32>(g, 48), outW = load<i32>(g, 52);
  let o = out + ((<usize>n0 * channels * kernelH * kernelW * outH * outW) << 2);
  for (let n = n0; n < n1; n++) {
    for (let c = 0; c < channels; c++) {
      const plane = x + ((<usize>(n * channels + c) * height * width) << 2);
      for (let kh = 0; kh < kernelH; kh++) {
        for (let kw = 0; kw < kernelW; kw++) {
          // ow range whose column w = ow * strideW - padLeft + kw * dilationW is inside [0, width)
          const w0 = kw * dilationW - padLeft;
          let lo = w0 >= 0 ? 0 : (-w0 + strideW - 1) / strideW;
          let hi = width - w0 <= 0 ? 0 : (width - w0 + strideW - 1) / strideW;
          if (hi > outW) hi = outW;
          if (lo > hi) lo = hi;
          for (let oh = 0; oh < outH; oh++) {
            const h = oh * strideH - padTop + kh * dilationH;
            if (h < 0 || h >= height) {
              zeroRow(o, <usize>outW << 2);
            } else {
              const row = plane + ((<usize>h * width) << 2);
              if (lo > 0) zeroRow(o, <usize>lo << 2);
              if (strideW == 1) {
                copyRow(o + (<usize>lo << 2), row + (<usize>(lo + w0) << 2), <usize>(hi - lo) << 2);
              } else {
                for (let ow = lo; ow < hi; ow++) store<f32>(o + (<usize>ow << 2), load<f32>(row + (<usize>(ow * strideW + w0) << 2)));
              }
              if (hi < outW) zeroRow(o + (<usize>hi << 2), <usize>(outW - hi) << 2);
            }
            o += <usize>outW << 2;
          }
        }
      }
    }
  }
}

/** The adjoint of im2col: out (batch, channels, height, width) = sum of the column entries reading each position. */
export function col2im(col: usize, out: usize, g: usize, n0: i32, n1: i32): void {
  const channels = load<i32>(g, 4), height = load<i32>(g, 8), width = load<i32>(g, 12);
  const kernelH = load<i32>(g, 16), kernelW = load<i32>(g, 20), strideH = load<i32>(g, 24), strideW = load<i32>(g, 28);
  const padTop = load<i32>(g, 32), padLeft = load<i32>(g, 36), dilationH = load<i32>(g, 40), dilationW = load<i32>(g, 44);
  const outH = load<i32>(g, 48), outW = load<i32>(g, 52);
  memory.fill(out + ((<usize>n0 * channels * height * width) << 2), 0, (<usize>(n1 - n0) * channels * height * width) << 2);
  let o = col + ((<usize>n0 * channels * kernelH * kernelW * outH * outW) << 2);
  for (let n = n0; n < n1; n++) {
    for (let c = 0; c < channels; c++) {
      const plane = out + ((<usize>(n * channels + c) * height * width) << 2);
      for (let kh = 0; kh < kernelH; kh++) {
        for (let kw = 0; kw < kernelW; kw++) {
          const w0 = kw * dilationW - padLeft;
          let lo = w0 >= 0 ? 0 : (-w0 + strideW - 1) / strideW;
          let hi = width - w0 <= 0 ? 0 : (width - w0 + strideW - 1) / strideW;
          if (hi > outW) hi = outW;
          if (lo > hi) lo = hi;
          for (let oh = 0; oh < outH; oh++) {
            const h = oh * strideH - padTop + kh * dilationH;
            if (h >= 0 && h < height) {
              const row = plane + ((<usize>h * width) << 2);
              if (strideW == 1) {
                const d = row + (<usize>(lo + w0) << 2);
                const s = o + (<usize>lo << 2);
                const cnt = hi - lo;
                let i = 0;
                for (; i + 4 <= cnt; i += 4) {
                  const q = <usize>i << 2;
                  v128.store(d + q, f32x4.add(v128.load(d + q), v128.load(s + q)));
                }
                for (; i < cnt; i++) {
                  const q = <usize>i << 2;
                  store<f32>(d + q, load<f32>(d + q) + load<f32>(s + q));
                }
              } else {
                for (let ow = lo; ow < hi; ow++) {
                  const d = row + (<usize>(ow * strideW + w0) << 2);
                  store<f32>(d, load<f32>(d) + load<f32>(o + (<usize>ow << 2)));
                }
              }
            }
            o += <usize>outW << 2;
          }
        }
      }
    }
  }
}

/**
 * Max pooling's choice for planes p0..p1 of x (planes, height, width): for
 * each window, the flat index h * width + w of its largest element into out
 * (planes, outH * outW) as i32; the first in window order on ties, NaN wins,
 * the padding is never chosen. `g` is the im2col geometry block.
 */
export function maxPoolIndices(x: usize, out: usize, g: usize, p0: i32, p1: i32): void {
  const height = load<i32>(g, 8), width = load<i32>(g, 12);
  const kernelH = load<i32>(g, 16), kernelW = load<i32>(g, 20), strideH = load<i32>(g, 24), strideW = load<i32>(g, 28);
  const padTop = load<i32>(g, 32), padLeft = load<i32>(g, 36), dilationH = load<i32>(g, 40), dilationW = load<i32>(g, 44);
  const outH = load<i32>(g, 48), outW = load<i32>(g, 52);
  // 2x2 windows of stride 2 without padding (LeNet's, VGG's): four outputs at a time where whole windows fit
  const pairs = kernelH == 2 && kernelW == 2 && strideH == 2 && strideW == 2 && padTop == 0 && padLeft == 0 && dilationH == 1 && dilationW == 1;
  let o = out + ((<usize>p0 * outH * outW) << 2);
  for (let b = p0; b < p1; b++) {
    const plane = x + ((<usize>b * height * width) << 2);
    for (let i = 0; i < outH; i++) {
      const h0 = i * strideH - padTop;
      let j = 0;
      if (pairs && 2 * i + 1 < height) {
        const r0 = plane + ((<usize>h0 * width) << 2);
        const r1 = r0 + (<usize>width << 2);
        for (; j + 3 < outW && 2 * j + 7 < width; j += 4) {
          const c = <usize>(2 * j) << 2;
          const a0 = v128.load(r0 + c);
          const a1 = v128.load(r0 + c, 16);
          const b0 = v128.load(r1 + c);
          const b1 = v128.load(r1 + c, 16);
          // window order: (0,0), (0,1), (1,0), (1,1)
          let best = f32x4.shuffle(a0, a1, 0, 2, 4, 6);
          let at = i32x4.add(i32x4.splat(h0 * width + 2 * j), i32x4(0, 2, 4, 6));
          const one = i32x4.splat(1);
          const down = i32x4.splat(width);
          let v = f32x4.shuffle(a0, a1, 1, 3, 5, 7);
          let take = v128.or(f32x4.gt(v, best), v128.and(f32x4.ne(v, v), f32x4.eq(best, best)));
          const at01 = i32x4.add(at, one);
          const at10 = i32x4.add(at, down);
          const at11 = i32x4.add(at10, one);
          best = v128.bitselect(v, best, take);
          at = v128.bitselect(at01, at, take);
          v = f32x4.shuffle(b0, b1, 0, 2, 4, 6);
          take = v128.or(f32x4.gt(v, best), v128.and(f32x4.ne(v, v), f32x4.eq(best, best)));
          best = v128.bitselect(v, best, take);
          at = v128.bitselect(at10, at, take);
          v = f32x4.shuffle(b0, b1, 1, 3, 5, 7);
          take = v128.or(f32x4.gt(v, best), v128.and(f32x4.ne(v, v), f32x4.eq(best, best)));
          at = v128.bitselect(at11, at, take);
          v128.store(o, at);
          o += 16;
        }
      }
      for (; j < outW; j++) {
        const w0 = j * strideW - padLeft;
        let best: f32 = -Infinity;
        let at = -1;
        for (let a = 0; a < kernelH; a++) {
          const h = h0 + a * dilationH;
          if (h < 0 || h >= height) continue;
          const row = plane + ((<usize>h * width) << 2);
          for (let c = 0; c < kernelW; c++) {
            const w = w0 + c * dilationW;
            if (w < 0 || w >= width) continue;
            const v = load<f32>(row + (<usize>w << 2));
            // branch-free (the comparisons are coin flips on real data); NaN wins and stays
            const take = (<i32>(at < 0) | <i32>(v > best) | (<i32>(v != v) & <i32>(best == best))) != 0;
            best = select<f32>(v, best, take);
            at = select<i32>(h * width + w, at, take);
          }
        }
        store<i32>(o, at);
        o += 4;
      }
    }
  }
}
