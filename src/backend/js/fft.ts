/**
 * Reference kernel of the complex-to-complex discrete Fourier transform (docs/design/fft.md).
 *
 * Complex values are stored as re/im pairs in a trailing axis of size 2 (like `torch.view_as_real`):
 * the input `[..., n, 2]` holds `batch = size / (2n)` independent signals of length n, and
 * `fftC2C` writes, per signal,
 *
 *   y_k = scale · Σ_{j=0}^{n−1} x_j · exp(s · 2πi·jk/n),   s = −1 (forward) or +1 (`inverse`).
 *
 * Algorithms: an iterative radix-2 Cooley–Tukey transform for powers of two, and Bluestein's
 * chirp-z transform (the length-n DFT as a circular convolution of length m = 2^⌈log₂(2n−1)⌉,
 * done with the radix-2 transform) for every other length. All arithmetic is float64; the result
 * is rounded once to the output dtype. Twiddle tables and Bluestein chirps are cached per length.
 * @module
 */
import type { Kernel } from '../types.js';

/** Attributes of `fftC2C`. */
export interface FftAttrs {
  /** Sign +1 in the exponent (the unnormalised inverse) instead of −1. */
  inverse: boolean;
  /** Factor applied to every output value (the norm mode's scaling). */
  scale: number;
}

interface Radix2Plan { n: number; rev: Uint32Array; cos: Float64Array; sin: Float64Array }
interface BluesteinPlan { n: number; m: number; wr: Float64Array; wi: Float64Array; br: Float64Array; bi: Float64Array }

const CACHE_SIZE = 16;
const radix2Cache = new Map<number, Radix2Plan>();
const bluesteinCache = new Map<number, BluesteinPlan>();

function cached<T>(cache: Map<number, T>, n: number, make: (n: number) => T): T {
  let p = cache.get(n);
  if (p) { cache.delete(n); cache.set(n, p); return p; } // LRU: move to the back
  p = make(n);
  cache.set(n, p);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return p;
}

const isPow2 = (n: number): boolean => (n & (n - 1)) === 0;

function makeRadix2(n: number): Radix2Plan {
  const bits = Math.round(Math.log2(n)), rev = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0, v = i; b < bits; b++, v >>= 1) r = (r << 1) | (v & 1);
    rev[i] = r;
  }
  // cos/sin of 2πk/n for k < n/2, computed directly (no recurrence: full accuracy)
  const h = Math.max(1, n >> 1), cos = new Float64Array(h), sin = new Float64Array(h);
  for (let k = 0; k < h; k++) { cos[k] = Math.cos((2 * Math.PI * k) / n); sin[k] = Math.sin((2 * Math.PI * k) / n); }
  return { n, rev, cos, sin };
}

/** In-place radix-2 transform of (re, im), exponent sign −1 (or +1 when `inv`), unnormalised. */
function radix2(re: Float64Array, im: Float64Array, inv: boolean): void {
  const n = re.length;
  if (n <= 1) return;
  const { rev, cos, sin } = cached(radix2Cache, n, makeRadix2);
  for (let i = 0; i < n; i++) {
    const j = rev[i]!;
    if (j > i) {
      let t = re[i]!; re[i] = re[j]!; re[j] = t;
      t = im[i]!; im[i] = im[j]!; im[j] = t;
    }
  }
  const sg = inv ? 1 : -1;
  for (let len = 2; len <= n; len <<= 1) {
    const half = len >> 1, step = n / len;
    for (let s = 0; s < n; s += len) {
      for (let k = 0; k < half; k++) {
        const c = cos[k * step]!, d = sg * sin[k * step]!;
        const a = s + k, b = a + half;
        const xr = re[b]! * c - im[b]! * d, xi = re[b]! * d + im[b]! * c;
        re[b] = re[a]! - xr; im[b] = im[a]! - xi;
        re[a] = re[a]! + xr; im[a] = im[a]! + xi;
      }
    }
  }
}

function makeBluestein(n: number): BluesteinPlan {
  let m = 1;
  while (m < 2 * n - 1) m <<= 1;
  // chirp w_j = exp(−πi j²/n); j² taken mod 2n first so the angle stays small (accuracy for large n)
  const wr = new Float64Array(n), wi = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const a = (Math.PI * ((j * j) % (2 * n))) / n;
    wr[j] = Math.cos(a); wi[j] = -Math.sin(a);
  }
  // b_j = conj(w_j) for |j| < n, wrapped circularly; stored as its transform
  const br = new Float64Array(m), bi = new Float64Array(m);
  br[0] = wr[0]!; bi[0] = -wi[0]!;
  for (let j = 1; j < n; j++) { br[j] = br[m - j] = wr[j]!; bi[j] = bi[m - j] = -wi[j]!; }
  radix2(br, bi, false);
  return { n, m, wr, wi, br, bi };
}

/** In-place transform of any length via Bluestein: X_k = w_k Σ_j (x_j w_j) conj(w_{k−j}). */
function bluestein(re: Float64Array, im: Float64Array, inv: boolean): void {
  const n = re.length;
  const { m, wr, wi, br, bi } = cached(bluesteinCache, n, makeBluestein);
  // the inverse-sign transform is conj(F(conj x)): conjugate in and out
  const s = inv ? -1 : 1;
  const ar = new Float64Array(m), ai = new Float64Array(m);
  for (let j = 0; j < n; j++) {
    const xr = re[j]!, xi = s * im[j]!;
    ar[j] = xr * wr[j]! - xi * wi[j]!; ai[j] = xr * wi[j]! + xi * wr[j]!;
  }
  radix2(ar, ai, false);
  for (let k = 0; k < m; k++) {
    const xr = ar[k]! * br[k]! - ai[k]! * bi[k]!, xi = ar[k]! * bi[k]! + ai[k]! * br[k]!;
    ar[k] = xr; ai[k] = xi;
  }
  radix2(ar, ai, true);
  for (let k = 0; k < n; k++) {
    const cr = ar[k]! / m, ci = ai[k]! / m;
    re[k] = cr * wr[k]! - ci * wi[k]!; im[k] = s * (cr * wi[k]! + ci * wr[k]!);
  }
}

/** In-place unnormalised DFT of one complex signal (float64), any length n ≥ 1. */
export function dftInPlace(re: Float64Array, im: Float64Array, inverse: boolean): void {
  if (isPow2(re.length)) radix2(re, im, inverse);
  else bluestein(re, im, inverse);
}

/** `fftC2C`: input [..., n, 2] → output [..., n, 2] (see the module comment). */
export const fftC2CKernel: Kernel = ([x], [y], attrs) => {
  const { inverse, scale } = attrs as FftAttrs;
  const shape = x!.shape, n = shape[shape.length - 2]!, xd = x!.data, yd = y!.data;
  if (n === 0) return;
  const batch = xd.length / (2 * n);
  const re = new Float64Array(n), im = new Float64Array(n);
  for (let b = 0; b < batch; b++) {
    const o = 2 * n * b;
    for (let j = 0; j < n; j++) { re[j] = xd[o + 2 * j]!; im[j] = xd[o + 2 * j + 1]!; }
    dftInPlace(re, im, inverse);
    for (let k = 0; k < n; k++) { yd[o + 2 * k] = re[k]! * scale; yd[o + 2 * k + 1] = im[k]! * scale; }
  }
};
