/**
 * `nn`: this package's layers and losses as modules, beside core's `nn`.
 *
 * Example:
 *   import * as seq from '@neurone/sequence';
 *   const lstm = new seq.nn.LSTM(64, 128, { bidirectional: true });
 */
export { RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell, RNNBase } from './rnn/modules.js';
export { MDLSTM } from './mdlstm.js';
export { AdditiveAttention, ScaledDotProductAttention, MultiheadAttention } from './attention/modules.js';
export { CTCLoss } from './ctcModule.js';
