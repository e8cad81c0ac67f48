import { describe, expect, it } from 'vitest';
import { toGray } from '../src/imageops.js';
import { splitLines } from '../src/lines.js';
import { inkBox, inkMap } from '../src/preprocess.js';
import { pageLines } from '../src/recognize.js';
import { renderLine, renderPage } from '../src/render.js';

const TEXT = ['It was the best of times,', 'it was the worst of times;', 'the spring of hope, 1859', 'Quietly: "yes" (p. 12)'];

describe('line splitter', () => {
  for (const [font, seed] of [['indie-flower', 3], ['dancing-script', 7], ['homemade-apple', 11]] as const) {
    it(`finds the ${TEXT.length} lines of a rendered page in ${font}, in order`, () => {
      const page = toGray(renderPage(TEXT, font, seed));
      const boxes = splitLines(page);
      expect(boxes).toHaveLength(TEXT.length);
      for (let i = 1; i < boxes.length; i++) expect(boxes[i]!.top).toBeGreaterThanOrEqual(boxes[i - 1]!.bottom);
      // every line holds a fair share of the page's ink
      const ink = inkMap(page);
      const rowInk = (top: number, bottom: number) => {
        let s = 0;
        for (let k = top * ink.width; k < bottom * ink.width; k++) s += ink.data[k]!;
        return s;
      };
      const total = rowInk(0, ink.height);
      const shares = boxes.map((b) => rowInk(b.top, b.bottom) / total);
      for (const s of shares) expect(s).toBeGreaterThan(0.1);
      expect(shares.reduce((a, b) => a + b)).toBeGreaterThan(0.97);
    });
  }

  it('keeps a single line whole, descenders and dots included', () => {
    const line = toGray(renderLine('jumping quickly, gigs!', 'caveat', 5));
    expect(splitLines(line)).toHaveLength(1);
    const [only] = pageLines(line);
    expect(only!.input.height).toBe(32);
    const box = inkBox(only!.input)!;
    expect(box.bottom - box.top).toBeGreaterThan(20);
  });

  it('returns no lines for a blank page', () => {
    const blank = { data: new Float32Array(100 * 50).fill(0.9), width: 100, height: 50 };
    expect(splitLines(blank)).toEqual([]);
  });
});
