/**
 * Gaussian filter kernels built from σ by differentiable ops, so that σ (a tensor) gets a
 * gradient: the sampled Gaussian and its first and second derivatives (1-D), and the separable
 * 2-D kernels (Gaussian, ∂x, ∂y, ∂xx, ∂yy, ∂xy, Laplacian of Gaussian) as conv2d weights.
 *
 * The 1-D kernels are *moment-normalised* samples of the Gaussian on the integer taps
 * t = −r … r (g(t) = exp(−t²/2σ²)):
 *
 *   k₀ = g / Σg                                   Σ k₀ = 1
 *   k₁ = t·k₀ / Σ t²k₀                            Σ k₁ = 0, Σ t·k₁ = 1
 *   k₂ = 2u / Σ t²u,  u = t²k₀ − (Σ t²k₀)·k₀       Σ k₂ = 0, Σ t·k₂ = 0, Σ t²·k₂ = 2
 *
 * so that cross-correlation (conv2d) with k₁ / k₂ differentiates polynomials of degree ≤ 1 / ≤ 2
 * exactly, at any σ and truncation radius. For σ ≫ 1 they tend to the sampled continuous
 * derivatives (t/σ²)·G and ((t² − σ²)/σ⁴)·G. Axis convention: x is the last axis (columns, left to
 * right), y the one before (rows, top to bottom); the kernels give +∂/∂x, +∂/∂y under conv2d.
 * @module
 */
import { arange, div, exp, mul, outer, sub, tensor, add, square } from '../../tensor/index.js';
import type { Tensor } from '../../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import type { FloatDType } from '../parameter.js';

/** Derivative order of a 1-D Gaussian kernel. */
export type GaussianOrder = 0 | 1 | 2;

/** Which 2-D Gaussian kernel: smoothing, a first or second partial derivative, or the Laplacian of Gaussian. */
export type GaussianKind = 'gaussian' | 'dx' | 'dy' | 'dxx' | 'dyy' | 'dxy' | 'laplacian';

/** The kinds, for validation and docs. */
export const GAUSSIAN_KINDS: readonly GaussianKind[] = ['gaussian', 'dx', 'dy', 'dxx', 'dyy', 'dxy', 'laplacian'];

/** Default truncation radius ⌈4σ⌉ (at least 1). */
export function defaultRadius(sigma: number): number {
  return Math.max(1, Math.ceil(4 * sigma));
}

function sigmaTensor(op: string, sigma: Tensor | number, dtype: FloatDType | undefined): Tensor {
  if (typeof sigma === 'number') {
    if (!(sigma > 0) || !Number.isFinite(sigma)) throw new ValueError(`${op}: sigma must be a positive finite number, got ${sigma}`);
    return tensor(sigma, { dtype: dtype ?? 'float64' });
  }
  if (sigma.size !== 1) throw new ShapeError(`${op}: sigma must be a scalar tensor (one element), got ${fmtShape(sigma.shape)}`);
  if (sigma.dtype === 'int32') throw new ValueError(`${op}: sigma must be a float tensor, got int32`);
  const v = sigma.toFlatArray()[0]!;
  if (!(v > 0)) throw new ValueError(`${op}: sigma must be positive, got ${v}`);
  return sigma.reshape([]);
}

function checkRadius(op: string, radius: number): number {
  if (!Number.isInteger(radius) || radius < 1) throw new ValueError(`${op}: radius must be an integer ≥ 1, got ${radius}`);
  return radius;
}

/**
 * The moment-normalised 1-D Gaussian kernel of derivative order 0, 1 or 2 on the taps −r … r
 * (see the module comment for the formulas and moments).
 *
 * @param sigma standard deviation in pixels: a number, or a one-element float tensor (then the
 *   kernel is differentiable in σ and has σ's dtype)
 * @param order 0 (smoothing), 1 (first derivative), 2 (second derivative)
 * @param radius half-width r (default ⌈4σ⌉)
 * @returns [2r + 1]
 * @throws ValueError for σ ≤ 0, a bad order or radius; ShapeError for a non-scalar σ
 */
