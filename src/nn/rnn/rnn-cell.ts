/**
 * `RNNCell` and the Elman step (Elman, "Finding Structure in Time", Cognitive Science 1990), with a
 * tanh or ReLU nonlinearity.
 * @module
 */
import { type Tensor, relu, tanh } from '../../tensor/index.js';
import { ValueError } from '../../util/errors.js';
import { CellBase, type CellOptions } from './cell-base.js';
import { type RecurrentKind, hiddenProjection, stackedWeight } from './kind.js';

/** The nonlinearity of an Elman RNN. */
export type RNNNonlinearity = 'tanh' | 'relu';

/** The Elman recurrence with `nonlinearity` (biases folded into the input projection). */
export function rnnKind(nonlinearity: RNNNonlinearity): RecurrentKind {
  const act = nonlinearity === 'relu' ? relu : tanh;
  return {
    name: 'RNN',
    gates: 1,
    states: 1,
    foldHiddenBias: true,
    step: (gx, [h], wHh, bHh) => [act(gx.add(hiddenProjection(h!, wHh, bHh)))],
    fusedWeight: stackedWeight,
    fusedStep: (pre) => [act(pre)],
  };
}

/** Validate a nonlinearity name. */
export function checkNonlinearity(where: string, n: unknown): RNNNonlinearity {
  if (n !== 'tanh' && n !== 'relu') throw new ValueError(`${where}: nonlinearity must be 'tanh' or 'relu', got ${String(n)}`);
  return n;
}

/** Options of `RNNCell`. */
export interface RNNCellOptions extends CellOptions {
  /** 'tanh' (default) or 'relu'. */
  nonlinearity?: RNNNonlinearity;
}

/**
 * One Elman RNN step (PyTorch's `nn.RNNCell`): h' = act(W_ih x + b_ih + W_hh h + b_hh), act = tanh
 * or ReLU. Parameters `weight_ih` [H, I], `weight_hh` [H, H], `bias_ih`, `bias_hh` [H], all
 * initialised U(±1/√H) (PyTorch). Elman 1990.
 *
 * @example
 * ```ts
 * const cell = new RNNCell(3, 5, { rng: new Rng(0), nonlinearity: 'relu' });
 * const h1 = cell.call(x0);      // x0 [B, 3] → [B, 5]
 * ```
 */
export class RNNCell extends CellBase<[Tensor, Tensor?], Tensor> {
  /** The nonlinearity. */
  readonly nonlinearity: RNNNonlinearity;

  /**
   * @param inputSize I
   * @param hiddenSize H
   * @param opts `rng` (required), `nonlinearity`, `bias` (default true), `dtype`
   */
  constructor(inputSize: number, hiddenSize: number, opts: RNNCellOptions) {
    const nl = checkNonlinearity('RNNCell', opts?.nonlinearity ?? 'tanh');
    super(rnnKind(nl), 'RNNCell', inputSize, hiddenSize, opts);
    this.nonlinearity = nl;
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

  extraRepr(): string {
    return `${super.extraRepr()}, nonlinearity=${this.nonlinearity}`;
  }
}
