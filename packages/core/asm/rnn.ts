// Fused gate activations of the LSTM and GRU cells (PyTorch's gate orders),
// one time step of `rows` rows: four lanes of a row at a time, the last
// (hidden % 4) units one lane at a time through the same vector functions.
import { vsigmoid, vtanh } from './math';

// @ts-ignore: decorator
@inline
function lane(v: v128): f32 {
  return f32x4.extract_lane(v, 0);
}

/**
 * act = [σ(i), σ(f), tanh(g), σ(o)], c = σ(f) cPrev + σ(i) tanh(g),
 * tc = tanh(c), h = σ(o) tc. gates, act (rows, 4H); cPrev, c, tc, h (rows, H).
 */
export function lstmCell(gates: usize, cPrev: usize, act: usize, c: usize, tc: usize, h: usize, rows: i32, hidden: i32): void {
  const H = <usize>hidden << 2;
  const vecEnd = <usize>(hidden & ~3) << 2;
  for (let r = 0; r < rows; r++) {
    const g = gates + <usize>r * 4 * H;
    const a = act + <usize>r * 4 * H;
    const o = <usize>r * H;
    let j: usize = 0;
    for (; j < vecEnd; j += 16) {
      const iv = vsigmoid(v128.load(g + j));
      const fv = vsigmoid(v128.load(g + H + j));
      const gv = vtanh(v128.load(g + 2 * H + j));
      const ov = vsigmoid(v128.load(g + 3 * H + j));
      v128.store(a + j, iv);
      v128.store(a + H + j, fv);
      v128.store(a + 2 * H + j, gv);
      v128.store(a + 3 * H + j, ov);
      const cv = f32x4.add(f32x4.mul(fv, v128.load(cPrev + o + j)), f32x4.mul(iv, gv));
      const t = vtanh(cv);
      v128.store(c + o + j, cv);
      v128.store(tc + o + j, t);
      v128.store(h + o + j, f32x4.mul(ov, t));
    }
    for (; j < H; j += 4) {
      const iv = lane(vsigmoid(f32x4.splat(load<f32>(g + j))));
      const fv = lane(vsigmoid(f32x4.splat(load<f32>(g + H + j))));
      const gv = lane(vtanh(f32x4.splat(load<f32>(g + 2 * H + j))));
      const ov = lane(vsigmoid(f32x4.splat(load<f32>(g + 3 * H + j))));
      store<f32>(a + j, iv);
      store<f32>(a + H + j, fv);
      store<f32>(a + 2 * H + j, gv);
      store<f32>(a + 3 * H + j, ov);
      const cv = fv * load<f32>(cPrev + o + j) + iv * gv;
      const t = lane(vtanh(f32x4.splat(cv)));
      store<f32>(c + o + j, cv);
      store<f32>(tc + o + j, t);
      store<f32>(h + o + j, ov * t);
    }
  }
}

/**
 * r = σ(gi_r + gh_r), z = σ(gi_z + gh_z), n = tanh(gi_n + r gh_n),
 * h = (1 - z) n + z hPrev; act = [r, z, n]. gi, gh, act (rows, 3H); hPrev, h (rows, H).
 */
export function gruCell(gi: usize, gh: usize, hPrev: usize, act: usize, h: usize, rows: i32, hidden: i32): void {
  const H = <usize>hidden << 2;
  const vecEnd = <usize>(hidden & ~3) << 2;
  const one = f32x4.splat(1);
  for (let r = 0; r < rows; r++) {
    const x = gi + <usize>r * 3 * H;
    const y = gh + <usize>r * 3 * H;
    const a = act + <usize>r * 3 * H;
    const o = <usize>r * H;
    let j: usize = 0;
    for (; j < vecEnd; j += 16) {
      const rv = vsigmoid(f32x4.add(v128.load(x + j), v128.load(y + j)));
      const zv = vsigmoid(f32x4.add(v128.load(x + H + j), v128.load(y + H + j)));
      const nv = vtanh(f32x4.add(v128.load(x + 2 * H + j), f32x4.mul(rv, v128.load(y + 2 * H + j))));
      v128.store(a + j, rv);
      v128.store(a + H + j, zv);
      v128.store(a + 2 * H + j, nv);
      v128.store(h + o + j, f32x4.add(f32x4.mul(f32x4.sub(one, zv), nv), f32x4.mul(zv, v128.load(hPrev + o + j))));
    }
    for (; j < H; j += 4) {
      const rv = lane(vsigmoid(f32x4.splat(load<f32>(x + j) + load<f32>(y + j))));
      const zv = lane(vsigmoid(f32x4.splat(load<f32>(x + H + j) + load<f32>(y + H + j))));
      const nv = lane(vtanh(f32x4.splat(load<f32>(x + 2 * H + j) + rv * load<f32>(y + 2 * H + j))));
      store<f32>(a + j, rv);
      store<f32>(a + H + j, zv);
      store<f32>(a + 2 * H + j, nv);
      store<f32>(h + o + j, (1 - zv) * nv + zv * load<f32>(hPrev + o + j));
    }
  }
}

/**
 * The GRU cell's backward for one step of `rows` rows, from what gruCell kept
 * (act = [r, z, n]), gh's candidate part and hPrev: with the output gradient
 * dh, dn = dh (1 - z) (1 - n²), dz = dh (hPrev - n) z (1 - z),
 * dr = dn gh_n r (1 - r); dgi = [dr, dz, dn], dgh = [dr, dz, dn r], and
 * dhPrev = dh z when dhPrev != 0. act, gh, dgi, dgh (rows, 3H); the rest (rows, H).
 */
