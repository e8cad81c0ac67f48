// Character and word error rates: edit distance over the reference length.
import { editDistance } from '@neurone/sequence';

/** Words of a line: split on white space, empty pieces dropped. */
export function words(text: string): string[] {
  return text.split(/\s+/).filter((w) => w.length > 0);
}

/** Accumulates errors over many lines; rates are total edits over total reference length. */
export class ErrorRate {
  charEdits = 0;
  chars = 0;
  wordEdits = 0;
  words = 0;
  lines = 0;
  exactLines = 0;
  /** Every line added, in order. */
  examples: Array<{ text: string; prediction: string }> = [];

  /** Adds one line's prediction against its reference text. */
  add(prediction: string, reference: string): this {
    this.charEdits += editDistance([...prediction], [...reference]);
    this.chars += [...reference].length;
    this.wordEdits += editDistance(words(prediction), words(reference));
    this.words += words(reference).length;
    this.lines += 1;
    if (prediction === reference) this.exactLines += 1;
    this.examples.push({ text: reference, prediction });
    return this;
  }

  /** Character error rate in [0, ∞): 0 is perfect; an empty reference counts each predicted character. */
  get cer(): number {
    return this.charEdits / Math.max(this.chars, 1);
  }

  /** Word error rate: word-level edit distance over the number of reference words. */
  get wer(): number {
    return this.wordEdits / Math.max(this.words, 1);
  }
}

/**
 * Character error rate of one or several lines: Levenshtein distance between
 * characters over the reference length.
 *
 * Example:
 *   cer('helo world', 'hello world'); // 1 / 11
 */
export function cer(prediction: string | readonly string[], reference: string | readonly string[]): number {
  return pairs(prediction, reference).reduce((r, [p, t]) => r.add(p, t), new ErrorRate()).cer;
}

/**
 * Word error rate of one or several lines: Levenshtein distance between words
 * over the number of reference words.
 *
 * Example:
 *   wer('the cat sat', 'the cat sat down'); // 1 / 4
 */
export function wer(prediction: string | readonly string[], reference: string | readonly string[]): number {
  return pairs(prediction, reference).reduce((r, [p, t]) => r.add(p, t), new ErrorRate()).wer;
}

function pairs(p: string | readonly string[], r: string | readonly string[]): Array<[string, string]> {
  const ps = typeof p === 'string' ? [p] : p;
  const rs = typeof r === 'string' ? [r] : r;
  if (ps.length !== rs.length) throw new Error(`cer/wer: ${ps.length} predictions for ${rs.length} references`);
  return ps.map((x, i) => [x, rs[i]!]);
}
