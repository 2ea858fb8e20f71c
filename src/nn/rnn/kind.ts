/**
 * `RecurrentKind`: what distinguishes an Elman RNN, an LSTM and a GRU — the number of gate blocks
 * in the stacked weights, the number of state tensors, and the step that advances the state from
 * the input projection. The cells and the multi-layer modules share it, so both run the same math.
 * @module
 */
import { type Tensor, concat, matmul } from '../../tensor/index.js';
import type { RecurrentWeights } from './weights.js';

/**
 * One recurrence. Its weights follow PyTorch's layout: W_ih [G·H, I], W_hh [G·H, H], b_ih and b_hh
 * [G·H], with G gate blocks stacked in PyTorch's order.
 */
export interface RecurrentKind {
  /** Name for messages (`'LSTM'`, `'GRU'`, `'RNN'`). */
  readonly name: string;
  /** Gate blocks G stacked in the weights (Elman 1, LSTM 4 = i, f, g, o; GRU 3 = r, z, n). */
  readonly gates: number;
  /** State tensors (h for Elman and GRU; h, c for LSTM). */
  readonly states: number;
  /**
   * Whether b_hh enters only as b_ih + b_hh (Elman, LSTM): then it is added once to the input
   * projection. GRU's candidate gate multiplies W_hn·h + b_hn by r, so its b_hh stays in the step.
   */
  readonly foldHiddenBias: boolean;
  /**
   * Advance the state one step.
   * @param gx the input projection x·W_ihᵀ + b_ih (+ b_hh when folded), [B, G·H]
   * @param state the previous state tensors, each [B, H]
   * @param wHh W_hh [G·H, H]
   * @param bHh b_hh [G·H] when it is not folded into gx, else null
   * @returns the new state (h first)
   */
  step(gx: Tensor, state: readonly Tensor[], wHh: Tensor, bHh: Tensor | null): Tensor[];
  /**
   * The fused weight of one step, [F, I + H (+ 1 with biases)]: z_t = [x_t, h_{t−1}, 1] times its
   * transpose gives every pre-activation of the step in one matmul (F = G·H; GRU: 4H, its candidate's
   * input and hidden parts kept apart as [W_in, 0, b_in] and [0, W_hn, b_hn]).
   */
  fusedWeight(w: RecurrentWeights): Tensor;
  /** Advance the state from the fused pre-activations z_t·W_fusedᵀ [B, F]. */
  fusedStep(pre: Tensor, state: readonly Tensor[]): Tensor[];
}

/**
 * [W_ih, W_hh, b_ih + b_hh] (the bias column only with biases): the fused weight of a kind whose
 * pre-activations are W_ih x + W_hh h + b_ih + b_hh (Elman, LSTM).
 */
export function stackedWeight(w: RecurrentWeights): Tensor {
  const parts: Tensor[] = [w.wIh, w.wHh];
  if (w.bIh && w.bHh) parts.push(w.bIh.add(w.bHh).reshape([w.bIh.shape[0]!, 1]));
  return concat(parts, 1);
}

/** h·W_hhᵀ (+ b_hh): the hidden projection of one step, [B, G·H]. */
export function hiddenProjection(h: Tensor, wHh: Tensor, bHh: Tensor | null): Tensor {
  const y = matmul(h, wHh, { transB: true });
  return bHh ? y.add(bHh) : y;
}
