// PNG grids of what the models do: reconstructions, samples, interpolations,
// inpainting before/after. Tiles are laid out by @neurone/vision's imageGrid.
import { NeuroneError, Tensor, cat, noGrad } from '@neurone/core';
import { imageGrid, saveImage } from '@neurone/vision';
import { describe, fmtShape } from './util.js';

export interface GridOptions {
  /** Pixel range of the images: [0, 1] (default) or e.g. [-1, 1] for a tanh generator; mapped to [0, 1]. */
  range?: readonly [number, number];
  /** Pixels between tiles (default 2). */
  padding?: number;
  /** Value of the padding, in [0, 1] (default 0.5: grey lines between black-background digits). */
  padValue?: number;
  /** Integer magnification of the whole grid, nearest neighbour (default 1). */
  scale?: number;
}

/** Nearest-neighbour magnification of an image (C, H, W) by an integer factor. */
function upscale(op: string, img: Tensor, scale: number | undefined): Tensor {
  const s = scale ?? 1;
  if (!Number.isInteger(s) || s < 1) throw new NeuroneError(`${op}: scale must be a positive integer, got ${describe(s)}`);
  if (s === 1) return img;
  const [C, H, W] = img.shape as [number, number, number];
  const out = new Float32Array(C * H * s * W * s);
  const d = img.data;
  for (let c = 0; c < C; c++) {
    for (let y = 0; y < H * s; y++) {
      const row = (c * H + Math.floor(y / s)) * W;
      const o = (c * H * s + y) * W * s;
      for (let x = 0; x < W * s; x++) out[o + x] = d[row + Math.floor(x / s)]!;
    }
  }
  return new Tensor(out, [C, H * s, W * s]);
}

/** Images as a batch (N, C, H, W): (N, H, W) gains a channel, and values are mapped from `range` to [0, 1]. */
function asImages(op: string, x: Tensor, range: readonly [number, number]): Tensor {
  if (!(x instanceof Tensor)) throw new NeuroneError(`${op}: expected a batch of images, got ${describe(x)}`);
  let t = x.detach();
  if (t.ndim === 3) t = t.unsqueeze(1);
  if (t.ndim !== 4 || ![1, 3, 4].includes(t.shape[1]!)) {
    throw new NeuroneError(`${op}: expected images (N, C, H, W) with C in 1, 3, 4 or (N, H, W), got ${fmtShape(x.shape)}`);
  }
  const [lo, hi] = range;
  if (!(hi > lo)) throw new NeuroneError(`${op}: range must be [low, high] with low < high, got ${describe(range)}`);
  return lo === 0 && hi === 1 ? t : noGrad(() => t.sub(lo).div(hi - lo));
}

/**
 * Rows of images, one tensor per row (each (N, C, H, W) with the same N, C,
 * H and W: grayscale rows beside colour ones are shown in colour), as one image.
 *
 * Shape: rows × (N, C, H, W) -> (C, rows (H + p) + p, N (W + p) + p)
 *
 * Example:
 *   rowsGrid([originals, reconstructions]); // top row the inputs, below them their reconstructions
 */
export function rowsGrid(rows: readonly Tensor[], opts: GridOptions = {}): Tensor {
  const op = 'rowsGrid';
  if (!Array.isArray(rows) || rows.length === 0) throw new NeuroneError(`${op}: expected a non-empty array of image batches, got ${describe(rows)}`);
  const range = opts.range ?? [0, 1];
  const imgs = rows.map((r) => asImages(op, r, range));
  const n = imgs[0]!.shape[0]!;
  const C = Math.max(...imgs.map((t) => t.shape[1]!));
  for (const t of imgs) {
    if (t.shape[0] !== n || t.shape[2] !== imgs[0]!.shape[2] || t.shape[3] !== imgs[0]!.shape[3]) {
      throw new NeuroneError(`${op}: every row must have the same number and size of images, got ${imgs.map((r) => fmtShape(r.shape)).join(', ')}`);
    }
  }
  const same = noGrad(() => cat(imgs.map((t) => (t.shape[1] === C ? t : cat(new Array<Tensor>(C).fill(t), 1))), 0));
  return upscale(op, imageGrid(same, { nrow: n, padding: opts.padding ?? 2, padValue: opts.padValue ?? 0.5 }), opts.scale);
}

