// Bidirectional LSTM forward + backward (the handwriting recognizer's
// sequence model): 64 features -> hidden 128 each way, T=100, batch 16;
// gradients of out.sum() w.r.t. every parameter, no optimizer.
import { firstOutput, layerPaths, need, paramsOf } from '../neurone.js';
import { TfScope, guard } from '../tfjs.js';
import { rnnParams, runRnn } from '../tfjs-rnn.js';
import type { Workload } from '../types.js';

const F = 64;
const H = 128;
const T = 100;
const B = 16;

export const workloads: Workload[] = [
  {
    id: 'blstm',
    title: 'BLSTM 64->2x128 fwd+bwd',
    spec: 'bidirectional LSTM(64, 128), input (T=100, B=16, 64) random normal, output (100, 16, 256); forward + backward of out.sum() (parameter gradients)',
    target: { kind: 'time-vs-torch', factor: 2 },
    quickSkip: { 'tfjs-cpu': '~4.8 s/step measured on this machine' },
    neurone(env) {
      const { LSTM } = need(env, { LSTM: layerPaths('LSTM', 'sequence') });
      const { core } = env;
      const lstm = new LSTM(F, H, { bidirectional: true });
      const params = paramsOf(lstm);
      const x = core.randn([T, B, F]);
      return {
        step() {
          for (const p of params) p.grad = null;
          firstOutput(lstm.forward(x)).sum().backward();
        },
      };
    },
    tfjs({ tf }) {
      const s = new TfScope(tf);
      const fwd = rnnParams(s, 'lstm', F, H);
      const bwd = rnnParams(s, 'lstm', F, H);
      const x = s.keep(tf.randomNormal([T, B, F]));
      return {
        step: guard(() => {
          const { value, grads } = tf.variableGrads(
            () => tf.sum(tf.concat([runRnn(tf, fwd, x), runRnn(tf, bwd, x, true)], 2)) as import('@tensorflow/tfjs-core').Scalar,
            s.vars,
          );
          value.dataSync();
          tf.dispose([value, ...Object.values(grads)]);
        }),
        dispose: () => s.dispose(),
      };
    },
  },
];
