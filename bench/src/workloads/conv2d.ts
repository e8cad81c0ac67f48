// conv2d: N=8, 32 -> 64 channels, 3x3, padding 1, 32x32, with bias; forward
// alone, and forward + backward (gradients for input, weight and bias of
// out.sum()). The conv2d op belongs to core (issue 3).
import { fnPaths, need } from '../neurone.js';
import { guard, requireKernels } from '../tfjs.js';
import type { Workload } from '../types.js';

const N = 8;
const CIN = 32;
const COUT = 64;
const K = 3;
const HW = 32;
const FLOPS = 2 * N * COUT * HW * HW * CIN * K * K;

function neuroneSetup(backward: boolean): Workload['neurone'] {
  return (env) => {
    const { conv2d } = need(env, { conv2d: fnPaths('conv2d', 'vision') });
    const { core } = env;
    const bound = 1 / Math.sqrt(CIN * K * K);
    const x = core.randn([N, CIN, HW, HW], { requiresGrad: backward });
    const w = core.uniform([COUT, CIN, K, K], -bound, bound, { requiresGrad: backward });
    const b = core.uniform([COUT], -bound, bound, { requiresGrad: backward });
    if (!backward) return { step: () => void core.noGrad(() => conv2d(x, w, b, { padding: 1 })) };
    return {
      step() {
        x.grad = w.grad = b.grad = null;
        conv2d(x, w, b, { padding: 1 }).sum().backward();
      },
    };
  };
}

function tfjsSetup(backward: boolean): Workload['tfjs'] {
  return ({ tf }) => {
    if (backward) requireKernels(tf, 'Conv2DBackpropFilter', 'Conv2DBackpropInput');
    const bound = 1 / Math.sqrt(CIN * K * K);
    // tfjs is channels-last: x (N, H, W, C), filter (KH, KW, C_in, C_out).
    type T4 = import('@tensorflow/tfjs-core').Tensor4D;
    type T = import('@tensorflow/tfjs-core').Tensor;
    const x = tf.randomNormal([N, HW, HW, CIN]) as T4;
    const w = tf.randomUniform([K, K, CIN, COUT], -bound, bound) as T4;
    const b = tf.randomUniform([COUT], -bound, bound);
    const conv = (xx: T4, ww: T4, bb: T) => tf.fused.conv2d({ x: xx, filter: ww, bias: bb, strides: 1, pad: 'same' });
    const dispose = () => tf.dispose([x, w, b]);
    if (!backward) {
      return {
        step: guard(() => {
          const y = conv(x, w, b);
          y.dataSync();
          y.dispose();
        }),
        dispose,
      };
    }
    const grads = tf.grads((xx, ww, bb) => tf.sum(conv(xx as T4, ww as T4, bb)));
    return {
      step: guard(() => {
        const g = grads([x, w, b]);
        for (const t of g) t.dataSync();
        tf.dispose(g);
      }),
      dispose,
    };
  };
}

export const workloads: Workload[] = [
  {
    id: 'conv2d-fwd',
    title: 'conv2d 8x32x32x32 -> 64, 3x3 fwd',
    spec: 'conv2d N=8, C 32 -> 64, 3x3, stride 1, padding 1, 32x32, bias; forward only (no grad)',
    flops: FLOPS,
    target: { kind: 'time-vs-torch', factor: 2 },
    neurone: neuroneSetup(false),
    tfjs: tfjsSetup(false),
  },
  {
    id: 'conv2d-fwd-bwd',
    title: 'conv2d 8x32x32x32 -> 64, 3x3 fwd+bwd',
    spec: 'the same conv2d, forward + backward of out.sum(): gradients for input, weight and bias',
    flops: 3 * FLOPS,
    target: { kind: 'time-vs-torch', factor: 3 },
    neurone: neuroneSetup(true),
    tfjs: tfjsSetup(true),
    quickSkip: { 'tfjs-cpu': '~26 s/step measured on this machine' },
  },
];
