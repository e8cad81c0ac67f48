// DCGAN training step on 28x28 images, batch 64 (the course's MNIST GAN):
//   G: z(100) -> Linear 100-6272 -> (128, 7, 7) -> BN, ReLU -> ConvT 128-64 4x4 s2 p1 (14x14)
//      -> BN, ReLU -> ConvT 64-1 4x4 s2 p1 (28x28) -> tanh
//   D: Conv 1-64 4x4 s2 p1 (14x14) -> LeakyReLU 0.2 -> Conv 64-128 4x4 s2 p1 (7x7) -> BN
//      -> LeakyReLU 0.2 -> Linear 6272-1 (logit)
// Convolutions without bias (they feed batch norm, as in PyTorch's DCGAN
// example); BCE with logits; Adam lr 2e-4, betas (0.5, 0.999) for each net.
// One step = the example's: fake = G(z); D step on real + fake.detach();
// G step on D(fake) with real labels.
import { layerPaths, need, paramsOf } from '../neurone.js';
import { TfScope, applyLinear, guard, linear, requireKernels } from '../tfjs.js';
import type { Workload } from '../types.js';

const B = 64;
const NZ = 100;
const LR = 2e-4;

export const workloads: Workload[] = [
  {
    id: 'dcgan',
    title: 'DCGAN 28x28 train step',
    spec: 'G: Linear 100-6272, BN, ReLU, ConvT 128-64 4x4 s2 p1, BN, ReLU, ConvT 64-1 4x4 s2 p1, tanh; D: Conv 1-64 4x4 s2 p1, LeakyReLU .2, Conv 64-128 4x4 s2 p1, BN, LeakyReLU .2, Linear 6272-1; batch 64; BCE with logits; Adam 2e-4 (0.5, 0.999); one D step + one G step',
    target: { kind: 'time-vs-torch', factor: 3 },
    quickSkip: { 'tfjs-cpu': '~66 s/step measured on this machine' },
    neurone(env) {
      const { Linear, Conv2d, ConvTranspose2d, BatchNorm2d, bceWithLogits, Adam } = need(env, {
        Linear: 'core.nn.Linear',
        Conv2d: layerPaths('Conv2d', 'vision'),
        ConvTranspose2d: layerPaths('ConvTranspose2d', 'vision'),
        BatchNorm2d: layerPaths('BatchNorm2d', 'vision'),
        bceWithLogits: ['core.F.bceWithLogitsLoss', 'core.F.binaryCrossEntropyWithLogits'],
        Adam: 'core.optim.Adam',
      });
      const { core } = env;
      const s2p1 = { stride: 2, padding: 1, bias: false };
      const g = {
        fc: new Linear(NZ, 128 * 7 * 7),
        bn0: new BatchNorm2d(128),
        up1: new ConvTranspose2d(128, 64, 4, s2p1),
        bn1: new BatchNorm2d(64),
        up2: new ConvTranspose2d(64, 1, 4, s2p1),
      };
      const d = { c1: new Conv2d(1, 64, 4, s2p1), c2: new Conv2d(64, 128, 4, s2p1), bn: new BatchNorm2d(128), fc: new Linear(128 * 7 * 7, 1) };
      const gen = (z: any) => {
        const h = g.bn0.forward(g.fc.forward(z).reshape([B, 128, 7, 7])).relu();
        return g.up2.forward(g.bn1.forward(g.up1.forward(h)).relu()).tanh();
      };
      const disc = (x: any) => {
        const h = d.c1.forward(x).leakyRelu(0.2);
        return d.fc.forward(d.bn.forward(d.c2.forward(h)).leakyRelu(0.2).flatten(1));
      };
      const optG = new Adam(paramsOf(...Object.values(g)), { lr: LR, betas: [0.5, 0.999] });
      const optD = new Adam(paramsOf(...Object.values(d)), { lr: LR, betas: [0.5, 0.999] });
      const real = core.uniform([B, 1, 28, 28], -1, 1);
      const ones = core.ones([B, 1]);
      const zeros = core.zeros([B, 1]);
      return {
        step() {
          const fake = gen(core.randn([B, NZ]));
          optD.zeroGrad();
          bceWithLogits(disc(real), ones).add(bceWithLogits(disc(fake.detach()), zeros)).backward();
          optD.step();
          optG.zeroGrad();
          bceWithLogits(disc(fake), ones).backward();
          optG.step();
        },
      };
    },
    tfjs({ tf }) {
      requireKernels(tf, 'Conv2DBackpropFilter', 'Conv2DBackpropInput');
      type T = import('@tensorflow/tfjs-core').Tensor;
      type T4 = import('@tensorflow/tfjs-core').Tensor4D;
      const s = new TfScope(tf);
      const gamma = (c: number) => s.paramFrom(tf.ones([c]));
      const beta = (c: number) => s.paramFrom(tf.zeros([c]));
      const bn = (x: T, gm: T, bt: T) => {
        const { mean, variance } = tf.moments(x, [0, 1, 2]);
        return tf.batchNorm(x, mean, variance, bt, gm, 1e-5);
      };
      // Channels-last; conv filters (KH, KW, C_in, C_out), transposed-conv filters (KH, KW, C_out, C_in).
      const g = {
        fc: linear(s, NZ, 128 * 7 * 7),
        g0: gamma(128), b0: beta(128),
        up1: s.param([4, 4, 64, 128], 1 / Math.sqrt(64 * 16)),
        g1: gamma(64), b1: beta(64),
        up2: s.param([4, 4, 1, 64], 1 / Math.sqrt(16)),
      };
      const gVars = [...s.vars];
      const d = {
        c1: s.param([4, 4, 1, 64], 1 / Math.sqrt(16)),
        c2: s.param([4, 4, 64, 128], 1 / Math.sqrt(64 * 16)),
        g: gamma(128), b: beta(128),
        fc: linear(s, 128 * 7 * 7, 1),
      };
      const dVars = s.vars.slice(gVars.length);
      const gen = (z: T) => {
        const h = tf.relu(bn(tf.reshape(applyLinear(tf, z, g.fc), [B, 7, 7, 128]), g.g0, g.b0)) as T4;
        const h1 = tf.relu(bn(tf.conv2dTranspose(h, g.up1 as T4, [B, 14, 14, 64], 2, 'same'), g.g1, g.b1)) as T4;
        return tf.tanh(tf.conv2dTranspose(h1, g.up2 as T4, [B, 28, 28, 1], 2, 'same'));
      };
      const disc = (x: T) => {
        const h = tf.leakyRelu(tf.conv2d(x as T4, d.c1 as T4, 2, 'same'), 0.2);
        const h2 = tf.leakyRelu(bn(tf.conv2d(h, d.c2 as T4, 2, 'same'), d.g, d.b), 0.2);
        return applyLinear(tf, tf.reshape(h2, [B, 128 * 7 * 7]), d.fc);
      };
      const real = s.keep(tf.randomUniform([B, 28, 28, 1], -1, 1));
      const ones = s.keep(tf.ones([B, 1]));
      const zeros = s.keep(tf.zeros([B, 1]));
      const optG = s.opt(tf.train.adam(LR, 0.5, 0.999));
      const optD = s.opt(tf.train.adam(LR, 0.5, 0.999));
      const sce = (labels: T, logits: T) => tf.losses.sigmoidCrossEntropy(labels, logits);
      return {
        step: guard(() => {
          const loss = tf.tidy(() => {
            const z = tf.randomNormal([B, NZ]);
            const fake = gen(z); // a constant for the D step
            optD.minimize(() => tf.add(sce(ones, disc(real)), sce(zeros, disc(fake))) as import('@tensorflow/tfjs-core').Scalar, false, dVars);
            // tfjs cannot keep the forward pass for a later gradient: G runs again inside the tape.
            return optG.minimize(() => sce(ones, disc(gen(z))) as import('@tensorflow/tfjs-core').Scalar, true, gVars)!;
          });
          loss.dataSync();
          loss.dispose();
        }),
        dispose: () => s.dispose(),
      };
    },
  },
];
