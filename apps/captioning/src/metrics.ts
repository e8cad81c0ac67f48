// Caption metrics: corpus BLEU-1..4 (Papineni et al. 2002, as nltk's
// corpus_bleu without smoothing) and CIDEr-D's core, CIDEr (Vedantam et al.
// 2015: tf-idf weighted n-gram cosine similarity, n = 1..4, times 10).

function ngrams(words: readonly string[], n: number): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i + n <= words.length; i++) {
    const g = words.slice(i, i + n).join(' ');
    m.set(g, (m.get(g) ?? 0) + 1);
  }
  return m;
}

const tok = (s: string): string[] => s.split(' ').filter((w) => w.length > 0);

/**
 * Corpus BLEU-1..4: clipped n-gram precisions summed over the corpus, their
 * geometric mean with uniform weights up to n, times the brevity penalty
 * exp(1 - r/c) when the candidates are shorter than the closest references.
 *
 * Returns [BLEU-1, BLEU-2, BLEU-3, BLEU-4].
 */
export function corpusBleu(candidates: readonly string[], references: readonly (readonly string[])[]): [number, number, number, number] {
  if (candidates.length !== references.length) throw new Error(`corpusBleu: ${candidates.length} candidates but ${references.length} reference sets`);
  const match = [0, 0, 0, 0];
  const total = [0, 0, 0, 0];
  let c = 0;
  let r = 0;
  candidates.forEach((cand, i) => {
    const cw = tok(cand);
    const refs = references[i]!.map(tok);
    c += cw.length;
    // closest reference length, the shorter on ties
    let best = Infinity;
    for (const rw of refs) {
      const d = Math.abs(rw.length - cw.length);
      if (d < Math.abs(best - cw.length) || (d === Math.abs(best - cw.length) && rw.length < best)) best = rw.length;
    }
    r += best;
    for (let n = 1; n <= 4; n++) {
      const cg = ngrams(cw, n);
      const maxRef = new Map<string, number>();
      for (const rw of refs) for (const [g, k] of ngrams(rw, n)) maxRef.set(g, Math.max(maxRef.get(g) ?? 0, k));
      for (const [g, k] of cg) {
        match[n - 1]! += Math.min(k, maxRef.get(g) ?? 0);
        total[n - 1]! += k;
      }
    }
  });
  const bp = c === 0 ? 0 : c > r ? 1 : Math.exp(1 - r / c);
  const out = [0, 0, 0, 0] as [number, number, number, number];
  let logSum = 0;
  for (let n = 1; n <= 4; n++) {
    const p = total[n - 1]! > 0 ? match[n - 1]! / total[n - 1]! : 0;
    if (p === 0) {
      for (let k = n; k <= 4; k++) out[k - 1] = 0;
      break;
    }
    logSum += Math.log(p);
    out[n - 1] = bp * Math.exp(logSum / n);
  }
  return out;
}

/**
 * CIDEr: for each n, every caption becomes a vector of tf-idf weights
 * (term frequency in the caption times log(#images / #images whose references
 * contain the n-gram)); the score of a candidate is the mean over n = 1..4 of
 * the mean cosine similarity with its references, times 10, averaged over the corpus.
 * The document frequencies come from the references of the corpus itself.
 */
export function cider(candidates: readonly string[], references: readonly (readonly string[])[]): number {
  if (candidates.length !== references.length) throw new Error(`cider: ${candidates.length} candidates but ${references.length} reference sets`);
  const N = candidates.length;
  if (N === 0) return 0;
  const logN = Math.log(N);
  let total = 0;
  const perN: Array<{ df: Map<string, number> }> = [];
  for (let n = 1; n <= 4; n++) {
    const df = new Map<string, number>();
    for (const refs of references) {
      const seen = new Set<string>();
      for (const r of refs) for (const g of ngrams(tok(r), n).keys()) seen.add(g);
      for (const g of seen) df.set(g, (df.get(g) ?? 0) + 1);
    }
    perN.push({ df });
  }
  const vec = (words: string[], n: number, df: Map<string, number>): Map<string, number> => {
    const v = new Map<string, number>();
    const g = ngrams(words, n);
    let count = 0;
    for (const k of g.values()) count += k;
    for (const [k, tf] of g) v.set(k, (tf / Math.max(1, count)) * (logN - Math.log(Math.max(1, df.get(k) ?? 0))));
    return v;
  };
  const cos = (a: Map<string, number>, b: Map<string, number>): number => {
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (const [k, x] of a) {
      na += x * x;
      dot += x * (b.get(k) ?? 0);
    }
    for (const x of b.values()) nb += x * x;
    return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
  };
  candidates.forEach((cand, i) => {
    const refs = references[i]!;
    let s = 0;
    for (let n = 1; n <= 4; n++) {
      const { df } = perN[n - 1]!;
      const cv = vec(tok(cand), n, df);
      let acc = 0;
      for (const r of refs) acc += cos(cv, vec(tok(r), n, df));
      s += acc / refs.length;
    }
    total += (s / 4) * 10;
  });
  return total / N;
}
