/**
 * Reference kernels of the discrete Fourier transform (docs/design/fft.md).
 *
 * Complex values are stored as re/im pairs in a trailing axis of size 2 (like `torch.view_as_real`):
 * the input `[..., n, 2]` holds `batch = size / (2n)` independent signals of length n, and
 * `fftC2C` writes, per signal,
 *
 *   y_k = scale · Σ_{j=0}^{n−1} x_j · exp(s · 2πi·jk/n),   s = −1 (forward) or +1 (`inverse`).
 *
 * `rfftR2C` takes real signals `[..., n]` and writes the one-sided half `[..., ⌊n/2⌋+1, 2]` of the
 * forward transform (s = −1) times `scale`.
 *
 * Algorithms: for powers of two an iterative radix-2² Cooley–Tukey transform (two radix-2 stages per
 * pass over the data, per-stage contiguous twiddle tables, the small stages done block by block so
 * they stay in cache); for every other length Bluestein's chirp-z transform (the length-n DFT as a
 * circular convolution of length m = 2^⌈log₂(2n−1)⌉), whose forward transform is decimation in
 * frequency and whose inverse is decimation in time, so the convolution needs no bit reversal.
 * Real input of even length n is transformed as n/2 complex points (x_{2j} + i·x_{2j+1}) followed
 * by the usual split into the even and odd halves. All arithmetic is float64; the result is rounded
 * once to the output dtype. Plans (twiddles, bit reversal, chirps) are cached per length.
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

/** Attributes of `rfftR2C`. */
export interface RfftAttrs {
  /** Factor applied to every output value (the norm mode's scaling). */
  scale: number;
}

/**
 * A power-of-two plan: the bit-reversal permutation and, for every stage of half-size h, the
 * twiddles cos(πk/h), sin(πk/h) (k < h) at positions h … 2h − 1 of `twr` / `twi`.
 */
interface Pow2Plan { n: number; rev: Uint32Array; twr: Float64Array; twi: Float64Array }
/** Bluestein: the chirp w_j = exp(−πi j²/n) and the transform of its conjugate, in bit-reversed order. */
interface BluesteinPlan { n: number; m: number; wr: Float64Array; wi: Float64Array; br: Float64Array; bi: Float64Array }
/** Real-input split: exp(−2πik/n) for k < n/2. */
interface RealPlan { n: number; cr: Float64Array; ci: Float64Array }

/** Plans kept per cache (least recently used evicted), and the most elements all of them may hold. */
const CACHE_SIZE = 16;
const CACHE_ELEMENTS = 1 << 23;
const pow2Cache = new Map<number, Pow2Plan>();
const bluesteinCache = new Map<number, BluesteinPlan>();
const realCache = new Map<number, RealPlan>();

function cached<T>(cache: Map<number, T>, n: number, make: (n: number) => T): T {
  let p = cache.get(n);
  if (p) { cache.delete(n); cache.set(n, p); return p; } // LRU: move to the back
  p = make(n);
  cache.set(n, p);
  let total = 0;
  for (const k of cache.keys()) total += k;
  while (cache.size > 1 && (cache.size > CACHE_SIZE || total > CACHE_ELEMENTS)) {
    const oldest = cache.keys().next().value!;
    total -= oldest;
    cache.delete(oldest);
  }
  return p;
}

const isPow2 = (n: number): boolean => (n & (n - 1)) === 0;

/** Below this many complex points the small stages of a transform run block by block (in cache). */
const BLOCK = 1 << 13;
/** Below this half-size a pass loops over twiddles outside and groups inside. */
const SMALL_H = 16;

