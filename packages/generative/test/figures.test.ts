import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { full, ones, tensor, zeros } from '@neurone/core';
import { loadImage } from '@neurone/vision';
import { inpaintingGrid, interpolationGrid, lineChart, reconstructionGrid, rowsGrid, samplesGrid, savePng } from '../src/index.js';

describe('figures', () => {
  it('rowsGrid puts one batch per row, mapping a [-1, 1] range to [0, 1]', () => {
    const g = rowsGrid([full([3, 1, 4, 4], -1), full([3, 1, 4, 4], 1)], { range: [-1, 1], padding: 1, padValue: 0.5 });
    // 2 rows of 3 tiles: (1, 2·5 + 1, 3·5 + 1)
    expect(g.shape).toEqual([1, 11, 16]);
    expect(g.data[1 * 16 + 1]).toBe(0); // first row, first tile: -1 -> 0
    expect(g.data[6 * 16 + 1]).toBe(1); // second row: 1 -> 1
    expect(g.data[0]).toBe(0.5); // padding
    expect(() => rowsGrid([ones([2, 1, 4, 4]), ones([3, 1, 4, 4])])).toThrow(/same number and size/);
  });

  it('grayscale rows beside colour ones become colour', () => {
    const g = rowsGrid([zeros([2, 1, 3, 3]), ones([2, 3, 3, 3])]);
    expect(g.shape[0]).toBe(3);
  });

  it('reconstructionGrid pairs originals (above) with reconstructions; samplesGrid is square-ish', () => {
    const orig = zeros([20, 1, 2, 2]);
    const rec = ones([20, 1, 2, 2]);
    const g = reconstructionGrid(orig, rec, { nrow: 10, padding: 0 });
    expect(g.shape).toEqual([1, 8, 20]);
    expect(g.data[0]).toBe(0);
    expect(g.data[2 * 20]).toBe(1);
    expect(g.data[4 * 20]).toBe(0);
    const noisy = full([10, 1, 2, 2], 0.25);
    const g3 = reconstructionGrid(zeros([10, 1, 2, 2]), ones([10, 1, 2, 2]), { inputs: noisy, padding: 0 });
    expect([g3.data[0], g3.data[2 * 20], g3.data[4 * 20]]).toEqual([0, 0.25, 1]);
    expect(samplesGrid(zeros([16, 1, 2, 2]), { padding: 0 }).shape).toEqual([1, 8, 8]);
  });

  it('scale magnifies the grid by nearest neighbour', () => {
    const g = rowsGrid([tensor([[[[0, 1]]]])], { padding: 0, scale: 3 });
    expect(g.shape).toEqual([1, 3, 6]);
    expect(g.toList()).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1]);
    expect(samplesGrid(zeros([4, 1, 2, 2]), { padding: 0, scale: 2 }).shape).toEqual([1, 8, 8]);
    expect(() => samplesGrid(zeros([4, 1, 2, 2]), { scale: 1.5 })).toThrow(/scale must be a positive integer/);
  });

  it('interpolationGrid lays out one path per row; inpaintingGrid shows original, damaged, filled', () => {
    expect(interpolationGrid(zeros([8, 3, 1, 2, 2]), { padding: 0 }).shape).toEqual([1, 6, 16]);
    expect(interpolationGrid(zeros([8 * 3, 1, 2, 2]), { paths: 3, padding: 0 }).shape).toEqual([1, 6, 16]);
    const mask = tensor([[true, false], [false, false]]);
    const g = inpaintingGrid(zeros([1, 1, 2, 2]), mask, ones([1, 1, 2, 2]), { padding: 0 });
    expect(g.toList()).toEqual([0, 0, 0, 0, 0.5, 0, 0, 0, 1, 1, 1, 1]);
  });

  it('savePng writes a PNG that reads back with the same pixels', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'generative-'));
    const path = join(dir, 'sub', 'grid.png');
    const g = rowsGrid([zeros([2, 1, 3, 3]), ones([2, 1, 3, 3])], { padding: 1 });
    await savePng(g, path);
    expect(readFileSync(path).subarray(1, 4).toString()).toBe('PNG');
    const back = await loadImage(path, { mode: 'grayscale' });
    expect(back.shape).toEqual(g.shape);
    for (let i = 0; i < g.size; i++) expect(Math.abs(back.data[i]! - g.data[i]!)).toBeLessThan(0.01);
  });
});

describe('lineChart', () => {
  it('draws each series in its colour inside a frame, higher values higher up', () => {
    // 40 x 20 with a 6-pixel margin: x = 6 + 28 i, y = 14 - 8 v
    const img = lineChart([[0, 1], [1, 0]], { width: 40, height: 20 });
    expect(img.shape).toEqual([3, 20, 40]);
    const px = (x: number, y: number) => [0, 1, 2].map((c) => img.data[c * 800 + y * 40 + x]);
    const f = (c: number[]) => c.map((v) => Math.fround(v));
    const red = f([0.85, 0.2, 0.15]);
    const blue = f([0.15, 0.4, 0.85]);
    expect(px(6, 14)).toEqual(red);
    expect(px(34, 6)).toEqual(red);
    expect(px(6, 6)).toEqual(blue);
    expect(px(34, 14)).toEqual(blue);
    expect(px(20, 10)).toEqual(blue); // they cross; the later series is drawn over
    expect(px(20, 6)).toEqual([1, 1, 1]);
    expect(px(0, 0)).toEqual(f([0.6, 0.6, 0.6]));
    expect(() => lineChart([])).toThrow(/non-empty/);
  });
});
