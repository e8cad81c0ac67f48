// A dataset of tensor rows (torch.utils.data.TensorDataset).
import { ShapeError, fmtShape } from '../errors.js';
import { Tensor } from '../tensor.js';
import { requireTensor } from '../ops/util.js';
import { checkIndex } from './check.js';
import { Dataset } from './dataset.js';

/**
 * Wraps tensors that share their first dimension; item `i` is the tuple of
 * their rows `i` (each row has the tensor's shape without dim 0).
 *
 * Shape: tensors (N, ...) -> items ([...], [...], ...)
 *
 * Example:
 *   const ds = new TensorDataset(randn([100, 4]), randint(0, 3, [100]));
 *   const [x, y] = ds.getItem(0);   // x: [4], y: [] (int32)
 *   ds.length;                      // 100
 */
export class TensorDataset<T extends Tensor[] = Tensor[]> extends Dataset<T> {
  readonly tensors: T;

  constructor(...tensors: T) {
    super();
    if (tensors.length === 0) throw new ShapeError('TensorDataset: expected at least one tensor');
    tensors.forEach((t, i) => requireTensor('TensorDataset', t, `tensors[${i}]`));
    const first = tensors[0]!;
    if (first.ndim === 0) throw new ShapeError('TensorDataset: tensors need a first dimension to index, got a 0-d tensor');
    for (const t of tensors) {
      if (t.ndim === 0 || t.shape[0] !== first.shape[0]) {
        throw new ShapeError(`TensorDataset: size mismatch between tensors: ${tensors.map((x) => fmtShape(x.shape)).join(', ')} (dim 0 must agree)`);
      }
    }
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0]!.shape[0]!;
  }

  getItem(index: number): T {
    checkIndex('TensorDataset.getItem', index, this.length);
    return this.tensors.map((t) => t.select(0, index)) as T;
  }
}
