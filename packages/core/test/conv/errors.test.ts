// Bad arguments: each message names the op and the shapes involved.
import { describe, expect, it } from 'vitest';
import { conv1d, conv2d, convTranspose2d, fold, randn, tensor, unfold, ShapeError, DTypeError } from '../../src/index.js';

describe('conv errors', () => {
  it('wrong number of input channels', () => {
    expect(() => conv2d(randn([1, 3, 8, 8]), randn([6, 1, 5, 5]))).toThrow(
      'conv2d: weight [6,1,5,5] with groups 1 expects input with 1 channels, got input [1,3,8,8] with 3 channels',
    );
    expect(() => conv1d(randn([2, 4, 10]), randn([8, 3, 3]))).toThrow(/^conv1d: weight \[8,3,3\] .* got input \[2,4,10\] with 4 channels/);
    expect(() => convTranspose2d(randn([1, 3, 4, 4]), randn([2, 4, 3, 3]))).toThrow(
      'convTranspose2d: weight [2,4,3,3] expects input with 2 channels, got input [1,3,4,4] with 3 channels',
    );
    expect(() => conv2d(randn([1, 3, 8, 8]), randn([6, 1, 5, 5]))).toThrow(ShapeError);
  });

  it('input smaller than the kernel', () => {
    expect(() => conv2d(randn([1, 1, 3, 3]), randn([6, 1, 5, 5]))).toThrow(
      'conv2d: input [1,1,3,3] (padded size 3x3) is smaller than the kernel of weight [6,1,5,5] (dilated size 5x5)',
    );
    expect(() => conv2d(randn([1, 1, 4, 4]), randn([1, 1, 3, 3]), null, { dilation: 2 })).toThrow(/dilated size 5x5/);
    expect(() => conv1d(randn([1, 2, 2]), randn([1, 2, 3]))).toThrow('conv1d: input [1,2,2] (padded size 2) is smaller than the kernel of weight [1,2,3] (dilated size 3)');
    // padding makes room
    expect(conv2d(randn([1, 1, 3, 3]), randn([6, 1, 5, 5]), null, { padding: 1 }).shape).toEqual([1, 6, 1, 1]);
    expect(() => unfold(randn([1, 1, 2, 2]), 3)).toThrow('unfold: image [1,1,2,2] (padded size 2x2) is smaller than the kernel (dilated size 3x3)');
  });

  it('bad groups', () => {
    expect(() => conv2d(randn([1, 4, 5, 5]), randn([6, 2, 3, 3]), null, { groups: 3 })).toThrow(
      'conv2d: groups 3 must be a positive integer dividing the input channels (4, input [1,4,5,5]) and the output channels (6, weight [6,2,3,3])',
    );
    expect(() => conv2d(randn([1, 4, 5, 5]), randn([6, 4, 3, 3]), null, { groups: 0 })).toThrow(/conv2d: groups 0/);
    expect(() => conv1d(randn([1, 4, 5]), randn([3, 2, 3]), null, { groups: 2 })).toThrow(/conv1d: groups 2 .*output channels \(3, weight \[3,2,3\]\)/);
    expect(() => convTranspose2d(randn([1, 3, 4, 4]), randn([3, 2, 3, 3]), null, { groups: 2 })).toThrow(/convTranspose2d: groups 2/);
  });

  it('bad ranks, options, bias and dtypes', () => {
    expect(() => conv2d(randn([8, 8]), randn([1, 1, 3, 3]))).toThrow('conv2d: expected a 3-D (unbatched) or 4-D (batched) input for weight [1,1,3,3], got input [8,8]');
    expect(() => conv2d(randn([1, 1, 8, 8]), randn([1, 1, 3]))).toThrow(/conv2d: expected a 4-D weight/);
    expect(() => conv2d(randn([1, 1, 8, 8]), randn([2, 1, 3, 3]), randn([3]))).toThrow('conv2d: expected bias of shape [2] for weight [2,1,3,3], got [3]');
    expect(() => conv2d(randn([1, 1, 8, 8]), randn([1, 1, 3, 3]), null, { stride: 0 })).toThrow('conv2d: stride must be an integer >= 1 or 2 of them, got 0');
    expect(() => conv2d(randn([1, 1, 8, 8]), randn([1, 1, 3, 3]), null, { padding: [1, 2, 3] })).toThrow(/conv2d: padding must be/);
    expect(() => conv2d(randn([1, 1, 8, 8]), randn([1, 1, 3, 3]), null, { padding: 'same', stride: 2 })).toThrow(/'same' is not supported for strided/);
    expect(() => convTranspose2d(randn([1, 1, 4, 4]), randn([1, 1, 3, 3]), null, { stride: 2, outputPadding: 2 })).toThrow(/outputPadding \[2,2\] must be smaller/);
    expect(() => conv2d(tensor([[[[1, 2], [3, 4]]]], { dtype: 'int32' }), randn([1, 1, 1, 1]))).toThrow(DTypeError);
    expect(() => fold(randn([1, 8, 5]), [4, 4], 2)).toThrow('fold: input [1,8,5] has 5 blocks, but outputSize [4,4] with kernel 2x2 gives 3x3 = 9');
    expect(() => fold(randn([1, 7, 9]), [4, 4], 2)).toThrow(/fold: dim 1 of input \[1,7,9\] must be divisible by the kernel size 2x2/);
  });

  it('mixed float dtypes compute in float64', () => {
    const y = conv2d(randn([1, 1, 4, 4]), randn([1, 1, 2, 2], { dtype: 'float64' }));
    expect(y.dtype).toBe('float64');
  });
});
