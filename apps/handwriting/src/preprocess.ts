// From any picture of a line (photo-like, any size, colour or gray) to the
// model's input: ink intensity (0 = paper, 1 = ink) at a fixed height.
import { type Plane, plane, quantile, resize } from './imageops.js';

/** Height of the model's input lines in pixels. */
export const LINE_HEIGHT = 32;

/**
 * Ink intensity of a grayscale image (1 = white paper): the paper level is
 * estimated per column band (uneven lighting), the ink level from the
 * darkest pixels, and each pixel mapped to [0, 1] between them; faint
 * marks (noise, paper texture) become 0.
 */
export function inkMap(gray: Plane): Plane {
  const { width: W, height: H, data } = gray;
  const out = plane(W, H);
  // paper level in bands about as wide as the image is high, interpolated between band centres
  const band = Math.max(8, Math.min(W, H));
  const nb = Math.max(1, Math.round(W / band));
  const centres: number[] = [];
  const levels: number[] = [];
  for (let b = 0; b < nb; b++) {
    const x0 = Math.floor((b * W) / nb);
    const x1 = Math.floor(((b + 1) * W) / nb);
    const vals = new Float32Array((x1 - x0) * H);
    let k = 0;
    for (let y = 0; y < H; y++) for (let x = x0; x < x1; x++) vals[k++] = data[y * W + x]!;
    centres.push((x0 + x1) / 2);
    levels.push(quantile(vals, 0.7));
  }
  const inkLevel = quantile(data, 0.005);
  for (let x = 0; x < W; x++) {
    let bg = levels[0]!;
    if (x >= centres[nb - 1]!) bg = levels[nb - 1]!;
    else if (x > centres[0]!) {
      let b = 0;
      while (centres[b + 1]! < x) b++;
      const f = (x - centres[b]!) / (centres[b + 1]! - centres[b]!);
      bg = levels[b]! * (1 - f) + levels[b + 1]! * f;
    }
    const range = Math.max(bg - inkLevel, 0.15);
    for (let y = 0; y < H; y++) {
      const v = (bg - data[y * W + x]!) / range;
      // below 0.2 of the ink contrast is paper
      out.data[y * W + x] = Math.min(1, Math.max(0, (v - 0.2) / 0.75));
    }
  }
  return out;
}

/** Rows [top, bottom) and columns [left, right) that hold ink; null for an empty image. */
export function inkBox(ink: Plane, threshold = 0.25): { top: number; bottom: number; left: number; right: number } | null {
  const { width: W, height: H, data } = ink;
  let top = H;
  let bottom = -1;
  let left = W;
  let right = -1;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      if (data[y * W + x]! > threshold) {
        if (y < top) top = y;
        if (y > bottom) bottom = y;
        if (x < left) left = x;
        if (x > right) right = x;
      }
    }
  }
  return bottom < 0 ? null : { top, bottom: bottom + 1, left, right: right + 1 };
}

/**
 * The model's input for one line: ink cropped to its bounding box (plus a
 * small margin), scaled to `LINE_HEIGHT` rows, the width following the
 * aspect ratio (at least 16 columns).
 *
 * Shape: gray (H, W) -> (LINE_HEIGHT, W')
 */
export function lineInput(gray: Plane, alreadyInk = false): Plane {
  const ink = alreadyInk ? gray : inkMap(gray);
  const box = inkBox(ink);
  if (box === null) return plane(16, LINE_HEIGHT);
  const h = box.bottom - box.top;
  const m = Math.max(1, Math.round(h * 0.08));
  const top = Math.max(0, box.top - m);
  const bottom = Math.min(ink.height, box.bottom + m);
  const left = Math.max(0, box.left - m);
  const right = Math.min(ink.width, box.right + m);
  const crop = plane(right - left, bottom - top);
  for (let y = top; y < bottom; y++) crop.data.set(ink.data.subarray(y * ink.width + left, y * ink.width + right), (y - top) * crop.width);
  const width = Math.max(16, Math.round((crop.width * LINE_HEIGHT) / crop.height));
  return resize(crop, width, LINE_HEIGHT);
}