function makePow2(n: number): Pow2Plan {
  const bits = Math.round(Math.log2(n)), rev = new Uint32Array(n);
  for (let i = 1; i < n; i++) rev[i] = (rev[i >> 1]! >> 1) | ((i & 1) << (bits - 1));
  // cos/sin of 2πk/n for k < n/2, computed directly (no recurrence: full accuracy), then each
  // stage's table is a strided copy: stage h uses angle πk/h = 2π·k(n/2h)/n
  const twr = new Float64Array(Math.max(2, n)), twi = new Float64Array(Math.max(2, n));
  const half = n >> 1;
  for (let k = 0; k < half; k++) { twr[half + k] = Math.cos((2 * Math.PI * k) / n); twi[half + k] = Math.sin((2 * Math.PI * k) / n); }
  for (let h = half >> 1; h >= 1; h >>= 1) {
    const stride = half / h;
    for (let k = 0; k < h; k++) { twr[h + k] = twr[half + k * stride]!; twi[h + k] = twi[half + k * stride]!; }
  }
  return { n, rev, twr, twi };
}

function bitReverse(re: Float64Array, im: Float64Array, rev: Uint32Array): void {
  const n = re.length;
  for (let i = 0; i < n; i++) {
    const j = rev[i]!;
    if (j > i) {
      let t = re[i]!; re[i] = re[j]!; re[j] = t;
      t = im[i]!; im[i] = im[j]!; im[j] = t;
    }
  }
}

/** The first radix-2 stage (h = 1, twiddle 1) over [lo, hi). */
function stage1(re: Float64Array, im: Float64Array, lo: number, hi: number): void {
  for (let s = lo; s < hi; s += 2) {
    const ar = re[s]!, ai = im[s]!, br = re[s + 1]!, bi = im[s + 1]!;
    re[s] = ar + br; im[s] = ai + bi; re[s + 1] = ar - br; im[s + 1] = ai - bi;
  }
}

/**
 * Decimation-in-time stages h and 2h in one pass over [lo, hi) (groups of 4h), exponent sign `sg`.
 * Stage h: (x_{s+k}, x_{s+k+h}) by W(k, 2h) in both halves; stage 2h: (b_k, b_{k+2h}) by W(k, 4h)
 * and (b_{k+h}, b_{k+3h}) by W(k + h, 4h) = W(k, 4h)·(sg·i).
 */
function ditPass(re: Float64Array, im: Float64Array, twr: Float64Array, twi: Float64Array, lo: number, hi: number, h: number, sg: number): void {
  const g = 4 * h, h2 = 2 * h;
  for (let s = lo; s < hi; s += g) {
    for (let k = 0; k < h; k++) {
      const w1r = twr[h + k]!, w1i = sg * twi[h + k]!, w2r = twr[h2 + k]!, w2i = sg * twi[h2 + k]!;
      const i0 = s + k, i1 = i0 + h, i2 = i1 + h, i3 = i2 + h;
      const x1r = re[i1]!, x1i = im[i1]!, x3r = re[i3]!, x3i = im[i3]!;
      let tr = x1r * w1r - x1i * w1i, ti = x1r * w1i + x1i * w1r;
      const x0r = re[i0]!, x0i = im[i0]!, x2r = re[i2]!, x2i = im[i2]!;
      const b0r = x0r + tr, b0i = x0i + ti, b1r = x0r - tr, b1i = x0i - ti;
      tr = x3r * w1r - x3i * w1i; ti = x3r * w1i + x3i * w1r;
      const b2r = x2r + tr, b2i = x2i + ti, b3r = x2r - tr, b3i = x2i - ti;
      const ur = b2r * w2r - b2i * w2i, ui = b2r * w2i + b2i * w2r;
      const pr = b3r * w2r - b3i * w2i, pi = b3r * w2i + b3i * w2r;
      const vr = -sg * pi, vi = sg * pr;
      re[i0] = b0r + ur; im[i0] = b0i + ui; re[i2] = b0r - ur; im[i2] = b0i - ui;
      re[i1] = b1r + vr; im[i1] = b1i + vi; re[i3] = b1r - vr; im[i3] = b1i - vi;
    }
  }
}

