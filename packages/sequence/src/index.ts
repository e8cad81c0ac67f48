/**
 * @neurone/sequence: recurrent networks (RNN, LSTM, GRU, bidirectional,
 * multi-dimensional LSTM), CTC loss and decoders, sliding windows, truncated
 * BPTT and attention, on top of @neurone/core.
 *
 * Everything is exported by name; the same layers are also grouped as `nn`
 * and the functional forms as `F`, beside core's namespaces of those names.
 *
 * Example:
 *   import { LSTM, ctcLoss, ctcGreedyDecode } from '@neurone/sequence';
 */
export { ctcLoss, type CTCLossOptions, type Reduction, type Lengths, type Targets } from './ctc.js';
export { CTCLoss } from './ctcModule.js';
export {
  ctcGreedyDecode, ctcBeamSearch, editDistance,
  type CTCHypothesis, type CTCGreedyOptions, type CTCBeamSearchOptions, type CharLM,
} from './ctcDecode.js';
export { slidingWindow, type SlidingWindowOptions } from './window.js';
export { detachState, bpttChunks, truncatedBPTT, type RecurrentState, type TruncatedBPTTOptions, type TruncatedBPTTResult } from './tbptt.js';
export { lstmCell, gruCell, rnnCell, lstmGates, gruGates, type CellWeights } from './rnn/cells.js';
export { recurrent, type RecurrentOptions, type RecurrentResult, type RNNMode, type SequenceLengths } from './rnn/scan.js';
export {
  RNNBase, RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell,
  type RNNOptions, type ElmanRNNOptions, type RecurrentForwardOptions, type CellOptions,
} from './rnn/modules.js';
export { MDLSTM, mdlstmScan, type MDLSTMOptions, type MDLSTMWeights } from './mdlstm.js';
export { scaledDotProductAttention, type ScaledDotProductOptions, type AttentionResult } from './attention/functional.js';
export {
  AdditiveAttention, ScaledDotProductAttention, MultiheadAttention, lengthsToMask,
  type AttentionOutput, type AttentionForwardOptions, type AdditiveAttentionOptions,
  type ScaledDotProductAttentionOptions, type MultiheadAttentionOptions, type MultiheadAttentionForwardOptions,
} from './attention/modules.js';
export * as nn from './nnModules.js';
export * as F from './functional.js';
