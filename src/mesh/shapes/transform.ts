/**
 * Rigid and smooth transformations of meshes: Haar-random rotations, affine maps, and seeded
 * random smooth deformations (radial bumps, a smooth displacement field, an anisotropic scale and
 * a rotation). See docs/design/mesh-data.md.
 * @module
 */
import { haarOrthogonal } from '../../group/index.js';
import { Rng, ValueError } from '../../util/index.js';
import { checkMeshData } from '../types.js';
import type { MeshData } from '../types.js';
import { checkInt } from './primitives.js';

/**
 * A Haar-random rotation in SO(3), row-major 3×3 — src/group's `haarOrthogonal(rng, 3, true)`
 * (Gram–Schmidt on a Gaussian matrix, the first column flipped when det < 0).
 */
export function randomRotation(rng: Rng): Float64Array {
  return haarOrthogonal(rng, 3, true);
}

function checkMatrix(op: string, A: ArrayLike<number>): void {
  if (!A || A.length !== 9) throw new ValueError(`${op}: expected a row-major 3×3 matrix (9 numbers), got ${A ? A.length : String(A)}`);
  for (let i = 0; i < 9; i++) if (!Number.isFinite(A[i]!)) throw new ValueError(`${op}: matrix entry ${i} is not finite`);
}

function det3(A: ArrayLike<number>): number {
  return A[0]! * (A[4]! * A[8]! - A[5]! * A[7]!) - A[1]! * (A[3]! * A[8]! - A[5]! * A[6]!) + A[2]! * (A[3]! * A[7]! - A[4]! * A[6]!);
}

/**
 * The mesh mapped by p ↦ A·p + t (A row-major 3×3, t default 0). Normals, if present, are mapped
 * by the inverse transpose and renormalised; colours are copied. When det A < 0 the faces are
 * reversed (b ↔ c), so that they stay counter-clockwise seen from outside.
 * @throws ValueError for a malformed or singular A or t; errors of checkMeshData
 */
export function transformMesh(mesh: MeshData, A: ArrayLike<number>, t: ArrayLike<number> = [0, 0, 0]): MeshData {
  const op = 'transformMesh';
  checkMeshData(mesh, op);
  checkMatrix(op, A);
  if (!t || t.length !== 3 || !Number.isFinite(t[0]!) || !Number.isFinite(t[1]!) || !Number.isFinite(t[2]!)) throw new ValueError(`${op}: translation must be three finite numbers`);
  const d = det3(A);
  if (!(Math.abs(d) > 1e-300)) throw new ValueError(`${op}: the matrix is singular (det = ${d})`);
  const P = mesh.positions, out = new Float64Array(P.length);
  for (let i = 0; i < P.length; i += 3) {
    const x = P[i]!, y = P[i + 1]!, z = P[i + 2]!;
    for (let r = 0; r < 3; r++) out[i + r] = A[3 * r]! * x + A[3 * r + 1]! * y + A[3 * r + 2]! * z + t[r]!;
  }
  const faces = mesh.faces.slice();
  if (d < 0) for (let f = 0; f < faces.length; f += 3) { const b = faces[f + 1]!; faces[f + 1] = faces[f + 2]!; faces[f + 2] = b; }
  const res: MeshData = { positions: out, faces };
  if (mesh.normals) {
    // cofactor matrix = det · A^{-T}
    const C = [
      A[4]! * A[8]! - A[5]! * A[7]!, A[5]! * A[6]! - A[3]! * A[8]!, A[3]! * A[7]! - A[4]! * A[6]!,
      A[2]! * A[7]! - A[1]! * A[8]!, A[0]! * A[8]! - A[2]! * A[6]!, A[1]! * A[6]! - A[0]! * A[7]!,
      A[1]! * A[5]! - A[2]! * A[4]!, A[2]! * A[3]! - A[0]! * A[5]!, A[0]! * A[4]! - A[1]! * A[3]!,
    ];
    const N = mesh.normals, nOut = new Float64Array(N.length), s = Math.sign(d);
    for (let i = 0; i < N.length; i += 3) {
      const x = N[i]!, y = N[i + 1]!, z = N[i + 2]!;
      const v = [0, 1, 2].map((r) => s * (C[3 * r]! * x + C[3 * r + 1]! * y + C[3 * r + 2]! * z));
      const n = Math.hypot(v[0]!, v[1]!, v[2]!) || 1;
      for (let r = 0; r < 3; r++) nOut[i + r] = v[r]! / n;
    }
    res.normals = nOut;
  }
  if (mesh.colors) res.colors = mesh.colors.slice();
  return res;
}

/**
 * The mesh rotated by R (row-major 3×3, expected orthogonal with det +1, e.g. from
 * {@link randomRotation}): positions and normals become R·p, R·n; faces and colours are copied.
 * @throws ValueError when R is not a rotation (|RᵀR − I| > 1e-6 or det R < 0)
 */
