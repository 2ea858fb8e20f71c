/**
 * Spherical harmonics of tensors: Y^l(r̂) for a batch of vectors, differentiable, in the same
 * convention as src/rep/spherical-harmonics.ts (e3nn's: y the polar axis, m = −l…l,
 * `component` normalisation ‖Y^l‖² = 2l + 1 by default).
 * @module
 */
import { Tensor, concat, maximum, onesLike, stack } from '../../tensor/index.js';
import { MAX_L, shNormalizationFactor } from '../../rep/index.js';
import type { ShNormalization } from '../../rep/index.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import { Irreps } from './irreps.js';
import type { IrrepsLike } from './irreps.js';

function legendre(l: number): number[] {
  let p0 = [1];
  if (l === 0) return p0;
  let p1 = [0, 1];
  for (let n = 1; n < l; n++) {
    const p2 = new Array<number>(n + 2).fill(0);
    for (let i = 0; i <= n + 1; i++) p2[i] = ((2 * n + 1) * (i > 0 ? p1[i - 1] ?? 0 : 0) - n * (p0[i] ?? 0)) / (n + 1);
    p0 = p1;
    p1 = p2;
  }
  return p1;
}

function derivative(c: number[], k: number): number[] {
  let d = c;
  for (let t = 0; t < k; t++) d = d.slice(1).map((v, i) => v * (i + 1));
  return d;
}

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

/**
 * Y^l(v/‖v‖) for every l of `irreps` (each block must be mul 1 of l with parity (−1)^l, or use an
 * lmax), concatenated: [..., Σ(2l + 1)]. With (X, Y, Z) = (z, x, y) of the unit vector and k = |m|,
 * Y^l_m = N_{lk} P_l^{(k)}(Z) · (Re (X + iY)^k for m ≥ 0, Im for m < 0), N_{lk} = √((2l+1)(l−k)!/(l+k)!)·(√2 if k > 0),
 * the formula of src/rep/spherical-harmonics.ts, evaluated with tensor ops so gradients reach v.
 * ‖v‖² is clamped below at 1e−24 (a zero vector gives the harmonics of the zero direction, finite).
 * @param ls an lmax (all l = 0…lmax) or spherical-harmonic irreps such as `0e+1o+2e`
 * @param vec [..., 3]
 * @throws ShapeError unless vec ends in 3; ValueError on a bad l or normalization.
 */
export function sphericalHarmonicsTensor(ls: number | IrrepsLike, vec: Tensor, normalization: ShNormalization = 'component'): Tensor {
  const who = 'sphericalHarmonicsTensor';
  const list = typeof ls === 'number' ? Array.from({ length: ls + 1 }, (_, l) => l) : Irreps.of(ls).blocks.flatMap((b) => new Array<number>(b.mul).fill(b.ir.l));
  if (typeof ls === 'number' && (!Number.isInteger(ls) || ls < 0 || ls > MAX_L)) throw new ValueError(`${who}: lmax must be an integer in 0…${MAX_L}, got ${ls}`);
  if (list.length === 0) throw new ValueError(`${who}: no degree requested`);
  if (!(vec instanceof Tensor)) throw new ValueError(`${who}: vec must be a Tensor`);
  if (vec.ndim < 1 || vec.shape[vec.ndim - 1] !== 3) throw new ShapeError(`${who}: vec ${fmtShape(vec.shape)} must end in 3`);
  if (vec.dtype !== 'float32' && vec.dtype !== 'float64') throw new DTypeError(`${who}: vec must be float32 or float64, got ${vec.dtype}`);
  const lmax = Math.max(...list);
  const r = maximum(vec.square().sum(-1, true), 1e-24).sqrt();
  const u = vec.div(r);
  const last = vec.ndim - 1;
  const x = u.slice([...new Array<null>(last).fill(null), 0]);
  const y = u.slice([...new Array<null>(last).fill(null), 1]);
  const z = u.slice([...new Array<null>(last).fill(null), 2]);
  const X = z, Y = x, Z = y;
  const one = onesLike(x);
  const zp: Tensor[] = [one];
  for (let i = 1; i <= lmax; i++) zp.push(zp[i - 1]!.mul(Z));
  const re: Tensor[] = [one], im: Tensor[] = [x.mul(0)];
  for (let k = 1; k <= lmax; k++) {
    re.push(re[k - 1]!.mul(X).sub(im[k - 1]!.mul(Y)));
    im.push(re[k - 1]!.mul(Y).add(im[k - 1]!.mul(X)));
  }
  const blocks = list.map((l) => {
    const f = shNormalizationFactor(l, normalization);
    const P = legendre(l);
    const comps: Tensor[] = [];
    for (let m = -l; m <= l; m++) {
      const k = Math.abs(m);
      const N = Math.sqrt(((2 * l + 1) * factorial(l - k)) / factorial(l + k)) * (k > 0 ? Math.SQRT2 : 1) * f;
      const d = derivative(P, k);
      let poly: Tensor | null = null;
      d.forEach((c, i) => { if (c !== 0) poly = poly ? poly.add(zp[i]!.mul(c)) : zp[i]!.mul(c); });
      const ang = m >= 0 ? re[k]! : im[k]!;
      comps.push((poly ?? one.mul(0)).mul(ang).mul(N));
    }
    return stack(comps, last);
  });
  return blocks.length === 1 ? blocks[0]! : concat(blocks, last);
}
