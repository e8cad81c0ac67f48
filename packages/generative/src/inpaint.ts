// Inpainting: filling a missing region of an image with what a trained
// generative model finds plausible, keeping the known pixels.
import { NeuroneError, Tensor, broadcastTo, noGrad, nn, optim, where } from '@neurone/core';
import { describe, fmtShape, requireFloatTensor, requirePositiveInt } from './util.js';

/** A model that rebuilds its input (Autoencoder, DenoisingAutoencoder, VAE, AdversarialAutoencoder, StackedAutoencoder). */
export interface Reconstructor {
  reconstruct(x: Tensor): Tensor;
}

/** A model with a decoder from codes (and, optionally, an encoder to start from). */
export interface LatentModel {
  decode(z: Tensor): Tensor;
  encode?(x: Tensor): Tensor | { mean: Tensor };
}

export interface InpaintOptions {
  /**
   * 'projection' (default; needs `reconstruct`): start with the hole filled by
   * `fill`, then repeatedly replace the hole by the model's reconstruction of
   * the current image, the known pixels staying fixed: the image moves towards
   * one the model can rebuild that agrees with what is known. A model trained
   * to fill holes (a denoising autoencoder with patch corruption) does best
   * in one or two rounds; later rounds drift towards the model's prototypes.
   * 'latent' (needs `decode`): search the code z whose decoding matches the
   * known pixels (Adam on ‖known ⊙ (decode(z) − image)‖² + priorWeight ½‖z‖²),
   * starting from the encoding of the filled image (or `z`), and fill the
   * hole from decode(z) (Yeh et al., 2017).
   */
  method?: 'projection' | 'latent';
  /** Projection rounds (default 10) or Adam steps (default 300). */
  iterations?: number;
  /** Initial value of the missing pixels: a number, or 'mean' (default) for the mean of each image's known pixels. */
  fill?: number | 'mean';
  /** 'latent': Adam's learning rate (default 0.05). */
  lr?: number;
  /** 'latent': weight of ½‖z‖², which keeps z where a N(0, I) prior puts mass (default 0). */
  priorWeight?: number;
  /** 'latent': the initial codes, for a model without an encoder (a GAN generator). */
  z?: Tensor;
}

/**
 * Fills the masked pixels of `image` with what `model` predicts; pixels
 * outside the mask are returned unchanged. The model runs in evaluation mode
 * (restored afterwards) and its parameters are not changed.
 *
 * Args:
 *   model: a `Reconstructor` ('projection') or a `LatentModel` ('latent').
 *   image: a batch as the model takes it, (N, *).
 *   mask: true (or nonzero) where pixels are missing; broadcasts to the
 *     image, e.g. (H, W), (1, 1, H, W) or (N, 1, H, W).
 *
 * Shape: image (N, *), mask broadcastable to (N, *) -> (N, *)
 *
 * Example:
 *   const hole = zeros([1, 1, 28, 28], { dtype: 'bool' });  // then set a square to true
 *   const filled = inpaint(ae, digits, hole);
 *   const filled2 = inpaint(vae, digits, hole, { method: 'latent', iterations: 200 });
 */
