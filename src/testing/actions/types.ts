/**
 * The contract of a group action on one kind of data (vectors, point clouds, graphs, grids, mesh
 * features): how an element transforms a value, how a value splits into named fields for the
 * report, and how to draw a random value for a check.
 * @module
 */
import type { FloatDType } from '../../nn/index.js';
import { Tensor, fromData } from '../../tensor/index.js';
import type { Rng } from '../../util/index.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../util/index.js';
import type { Element } from '../element.js';

/** One named block of values compared by the harness (a field of a rep, node features, …). */
export interface Field {
  /** Name shown in the report, e.g. `"out0 V^2 #1"`. */
  readonly name: string;
  /** The values, as float64. */
  readonly values: Float64Array;
}

/** Options of {@link Action.sample}. */
export interface SampleOptions {
  /** Element type of the sampled tensors. */
  dtype: FloatDType;
  /** Grid resolution (for actions on grids); actions without resolution ignore it. */
  resolution?: number;
}

/** Which data-type parts of an element an action reads. */
export interface ActionUses {
  translate?: boolean;
  permute?: boolean;
  shift?: boolean;
  gauge?: boolean;
}

/**
 * A group action on values of type X: `act(e, x)` = e·x. Actions are plain objects, so users can
 * write their own for their own data types.
 */
export interface Action<X = Tensor> {
  /** Short description, e.g. `"ρ = V^2 + V"` or `"E(3) positions"`. */
  readonly name: string;
  /** The data-type parts of an element this action needs (drives element sampling). */
  readonly uses: ActionUses;
  /** True for actions that are only approximately defined (interpolated grid rotations). */
  readonly approximate?: boolean;
  /** Default grid resolution of `sample` (for approximate grid actions, the discretisation study doubles it). */
  readonly resolution?: number;
  /** e·x, in the dtype of x. */
  act(e: Element, x: X): X;
  /** Split a value into named fields (float64 copies) for comparison. */
  fields(x: X): Field[];
  /** A random value (inputs of a check when the user gives none). */
  sample?(rng: Rng, opts: SampleOptions): X;
  /** The same value in another float dtype (inputs are cast to float64 where the model allows). */
  cast?(x: X, dtype: FloatDType): X;
  /** Reasons the value is degenerate for this action (coincident points, too few points, …). */
  degeneracies?(x: X): string[];
  /**
   * Throw a named error (ShapeError, DTypeError, ValueError, IndexError) when `x` does not fit this
   * action (wrong type, rank, width, dtype); `where` names the value in messages, e.g. `"input 0"`.
   * The harness calls it on every input and output before comparing anything.
   */
  check?(x: X, where: string): void;
  /** The size d of the d×d matrices this action reads from elements (the harness compares it with the group's). */
  readonly groupDim?: number;
}

/** float64 copy of a tensor's values. */
export function f64(t: Tensor): Float64Array {
  return t.data instanceof Float64Array ? Float64Array.from(t.data) : Float64Array.from(t.data as ArrayLike<number>);
}

/** A tensor of `dtype` from float64 values. */
export function tensorOf(values: Float64Array, shape: readonly number[], dtype: string): Tensor {
  return fromData(dtype === 'float64' ? values : Float32Array.from(values), shape);
}

/** Float dtype of a tensor (int32 counts as float32). */
export function floatOf(t: Tensor): FloatDType {
  return t.dtype === 'float64' ? 'float64' : 'float32';
}

/** Cast a float tensor to `dtype` (detached; returns it unchanged when already there). */
export function castTensor(t: Tensor, dtype: FloatDType): Tensor {
  return t.dtype === dtype || t.dtype === 'int32' ? t : t.detach().cast(dtype);
}

/** Apply a dense size×size matrix M to every row of x viewed as [rows, size]: row ↦ M·row. */
export function applyRows(M: Float64Array, x: Float64Array, size: number): Float64Array {
  const y = new Float64Array(x.length);
  const rows = x.length / size;
  for (let r = 0; r < rows; r++) {
    const o = r * size;
    for (let i = 0; i < size; i++) {
      let s = 0;
      for (let j = 0; j < size; j++) s += M[i * size + j]! * x[o + j]!;
      y[o + i] = s;
    }
  }
  return y;
}

/** A short description of a value for error messages (`Tensor [3,4] float32`, `null`, `object`). */
export function describeValue(x: unknown): string {
  if (x instanceof Tensor) return `Tensor ${fmtShape(x.shape)} ${x.dtype}`;
  if (x === null) return 'null';
  if (Array.isArray(x)) return `an array of ${x.length}`;
  return typeof x;
}

/**
 * `x` as a float tensor, or a named error: ValueError when it is not a Tensor, DTypeError when it
 * is not float32/float64. `where` and `action` name the value and its action in the message.
 */
export function expectFloatTensor(x: unknown, where: string, action: string): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${where} (${action}): expected a Tensor, got ${describeValue(x)}`);
  if (x.dtype !== 'float32' && x.dtype !== 'float64') throw new DTypeError(`${where} (${action}): expected float32 or float64 values, got ${x.dtype} ${fmtShape(x.shape)}`);
  return x;
}

/** A ShapeError unless the last axis of `x` has `n` entries: `expected [..., n], got [..]`. */
export function expectWidth(x: Tensor, n: number, where: string, action: string): void {
  if (x.ndim < 1 || x.shape[x.ndim - 1] !== n) throw new ShapeError(`${where} (${action}): expected [..., ${n}], got ${fmtShape(x.shape)}`);
}
