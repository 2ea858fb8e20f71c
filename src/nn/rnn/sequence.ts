/**
 * Sequence plumbing shared by the recurrent layers: validating per-sequence lengths (or a prefix
 * mask), cutting a sequence into its time steps, and the per-step validity masks that give packed
 * (variable-length) sequences PyTorch's semantics.
 * @module
 */
import { Tensor, isGradEnabled, slice } from '../../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../../util/errors.js';

/**
 * Lengths as validated integers: one per sequence of the batch, each in 1…T.
 * @param where the module name for messages
 * @param lengths one length per batch entry (an array, or a vector tensor of any dtype)
 * @param batch B
 * @param steps T
 * @throws ValueError when the count is not B or a length is not an integer in 1…T
 * @throws ShapeError when a tensor of lengths is not a vector
 */
export function checkLengths(where: string, lengths: ArrayLike<number> | Tensor, batch: number, steps: number): Int32Array {
  if (lengths instanceof Tensor) {
    if (lengths.ndim !== 1) throw new ShapeError(`${where}: lengths ${fmtShape(lengths.shape)} must be a vector of ${batch} integers`);
    lengths = lengths.data;
  }
  if (lengths === null || typeof lengths !== 'object' || typeof lengths.length !== 'number') {
    throw new ValueError(`${where}: lengths must be an array of integers (one per sequence), got ${String(lengths)}`);
  }
  if (lengths.length !== batch) throw new ValueError(`${where}: ${lengths.length} lengths for a batch of ${batch} sequences`);
  const out = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    const n = lengths[b]!;
    if (!Number.isInteger(n) || n < 1 || n > steps) {
      throw new ValueError(`${where}: lengths[${b}] = ${n} must be an integer in 1…${steps} (the sequence has ${steps} steps)`);
    }
    out[b] = n;
  }
  return out;
}

/**
 * The lengths a prefix mask encodes: `mask` is [B, T] (or [T, B] when `timeMajor`), non-zero on the
 * first len_b steps of sequence b and zero after them.
 * @throws ShapeError when the mask is not [B, T] (resp. [T, B])
 * @throws ValueError when a row is not a prefix of ones (a gap, or an empty sequence)
 */
export function lengthsFromMask(where: string, mask: Tensor, batch: number, steps: number, timeMajor: boolean): Int32Array {
  if (!(mask instanceof Tensor)) throw new ValueError(`${where}: mask must be a Tensor, got ${typeof mask}`);
  const want = timeMajor ? [steps, batch] : [batch, steps];
  if (mask.ndim !== 2 || mask.shape[0] !== want[0] || mask.shape[1] !== want[1]) {
    throw new ShapeError(`${where}: mask ${fmtShape(mask.shape)} must be ${fmtShape(want)} (${timeMajor ? '[T, B]' : '[B, T]'}) for the input's ${batch} sequences of ${steps} steps`);
  }
  const d = mask.data, out = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    let n = 0;
    for (let t = 0; t < steps; t++) {
      const on = d[timeMajor ? t * batch + b : b * steps + t]! !== 0;
      if (on && n !== t) throw new ValueError(`${where}: mask row ${b} is not a prefix (step ${t} is set after an unset step); only right-padded sequences are supported`);
      if (on) n = t + 1;
    }
    if (n === 0) throw new ValueError(`${where}: mask row ${b} is empty (every sequence needs at least one step)`);
    out[b] = n;
  }
  return out;
}

/**
 * The slices x[t] along `axis` (t = 0…T−1), each with that axis removed.
 *
 * A slice's gradient is scattered into a zero tensor of x's full shape, so T plain slices of a
 * tensor that needs a gradient would cost O(T²·|x[t]|) in the backward pass. When x needs one, it is
 * cut in two levels instead (√T chunks, then the steps of each chunk): O(T^{3/2}·|x[t]|).
 */
export function unbindSteps(x: Tensor, axis: number): Tensor[] {
  const T = x.shape[axis]!;
  const at = (t: Tensor, i: number, ax: number): Tensor => {
    const spec: (number | null)[] = new Array<number | null>(ax).fill(null);
    spec.push(i);
    return slice(t, spec);
  };
  if (!(x.requiresGrad && isGradEnabled()) || T <= 8) return Array.from({ length: T }, (_, t) => at(x, t, axis));
  const k = Math.ceil(Math.sqrt(T));
  const out: Tensor[] = [];
  for (let s = 0; s < T; s += k) {
    const e = Math.min(T, s + k);
    const spec: ([number, number] | null)[] = new Array<[number, number] | null>(axis).fill(null);
    spec.push([s, e]);
    const chunk = slice(x, spec);
    for (let t = 0; t < e - s; t++) out.push(at(chunk, t, axis));
  }
  return out;
}

/**
 * Per-step validity of a batch of right-padded sequences: for step t, `count[t]` sequences are still
 * running (len_b > t) and `mask[t]` is a [B, 1] 0/1 tensor (null when every sequence runs).
 */
export interface StepMasks {
  readonly count: Int32Array;
  readonly mask: (Tensor | null)[];
}

/** The step masks of `lengths` for T steps, in `dtype`. */
export function stepMasks(lengths: Int32Array, steps: number, dtype: 'float32' | 'float64'): StepMasks {
  const B = lengths.length, count = new Int32Array(steps), mask: (Tensor | null)[] = [];
  for (let t = 0; t < steps; t++) {
    let c = 0;
    const m = dtype === 'float64' ? new Float64Array(B) : new Float32Array(B);
    for (let b = 0; b < B; b++) if (lengths[b]! > t) { m[b] = 1; c++; }
    count[t] = c;
    mask.push(c === B ? null : new Tensor(m, [B, 1], dtype));
  }
  return { count, mask };
}