export function inpaint(model: Reconstructor | LatentModel, image: Tensor, mask: Tensor, opts: InpaintOptions = {}): Tensor {
  const op = 'inpaint';
  requireFloatTensor(op, image, 'image');
  if (!(mask instanceof Tensor)) throw new NeuroneError(`${op}: mask must be a Tensor (true where pixels are missing), got ${describe(mask)}`);
  if (image.ndim === 0) throw new NeuroneError(`${op}: image must be a batch (N, *), got a 0-d tensor`);
  let missing: Tensor;
  try {
    missing = broadcastTo(mask.detach(), image.shape).ne(0);
  } catch {
    throw new NeuroneError(`${op}: mask ${fmtShape(mask.shape)} does not broadcast to image ${fmtShape(image.shape)}`);
  }
  const method = opts.method ?? 'projection';
  const known = image.detach();
  const x0 = where(missing, fillValues(op, known, missing, opts.fill ?? 'mean'), known);
  const m = model as unknown as nn.Module;
  const isModule = model instanceof nn.Module;
  const was = isModule ? m.training : false;
  if (isModule) m.eval();
  try {
    if (method === 'projection') {
      if (typeof (model as Reconstructor).reconstruct !== 'function') throw new NeuroneError(`${op}: method 'projection' needs a model with reconstruct(x), got ${describe(model)}`);
      const iterations = opts.iterations ?? 10;
      requirePositiveInt(op, iterations, 'iterations');
      return noGrad(() => {
        let x = x0;
        for (let i = 0; i < iterations; i++) {
          const r = (model as Reconstructor).reconstruct(x);
          x = where(missing, checkShape(op, r, image), known);
        }
        return x;
      });
    }
    if (method === 'latent') return latentInpaint(op, model as LatentModel, isModule ? m : null, known, missing, x0, opts);
    throw new NeuroneError(`${op}: method must be 'projection' or 'latent', got ${describe(method)}`);
  } finally {
    if (isModule) m.train(was);
  }
}

function checkShape(op: string, r: Tensor, image: Tensor): Tensor {
  if (!(r instanceof Tensor) || r.shape.length !== image.shape.length || r.shape.some((s, i) => s !== image.shape[i])) {
    throw new NeuroneError(`${op}: the model returned ${describe(r)} for an image of shape ${fmtShape(image.shape)}; it must keep the shape`);
  }
  return r;
}

/** The initial values of the hole: a constant, or each image's mean over its known pixels. */
function fillValues(op: string, known: Tensor, missing: Tensor, fill: number | 'mean'): Tensor {
  if (typeof fill === 'number') return known.mul(0).add(fill);
  if (fill !== 'mean') throw new NeuroneError(`${op}: fill must be a number or 'mean', got ${describe(fill)}`);
  const n = known.shape[0]!;
  const per = known.size / n;
  const out = known.clone().detach();
  for (let i = 0; i < n; i++) {
    let s = 0;
    let c = 0;
    for (let j = i * per; j < (i + 1) * per; j++) {
      if (!missing.data[j]) {
        s += known.data[j]!;
        c++;
      }
    }
    out.data.fill(c > 0 ? s / c : 0.5, i * per, (i + 1) * per);
  }
  return out;
}

function latentInpaint(op: string, model: LatentModel, module: nn.Module | null, known: Tensor, missing: Tensor, x0: Tensor, opts: InpaintOptions): Tensor {
  if (typeof model.decode !== 'function') throw new NeuroneError(`${op}: method 'latent' needs a model with decode(z), got ${describe(model)}`);
  const iterations = opts.iterations ?? 300;
  requirePositiveInt(op, iterations, 'iterations');
  const priorWeight = opts.priorWeight ?? 0;
  let z0: Tensor;
  if (opts.z !== undefined) {
    requireFloatTensor(op, opts.z, 'z');
    z0 = opts.z;
  } else if (typeof model.encode === 'function') {
    const e = noGrad(() => model.encode!(x0));
    z0 = e instanceof Tensor ? e : e.mean;
  } else {
    throw new NeuroneError(`${op}: method 'latent' needs the initial codes (opts.z) for a model without encode()`);
  }
  const frozen = module === null ? [] : module.parameters().filter((p) => p.requiresGrad);
  for (const p of frozen) p.requiresGrad_(false);
  try {
    const z = z0.detach().clone().requiresGrad_(true);
    const keep = missing.logicalNot().to(known.dtype);
    const opt = new optim.Adam([z], { lr: opts.lr ?? 0.05 });
    for (let i = 0; i < iterations; i++) {
      opt.zeroGrad();
      const out = checkShape(op, model.decode(z), known);
      let loss = out.sub(known).mul(keep).square().sum();
      if (priorWeight > 0) loss = loss.add(z.square().sum().mul(0.5 * priorWeight));
      loss.backward();
      opt.step();
    }
    return noGrad(() => where(missing, model.decode(z), known));
  } finally {
    for (const p of frozen) p.requiresGrad_(true);
  }
}
