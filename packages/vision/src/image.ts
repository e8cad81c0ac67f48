// Image files <-> tensors with @napi-rs/canvas (PNG, JPEG, WebP), and sample grids.
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { FormatError, NeuroneError, ShapeError, Tensor, cat, zeros } from '@neurone/core';
import { fmtShape } from './util.js';

/** How many channels `loadImage` returns. */
export type ImageMode = 'auto' | 'grayscale' | 'rgb' | 'rgba';

export interface LoadImageOptions {
  /**
   * 'auto' (default): 1 channel when every pixel is gray (R = G = B), else 3.
   * 'grayscale': 1 channel, L = 0.299 R + 0.587 G + 0.114 B (as PIL's 'L').
   * 'rgb': 3 channels; 'rgba': 4, with alpha.
   */
  mode?: ImageMode;
}

export interface SaveImageOptions {
  /** 'png', 'jpeg' or 'webp'; default from the file extension. */
  format?: 'png' | 'jpeg' | 'webp';
  /** JPEG/WebP quality, 0-100 (default 92). */
  quality?: number;
}

// the native module is loaded on first use, so importing @neurone/vision stays cheap (and browser-safe elsewhere)
type Canvas = typeof import('@napi-rs/canvas');
let canvasModule: Promise<Canvas> | null = null;
function canvasLib(): Promise<Canvas> {
  canvasModule ??= import('@napi-rs/canvas');
  return canvasModule;
}

/**
 * Decodes PNG/JPEG/WebP bytes into a float32 tensor (C, H, W) with values in [0, 1].
 *
 * Example:
 *   const img = await decodeImage(await readFile('digit.png'), { mode: 'grayscale' }); // [1, H, W]
 */
export async function decodeImage(bytes: Uint8Array, opts: LoadImageOptions = {}, what = 'image'): Promise<Tensor> {
  const lib = await canvasLib();
  let img: InstanceType<Canvas['Image']>;
  try {
    img = await lib.loadImage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw new FormatError(`loadImage: cannot decode ${what} as PNG, JPEG or WebP (${(e as Error).message})`);
  }
  const { width: W, height: H } = img;
  if (!(W > 0 && H > 0)) throw new FormatError(`loadImage: ${what} has no pixels (${W}x${H})`);
  const canvas = lib.createCanvas(W, H);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const rgba = ctx.getImageData(0, 0, W, H).data;
  let mode = opts.mode ?? 'auto';
  if (mode === 'auto') {
    mode = 'grayscale';
    for (let i = 0; i < rgba.length; i += 4) {
      if (rgba[i] !== rgba[i + 1] || rgba[i] !== rgba[i + 2]) {
        mode = 'rgb';
        break;
      }
    }
  }
  const n = W * H;
  if (mode === 'grayscale') {
    const out = new Float32Array(n);
    for (let p = 0; p < n; p++) out[p] = (0.299 * rgba[4 * p]! + 0.587 * rgba[4 * p + 1]! + 0.114 * rgba[4 * p + 2]!) / 255;
    return new Tensor(out, [1, H, W]);
  }
  if (mode !== 'rgb' && mode !== 'rgba') throw new NeuroneError(`loadImage: mode must be 'auto', 'grayscale', 'rgb' or 'rgba', got '${String(mode)}'`);
  const C = mode === 'rgb' ? 3 : 4;
  const out = new Float32Array(C * n);
  for (let c = 0; c < C; c++) for (let p = 0; p < n; p++) out[c * n + p] = rgba[4 * p + c]! / 255;
  return new Tensor(out, [C, H, W]);
}

/**
 * Reads a PNG, JPEG or WebP file into a float32 tensor (C, H, W) in [0, 1].
 *
 * Example:
 *   const img = await loadImage('photo.jpg');            // [3, H, W]
 *   const gray = await loadImage('digit.png', { mode: 'grayscale' }); // [1, H, W]
 */
