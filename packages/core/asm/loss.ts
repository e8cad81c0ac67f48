// Binary cross-entropy of probabilities, elementwise, forward and gradient in
// one pass each (the reference is src/backend/js.ts; PyTorch clamps the logs
// at -100 and the gradient's denominator at 1e-12).
import { vlog } from './math';

/**
 * out = -(y max(log x, -100) + (1 - y) max(log(1 - x), -100)) over n float32
 * elements; stores at `bad` (an i32) how many x are not probabilities
 * (outside [0, 1], or NaN): a thread's share has a slot of its own.
 */
export function bce(x: usize, y: usize, out: usize, n: i32, bad: usize): void {
  const one = f32x4.splat(1);
  const zero = f32x4.splat(0);
  const floor = f32x4.splat(-100);
  const end = <usize>(n & ~3) << 2;
  // per lane, minus the count of x in [0, 1] (a true comparison is -1)
  let inRange = i32x4.splat(0);
  let i: usize = 0;
  for (; i < end; i += 16) {
    const xv = v128.load(x + i);
    const yv = v128.load(y + i);
    inRange = i32x4.add(inRange, v128.and(f32x4.ge(xv, zero), f32x4.le(xv, one)));
    // f32x4.max keeps NaN, as the reference's clamp does
    const lx = f32x4.max(vlog(xv), floor);
    const l1x = f32x4.max(vlog(f32x4.sub(one, xv)), floor);
    v128.store(out + i, f32x4.neg(f32x4.add(f32x4.mul(yv, lx), f32x4.mul(f32x4.sub(one, yv), l1x))));
  }
  let count = <i32>(end >> 2) + i32x4.extract_lane(inRange, 0) + i32x4.extract_lane(inRange, 1) + i32x4.extract_lane(inRange, 2) + i32x4.extract_lane(inRange, 3);
  for (; i < (<usize>n << 2); i += 4) {
    const xv = <f64>load<f32>(x + i);
    const yv = <f64>load<f32>(y + i);
    if (!(xv >= 0 && xv <= 1)) count++;
    const lx = clampLog(Math.log(xv));
    const l1x = clampLog(Math.log(1 - xv));
    store<f32>(out + i, <f32>-(yv * lx + (1 - yv) * l1x));
  }
  store<i32>(bad, count);
}

/** out = g (x - y) / max(x (1 - x), 1e-12) over n float32 elements. */
export function bceGrad(x: usize, y: usize, g: usize, out: usize, n: i32): void {
  const one = f32x4.splat(1);
  const eps = f32x4.splat(1e-12);
  const end = <usize>(n & ~3) << 2;
  let i: usize = 0;
  for (; i < end; i += 16) {
    const xv = v128.load(x + i);
    const num = f32x4.mul(v128.load(g + i), f32x4.sub(xv, v128.load(y + i)));
    v128.store(out + i, f32x4.div(num, f32x4.max(f32x4.mul(xv, f32x4.sub(one, xv)), eps)));
  }
  for (; i < (<usize>n << 2); i += 4) {
    const xv = <f64>load<f32>(x + i);
    const d = xv * (1 - xv);
    store<f32>(out + i, <f32>((<f64>load<f32>(g + i) * (xv - <f64>load<f32>(y + i))) / (d != d ? d : d < 1e-12 ? 1e-12 : d)));
  }
}

// @ts-ignore: decorator
@inline
function clampLog(l: f64): f64 {
  return l != l ? l : l < -100 ? -100 : l;
}
