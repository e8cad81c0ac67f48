// The tensors neurone writes to test/fixtures/neurone_written.safetensors, which
// scripts/fixtures/safetensors_roundtrip.py reads back and re-writes with PyTorch.
import { tensor, type Tensor } from '../../src/index.js';
import type { SerializeOptions } from '../../src/io/index.js';

export const NEURONE_FIXTURE = 'neurone_written';

/** One tensor of every dtype neurone writes, names that exercise the layout order, and metadata that exercises JSON escaping. */
export function neuroneFixture(): { tensors: Record<string, Tensor>; opts: SerializeOptions } {
  const tensors: Record<string, Tensor> = {
    weight: tensor([[0.5, -1.25, 3], [1e-3, 2 ** 20, -7.75]]),
    bias: tensor([0.1, -0.2, 0.3]),
    special: tensor([NaN, Infinity, -Infinity, -0, 1.401298464324817e-45, 3.4028234663852886e38]),
    double: tensor([[0.1, 1 / 3], [-2.5e-300, 1e300]], { dtype: 'float64' }),
    labels: tensor([0, -1, 2147483647, -2147483648], { dtype: 'int32' }),
    counts: tensor([[7, -8], [0, 123456]], { dtype: 'int32' }),
    mask: tensor([true, false, true]),
    scalar: tensor(3.5),
    empty: tensor(new Float32Array(0), { shape: [0, 3] }),
    'Z.upper': tensor([1]),
    'é.accent': tensor([2]),
    '\uFFFD.replacement': tensor([3]),
    '😀.emoji': tensor([4]),
  };
  return {
    tensors,
    opts: {
      int64: ['labels'],
      metadata: { format: 'pt', note: 'line 1\nline 2 "quoted" \\ ünï 😀\t\u0001', alpha: 'first' },
    },
  };
}
