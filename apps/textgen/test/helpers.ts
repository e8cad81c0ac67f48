// Small corpora and tiny models, so that every test runs in seconds.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { train, type TrainRequest, type TrainResult } from '../src/train.js';

/** A fresh temporary folder, removed when the process exits. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'textgen-test-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A few kilobytes of English-like text (with a non-ASCII character) in a UTF-8 file. */
export function writeCorpus(dir: string): string {
  const sentences = [
    'The whale swam under the ship and the sea was calm. ',
    'Fellow citizens, the state of the union is strong. ',
    'We shall meet again — at sea, in the morning light. ',
    'Call me Ishmael; I went to sea to see the watery world.\n',
  ];
  let text = '';
  for (let i = 0; text.length < 6000; i++) text += sentences[(i * 7) % sentences.length];
  const file = path.join(dir, 'corpus.txt');
  fs.writeFileSync(file, text, 'utf8');
  return file;
}

/** The smallest useful model: LSTM 2x16, embedding 8, T=8, B=4. */
export const TINY = {
  model: { cell: 'lstm' as const, hidden: 16, layers: 2, embedding: 8, dropout: 0.1 },
  train: { seq: 8, batch: 4, lr: 5e-3, minLr: 5e-4, warmup: 2, clip: 5, valEvery: 5, valChars: 400, seed: 7 },
};

export function trainTiny(corpus: string, out: string, steps: number, extra: Partial<TrainRequest> = {}): Promise<TrainResult> {
  return train({ corpus, out, plot: null, model: TINY.model, train: { ...TINY.train, steps }, ...extra });
}
