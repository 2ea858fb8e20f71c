/**
 * Small constructors for generator matrices: elementary matrices, permutation matrices, planar
 * rotations, axis–angle rotations.
 * @module
 */
import { identity } from '../linalg/index.js';

/** Elementary matrix E_ij (d×d) with a single 1 at (i, j). */
export function elementary(d: number, i: number, j: number): Float64Array {
  const e = new Float64Array(d * d);
  e[i * d + j] = 1;
  return e;
}

/** Permutation matrix P with P e_k = e_{π(k)}, i.e. P[π(k), k] = 1. */
export function permutationMatrix(perm: readonly number[] | Int32Array): Float64Array {
  const d = perm.length;
  const p = new Float64Array(d * d);
  for (let k = 0; k < d; k++) p[perm[k]! * d + k] = 1;
  return p;
}

/** Planar rotation R(θ) = [[cos θ, −sin θ], [sin θ, cos θ]]. */
export function rotation2(theta: number): Float64Array {
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  return Float64Array.of(c, -s, s, c);
}

/** Diagonal matrix diag(v). */
export function diag(v: readonly number[]): Float64Array {
  const d = v.length;
  const m = new Float64Array(d * d);
  v.forEach((x, i) => (m[i * d + i] = x));
  return m;
}

/** Rotation of R³ by angle θ about the unit axis u (Rodrigues' formula R = I + sin θ K + (1 − cos θ) K²). */
export function axisAngle(axis: readonly [number, number, number], theta: number): Float64Array {
  const n = Math.hypot(axis[0], axis[1], axis[2]);
  const [x, y, z] = [axis[0] / n, axis[1] / n, axis[2] / n];
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  const t = 1 - c;
  return Float64Array.of(
    c + x * x * t, x * y * t - z * s, x * z * t + y * s,
    y * x * t + z * s, c + y * y * t, y * z * t - x * s,
    z * x * t - y * s, z * y * t + x * s, c + z * z * t,
  );
}

/** −I (d×d). */
export function negIdentity(d: number): Float64Array {
  const m = identity(d);
  for (let i = 0; i < m.length; i++) m[i] = -m[i]!;
  return m;
}

/** Basis of so(d): E_ij − E_ji for i > j (d(d−1)/2 matrices). */
export function soBasis(d: number): Float64Array[] {
  const out: Float64Array[] = [];
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      const a = new Float64Array(d * d);
      a[i * d + j] = 1;
      a[j * d + i] = -1;
      out.push(a);
    }
  }
  return out;
}