export async function loadImage(path: string, opts: LoadImageOptions = {}): Promise<Tensor> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new FormatError(`loadImage: cannot read '${path}' (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return decodeImage(bytes, opts, `'${path}'`);
}

/** (C, H, W) or (H, W) with C in 1, 3, 4 -> RGBA bytes, values clamped to [0, 1]. */
function toRGBA(op: string, t: Tensor): { rgba: Uint8ClampedArray; width: number; height: number } {
  if (!(t instanceof Tensor)) throw new ShapeError(`${op}: expected a Tensor`);
  const img = t.ndim === 2 ? t.reshape([1, ...t.shape]) : t;
  if (img.ndim !== 3 || ![1, 3, 4].includes(img.shape[0]!)) {
    throw new ShapeError(`${op}: expected an image (C, H, W) with 1, 3 or 4 channels, or (H, W), got ${fmtShape(t.shape)}`);
  }
  const [C, H, W] = img.shape as [number, number, number];
  if (H < 1 || W < 1) throw new ShapeError(`${op}: image ${fmtShape(t.shape)} has no pixels`);
  const n = H * W;
  const d = img.data;
  const rgba = new Uint8ClampedArray(4 * n);
  const byte = (v: number) => Math.round(Math.min(Math.max(v, 0), 1) * 255);
  for (let p = 0; p < n; p++) {
    if (C === 1) {
      const v = byte(d[p]!);
      rgba[4 * p] = v;
      rgba[4 * p + 1] = v;
      rgba[4 * p + 2] = v;
      rgba[4 * p + 3] = 255;
    } else {
      for (let c = 0; c < 3; c++) rgba[4 * p + c] = byte(d[c * n + p]!);
      rgba[4 * p + 3] = C === 4 ? byte(d[3 * n + p]!) : 255;
    }
  }
  return { rgba, width: W, height: H };
}

/**
 * Encodes an image tensor (C, H, W) (C = 1, 3 or 4) or (H, W), values in
 * [0, 1] (clamped), as PNG, JPEG or WebP bytes.
 */
export async function encodeImage(t: Tensor, format: 'png' | 'jpeg' | 'webp' = 'png', quality = 92): Promise<Buffer> {
  const { rgba, width, height } = toRGBA('saveImage', t);
  const lib = await canvasLib();
  const canvas = lib.createCanvas(width, height);
  canvas.getContext('2d').putImageData(new lib.ImageData(rgba, width, height), 0, 0);
  if (format === 'png') return canvas.encode('png');
  if (format === 'jpeg' || format === 'webp') return canvas.encode(format, quality);
  throw new NeuroneError(`saveImage: format must be 'png', 'jpeg' or 'webp', got '${String(format)}'`);
}

/**
 * Writes an image tensor (C, H, W) or (H, W) with values in [0, 1] to a PNG,
 * JPEG or WebP file (by extension), atomically (temporary file + rename).
 *
 * Example:
 *   await saveImage(imageGrid(samples, { nrow: 8 }), 'samples.png');
 */
export async function saveImage(t: Tensor, path: string, opts: SaveImageOptions = {}): Promise<void> {
  const ext = extname(path).toLowerCase();
  const byExt = ext === '.png' ? 'png' : ext === '.jpg' || ext === '.jpeg' ? 'jpeg' : ext === '.webp' ? 'webp' : null;
  const format = opts.format ?? byExt;
  if (format === null) throw new NeuroneError(`saveImage: cannot tell the format of '${path}' from its extension; use .png, .jpg, .jpeg or .webp, or pass { format }`);
  const bytes = await encodeImage(t, format, opts.quality ?? 92);
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw new FormatError(`saveImage: cannot write '${path}' (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

export interface ImageGridOptions {
  /** Images per row (default 8). */
  nrow?: number;
  /** Pixels between images and around the grid (default 2). */
  padding?: number;
  /** Value of the padding (default 0). */
  padValue?: number;
  /** Rescale each image to [0, 1] by its own min and max (default false). */
  normalize?: boolean;
}

/**
 * Tiles images into one image (torchvision's make_grid): a list of (C, H, W)
 * tensors of one shape, or a batch (N, C, H, W). Grayscale images stay one
 * channel unless mixed with colour ones.
 *
 * Shape: N x (C, H, W) -> (C, rows (H + padding) + padding, nrow (W + padding) + padding)
 *
 * Example:
 *   await saveImage(imageGrid(batch, { nrow: 8 }), 'grid.png');
 */
export function imageGrid(images: Tensor | readonly Tensor[], opts: ImageGridOptions = {}): Tensor {
  const list = images instanceof Tensor ? (images.ndim === 4 ? images.split(1, 0).map((t) => t.squeeze(0)) : [images]) : [...images];
  if (list.length === 0) throw new ShapeError('imageGrid: expected at least one image');
  const norm = list.map((t) => (t.ndim === 2 ? t.reshape([1, ...t.shape]) : t).detach());
  const first = norm[0]!;
  const C = Math.max(...norm.map((t) => t.shape[0]!));
  for (const t of norm) {
    if (t.ndim !== 3 || t.shape[1] !== first.shape[1] || t.shape[2] !== first.shape[2] || ![1, 3, 4].includes(t.shape[0]!)) {
      throw new ShapeError(`imageGrid: every image must be (C, H, W) with C in 1, 3, 4 and one H, W; got ${fmtShape(t.shape)} and ${fmtShape(first.shape)}`);
    }
  }
  const nrow = Math.min(opts.nrow ?? 8, list.length);
  if (!Number.isInteger(nrow) || nrow < 1) throw new ShapeError(`imageGrid: nrow must be a positive integer, got ${opts.nrow}`);
  const pad = opts.padding ?? 2;
  const [H, W] = [first.shape[1]!, first.shape[2]!];
  const rows = Math.ceil(list.length / nrow);
  const GH = rows * (H + pad) + pad;
  const GW = nrow * (W + pad) + pad;
  const grid = zeros([C, GH, GW], { dtype: 'float32' }).fill_(opts.padValue ?? 0);
  const g = grid.data;
  norm.forEach((t0, k) => {
    let t = t0.shape[0] === C ? t0 : t0.shape[0] === 1 ? cat(new Array<Tensor>(C).fill(t0), 0) : t0;
    if (t.shape[0] !== C) t = cat([t, zeros([1, H, W], { dtype: t.dtype }).fill_(1)], 0); // RGB beside RGBA: opaque
    let lo = 0;
    let scale = 1;
    if (opts.normalize) {
      let mn = Infinity;
      let mx = -Infinity;
      for (const v of t.data) {
        mn = Math.min(mn, v);
        mx = Math.max(mx, v);
      }
      lo = mn;
      scale = mx > mn ? 1 / (mx - mn) : 1;
    }
    const y0 = pad + Math.floor(k / nrow) * (H + pad);
    const x0 = pad + (k % nrow) * (W + pad);
    for (let c = 0; c < C; c++) {
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) g[(c * GH + y0 + y) * GW + x0 + x] = (t.data[(c * H + y) * W + x]! - lo) * scale;
      }
    }
  });
  return grid;
}
