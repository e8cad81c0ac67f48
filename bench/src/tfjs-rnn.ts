// Recurrent layers written with tfjs-core ops (PyTorch's gate order and
// formulas), for the LSTM/GRU/BLSTM rows: the input projection of all time
// steps is one GEMM, then one small GEMM per step.
import { TfScope, type Tf } from './tfjs.js';

type Tensor = import('@tensorflow/tfjs-core').Tensor;
type Tensor2D = import('@tensorflow/tfjs-core').Tensor2D;
type Variable = import('@tensorflow/tfjs-core').Variable;

export interface RnnParams {
  kind: 'lstm' | 'gru';
  hidden: number;
  /** (input, gates*hidden) */
  wIh: Variable;
  /** (hidden, gates*hidden) */
  wHh: Variable;
  bIh: Variable;
  bHh: Variable;
}

/** Parameters initialised as PyTorch does: uniform in +-1/sqrt(hidden). */
export function rnnParams(s: TfScope, kind: 'lstm' | 'gru', input: number, hidden: number): RnnParams {
  const g = (kind === 'lstm' ? 4 : 3) * hidden;
  const k = 1 / Math.sqrt(hidden);
  return { kind, hidden, wIh: s.param([input, g], k), wHh: s.param([hidden, g], k), bIh: s.param([g], k), bHh: s.param([g], k) };
}

/**
 * Runs the layer over x (T, B, input) from h0 = c0 = 0; returns the outputs
 * (T, B, hidden). `reverse` runs from the last step to the first (the
 * backward half of a bidirectional layer), outputs kept in input order.
 */
export function runRnn(tf: Tf, p: RnnParams, x: Tensor, reverse = false): Tensor {
  const [T, B, I] = x.shape as [number, number, number];
  const H = p.hidden;
  const xw = tf.reshape(tf.add(tf.matMul(tf.reshape(x, [T * B, I]), p.wIh), p.bIh), [T, B, -1]);
  const steps = tf.unstack(xw, 0) as Tensor2D[];
  let h: Tensor2D = tf.zeros([B, H]);
  let c: Tensor2D = tf.zeros([B, H]);
  const outs: Tensor2D[] = new Array(T);
  for (let i = 0; i < T; i++) {
    const t = reverse ? T - 1 - i : i;
    const gh = tf.add(tf.matMul(h, p.wHh), p.bHh);
    if (p.kind === 'lstm') {
      const [gi, gf, gg, go] = tf.split(tf.add(steps[t]!, gh), 4, 1) as Tensor2D[];
      c = tf.add(tf.mul(tf.sigmoid(gf!), c), tf.mul(tf.sigmoid(gi!), tf.tanh(gg!)));
      h = tf.mul(tf.sigmoid(go!), tf.tanh(c));
    } else {
      const [xr, xz, xn] = tf.split(steps[t]!, 3, 1) as Tensor2D[];
      const [hr, hz, hn] = tf.split(gh, 3, 1) as Tensor2D[];
      const r = tf.sigmoid(tf.add(xr!, hr!));
      const z = tf.sigmoid(tf.add(xz!, hz!));
      const n = tf.tanh(tf.add(xn!, tf.mul(r, hn!)));
      h = tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h));
    }
    outs[t] = h;
  }
  return tf.stack(outs, 0);
}
