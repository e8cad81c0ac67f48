// Binary cross-entropy of probabilities, elementwise, forward and gradient in
// one pass each (the reference is src/backend/js.ts; PyTorch clamps the logs
// at -100 and the gradient's denominator at 1e-12).
import { vlog } from './math';

/** out = -(y max(log x, -100) + (1 - y) max(log(1 - x), -100)) over n float32 elements. */
export function bce(x: usize, y: usize, out: usize, n: i32): void {
  const one = f32x4.splat(1);
  const floor = f32x4.splat(-100);
  const end = <usize>(n & ~3) << 2;
  let i: usize = 0;
  for (; i < end; i += 16) {
    const xv = v128.load(x + i);
    const yv = v128.load(y + i);
    // f32x4.max keeps NaN, as the reference's clamp does
    const lx = f32x4.max(vlog(xv), floor);
    const l1x = f32x4.max(vlog(f32x4.sub(one, xv)), floor);
    v128.store(out + i, f32x4.neg(f32x4.add(f32x4.mul(yv, lx), f32x4.mul(f32x4.sub(one, yv), l1x))));
  }
  for (; i < (<usize>n << 2); i += 4) {
    const xv = <f64>load<f32>(x + i);
    const yv = <f64>load<f32>(y + i);
    const lx = clampLog(Math.log(xv));
    const l1x = clampLog(Math.log(1 - xv));
    store<f32>(out + i, <f32>-(yv * lx + (1 - yv) * l1x));
  }
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
