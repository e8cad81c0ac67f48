// CTC loss forward + backward: T=100, batch 16, 30 classes (blank 0),
// targets of 20 labels; log-softmax of random logits, mean reduction,
// gradient w.r.t. the logits. TensorFlow.js has no CTC loss.
import { fnPaths, need } from '../neurone.js';
import type { Workload } from '../types.js';

const T = 100;
const B = 16;
const C = 30;
const L = 20;

/** Labels 1..C-1 (0 is the blank), (B, L) flattened. */
function targets(): Int32Array {
  const out = new Int32Array(B * L);
  for (let i = 0; i < out.length; i++) out[i] = 1 + ((i * 7919 + 13) % (C - 1));
  return out;
}

export const workloads: Workload[] = [
  {
    id: 'ctc',
    title: 'CTC T=100 B=16 C=30 L=20 fwd+bwd',
    spec: 'ctc loss of logSoftmax(logits) with logits (T=100, B=16, 30) random normal, blank 0, targets (16, 20), full input lengths, mean reduction; forward + backward to the logits',
    target: { kind: 'time-vs-torch', factor: 2 },
    neurone(env) {
      const { ctcLoss } = need(env, { ctcLoss: fnPaths('ctcLoss', 'sequence') });
      const { core } = env;
      const logits = core.randn([T, B, C], { requiresGrad: true });
      const tg = core.tensor(targets(), { shape: [B, L] });
      const inputLengths = core.full([B], T, { dtype: 'int32' });
      const targetLengths = core.full([B], L, { dtype: 'int32' });
      return {
        step() {
          logits.grad = null;
          ctcLoss(logits.logSoftmax(2), tg, inputLengths, targetLengths, { blank: 0, reduction: 'mean' }).backward();
        },
      };
    },
    tfjs: { none: 'tfjs has no CTC loss' },
  },
];
