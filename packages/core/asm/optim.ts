// The Adam / AdamW update over n float32 parameters, in place, in float64
// arithmetic exactly as the reference loop does it (src/backend/adam.ts):
// the moments are rounded to float32 when stored and read back rounded, so
// both backends give the same bits. Two lanes of f64 per step.

/**
 * x *= decay (AdamW, when decay != 1); g' = sign * g + l2 * x;
 * m = f32(beta1 * m + (1 - beta1) * g'); v = f32(beta2 * v + (1 - beta2) * g'^2);
 * x = x - stepSize * m / (sqrt(v) * invBc2 + eps).
 */
export function adam(
  x: usize, g: usize, m: usize, v: usize, n: i32,
  beta1: f64, beta2: f64, sign: f64, l2: f64, decay: f64, stepSize: f64, invBc2: f64, eps: f64,
): void {
  const b1 = f64x2.splat(beta1), b2 = f64x2.splat(beta2);
  const c1 = f64x2.splat(1 - beta1), c2 = f64x2.splat(1 - beta2);
  const sg = f64x2.splat(sign), wd = f64x2.splat(l2), dc = f64x2.splat(decay);
  const ss = f64x2.splat(stepSize), ib = f64x2.splat(invBc2), ep = f64x2.splat(eps);
  const end = <usize>(n & ~1) << 2;
  let i: usize = 0;
  for (; i < end; i += 8) {
    // two f32 of each array, widened
    let xi = f64x2.promote_low_f32x4(v128.load64_zero(x + i));
    // the decayed x is stored as f32 before it is read again, as the reference does
    if (decay != 1) xi = f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(f64x2.mul(xi, dc)));
    let gi = f64x2.mul(sg, f64x2.promote_low_f32x4(v128.load64_zero(g + i)));
    if (l2 != 0) gi = f64x2.add(gi, f64x2.mul(wd, xi));
    const m32 = f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(v128.load64_zero(m + i)), b1), f64x2.mul(c1, gi)));
    const v32 = f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(v128.load64_zero(v + i)), b2), f64x2.mul(f64x2.mul(c2, gi), gi)));
    v128.store64_lane(m + i, m32, 0);
    v128.store64_lane(v + i, v32, 0);
    const mi = f64x2.promote_low_f32x4(m32);
    const vi = f64x2.promote_low_f32x4(v32);
    const step = f64x2.mul(ss, f64x2.div(mi, f64x2.add(f64x2.mul(f64x2.sqrt(vi), ib), ep)));
    v128.store64_lane(x + i, f32x4.demote_f64x2_zero(f64x2.sub(xi, step)), 0);
  }
  for (; i < (<usize>n << 2); i += 4) {
    let xi = <f64>load<f32>(x + i);
    if (decay != 1) xi = <f64><f32>(xi * decay);
    let gi = sign * <f64>load<f32>(g + i);
    if (l2 != 0) gi += l2 * xi;
    const mi = <f64><f32>(<f64>load<f32>(m + i) * beta1 + (1 - beta1) * gi);
    const vi = <f64><f32>(<f64>load<f32>(v + i) * beta2 + (1 - beta2) * gi * gi);
    store<f32>(m + i, <f32>mi);
    store<f32>(v + i, <f32>vi);
    store<f32>(x + i, <f32>(xi - stepSize * (mi / (Math.sqrt(vi) * invBc2 + eps))));
  }
}

/**
 * SGD over n float32 parameters (src/backend/sgd.ts is the reference, matched
 * bit for bit): d = sign g + wd x; with a momentum buffer (buf != 0)
 * buf = first ? d : momentum buf + keep d and d = nesterov ? d + momentum buf : buf;
 * x -= lr d. float64 arithmetic, float32 storage.
 */
export function sgd(
  x: usize, g: usize, buf: usize, n: i32, sign: f64, wd: f64, lr: f64, momentum: f64, keep: f64, first: i32, nesterov: i32,
): void {
  const sg = f64x2.splat(sign), w = f64x2.splat(wd), l = f64x2.splat(lr), mo = f64x2.splat(momentum), kp = f64x2.splat(keep);
  const end = <usize>(n & ~1) << 2;
  let i: usize = 0;
  for (; i < end; i += 8) {
    const xi = f64x2.promote_low_f32x4(v128.load64_zero(x + i));
    let d = f64x2.mul(sg, f64x2.promote_low_f32x4(v128.load64_zero(g + i)));
    if (wd != 0) d = f64x2.add(d, f64x2.mul(w, xi));
    if (buf != 0) {
      const b32 = f32x4.demote_f64x2_zero(first ? d : f64x2.add(f64x2.mul(mo, f64x2.promote_low_f32x4(v128.load64_zero(buf + i))), f64x2.mul(kp, d)));
      v128.store64_lane(buf + i, b32, 0);
      const b = f64x2.promote_low_f32x4(b32);
      d = nesterov ? f64x2.add(d, f64x2.mul(mo, b)) : b;
    }
    v128.store64_lane(x + i, f32x4.demote_f64x2_zero(f64x2.sub(xi, f64x2.mul(l, d))), 0);
  }
  for (; i < (<usize>n << 2); i += 4) {
    const xi = <f64>load<f32>(x + i);
    let d = sign * <f64>load<f32>(g + i);
    if (wd != 0) d += wd * xi;
    if (buf != 0) {
      const b = <f64><f32>(first ? d : momentum * <f64>load<f32>(buf + i) + keep * d);
      store<f32>(buf + i, <f32>b);
      d = nesterov ? d + momentum * b : b;
    }
    store<f32>(x + i, <f32>(xi - lr * d));
  }
}
