/**
 * Radial bases for equivariant message passing, as differentiable tensor functions of distances:
 * e3nn's `soft_one_hot_linspace` (gaussian, cosine, smooth_finite, fourier, bessel), a Gaussian
 * basis, DimeNet's Bessel basis √(2/c)·sin(nπr/c)/r and DimeNet's polynomial envelope.
 * Every function maps x of any shape to [...x.shape, number] (the envelope keeps x's shape) and is
 * built from tensor ops, so gradients flow to x. (SchNet's `gaussianRbf` in src/graph uses a
 * different width, exp(−(d − μ)²/(2Δ²)); {@link gaussianBasis} follows e3nn.)
 * @module
 */
import { Tensor, add, cos, div, eq, exp, gt, lt, mul, neg, powScalar, sin, square, sub, unsqueeze, where } from '../tensor/index.js';
import { ValueError } from '../util/errors.js';

/** The basis families of {@link softOneHotLinspace}. */
export type SoftOneHotBasis = 'gaussian' | 'cosine' | 'smooth_finite' | 'fourier' | 'bessel';

const BASES: readonly SoftOneHotBasis[] = ['gaussian', 'cosine', 'smooth_finite', 'fourier', 'bessel'];

/** Options of {@link softOneHotLinspace}. */
export interface SoftOneHotOptions {
  /** Left end of the interval. */
  readonly start: number;
  /** Right end of the interval (> start). */
  readonly end: number;
  /** Number N of basis functions (a positive integer; ≥ 2 for `cutoff: false` with a linspace basis). */
  readonly number: number;
  /** The family (default `smooth_finite`, e3nn's default). */
  readonly basis?: SoftOneHotBasis;
  /**
   * Default true: the functions vanish outside (start, end) and the N centres are the interior
   * points of linspace(start, end, N + 2); false: centres linspace(start, end, N), no clipping.
   */
  readonly cutoff?: boolean;
}

function checkInterval(who: string, start: number, end: number): void {
  if (!Number.isFinite(start) || !Number.isFinite(end) || !(end > start)) throw new ValueError(`${who}: need finite start < end, got ${start}, ${end}`);
}

function checkNumber(who: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new ValueError(`${who}: number must be a positive integer, got ${n}`);
}

function checkX(who: string, x: Tensor): void {
  if (!(x instanceof Tensor)) throw new ValueError(`${who}: x must be a Tensor`);
  if (x.dtype !== 'float32' && x.dtype !== 'float64') throw new ValueError(`${who}: x must be float32 or float64, got ${x.dtype}`);
}

function consts(x: Tensor, values: readonly number[] | Float64Array): Tensor {
  const data = x.dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
  return new Tensor(data, [values.length], x.dtype);
}

/** 1 where lo < t < hi, else 0 (constant: no gradient), same dtype as t. */
function window(t: Tensor, lo: number, hi: number): Tensor {
  return where(gt(t, lo), where(lt(t, hi), 1, 0), 0);
}

/**
 * e3nn's smooth step: exp(−1/t) for t > 0, 0 otherwise (C^∞, every derivative 0 at t = 0).
 * The gradient is exact on both sides (the t ≤ 0 branch never evaluates 1/t).
 */
export function softUnitStep(t: Tensor): Tensor {
  checkX('softUnitStep', t);
  const pos = gt(t, 0);
  const safe = where(pos, t, 1);
  return where(pos, exp(neg(div(1, safe))), 0);
}

/**
 * Bessel radial basis (DimeNet): e_n(r) = √(2/c) · sin(nπ r / c) / r, n = 1…number, returned as
 * [...r.shape, number]. At r = 0 the limit √(2/c)·nπ/c is returned (with gradient 0, the exact
 * derivative of the even function sin(ar)/r there). No clipping beyond c: multiply by
 * {@link polynomialCutoff} for a smooth cutoff.
 * @throws ValueError on cutoff ≤ 0 or a bad number.
 */
export function besselBasis(r: Tensor, opts: { readonly cutoff: number; readonly number: number }): Tensor {
  checkX('besselBasis', r);
  const { cutoff: c, number: n } = opts;
  if (!Number.isFinite(c) || !(c > 0)) throw new ValueError(`besselBasis: cutoff must be a positive number, got ${c}`);
  checkNumber('besselBasis', n);
  const freq = consts(r, Array.from({ length: n }, (_, i) => ((i + 1) * Math.PI) / c));
  const ru = unsqueeze(r, r.ndim);
  const zero = eq(ru, 0);
  const safe = where(zero, 1, ru);
  const pref = Math.sqrt(2 / c);
  const value = mul(div(sin(mul(safe, freq)), safe), pref);
  return where(zero, mul(freq, pref), value);
}

/**
 * DimeNet's smooth polynomial envelope u(d), d = r / cutoff:
 * u(d) = 1 − (p+1)(p+2)/2 · d^p + p(p+2) · d^{p+1} − p(p+1)/2 · d^{p+2} for d < 1, 0 for d ≥ 1.
 * u(0) = 1 and u, u′, u″ vanish at d = 1. Same shape as r.
 * @param opts.p the exponent (default 6; a positive integer)
 * @throws ValueError on cutoff ≤ 0 or a bad p.
 */
