import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCorpus, validationStart } from '../src/corpus.js';
import { tempDir } from './helpers.js';

describe('corpora', () => {
  it('speeches: the State of the Union addresses in chronological order, joined by a blank line', () => {
    const c = loadCorpus('speeches');
    expect(c.name).toBe('speeches');
    expect(c.text.startsWith('Fellow-Citizens of the Senate and House of Representatives:')).toBe(true); // Washington, 1790
    expect(c.text.length).toBeGreaterThan(10_000_000);
    expect(c.text).toContain('.\n\n');
    expect(c.text.endsWith('\n')).toBe(false);
  });

  it('moby-dick: the whole novel', () => {
    const c = loadCorpus('moby-dick');
    expect(c.text.startsWith('CHAPTER 1. Loomings.')).toBe(true);
    expect(c.text).toContain('Call me Ishmael.');
    expect(c.text.length).toBeGreaterThan(1_000_000);
  });

  it('any UTF-8 file; other bytes are refused', () => {
    const dir = tempDir();
    const good = path.join(dir, 'poem.txt');
    fs.writeFileSync(good, '\uFEFFÀ la claire fontaine\n');
    expect(loadCorpus(good)).toMatchObject({ name: good, text: 'À la claire fontaine\n' });
    const bad = path.join(dir, 'latin1.txt');
    fs.writeFileSync(bad, Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    expect(() => loadCorpus(bad)).toThrow(/not valid UTF-8/);
    expect(() => loadCorpus(path.join(dir, 'nope.txt'))).toThrow(/neither speeches nor moby-dick nor an existing file/);
  });

  it('validation is the last 10% of the characters', () => {
    expect(validationStart(1000)).toBe(900);
    expect(validationStart(1005)).toBe(905);
    expect(() => validationStart(5)).toThrow(/too short/);
  });
});
