// A thread's share of a Winograd forward, one image at a time: pad,
// transform, the GEMMs and the output transform all go through this thread's
// own buffers sized for one image, so the transformed input V and the
// products M are still in cache (a few hundred KB on small images) when the
// next phase reads them, instead of being written out for a whole batch and
// read back. A forward whose weight trains writes V into the batch's block
// instead, kept for the weight gradient.
import { PACKED, sgemmBatch } from './gemm';
import { winoInput, winoOutput, winoPad } from './winograd';
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
    winoPad(x + <usize>n * inBytes, xp, gin, 0, 1, tile);
    if (tile == 4) wino4Input(xp, vn, gin, 0, 1, ws);
    else winoInput(xp, vn, gin, 0, 1);
    sgemmBatch(planes, cout, T, cin, u, (cout + 3) & ~3, uPlane, PACKED, vn, load<i32>(gin, 28), load<i32>(gin, 32), 0, m, T, load<i32>(gout, 24), 0, ws);
    if (tile == 4) wino4Output(m, out + <usize>n * outBytes, bias, gout, 0, 1, ws);
    else winoOutput(m, out + <usize>n * outBytes, bias, gout, 0, 1);
  }
}
