// The characters the recognizer reads, and text <-> label indices for CTC.

/**
 * Every character the model can output, in label order (label = index + 1;
 * label 0 is the CTC blank): space, letters, digits and common punctuation.
 */
export const CHARSET = " abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,;:'\"-!?()/&$%+#";

/** Label of the CTC blank. */
export const BLANK = 0;

/** Number of output classes: the charset plus the blank. */
export const NUM_CLASSES = CHARSET.length + 1;

const INDEX = new Map<string, number>([...CHARSET].map((c, i) => [c, i + 1]));

// typographic characters of the corpora, written the way a hand would
const REPLACE: Record<string, string> = {
  '\u2018': "'", '\u2019': "'", '\u201c': '"', '\u201d': '"', '\u2014': '-', '\u2013': '-', '\u2011': '-',
  '`': "'", '[': '(', ']': ')', '{': '(', '}': ')', _: '-', '*': '', '\u2022': '', '\u00b0': '',
};

/**
 * Maps text onto the charset: typographic quotes and dashes become ASCII,
 * accents are dropped, other characters removed, runs of white space become
 * one space, and the ends are trimmed.
 *
 * Example:
 *   normalizeText('“Call me—Ishmael.”'); // '"Call me-Ishmael."'
 */
export function normalizeText(text: string): string {
  let t = /[^\x00-\x7f]/.test(text) ? text.normalize('NFKD') : text;
  t = t.replace(REPLACE_RE, (c) => REPLACE[c] ?? '');
  return t.replace(DROP_RE, '').replace(/\s+/g, ' ').trim();
}

const REPLACE_RE = new RegExp(`[${Object.keys(REPLACE).map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}]`, 'g');
// white space stays (collapsed afterwards); anything else outside the charset goes
const DROP_RE = new RegExp(`[^\\s${[...CHARSET].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}]`, 'g');

/** Text -> labels (1..CHARSET.length); characters outside the charset are refused. */
export function encodeText(text: string): number[] {
  return [...text].map((c) => {
    const l = INDEX.get(c);
    if (l === undefined) throw new Error(`encodeText: '${c}' is not in the charset (normalizeText maps text onto it)`);
    return l;
  });
}

/** Labels -> text; the blank and unknown labels are skipped. */
export function decodeLabels(labels: readonly number[]): string {
  let s = '';
  for (const l of labels) if (l >= 1 && l <= CHARSET.length) s += CHARSET[l - 1];
  return s;
}
