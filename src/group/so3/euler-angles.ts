/**
 * Euler angles in e3nn's y-up convention: R(α, β, γ) = R_y(α) · R_x(β) · R_y(γ), α, γ ∈ (−π, π],
 * β ∈ [0, π]. y is the polar axis of erlangen's spherical harmonics, so R(α, β, 0)·ŷ is the unit
 * vector with polar angle β (from +y) and azimuth α (from +z towards +x).
 * @module
 */
import { ValueError } from '../../util/index.js';
import type { Mat3Like, Quaternion } from './check.js';
import { matrixToQuaternion } from './quaternion.js';
import { mul3 } from './check.js';

/** The right-handed rotation by `a` about the x axis, row-major 3×3. */
export function rotationX(a: number): Float64Array {
  const c = Math.cos(a);
  const s = Math.sin(a);
  return Float64Array.of(1, 0, 0, 0, c, -s, 0, s, c);
}

/** The right-handed rotation by `a` about the y axis, row-major 3×3. */
export function rotationY(a: number): Float64Array {
  const c = Math.cos(a);
  const s = Math.sin(a);
  return Float64Array.of(c, 0, s, 0, 1, 0, -s, 0, c);
}

/** The right-handed rotation by `a` about the z axis, row-major 3×3. */
export function rotationZ(a: number): Float64Array {
  const c = Math.cos(a);
  const s = Math.sin(a);
  return Float64Array.of(c, -s, 0, s, c, 0, 0, 0, 1);
}

/**
 * R_y(α)·R_x(β)·R_y(γ) (e3nn's `angles_to_matrix`), row-major 3×3.
 * @throws ValueError if an angle is not finite.
 */
export function anglesToMatrix(alpha: number, beta: number, gamma: number): Float64Array {
  if (![alpha, beta, gamma].every(Number.isFinite)) throw new ValueError(`anglesToMatrix: angles must be finite, got (${alpha}, ${beta}, ${gamma})`);
  return mul3(mul3(rotationY(alpha), rotationX(beta)), rotationY(gamma));
}

function wrap(a: number): number {
  // into (−π, π]
  let r = a % (2 * Math.PI);
  if (r <= -Math.PI) r += 2 * Math.PI;
  else if (r > Math.PI) r -= 2 * Math.PI;
  return r;
}

/**
 * Euler angles [α, β, γ] (α, γ ∈ (−π, π], β ∈ [0, π]) of a unit quaternion, inverse of
 * {@link anglesToMatrix}. From q = q_y(α) q_x(β) q_y(γ) = (cos(β/2) cos σ, sin(β/2) cos δ,
 * cos(β/2) sin σ, −sin(β/2) sin δ) with σ = (α+γ)/2, δ = (α−γ)/2. At gimbal lock (β = 0 or π,
 * where only α ± γ is defined) γ = 0 is returned.
 */
export function quaternionToAngles(q: Quaternion | readonly number[]): [number, number, number] {
  const n = Math.hypot(q[0]!, q[1]!, q[2]!, q[3]!);
  if (!(n > 0) || !Number.isFinite(n)) throw new ValueError('quaternionToAngles: quaternion must be finite and non-zero');
  const [w, x, y, z] = [q[0]! / n, q[1]! / n, q[2]! / n, q[3]! / n];
  const cb = Math.hypot(w, y);
  const sb = Math.hypot(x, z);
  const beta = 2 * Math.atan2(sb, cb);
  const GIMBAL = 1e-14;
  let sigma = Math.atan2(y, w);
  let delta = Math.atan2(-z, x);
  if (sb < GIMBAL) delta = sigma; // β = 0: R = R_y(α + γ)
  else if (cb < GIMBAL) sigma = delta; // β = π: R = R_y(α − γ) R_x(π)
  return [wrap(sigma + delta), beta, wrap(sigma - delta)];
}

/**
 * Euler angles [α, β, γ] with R = R_y(α)·R_x(β)·R_y(γ) (e3nn's `matrix_to_angles`), via the
 * quaternion; gimbal lock (β = 0 or π) returns γ = 0.
 * @throws ShapeError unless 9 entries; ValueError unless a rotation (tolerance `tol`).
 */
export function matrixToAngles(R: Mat3Like, tol?: number): [number, number, number] {
  return quaternionToAngles(matrixToQuaternion(R, tol));
}

/** The unit quaternion (w ≥ 0) of R_y(α)·R_x(β)·R_y(γ). */
export function anglesToQuaternion(alpha: number, beta: number, gamma: number): [number, number, number, number] {
  if (![alpha, beta, gamma].every(Number.isFinite)) throw new ValueError(`anglesToQuaternion: angles must be finite, got (${alpha}, ${beta}, ${gamma})`);
  const cb = Math.cos(beta / 2);
  const sb = Math.sin(beta / 2);
  const s = (alpha + gamma) / 2;
  const d = (alpha - gamma) / 2;
  const q: [number, number, number, number] = [cb * Math.cos(s), sb * Math.cos(d), cb * Math.sin(s), -sb * Math.sin(d)];
  return q[0] < 0 ? [-q[0], -q[1], -q[2], -q[3]] : q;
}
