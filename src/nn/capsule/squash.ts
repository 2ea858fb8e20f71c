/**
 * The squash nonlinearity of capsule networks (Sabour, Frosst & Hinton, "Dynamic Routing Between
 * Capsules", NeurIPS 2017, eq. 1).
 * @module
 */
import type { Tensor } from '../../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../../util/errors.js';

/** Options of {@link squash}. */
export interface SquashOptions {
  /** The capsule (vector) axis (default −1, the last). */
  axis?: number;
  /**
   * Added to ‖s‖² under the square root, so that the gradient at s = 0 is finite (default 1e-12).
   * With ε = 0 the formula is the paper's exactly (and its gradient at s = 0 is NaN).
   */
  eps?: number;
}

/**
 * Squash each capsule vector to a length in [0, 1) without changing its direction:
 *
 *   v = ‖s‖² / (1 + ‖s‖²) · s / ‖s‖  (Sabour et al. 2017, eq. 1),
 *
 * computed as v = s · √(‖s‖² + ε) / (1 + ‖s‖²). The length ‖v‖ = ‖s‖√(‖s‖² + ε) / (1 + ‖s‖²) is
 * increasing in ‖s‖ and below 1 (for ε < 2): short vectors shrink to almost zero, long ones to just
 * below unit length, so the length of a capsule's output reads as the probability that its entity
 * is present.
 * @param s capsule vectors along `axis` (any leading/trailing shape), float32 or float64
 * @throws ShapeError for a 0-d input or an axis out of range; ValueError for a negative or non-finite ε
 *
 * @example
 * ```ts
 * squash(tensor([[3, 4]])).toArray(); // [[0.576…, 0.768…]]: length 25/26, direction (0.6, 0.8)
 * ```
 */
export function squash(s: Tensor, opts: SquashOptions = {}): Tensor {
  const eps = opts.eps ?? 1e-12;
  if (!(eps >= 0) || !Number.isFinite(eps)) throw new ValueError(`squash: eps must be a finite number ≥ 0, got ${eps}`);
  const axis = opts.axis ?? -1;
  if (s.ndim === 0) throw new ShapeError(`squash: input must have a capsule axis, got shape ${fmtShape(s.shape)}`);
  if (!Number.isInteger(axis) || axis < -s.ndim || axis >= s.ndim) {
    throw new ShapeError(`squash: axis ${axis} out of range for input ${fmtShape(s.shape)}`);
  }
  const a = axis < 0 ? axis + s.ndim : axis;
  const n2 = s.square().sum([a], true);
  return s.mul(n2.add(eps).sqrt().div(n2.add(1)));
}
