/**
 * `CellBase`: what `RNNCell`, `LSTMCell` and `GRUCell` share — PyTorch's parameters `weight_ih`,
 * `weight_hh`, `bias_ih`, `bias_hh` and the checks of one step's input and state.
 * @module
 */
import { type Tensor, zeros } from '../../tensor/index.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import { Module } from '../module.js';
import { floatDType } from '../parameter.js';
import type { FloatDType } from '../parameter.js';
import type { RecurrentKind } from './kind.js';
import { checkPositive, getWeights, project, projectionBias, registerWeights } from './weights.js';

/** Options of the recurrent cells. */
export interface CellOptions {
  /** Source of the initial weights (required: all randomness is explicit). */
  rng: Rng;
  /** Learn the biases b_ih and b_hh (default true). */
  bias?: boolean;
  /** Element type of the parameters (default float32). */
  dtype?: FloatDType;
}

/** Base class of the recurrent cells: one step of a {@link RecurrentKind} on a batch. */
export abstract class CellBase<In extends unknown[], Out> extends Module<In, Out> {
  /** Input features I. */
  readonly inputSize: number;
  /** Hidden features H. */
  readonly hiddenSize: number;
  /** Whether the cell has biases. */
  readonly bias: boolean;
  /** The recurrence. */
  protected readonly kind: RecurrentKind;
  private readonly label: string;

  protected constructor(kind: RecurrentKind, label: string, inputSize: number, hiddenSize: number, opts: CellOptions) {
    super();
    this.inputSize = checkPositive(label, 'inputSize', inputSize);
    this.hiddenSize = checkPositive(label, 'hiddenSize', hiddenSize);
    if (!opts?.rng) throw new ValueError(`${label}: opts.rng is required (all randomness goes through an explicit Rng)`);
    this.kind = kind;
    this.label = label;
    this.bias = opts.bias ?? true;
    registerWeights(this, kind, '', inputSize, hiddenSize, this.bias, opts.rng, floatDType(label, opts.dtype));
  }

  /**
   * One step: check x [B, I] (or [I]) and the states [B, H] (or [H]), run the kind's step.
   * @param state the previous states, or null for zeros
   */
  protected run(x: Tensor, state: readonly Tensor[] | null): Tensor[] {
    const L = this.label, I = this.inputSize, H = this.hiddenSize;
    if (x.ndim !== 1 && x.ndim !== 2) throw new ShapeError(`${L}: input ${fmtShape(x.shape)} must be [B, ${I}] or unbatched [${I}]`);
    if (x.shape[x.ndim - 1] !== I) throw new ShapeError(`${L}: input ${fmtShape(x.shape)} has ${x.shape[x.ndim - 1]} features, expected ${I}`);
    const w = getWeights(this, '');
    if (x.dtype !== w.wIh.dtype) throw new DTypeError(`${L}: input is ${x.dtype} but the parameters are ${w.wIh.dtype} (convert one with cast / toDType)`);
    const unbatched = x.ndim === 1, B = unbatched ? 1 : x.shape[0]!;
    const want = unbatched ? [H] : [B, H];
    const names = this.kind.states === 2 ? ['h', 'c'] : ['h'];
    const s = state ?? names.map(() => zeros([B, H], { dtype: x.dtype }));
    if (state) {
      state.forEach((t, k) => {
        if (t.ndim !== want.length || t.shape.some((d, i) => d !== want[i])) {
          throw new ShapeError(`${L}: state ${names[k]} ${fmtShape(t.shape)} must be ${fmtShape(want)} for input ${fmtShape(x.shape)}`);
        }
        if (t.dtype !== x.dtype) throw new DTypeError(`${L}: state ${names[k]} is ${t.dtype} but the input is ${x.dtype}`);
      });
    }
    const x2 = unbatched ? x.reshape([1, I]) : x;
    const s2 = unbatched && state ? s.map((t) => t.reshape([1, H])) : s;
    const gx = project(x2, w.wIh, projectionBias(this.kind, w));
    const out = this.kind.step(gx, s2, w.wHh, this.kind.foldHiddenBias ? null : w.bHh);
    return unbatched ? out.map((t) => t.reshape([H])) : out;
  }

  extraRepr(): string {
    return `inputSize=${this.inputSize}, hiddenSize=${this.hiddenSize}, bias=${this.bias}`;
  }
}
