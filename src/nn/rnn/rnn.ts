/**
 * `RNN`: a multi-layer, optionally bidirectional Elman network over a sequence (PyTorch's `nn.RNN`).
 * @module
 */
import type { Tensor } from '../../tensor/index.js';
import { type RNNNonlinearity, checkNonlinearity, rnnKind } from './rnn-cell.js';
import { RecurrentBase, type RecurrentOptions, type SequenceOptions, type SequenceResult } from './recurrent.js';

/** Options of `RNN`. */
export interface RNNOptions extends RecurrentOptions {
  /** 'tanh' (default) or 'relu'. */
  nonlinearity?: RNNNonlinearity;
}

/**
 * Multi-layer Elman RNN over a sequence (Elman 1990): h_t = act(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh)
 * with act = tanh or ReLU, per layer and direction. Parameters follow PyTorch's names and layout
 * (`weight_ih_l{k}` [H, ·], `weight_hh_l{k}` [H, H], `bias_ih_l{k}`, `bias_hh_l{k}` [H], `_reverse`
 * for the backward direction), all initialised U(±1/√H).
 *
 * @example
 * ```ts
 * const rnn = new RNN(8, 16, { rng: new Rng(0), numLayers: 2, nonlinearity: 'relu' });
 * const { output, h } = rnn.call(x); // x [T, B, 8] → output [T, B, 16], h [2, B, 16]
 * ```
 */
export class RNN extends RecurrentBase<[Tensor, SequenceOptions?], SequenceResult> {
  /** The nonlinearity. */
  readonly nonlinearity: RNNNonlinearity;

  /**
   * @param inputSize I
   * @param hiddenSize H
   * @param opts `rng` (required), nonlinearity, numLayers, bias, batchFirst, dropout, bidirectional, dtype
   * @throws ValueError for non-positive sizes, an unknown nonlinearity, a dropout outside [0, 1) or a missing rng
   */
  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions) {
    const nl = checkNonlinearity('RNN', opts?.nonlinearity ?? 'tanh');
    super(rnnKind(nl), 'RNN', inputSize, hiddenSize, opts);
    this.nonlinearity = nl;
  }

  /**
   * @param x [T, B, I] ([B, T, I] batch-first) or unbatched [T, I]
   * @param opts initial state h0 [L·D, B, H]; lengths or mask for right-padded sequences
   * @returns output [T, B, D·H] ([B, T, D·H] batch-first) and the final h [L·D, B, H]
   * @throws ShapeError for a wrong input rank or feature size, or wrong h0 / mask shapes
   * @throws ValueError for lengths that are not one integer in 1…T per sequence
   * @throws DTypeError when the input or state differ in dtype from the parameters
   */
  forward(x: Tensor, opts: SequenceOptions = {}): SequenceResult {
    const { output, finals } = this.runSequence(x, [opts.h0], opts);
    return { output, h: finals[0]! };
  }

  extraRepr(): string {
    return `${super.extraRepr()}, nonlinearity=${this.nonlinearity}`;
  }
}
