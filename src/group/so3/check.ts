/**
 * Validation shared by the SO(3) conversions: a rotation matrix is a row-major 3×3 array that is
 * orthogonal with determinant +1 (to a tolerance); a quaternion is four finite numbers, not all zero.
 * @module
 */
import { ShapeError, ValueError } from '../../util/index.js';

/** A row-major 3×3 matrix: a Float64Array or a plain array of nine numbers. */
export type Mat3Like = Float64Array | readonly number[];

/** A quaternion (w, x, y, z), scalar part first. */
export type Quaternion = readonly [number, number, number, number];

/** An axis (any non-zero length; it is normalised) and an angle in radians. */
export interface AxisAngle {
  readonly axis: readonly [number, number, number];
  readonly angle: number;
}

/** Default tolerance of {@link checkRotation}: max |RRᵀ − I| and |det R − 1|. */
export const ROTATION_TOLERANCE = 1e-6;

/**
 * Throw unless `R` is a rotation matrix: nine finite entries (ShapeError on a wrong length,
 * ValueError on non-finite entries), ‖RRᵀ − I‖_max ≤ tol and det R > 0 (ValueError otherwise).
 * @param who the calling function's name, for the message
 */
export function checkRotation(who: string, R: Mat3Like, tol = ROTATION_TOLERANCE): void {
  if (R.length !== 9) throw new ShapeError(`${who}: a rotation matrix has 9 entries (row-major 3×3), got ${R.length}`);
  for (let i = 0; i < 9; i++) if (!Number.isFinite(R[i]!)) throw new ValueError(`${who}: matrix entry ${i} is not finite (${R[i]})`);
  let err = 0;
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += R[3 * i + k]! * R[3 * j + k]!;
      err = Math.max(err, Math.abs(s - (i === j ? 1 : 0)));
    }
  }
  if (err > tol) throw new ValueError(`${who}: matrix is not orthogonal (max |RRᵀ − I| = ${err.toExponential(2)} > ${tol})`);
  if (det3(R) < 0) throw new ValueError(`${who}: matrix has determinant −1 (a reflection, not a rotation)`);
}

/** Throw unless `q` has four finite entries (ShapeError / ValueError) and is non-zero (ValueError); return its norm. */
export function checkQuaternion(who: string, q: readonly number[]): number {
  if (q.length !== 4) throw new ShapeError(`${who}: a quaternion has 4 entries (w, x, y, z), got ${q.length}`);
  for (let i = 0; i < 4; i++) if (!Number.isFinite(q[i]!)) throw new ValueError(`${who}: quaternion entry ${i} is not finite (${q[i]})`);
  const n = Math.hypot(q[0]!, q[1]!, q[2]!, q[3]!);
  if (n === 0) throw new ValueError(`${who}: the zero quaternion is not a rotation`);
  return n;
}

/** Throw unless `axis` is three finite numbers, not all zero, and `angle` is finite; return the unit axis. */
export function checkAxisAngle(who: string, axis: readonly number[], angle: number): [number, number, number] {
  if (axis.length !== 3) throw new ShapeError(`${who}: an axis has 3 entries, got ${axis.length}`);
  if (!axis.every(Number.isFinite) || !Number.isFinite(angle)) throw new ValueError(`${who}: axis and angle must be finite`);
  const n = Math.hypot(axis[0]!, axis[1]!, axis[2]!);
  if (n === 0) throw new ValueError(`${who}: the axis must be non-zero`);
  return [axis[0]! / n, axis[1]! / n, axis[2]! / n];
}

/** The product A·B of two row-major 3×3 matrices (no validation). */
export function mul3(A: Mat3Like, B: Mat3Like): Float64Array {
  const C = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) C[3 * i + j] = A[3 * i]! * B[j]! + A[3 * i + 1]! * B[3 + j]! + A[3 * i + 2]! * B[6 + j]!;
  return C;
}

function det3(R: Mat3Like): number {
  return R[0]! * (R[4]! * R[8]! - R[5]! * R[7]!) - R[1]! * (R[3]! * R[8]! - R[5]! * R[6]!) + R[2]! * (R[3]! * R[7]! - R[4]! * R[6]!);
}
