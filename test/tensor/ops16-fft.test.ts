/**
 * The FFT kernels at sizes the small-length tests of test/tensor/fft.test.ts do not reach: the
 * blocked bit reversal (≥ 2^12 points), stages past the in-cache block (> 2^13 points), odd and
 * even log₂ n, Bluestein lengths whose 2^k convolution is itself blocked, and the real-input
 * kernel (rfftR2C: even n as n/2 complex points, odd n direct). Bins are checked against a naive
 * DFT sum, and the gradient of rfft against the adjoint identity ⟨rfft x, g⟩ = ⟨x, rfftᵀ g⟩.
 */
import { describe, expect, it } from 'vitest';
import { backward, fft, irfft, mul, randn, rfft, sum, Tensor } from '../../src/index.js';
import { Rng } from '../../src/util/rng.js';

/** Σ_j x_j e^{−2πi jk/n} for one bin k, exact angle reduction (float64). */
function naiveBin(re: ArrayLike<number>, im: ArrayLike<number> | null, k: number): [number, number] {
  const n = re.length;
  let sr = 0, si = 0;
  for (let j = 0; j < n; j++) {
    const a = (-2 * Math.PI * ((j * k) % n)) / n, c = Math.cos(a), s = Math.sin(a);
    const xr = re[j]!, xi = im ? im[j]! : 0;
    sr += xr * c - xi * s; si += xr * s + xi * c;
  }
  return [sr, si];
}

const BINS = (n: number, rng: Rng): number[] => [0, 1, 2, n >> 1, n - 1, ...Array.from({ length: 6 }, () => Math.floor(rng.uniform() * n))].filter((k) => k < n);

describe('fft kernels at large sizes', () => {
  const rng = new Rng(1602);
  it('fft: powers of two 2^12 … 2^16 (both parities of log₂ n) and Bluestein lengths 9001, 5000, match naive bins to 1e-12 relative', () => {
    for (const n of [1 << 12, 1 << 13, 1 << 14, 1 << 15, 1 << 16, 9001, 5000]) {
      const x = randn(rng, [n, 2], { dtype: 'float64' }), d = x.data as Float64Array;
      const re = d.filter((_, i) => i % 2 === 0), im = d.filter((_, i) => i % 2 === 1);
      const y = fft(x).data, scale = Math.sqrt(n);
      for (const k of BINS(n, rng)) {
        const [wr, wi] = naiveBin(re, im, k);
        expect(Math.abs(y[2 * k]! - wr) / scale, `n=${n} k=${k} re`).toBeLessThan(1e-12);
        expect(Math.abs(y[2 * k + 1]! - wi) / scale, `n=${n} k=${k} im`).toBeLessThan(1e-12);
      }
    }
  });

  it('rfft: even (power of two and not) and odd lengths match naive bins; irfft inverts; float32 close to float64', () => {
    for (const n of [1 << 15, 30030, 9001, 2, 1]) {
      const x = randn(rng, [n], { dtype: 'float64' });
      const X = rfft(x), h = Math.floor(n / 2) + 1, scale = Math.sqrt(n);
      expect(X.shape).toEqual([h, 2]);
      for (const k of BINS(h, rng)) {
        const [wr, wi] = naiveBin(x.data, null, k);
        expect(Math.abs(X.data[2 * k]! - wr) / scale, `n=${n} k=${k}`).toBeLessThan(1e-12);
        expect(Math.abs(X.data[2 * k + 1]! - wi) / scale, `n=${n} k=${k}`).toBeLessThan(1e-12);
      }
      const back = irfft(X, { n }).data;
      let e = 0;
      for (let i = 0; i < n; i++) e = Math.max(e, Math.abs(back[i]! - x.data[i]!));
      expect(e, `roundtrip n=${n}`).toBeLessThan(1e-12);
      const X32 = rfft(x.cast('float32'));
      let e32 = 0;
      for (let i = 0; i < X.size; i++) e32 = Math.max(e32, Math.abs(X32.data[i]! - X.data[i]!));
      expect(e32 / scale, `float32 n=${n}`).toBeLessThan(1e-5);
    }
  });

  it('rfft gradient at n = 2^14 and 9001 satisfies the adjoint identity ⟨rfft x, g⟩ = ⟨x, ∇⟩ (it is linear)', () => {
    for (const n of [1 << 14, 9001]) {
      const x = new Tensor(randn(rng, [n], { dtype: 'float64' }).data, [n], 'float64', true);
      const g = randn(rng, [Math.floor(n / 2) + 1, 2], { dtype: 'float64' });
      const y = sum(mul(rfft(x, { norm: 'ortho' }), g));
      backward(y);
      let dot = 0;
      for (let i = 0; i < n; i++) dot += x.data[i]! * x.grad!.data[i]!;
      expect(Math.abs(dot - y.item()) / Math.max(1, Math.abs(y.item()))).toBeLessThan(1e-11);
    }
  });
});
