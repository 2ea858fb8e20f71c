/**
 * Fixed (or σ-learnable) Gaussian filters applied to images: smoothing, first and second
 * derivatives and the Laplacian of Gaussian, computed separably (a column pass and a row pass
 * per channel) with the moment-normalised kernels of ./gaussian-kernels.ts.
 * @module
 */
import { add, conv2d, exp, log, pad, tensor } from '../../tensor/index.js';
import type { Tensor } from '../../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import { Module } from '../module.js';
import { Parameter, floatDType } from '../parameter.js';
import type { FloatDType } from '../parameter.js';
import { GAUSSIAN_KINDS, defaultRadius, gaussianKernel1d, separableOrders } from './gaussian-kernels.js';
import type { GaussianKind } from './gaussian-kernels.js';

/** How the image border is extended before filtering. */
export type FilterPadding = 'replicate' | 'reflect' | 'zeros' | 'circular';

const PADDINGS: readonly FilterPadding[] = ['replicate', 'reflect', 'zeros', 'circular'];

/** Options of {@link gaussianFilter2d}. */
export interface GaussianFilterOptions {
  /** Kernel half-width (default ⌈4σ⌉). */
  radius?: number;
  /** Border extension (default 'replicate'). */
  padding?: FilterPadding;
}

/**
 * Depthwise separable filtering of x [N, C, H, W] with the column kernel ky and the row kernel kx
 * (both [2r+1]); the border is extended by r with `padding` first, so the output is [N, C, H, W].
 */
export function separableFilter2d(op: string, x: Tensor, ky: Tensor, kx: Tensor, padding: FilterPadding = 'replicate'): Tensor {
  if (x.ndim !== 4) throw new ShapeError(`${op}: input must be [N, C, H, W], got ${fmtShape(x.shape)}`);
  if (!PADDINGS.includes(padding)) throw new ValueError(`${op}: padding must be one of ${PADDINGS.join(', ')}, got ${String(padding)}`);
  const [, C, H, W] = x.shape as [number, number, number, number];
  const ry = (ky.shape[0]! - 1) / 2, rx = (kx.shape[0]! - 1) / 2;
  if (padding === 'reflect' && (ry >= H || rx >= W)) {
    throw new ShapeError(`${op}: 'reflect' padding by ${ry}×${rx} needs an image larger than the kernel radius, got ${fmtShape(x.shape)}; use 'replicate'`);
  }
  const xp = pad(x, [[ry, ry], [rx, rx]], padding === 'zeros' ? 0 : { mode: padding });
  const wy = ky.cast(x.dtype).reshape([1, 1, 2 * ry + 1, 1]).expand([C, 1, 2 * ry + 1, 1]);
  const wx = kx.cast(x.dtype).reshape([1, 1, 1, 2 * rx + 1]).expand([C, 1, 1, 2 * rx + 1]);
  return conv2d(conv2d(xp, wy, null, { groups: C }), wx, null, { groups: C });
}

/**
 * Filter every channel of x [N, C, H, W] with the Gaussian kernel `kind` of scale σ
 * ('gaussian' smoothing, 'dx', 'dy', 'dxx', 'dyy', 'dxy', or 'laplacian' = ∂xx + ∂yy), separably.
 * σ may be a one-element tensor; the result is then differentiable in σ.
 *
 * @returns [N, C, H, W]
 * @throws ShapeError for an input that is not 4-D; ValueError for a bad kind, σ, radius or padding
 */
