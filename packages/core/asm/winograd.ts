// Winograd F(2x2, 3x3) convolution (Lavin and Gray, 2015) for 3x3 kernels with
// unit stride and dilation: each 2x2 block of outputs ("tile") comes from a 4x4
// input patch through 16 elementwise products in the transformed domain,
// 2.25x fewer multiplications than the direct sum. The products of all tiles
// are 16 GEMMs, M[e] (O, P) = U[e] (O, C) @ V[e] (C, P), e in 0..15, with
// U = G g G^T (filters), V = B^T d B (patches), Y = A^T M A (outputs):
//   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]
//   G   = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]
//   A^T = [1 1 1 0; 0 1 -1 -1]
// The transforms take one image at a time (winoimages.ts), its tiles
// numbered p = ty * tW + tx, tW a multiple of 4 so that four neighbouring
// tiles fill one f32x4.

/**
 * U[e][r][c] (16 planes of rows x cols, `planeFloats` apart) from w (O, I, 3, 3).
 * With `flip`, the filters of the input gradient: w'[i][o] = w[o][i] rotated
 * 180 degrees, so (rows, cols) = (I, O); else (O, I).
 */
export function winoFilter(w: usize, u: usize, O: i32, I: i32, flip: i32, planeFloats: i32): void {
  const plane = <usize>planeFloats << 2;
  for (let o = 0; o < O; o++) {
    for (let i = 0; i < I; i++) {
      const g = w + ((<usize>(o * I + i) * 9) << 2);
      let k00 = load<f32>(g), k01 = load<f32>(g, 4), k02 = load<f32>(g, 8);
      let k10 = load<f32>(g, 12), k11 = load<f32>(g, 16), k12 = load<f32>(g, 20);
      let k20 = load<f32>(g, 24), k21 = load<f32>(g, 28), k22 = load<f32>(g, 32);
      if (flip) {
        // rotated 180 degrees: k(r, s) = w(2 - r, 2 - s)
        let t = k00; k00 = k22; k22 = t;
        t = k01; k01 = k21; k21 = t;
        t = k02; k02 = k20; k20 = t;
        t = k10; k10 = k12; k12 = t;
      }
      // G k: rows 0..3, three columns each
      const a10: f32 = 0.5 * (k00 + k10 + k20), a11: f32 = 0.5 * (k01 + k11 + k21), a12: f32 = 0.5 * (k02 + k12 + k22);
      const a20: f32 = 0.5 * (k00 - k10 + k20), a21: f32 = 0.5 * (k01 - k11 + k21), a22: f32 = 0.5 * (k02 - k12 + k22);
      const at = u + (<usize>(flip ? i * O + o : o * I + i) << 2);
      gRow(at, plane, 0, k00, k01, k02);
      gRow(at, plane, 4, a10, a11, a12);
      gRow(at, plane, 8, a20, a21, a22);
      gRow(at, plane, 12, k20, k21, k22);
    }
  }
}

/** Row (t0, t1, t2) of G k times G^T: the four values of planes e..e+3. */
// @ts-ignore: decorator
@inline
function gRow(at: usize, plane: usize, e: i32, t0: f32, t1: f32, t2: f32): void {
  const p = at + <usize>e * plane;
  store<f32>(p, t0);
  store<f32>(p + plane, 0.5 * (t0 + t1 + t2));
  store<f32>(p + 2 * plane, 0.5 * (t0 - t1 + t2));
  store<f32>(p + 3 * plane, t2);
}

/**
 * One image of x (C, H, W) copied into xp with zero padding:
 * (C, tile tH + 2, tile tW + 2), x's pixel (y, x) at (y + padT, x + padL);
 * tile is 2 for F(2x2, 3x3), 4 for F(4x4, 3x3). g: [C, H, W, padT, padL, tH, tW, P].
 */
