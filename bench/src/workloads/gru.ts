// char-GRU training step, the char-LSTM row with a GRU (vocab 65, hidden 256,
// T=64, batch 32, Adam, clipping); GRU from @neurone/sequence (or core's nn).
import { charRnn } from '../char-rnn.js';
import type { Workload } from '../types.js';

export const workloads: Workload[] = [
  charRnn('gru', { 'tfjs-cpu': '~7.6 s/step measured on this machine', 'tfjs-wasm': '~2.0 s/step measured on this machine' }),
];
