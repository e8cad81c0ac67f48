// LeNet-5 training step, batch 64, Adam: conv 1->6 5x5 pad 2, ReLU, max-pool 2;
// conv 6->16 5x5, ReLU, max-pool 2; Linear 400-120-84-10 with ReLU;
// cross-entropy. Conv layers come from @neurone/vision (or core's nn).
import { fnPaths, layerPaths, lookupFirst, need, paramsOf } from '../neurone.js';
import { TfScope, applyLinear, linear, requireKernels, trainStep } from '../tfjs.js';
import type { Tensor } from '@neurone/core';
import type { NeuroneEnv, Workload } from '../types.js';

const B = 64;
const LR = 1e-3;

/** 2x2 max-pooling: the functional form, or else the module. */
function maxPool2x2(env: NeuroneEnv): (t: Tensor) => Tensor {
  const fn = lookupFirst(env, fnPaths('maxPool2d', 'vision'));
  if (fn) return (t) => fn(t, 2);
  const { MaxPool2d } = need(env, { MaxPool2d: layerPaths('MaxPool2d', 'vision') });
  const m = new MaxPool2d(2);
  return (t) => m.forward(t);
}

export const workloads: Workload[] = [
  {
    id: 'lenet5',
    title: 'LeNet-5 train step',
    spec: 'input 64x1x28x28; Conv 1-6 5x5 pad 2, ReLU, MaxPool 2; Conv 6-16 5x5, ReLU, MaxPool 2; Linear 400-120-84-10, ReLU; cross-entropy; Adam lr 1e-3',
    target: { kind: 'time-vs-torch', factor: 3 },
    quickSkip: { 'tfjs-cpu': '~5.4 s/step measured on this machine' },
    neurone(env) {
      const { Conv2d, Linear, crossEntropy, Adam } = need(env, {
        Conv2d: layerPaths('Conv2d', 'vision'),
        Linear: 'core.nn.Linear',
        crossEntropy: 'core.F.crossEntropy',
        Adam: 'core.optim.Adam',
      });
      const pool = maxPool2x2(env);
      const { core } = env;
      const c1 = new Conv2d(1, 6, 5, { padding: 2 });
      const c2 = new Conv2d(6, 16, 5);
      const f1 = new Linear(400, 120);
      const f2 = new Linear(120, 84);
      const f3 = new Linear(84, 10);
      const opt = new Adam(paramsOf(c1, c2, f1, f2, f3), { lr: LR });
      const x = core.randn([B, 1, 28, 28]);
      const y = core.randint(0, 10, [B]);
      return {
        step() {
          opt.zeroGrad();
          let h = pool(c1.forward(x).relu());
          h = pool(c2.forward(h).relu()).flatten(1);
          const logits = f3.forward(f2.forward(f1.forward(h).relu()).relu());
          crossEntropy(logits, y).backward();
          opt.step();
        },
      };
    },
    tfjs({ tf }) {
      requireKernels(tf, 'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPoolGrad');
      const s = new TfScope(tf);
      const k1 = s.param([5, 5, 1, 6], 1 / Math.sqrt(25));
      const b1 = s.param([6], 1 / Math.sqrt(25));
      const k2 = s.param([5, 5, 6, 16], 1 / Math.sqrt(150));
      const b2 = s.param([16], 1 / Math.sqrt(150));
      const f1 = linear(s, 400, 120);
      const f2 = linear(s, 120, 84);
      const f3 = linear(s, 84, 10);
      const x = s.keep(tf.randomNormal([B, 28, 28, 1]));
      const y = s.keep(tf.tidy(() => tf.cast(tf.oneHot(tf.randomUniformInt([B], 0, 10), 10), 'float32')));
      const opt = s.opt(tf.train.adam(LR));
      return trainStep(s, opt, () => {
        type T4 = import('@tensorflow/tfjs-core').Tensor4D;
        let h = tf.maxPool(tf.relu(tf.add(tf.conv2d(x as T4, k1 as T4, 1, 'same'), b1)) as T4, 2, 2, 'valid');
        h = tf.maxPool(tf.relu(tf.add(tf.conv2d(h, k2 as T4, 1, 'valid'), b2)) as T4, 2, 2, 'valid');
        const flat = tf.reshape(h, [B, 400]);
        const logits = applyLinear(tf, tf.relu(applyLinear(tf, tf.relu(applyLinear(tf, flat, f1)), f2)), f3);
        return tf.losses.softmaxCrossEntropy(y, logits);
      });
    },
  },
];