export function winoPad(x: usize, xp: usize, g: usize, tile: i32 = 2): void {
  const C = load<i32>(g), H = load<i32>(g, 4), W = load<i32>(g, 8), padT = load<i32>(g, 12), padL = load<i32>(g, 16);
  const Hp = tile * load<i32>(g, 20) + 2, Wp = tile * load<i32>(g, 24) + 2;
  const rowBytes = <usize>Wp << 2;
  const rows = min(H, Hp - padT), cols = min(W, Wp - padL);
  // zeros around the copied block only: the rows above and below, the columns left and right
  const left = <usize>padL << 2, right = <usize>(Wp - padL - cols) << 2;
  for (let c = 0; c < C; c++) {
    const src = x + ((<usize>c * H * W) << 2);
    const dst = xp + ((<usize>c * Hp * Wp) << 2);
    memory.fill(dst, 0, <usize>padT * rowBytes);
    for (let y = 0; y < rows; y++) {
      const row = dst + <usize>(y + padT) * rowBytes;
      memory.fill(row, 0, left);
      memory.copy(row + left, src + ((<usize>y * W) << 2), <usize>cols << 2);
      memory.fill(row + left + (<usize>cols << 2), 0, right);
    }
    memory.fill(dst + <usize>(rows + padT) * rowBytes, 0, <usize>(Hp - rows - padT) * rowBytes);
  }
}

/**
 * V[e][c][p] = (B^T d B)[e] for the tiles of one image, d the 4x4 patch
 * of padded channel c; g as winoPad's plus [8] the floats from one plane e
 * to the next (not a power of two, so that the 16 stores of a step do not
 * contend for one cache set).
 */
export function winoInput(xp: usize, v: usize, g: usize): void {
  const C = load<i32>(g), tH = load<i32>(g, 20), tW = load<i32>(g, 24), P = load<i32>(g, 28);
  const Wp = 2 * tW + 2, Hp = 2 * tH + 2;
  const rowBytes = <usize>Wp << 2;
  const plane = <usize>load<i32>(g, 32) << 2;
  for (let c = 0; c < C; c++) {
    const img = xp + ((<usize>c * Hp * Wp) << 2);
    const vc = v + ((<usize>c * P) << 2);
    for (let ty = 0; ty < tH; ty++) {
      const row0 = img + <usize>(2 * ty) * rowBytes;
      for (let tx = 0; tx < tW; tx += 4) {
        // column s of the patches of tiles tx..tx+3: even and odd columns from 2 tx on
        const col = row0 + (<usize>(2 * tx) << 2);
        let a = v128.load(col), b = v128.load(col, 16), c2 = v128.load(col, 8), d = v128.load(col, 24);
        const r00 = f32x4.shuffle(a, b, 0, 2, 4, 6), r01 = f32x4.shuffle(a, b, 1, 3, 5, 7);
        const r02 = f32x4.shuffle(c2, d, 0, 2, 4, 6), r03 = f32x4.shuffle(c2, d, 1, 3, 5, 7);
        a = v128.load(col + rowBytes); b = v128.load(col + rowBytes, 16); c2 = v128.load(col + rowBytes, 8); d = v128.load(col + rowBytes, 24);
        const r10 = f32x4.shuffle(a, b, 0, 2, 4, 6), r11 = f32x4.shuffle(a, b, 1, 3, 5, 7);
        const r12 = f32x4.shuffle(c2, d, 0, 2, 4, 6), r13 = f32x4.shuffle(c2, d, 1, 3, 5, 7);
        const p2 = col + 2 * rowBytes;
        a = v128.load(p2); b = v128.load(p2, 16); c2 = v128.load(p2, 8); d = v128.load(p2, 24);
        const r20 = f32x4.shuffle(a, b, 0, 2, 4, 6), r21 = f32x4.shuffle(a, b, 1, 3, 5, 7);
        const r22 = f32x4.shuffle(c2, d, 0, 2, 4, 6), r23 = f32x4.shuffle(c2, d, 1, 3, 5, 7);
        const p3 = col + 3 * rowBytes;
        a = v128.load(p3); b = v128.load(p3, 16); c2 = v128.load(p3, 8); d = v128.load(p3, 24);
        const r30 = f32x4.shuffle(a, b, 0, 2, 4, 6), r31 = f32x4.shuffle(a, b, 1, 3, 5, 7);
        const r32 = f32x4.shuffle(c2, d, 0, 2, 4, 6), r33 = f32x4.shuffle(c2, d, 1, 3, 5, 7);
        // B^T d: rows
        const t00 = f32x4.sub(r00, r20), t01 = f32x4.sub(r01, r21), t02 = f32x4.sub(r02, r22), t03 = f32x4.sub(r03, r23);
        const t10 = f32x4.add(r10, r20), t11 = f32x4.add(r11, r21), t12 = f32x4.add(r12, r22), t13 = f32x4.add(r13, r23);
        const t20 = f32x4.sub(r20, r10), t21 = f32x4.sub(r21, r11), t22 = f32x4.sub(r22, r12), t23 = f32x4.sub(r23, r13);
        const t30 = f32x4.sub(r10, r30), t31 = f32x4.sub(r11, r31), t32 = f32x4.sub(r12, r32), t33 = f32x4.sub(r13, r33);
        // (B^T d) B: columns, stored at e = 4 row + column
        const o = vc + ((<usize>(ty * tW + tx)) << 2);
        v128.store(o, f32x4.sub(t00, t02)); v128.store(o + plane, f32x4.add(t01, t02));
        v128.store(o + 2 * plane, f32x4.sub(t02, t01)); v128.store(o + 3 * plane, f32x4.sub(t01, t03));
        v128.store(o + 4 * plane, f32x4.sub(t10, t12)); v128.store(o + 5 * plane, f32x4.add(t11, t12));
        v128.store(o + 6 * plane, f32x4.sub(t12, t11)); v128.store(o + 7 * plane, f32x4.sub(t11, t13));
        v128.store(o + 8 * plane, f32x4.sub(t20, t22)); v128.store(o + 9 * plane, f32x4.add(t21, t22));
        v128.store(o + 10 * plane, f32x4.sub(t22, t21)); v128.store(o + 11 * plane, f32x4.sub(t21, t23));
        v128.store(o + 12 * plane, f32x4.sub(t30, t32)); v128.store(o + 13 * plane, f32x4.add(t31, t32));
        v128.store(o + 14 * plane, f32x4.sub(t32, t31)); v128.store(o + 15 * plane, f32x4.sub(t31, t33));
      }
    }
  }
}

