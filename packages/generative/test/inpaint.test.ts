import { describe, expect, it } from 'vitest';
import { Generator, Tensor, nn, noGrad, optim, rand, tensor, zeros } from '@neurone/core';
import { Autoencoder, denseVAE, inpaint } from '../src/index.js';
import { expectClose } from './helpers.js';

/** An autoencoder that projects onto span(v) exactly: encoder vᵀ/|v|, decoder v/|v|. */
function lineAutoencoder(v: number[]): Autoencoder {
  const n = Math.hypot(...v);
  const enc = new nn.Linear(v.length, 1, { bias: false });
  const dec = new nn.Linear(1, v.length, { bias: false });
  noGrad(() => {
    enc.weight.copy_(tensor([v.map((x) => x / n)]));
    dec.weight.copy_(tensor(v.map((x) => [x / n])));
  });
  return new Autoencoder(enc, dec);
}

describe('inpaint', () => {
  it('projection recovers the missing entries of a vector the model can represent', () => {
    const v = [1, 2, 3, 4];
    const ae = lineAutoencoder(v);
    const truth = tensor([[0.5, 1, 1.5, 2]]);
    const mask = tensor([[false, true, false, true]]);
    const filled = inpaint(ae, truth.maskedFill(mask, 0), mask, { iterations: 200 });
    expectClose(filled, [[0.5, 1, 1.5, 2]], 1e-4);
  });

  it('never changes the known pixels, broadcasts the mask, restores the mode and leaves the parameters', () => {
    const ae = new Autoencoder(new nn.Linear(6, 2), new nn.Sequential(new nn.Linear(2, 6), new nn.Sigmoid()), { codeDropout: 0.5 });
    const img = rand([3, 1, 2, 3], { generator: new Generator(1) });
    const mask = tensor([[true, false, false], [false, false, true]]);
    const flat = new nn.Sequential(new nn.Flatten(), ae, new nn.Unflatten(1, [1, 2, 3]));
    const model = { reconstruct: (x: Tensor) => flat.forward(x) };
    const before = ae.stateDict();
    const w = before['encoder.weight']!.clone().toList();
    const out = inpaint(model, img, mask);
    expect(out.shape).toEqual([3, 1, 2, 3]);
    for (let i = 0; i < img.size; i++) {
      const missing = [0, 5].includes(i % 6);
      if (!missing) expect(out.data[i]).toBe(img.data[i]);
      else expect(out.data[i]).not.toBe(img.data[i]);
    }
    expect(ae.stateDict()['encoder.weight']!.toList()).toEqual(w);
    // a module model is put in eval mode (no code dropout) and restored
    ae.train();
    const a = inpaint(ae, img.flatten(1), mask.flatten(), { iterations: 3 });
    const b = inpaint(ae, img.flatten(1), mask.flatten(), { iterations: 3 });
    expect(a.toList()).toEqual(b.toList());
    expect(ae.training).toBe(true);
  });

  it('latent search through a decoder fills the hole and keeps the model\'s parameters', () => {
    // a "decoder" that maps a 1-D code to the line through v: decode(z) = z v
    const v = tensor([[1, -1, 2, 0.5]]);
    const model = { decode: (z: Tensor) => z.matmul(v) };
    const truth = tensor([[1.5, -1.5, 3, 0.75]]);
    const mask = tensor([false, false, true, true]);
    const out = inpaint(model, truth.maskedFill(mask.unsqueeze(0), 0), mask, { method: 'latent', z: zeros([1, 1]), iterations: 400, lr: 0.05 });
    expectClose(out, [[1.5, -1.5, 3, 0.75]], 1e-3);
    expect(() => inpaint(model, truth, mask, { method: 'latent' })).toThrow(/needs the initial codes/);
  });

  it('latent search starts from a VAE encoder\'s mean and does not train the VAE', () => {
    const vae = denseVAE(4, 2, { hidden: [8] });
    const sd = Object.fromEntries(Object.entries(vae.stateDict()).map(([k, t]) => [k, t.clone().toList()]));
    const img = rand([2, 4], { generator: new Generator(2) });
    const out = inpaint(vae, img, tensor([true, false, false, false]), { method: 'latent', iterations: 20 });
    expect(out.shape).toEqual([2, 4]);
    for (const [k, t] of Object.entries(vae.stateDict())) expect(t.toList()).toEqual(sd[k]);
    for (const p of vae.parameters()) expect(p.requiresGrad).toBe(true);
    expect(new optim.SGD(vae.parameters(), { lr: 1 })).toBeTruthy();
  });

  it('rejects a mask that does not fit and a model without the method', () => {
    const ae = lineAutoencoder([1, 1]);
    expect(() => inpaint(ae, tensor([[1, 2]]), tensor([true, false, true]))).toThrow(/mask \[3\] does not broadcast to image \[1,2\]/);
    expect(() => inpaint({ decode: (z: Tensor) => z }, tensor([[1, 2]]), tensor([true, false]))).toThrow(/needs a model with reconstruct/);
    expect(() => inpaint(ae, tensor([[1, 2]]), tensor([true, false]), { method: 'magic' as never })).toThrow(/method must be/);
  });
});
