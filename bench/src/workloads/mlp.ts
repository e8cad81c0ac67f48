// MLP training step: 784-256-256-10 with ReLU, batch 128, cross-entropy,
// plain SGD (lr 0.01): forward, backward and update.
import { need, paramsOf } from '../neurone.js';
import { TfScope, applyLinear, linear, trainStep } from '../tfjs.js';
import type { Workload } from '../types.js';

const B = 128;
const SIZES = [784, 256, 256, 10];
const LR = 0.01;

export const workloads: Workload[] = [
  {
    id: 'mlp',
    title: 'MLP 784-256-256-10 train step',
    spec: 'Linear 784-256-256-10, ReLU, batch 128, cross-entropy on int labels, SGD lr 0.01; one step = zeroGrad + forward + backward + step',
    target: { kind: 'time-vs-torch', factor: 2 },
    neurone(env) {
      const { Linear, crossEntropy, SGD } = need(env, {
        Linear: 'core.nn.Linear',
        crossEntropy: 'core.F.crossEntropy',
        SGD: 'core.optim.SGD',
      });
      const { core } = env;
      const layers = SIZES.slice(1).map((n, i) => new Linear(SIZES[i]!, n));
      const opt = new SGD(paramsOf(...layers), { lr: LR });
      const x = core.randn([B, SIZES[0]!]);
      const y = core.randint(0, 10, [B]);
      return {
        step() {
          opt.zeroGrad();
          let h = x;
          layers.forEach((l, i) => {
            h = l.forward(h);
            if (i < layers.length - 1) h = h.relu();
          });
          const loss = crossEntropy(h, y);
          loss.backward();
          opt.step();
        },
      };
    },
    tfjs({ tf }) {
      const s = new TfScope(tf);
      const layers = SIZES.slice(1).map((n, i) => linear(s, SIZES[i]!, n));
      const x = s.keep(tf.randomNormal([B, SIZES[0]!]));
      const y = s.keep(tf.tidy(() => tf.cast(tf.oneHot(tf.randomUniformInt([B], 0, 10), 10), 'float32')));
      const opt = s.opt(tf.train.sgd(LR));
      return trainStep(s, opt, () => {
        let h: import('@tensorflow/tfjs-core').Tensor = x;
        layers.forEach((l, i) => {
          h = applyLinear(tf, h, l);
          if (i < layers.length - 1) h = tf.relu(h);
        });
        return tf.losses.softmaxCrossEntropy(y, h);
      });
    },
  },
];