/**
 * out (O, outH, outW) of one image = (A^T M A) of every tile, plus
 * bias[o] when bias != 0. g: [O, outH, outW, tH, tW, P, plane stride].
 */
export function winoOutput(m: usize, out: usize, bias: usize, g: usize): void {
  const O = load<i32>(g), outH = load<i32>(g, 4), outW = load<i32>(g, 8), tH = load<i32>(g, 12), tW = load<i32>(g, 16), P = load<i32>(g, 20);
  const plane = <usize>load<i32>(g, 24) << 2;
  const rowBytes = <usize>outW << 2;
  for (let o = 0; o < O; o++) {
    const bv = f32x4.splat(bias != 0 ? load<f32>(bias + (<usize>o << 2)) : 0);
    const mo = m + ((<usize>o * P) << 2);
    const img = out + ((<usize>o * outH * outW) << 2);
    for (let ty = 0; ty < tH; ty++) {
      for (let tx = 0; tx < tW; tx += 4) {
        const q = mo + ((<usize>(ty * tW + tx)) << 2);
        // A^T M: rows; s_jk for output row j
        const m00 = v128.load(q), m01 = v128.load(q + plane), m02 = v128.load(q + 2 * plane), m03 = v128.load(q + 3 * plane);
        const m10 = v128.load(q + 4 * plane), m11 = v128.load(q + 5 * plane), m12 = v128.load(q + 6 * plane), m13 = v128.load(q + 7 * plane);
        const m20 = v128.load(q + 8 * plane), m21 = v128.load(q + 9 * plane), m22 = v128.load(q + 10 * plane), m23 = v128.load(q + 11 * plane);
        const m30 = v128.load(q + 12 * plane), m31 = v128.load(q + 13 * plane), m32 = v128.load(q + 14 * plane), m33 = v128.load(q + 15 * plane);
        const s00 = f32x4.add(f32x4.add(m00, m10), m20), s01 = f32x4.add(f32x4.add(m01, m11), m21);
        const s02 = f32x4.add(f32x4.add(m02, m12), m22), s03 = f32x4.add(f32x4.add(m03, m13), m23);
        const s10 = f32x4.sub(f32x4.sub(m10, m20), m30), s11 = f32x4.sub(f32x4.sub(m11, m21), m31);
        const s12 = f32x4.sub(f32x4.sub(m12, m22), m32), s13 = f32x4.sub(f32x4.sub(m13, m23), m33);
        // (A^T M) A: columns
        const y00 = f32x4.add(f32x4.add(f32x4.add(s00, s01), s02), bv), y01 = f32x4.add(f32x4.sub(f32x4.sub(s01, s02), s03), bv);
        const y10 = f32x4.add(f32x4.add(f32x4.add(s10, s11), s12), bv), y11 = f32x4.add(f32x4.sub(f32x4.sub(s11, s12), s13), bv);
        // the four tiles side by side: y_j0 and y_j1 interleaved along the output row
        const r = 2 * ty, c = 2 * tx;
        const lo0 = f32x4.shuffle(y00, y01, 0, 4, 1, 5), hi0 = f32x4.shuffle(y00, y01, 2, 6, 3, 7);
        const lo1 = f32x4.shuffle(y10, y11, 0, 4, 1, 5), hi1 = f32x4.shuffle(y10, y11, 2, 6, 3, 7);
        const row0 = img + <usize>r * rowBytes + (<usize>c << 2);
        if (c + 8 <= outW && r + 2 <= outH) {
          v128.store(row0, lo0); v128.store(row0, hi0, 16);
          v128.store(row0 + rowBytes, lo1); v128.store(row0 + rowBytes, hi1, 16);
        } else {
          storeEdge(row0, lo0, hi0, outW - c);
          if (r + 1 < outH) storeEdge(row0 + rowBytes, lo1, hi1, outW - c);
        }
      }
    }
  }
}