export function gaussianKernel1d(sigma: Tensor | number, order: GaussianOrder = 0, radius?: number, opts: { dtype?: FloatDType } = {}): Tensor {
  const op = 'gaussianKernel1d';
  if (order !== 0 && order !== 1 && order !== 2) throw new ValueError(`${op}: order must be 0, 1 or 2, got ${String(order)}`);
  const s = sigmaTensor(op, sigma, opts.dtype);
  const r = checkRadius(op, radius ?? defaultRadius(s.toFlatArray()[0]!));
  const dtype = s.dtype as FloatDType;
  const t = arange(-r, r + 1, 1, { dtype });
  const t2 = square(t);
  const g = exp(div(t2, mul(square(s), -2)));
  const k0 = div(g, g.sum());
  if (order === 0) return k0;
  const m2 = mul(t2, k0).sum();
  if (order === 1) return div(mul(t, k0), m2);
  const u = sub(mul(t2, k0), mul(k0, m2));
  return div(mul(u, 2), mul(t2, u).sum());
}

/**
 * A separable 2-D Gaussian kernel k[a, b] = k_y[a]·k_x[b] (rows y, columns x), as a conv2d weight
 * of shape [1, 1, 2r+1, 2r+1]: 'gaussian' (k₀⊗k₀), 'dx' (k₀⊗k₁), 'dy' (k₁⊗k₀), 'dxx' (k₀⊗k₂),
 * 'dyy' (k₂⊗k₀), 'dxy' (k₁⊗k₁), 'laplacian' (dxx + dyy, the Laplacian of Gaussian). Under
 * conv2d (cross-correlation) they give +∂/∂x etc. of the smoothed image. Differentiable in σ.
 *
 * @param sigma σ in pixels (a number or a one-element float tensor)
 * @param radius half-width (default ⌈4σ⌉)
 * @returns [1, 1, 2r+1, 2r+1]
 * @throws ValueError for an unknown kind, σ ≤ 0 or a bad radius
 *
 * @example
 * ```ts
 * const w = gaussianKernel2d(1.5, 'laplacian');   // [1, 1, 13, 13]
 * conv2d(img, w, null, { padding: 6 });           // LoG response of img [N, 1, H, W]
 * ```
 */
export function gaussianKernel2d(sigma: Tensor | number, kind: GaussianKind = 'gaussian', radius?: number, opts: { dtype?: FloatDType } = {}): Tensor {
  if (!GAUSSIAN_KINDS.includes(kind)) throw new ValueError(`gaussianKernel2d: kind must be one of ${GAUSSIAN_KINDS.join(', ')}, got ${String(kind)}`);
  const k = (o: GaussianOrder) => gaussianKernel1d(sigma, o, radius, opts);
  let w: Tensor;
  switch (kind) {
    case 'gaussian': w = outer(k(0), k(0)); break;
    case 'dx': w = outer(k(0), k(1)); break;
    case 'dy': w = outer(k(1), k(0)); break;
    case 'dxx': w = outer(k(0), k(2)); break;
    case 'dyy': w = outer(k(2), k(0)); break;
    case 'dxy': w = outer(k(1), k(1)); break;
    default: {
      const g = k(0), d2 = k(2);
      w = add(outer(g, d2), outer(d2, g));
    }
  }
  return w.reshape([1, 1, w.shape[0]!, w.shape[1]!]);
}

/** The 1-D (y, x) factor orders of a separable kind (the Laplacian is a sum of two). */
export function separableOrders(kind: GaussianKind): [GaussianOrder, GaussianOrder][] {
  switch (kind) {
    case 'gaussian': return [[0, 0]];
    case 'dx': return [[0, 1]];
    case 'dy': return [[1, 0]];
    case 'dxx': return [[0, 2]];
    case 'dyy': return [[2, 0]];
    case 'dxy': return [[1, 1]];
    default: return [[0, 2], [2, 0]];
  }
}