export function polynomialCutoff(r: Tensor, opts: { readonly cutoff: number; readonly p?: number }): Tensor {
  checkX('polynomialCutoff', r);
  const c = opts.cutoff;
  const p = opts.p ?? 6;
  if (!Number.isFinite(c) || !(c > 0)) throw new ValueError(`polynomialCutoff: cutoff must be a positive number, got ${c}`);
  if (!Number.isInteger(p) || p < 1) throw new ValueError(`polynomialCutoff: p must be a positive integer, got ${p}`);
  const inside = lt(r, c);
  const d = div(where(inside, r, 0), c);
  const u = add(
    sub(1, mul(powScalar(d, p), ((p + 1) * (p + 2)) / 2)),
    sub(mul(powScalar(d, p + 1), p * (p + 2)), mul(powScalar(d, p + 2), (p * (p + 1)) / 2)),
  );
  return where(inside, u, 0);
}

/**
 * e3nn's `soft_one_hot_linspace`: N smooth "soft one-hot" functions of x on [start, end],
 * [...x.shape, N]. With centres μ_i and spacing s (see `cutoff`) and t = (x − μ_i)/s:
 * - `gaussian`: exp(−t²)/1.12;
 * - `cosine`: cos(πt/2) for |t| < 1, else 0;
 * - `smooth_finite`: 1.14136 · e² · u(t + 1) · u(1 − t), u = {@link softUnitStep};
 * - `fourier` (u = (x − start)/(end − start)): cos(πiu)/√(0.25 + N/2), i = 0…N−1 without cutoff,
 *   sin(πiu)/√(0.25 + N/2), i = 1…N, on 0 < u < 1 with cutoff;
 * - `bessel` (r = x − start, c = end − start): √(2/c)·sin(iπr/c)/r, i = 1…N ({@link besselBasis}),
 *   times 1[0 < r < c] with cutoff. e3nn gives NaN at r = 0; here the limit i π √(2/c)/c.
 * @throws ValueError on a bad interval, number, basis or cutoff.
 */
export function softOneHotLinspace(x: Tensor, opts: SoftOneHotOptions): Tensor {
  const who = 'softOneHotLinspace';
  checkX(who, x);
  const { start, end, number: n } = opts;
  const basis = opts.basis ?? 'smooth_finite';
  const cutoff = opts.cutoff ?? true;
  checkInterval(who, start, end);
  checkNumber(who, n);
  if (!BASES.includes(basis)) throw new ValueError(`${who}: basis must be one of ${BASES.join(', ')}, got ${String(basis)}`);
  if (typeof cutoff !== 'boolean') throw new ValueError(`${who}: cutoff must be true or false, got ${String(cutoff)}`);
  const xu = unsqueeze(x, x.ndim);
  if (basis === 'fourier') {
    const u = div(sub(xu, start), end - start);
    const norm = 1 / Math.sqrt(0.25 + n / 2);
    if (!cutoff) return mul(cos(mul(u, consts(x, Array.from({ length: n }, (_, i) => Math.PI * i)))), norm);
    const s = mul(sin(mul(u, consts(x, Array.from({ length: n }, (_, i) => Math.PI * (i + 1))))), norm);
    return mul(s, window(u, 0, 1));
  }
  if (basis === 'bessel') {
    const r = sub(x, start);
    const b = besselBasis(r, { cutoff: end - start, number: n });
    return cutoff ? mul(b, window(unsqueeze(r, r.ndim), 0, end - start)) : b;
  }
  if (!cutoff && n < 2) throw new ValueError(`${who}: number must be ≥ 2 with cutoff: false (centres linspace(start, end, number))`);
  const step = cutoff ? (end - start) / (n + 1) : (end - start) / (n - 1);
  const centres = Array.from({ length: n }, (_, i) => start + step * (cutoff ? i + 1 : i));
  const t = div(sub(xu, consts(x, centres)), step);
  switch (basis) {
    case 'gaussian': return div(exp(neg(square(t))), 1.12);
    case 'cosine': return mul(cos(mul(t, Math.PI / 2)), window(t, -1, 1));
    default: return mul(mul(softUnitStep(add(t, 1)), softUnitStep(sub(1, t))), 1.14136 * Math.exp(2));
  }
}

/**
 * Gaussian radial basis in e3nn's form: exp(−((x − μ_i)/s)²)/1.12 with centres
 * μ_i = linspace(start, end, number) and s their spacing (softOneHotLinspace with
 * basis `gaussian`, cutoff false). [...x.shape, number].
 * @throws ValueError on a bad interval or number < 2.
 */
export function gaussianBasis(x: Tensor, opts: { readonly start: number; readonly end: number; readonly number: number }): Tensor {
  return softOneHotLinspace(x, { ...opts, basis: 'gaussian', cutoff: false });
}
