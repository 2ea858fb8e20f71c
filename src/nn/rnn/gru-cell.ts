/**
 * `GRUCell` and the GRU step (Cho et al., "Learning Phrase Representations using RNN
 * Encoder–Decoder for Statistical Machine Translation", EMNLP 2014), in PyTorch's gate order r, z, n.
 * @module
 */
import { type Tensor, concat, sigmoid, slice, tanh, zeros } from '../../tensor/index.js';
import { CellBase, type CellOptions } from './cell-base.js';
import { type RecurrentKind, hiddenProjection } from './kind.js';

/** The GRU recurrence (b_hh stays in the step: the candidate multiplies W_hn·h + b_hn by r). */
export const GRU_KIND: RecurrentKind = {
  name: 'GRU',
  gates: 3,
  states: 1,
  foldHiddenBias: false,
  step(gx, [h], wHh, bHh) {
    const H = h!.shape[h!.ndim - 1]!;
    const gh = hiddenProjection(h!, wHh, bHh);
    const rz = sigmoid(slice(gx, [null, [0, 2 * H]]).add(slice(gh, [null, [0, 2 * H]])));
    const r = slice(rz, [null, [0, H]]), z = slice(rz, [null, [H, 2 * H]]);
    const n = tanh(slice(gx, [null, [2 * H, 3 * H]]).add(r.mul(slice(gh, [null, [2 * H, 3 * H]]))));
    return [n.add(z.mul(h!.sub(n)))];
  },
  fusedWeight(w) {
    const H = w.wHh.shape[1]!, I = w.wIh.shape[1]!, dt = w.wIh.dtype;
    const rows = (t: Tensor, a: number, b: number): Tensor => slice(t, [[a, b]]);
    const col = (b: Tensor | null, a: number, e: number): Tensor[] => (b ? [slice(b, [[a, e]]).reshape([e - a, 1])] : []);
    const rzBias = w.bIh && w.bHh ? [slice(w.bIh.add(w.bHh), [[0, 2 * H]]).reshape([2 * H, 1])] : [];
    return concat([
      concat([rows(w.wIh, 0, 2 * H), rows(w.wHh, 0, 2 * H), ...rzBias], 1), // r, z: W_i·x + W_h·h + b_i + b_h
      concat([rows(w.wIh, 2 * H, 3 * H), zeros([H, H], { dtype: dt }), ...col(w.bIh, 2 * H, 3 * H)], 1), // W_in x + b_in
      concat([zeros([H, I], { dtype: dt }), rows(w.wHh, 2 * H, 3 * H), ...col(w.bHh, 2 * H, 3 * H)], 1), // W_hn h + b_hn
    ], 0);
  },
  fusedStep(pre, [h]) {
    const H = h!.shape[h!.ndim - 1]!;
    const rz = sigmoid(slice(pre, [null, [0, 2 * H]]));
    const r = slice(rz, [null, [0, H]]), z = slice(rz, [null, [H, 2 * H]]);
    const n = tanh(slice(pre, [null, [2 * H, 3 * H]]).add(r.mul(slice(pre, [null, [3 * H, 4 * H]]))));
    return [n.add(z.mul(h!.sub(n)))];
  },
};

/**
 * One GRU step (PyTorch's `nn.GRUCell`):
 *
 *     r = σ(W_ir x + b_ir + W_hr h + b_hr)     z = σ(W_iz x + b_iz + W_hz h + b_hz)
 *     n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
 *     h' = (1 − z) ⊙ n + z ⊙ h
 *
 * Parameters `weight_ih` [3H, I], `weight_hh` [3H, H], `bias_ih`, `bias_hh` [3H], gates stacked as
 * r, z, n; all initialised U(±1/√H) (PyTorch). Cho et al. 2014.
 *
 * @example
 * ```ts
 * const cell = new GRUCell(3, 5, { rng: new Rng(0) });
 * const h1 = cell.call(x0);      // x0 [B, 3] → [B, 5] (zero initial state)
 * const h2 = cell.call(x1, h1);
 * ```
 */
export class GRUCell extends CellBase<[Tensor, Tensor?], Tensor> {
  /**
   * @param inputSize I
   * @param hiddenSize H
   * @param opts `rng` (required), `bias` (default true), `dtype`
   */
  constructor(inputSize: number, hiddenSize: number, opts: CellOptions) {
    super(GRU_KIND, 'GRUCell', inputSize, hiddenSize, opts);
  }

  /**
   * @param x [B, I] or unbatched [I]
   * @param h [B, H] (or [H]); zeros when omitted
   * @returns h' with h's shape
   * @throws ShapeError for a wrong input or state shape; DTypeError for a dtype other than the parameters'
   */
  forward(x: Tensor, h?: Tensor): Tensor {
    return this.run(x, h ? [h] : null)[0]!;
  }
}
