// Image files round trip through @napi-rs/canvas; grids tile as make_grid does.
import { mkdtempSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FormatError, Tensor, rand, manualSeed } from '@neurone/core';
import { decodeImage, encodeImage, imageGrid, loadImage, saveImage } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'neurone-vision-'));

/** A tensor whose values are exact multiples of 1/255, so PNG keeps them exactly. */
function quantised(shape: number[]): Tensor {
  manualSeed(1);
  const t = rand(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = Math.round(t.data[i]! * 255) / 255;
  return t;
}

describe('image I/O', () => {
  it('PNG round trip: RGB and grayscale keep their channels and values', async () => {
    const rgb = quantised([3, 5, 7]);
    await saveImage(rgb, join(dir, 'rgb.png'));
    const back = await loadImage(join(dir, 'rgb.png'));
    expect(back.shape).toEqual([3, 5, 7]);
    expect(back.dtype).toBe('float32');
    for (let i = 0; i < rgb.size; i++) expect(back.data[i]).toBeCloseTo(rgb.data[i]!, 6);

    const gray = quantised([1, 6, 4]);
    await saveImage(gray, join(dir, 'gray.png'));
    const g = await loadImage(join(dir, 'gray.png'));
    expect(g.shape).toEqual([1, 6, 4]);
    for (let i = 0; i < gray.size; i++) expect(g.data[i]).toBeCloseTo(gray.data[i]!, 6);
    // forced modes
    expect((await loadImage(join(dir, 'gray.png'), { mode: 'rgb' })).shape).toEqual([3, 6, 4]);
    expect((await loadImage(join(dir, 'rgb.png'), { mode: 'rgba' })).shape).toEqual([4, 5, 7]);
    const l = await loadImage(join(dir, 'rgb.png'), { mode: 'grayscale' });
    expect(l.data[0]).toBeCloseTo(0.299 * rgb.data[0]! + 0.587 * rgb.data[35]! + 0.114 * rgb.data[70]!, 2);
    // (H, W) saves as grayscale; values are clamped
    await saveImage(new Tensor(Float32Array.from([-1, 0.5, 2, 1]), [2, 2]), join(dir, 'hw.png'));
    expect(Array.from((await loadImage(join(dir, 'hw.png'))).data).map((v) => Math.round(v * 255))).toEqual([0, 128, 255, 255]);
  });

  it('JPEG is lossy but close; the format comes from the extension', async () => {
    // a smooth gradient compresses well
    const t = new Tensor(Float32Array.from({ length: 3 * 16 * 16 }, (_, i) => ((i % 256) / 255) * 0.5 + 0.1 * Math.floor(i / 256) + 0.2), [3, 16, 16]);
    await saveImage(t, join(dir, 'x.jpg'), { quality: 95 });
    const back = await loadImage(join(dir, 'x.jpg'), { mode: 'rgb' });
    expect(back.shape).toEqual([3, 16, 16]);
    let err = 0;
    for (let i = 0; i < t.size; i++) err = Math.max(err, Math.abs(back.data[i]! - t.data[i]!));
    expect(err).toBeLessThan(0.1);
    const bytes = await encodeImage(t, 'jpeg');
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xd8]);
    expect([...(await encodeImage(t, 'png')).subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
    expect((await decodeImage(await encodeImage(t, 'png'))).shape).toEqual([3, 16, 16]);
  });

  it('reports bad paths, bad files and bad tensors clearly', async () => {
    await expect(loadImage(join(dir, 'missing.png'))).rejects.toThrow(/loadImage: cannot read '.*missing\.png' \(ENOENT\)/);
    writeFileSync(join(dir, 'junk.png'), 'not an image');
    await expect(loadImage(join(dir, 'junk.png'))).rejects.toThrow(FormatError);
    await expect(saveImage(quantised([2, 3, 3]), join(dir, 'two.png'))).rejects.toThrow('saveImage: expected an image (C, H, W) with 1, 3 or 4 channels, or (H, W), got [2,3,3]');
    await expect(saveImage(quantised([1, 3, 3]), join(dir, 'x.bmp'))).rejects.toThrow(/saveImage: cannot tell the format of/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(existsSync(join(dir, 'two.png'))).toBe(false);
  });
});

describe('imageGrid', () => {
  it('tiles with padding like make_grid', () => {
    const imgs = [0.1, 0.2, 0.3].map((v) => new Tensor(new Float32Array(4).fill(v), [1, 2, 2]));
    const grid = imageGrid(imgs, { nrow: 2, padding: 1, padValue: 1 });
    // 2 rows of (2 + 1) + 1 = 7, 2 columns: 7
    expect(grid.shape).toEqual([1, 7, 7]);
    const row = (r: number) => Array.from(grid.data.subarray(r * 7, r * 7 + 7)).map((v) => Math.round(v * 10) / 10);
    expect(row(0)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(row(1)).toEqual([1, 0.1, 0.1, 1, 0.2, 0.2, 1]);
    expect(row(4)).toEqual([1, 0.3, 0.3, 1, 1, 1, 1]);
  });
  it('takes a batch, mixes gray with colour, normalises', () => {
    const batch = quantised([5, 3, 4, 4]);
    expect(imageGrid(batch, { nrow: 4 }).shape).toEqual([3, 2 * 6 + 2, 4 * 6 + 2]);
    const mixed = imageGrid([quantised([1, 4, 4]), quantised([3, 4, 4])], { padding: 0 });
    expect(mixed.shape).toEqual([3, 4, 8]);
    expect(mixed.data[0]).toBe(mixed.data[32]); // gray copied into every channel
    const n = imageGrid([new Tensor(Float32Array.from([2, 4, 6, 8]), [1, 2, 2])], { padding: 0, normalize: true });
    expect(Array.from(n.data).map((v) => Math.round(v * 3))).toEqual([0, 1, 2, 3]);
    expect(() => imageGrid([quantised([1, 4, 4]), quantised([1, 5, 4])])).toThrow(/imageGrid: every image must be/);
  });
});
