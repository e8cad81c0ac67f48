// Entry of the neurone WebAssembly kernels. Every export takes byte offsets
// into the imported (shared when threads are available) memory, which the JS
// side (src/backend/wasm/) manages: it copies operands in and results out.
export { sgemm, sgemmBatch, sgemmSharedB, sharedBFlagBytes, gemmWorkspaceBytes, packABatch } from './gemm';
export { unary, binary, where, cast, rowOffsets } from './elementwise';
export { reduce, argReduce, softmax } from './reduce';
export { stridedCopy, addRows, indexSelect, indexAdd, gatherScatter } from './layout';
export { im2col, col2im, maxPoolIndices } from './conv';
export { lstmCell, lstmCellBackward, gruCell, gruCellBackward } from './rnn';
export { reluGrad } from './activation_grad';
export { adam, sgd } from './optim';
export { bce, bceGrad } from './loss';
export { winoFilter, winoFilterGrad } from './winograd';
export { wino4Filter } from './winograd4';
export { winoForwardImages, winoWeightGradImages } from './winoimages';

/** End of the module's static data (math tables): the JS side allocates above it. */
export function heapBase(): usize {
  return __heap_base;
}
