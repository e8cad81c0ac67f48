// VAE training step (the PyTorch examples' MNIST VAE): 784-400-20, batch 128,
// reconstruction BCE (sum) + KL divergence, Adam lr 1e-3.
import { need, paramsOf } from '../neurone.js';
import { TfScope, applyLinear, linear, trainStep } from '../tfjs.js';
import type { Workload } from '../types.js';

const B = 128;
const D = 784;
const H = 400;
const Z = 20;
const LR = 1e-3;

export const workloads: Workload[] = [
  {
    id: 'vae',
    title: 'VAE 784-400-20 train step',
    spec: 'enc Linear 784-400 ReLU -> (mu, logvar) Linear 400-20 x2; z = mu + eps*exp(logvar/2); dec Linear 20-400 ReLU, 400-784 sigmoid; loss BCE(sum) + KLD; batch 128 of uniform [0,1) inputs; Adam lr 1e-3',
    target: { kind: 'time-vs-torch', factor: 2 },
    neurone(env) {
      const { Linear, bce, Adam } = need(env, {
        Linear: 'core.nn.Linear',
        bce: ['core.F.bceLoss', 'core.F.binaryCrossEntropy'],
        Adam: 'core.optim.Adam',
      });
      const { core } = env;
      const fc1 = new Linear(D, H);
      const fc21 = new Linear(H, Z);
      const fc22 = new Linear(H, Z);
      const fc3 = new Linear(Z, H);
      const fc4 = new Linear(H, D);
      const opt = new Adam(paramsOf(fc1, fc21, fc22, fc3, fc4), { lr: LR });
      const x = core.rand([B, D]);
      return {
        step() {
          opt.zeroGrad();
          const h = fc1.forward(x).relu();
          const mu = fc21.forward(h);
          const logvar = fc22.forward(h);
          const z = mu.add(core.randn([B, Z]).mul(logvar.mul(0.5).exp()));
          const recon = fc4.forward(fc3.forward(z).relu()).sigmoid();
          const kld = logvar.add(1).sub(mu.square()).sub(logvar.exp()).sum().mul(-0.5);
          const loss = bce(recon, x, { reduction: 'sum' }).add(kld);
          loss.backward();
          opt.step();
        },
      };
    },
    tfjs({ tf }) {
      const s = new TfScope(tf);
      const fc1 = linear(s, D, H);
      const fc21 = linear(s, H, Z);
      const fc22 = linear(s, H, Z);
      const fc3 = linear(s, Z, H);
      const fc4 = linear(s, H, D);
      const x = s.keep(tf.randomUniform([B, D]));
      const opt = s.opt(tf.train.adam(LR));
      return trainStep(s, opt, () => {
        const h = tf.relu(applyLinear(tf, x, fc1));
        const mu = applyLinear(tf, h, fc21);
        const logvar = applyLinear(tf, h, fc22);
        const z = tf.add(mu, tf.mul(tf.randomNormal([B, Z]), tf.exp(tf.mul(logvar, 0.5))));
        const recon = tf.sigmoid(applyLinear(tf, tf.relu(applyLinear(tf, z, fc3)), fc4));
        // BCE with PyTorch's clamp of log at -100.
        const logR = tf.maximum(tf.log(recon), -100);
        const log1mR = tf.maximum(tf.log(tf.sub(1, recon)), -100);
        const bce = tf.neg(tf.sum(tf.add(tf.mul(x, logR), tf.mul(tf.sub(1, x), log1mR))));
        const kld = tf.mul(tf.sum(tf.sub(tf.sub(tf.add(logvar, 1), tf.square(mu)), tf.exp(logvar))), -0.5);
        return tf.add(bce, kld) as import('@tensorflow/tfjs-core').Scalar;
      });
    },
  },
];
