/**
 * `LSTMCell` and the LSTM step (Hochreiter & Schmidhuber, "Long Short-Term Memory", Neural
 * Computation 1997; with the forget gate of Gers, Schmidhuber & Cummins 2000), in PyTorch's gate
 * order i, f, g, o.
 * @module
 */
import { type Tensor, sigmoid, slice, tanh } from '../../tensor/index.js';
import { CellBase, type CellOptions } from './cell-base.js';
import { type RecurrentKind, hiddenProjection, stackedWeight } from './kind.js';

/** The LSTM recurrence (biases b_ih + b_hh folded into the input projection). */
export const LSTM_KIND: RecurrentKind = {
  name: 'LSTM',
  gates: 4,
  states: 2,
  foldHiddenBias: true,
  step(gx, state, wHh, bHh) {
    return LSTM_KIND.fusedStep(gx.add(hiddenProjection(state[0]!, wHh, bHh)), state);
  },
  fusedWeight: stackedWeight,
  fusedStep(gates, [h, c]) {
    const H = h!.shape[h!.ndim - 1]!;
    const s = sigmoid(gates);
    const i = slice(s, [null, [0, H]]), f = slice(s, [null, [H, 2 * H]]), o = slice(s, [null, [3 * H, 4 * H]]);
    const g = tanh(slice(gates, [null, [2 * H, 3 * H]]));
    const c1 = f.mul(c!).add(i.mul(g));
    return [o.mul(tanh(c1)), c1];
  },
};

/** The state of an LSTM: hidden h and cell c, each [B, H] (or [H] unbatched). */
export interface LSTMState {
  /** Hidden state (the output). */
  readonly h: Tensor;
  /** Cell state. */
  readonly c: Tensor;
}

/**
 * One LSTM step (PyTorch's `nn.LSTMCell`):
 *
 *     i = σ(W_ii x + b_ii + W_hi h + b_hi)     f = σ(W_if x + b_if + W_hf h + b_hf)
 *     g = tanh(W_ig x + b_ig + W_hg h + b_hg)  o = σ(W_io x + b_io + W_ho h + b_ho)
 *     c' = f ⊙ c + i ⊙ g                        h' = o ⊙ tanh(c')
 *
 * Parameters `weight_ih` [4H, I], `weight_hh` [4H, H], `bias_ih`, `bias_hh` [4H], the gates stacked
 * as i, f, g, o; all initialised U(±1/√H) (PyTorch). Hochreiter & Schmidhuber 1997; Gers et al. 2000.
 *
 * @example
 * ```ts
 * const cell = new LSTMCell(3, 5, { rng: new Rng(0) });
 * let state = cell.call(x0);           // x0 [B, 3] → { h, c } each [B, 5] (zero initial state)
 * state = cell.call(x1, state);
 * ```
 */
export class LSTMCell extends CellBase<[Tensor, LSTMState?], LSTMState> {
  /**
   * @param inputSize I
   * @param hiddenSize H
   * @param opts `rng` (required), `bias` (default true), `dtype`
   */
  constructor(inputSize: number, hiddenSize: number, opts: CellOptions) {
    super(LSTM_KIND, 'LSTMCell', inputSize, hiddenSize, opts);
  }

  /**
   * @param x [B, I] or unbatched [I]
   * @param state { h, c }, each [B, H] (or [H]); zeros when omitted
   * @returns the new { h, c }
   * @throws ShapeError for a wrong input or state shape; DTypeError for a dtype other than the parameters'
   */
  forward(x: Tensor, state?: LSTMState): LSTMState {
    const [h, c] = this.run(x, state ? [state.h, state.c] : null);
    return { h: h!, c: c! };
  }
}