/**
 * {@link ditPass} for h = 1 (stages 1 and 2 of a bit-reversed input: twiddles 1 and sg·i only), no
 * multiplications.
 */
function ditPass1(re: Float64Array, im: Float64Array, lo: number, hi: number, sg: number): void {
  for (let s = lo; s < hi; s += 4) {
    const x0r = re[s]!, x0i = im[s]!, x1r = re[s + 1]!, x1i = im[s + 1]!, x2r = re[s + 2]!, x2i = im[s + 2]!, x3r = re[s + 3]!, x3i = im[s + 3]!;
    const b0r = x0r + x1r, b0i = x0i + x1i, b1r = x0r - x1r, b1i = x0i - x1i;
    const b2r = x2r + x3r, b2i = x2i + x3i, b3r = x2r - x3r, b3i = x2i - x3i;
    const vr = -sg * b3i, vi = sg * b3r;
    re[s] = b0r + b2r; im[s] = b0i + b2i; re[s + 2] = b0r - b2r; im[s + 2] = b0i - b2i;
    re[s + 1] = b1r + vr; im[s + 1] = b1i + vi; re[s + 3] = b1r - vr; im[s + 3] = b1i - vi;
  }
}

/** {@link ditPass} with the loops swapped (twiddles outer), for small h where groups are many. */
function ditPassSmall(re: Float64Array, im: Float64Array, twr: Float64Array, twi: Float64Array, lo: number, hi: number, h: number, sg: number): void {
  const g = 4 * h, h2 = 2 * h;
  for (let k = 0; k < h; k++) {
    const w1r = twr[h + k]!, w1i = sg * twi[h + k]!, w2r = twr[h2 + k]!, w2i = sg * twi[h2 + k]!;
    for (let i0 = lo + k; i0 < hi; i0 += g) {
      const i1 = i0 + h, i2 = i1 + h, i3 = i2 + h;
      const x1r = re[i1]!, x1i = im[i1]!, x3r = re[i3]!, x3i = im[i3]!;
      let tr = x1r * w1r - x1i * w1i, ti = x1r * w1i + x1i * w1r;
      const x0r = re[i0]!, x0i = im[i0]!, x2r = re[i2]!, x2i = im[i2]!;
      const b0r = x0r + tr, b0i = x0i + ti, b1r = x0r - tr, b1i = x0i - ti;
      tr = x3r * w1r - x3i * w1i; ti = x3r * w1i + x3i * w1r;
      const b2r = x2r + tr, b2i = x2i + ti, b3r = x2r - tr, b3i = x2i - ti;
      const ur = b2r * w2r - b2i * w2i, ui = b2r * w2i + b2i * w2r;
      const pr = b3r * w2r - b3i * w2i, pi = b3r * w2i + b3i * w2r;
      const vr = -sg * pi, vi = sg * pr;
      re[i0] = b0r + ur; im[i0] = b0i + ui; re[i2] = b0r - ur; im[i2] = b0i - ui;
      re[i1] = b1r + vr; im[i1] = b1i + vi; re[i3] = b1r - vr; im[i3] = b1i - vi;
    }
  }
}