export function rotateMesh(mesh: MeshData, R: ArrayLike<number>): MeshData {
  const op = 'rotateMesh';
  checkMatrix(op, R);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += R[3 * k + i]! * R[3 * k + j]!;
      if (Math.abs(s - (i === j ? 1 : 0)) > 1e-6) throw new ValueError(`${op}: R is not orthogonal (RᵀR differs from I by ${Math.abs(s - (i === j ? 1 : 0))})`);
    }
  }
  if (det3(R) < 0) throw new ValueError(`${op}: R is a reflection (det < 0), not a rotation; use transformMesh`);
  return transformMesh(mesh, R);
}

/** Options of {@link randomDeformation} (all amplitudes relative to the mesh's bounding radius ρ). */
export interface DeformationOptions {
  /**
   * Radial bumps about the centroid c: p ↦ c + (p − c)·(1 + Σₖ aₖ exp(−|û − ĉₖ|²/(2σₖ²))) with û the
   * direction of p − c, ĉₖ uniform on the sphere, aₖ uniform in ±`radialAmplitude`, σₖ in
   * `bumpWidth`. Default 4 bumps. The factor f(û) is constant along each ray from c, so the map
   * sends rays to themselves and has Jacobian determinant f³ > 0: a diffeomorphism of R³ ∖ {c}
   * (radialBumps · radialAmplitude must stay below 1 so that f > 0).
   */
  radialBumps?: number;
  /** Largest |aₖ| of a radial bump (default 0.15). */
  radialAmplitude?: number;
  /**
   * Smooth displacement field: p ↦ p + Σₖ aₖ dₖ exp(−|p − cₖ|²/(2σ²)) with centres cₖ uniform in
   * the bounding box, unit directions dₖ, σ = `bumpWidth`[1]·ρ; the amplitudes are scaled so that
   * Σ|aₖ|/(σ√e) ≤ `displacementStrength` < 1, which bounds the field's Lipschitz constant below 1
   * and makes the map an orientation-preserving diffeomorphism (no fold-overs). Default 4 bumps.
   */
  displacementBumps?: number;
  /** Lipschitz bound of the displacement field, in [0, 0.9] (default 0.5). */
  displacementStrength?: number;
  /** Range of the bump widths σ relative to ρ (default [0.35, 0.7]). */
  bumpWidth?: readonly [number, number];
  /** Anisotropic scale: each axis of a random frame scaled by a factor in [1 − s, 1 + s] (default s = 0.25). */
  anisotropy?: number;
  /** Apply a Haar-random rotation last (default true). */
  rotate?: boolean;
}

/** A sampled deformation: a function of a point, and its ingredients (for reporting). */
export interface Deformation {
  /** The map applied to one point (returns a new triple). */
  apply(p: readonly number[]): [number, number, number];
  /** The linear part S = R·Q·diag(s)·Qᵀ (row-major), applied after the bumps. */
  linear: Float64Array;
  /** The rotation R included in `linear` (the identity when `rotate` is false). */
  rotation: Float64Array;
}

function bboxOf(P: Float64Array): { c: number[]; lo: number[]; hi: number[]; rho: number } {
  const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < P.length; i += 3) for (let k = 0; k < 3; k++) { lo[k] = Math.min(lo[k]!, P[i + k]!); hi[k] = Math.max(hi[k]!, P[i + k]!); }
  const c = [0, 0, 0];
  for (let i = 0; i < P.length; i += 3) for (let k = 0; k < 3; k++) c[k]! += (3 * P[i + k]!) / P.length;
  let rho = 0;
  for (let i = 0; i < P.length; i += 3) rho = Math.max(rho, Math.hypot(P[i]! - c[0]!, P[i + 1]! - c[1]!, P[i + 2]! - c[2]!));
  return { c, lo, hi, rho: rho || 1 };
}

function unitVector(rng: Rng): number[] {
  for (;;) {
    const v = [rng.normal(), rng.normal(), rng.normal()];
    const n = Math.hypot(v[0]!, v[1]!, v[2]!);
    if (n > 1e-9) return v.map((x) => x / n);
  }
}

/**
 * Sample a random smooth deformation of `mesh` from `rng` (see {@link DeformationOptions}): radial
 * bumps, then a bounded smooth displacement field, then an anisotropic scale in a random frame and
 * a random rotation (about the centroid, which stays fixed).
 * @throws ValueError for out-of-range options
 */