/** The first `cols` of the eight values lo, hi at dst. */
function storeEdge(dst: usize, lo: v128, hi: v128, cols: i32): void {
  if (cols > 0) store<f32>(dst, f32x4.extract_lane(lo, 0));
  if (cols > 1) store<f32>(dst, f32x4.extract_lane(lo, 1), 4);
  if (cols > 2) store<f32>(dst, f32x4.extract_lane(lo, 2), 8);
  if (cols > 3) store<f32>(dst, f32x4.extract_lane(lo, 3), 12);
  if (cols > 4) store<f32>(dst, f32x4.extract_lane(hi, 0), 16);
  if (cols > 5) store<f32>(dst, f32x4.extract_lane(hi, 1), 20);
  if (cols > 6) store<f32>(dst, f32x4.extract_lane(hi, 2), 24);
  if (cols > 7) store<f32>(dst, f32x4.extract_lane(hi, 3), 28);
}

// ---- the weight gradient (F(3x3, 2x2) on the same tiles) ----
// Y = A^T (U (.) V) A per tile, so dL/dU = sum over tiles of (A dY A^T) (.) V
// (16 GEMMs over the tiles) and dL/dw = G^T (dL/dU) G.

/**
 * Yd[e][o][p] = (A dY A^T)[e] for the 2x2 output-gradient tiles of one
 * image, dy padded with zeros as winoPad lays it out (padding 0):
 * (O, 2 tH + 2, 2 tW + 2). g: [O, outH, outW, 0, 0, tH, tW, P, plane stride].
 */
