/**
 * Real spherical harmonics in e3nn's convention ("component" normalisation, y the polar axis).
 *
 * With (X, Y, Z) = (z, x, y), Y^l_m = N_{l|m|} · P_l^{(|m|)}(Z) · Re (X + iY)^{|m|} for m ≥ 0 and
 * · Im (X + iY)^{|m|} for m < 0, where P_l^{(k)} is the k-th derivative of the Legendre polynomial
 * (no Condon–Shortley phase) and N_{lk} = √((2l+1)(l−k)!/(l+k)!)·(√2 if k > 0). Components are
 * ordered m = −l…l; ‖Y^l(x̂)‖² = 2l+1; Y¹(x) = √3·(x, y, z), so D¹(R) = R.
 * Wikipedia's real SH table (z polar) is Y_wiki(X, Y, Z) with the substitution above.
 * @module
 */
import { ValueError } from '../util/index.js';

function legendreCoeffs(l: number): Float64Array {
  // Bonnet: (n+1) P_{n+1} = (2n+1) z P_n − n P_{n−1}; coefficients in increasing powers.
  let p0 = new Float64Array(l + 1);
  p0[0] = 1;
  if (l === 0) return p0;
  let p1 = new Float64Array(l + 1);
  p1[1] = 1;
  for (let n = 1; n < l; n++) {
    const p2 = new Float64Array(l + 1);
    for (let i = 0; i <= l; i++) {
      const zp = i > 0 ? p1[i - 1]! : 0;
      p2[i] = ((2 * n + 1) * zp - n * p0[i]!) / (n + 1);
    }
    p0 = p1;
    p1 = p2;
  }
  return p1;
}

function derivative(c: Float64Array): Float64Array {
  const out = new Float64Array(Math.max(c.length - 1, 1));
  for (let i = 1; i < c.length; i++) out[i - 1] = i * c[i]!;
  return out;
}

/**
 * H(Z, r²) = Σ_i c_i Z^i (r²)^{(d−i)/2} over the i with d − i even (the others vanish for a
 * Legendre derivative of degree d), with ∂H/∂Z and ∂H/∂(r²).
 */
function homogeneous(c: Float64Array, d: number, Z: number, r2: number): { h: number; hZ: number; hR: number } {
  let h = 0;
  let hZ = 0;
  let hR = 0;
  for (let i = d; i >= 0; i -= 2) {
    const ci = c[i] ?? 0;
    if (ci === 0) continue;
    const j = (d - i) / 2;
    const zi = Z ** i;
    const rj = r2 ** j;
    h += ci * zi * rj;
    if (i > 0) hZ += ci * i * Z ** (i - 1) * rj;
    if (j > 0) hR += ci * zi * j * r2 ** (j - 1);
  }
  return { h, hZ, hR };
}

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

/** Precomputed polynomial data for one degree l. */
interface ShTable {
  readonly derivs: Float64Array[]; // derivs[k] = P_l^{(k)}, k = 0…l+1
  readonly norms: Float64Array; // N_{lk}
}

function table(l: number): ShTable {
  const derivs = [legendreCoeffs(l)];
  for (let k = 1; k <= l + 1; k++) derivs.push(derivative(derivs[k - 1]!));
  const norms = new Float64Array(l + 1);
  for (let k = 0; k <= l; k++) norms[k] = Math.sqrt(((2 * l + 1) * factorial(l - k)) / factorial(l + k)) * (k > 0 ? Math.SQRT2 : 1);
  return { derivs, norms };
}

/** Largest degree l of the real spherical harmonics (and so of the SO(3)/O(3) irreps). */
export const MAX_L = 12;

/**
 * Normalisation of the real spherical harmonics (e3nn's names), for unit inputs:
 * - `component` (default): Σ_m Y^l_m(x̂)² = 2l + 1 (each component has mean square 1 on the sphere);
 * - `norm`: Σ_m Y^l_m(x̂)² = 1 (component divided by √(2l + 1));
 * - `integral`: ∫_{S²} Y^l_m(x̂)² dΩ = 1 (component divided by √(4π)).
 */
export type ShNormalization = 'component' | 'norm' | 'integral';

/** Options of {@link sphericalHarmonics}. */
export interface ShOptions {
  /** Map the input to the unit sphere first (default true; the zero vector gives zeros). */
  readonly normalize?: boolean;
  /** Scale of the harmonics (default `component`); see {@link ShNormalization}. */
  readonly normalization?: ShNormalization;
}

/** The factor that turns `component`-normalised harmonics of degree l into `normalization`. */
export function shNormalizationFactor(l: number, normalization: ShNormalization): number {
  switch (normalization) {
    case 'component': return 1;
    case 'norm': return 1 / Math.sqrt(2 * l + 1);
    case 'integral': return 1 / Math.sqrt(4 * Math.PI);
    default: throw new ValueError(`sphericalHarmonics: normalization must be 'component', 'norm' or 'integral', got ${String(normalization)}`);
  }
}

