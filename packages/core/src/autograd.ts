import { NeuroneError, fmtShape } from './errors.js';
import { shapesEqual } from './shape.js';
import type { Tensor } from './tensor.js';

/** What an op result remembers to push its gradient back to its inputs. */
export interface GradNode {
  /** The op's name, for error messages and debugging. */
  readonly op: string;
  readonly inputs: readonly Tensor[];
  /**
   * Given d(loss)/d(output), returns d(loss)/d(input) for each input (null where none flows).
   * `retain` tells whether the graph is kept for another pass: when false, this is the
   * last call and the op may free what it saved for it.
   */
  backward: ((grad: Tensor, retain: boolean) => ReadonlyArray<Tensor | null | undefined>) | null;
}

let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Sets whether ops record the graph; returns the previous setting. */
export function setGradEnabled(on: boolean): boolean {
  const prev = gradEnabled;
  gradEnabled = on;
  return prev;
}

/**
 * Runs `fn` without recording a graph (inference, parameter updates).
 *
 * Example:
 *   const y = noGrad(() => model.forward(x));
 */
export function noGrad<T>(fn: () => T): T {
  const prev = setGradEnabled(false);
  try {
    return fn();
  } finally {
    setGradEnabled(prev);
  }
}

/** Runs `fn` with graph recording on, even inside `noGrad`. */
export function enableGrad<T>(fn: () => T): T {
  const prev = setGradEnabled(true);
  try {
    return fn();
  } finally {
    setGradEnabled(prev);
  }
}

/**
 * Makes `out` the result of a differentiable op: when recording is on and any
 * input requires a gradient, `out` remembers its inputs and `backward`.
 * Every differentiable op goes through here, so `backward` cannot be left out.
 */
export function record(
  op: string,
  out: Tensor,
  inputs: readonly Tensor[],
  backward: (grad: Tensor, retain: boolean) => ReadonlyArray<Tensor | null | undefined>,
): Tensor {
  if (!gradEnabled) return out;
  let any = false;
  for (const t of inputs) if (t.requiresGrad) any = true;
  if (!any) return out;
  out.requiresGrad = true;
  out._node = { op, inputs, backward };
  return out;
}

export interface BackwardOptions {
  /** Keep the graph so backward can run through it again (default: createGraph). */
  retainGraph?: boolean;
  /** Record the backward pass itself, for higher-order gradients. */
  createGraph?: boolean;
}

/**
 * Reverse-mode differentiation from `root`: accumulates d(root)/d(leaf) into
 * the `.grad` of every leaf that requires a gradient.
 */
export function runBackward(root: Tensor, grad: Tensor, opts: BackwardOptions = {}): void {
  if (!shapesEqual(grad.shape, root.shape)) {
    throw new NeuroneError(`backward: gradient shape ${fmtShape(grad.shape)} does not match the tensor's shape ${fmtShape(root.shape)}`);
  }
  const order = topoOrder(root);
  const grads = new Map<Tensor, Tensor>([[root, grad]]);
  // how many gradients of this pass use each storage: a leaf may keep a gradient as its .grad
  // without a copy only when nothing else (another leaf, the caller's root gradient) shares it
  const uses = new Map<ArrayBufferLike, number>([[grad.data.buffer, 2]]);
  const made = (t: Tensor): Tensor => {
    uses.set(t.data.buffer, (uses.get(t.data.buffer) ?? 0) + 1);
    return t;
  };
  const owned = (t: Tensor): boolean =>
    t.data.byteOffset === 0 && t.data.byteLength === t.data.buffer.byteLength && uses.get(t.data.buffer) === 1;
  // like PyTorch, createGraph implies retainGraph unless told otherwise
  const retain = opts.retainGraph ?? opts.createGraph ?? false;
  const prev = setGradEnabled(opts.createGraph ?? false);
  try {
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i]!;
      const g = grads.get(t);
      grads.delete(t);
      if (g === undefined) continue;
      const node = t._node;
      if (node === null) {
        // a leaf: accumulate like PyTorch (the first gradient is stored as is)
        if (t.requiresGrad) t.grad = t.grad === null ? (opts.createGraph ? g : owned(g) ? g.detach() : ownCopy(g)) : t.grad.add(g);
        continue;
      }
      if (t._retainGrad) t.grad = t.grad === null ? ownCopy(g) : t.grad.add(g);
      if (node.backward === null) {
        throw new NeuroneError(
          `backward: trying to go through the graph of '${node.op}' a second time; its buffers were freed (pass { retainGraph: true } to the first backward)`,
        );
      }
      const ins = node.backward(g, retain);
      if (!retain) node.backward = null;
      for (let j = 0; j < node.inputs.length; j++) {
        const x = node.inputs[j]!;
        const gx = ins[j];
        if (gx === null || gx === undefined || !x.requiresGrad) continue;
        if (!shapesEqual(gx.shape, x.shape)) {
          throw new NeuroneError(
            `backward of '${node.op}': gradient for input ${j} has shape ${fmtShape(gx.shape)}, expected ${fmtShape(x.shape)} (a bug in the op's backward)`,
          );
        }
        const acc = grads.get(x);
        made(gx);
        grads.set(x, acc === undefined ? gx : made(acc.add(gx)));
      }
    }
  } finally {
    setGradEnabled(prev);
  }
}

/**
 * A detached copy with its own storage: a gradient may share storage with the
 * caller's gradient or with another leaf's (add passes its gradient on
 * unchanged), and optimizers and clipping update `.grad` in place.
 */
function ownCopy(g: Tensor): Tensor {
  const c = g.detach();
  c.data = g.data.slice();
  return c;
}

/** Tensors reachable from root that require grad, inputs before outputs (iterative DFS: RNN graphs are deep). */
function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: Array<[Tensor, number]> = [[root, 0]];
  seen.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [t, i] = top;
    const inputs = t._node?.inputs ?? [];
    if (i < inputs.length) {
      top[1] = i + 1;
      const x = inputs[i]!;
      if (x.requiresGrad && !seen.has(x)) {
        seen.add(x);
        stack.push([x, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order;
}