export function randomDeformation(mesh: MeshData, rng: Rng, opts: DeformationOptions = {}): Deformation {
  const op = 'randomDeformation';
  checkMeshData(mesh, op);
  const nr = checkInt(op, 'radialBumps', opts.radialBumps ?? 4, 0, 64);
  const nd = checkInt(op, 'displacementBumps', opts.displacementBumps ?? 4, 0, 64);
  const ra = opts.radialAmplitude ?? 0.15;
  const ds = opts.displacementStrength ?? 0.5;
  const [w0, w1] = opts.bumpWidth ?? [0.35, 0.7];
  const an = opts.anisotropy ?? 0.25;
  if (!(ra >= 0 && ra < 0.5)) throw new ValueError(`${op}: radialAmplitude must be in [0, 0.5), got ${ra}`);
  if (!(nr * ra < 1)) throw new ValueError(`${op}: radialBumps · radialAmplitude must be below 1 (so the radial factor stays positive), got ${nr * ra}`);
  if (!(ds >= 0 && ds <= 0.9)) throw new ValueError(`${op}: displacementStrength must be in [0, 0.9], got ${ds}`);
  if (!(w0 > 0 && w1 >= w0 && Number.isFinite(w1))) throw new ValueError(`${op}: bumpWidth must be 0 < lo ≤ hi, got [${w0}, ${w1}]`);
  if (!(an >= 0 && an < 1)) throw new ValueError(`${op}: anisotropy must be in [0, 1), got ${an}`);
  const { c, lo, hi, rho } = bboxOf(mesh.positions);
  const radial = Array.from({ length: nr }, () => ({ dir: unitVector(rng), a: rng.uniformIn(-ra, ra), s: rng.uniformIn(w0, w1) }));
  const sigma = w1 * rho;
  const disp = Array.from({ length: nd }, () => ({
    c: [0, 1, 2].map((k) => rng.uniformIn(lo[k]!, hi[k]!)), d: unitVector(rng), a: rng.uniformIn(-1, 1),
  }));
  const sumA = disp.reduce((s, b) => s + Math.abs(b.a), 0);
  const scaleA = sumA > 0 ? (ds * sigma * Math.sqrt(Math.E)) / sumA : 0;
  for (const b of disp) b.a *= scaleA;
  const Q = randomRotation(rng);
  const s = [0, 1, 2].map(() => rng.uniformIn(1 - an, 1 + an));
  const R = opts.rotate === false ? Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]) : randomRotation(rng);
  // linear = R · Q · diag(s) · Qᵀ
  const M = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) { let v = 0; for (let k = 0; k < 3; k++) v += Q[3 * i + k]! * s[k]! * Q[3 * j + k]!; M[3 * i + j] = v; }
  const L = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) { let v = 0; for (let k = 0; k < 3; k++) v += R[3 * i + k]! * M[3 * k + j]!; L[3 * i + j] = v; }
  const apply = (p: readonly number[]): [number, number, number] => {
    let x = p[0]! - c[0]!, y = p[1]! - c[1]!, z = p[2]! - c[2]!;
    const r = Math.hypot(x, y, z);
    if (r > 0 && nr > 0) {
      let f = 1;
      for (const b of radial) {
        const dd = (x / r - b.dir[0]!) ** 2 + (y / r - b.dir[1]!) ** 2 + (z / r - b.dir[2]!) ** 2;
        f += b.a * Math.exp(-dd / (2 * b.s * b.s));
      }
      x *= f; y *= f; z *= f;
    }
    let dx = 0, dy = 0, dz = 0;
    for (const b of disp) {
      const g = b.a * Math.exp(-((x + c[0]! - b.c[0]!) ** 2 + (y + c[1]! - b.c[1]!) ** 2 + (z + c[2]! - b.c[2]!) ** 2) / (2 * sigma * sigma));
      dx += g * b.d[0]!; dy += g * b.d[1]!; dz += g * b.d[2]!;
    }
    x += dx; y += dy; z += dz;
    return [
      c[0]! + L[0]! * x + L[1]! * y + L[2]! * z,
      c[1]! + L[3]! * x + L[4]! * y + L[5]! * z,
      c[2]! + L[6]! * x + L[7]! * y + L[8]! * z,
    ];
  };
  return { apply, linear: L, rotation: R };
}

/**
 * Apply a deformation (from {@link randomDeformation}) to every vertex; faces are copied, normals
 * and colours dropped/copied (normals no longer match).
 */
export function deformMesh(mesh: MeshData, deformation: Deformation): MeshData {
  checkMeshData(mesh, 'deformMesh');
  const P = mesh.positions, out = new Float64Array(P.length);
  for (let i = 0; i < P.length; i += 3) out.set(deformation.apply([P[i]!, P[i + 1]!, P[i + 2]!]), i);
  const res: MeshData = { positions: out, faces: mesh.faces.slice() };
  if (mesh.colors) res.colors = mesh.colors.slice();
  return res;
}
