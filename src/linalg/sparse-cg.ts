/**
 * Preconditioned conjugate gradients (Hestenes & Stiefel 1952) with a Jacobi (diagonal)
 * preconditioner for symmetric positive (semi-)definite CSR systems. See docs/design/mesh-geometry.md.
 * @module
 */
import { ShapeError, ValueError } from '../util/index.js';
import { csrDiagonal, csrMatvec, type CsrMatrix } from './sparse.js';

/** Options of {@link conjugateGradient}. */
export interface CgOptions {
  /** Stop when ‖b − A x‖₂ ≤ tol · ‖b‖₂ (default 1e-10). */
  tol?: number;
  /** Iteration cap (default 10·n). */
  maxIter?: number;
  /** Initial guess (default 0). */
  x0?: Float64Array;
  /** Use the Jacobi preconditioner diag(A)⁻¹ (default true). */
  jacobi?: boolean;
}

/** Result of {@link conjugateGradient}. */
export interface CgResult {
  /** The solution estimate. */
  x: Float64Array;
  /** Iterations done. */
  iterations: number;
  /** Final relative residual ‖b − A x‖₂ / ‖b‖₂ (recomputed, not the recurrence). */
  residual: number;
  /** Whether the recurrence residual met the tolerance. */
  converged: boolean;
}

/**
 * Solve A x = b for symmetric positive-definite A by Jacobi-preconditioned CG. Each iteration is
 * one sparse product, O(nnz). For a singular but consistent positive semi-definite system (a
 * Laplacian with b ⟂ kernel) CG still converges to a solution.
 * @throws ShapeError on size mismatch; ValueError on a non-positive diagonal with Jacobi on
 */
export function conjugateGradient(a: CsrMatrix, b: Float64Array, opts: CgOptions = {}): CgResult {
  const n = a.rows;
  if (a.cols !== n || b.length !== n) throw new ShapeError(`conjugateGradient: A is ${a.rows}×${a.cols}, b has ${b.length} entries`);
  const tol = opts.tol ?? 1e-10, maxIter = opts.maxIter ?? 10 * n;
  const dinv = new Float64Array(n).fill(1);
  if (opts.jacobi ?? true) {
    const d = csrDiagonal(a);
    for (let i = 0; i < n; i++) {
      if (!(d[i]! > 0)) throw new ValueError(`conjugateGradient: diagonal entry ${i} is ${d[i]}, Jacobi needs it positive`);
      dinv[i] = 1 / d[i]!;
    }
  }
  const x = opts.x0 ? Float64Array.from(opts.x0) : new Float64Array(n);
  const r = Float64Array.from(b), Ap = new Float64Array(n);
  if (opts.x0) { csrMatvec(a, x, Ap); for (let i = 0; i < n; i++) r[i]! -= Ap[i]!; }
  let bn = 0;
  for (let i = 0; i < n; i++) bn += b[i]! * b[i]!;
  bn = Math.sqrt(bn);
  if (bn === 0) return { x: new Float64Array(n), iterations: 0, residual: 0, converged: true };
  const z = new Float64Array(n), p = new Float64Array(n);
  let rz = 0, rr = 0;
  for (let i = 0; i < n; i++) { z[i] = dinv[i]! * r[i]!; p[i] = z[i]!; rz += r[i]! * z[i]!; rr += r[i]! * r[i]!; }
  let it = 0;
  while (it < maxIter && Math.sqrt(rr) > tol * bn) {
    csrMatvec(a, p, Ap);
    let pAp = 0;
    for (let i = 0; i < n; i++) pAp += p[i]! * Ap[i]!;
    if (!(pAp > 0)) break;
    const alpha = rz / pAp;
    let rz2 = 0;
    rr = 0;
    for (let i = 0; i < n; i++) {
      x[i]! += alpha * p[i]!;
      r[i]! -= alpha * Ap[i]!;
      z[i] = dinv[i]! * r[i]!;
      rz2 += r[i]! * z[i]!;
      rr += r[i]! * r[i]!;
    }
    const beta = rz2 / rz;
    rz = rz2;
    for (let i = 0; i < n; i++) p[i] = z[i]! + beta * p[i]!;
    it++;
  }
  csrMatvec(a, x, Ap);
  let res = 0;
  for (let i = 0; i < n; i++) res += (b[i]! - Ap[i]!) ** 2;
  const residual = Math.sqrt(res) / bn;
  return { x, iterations: it, residual, converged: Math.sqrt(rr) <= tol * bn };
}
