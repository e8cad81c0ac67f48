// A thread's share of a Winograd pass, one image at a time: padding, the
// transforms and the GEMMs all go through this thread's own buffers sized for
// one image, so what a phase writes (a few hundred KB on small images) is
// still in cache when the next reads it, instead of being written out for a
// whole batch and read back. A forward whose weight trains writes its
// transformed input V into the batch's block instead, kept for the weight
// gradient, which then reads it from there. Splitting the threads' work by
// images rather than by phase leaves one hand-off per pass instead of one per
// phase: waking a parked thread costs more than a phase.
import { PACKED, sgemmBatch } from './gemm';
import { winoInput, winoOutput, winoPad, winoTileGrad } from './winograd';
import { wino4Input, wino4Output } from './winograd4';

/**
 * out[n] for images n0..n1 of x (N, cin, h, w) with `tile` 2 (F(2x2, 3x3))
 * or 4 (F(4x4, 3x3)). xp, m: this thread's buffers for one image (padded
 * input, M); v: V's buffer, one image's (vStep 0) or the batch's (vStep: the
 * bytes from one image's columns to the next); u: the filters' planes packed
 * (packABatch), uPlane floats apart; gin as winoInput's (P: V's columns),
 * gout as winoOutput's for one image (P = its tiles); ws: this thread's GEMM
 * workspace.
 */
export function winoForwardImages(
  x: usize, xp: usize, v: usize, vStep: i32, m: usize, u: usize, uPlane: i32, bias: usize, out: usize, gin: usize, gout: usize,
  n0: i32, n1: i32, cout: i32, cin: i32, tile: i32, ws: usize,
): void {
  const inBytes = <usize>cin * load<i32>(gin, 4) * load<i32>(gin, 8) << 2;
  const outBytes = <usize>cout * load<i32>(gout, 4) * load<i32>(gout, 8) << 2;
  const T = load<i32>(gin, 20) * load<i32>(gin, 24);
  const planes = tile == 4 ? 36 : 16;
  for (let n = n0; n < n1; n++) {
    const vn = v + <usize>n * vStep;
    winoPad(x + <usize>n * inBytes, xp, gin, tile);
    if (tile == 4) wino4Input(xp, vn, gin, ws);
    else winoInput(xp, vn, gin);
    sgemmBatch(planes, cout, T, cin, u, (cout + 3) & ~3, uPlane, PACKED, vn, load<i32>(gin, 28), load<i32>(gin, 32), 0, m, T, load<i32>(gout, 24), 0, ws);
    if (tile == 4) wino4Output(m, out + <usize>n * outBytes, bias, gout, ws);
    else winoOutput(m, out + <usize>n * outBytes, bias, gout);
  }
}

/**
 * The weight gradient's share from images n0..n1: dU[e] (cout, cin) =
 * Yd[e] @ V[e]^T summed over their tiles, into this thread's own du (the
 * threads' are summed after). xp, yp, yd: this
 * thread's buffers for one image (padded input and output gradient, Yd); v:
 * as winoForwardImages's (vStep 0: transformed here from x; else the kept
 * block, x unread); gx, gy as winoInput's and winoTileGrad's (P: V's
 * columns, Yd's: one image's tiles).
 */
export function winoWeightGradImages(
  x: usize, xp: usize, v: usize, vStep: i32, dy: usize, yp: usize, yd: usize, du: usize, gx: usize, gy: usize,
  n0: i32, n1: i32, cout: i32, cin: i32, ws: usize,
): void {
  const inBytes = <usize>cin * load<i32>(gx, 4) * load<i32>(gx, 8) << 2;
  const outBytes = <usize>cout * load<i32>(gy, 4) * load<i32>(gy, 8) << 2;
  const T = load<i32>(gy, 20) * load<i32>(gy, 24);
  for (let n = n0; n < n1; n++) {
    const vn = v + <usize>n * vStep;
    if (vStep == 0) {
      winoPad(x + <usize>n * inBytes, xp, gx);
      winoInput(xp, vn, gx);
    }
    winoPad(dy + <usize>n * outBytes, yp, gy);
    winoTileGrad(yp, yd, gy);
    sgemmBatch(
      16, cout, cin, T, yd, T, load<i32>(gy, 32), 0, vn, load<i32>(gx, 28), load<i32>(gx, 32), 1,
      du, cin, cout * cin, n > n0 ? 1 : 0, ws,
    );
  }
}
