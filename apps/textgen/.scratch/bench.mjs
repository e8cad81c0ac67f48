import { nn, F, optim, randint, manualSeed, getBackend } from '@neurone/core';
import { LSTM } from '@neurone/sequence';
manualSeed(0);
const V = 84, E = 64, H = 256, B = +(process.env.B ?? 32), T = +(process.env.T ?? 100);
const emb = new nn.Embedding(V, E), lstm = new LSTM(E, H, { numLayers: 2, dropout: 0.1 }), head = new nn.Linear(H, V);
const params = [...emb.parameters(), ...lstm.parameters(), ...head.parameters()];
const opt = new optim.Adam(params, { lr: 2e-3 });
let state = null;
console.log('backend', getBackend().name);
for (let it = 0; it < 4; it++) {
  const t0 = performance.now();
  const x = randint(0, V, [T, B], { dtype: 'int32' }), y = randint(0, V, [T, B], { dtype: 'int32' });
  const [out, st] = lstm.forward(emb.forward(x), state);
  const logits = head.forward(out);
  const loss = F.crossEntropy(logits.reshape(T * B, V), y.reshape(T * B));
  const t1 = performance.now();
  opt.zeroGrad(); loss.backward();
  const t2 = performance.now();
  nn.utils.clipGradNorm_(params, 5); opt.step();
  state = st.map((s) => s.detach());
  const t3 = performance.now();
  console.log(`fwd ${(t1-t0).toFixed(0)}ms bwd ${(t2-t1).toFixed(0)}ms opt ${(t3-t2).toFixed(0)}ms  chars/s ${(B*T/((t3-t0)/1000)).toFixed(0)} loss ${loss.item().toFixed(3)}`);
}
