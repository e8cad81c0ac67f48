// char-LSTM training step (vocab 65, hidden 256, T=64, batch 32, Adam,
// clipping); the LSTM layer comes from @neurone/sequence (or core's nn).
import { charRnn } from '../char-rnn.js';
import type { Workload } from '../types.js';

export const workloads: Workload[] = [
  charRnn('lstm', { 'tfjs-cpu': '~8.6 s/step measured on this machine', 'tfjs-wasm': '~3.4 s/step measured on this machine' }),
];
