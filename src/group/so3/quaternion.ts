/**
 * Unit quaternions q = (w, x, y, z) for rotations of R³: conversions to and from rotation matrices,
 * composition, inverse and Haar sampling. q and −q are the same rotation; functions that return a
 * quaternion return the canonical sign w ≥ 0 (conventions: docs/design/so3-conventions.md).
 * @module
 */
import type { Rng } from '../../util/index.js';
import type { Mat3Like, Quaternion } from './check.js';
import { checkQuaternion, checkRotation } from './check.js';

function canonical(w: number, x: number, y: number, z: number): [number, number, number, number] {
  const n = Math.hypot(w, x, y, z);
  const s = w < 0 ? -1 / n : 1 / n;
  return [w * s, x * s, y * s, z * s];
}

/**
 * The rotation matrix (row-major 3×3) of a quaternion; it is normalised first. The standard
 * right-handed map: (cos θ/2, sin θ/2 · n) is the rotation by θ about the unit axis n.
 * @throws ShapeError unless four entries; ValueError if zero or not finite.
 */
export function quaternionToMatrix(q: Quaternion | readonly number[]): Float64Array {
  const n = checkQuaternion('quaternionToMatrix', q);
  const w = q[0]! / n;
  const x = q[1]! / n;
  const y = q[2]! / n;
  const z = q[3]! / n;
  return Float64Array.of(
    1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
    2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
    2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y),
  );
}

/**
 * The unit quaternion (w ≥ 0) of a rotation matrix, by Shepperd's method (the largest of the four
 * diagonal combinations is used as pivot, so it is accurate for every angle, including near π).
 * @throws ShapeError unless 9 entries; ValueError unless orthogonal (tolerance `tol`) with det +1.
 */
export function matrixToQuaternion(R: Mat3Like, tol?: number): [number, number, number, number] {
  checkRotation('matrixToQuaternion', R, tol);
  const [m00, m01, m02, m10, m11, m12, m20, m21, m22] = [R[0]!, R[1]!, R[2]!, R[3]!, R[4]!, R[5]!, R[6]!, R[7]!, R[8]!];
  const tr = m00 + m11 + m22;
  let w: number, x: number, y: number, z: number;
  if (tr >= m00 && tr >= m11 && tr >= m22) {
    const s = 2 * Math.sqrt(Math.max(1 + tr, 0));
    w = s / 4; x = (m21 - m12) / s; y = (m02 - m20) / s; z = (m10 - m01) / s;
  } else if (m00 >= m11 && m00 >= m22) {
    const s = 2 * Math.sqrt(Math.max(1 + m00 - m11 - m22, 0));
    w = (m21 - m12) / s; x = s / 4; y = (m01 + m10) / s; z = (m02 + m20) / s;
  } else if (m11 >= m22) {
    const s = 2 * Math.sqrt(Math.max(1 + m11 - m00 - m22, 0));
    w = (m02 - m20) / s; x = (m01 + m10) / s; y = s / 4; z = (m12 + m21) / s;
  } else {
    const s = 2 * Math.sqrt(Math.max(1 + m22 - m00 - m11, 0));
    w = (m10 - m01) / s; x = (m02 + m20) / s; y = (m12 + m21) / s; z = s / 4;
  }
  return canonical(w, x, y, z);
}

/**
 * Hamilton product a·b: the rotation "first b, then a" (quaternionToMatrix(a·b) = R(a)·R(b)).
 * Returned normalised, with w ≥ 0.
 */
export function composeQuaternions(a: Quaternion | readonly number[], b: Quaternion | readonly number[]): [number, number, number, number] {
  checkQuaternion('composeQuaternions', a);
  checkQuaternion('composeQuaternions', b);
  const [aw, ax, ay, az] = [a[0]!, a[1]!, a[2]!, a[3]!];
  const [bw, bx, by, bz] = [b[0]!, b[1]!, b[2]!, b[3]!];
  return canonical(
    aw * bw - ax * bx - ay * by - az * bz,
    aw * bx + ax * bw + ay * bz - az * by,
    aw * by - ax * bz + ay * bw + az * bx,
    aw * bz + ax * by - ay * bx + az * bw,
  );
}

/** The inverse rotation: the normalised conjugate (w, −x, −y, −z), with w ≥ 0. */
export function inverseQuaternion(q: Quaternion | readonly number[]): [number, number, number, number] {
  checkQuaternion('inverseQuaternion', q);
  return canonical(q[0]!, -q[1]!, -q[2]!, -q[3]!);
}

/**
 * A Haar-random unit quaternion (w ≥ 0): four standard normals from `rng`, normalised. Its matrix
 * is Haar-distributed on SO(3) (the rotation angle θ has density (1 − cos θ)/π on [0, π]). For a
 * matrix directly, `haarOrthogonal(rng, 3, true)` (or `randomRotation` in mesh) samples the same law.
 */
export function randomQuaternion(rng: Rng): [number, number, number, number] {
  for (;;) {
    const w = rng.normal();
    const x = rng.normal();
    const y = rng.normal();
    const z = rng.normal();
    if (Math.hypot(w, x, y, z) > 1e-12) return canonical(w, x, y, z);
  }
}
