// The char-LSTM and char-GRU rows: one-hot characters (vocab 65) through one
// recurrent layer of 256, a Linear 256-65 head on every step, cross-entropy
// over T x B = 64 x 32 next characters, gradient clipping to norm 5, Adam.
import { CLIP_GRAD_NORM, firstOutput, layerPaths, need, paramsOf } from './neurone.js';
import { TfScope, applyLinear, linear, trainStep } from './tfjs.js';
import { rnnParams, runRnn } from './tfjs-rnn.js';
import type { Workload } from './types.js';

const V = 65;
const H = 256;
const T = 64;
const B = 32;
const LR = 2e-3;
const CLIP = 5;

/** Indices of random characters, (T, B) flattened. */
function chars(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 2654435761) % V;
  return out;
}

export function charRnn(kind: 'lstm' | 'gru', quickSkip: Workload['quickSkip']): Workload {
  const name = kind === 'lstm' ? 'LSTM' : 'GRU';
  return {
    id: `char-${kind}`,
    title: `char-${name} train step`,
    spec: `one-hot input (T=64, B=32, vocab 65) -> ${name}(65, 256) -> Linear 256-65 at every step; cross-entropy over all 2048 targets; clip grad norm 5; Adam lr 2e-3`,
    target: { kind: 'time-vs-torch', factor: 2 },
    quickSkip,
    neurone(env) {
      const { Rnn, Linear, crossEntropy, Adam, clip } = need(env, {
        Rnn: layerPaths(name, 'sequence'),
        Linear: 'core.nn.Linear',
        crossEntropy: 'core.F.crossEntropy',
        Adam: 'core.optim.Adam',
        clip: CLIP_GRAD_NORM,
      });
      const { core } = env;
      const rnn = new Rnn(V, H);
      const head = new Linear(H, V);
      const params = paramsOf(rnn, head);
      const opt = new Adam(params, { lr: LR });
      const xs = chars(T * B);
      const oneHot = new Float32Array(T * B * V);
      xs.forEach((c, i) => (oneHot[i * V + c] = 1));
      const x = core.tensor(oneHot, { shape: [T, B, V] });
      const y = core.tensor(chars(T * B + 1).subarray(1), { shape: [T * B] });
      return {
        step() {
          opt.zeroGrad();
          const out = firstOutput(rnn.forward(x));
          const loss = crossEntropy(head.forward(out.reshape([T * B, H])), y);
          loss.backward();
          clip(params, CLIP);
          opt.step();
        },
      };
    },
    tfjs({ tf }) {
      const s = new TfScope(tf);
      const p = rnnParams(s, kind, V, H);
      const head = linear(s, H, V);
      const x = s.keep(tf.tidy(() => tf.reshape(tf.cast(tf.oneHot(tf.tensor1d(chars(T * B), 'int32'), V), 'float32'), [T, B, V])));
      const y = s.keep(tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(chars(T * B + 1).subarray(1), 'int32'), V), 'float32')));
      const opt = s.opt(tf.train.adam(LR));
      return trainStep(
        s,
        opt,
        () => {
          const out = tf.reshape(runRnn(tf, p, x), [T * B, H]);
          return tf.losses.softmaxCrossEntropy(y, applyLinear(tf, out, head));
        },
        CLIP,
      );
    },
  };
}
