/**
 * Resampling of [N, C, H, W] images (PyTorch's `F.interpolate`): nearest and bilinear. Nearest is
 * a gather (`dimMap`); bilinear is separable, two weighted gathers per axis, so both cost O(output)
 * and are differentiable to any order.
 * @module
 */
import { ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import { asOp, checkedSize, describe, requireTensor } from '../shape-util.js';
import type { Tensor } from '../tensor.js';
import { fromData } from '../creation.js';
import { requireFloat } from './base.js';
import { dimMap } from './layout.js';
import { add, mul } from './elementwise.js';

/** Interpolation mode of `interpolate` / `Upsample`. */
export type InterpolateMode = 'nearest' | 'bilinear';

/** Options of `interpolate`: exactly one of `size` and `scaleFactor`. */
export interface InterpolateOptions {
  /** Output size Ho (= Wo) or [Ho, Wo]. */
  size?: number | readonly [number, number];
  /** Scale factor (both axes) or [sh, sw]; the output size is ⌊n · s⌋. */
  scaleFactor?: number | readonly [number, number];
  /** `'nearest'` (default) or `'bilinear'`. */
  mode?: InterpolateMode;
  /**
   * Bilinear only: map the corner pixels' centres onto each other, src = dst · (n − 1)/(out − 1),
   * instead of src = (dst + ½) · n/out − ½ (default false, as PyTorch).
   */
  alignCorners?: boolean;
}

const pairOf = (v: number | readonly [number, number]): [number, number] | null =>
  typeof v === 'number' ? [v, v] : Array.isArray(v) && v.length === 2 ? [v[0], v[1]] : null;

/** Source index of output pixel `dst` for nearest mode (PyTorch computes it in float32). */
function nearestIndex(dst: number, n: number, out: number, scale: number | null): number {
  if (out === n) return dst;
  if (out === 2 * n) return dst >> 1;
  const s = Math.fround(scale !== null ? 1 / scale : n / out);
  return Math.min(Math.floor(Math.fround(Math.fround(dst) * s)), n - 1);
}

/** PyTorch's 1-D linear interpolation along one axis: output i = (1 − λ_i)·x[i0_i] + λ_i·x[i1_i]. */
function linearTaps(n: number, out: number, scale: number | null, alignCorners: boolean): { i0: Int32Array; i1: Int32Array; w0: Float64Array; w1: Float64Array } {
  const ratio = alignCorners ? (out > 1 ? (n - 1) / (out - 1) : 0) : scale !== null ? 1 / scale : n / out;
  const i0 = new Int32Array(out), i1 = new Int32Array(out), w0 = new Float64Array(out), w1 = new Float64Array(out);
  for (let i = 0; i < out; i++) {
    const src = alignCorners ? ratio * i : Math.max(ratio * (i + 0.5) - 0.5, 0);
    const j = Math.floor(src);
    const lambda = Math.min(Math.max(src - j, 0), 1);
    i0[i] = j;
    i1[i] = j < n - 1 ? j + 1 : j;
    w0[i] = 1 - lambda;
    w1[i] = lambda;
  }
  return { i0, i1, w0, w1 };
}

/** Linear interpolation of x [N, C, H, W] along `axis` (2 or 3): two gathers weighted and summed. */
function linearAlong(x: Tensor, axis: 2 | 3, out: number, scale: number | null, alignCorners: boolean): Tensor {
  const n = x.shape[axis]!;
  const t = linearTaps(n, out, scale, alignCorners);
  const id = (m: number): Int32Array => Int32Array.from({ length: m }, (_, i) => i);
  const maps = (idx: Int32Array): Int32Array[] => x.shape.map((m, d) => (d === axis ? idx : id(m)));
  const wShape = axis === 2 ? [out, 1] : [out];
  const weight = (w: Float64Array): Tensor => fromData(x.dtype === 'float32' ? Float32Array.from(w) : w, wShape);
  return add(mul(dimMap(x, maps(t.i0)), weight(t.w0)), mul(dimMap(x, maps(t.i1)), weight(t.w1)));
}

/**
 * Resample an image batch to a new size (PyTorch's `F.interpolate` for 4-D input).
 *
 * - `'nearest'`: y[…, i, j] = x[…, ⌊i·r_H⌋, ⌊j·r_W⌋] with r = 1/scaleFactor (or n/out when `size`
 *   is given), clamped to the last pixel — PyTorch's legacy `'nearest'` (not `'nearest-exact'`).
 * - `'bilinear'`: separable linear interpolation, first along H then along W: output i is
 *   (1 − λ)·x[⌊s⌋] + λ·x[⌊s⌋ + 1] (the last pixel repeated at the edge), λ = s − ⌊s⌋, for the source
 *   coordinate s = (i + ½)·r − ½ (clamped at 0), or s = i·(n − 1)/(out − 1) with `alignCorners`.
 *
 * @param x [N, C, H, W] (float)
 * @param opts `size` or `scaleFactor` (exactly one), `mode`, `alignCorners`
 * @returns [N, C, Ho, Wo] with Ho = size or ⌊H · scaleFactor⌋
 * @throws ShapeError when x is not 4-D or the output would be empty
 * @throws ValueError for both or neither of size/scaleFactor, non-positive or fractional sizes,
 *   an unknown mode, or alignCorners with nearest
 *
 * @example
 * ```ts
 * interpolate(x, { scaleFactor: 2 });                                        // [N,C,H,W] → [N,C,2H,2W]
 * interpolate(x, { size: [5, 7], mode: 'bilinear', alignCorners: true });  // → [N,C,5,7]
 * ```
 */
export function interpolate(x: Tensor, opts: InterpolateOptions): Tensor {
  requireTensor('interpolate', 'x', x);
  const op = 'interpolate';
  if (opts === null || typeof opts !== 'object') throw new ValueError(`${op}: options { size | scaleFactor, mode, alignCorners } are required, got ${describe(opts)}`);
  if (x.ndim !== 4) throw new ShapeError(`${op}: input must be [N,C,H,W], got ${fmtShape(x.shape)}`);
  const mode = opts.mode ?? 'nearest';
  if (mode !== 'nearest' && mode !== 'bilinear') throw new ValueError(`${op}: mode must be 'nearest' or 'bilinear', got ${describe(mode)}`);
  if (opts.alignCorners !== undefined && mode !== 'bilinear') throw new ValueError(`${op}: alignCorners applies only to mode 'bilinear', not '${mode}'`);
  if ((opts.size === undefined) === (opts.scaleFactor === undefined)) throw new ValueError(`${op}: give exactly one of size and scaleFactor`);
  const [H, W] = [x.shape[2]!, x.shape[3]!];
  let out: [number, number];
  let scales: [number | null, number | null] = [null, null];
  if (opts.size !== undefined) {
    const s = pairOf(opts.size);
    if (s === null || !s.every((v) => Number.isInteger(v) && v >= 1)) throw new ValueError(`${op}: size must be positive integer(s), got ${describe(opts.size)}`);
    out = s;
  } else {
    const f = pairOf(opts.scaleFactor!);
    if (f === null || !f.every((v) => Number.isFinite(v) && v > 0)) throw new ValueError(`${op}: scaleFactor must be positive finite number(s), got ${describe(opts.scaleFactor)}`);
    scales = f;
    out = [Math.floor(H * f[0]), Math.floor(W * f[1])];
    if (out[0] < 1 || out[1] < 1) throw new ShapeError(`${op}: scaleFactor [${f}] turns input ${fmtShape(x.shape)} into an empty ${out[0]}×${out[1]} image`);
  }
  if (H === 0 || W === 0) throw new ShapeError(`${op}: input ${fmtShape(x.shape)} has an empty spatial axis`);
  checkedSize(op, [x.shape[0]!, x.shape[1]!, out[0], out[1]]);
  return asOp(op, () => {
    requireFloat(op, x);
    if (mode === 'nearest') {
      const id = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);
      const map = (n: number, o: number, s: number | null): Int32Array => Int32Array.from({ length: o }, (_, i) => nearestIndex(i, n, o, s));
      return dimMap(x, [id(x.shape[0]!), id(x.shape[1]!), map(H, out[0], scales[0]), map(W, out[1], scales[1])]);
    }
    const ac = opts.alignCorners ?? false;
    // an axis whose size and ratio are unchanged maps each pixel onto itself
    const same = (n: number, o: number, s: number | null): boolean => o === n && (ac || s === null || s === 1);
    let y = x;
    if (!same(H, out[0], scales[0])) y = linearAlong(y, 2, out[0], scales[0], ac);
    if (!same(W, out[1], scales[1])) y = linearAlong(y, 3, out[1], scales[1], ac);
    return y;
  });
}
