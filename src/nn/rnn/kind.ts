/**
 * `RecurrentKind`: what distinguishes an Elman RNN, an LSTM and a GRU — the number of gate blocks
 * in the stacked weights, the number of state tensors, and the step that advances the state from
 * the input projection. The cells and the multi-layer modules share it, so both run the same math.
 * @module
 */
import { type Tensor, matmul } from '../../tensor/index.js';

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
}

/** h·W_hhᵀ (+ b_hh): the hidden projection of one step, [B, G·H]. */
export function hiddenProjection(h: Tensor, wHh: Tensor, bHh: Tensor | null): Tensor {
  const y = matmul(h, wHh, { transB: true });
  return bHh ? y.add(bHh) : y;
}