/** Decimation-in-frequency stages 2h then h in one pass over [lo, hi) (the mirror of {@link ditPass}). */
function difPass(re: Float64Array, im: Float64Array, twr: Float64Array, twi: Float64Array, lo: number, hi: number, h: number, sg: number): void {
  const g = 4 * h, h2 = 2 * h;
  for (let s = lo; s < hi; s += g) {
    for (let k = 0; k < h; k++) {
      const w1r = twr[h + k]!, w1i = sg * twi[h + k]!, w2r = twr[h2 + k]!, w2i = sg * twi[h2 + k]!;
      const i0 = s + k, i1 = i0 + h, i2 = i1 + h, i3 = i2 + h;
      const x0r = re[i0]!, x0i = im[i0]!, x1r = re[i1]!, x1i = im[i1]!, x2r = re[i2]!, x2i = im[i2]!, x3r = re[i3]!, x3i = im[i3]!;
      const b0r = x0r + x2r, b0i = x0i + x2i, b1r = x1r + x3r, b1i = x1i + x3i;
      let dr = x0r - x2r, di = x0i - x2i;
      const b2r = dr * w2r - di * w2i, b2i = dr * w2i + di * w2r;
      dr = x1r - x3r; di = x1i - x3i;
      const pr = dr * w2r - di * w2i, pi = dr * w2i + di * w2r;
      const b3r = -sg * pi, b3i = sg * pr;
      re[i0] = b0r + b1r; im[i0] = b0i + b1i;
      dr = b0r - b1r; di = b0i - b1i;
      re[i1] = dr * w1r - di * w1i; im[i1] = dr * w1i + di * w1r;
      re[i2] = b2r + b3r; im[i2] = b2i + b3i;
      dr = b2r - b3r; di = b2i - b3i;
      re[i3] = dr * w1r - di * w1i; im[i3] = dr * w1i + di * w1r;
    }
  }
}

/** DIT stages on bit-reversed input → natural order (unnormalised, exponent sign `sg`). */
function ditStages(re: Float64Array, im: Float64Array, p: Pow2Plan, sg: number): void {
  const n = p.n, bits = Math.round(Math.log2(n));
  let h = 1;
  const odd = bits % 2 === 1;
  const B = Math.min(n, BLOCK);
  // the small stages block by block, in cache
  for (let lo = 0; lo < n; lo += B) {
    h = 1;
    if (odd) { stage1(re, im, lo, lo + B); h = 2; }
    for (; 4 * h <= B; h *= 4) {
      if (h === 1) ditPass1(re, im, lo, lo + B, sg);
      else if (h < SMALL_H) ditPassSmall(re, im, p.twr, p.twi, lo, lo + B, h, sg);
      else ditPass(re, im, p.twr, p.twi, lo, lo + B, h, sg);
    }
  }
  for (; h < n; h *= 4) ditPass(re, im, p.twr, p.twi, 0, n, h, sg);
}

/** DIF stages on natural-order input → bit-reversed order (unnormalised, exponent sign `sg`). */
function difStages(re: Float64Array, im: Float64Array, p: Pow2Plan, sg: number): void {
  const n = p.n, bits = Math.round(Math.log2(n));
  const odd = bits % 2 === 1;
  const B = Math.min(n, BLOCK);
  // pairs (2h, h) from the largest: h = n/4, n/16, … down to 1 (even bits) or 2 (odd bits, then h = 1 alone)
  const hs: number[] = [];
  for (let h = n >> 2; h >= (odd ? 2 : 1); h >>= 2) hs.push(h);
  for (const h of hs) if (4 * h > B) difPass(re, im, p.twr, p.twi, 0, n, h, sg);
  for (let lo = 0; lo < n; lo += B) {
    for (const h of hs) if (4 * h <= B) difPass(re, im, p.twr, p.twi, lo, lo + B, h, sg);
    if (odd) stage1(re, im, lo, lo + B);
  }
}

/** Scratch arrays for the out-of-place bit reversal (grown on demand, reused). */
let scratchRe = new Float64Array(0), scratchIm = new Float64Array(0);

/** Tile side (as bits) of the blocked bit reversal (64: measured fastest at 2^19 points, 32 and 128 close). */
const TILE_BITS = 6;

/**
 * dst[rev(i)] = src[i], tile by tile: with i = (a, m, c) split into its top and bottom TILE_BITS
 * bits a, c and the middle bits m, rev(i) = (rev c, rev m, rev a). For each m the T×T tile is read
 * by rows of c (contiguous in src) into a small buffer and written by rows of rev a (contiguous in
 * dst), instead of one scattered access per element (Carter & Gatlin's COBRA blocking).
 */
