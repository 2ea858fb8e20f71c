/**
 * `GRU`: a multi-layer, optionally bidirectional gated recurrent unit network over a sequence
 * (PyTorch's `nn.GRU`).
 * @module
 */
import type { Tensor } from '../../tensor/index.js';
import { GRU_KIND } from './gru-cell.js';
import { RecurrentBase, type RecurrentOptions, type SequenceOptions, type SequenceResult } from './recurrent.js';

/**
 * Multi-layer GRU over a sequence (Cho et al. 2014). Each layer and direction runs the step of
 * {@link GRUCell}:
 *
 *     r = σ(W_ir x_t + b_ir + W_hr h + b_hr)    z = σ(W_iz x_t + b_iz + W_hz h + b_hz)
 *     n = tanh(W_in x_t + b_in + r ⊙ (W_hn h + b_hn))    h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
 *
 * Layer k > 0 reads layer k − 1's output (dropout between layers in training mode). Parameters
 * follow PyTorch's names and layout (`weight_ih_l{k}` [3H, ·], `weight_hh_l{k}` [3H, H],
 * `bias_ih_l{k}`, `bias_hh_l{k}` [3H], gates r, z, n; `_reverse` for the backward direction), all
 * initialised U(±1/√H).
 *
 * @example
 * ```ts
 * const gru = new GRU(8, 16, { rng: new Rng(0), bidirectional: true });
 * const { output, h } = gru.call(x); // x [T, B, 8] → output [T, B, 32], h [2, B, 16]
 * ```
 */
export class GRU extends RecurrentBase<[Tensor, SequenceOptions?], SequenceResult> {
  /**
   * @param inputSize I
   * @param hiddenSize H
   * @param opts `rng` (required), numLayers, bias, batchFirst, dropout, bidirectional, dtype
   * @throws ValueError for non-positive sizes, a dropout outside [0, 1) or a missing rng
   */
  constructor(inputSize: number, hiddenSize: number, opts: RecurrentOptions) {
    super(GRU_KIND, 'GRU', inputSize, hiddenSize, opts);
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
}
