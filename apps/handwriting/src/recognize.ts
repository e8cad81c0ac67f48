// Reading image files: pages split into lines, each line read by the model.
import { readFile } from 'node:fs/promises';
import { decodeImage } from '@neurone/vision';
import { type DecodeOptions, type Reading, readLines } from './decode.js';
import { type Plane, resize } from './imageops.js';
import { type LineBox, cropRows, splitLines } from './lines.js';
import type { Recognizer } from './model.js';
import { inkMap, lineInput } from './preprocess.js';

/** What `recognize` reports for one file. */
export interface FileReading extends Reading {
  file: string;
  /** The page's lines, top to bottom (one for a single line). */
  lines: Array<Reading & LineBox>;
}

/** Larger pictures are scaled down to this many pixels on their longer side first. */
const MAX_SIDE = 2400;

/** Reads an image file as a grayscale plane (1 = white); throws a clear error for unreadable files. */
export async function readGray(file: string): Promise<Plane> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new Error(`cannot open '${file}' (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let t;
  try {
    t = await decodeImage(bytes, { mode: 'grayscale' }, `'${file}'`);
  } catch (e) {
    const why = (e as Error).message.match(/\(([^()]*)\)$/)?.[1];
    throw new Error(`'${file}' is not an image that can be read (PNG or JPEG expected${why ? `; ${why}` : ''})`);
  }
  const [, H, W] = t.shape as [number, number, number];
  let p: Plane = { data: t.data as Float32Array, width: W, height: H };
  const s = MAX_SIDE / Math.max(W, H);
  if (s < 1) p = resize(p, Math.max(1, Math.round(W * s)), Math.max(1, Math.round(H * s)));
  return p;
}

/** Splits a grayscale page into line inputs for the model, with their row ranges. */
export function pageLines(gray: Plane): Array<{ box: LineBox; input: Plane }> {
  const ink = inkMap(gray);
  const boxes = splitLines(ink, true);
  if (boxes.length === 0) return [{ box: { top: 0, bottom: gray.height }, input: lineInput(ink, true) }];
  return boxes.map((box) => ({ box, input: lineInput(cropRows(ink, box), true) }));
}

/**
 * Reads the text of one image file: a single line or a page of lines (split
 * by projection profile, read in order and joined with newlines). The
 * file's confidence is its least confident line's.
 */
export async function recognizeFile(model: Recognizer, file: string, opts: DecodeOptions = {}): Promise<FileReading> {
  const lines = pageLines(await readGray(file));
  const readings = readLines(model, lines.map((l) => l.input), opts);
  const out = readings.map((r, i) => ({ ...r, ...lines[i]!.box }));
  return {
    file,
    text: out.map((l) => l.text).join('\n'),
    confidence: out.length === 0 ? 0 : Math.min(...out.map((l) => l.confidence)),
    lines: out,
  };
}
