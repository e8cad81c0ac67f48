import { Generator } from '@neurone/core';
import { describe, expect, it } from 'vitest';
import { CHARSET, encodeText, normalizeText } from '../src/charset.js';
import { generatedText, sampleText } from '../src/corpus.js';
import { makeSample } from '../src/data.js';
import { digitCounts, digitString } from '../src/digits.js';
import { EVAL_FONTS, TRAINING_FONTS, fontPath } from '../src/fonts.js';
import { renderLine } from '../src/render.js';

describe('synthetic line generator', () => {
  it('gives the same pixels for the same seed, and other pixels for another', () => {
    const a = renderLine('Call me Ishmael, 1851.', 'caveat', 42);
    const b = renderLine('Call me Ishmael, 1851.', 'caveat', 42);
    const c = renderLine('Call me Ishmael, 1851.', 'caveat', 43);
    expect([b.width, b.height]).toEqual([a.width, a.height]);
    expect(Buffer.from(b.data.buffer).equals(Buffer.from(a.data.buffer))).toBe(true);
    expect(c.data.length === a.data.length && Buffer.from(c.data.buffer).equals(Buffer.from(a.data.buffer))).toBe(false);
  });

  it('draws ink where the text is, on lighter paper', () => {
    const img = renderLine('Moby Dick', 'kalam', 1, { clean: true });
    const n = img.width * img.height;
    let dark = 0;
    for (let p = 0; p < n; p++) if (img.data[p]! < 0.5) dark++;
    expect(dark / n).toBeGreaterThan(0.02);
    expect(dark / n).toBeLessThan(0.5);
  });

  it('makes the same training samples (text and model input) from the same seed', () => {
    for (const kind of ['lines', 'digits'] as const) {
      const a = makeSample(kind, 1234);
      const b = makeSample(kind, 1234);
      expect(b.text).toBe(a.text);
      expect(b.source).toBe(a.source);
      expect(Buffer.from(b.input.data.buffer).equals(Buffer.from(a.input.data.buffer))).toBe(true);
      expect(a.input.height).toBe(32);
      expect(() => encodeText(a.text)).not.toThrow();
    }
  });

  it('draws text from the training documents or the held-out ones, deterministically', () => {
    const t1 = Array.from({ length: 20 }, (_, i) => sampleText(new Generator(i), 'train'));
    const t2 = Array.from({ length: 20 }, (_, i) => sampleText(new Generator(i), 'train'));
    const e = Array.from({ length: 20 }, (_, i) => sampleText(new Generator(i), 'eval'));
    expect(t2).toEqual(t1);
    expect(e).not.toEqual(t1);
    for (const t of [...t1, ...e, generatedText(new Generator(9))]) {
      expect(t.length).toBeGreaterThan(0);
      expect(t.length).toBeLessThanOrEqual(40);
      expect(normalizeText(t)).toBe(t);
    }
  });

  it('trains on the 17 fonts of the issue and keeps the others for evaluation', () => {
    expect(TRAINING_FONTS).toHaveLength(17);
    expect(EVAL_FONTS.some((f) => (TRAINING_FONTS as readonly string[]).includes(f))).toBe(false);
    for (const f of [...TRAINING_FONTS, ...EVAL_FONTS]) expect(fontPath(f)).toMatch(/\.woff2$/);
    expect(() => fontPath('comic-sans')).toThrow(/unknown font/);
  });

  it('composes MNIST digit strings from the first 80% (training) or the last 20% (reserved) of each digit', () => {
    const train = digitCounts('train');
    const reserved = digitCounts('reserved');
    for (let d = 0; d < 10; d++) expect(train[d]).toBe(Math.floor((train[d]! + reserved[d]!) * 0.8));
    const a = digitString(new Generator(3), 'reserved');
    const b = digitString(new Generator(3), 'reserved');
    expect(a.text).toMatch(/^[0-9]{1,12}$/);
    expect(b.text).toBe(a.text);
    expect(Buffer.from(b.ink.data.buffer).equals(Buffer.from(a.ink.data.buffer))).toBe(true);
    expect(digitString(new Generator(3), 'train', undefined, [4, 2]).text).toBe('42');
  });

  it('maps corpus text onto the charset', () => {
    expect(normalizeText('\u201cCall me\u2014Ishmael.\u201d  caf\u00e9')).toBe('"Call me-Ishmael." cafe');
    expect([...normalizeText('x\u03b7y\u2022z')].every((c) => CHARSET.includes(c))).toBe(true);
  });
});
