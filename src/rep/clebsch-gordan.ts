/**
 * Real Clebsch–Gordan coefficients of SO(3) in our (e3nn) real basis.
 *
 * 1. Complex SU(2) CG ⟨l₁m₁ l₂m₂ | l₃m₃⟩ by Racah's formula (Condon–Shortley phases).
 * 2. Change of basis to the real SH: with our real Y (see spherical-harmonics.ts) the standard
 *    complex harmonics are c = U·y, U[m, m] = (−1)^m/√2, U[m, −m] = i(−1)^m/√2, U[−m, m] = 1/√2,
 *    U[−m, −m] = −i/√2 (m > 0), U[0, 0] = 1.
 * 3. W = U₃⁻¹ · P · (U₁ ⊗ U₂), P[m₃; m₁, m₂] = ⟨l₁m₁ l₂m₂ | l₃m₃⟩, rotated by a global phase to be
 *    real and normalised to ‖W‖_F = 1 (sign: first nonzero entry positive).
 * W (dim l₃ × dim l₁·dim l₂, row-major) intertwines: D^{l₃}(R) W = W (D^{l₁}(R) ⊗ D^{l₂}(R)).
 * It is nonzero iff |l₁ − l₂| ≤ l₃ ≤ l₁ + l₂.
 * @module
 */
import { ContractError, ValueError } from '../util/index.js';

function fact(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

/** Complex SU(2) Clebsch–Gordan coefficient ⟨j₁m₁ j₂m₂ | j₃m₃⟩ (integer j), Racah's formula. */
export function su2CG(j1: number, m1: number, j2: number, m2: number, j3: number, m3: number): number {
  if (m3 !== m1 + m2) return 0;
  if (j3 < Math.abs(j1 - j2) || j3 > j1 + j2) return 0;
  if (Math.abs(m1) > j1 || Math.abs(m2) > j2 || Math.abs(m3) > j3) return 0;
  const pre = Math.sqrt(
    ((2 * j3 + 1) * fact(j3 + j1 - j2) * fact(j3 - j1 + j2) * fact(j1 + j2 - j3) * fact(j3 + m3) * fact(j3 - m3)) /
      (fact(j1 + j2 + j3 + 1) * fact(j1 - m1) * fact(j1 + m1) * fact(j2 - m2) * fact(j2 + m2)),
  );
  let s = 0;
  const vmin = Math.max(0, -j1 + j2 + m3, -j1 + m1);
  const vmax = Math.min(j2 + j3 + m1, j3 - j1 + j2, j3 + m3);
  for (let v = vmin; v <= vmax; v++) {
    s += ((v + j2 + m2) % 2 === 0 ? 1 : -1) * fact(j2 + j3 + m1 - v) * fact(j1 - m1 + v) /
      (fact(v) * fact(j3 - j1 + j2 - v) * fact(j3 + m3 - v) * fact(v + j1 - j2 - m3));
  }
  return pre * s;
}

/** U (complex, as [re, im] arrays) with c = U·y, rows/cols indexed by m + l. */
function realToComplex(l: number): [Float64Array, Float64Array] {
  const n = 2 * l + 1;
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  re[l * n + l] = 1;
  const h = Math.SQRT1_2;
  for (let m = 1; m <= l; m++) {
    const sg = m % 2 === 0 ? 1 : -1;
    re[(l + m) * n + l + m] = sg * h;
    im[(l + m) * n + l - m] = sg * h;
    re[(l - m) * n + l + m] = h;
    im[(l - m) * n + l - m] = -h;
  }
  return [re, im];
}

/** Real CG tensor W (dim l₃ × dim l₁·dim l₂, row-major), ‖W‖_F = 1; zero matrix outside the triangle. */
export function realCG(l1: number, l2: number, l3: number): Float64Array {
  for (const l of [l1, l2, l3]) if (!Number.isInteger(l) || l < 0) throw new ValueError(`realCG: orders must be integers ≥ 0, got ${l1}, ${l2}, ${l3}`);
  const n1 = 2 * l1 + 1;
  const n2 = 2 * l2 + 1;
  const n3 = 2 * l3 + 1;
  const W = new Float64Array(n3 * n1 * n2);
  if (l3 < Math.abs(l1 - l2) || l3 > l1 + l2) return W;
  const [u1r, u1i] = realToComplex(l1);
  const [u2r, u2i] = realToComplex(l2);
  const [u3r, u3i] = realToComplex(l3);
  // U⁻¹ = Uᴴ (U is unitary)
  const wr = new Float64Array(W.length);
  const wi = new Float64Array(W.length);
  for (let a = 0; a < n3; a++) {
    for (let m3 = -l3; m3 <= l3; m3++) {
      // (Uᴴ)[a, m3] = conj(U[m3, a])
      const hr = u3r[(m3 + l3) * n3 + a]!;
      const hi = -u3i[(m3 + l3) * n3 + a]!;
      if (hr === 0 && hi === 0) continue;
      for (let m1 = -l1; m1 <= l1; m1++) {
        const m2 = m3 - m1;
        if (Math.abs(m2) > l2) continue;
        const c = su2CG(l1, m1, l2, m2, l3, m3);
        if (c === 0) continue;
        for (let b = 0; b < n1; b++) {
          const ar = u1r[(m1 + l1) * n1 + b]!;
          const ai = u1i[(m1 + l1) * n1 + b]!;
          if (ar === 0 && ai === 0) continue;
          for (let e = 0; e < n2; e++) {
            const br = u2r[(m2 + l2) * n2 + e]!;
            const bi = u2i[(m2 + l2) * n2 + e]!;
            if (br === 0 && bi === 0) continue;
            const pr = ar * br - ai * bi;
            const pi = ar * bi + ai * br;
            const idx = a * n1 * n2 + b * n2 + e;
            wr[idx]! += c * (hr * pr - hi * pi);
            wi[idx]! += c * (hr * pi + hi * pr);
          }
        }
      }
    }
  }
  // global phase: rotate the largest entry onto the real axis
  let best = 0;
  for (let i = 0; i < W.length; i++) if (Math.hypot(wr[i]!, wi[i]!) > Math.hypot(wr[best]!, wi[best]!)) best = i;
  const ph = Math.atan2(wi[best]!, wr[best]!);
  const c = Math.cos(ph);
  const s = Math.sin(ph);
  let norm = 0;
  let imag = 0;
  for (let i = 0; i < W.length; i++) {
    W[i] = wr[i]! * c + wi[i]! * s;
    imag = Math.max(imag, Math.abs(wi[i]! * c - wr[i]! * s));
    norm += W[i]! ** 2;
  }
  norm = Math.sqrt(norm);
  if (imag > 1e-9 * norm) throw new ContractError(`realCG(${l1},${l2},${l3}): imaginary residue ${imag}`);
  let sign = 0;
  for (let i = 0; i < W.length && sign === 0; i++) if (Math.abs(W[i]!) > 1e-12 * norm) sign = W[i]! > 0 ? 1 : -1;
  for (let i = 0; i < W.length; i++) W[i] = (W[i]! * sign) / norm;
  return W;
}
