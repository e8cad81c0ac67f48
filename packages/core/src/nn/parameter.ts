import { type DType, type TypedArray, dtypeOfArray } from '../dtype.js';
import { DTypeError } from '../errors.js';
import { Tensor } from '../tensor.js';

/**
 * A tensor that is a module parameter: `Module` finds every `Parameter`
 * stored on it and lists it in `parameters()` and `stateDict()`.
 * `requiresGrad` is true unless asked otherwise. Wrapping a tensor shares
 * its storage (no copy), as `torch.nn.Parameter` does.
 *
 * Example:
 *   this.scale = new nn.Parameter(ones([4]));
 *   this.frozen = new nn.Parameter(zeros([4]), false);
 */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    if (!(data instanceof Tensor)) {
      throw new DTypeError(`Parameter: expected a Tensor, got ${data === null ? 'null' : Array.isArray(data) ? 'an array' : typeof data}`);
    }
    super(data.data, data.shape, requiresGrad);
  }

  /**
   * Replaces the storage (and so possibly the dtype) in place, keeping this
   * object: optimizers that hold it keep working. Used by `Module.to()`.
   * @internal
   */
  _setData(data: TypedArray): void {
    if (data.length !== this.data.length) {
      throw new DTypeError(`Parameter: new storage has ${data.length} elements, the parameter has ${this.data.length}`);
    }
    (this as { dtype: DType }).dtype = dtypeOfArray(data);
    this.data = data;
  }

  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}