/**
 * A grid of samples, `nrow` per row.
 *
 * Shape: (N, C, H, W) -> (C, H', W')
 */
export function samplesGrid(samples: Tensor, opts: GridOptions & { nrow?: number } = {}): Tensor {
  const imgs = asImages('samplesGrid', samples, opts.range ?? [0, 1]);
  const grid = imageGrid(imgs, { nrow: opts.nrow ?? Math.ceil(Math.sqrt(imgs.shape[0]!)), padding: opts.padding ?? 2, padValue: opts.padValue ?? 0.5 });
  return upscale('samplesGrid', grid, opts.scale);
}

/**
 * Originals over their reconstructions, in pairs of rows of `nrow` images;
 * with `inputs` (what the model saw when it differs, e.g. noisy images for a
 * denoising autoencoder) in triples: original, input, output.
 *
 * Example:
 *   await savePng(reconstructionGrid(x, ae.reconstruct(x), { inputs: noisy }), 'out/denoising.png');
 */
export function reconstructionGrid(originals: Tensor, reconstructions: Tensor, opts: GridOptions & { nrow?: number; inputs?: Tensor } = {}): Tensor {
  const n = originals.shape[0]!;
  const nrow = Math.min(opts.nrow ?? 10, n);
  const rows: Tensor[] = [];
  for (let s = 0; s < n; s += nrow) {
    const k = Math.min(nrow, n - s);
    if (k < nrow) break;
    if (opts.inputs) rows.push(opts.inputs.narrow(0, s, k));
    rows.push(reconstructions.narrow(0, s, k), originals.narrow(0, s, k));
  }
  if (rows.length === 0) throw new NeuroneError(`reconstructionGrid: need at least nrow (${nrow}) images, got ${n}`);
  // the originals first: input/original on top, then what the model made of it
  const ordered: Tensor[] = [];
  const per = opts.inputs ? 3 : 2;
  for (let i = 0; i < rows.length; i += per) {
    if (opts.inputs) ordered.push(rows[i + 2]!, rows[i]!, rows[i + 1]!);
    else ordered.push(rows[i + 1]!, rows[i]!);
  }
  return rowsGrid(ordered, opts);
}

/**
 * Interpolations, one row per path: `frames` is (steps, P, C, H, W) (as a
 * decoder gives for `interpolate` of P pairs of codes, reshaped) or
 * (steps · P, C, H, W) ordered step-major with `paths` = P.
 */
export function interpolationGrid(frames: Tensor, opts: GridOptions & { paths?: number } = {}): Tensor {
  let f = frames;
  if (f.ndim === 4) {
    const p = opts.paths ?? 1;
    if (f.shape[0]! % p !== 0) throw new NeuroneError(`interpolationGrid: ${f.shape[0]} frames do not split into ${p} paths`);
    f = f.reshape([f.shape[0]! / p, p, ...f.shape.slice(1)]);
  }
  if (f.ndim !== 5) throw new NeuroneError(`interpolationGrid: expected frames (steps, P, C, H, W) or (steps·P, C, H, W), got ${fmtShape(frames.shape)}`);
  const rows: Tensor[] = [];
  for (let p = 0; p < f.shape[1]!; p++) rows.push(f.select(1, p));
  return rowsGrid(rows, opts);
}

/**
 * Inpainting before and after: rows of originals, the damaged images (the
 * hole shown in mid-grey unless `holeValue` says otherwise) and the filled ones.
 *
 * Shape: original (N, C, H, W), mask broadcastable to it (true where missing), filled (N, C, H, W)
 */
