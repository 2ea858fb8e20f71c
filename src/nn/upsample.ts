/**
 * `Upsample`: resampling of image batches (PyTorch's `nn.Upsample`), nearest or bilinear.
 * @module
 */
import { interpolate, reshape } from '../tensor/index.js';
import type { InterpolateMode, Tensor } from '../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../util/errors.js';
import { Module } from './module.js';

/** Options of `Upsample`: exactly one of `size` and `scaleFactor`. */
export interface UpsampleOptions {
  /** Output size Ho (= Wo) or [Ho, Wo]. */
  size?: number | readonly [number, number];
  /** Multiplier of the spatial size (output ⌊n · s⌋), one for both axes or [sh, sw]. */
  scaleFactor?: number | readonly [number, number];
  /** `'nearest'` (default) or `'bilinear'`. */
  mode?: InterpolateMode;
  /** Bilinear only (default false): align the corner pixels' centres, src = dst · (n − 1)/(out − 1). */
  alignCorners?: boolean;
}

/**
 * Upsampling layer (PyTorch's `nn.Upsample`, 4-D input): nearest, y[…, i, j] = x[…, ⌊i/s_h⌋, ⌊j/s_w⌋]
 * (clamped), or bilinear, separable linear interpolation y_i = (1 − λ)·x[⌊u⌋] + λ·x[⌊u⌋ + 1], λ = u − ⌊u⌋,
 * per axis, at PyTorch's source coordinate u = (i + ½)/s − ½ (clamped at 0) or, with `alignCorners`,
 * u = i·(H − 1)/(Ho − 1). See `interpolate`.
 *
 * @example
 * ```ts
 * new Upsample({ scaleFactor: 2 }).call(x);                                   // [N,C,8,8] → [N,C,16,16]
 * new Upsample({ size: [5, 7], mode: 'bilinear', alignCorners: true }).call(x); // → [N,C,5,7]
 * ```
 */
export class Upsample extends Module {
  /** The options as given. */
  readonly options: Readonly<UpsampleOptions>;

  /**
   * @param opts `size` or `scaleFactor` (exactly one), `mode`, `alignCorners`
   * @throws ValueError for both or neither of size/scaleFactor, bad sizes, an unknown mode, or
   *   alignCorners with nearest
   */
  constructor(opts: UpsampleOptions) {
    super();
    if (opts === null || typeof opts !== 'object') throw new ValueError(`Upsample: options { size | scaleFactor, mode, alignCorners } are required, got ${String(opts)}`);
    const mode = opts.mode ?? 'nearest';
    if (mode !== 'nearest' && mode !== 'bilinear') throw new ValueError(`Upsample: mode must be 'nearest' or 'bilinear', got ${String(mode)}`);
    if ((opts.size === undefined) === (opts.scaleFactor === undefined)) throw new ValueError('Upsample: give exactly one of size and scaleFactor');
    if (opts.alignCorners !== undefined && mode !== 'bilinear') throw new ValueError(`Upsample: alignCorners applies only to mode 'bilinear', not '${mode}'`);
    const ok = (v: unknown, int: boolean): boolean => typeof v === 'number' && Number.isFinite(v) && v > 0 && (!int || Number.isInteger(v));
    const okPair = (v: unknown, int: boolean): boolean => ok(v, int) || (Array.isArray(v) && v.length === 2 && v.every((q) => ok(q, int)));
    if (opts.size !== undefined && !okPair(opts.size, true)) throw new ValueError(`Upsample: size must be positive integer(s), got ${String(opts.size)}`);
    if (opts.scaleFactor !== undefined && !okPair(opts.scaleFactor, false)) throw new ValueError(`Upsample: scaleFactor must be positive finite number(s), got ${String(opts.scaleFactor)}`);
    this.options = Object.freeze({ ...opts, mode });
  }

  /**
   * @param x [N, C, H, W] or unbatched [C, H, W] (float)
   * @returns [N, C, Ho, Wo] (or [C, Ho, Wo])
   * @throws ShapeError for the wrong rank or an empty output
   */
  forward(x: Tensor): Tensor {
    if (x.ndim !== 4 && x.ndim !== 3) throw new ShapeError(`Upsample: input ${fmtShape(x.shape)} must be [N, C, H, W] or unbatched [C, H, W]`);
    const x4 = x.ndim === 4 ? x : reshape(x, [1, ...x.shape]);
    let y: Tensor;
    try {
      y = interpolate(x4, this.options);
    } catch (e) {
      if (e instanceof ShapeError) throw new ShapeError(`Upsample: ${e.message}`);
      throw e;
    }
    return x.ndim === 4 ? y : reshape(y, y.shape.slice(1));
  }

  extraRepr(): string {
    const o = this.options;
    return [o.size !== undefined ? `size=${JSON.stringify(o.size)}` : `scaleFactor=${JSON.stringify(o.scaleFactor)}`, `mode='${o.mode}'`,
      ...(o.alignCorners !== undefined ? [`alignCorners=${o.alignCorners}`] : [])].join(', ');
  }
}
