/**
 * `F`: the functional forms of this package's layers and losses (weights as
 * arguments, no state), beside core's `F`.
 *
 * Example:
 *   import { F as SF } from '@neurone/sequence';
 *   const loss = SF.ctcLoss(logProbs, targets, inputLengths, targetLengths);
 */
export { ctcLoss, type CTCLossOptions } from './ctc.js';
export { scaledDotProductAttention, type ScaledDotProductOptions } from './attention/functional.js';
export { lstmCell, gruCell, rnnCell, type CellWeights } from './rnn/cells.js';
export { recurrent, type RecurrentOptions } from './rnn/scan.js';
export { mdlstmScan, type MDLSTMWeights } from './mdlstm.js';
export { slidingWindow, type SlidingWindowOptions } from './window.js';
