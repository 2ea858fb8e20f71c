/**
 * `LSTM`: a multi-layer, optionally bidirectional long short-term memory network over a sequence
 * (PyTorch's `nn.LSTM` without `proj_size`).
 * @module
 */
import type { Tensor } from '../../tensor/index.js';
import { LSTM_KIND } from './lstm-cell.js';
import { RecurrentBase, type RecurrentOptions, type SequenceOptions, type SequenceResult } from './recurrent.js';

/** Per-call inputs of `LSTM`: those of every sequence module plus the initial cell state. */
export interface LSTMSequenceOptions extends SequenceOptions {
  /** Initial cell state [L·D, B, H] (or [L·D, H] unbatched); zeros when omitted. */
  c0?: Tensor;
}

/** The result of `LSTM`: the output sequence and the final hidden and cell states. */
export interface LSTMResult extends SequenceResult {
  /** Final cell state of every layer and direction, [L·D, B, H] ([L·D, H] unbatched). */
  readonly c: Tensor;
}

/**
 * Multi-layer LSTM over a sequence (Hochreiter & Schmidhuber 1997, forget gate: Gers et al. 2000).
 * Each layer and direction runs the step of {@link LSTMCell}:
 *
 *     [i, f, g, o] = [σ, σ, tanh, σ](W_ih x_t + b_ih + W_hh h_{t−1} + b_hh)
 *     c_t = f ⊙ c_{t−1} + i ⊙ g        h_t = o ⊙ tanh(c_t)
 *
 * Layer k > 0 reads layer k − 1's output (both directions concatenated, with dropout in training
 * mode when `dropout` > 0). Parameters follow PyTorch's names and layout — `weight_ih_l{k}`
 * [4H, I or D·H], `weight_hh_l{k}` [4H, H], `bias_ih_l{k}`, `bias_hh_l{k}` [4H], the reverse
 * direction with the suffix `_reverse` — so a PyTorch `state_dict` loads as it is; all are
 * initialised U(±1/√H).
 *
 * @example
 * ```ts
 * const lstm = new LSTM(8, 16, { rng: new Rng(0), numLayers: 2, bidirectional: true, batchFirst: true });
 * const { output, h, c } = lstm.call(x, { lengths: [5, 3] }); // x [2, 5, 8] → output [2, 5, 32]; h, c [4, 2, 16]
 * ```
 */
export class LSTM extends RecurrentBase<[Tensor, LSTMSequenceOptions?], LSTMResult> {
  /**
   * @param inputSize I
   * @param hiddenSize H
   * @param opts `rng` (required), numLayers, bias, batchFirst, dropout, bidirectional, dtype
   * @throws ValueError for non-positive sizes, a dropout outside [0, 1) or a missing rng
   */
  constructor(inputSize: number, hiddenSize: number, opts: RecurrentOptions) {
    super(LSTM_KIND, 'LSTM', inputSize, hiddenSize, opts);
  }

  /**
   * @param x [T, B, I] ([B, T, I] batch-first) or unbatched [T, I]
   * @param opts initial states h0, c0 [L·D, B, H]; lengths or mask for right-padded sequences
   * @returns output [T, B, D·H] ([B, T, D·H] batch-first), final h and c [L·D, B, H]
   * @throws ShapeError for a wrong input rank or feature size, or wrong h0 / c0 / mask shapes
   * @throws ValueError for lengths that are not one integer in 1…T per sequence
   * @throws DTypeError when the input or states differ in dtype from the parameters
   */
  forward(x: Tensor, opts: LSTMSequenceOptions = {}): LSTMResult {
    const { output, finals } = this.runSequence(x, [opts.h0, opts.c0], opts);
    return { output, h: finals[0]!, c: finals[1]! };
  }
}