export function gruCellBackward(
  act: usize, gh: usize, hPrev: usize, dh: usize, dgi: usize, dgh: usize, dhPrev: usize, rows: i32, hidden: i32,
): void {
  const H = <usize>hidden << 2;
  const vecEnd = <usize>(hidden & ~3) << 2;
  const one = f32x4.splat(1);
  for (let row = 0; row < rows; row++) {
    const a = act + <usize>row * 3 * H;
    const b = gh + <usize>row * 3 * H;
    const di = dgi + <usize>row * 3 * H;
    const dg = dgh + <usize>row * 3 * H;
    const o = <usize>row * H;
    let j: usize = 0;
    for (; j < vecEnd; j += 16) {
      const v = v128.load(dh + o + j);
      const r = v128.load(a + j), z = v128.load(a + H + j), n = v128.load(a + 2 * H + j);
      const dn = f32x4.mul(f32x4.mul(v, f32x4.sub(one, z)), f32x4.sub(one, f32x4.mul(n, n)));
      const dz = f32x4.mul(f32x4.mul(f32x4.mul(v, f32x4.sub(v128.load(hPrev + o + j), n)), z), f32x4.sub(one, z));
      const dr = f32x4.mul(f32x4.mul(f32x4.mul(dn, v128.load(b + 2 * H + j)), r), f32x4.sub(one, r));
      v128.store(di + j, dr);
      v128.store(dg + j, dr);
      v128.store(di + H + j, dz);
      v128.store(dg + H + j, dz);
      v128.store(di + 2 * H + j, dn);
      v128.store(dg + 2 * H + j, f32x4.mul(dn, r));
      if (dhPrev != 0) v128.store(dhPrev + o + j, f32x4.mul(v, z));
    }
    for (; j < H; j += 4) {
      const v = load<f32>(dh + o + j);
      const r = load<f32>(a + j), z = load<f32>(a + H + j), n = load<f32>(a + 2 * H + j);
      const dn = v * (1 - z) * (1 - n * n);
      const dz = v * (load<f32>(hPrev + o + j) - n) * z * (1 - z);
      const dr = dn * load<f32>(b + 2 * H + j) * r * (1 - r);
      store<f32>(di + j, dr);
      store<f32>(dg + j, dr);
      store<f32>(di + H + j, dz);
      store<f32>(dg + H + j, dz);
      store<f32>(di + 2 * H + j, dn);
      store<f32>(dg + 2 * H + j, dn * r);
      if (dhPrev != 0) store<f32>(dhPrev + o + j, v * z);
    }
  }
}

/**
 * The LSTM cell's backward for one step of `rows` rows, from what lstmCell kept
 * (act = [σ(i), σ(f), tanh(g), σ(o)], tc = tanh(c)) and the step's cPrev:
 * with dh = dy + dhIn and dc = dcIn + dh σ(o) (1 - tc²),
 * dG = [dc tanh(g) σ'(i), dc cPrev σ'(f), dc σ(i) (1 - tanh(g)²), dh tc σ'(o)],
 * and dcIn is overwritten with dc σ(f), the gradient of cPrev.
 * act, dG (rows, 4H); tc, cPrev, dy, dhIn, dcIn (rows, H).
 */
export function lstmCellBackward(
  act: usize, tc: usize, cPrev: usize, dy: usize, dhIn: usize, dcIn: usize, dG: usize, rows: i32, hidden: i32,
): void {
  const H = <usize>hidden << 2;
  const vecEnd = <usize>(hidden & ~3) << 2;
  const one = f32x4.splat(1);
  for (let r = 0; r < rows; r++) {
    const a = act + <usize>r * 4 * H;
    const g = dG + <usize>r * 4 * H;
    const o = <usize>r * H;
    let j: usize = 0;
    for (; j < vecEnd; j += 16) {
      const iv = v128.load(a + j);
      const fv = v128.load(a + H + j);
      const gv = v128.load(a + 2 * H + j);
      const ov = v128.load(a + 3 * H + j);
      const t = v128.load(tc + o + j);
      const dh = f32x4.add(v128.load(dy + o + j), v128.load(dhIn + o + j));
      const dc = f32x4.add(v128.load(dcIn + o + j), f32x4.mul(f32x4.mul(dh, ov), f32x4.sub(one, f32x4.mul(t, t))));
      v128.store(g + j, f32x4.mul(f32x4.mul(dc, gv), f32x4.mul(iv, f32x4.sub(one, iv))));
      v128.store(g + H + j, f32x4.mul(f32x4.mul(dc, v128.load(cPrev + o + j)), f32x4.mul(fv, f32x4.sub(one, fv))));
      v128.store(g + 2 * H + j, f32x4.mul(f32x4.mul(dc, iv), f32x4.sub(one, f32x4.mul(gv, gv))));
      v128.store(g + 3 * H + j, f32x4.mul(f32x4.mul(dh, t), f32x4.mul(ov, f32x4.sub(one, ov))));
      v128.store(dcIn + o + j, f32x4.mul(dc, fv));
    }
    for (; j < H; j += 4) {
      const iv = load<f32>(a + j);
      const fv = load<f32>(a + H + j);
      const gv = load<f32>(a + 2 * H + j);
      const ov = load<f32>(a + 3 * H + j);
      const t = load<f32>(tc + o + j);
      const dh = load<f32>(dy + o + j) + load<f32>(dhIn + o + j);
      const dc = load<f32>(dcIn + o + j) + dh * ov * (1 - t * t);
      store<f32>(g + j, dc * gv * (iv * (1 - iv)));
      store<f32>(g + H + j, dc * load<f32>(cPrev + o + j) * (fv * (1 - fv)));
      store<f32>(g + 2 * H + j, dc * iv * (1 - gv * gv));
      store<f32>(g + 3 * H + j, dh * t * (ov * (1 - ov)));
      store<f32>(dcIn + o + j, dc * fv);
    }
  }
}
