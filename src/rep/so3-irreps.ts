/**
 * Real Wigner D-matrices of SO(3) and the O(3) irreps (l, p), computed numerically by least
 * squares from the spherical harmonics (conventions and derivation: docs/design/so3-conventions.md):
 * D^l(R) = Y^l(R·P)·Y^l(P)⁺ over a
 * fixed set P of generic unit vectors, which is exact because Y^l(Rx) = D^l(R) Y^l(x).
 * dD^l(A) = [∇Y^l(xₖ)·(A xₖ)]ₖ · Y^l(P)⁺.
 * @module
 */
import type { Group } from '../group/index.js';
import { det, matmul, pinv } from '../linalg/index.js';
import { Rng, ValueError } from '../util/index.js';
import type { Rep } from './rep.js';
import { leafRep } from './rep.js';
import { shWithGradient } from './spherical-harmonics.js';

/** Sample data for the least-squares D^l. */
export interface WignerData {
  readonly l: number;
  readonly points: Float64Array; // K×3
  readonly pinvY: Float64Array; // K×(2l+1)
  readonly K: number;
}

const wignerCache = new Map<number, WignerData>();

/** The (cached) least-squares data for D^l; l is validated by the harmonics. */
export function wignerData(l: number): WignerData {
  const hit = wignerCache.get(l);
  if (hit !== undefined) return hit;
  const data = computeWignerData(l);
  wignerCache.set(l, data);
  return data;
}

function computeWignerData(l: number): WignerData {
  const n = 2 * l + 1;
  const K = 2 * n + 3;
  const rng = new Rng(4242 + l);
  const points = new Float64Array(K * 3);
  const Y = new Float64Array(n * K);
  for (let k = 0; k < K; k++) {
    const v = [rng.normal(), rng.normal(), rng.normal()] as const;
    points.set(v, 3 * k);
    const y = shWithGradient(l, v[0], v[1], v[2], true, false).value;
    for (let i = 0; i < n; i++) Y[i * K + k] = y[i]!;
  }
  for (let k = 0; k < K; k++) {
    const r = Math.hypot(points[3 * k]!, points[3 * k + 1]!, points[3 * k + 2]!);
    for (let a = 0; a < 3; a++) points[3 * k + a] = points[3 * k + a]! / r;
  }
  return { l, points, K, pinvY: pinv(Y, n, K) };
}

/** Real Wigner D^l(R) for a rotation matrix R (3×3), in e3nn's basis (D¹ = R). */
export function wignerD(data: WignerData, R: Float64Array): Float64Array {
  const { l, K, points } = data;
  const n = 2 * l + 1;
  const YR = new Float64Array(n * K);
  for (let k = 0; k < K; k++) {
    const [x, y, z] = [points[3 * k]!, points[3 * k + 1]!, points[3 * k + 2]!];
    const rx = R[0]! * x + R[1]! * y + R[2]! * z;
    const ry = R[3]! * x + R[4]! * y + R[5]! * z;
    const rz = R[6]! * x + R[7]! * y + R[8]! * z;
    const v = shWithGradient(l, rx, ry, rz, true, false).value;
    for (let i = 0; i < n; i++) YR[i * K + k] = v[i]!;
  }
  return matmul(YR, data.pinvY, n, K, n);
}

/** Lie-algebra action dD^l(A) for an antisymmetric 3×3 A. */
export function wignerDrho(data: WignerData, A: Float64Array): Float64Array {
  const { l, K, points } = data;
  const n = 2 * l + 1;
  const G = new Float64Array(n * K);
  for (let k = 0; k < K; k++) {
    const [x, y, z] = [points[3 * k]!, points[3 * k + 1]!, points[3 * k + 2]!];
    const ax = A[0]! * x + A[1]! * y + A[2]! * z;
    const ay = A[3]! * x + A[4]! * y + A[5]! * z;
    const az = A[6]! * x + A[7]! * y + A[8]! * z;
    const g = shWithGradient(l, x, y, z, false, true).grad;
    for (let i = 0; i < n; i++) G[i * K + k] = g[3 * i]! * ax + g[3 * i + 1]! * ay + g[3 * i + 2]! * az;
  }
  return matmul(G, data.pinvY, n, K, n);
}

/** The SO(3) irrep of order l (dimension 2l+1) as a Rep named `ir(l)`. */
export function so3Irrep(group: Group, l: number, name = `ir(${l})`): Rep {
  if (group.d !== 3) throw new ValueError(`so3Irrep: ${group.key} does not act on R³`);
  const data = wignerData(l);
  return leafRep(group, {
    name, size: 2 * l + 1, orthogonal: true,
    rho: (g) => wignerD(data, g),
    drho: (A) => wignerDrho(data, A),
  });
}

/**
 * The O(3) irrep (l, p), p = ±1, printed e3nn-style (`1o`, `2e`):
 * D_{l,p}(R) = p^{(1−d)/2}·D^l(d·R), d = det R.
 */
export function o3Irrep(group: Group, l: number, p: 1 | -1): Rep {
  if (group.d !== 3) throw new ValueError(`o3Irrep: ${group.key} does not act on R³`);
  const data = wignerData(l);
  return leafRep(group, {
    name: `${l}${p === 1 ? 'e' : 'o'}`, size: 2 * l + 1, orthogonal: true,
    rho: (g) => {
      const d = det(g) < 0 ? -1 : 1;
      const D = wignerD(data, d > 0 ? g : g.map((x) => -x));
      return d < 0 && p < 0 ? D.map((x) => -x) : D;
    },
    drho: (A) => wignerDrho(data, A),
  });
}
