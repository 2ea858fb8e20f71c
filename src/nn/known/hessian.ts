/**
 * The scale-normalised image Hessian and the closed-form eigenvalues of symmetric 2×2 matrices,
 * sorted by magnitude — the ingredients of Hessian-based line/vessel filters (Frangi et al. 1998).
 * @module
 */
import { add, div, mul, sqrt, square, sub, where, ge } from '../../tensor/index.js';
import type { Tensor } from '../../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import { gaussianKernel1d } from './gaussian-kernels.js';
import { separableFilter2d } from './gaussian-filter.js';
import type { FilterPadding } from './gaussian-filter.js';

/** The three distinct entries of a field of symmetric 2×2 matrices [[xx, xy], [xy, yy]]. */
export interface Hessian2d {
  /** ∂²/∂x² (x = columns). */
  xx: Tensor;
  /** ∂²/∂x∂y. */
  xy: Tensor;
  /** ∂²/∂y² (y = rows). */
  yy: Tensor;
}

/**
 * The scale-normalised Hessian of x [N, C, H, W] at scale σ (Lindeberg's γ = 2 normalisation,
 * as in Frangi et al. 1998): H_σ = σ² · [[G_xx, G_xy], [G_xy, G_yy]] ⋆ x, with the
 * moment-normalised Gaussian derivative kernels (separable passes, border extended by `padding`).
 * The σ² factor makes responses of structures of width ∝ σ comparable across scales.
 * Differentiable in x and in σ (when σ is a one-element tensor).
 *
 * @param radius kernel half-width (default ⌈4σ⌉)
 * @throws ShapeError for an input that is not [N, C, H, W]
 */
export function hessian2d(x: Tensor, sigma: Tensor | number, opts: { radius?: number; padding?: FilterPadding } = {}): Hessian2d {
  if (x.ndim !== 4) throw new ShapeError(`hessian2d: input must be [N, C, H, W], got ${fmtShape(x.shape)}`);
  const dtype = x.dtype as 'float32' | 'float64';
  const k = (o: 0 | 1 | 2) => gaussianKernel1d(sigma, o, opts.radius, { dtype });
  const k0 = k(0), k1 = k(1), k2 = k(2);
  const s2 = typeof sigma === 'number' ? sigma * sigma : square(sigma.reshape([])).cast(dtype);
  const f = (ky: Tensor, kx: Tensor) => mul(separableFilter2d('hessian2d', x, ky, kx, opts.padding), s2);
  return { xx: f(k0, k2), xy: f(k1, k1), yy: f(k2, k0) };
}

/**
 * Eigenvalues of the symmetric 2×2 matrices [[a, b], [b, d]] (elementwise over tensors of one
 * shape), in closed form and sorted by magnitude, |λ₁| ≤ |λ₂|:
 *
 *   m = (a + d)/2,  r = √(((a − d)/2)² + b² + ε),  λ₂ = m + sgn(m)·r,  λ₁ = m − sgn(m)·r
 *
 * (sgn(0) = +1). The ε > 0 keeps the gradient finite where the eigenvalues coincide (a = d,
 * b = 0: r = 0 and ∂r/∂(a, b, d) would be unbounded); it shifts the eigenvalues by at most √ε.
 * The sort is piecewise: at m = 0 the two eigenvalues have equal magnitude and swap, so the
 * result is continuous there but its gradient jumps.
 *
 * @returns [λ₁, λ₂], each of the inputs' shape
 * @throws ValueError for ε < 0; ShapeError for inputs of different shapes
 */
export function symmetricEigenvalues2x2(a: Tensor, b: Tensor, d: Tensor, eps = 1e-10): [Tensor, Tensor] {
  if (!(eps >= 0)) throw new ValueError(`symmetricEigenvalues2x2: eps must be ≥ 0, got ${eps}`);
  if (a.shape.join() !== b.shape.join() || a.shape.join() !== d.shape.join()) {
    throw new ShapeError(`symmetricEigenvalues2x2: entries ${fmtShape(a.shape)}, ${fmtShape(b.shape)}, ${fmtShape(d.shape)} must have one shape`);
  }
  const m = mul(add(a, d), 0.5);
  const h = mul(sub(a, d), 0.5);
  const r = sqrt(add(add(square(h), square(b)), eps));
  const sr = where(ge(m, 0), r, mul(r, -1));
  return [sub(m, sr), add(m, sr)];
}

/** λ₁² / (λ₂² + ε): Frangi's squared blobness ratio R_B², safe at λ₂ = 0. */
export function blobnessSquared(l1: Tensor, l2: Tensor, eps = 1e-10): Tensor {
  return div(square(l1), add(square(l2), eps));
}
