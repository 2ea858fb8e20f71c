/**
 * Axis–angle form of rotations: R = exp(θ [n]×) for a unit axis n and angle θ. Returned angles lie
 * in [0, π]; conversions go through the quaternion, which keeps them accurate near 0 and near π.
 * @module
 */
import { axisAngle } from '../matrices.js';
import type { AxisAngle, Mat3Like, Quaternion } from './check.js';
import { checkAxisAngle, checkQuaternion } from './check.js';
import { matrixToQuaternion } from './quaternion.js';

/**
 * The rotation matrix by `angle` (radians, right-handed) about `axis` (normalised first);
 * Rodrigues' formula via src/group's `axisAngle`.
 * @throws ShapeError unless a 3-vector; ValueError if the axis is zero or not finite.
 */
export function axisAngleToMatrix(axis: readonly number[], angle: number): Float64Array {
  const n = checkAxisAngle('axisAngleToMatrix', axis, angle);
  return axisAngle(n, angle);
}

/** The unit quaternion (w ≥ 0) of the rotation by `angle` about `axis`. */
export function axisAngleToQuaternion(axis: readonly number[], angle: number): [number, number, number, number] {
  const [x, y, z] = checkAxisAngle('axisAngleToQuaternion', axis, angle);
  const s = Math.sin(angle / 2);
  const w = Math.cos(angle / 2);
  return w < 0 ? [-w, -s * x, -s * y, -s * z] : [w, s * x, s * y, s * z];
}

/**
 * Axis and angle θ ∈ [0, π] of a quaternion: θ = 2·atan2(‖(x, y, z)‖, |w|). At θ = 0 the axis is
 * arbitrary and (0, 1, 0) (e3nn's polar axis) is returned; at θ = π the axis is fixed up to sign
 * and the one from the quaternion with w ≥ 0 is returned.
 */
export function quaternionToAxisAngle(q: Quaternion | readonly number[]): AxisAngle {
  const n = checkQuaternion('quaternionToAxisAngle', q);
  const sign = q[0]! < 0 ? -1 / n : 1 / n;
  const w = q[0]! * sign;
  const x = q[1]! * sign;
  const y = q[2]! * sign;
  const z = q[3]! * sign;
  const s = Math.hypot(x, y, z);
  if (s === 0) return { axis: [0, 1, 0], angle: 0 };
  return { axis: [x / s, y / s, z / s], angle: 2 * Math.atan2(s, w) };
}

/**
 * Axis and angle θ ∈ [0, π] of a rotation matrix (via {@link matrixToQuaternion}; identity → axis
 * (0, 1, 0), angle 0).
 * @throws ShapeError unless 9 entries; ValueError unless a rotation (tolerance `tol`).
 */
export function matrixToAxisAngle(R: Mat3Like, tol?: number): AxisAngle {
  return quaternionToAxisAngle(matrixToQuaternion(R, tol));
}