/**
 * Real spherical harmonics Y^l(x) (length 2l+1, m = −l…l) of the direction of (x, y, z).
 * @param options `true`/`false` is shorthand for `{ normalize }`; with `normalize: false` the
 *   homogeneous polynomial extension is evaluated at (x, y, z) as given. `normalization` picks
 *   the scale (default `component`, ‖Y^l(x̂)‖² = 2l + 1).
 * @throws ValueError on a bad l or an unknown normalization.
 */
export function sphericalHarmonics(l: number, x: number, y: number, z: number, options: boolean | ShOptions = true): Float64Array {
  const opts: ShOptions = typeof options === 'boolean' ? { normalize: options } : options;
  const f = shNormalizationFactor(l, opts.normalization ?? 'component');
  const value = shWithGradient(l, x, y, z, opts.normalize ?? true, false).value;
  if (f !== 1) for (let i = 0; i < value.length; i++) value[i] = value[i]! * f;
  return value;
}

/**
 * Y^l and its gradient ∂Y^l/∂(x, y, z) of the polynomial extension (3·(2l+1), row-major over
 * components, i.e. grad[3·i + a]); on the unit sphere the tangential part is the sphere gradient.
 */
export function shWithGradient(
  l: number, x: number, y: number, z: number, normalize = true, withGradient = true,
): { value: Float64Array; grad: Float64Array } {
  if (!Number.isInteger(l) || l < 0 || l > MAX_L) throw new ValueError(`sphericalHarmonics: l must be an integer in 0…${MAX_L}, got ${l}`);
  const n = 2 * l + 1;
  const value = new Float64Array(n);
  const grad = new Float64Array(withGradient ? 3 * n : 0);
  if (normalize) {
    const r = Math.hypot(x, y, z);
    if (r === 0) return { value, grad };
    x /= r;
    y /= r;
    z /= r;
  }
  const X = z;
  const Y = x;
  const Z = y;
  const t = table(l);
  // powers w_k = (X + iY)^k
  const re = new Float64Array(l + 1);
  const im = new Float64Array(l + 1);
  re[0] = 1;
  for (let k = 1; k <= l; k++) {
    re[k] = re[k - 1]! * X - im[k - 1]! * Y;
    im[k] = re[k - 1]! * Y + im[k - 1]! * X;
  }
  // Homogeneous extension: P_l^{(k)}(Z) = Σ c_i Z^i (only i ≡ l − k mod 2) becomes
  // H(Z, r²) = Σ c_i Z^i (r²)^{(l−k−i)/2}, so Y^l is a homogeneous polynomial of degree l
  // (r² = 1 on the unit sphere, where nothing changes).
  const r2 = normalize ? 1 : X * X + Y * Y + Z * Z;
  for (let m = -l; m <= l; m++) {
    const k = Math.abs(m);
    const N = t.norms[k]!;
    const { h: P, hZ: dP, hR: dPr2 } = homogeneous(t.derivs[k]!, l - k, Z, r2);
    const ang = m >= 0 ? re[k]! : im[k]!;
    const i = m + l;
    value[i] = N * P * ang;
    if (withGradient) {
      let dX = 0;
      let dY = 0;
      if (k > 0) {
        const r1 = re[k - 1]!;
        const i1 = im[k - 1]!;
        if (m >= 0) {
          dX = k * r1;
          dY = -k * i1;
        } else {
          dX = k * i1;
          dY = k * r1;
        }
      }
      const gX = N * (P * dX + ang * 2 * X * dPr2);
      const gY = N * (P * dY + ang * 2 * Y * dPr2);
      const gZ = N * ang * (dP + 2 * Z * dPr2);
      grad[3 * i] = gY; // ∂/∂x = ∂/∂Y
      grad[3 * i + 1] = gZ; // ∂/∂y = ∂/∂Z
      grad[3 * i + 2] = gX; // ∂/∂z = ∂/∂X
    }
  }
  return { value, grad };
}

/**
 * Convert a Y^l vector from e3nn's y-up convention to the z-up (Wikipedia) convention: both
 * are ordered m = −l…l and agree component by component as functions, with the axes relabelled
 * (x, y, z)_{e3nn} = (Y, Z, X)_{z-up}; so Y_{e3nn}(v) = Y_{z-up}(P v) with P v = (v_z, v_x, v_y).
 * This helper returns the z-up input vector P·v for a given e3nn vector v.
 */
export function e3nnToZUp(v: readonly [number, number, number]): [number, number, number] {
  return [v[2], v[0], v[1]];
}