function bitReverseInto(dr: Float64Array, di: Float64Array, sr: Float64Array, si: Float64Array, rev: Uint32Array, bits: number): void {
  const q = TILE_BITS, T = 1 << q, midBits = bits - 2 * q, M = 1 << midBits;
  const revT = new Uint32Array(T);
  for (let i = 1; i < T; i++) revT[i] = (revT[i >> 1]! >> 1) | ((i & 1) << (q - 1));
  const lowShift = bits - q; // c's reversal lands in the top q bits
  const br = new Float64Array(T * T), bi = new Float64Array(T * T);
  for (let m = 0; m < M; m++) {
    const rm = midBits > 0 ? (rev[m << q]! >>> q) & (M - 1) : 0; // rev of the middle bits
    // read the tile by rows of c (contiguous in src), into buf[c][rev a]
    for (let a = 0; a < T; a++) {
      const src = (a << lowShift) | (m << q), ra = revT[a]!;
      for (let c = 0; c < T; c++) { br[c * T + ra] = sr[src + c]!; bi[c * T + ra] = si[src + c]!; }
    }
    // write it by rows of rev c (contiguous in dst)
    for (let c = 0; c < T; c++) {
      const dst = (revT[c]! << lowShift) | (rm << q), o = c * T;
      for (let r = 0; r < T; r++) { dr[dst + r] = br[o + r]!; di[dst + r] = bi[o + r]!; }
    }
  }
}

/** In-place power-of-two transform of (re, im), exponent sign −1 (or +1 when `inv`), unnormalised. */
function pow2(re: Float64Array, im: Float64Array, inv: boolean): void {
  const n = re.length;
  if (n <= 1) return;
  const p = cached(pow2Cache, n, makePow2);
  const bits = Math.round(Math.log2(n));
  if (bits >= 2 * TILE_BITS + 2) {
    if (scratchRe.length < n) { scratchRe = new Float64Array(n); scratchIm = new Float64Array(n); }
    const sr = scratchRe.subarray(0, n), si = scratchIm.subarray(0, n);
    sr.set(re); si.set(im);
    bitReverseInto(re, im, sr, si, p.rev, bits);
  } else {
    bitReverse(re, im, p.rev);
  }
  ditStages(re, im, p, inv ? 1 : -1);
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
  // b_j = conj(w_j) for |j| < n, wrapped circularly; stored as its forward transform (bit-reversed order)
  const br = new Float64Array(m), bi = new Float64Array(m);
  br[0] = wr[0]!; bi[0] = -wi[0]!;
  for (let j = 1; j < n; j++) { br[j] = br[m - j] = wr[j]!; bi[j] = bi[m - j] = -wi[j]!; }
  difStages(br, bi, cached(pow2Cache, m, makePow2), -1);
  return { n, m, wr, wi, br, bi };
}

/** In-place transform of any length via Bluestein: X_k = w_k Σ_j (x_j w_j) conj(w_{k−j}). */
function bluestein(re: Float64Array, im: Float64Array, inv: boolean): void {
  const n = re.length;
  const { m, wr, wi, br, bi } = cached(bluesteinCache, n, makeBluestein);
  const p = cached(pow2Cache, m, makePow2);
  // the inverse-sign transform is conj(F(conj x)): conjugate in and out
  const s = inv ? -1 : 1;
  const ar = new Float64Array(m), ai = new Float64Array(m);
  for (let j = 0; j < n; j++) {
    const xr = re[j]!, xi = s * im[j]!;
    ar[j] = xr * wr[j]! - xi * wi[j]!; ai[j] = xr * wi[j]! + xi * wr[j]!;
  }
  difStages(ar, ai, p, -1); // → bit-reversed order, as br/bi
  for (let k = 0; k < m; k++) {
    const xr = ar[k]! * br[k]! - ai[k]! * bi[k]!, xi = ar[k]! * bi[k]! + ai[k]! * br[k]!;
    ar[k] = xr; ai[k] = xi;
  }
  ditStages(ar, ai, p, 1); // bit-reversed → natural order
  const inv_m = 1 / m;
  for (let k = 0; k < n; k++) {
    const cr = ar[k]! * inv_m, ci = ai[k]! * inv_m;
    re[k] = cr * wr[k]! - ci * wi[k]!; im[k] = s * (cr * wi[k]! + ci * wr[k]!);
  }
}

