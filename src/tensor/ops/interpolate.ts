/**
 * Resampling of [N, C, H, W] images (PyTorch's `F.interpolate`): nearest and bilinear. Nearest is
 * a gather (`dimMap`); bilinear is separable, A_H · x · A_Wᵀ with constant interpolation matrices,
 * so both are differentiable to any order.
 * @module
 */
import { ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import { asOp, checkedSize, describe, requireTensor } from '../shape-util.js';
import type { Tensor } from '../tensor.js';
import { fromData } from '../creation.js';
import { requireFloat } from './base.js';
import { dimMap } from './layout.js';
import { matmul } from './matmul.js';

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

/** The [out, n] bilinear (1-D linear) interpolation matrix along one axis (PyTorch's weights). */
function linearMatrix(n: number, out: number, scale: number | null, alignCorners: boolean, dtype: Tensor['dtype']): Tensor {
  const m = dtype === 'float32' ? new Float32Array(out * n) : new Float64Array(out * n);
  const ratio = alignCorners ? (out > 1 ? (n - 1) / (out - 1) : 0) : scale !== null ? 1 / scale : n / out;
  for (let i = 0; i < out; i++) {
    const src = alignCorners ? ratio * i : Math.max(ratio * (i + 0.5) - 0.5, 0);
    const i0 = Math.floor(src);
    const lambda = Math.min(Math.max(src - i0, 0), 1);
    const i1 = i0 < n - 1 ? i0 + 1 : i0;
    m[i * n + i0]! += 1 - lambda;
    m[i * n + i1]! += lambda;
  }
  return fromData(m, [out, n]);
}

/**
 * Resample an image batch to a new size (PyTorch's `F.interpolate` for 4-D input).
 *
 * - `'nearest'`: y[…, i, j] = x[…, ⌊i·r_H⌋, ⌊j·r_W⌋] with r = 1/scaleFactor (or n/out when `size`
 *   is given), clamped to the last pixel — PyTorch's legacy `'nearest'` (not `'nearest-exact'`).
 * - `'bilinear'`: y = A_H · x · A_Wᵀ, where row i of A puts weights 1 − λ, λ on pixels ⌊s⌋ and
 *   ⌊s⌋ + 1 for the source coordinate s = (i + ½)·r − ½ (clamped at 0), or s = i·(n − 1)/(out − 1)
 *   with `alignCorners`.
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
    let y = x;
    if (!(out[0] === H && !ac && (scales[0] === null || scales[0] === 1))) y = matmul(linearMatrix(H, out[0], scales[0], ac, x.dtype), y);
    if (!(out[1] === W && !ac && (scales[1] === null || scales[1] === 1))) y = matmul(y, linearMatrix(W, out[1], scales[1], ac, x.dtype), { transB: true });
    return y;
  });
}