export function inpaintingGrid(original: Tensor, mask: Tensor, filled: Tensor, opts: GridOptions & { holeValue?: number } = {}): Tensor {
  const damaged = noGrad(() => original.detach().maskedFill(mask.ne(0).broadcastTo(original.shape), opts.holeValue ?? 0.5));
  return rowsGrid([original, damaged, filled], opts);
}

/** Writes an image tensor (C, H, W) in [0, 1] to a PNG file (directories created, written atomically). */
export async function savePng(image: Tensor, path: string): Promise<void> {
  await saveImage(image, path);
}

const PALETTE: Array<[number, number, number]> = [
  [0.85, 0.2, 0.15], [0.15, 0.4, 0.85], [0.2, 0.65, 0.25], [0.9, 0.6, 0.1], [0.55, 0.3, 0.75],
];

export interface LineChartOptions {
  /** Pixels (default 480 x 240). */
  width?: number;
  height?: number;
  /** Moving average over this many points before drawing (default 1: none). */
  smooth?: number;
}

/**
 * A bare line chart (no text) of a few series against their index, for loss
 * curves: white background, a grey frame and a grey line at y = 0 when in
 * range; series in red, blue, green, orange, purple, in order.
 *
 * Shape: series × (n values) -> (3, height, width)
 *
 * Example:
 *   await savePng(lineChart([logs.map((l) => l.lossD), logs.map((l) => l.lossG)], { smooth: 20 }), 'out/losses.png');
 */
export function lineChart(series: ReadonlyArray<readonly number[]>, opts: LineChartOptions = {}): Tensor {
  const W = opts.width ?? 480;
  const H = opts.height ?? 240;
  if (!Array.isArray(series) || series.length === 0 || series.some((s) => !Array.isArray(s) || s.length === 0)) {
    throw new NeuroneError(`lineChart: expected a non-empty array of non-empty number arrays, got ${describe(series)}`);
  }
  const k = Math.max(1, Math.floor(opts.smooth ?? 1));
  const smoothed = series.map((s) => s.map((_: number, i: number) => {
    const lo = Math.max(0, i - k + 1);
    let acc = 0;
    for (let j = lo; j <= i; j++) acc += s[j]!;
    return acc / (i - lo + 1);
  }));
  const finite = smoothed.flat().filter(Number.isFinite);
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (!(hi > lo)) [lo, hi] = [lo - 1, hi + 1];
  const pad = 6;
  const img = new Float32Array(3 * W * H).fill(1);
  const put = (x: number, y: number, c: readonly number[]) => {
    if (x < 0 || y < 0 || x >= W || y >= H) return;
    for (let ch = 0; ch < 3; ch++) img[ch * W * H + y * W + x] = c[ch]!;
  };
  const grey = [0.6, 0.6, 0.6];
  for (let x = 0; x < W; x++) {
    put(x, 0, grey);
    put(x, H - 1, grey);
  }
  for (let y = 0; y < H; y++) {
    put(0, y, grey);
    put(W - 1, y, grey);
  }
  const py = (v: number) => Math.round(H - pad - ((v - lo) / (hi - lo)) * (H - 2 * pad));
  if (lo < 0 && hi > 0) for (let x = 0; x < W; x += 2) put(x, py(0), grey);
  smoothed.forEach((s, si) => {
    const colour = PALETTE[si % PALETTE.length]!;
    const px = (i: number) => Math.round(pad + (s.length === 1 ? 0 : (i / (s.length - 1)) * (W - 2 * pad)));
    for (let i = 0; i + 1 < Math.max(2, s.length); i++) {
      const a = s[i]!;
      const b = s[Math.min(i + 1, s.length - 1)]!;
      if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
      const [x0, y0, x1, y1] = [px(i), py(a), px(Math.min(i + 1, s.length - 1)), py(b)];
      const steps = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
      for (let t = 0; t <= steps; t++) put(Math.round(x0 + ((x1 - x0) * t) / steps), Math.round(y0 + ((y1 - y0) * t) / steps), colour);
    }
  });
  return new Tensor(img, [3, H, W]);
}
