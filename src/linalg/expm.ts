/**
 * Matrix exponential by scaling and squaring with a truncated Taylor series.
 * @module
 */
import { identity, matmul, sqDim } from './dense.js';

/**
 * Matrix exponential exp(A) = Σₖ Aᵏ/k! of a square matrix.
 *
 * Scaling and squaring: exp(A) = exp(A/2ˢ)^(2ˢ) with s chosen so ‖A/2ˢ‖₁ ≤ 1/2, and exp(A/2ˢ)
 * summed as a Taylor series until the terms fall below machine precision (≤ 30 terms).
 * @param a n×n row-major matrix.
 * @returns exp(A), n×n row-major.
 */
export function expm(a: Float64Array): Float64Array {
  const n = sqDim(a);
  let norm = 0;
  for (let j = 0; j < n; j++) {
    let col = 0;
    for (let i = 0; i < n; i++) col += Math.abs(a[i * n + j]!);
    norm = Math.max(norm, col);
  }
  const s = norm > 0.5 ? Math.ceil(Math.log2(norm / 0.5)) : 0;
  const f = 1 / 2 ** s;
  const x = new Float64Array(n * n);
  for (let i = 0; i < x.length; i++) x[i] = a[i]! * f;
  let result = identity(n);
  let term = identity(n);
  for (let k = 1; k <= 30; k++) {
    term = matmul(term, x, n, n, n);
    let tmax = 0;
    for (let i = 0; i < term.length; i++) {
      term[i] = term[i]! / k;
      tmax = Math.max(tmax, Math.abs(term[i]!));
    }
    for (let i = 0; i < result.length; i++) result[i]! += term[i]!;
    if (tmax < 1e-18) break;
  }
  for (let i = 0; i < s; i++) result = matmul(result, result, n, n, n);
  return result;
}
