/** Composition and inverse of rotation matrices (row-major 3×3, validated). @module */
import type { Mat3Like } from './check.js';
import { checkRotation, mul3 } from './check.js';

/**
 * The product A·B ("first B, then A") of two rotation matrices.
 * @throws ShapeError / ValueError unless both are rotations (tolerance `tol`).
 */
export function composeRotations(A: Mat3Like, B: Mat3Like, tol?: number): Float64Array {
  checkRotation('composeRotations', A, tol);
  checkRotation('composeRotations', B, tol);
  return mul3(A, B);
}

/**
 * The inverse Rᵀ of a rotation matrix.
 * @throws ShapeError / ValueError unless a rotation (tolerance `tol`).
 */
export function inverseRotation(R: Mat3Like, tol?: number): Float64Array {
  checkRotation('inverseRotation', R, tol);
  return Float64Array.of(R[0]!, R[3]!, R[6]!, R[1]!, R[4]!, R[7]!, R[2]!, R[5]!, R[8]!);
}
