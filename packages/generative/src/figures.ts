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
  return imageGrid(same, { nrow: n, padding: opts.padding ?? 2, padValue: opts.padValue ?? 0.5 });
}

/**
 * A grid of samples, `nrow` per row.
 *
 * Shape: (N, C, H, W) -> (C, H', W')
 */
export function samplesGrid(samples: Tensor, opts: GridOptions & { nrow?: number } = {}): Tensor {
  const imgs = asImages('samplesGrid', samples, opts.range ?? [0, 1]);
  return imageGrid(imgs, { nrow: opts.nrow ?? Math.ceil(Math.sqrt(imgs.shape[0]!)), padding: opts.padding ?? 2, padValue: opts.padValue ?? 0.5 });
}

/**
 * Originals over their reconstructions, in pairs of rows of `nrow` images
 * (and a third row with `inputs` when the model saw something else, e.g.
 * noisy images for a denoising autoencoder: inputs, outputs, clean).
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