export function winoTileGrad(dyp: usize, yd: usize, g: usize): void {
  const O = load<i32>(g), tH = load<i32>(g, 20), tW = load<i32>(g, 24), P = load<i32>(g, 28);
  const Wp = 2 * tW + 2, Hp = 2 * tH + 2;
  const rowBytes = <usize>Wp << 2;
  const plane = <usize>load<i32>(g, 32) << 2;
  for (let o = 0; o < O; o++) {
    const img = dyp + ((<usize>o * Hp * Wp) << 2);
    const yo = yd + ((<usize>o * P) << 2);
    for (let ty = 0; ty < tH; ty++) {
      for (let tx = 0; tx < tW; tx += 4) {
        const row = img + <usize>(2 * ty) * rowBytes + (<usize>(2 * tx) << 2);
        let l0 = v128.load(row), l1 = v128.load(row, 16);
        // dY = [a b; c d] of four tiles
        const a = f32x4.shuffle(l0, l1, 0, 2, 4, 6), b = f32x4.shuffle(l0, l1, 1, 3, 5, 7);
        l0 = v128.load(row + rowBytes);
        l1 = v128.load(row + rowBytes, 16);
        const c = f32x4.shuffle(l0, l1, 0, 2, 4, 6), d = f32x4.shuffle(l0, l1, 1, 3, 5, 7);
        const q = yo + ((<usize>(ty * tW + tx)) << 2);
        // rows of A dY: (a, b), (a + c, b + d), (a - c, b - d), (-c, -d); each row (u, v) times A^T: u, u + v, u - v, -v
        tileRow(q, plane, 0, a, b);
        tileRow(q, plane, 4, f32x4.add(a, c), f32x4.add(b, d));
        tileRow(q, plane, 8, f32x4.sub(a, c), f32x4.sub(b, d));
        tileRow(q, plane, 12, f32x4.neg(c), f32x4.neg(d));
      }
    }
  }
}

// @ts-ignore: decorator
@inline
function tileRow(q: usize, plane: usize, e: i32, u: v128, v: v128): void {
  const p = q + <usize>e * plane;
  v128.store(p, u);
  v128.store(p + plane, f32x4.add(u, v));
  v128.store(p + 2 * plane, f32x4.sub(u, v));
  v128.store(p + 3 * plane, f32x4.neg(v));
}

/** dw (O, I, 3, 3) = G^T dU G for every (o, i), dU (16, O, I). */
export function winoFilterGrad(du: usize, dw: usize, O: i32, I: i32): void {
  const plane = (<usize>O * I) << 2;
  for (let f = 0; f < O * I; f++) {
    const q = du + (<usize>f << 2);
    const out = dw + ((<usize>f * 9) << 2);
    // (G^T dU) G row by row: row r of G^T dU is a combination of the rows k of dU
    for (let r = 0; r < 3; r++) {
      let h0: f32 = 0, h1: f32 = 0, h2: f32 = 0, h3: f32 = 0;
      for (let k = 0; k < 4; k++) {
        // G^T = [1 1/2 1/2 0; 0 1/2 -1/2 0; 0 1/2 1/2 1]
        const c: f32 = r == 0 ? (k == 0 ? 1 : k == 3 ? 0 : 0.5) : r == 1 ? (k == 1 ? 0.5 : k == 2 ? -0.5 : 0) : (k == 3 ? 1 : k == 0 ? 0 : 0.5);
        if (c == 0) continue;
        const row = q + <usize>(4 * k) * plane;
        h0 += c * load<f32>(row);
        h1 += c * load<f32>(row + plane);
        h2 += c * load<f32>(row + 2 * plane);
        h3 += c * load<f32>(row + 3 * plane);
      }
      // each row (h0, h1, h2, h3) times G: h0 + (h1 + h2) / 2, (h1 - h2) / 2, (h1 + h2) / 2 + h3
      store<f32>(out + (<usize>(3 * r) << 2), h0 + 0.5 * (h1 + h2));
      store<f32>(out + (<usize>(3 * r + 1) << 2), 0.5 * (h1 - h2));
      store<f32>(out + (<usize>(3 * r + 2) << 2), 0.5 * (h1 + h2) + h3);
    }
  }
}
