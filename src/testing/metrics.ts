/**
 * Error metrics of the equivariance harness: max-abs, RMS and EMLP's scale-adjusted relative
 * error err(t₁, t₂, g) = RMS(t₁ − t₂) / max(RMS(t₁) + RMS(t₂), RMS(g − I), 1e−7) (Finzi, Welling,
 * Wilson, "A Practical Method for Constructing Equivariant Multilayer Perceptrons for Arbitrary
 * Matrix Groups", ICML 2021, arXiv:2104.09459), and the default tolerances
 * (docs/design/harness.md).
 * @module
 */

/** Default relative tolerance in float64 (docs/design/harness.md: 1e−12, a few hundred ulps of accumulated rounding). */
export const TOL_FLOAT64 = 1e-12;
/** Default relative tolerance in float32 (docs/design/harness.md: 1e−5). */
export const TOL_FLOAT32 = 1e-5;

/** The default relative tolerance for a dtype: 1e−12 (float64), 1e−5 (float32). */
export function defaultTolerance(dtype: string): number {
  return dtype === 'float64' ? TOL_FLOAT64 : TOL_FLOAT32;
}

/** Errors between two value blocks. */
export interface ErrorStats {
  /** max |t₁ − t₂|. */
  maxAbs: number;
  /** RMS(t₁ − t₂). */
  rms: number;
  /** EMLP's scale-adjusted relative error. */
  relative: number;
  /** Number of values compared (0: nothing was compared). */
  count?: number;
}

/** Root mean square (0 for an empty array). */
export function rms(a: Float64Array): number {
  if (a.length === 0) return 0;
  let s = 0;
  for (const v of a) s += v * v;
  return Math.sqrt(s / a.length);
}

/**
 * max-abs, RMS and scale-adjusted relative error of t₁ against t₂; `gDistance` = RMS(g − I).
 * Non-finite values give Infinity.
 */
export function errorStats(t1: Float64Array, t2: Float64Array, gDistance: number): ErrorStats {
  if (t1.length !== t2.length) return { maxAbs: Infinity, rms: Infinity, relative: Infinity, count: Math.max(t1.length, t2.length) };
  let maxAbs = 0, s = 0;
  for (let i = 0; i < t1.length; i++) {
    const d = t1[i]! - t2[i]!;
    if (!Number.isFinite(d)) return { maxAbs: Infinity, rms: Infinity, relative: Infinity, count: t1.length };
    maxAbs = Math.max(maxAbs, Math.abs(d));
    s += d * d;
  }
  const r = t1.length ? Math.sqrt(s / t1.length) : 0;
  return { maxAbs, rms: r, relative: r / Math.max(rms(t1) + rms(t2), gDistance, 1e-7), count: t1.length };
}