export function gaussianFilter2d(x: Tensor, sigma: Tensor | number, kind: GaussianKind = 'gaussian', opts: GaussianFilterOptions = {}): Tensor {
  if (!GAUSSIAN_KINDS.includes(kind)) throw new ValueError(`gaussianFilter2d: kind must be one of ${GAUSSIAN_KINDS.join(', ')}, got ${String(kind)}`);
  if (x.ndim !== 4) throw new ShapeError(`gaussianFilter2d: input must be [N, C, H, W], got ${fmtShape(x.shape)}`);
  const dtype = x.dtype as FloatDType;
  const k = (o: 0 | 1 | 2) => gaussianKernel1d(sigma, o, opts.radius, { dtype });
  let y: Tensor | null = null;
  for (const [oy, ox] of separableOrders(kind)) {
    const term = separableFilter2d('gaussianFilter2d', x, k(oy), k(ox), opts.padding);
    y = y === null ? term : add(y, term);
  }
  return y!;
}

/** Options of the {@link GaussianFilter2d} module. */
export interface GaussianFilter2dOptions extends GaussianFilterOptions {
  /** Initial σ in pixels (default 1). */
  sigma?: number;
  /** Learn σ (stored as log σ, so it stays positive; default false). */
  learnable?: boolean;
  /** Element type (default float32). */
  dtype?: FloatDType;
}

/**
 * A Gaussian (derivative) filter layer: y = G_σ^{kind} ⋆ x per channel, x [N, C, H, W].
 * The kernel is rebuilt from σ = exp(log σ) at every call by differentiable ops, so with
 * `learnable: true` the scale is trained with the rest of the network (the only parameter).
 * The kernel radius is fixed at construction (default ⌈4σ₀⌉); a σ that grows far beyond σ₀ is
 * truncated by it.
 *
 * @example
 * ```ts
 * const log = new GaussianFilter2d('laplacian', { sigma: 2, learnable: true, dtype: 'float64' });
 * log.call(img); // [N, C, H, W]
 * ```
 */
export class GaussianFilter2d extends Module {
  /** Which kernel. */
  readonly kind: GaussianKind;
  /** Kernel half-width. */
  readonly radius: number;
  /** Border extension. */
  readonly padding: FilterPadding;
  /** Whether σ is a parameter. */
  readonly learnable: boolean;

  constructor(kind: GaussianKind = 'gaussian', opts: GaussianFilter2dOptions = {}) {
    super();
    if (!GAUSSIAN_KINDS.includes(kind)) throw new ValueError(`GaussianFilter2d: kind must be one of ${GAUSSIAN_KINDS.join(', ')}, got ${String(kind)}`);
    const s = opts.sigma ?? 1;
    if (!(s > 0) || !Number.isFinite(s)) throw new ValueError(`GaussianFilter2d: sigma must be a positive finite number, got ${s}`);
    const padding = opts.padding ?? 'replicate';
    if (!PADDINGS.includes(padding)) throw new ValueError(`GaussianFilter2d: padding must be one of ${PADDINGS.join(', ')}, got ${String(padding)}`);
    this.kind = kind;
    this.padding = padding;
    this.radius = opts.radius ?? defaultRadius(s);
    if (!Number.isInteger(this.radius) || this.radius < 1) throw new ValueError(`GaussianFilter2d: radius must be an integer ≥ 1, got ${this.radius}`);
    this.learnable = opts.learnable ?? false;
    const ls = log(tensor([s], { dtype: floatDType('GaussianFilter2d', opts.dtype) }));
    if (this.learnable) this.registerParameter('logSigma', new Parameter(ls));
    else this.registerBuffer('logSigma', ls);
  }

  /** log σ, [1] (a parameter when learnable). */
  get logSigma(): Tensor {
    return this.learnable ? this.getParameter('logSigma') : this.getBuffer('logSigma');
  }

  /** σ = exp(log σ), [1]. */
  get sigma(): Tensor {
    return exp(this.logSigma);
  }

  /** x [N, C, H, W] → [N, C, H, W]. */
  forward(x: Tensor): Tensor {
    if (x.ndim !== 4) throw new ShapeError(`GaussianFilter2d: input must be [N, C, H, W], got ${fmtShape(x.shape)}`);
    return gaussianFilter2d(x, this.sigma, this.kind, { radius: this.radius, padding: this.padding });
  }
}
