// The character-level language model: embedding -> stacked LSTM/GRU -> dropout -> linear.
import { Generator, nn, type Tensor } from '@neurone/core';
import { GRU, LSTM } from '@neurone/sequence';

export type CellType = 'lstm' | 'gru';

/** What defines the network (stored in every checkpoint). */
export interface ModelConfig {
  cell: CellType;
  /** Characters in the vocabulary. */
  vocabSize: number;
  /** Size of each character's embedding vector. */
  embedding: number;
  /** Hidden units per recurrent layer. */
  hidden: number;
  /** Stacked recurrent layers. */
  layers: number;
  /** Dropout between recurrent layers and before the output layer (training only). */
  dropout: number;
}

/** The recurrent state carried from one chunk to the next: LSTM [h, c], GRU h. */
export type RecurrentState = [Tensor, Tensor] | Tensor;

/**
 * A character-level recurrent language model: for each input character, a
 * distribution (logits) over the next one.
 *
 * Shape: x (T, N) int32 character indices, state (layers, N, hidden) (LSTM: [h, c])
 *   -> [logits (T, N, vocabSize), state].
 *
 * Parameters: embedding.weight, rnn.weight_ih_l{k} / weight_hh_l{k} / bias_ih_l{k} / bias_hh_l{k},
 * head.weight, head.bias (PyTorch's names for the same model).
 *
 * Example:
 *   const model = new CharRNN({ cell: 'lstm', vocabSize: 84, embedding: 64, hidden: 256, layers: 2, dropout: 0.1 });
 *   const [logits, state] = model.forward(x);         // x (100, 32) int32
 *   const [next] = model.forward(x2, detach(state));   // carry the state on
 */
export class CharRNN extends nn.Module {
  readonly config: ModelConfig;
  embedding: nn.Embedding;
  rnn: LSTM | GRU;
  drop: nn.Dropout;
  head: nn.Linear;
  /** The random numbers of every dropout mask (saved in checkpoints so that a resumed run continues exactly). */
  readonly dropoutGenerator: Generator;

  constructor(config: ModelConfig, opts: { seed?: number } = {}) {
    super();
    checkConfig(config);
    this.config = { ...config };
    const init = new Generator(opts.seed ?? 0);
    this.dropoutGenerator = new Generator((opts.seed ?? 0) + 1);
    const { cell, vocabSize, embedding, hidden, layers, dropout } = config;
    this.embedding = new nn.Embedding(vocabSize, embedding, { generator: init });
    const Cell = cell === 'lstm' ? LSTM : GRU;
    this.rnn = new Cell(embedding, hidden, { numLayers: layers, dropout: layers > 1 ? dropout : 0, generator: init });
    this.rnn.generator = this.dropoutGenerator;
    this.drop = new nn.Dropout(dropout, { generator: this.dropoutGenerator });
    this.head = new nn.Linear(hidden, vocabSize, { generator: init });
  }

  forward(x: Tensor, state?: RecurrentState | null): [Tensor, RecurrentState] {
    const e = this.embedding.forward(x);
    let out: Tensor;
    let next: RecurrentState;
    if (this.rnn instanceof LSTM) {
      [out, next] = this.rnn.forward(e, (state as [Tensor, Tensor] | null | undefined) ?? null);
    } else {
      [out, next] = this.rnn.forward(e, (state as Tensor | null | undefined) ?? null);
    }
    return [this.head.forward(this.drop.forward(out)), next];
  }
}

/** The state with its graph cut: the values go on, the gradients stop here. */
export function detachState(state: RecurrentState): RecurrentState {
  return Array.isArray(state) ? [state[0].detach(), state[1].detach()] : state.detach();
}

/** Throws a readable error unless the config describes a buildable model. */
export function checkConfig(c: ModelConfig): void {
  const bad = (what: string, v: unknown) => {
    throw new Error(`model config: ${what}, got ${JSON.stringify(v)}`);
  };
  if (c.cell !== 'lstm' && c.cell !== 'gru') bad("cell must be 'lstm' or 'gru'", c.cell);
  for (const k of ['vocabSize', 'embedding', 'hidden', 'layers'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) bad(`${k} must be a positive integer`, c[k]);
  }
  if (!(typeof c.dropout === 'number' && c.dropout >= 0 && c.dropout < 1)) bad('dropout must be in [0, 1)', c.dropout);
}
