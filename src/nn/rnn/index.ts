/**
 * Recurrent layers with PyTorch's semantics, names and layout: the sequence modules `RNN`, `LSTM`,
 * `GRU` (multi-layer, bidirectional, batch-first, dropout between layers, initial states, variable
 * lengths) and the single-step cells `RNNCell`, `LSTMCell`, `GRUCell`.
 * @module
 */
export { RNNCell } from './rnn-cell.js';
export type { RNNCellOptions, RNNNonlinearity } from './rnn-cell.js';
export { LSTMCell } from './lstm-cell.js';
export type { LSTMState } from './lstm-cell.js';
export { GRUCell } from './gru-cell.js';
export type { CellOptions } from './cell-base.js';
export { RNN } from './rnn.js';
export type { RNNOptions } from './rnn.js';
export { LSTM } from './lstm.js';
export type { LSTMSequenceOptions, LSTMResult } from './lstm.js';
export { GRU } from './gru.js';
export type { RecurrentOptions, SequenceOptions, SequenceResult } from './recurrent.js';
