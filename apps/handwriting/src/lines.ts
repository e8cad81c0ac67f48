// Splitting a page into text lines by horizontal projection profile.
import { type Plane, plane } from './imageops.js';
import { inkMap } from './preprocess.js';

/** Rows [top, bottom) of one text line. */
export interface LineBox {
  top: number;
  bottom: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.floor(s.length / 2)]!;
}

/**
 * Finds the text lines of a page, top to bottom, from the ink per row:
 * lines are runs of inked rows; runs holding several dense bands (lines
 * whose ascenders and descenders touch) are cut at the emptiest row between
 * bands; slivers (i-dots, stray descenders, specks) join their nearest line.
 *
 * Example:
 *   const boxes = splitLines(gray); // [{ top: 12, bottom: 70 }, { top: 70, bottom: 131 }]
 */
export function splitLines(gray: Plane, alreadyInk = false): LineBox[] {
  const ink = alreadyInk ? gray : inkMap(gray);
  const { width: W, height: H } = ink;
  const raw = new Float64Array(H);
  for (let y = 0; y < H; y++) {
    let s = 0;
    for (let x = 0; x < W; x++) s += ink.data[y * W + x]!;
    raw[y] = s;
  }
  const prof = new Float64Array(H);
  for (let y = 0; y < H; y++) prof[y] = (raw[Math.max(0, y - 1)]! + raw[y]! + raw[Math.min(H - 1, y + 1)]!) / 3;
  const peak = Math.max(...prof);
  if (!(peak > 0.5)) return [];
  // runs of rows holding ink
  const low = Math.max(0.5, 0.01 * peak);
  let runs: LineBox[] = [];
  for (let y = 0; y < H; y++) {
    if (prof[y]! > low) {
      const top = y;
      while (y < H && prof[y]! > low) y++;
      runs.push({ top, bottom: y });
    }
  }
  // dense bands (the body of each line's letters) inside each run: cut between them
  const cut: LineBox[] = [];
  for (const r of runs) {
    let rpeak = 0;
    for (let y = r.top; y < r.bottom; y++) rpeak = Math.max(rpeak, prof[y]!);
    const bands: LineBox[] = [];
    for (let y = r.top; y < r.bottom; y++) {
      if (prof[y]! > 0.35 * rpeak) {
        const top = y;
        while (y < r.bottom && prof[y]! > 0.35 * rpeak) y++;
        bands.push({ top, bottom: y });
      }
    }
    const bh = median(bands.map((b) => b.bottom - b.top));
    const solid = bands.filter((b) => b.bottom - b.top >= Math.max(3, 0.4 * bh));
    let top = r.top;
    for (let i = 0; i + 1 < solid.length; i++) {
      let best = solid[i]!.bottom;
      for (let y = solid[i]!.bottom; y < solid[i + 1]!.top; y++) if (prof[y]! < prof[best]!) best = y;
      cut.push({ top, bottom: best });
      top = best;
    }
    cut.push({ top, bottom: r.bottom });
  }
  runs = cut;
  // slivers join the nearest line
  const mass = (b: LineBox) => {
    let s = 0;
    for (let y = b.top; y < b.bottom; y++) s += raw[y]!;
    return s;
  };
  for (;;) {
    if (runs.length < 2) break;
    const mh = median(runs.map((b) => b.bottom - b.top));
    const mm = median(runs.map(mass));
    const i = runs.findIndex((b) => b.bottom - b.top < 0.4 * mh || mass(b) < 0.15 * mm);
    if (i < 0) break;
    const b = runs[i]!;
    const up = i > 0 ? b.top - runs[i - 1]!.bottom : Infinity;
    const down = i + 1 < runs.length ? runs[i + 1]!.top - b.bottom : Infinity;
    const j = up <= down ? i - 1 : i + 1;
    const o = runs[j]!;
    runs[Math.min(i, j)] = { top: Math.min(o.top, b.top), bottom: Math.max(o.bottom, b.bottom) };
    runs.splice(Math.max(i, j), 1);
  }
  // each line extends halfway into the blank rows around it
  return runs.map((b, i) => ({
    top: i === 0 ? Math.max(0, b.top - 2) : Math.ceil((runs[i - 1]!.bottom + b.top) / 2),
    bottom: i === runs.length - 1 ? Math.min(H, b.bottom + 2) : Math.ceil((b.bottom + runs[i + 1]!.top) / 2),
  }));
}

/** Rows [top, bottom) of a plane. */
export function cropRows(p: Plane, box: LineBox): Plane {
  const out = plane(p.width, box.bottom - box.top);
  out.data.set(p.data.subarray(box.top * p.width, box.bottom * p.width));
  return out;
}