/** In-place unnormalised DFT of one complex signal (float64), any length n ≥ 1. */
export function dftInPlace(re: Float64Array, im: Float64Array, inverse: boolean): void {
  if (isPow2(re.length)) pow2(re, im, inverse);
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

function makeReal(n: number): RealPlan {
  const h = n >> 1, cr = new Float64Array(h), ci = new Float64Array(h);
  for (let k = 0; k < h; k++) { cr[k] = Math.cos((2 * Math.PI * k) / n); ci[k] = -Math.sin((2 * Math.PI * k) / n); }
  return { n, cr, ci };
}

/**
 * `rfftR2C`: real [..., n] → one-sided complex [..., ⌊n/2⌋+1, 2] of the forward transform, times
 * `scale`. Even n: with z_j = x_{2j} + i·x_{2j+1} (j < n/2) and Z its n/2-point DFT,
 *   X_k = E_k + e^{−2πik/n}·O_k,  E_k = (Z_k + conj Z_{n/2−k})/2,  O_k = (Z_k − conj Z_{n/2−k})/(2i).
 * Odd n: the complex transform of (x, 0).
 */
export const rfftR2CKernel: Kernel = ([x], [y], attrs) => {
  const { scale } = attrs as RfftAttrs;
  const n = x!.shape[x!.shape.length - 1]!, xd = x!.data, yd = y!.data;
  if (n === 0) return;
  const batch = xd.length / n, nb = (n >> 1) + 1;
  if (n % 2 === 1 || n === 2) {
    const re = new Float64Array(n), im = new Float64Array(n);
    for (let b = 0; b < batch; b++) {
      for (let j = 0; j < n; j++) { re[j] = xd[b * n + j]!; im[j] = 0; }
      dftInPlace(re, im, false);
      const o = 2 * nb * b;
      for (let k = 0; k < nb; k++) { yd[o + 2 * k] = re[k]! * scale; yd[o + 2 * k + 1] = im[k]! * scale; }
    }
    return;
  }
  const h = n >> 1, { cr, ci } = cached(realCache, n, makeReal);
  const re = new Float64Array(h), im = new Float64Array(h);
  const half = 0.5 * scale;
  for (let b = 0; b < batch; b++) {
    const xo = b * n;
    for (let j = 0; j < h; j++) { re[j] = xd[xo + 2 * j]!; im[j] = xd[xo + 2 * j + 1]!; }
    dftInPlace(re, im, false);
    const o = 2 * nb * b;
    // k = 0 and k = n/2: E = Re Z_0, O = Im Z_0
    yd[o] = (re[0]! + im[0]!) * scale; yd[o + 1] = 0;
    yd[o + 2 * h] = (re[0]! - im[0]!) * scale; yd[o + 2 * h + 1] = 0;
    for (let k = 1; k < h; k++) {
      const zr = re[k]!, zi = im[k]!, wr = re[h - k]!, wi = -im[h - k]!; // w = conj Z_{h−k}
      const er = zr + wr, ei = zi + wi; // 2E
      const dr = zr - wr, di = zi - wi; // 2i·O  →  2O = (di, −dr)
      const or = di, oi = -dr;
      const c = cr[k]!, s = ci[k]!;
      yd[o + 2 * k] = (er + or * c - oi * s) * half;
      yd[o + 2 * k + 1] = (ei + or * s + oi * c) * half;
    }
  }
};
