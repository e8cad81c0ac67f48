// Gradients of the rectifiers in one pass: out = x > 0 ? g : g * slope
// (exactly 0 when slope is 0, whatever g holds), over n float32 elements.

export function reluGrad(x: usize, g: usize, out: usize, n: i32, slope: f32): void {
  const zero = f32x4.splat(0);
  const s = f32x4.splat(slope);
  const end = <usize>(n & ~3) << 2;
  let i: usize = 0;
  if (slope == 0) {
    for (; i < end; i += 16) v128.store(out + i, v128.and(v128.load(g + i), f32x4.gt(v128.load(x + i), zero)));
  } else {
    for (; i < end; i += 16) {
      const gv = v128.load(g + i);
      v128.store(out + i, v128.bitselect(gv, f32x4.mul(gv, s), f32x4.gt(v128.load(x + i), zero)));
    }
  }
  for (; i < (<usize>n << 2); i += 4) {
    const gv = load<f32>(g + i);
    store<f32>(out + i, load<f32>(x + i) > 0 ? gv : slope == 0 ? 0 : gv * slope);
  }
}
