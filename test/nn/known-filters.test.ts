/**
 * Known operators, part 1: spectral filtering through the FFT (1-D and 2-D, real and complex
 * responses) and the Gaussian / derivative / Laplacian-of-Gaussian filters built from σ —
 * values against direct convolutions and exact moments, gradchecks in float64 (x, responses, σ),
 * and the named errors.
 */
import { describe, expect, it } from 'vitest';
import {
  GaussianFilter2d, SpectralFilter, gaussianFilter2d, gaussianKernel1d, gaussianKernel2d, spectralFilter, spectrumShape,
} from '../../src/nn/index.js';
import type { GaussianKind } from '../../src/nn/index.js';
import type { Module } from '../../src/nn/index.js';
import { conv2d, randn, rfft, tensor } from '../../src/tensor/index.js';
import type { Tensor } from '../../src/tensor/index.js';
import { assertGradcheck } from '../../src/testing/index.js';
import { Rng, ShapeError, ValueError } from '../../src/util/index.js';
import { startsWithOp } from '../helpers/named-errors.js';
import { paramGradcheck } from '../../src/testing/index.js';

const f64 = (rng: Rng, shape: number[], grad = true): Tensor => randn(rng, shape, { dtype: 'float64', requiresGrad: grad });
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

/** Worst |analytic − numeric| of a scalar loss's gradients w.r.t. the module's parameters (the shipped paramGradcheck). */
const moduleParamGradError = (m: Module<any[], any>, loss: () => Tensor): number => paramGradcheck(m.parameters(), loss).maxAbsError;

describe('spectralFilter / SpectralFilter', () => {
  it('1-D: a real response equal to rfft(h) filters like linear convolution with h (padded FFT), like circular convolution without padding', () => {
    const rng = new Rng(1);
    const m = 11, L = 4, n = 16;
    const x = f64(rng, [3, m], false), h = new Float64Array(n);
    for (let k = 0; k < L; k++) h[k] = rng.normal();
    const H = rfft(tensor(h, { dtype: 'float64' })); // complex [9, 2]
    const y = spectralFilter(x, H, { n }).toArray() as number[][];
    const xs = x.toArray() as number[][];
    for (let b = 0; b < 3; b++) {
      for (let i = 0; i < m; i++) {
        let want = 0;
        for (let k = 0; k < L; k++) if (i - k >= 0) want += h[k]! * xs[b]![i - k]!;
        expect(Math.abs(y[b]![i]! - want)).toBeLessThan(1e-12);
      }
    }
    // no padding: circular convolution over m
    const hc = new Float64Array(m);
    for (let k = 0; k < L; k++) hc[k] = h[k]!;
    const yc = spectralFilter(x, rfft(tensor(hc, { dtype: 'float64' }))).toArray() as number[][];
    let want = 0;
    for (let k = 0; k < L; k++) want += hc[k]! * xs[0]![(0 - k + m) % m]!;
    expect(Math.abs(yc[0]![0]! - want)).toBeLessThan(1e-12);
    // a zero-phase (real) response: the all-pass ones returns x
    expect(maxAbs(spectralFilter(x, tensor(new Array(6).fill(1), { dtype: 'float64' })).toFlatArray(), x.toFlatArray())).toBeLessThan(1e-13);
  });

  it('2-D: a complex response rfft2(h) is a 2-D circular convolution', () => {
    const rng = new Rng(2);
    const [a, b] = [6, 5];
    const x = f64(rng, [2, a, b], false);
    const h = new Float64Array(a * b);
    h[0] = 1; h[1] = -0.5; h[b] = 0.25; h[b + 2] = 2;
    const Hs = spectrumOf(tensor(h, { dtype: 'float64' }).reshape([a, b])); // a naive 2-D DFT
    const y = spectralFilter(x, Hs, { dims: 2 }).toArray() as number[][][];
    const xs = x.toArray() as number[][][];
    for (let i = 0; i < a; i++) {
      for (let j = 0; j < b; j++) {
        let want = 0;
        for (let p = 0; p < a; p++) for (let q = 0; q < b; q++) want += h[p * b + q]! * xs[1]![(i - p + a) % a]![(j - q + b) % b]!;
        expect(Math.abs(y[1]![i]![j]! - want)).toBeLessThan(1e-12);
      }
    }
    expect(spectrumShape([a, b])).toEqual([6, 3]);
  });

  it('gradcheck (float64): x and the response, real and complex, 1-D (padded) and 2-D', () => {
    const rng = new Rng(3);
    assertGradcheck((x, h) => spectralFilter(x, h, { n: 12 }), [f64(rng, [2, 7]), f64(rng, [7])], { label: '1-D real' });
    assertGradcheck((x, h) => spectralFilter(x, h, { n: 9 }), [f64(rng, [2, 7]), f64(rng, [5, 2])], { label: '1-D complex, odd n' });
    assertGradcheck((x, h) => spectralFilter(x, h, { dims: 2, n: [6, 8] }), [f64(rng, [1, 4, 5]), f64(rng, [6, 5, 2])], { label: '2-D complex' });
    assertGradcheck((x, h) => spectralFilter(x, h, { dims: 2 }), [f64(rng, [2, 4, 5]), f64(rng, [4, 3])], { label: '2-D real' });
  });

  it('the SpectralFilter module: all-pass at init, learnable response with a checked gradient, fixed as a buffer', () => {
    const rng = new Rng(4);
    const f = new SpectralFilter(10, { n: 20, dtype: 'float64' });
    expect(f.response.shape).toEqual([11]);
    const x = f64(rng, [3, 10], false);
    expect(maxAbs(f.call(x).toFlatArray(), x.toFlatArray())).toBeLessThan(1e-13);
    f.response.data.set(Array.from({ length: 11 }, () => rng.normal()));
    const u = f64(rng, [3, 10], false);
    expect(moduleParamGradError(f, () => f.call(x).mul(u).sum())).toBeLessThan(1e-8);
    const c = new SpectralFilter([4, 6], { complex: true, dtype: 'float64' });
    expect(c.response.shape).toEqual([4, 4, 2]);
    expect(c.parameters()).toHaveLength(1);
    expect(new SpectralFilter(8, { learnable: false }).parameters()).toHaveLength(0);
  });

  it('named errors', () => {
    const x = tensor([[1, 2, 3, 4]], { dtype: 'float64' });
    startsWithOp(() => spectralFilter(x, tensor([1, 1], { dtype: 'float64' })), ShapeError, 'spectralFilter', '[1,4]');
    startsWithOp(() => spectralFilter(x, tensor([1, 1, 1], { dtype: 'float64' }), { n: 2 }), ValueError, 'spectralFilter', 'smaller');
    startsWithOp(() => new SpectralFilter(4, { n: 3 }), ValueError, 'SpectralFilter');
    startsWithOp(() => new SpectralFilter(4).call(tensor([[1, 2, 3]])), ShapeError, 'SpectralFilter', '[1,3]');
    startsWithOp(() => new SpectralFilter(4, { init: tensor([1, 2]) }), ShapeError, 'SpectralFilter', 'init');
  });
});

/** rfft2 of a real [a, b] image through fft2's convention, [a, ⌊b/2⌋+1, 2]. */
function spectrumOf(img: Tensor): Tensor {
  const a = img.shape[0]!, b = img.shape[1]!;
  const out = new Float64Array(a * (Math.floor(b / 2) + 1) * 2);
  const d = img.toFlatArray();
  const m = Math.floor(b / 2) + 1;
  for (let p = 0; p < a; p++) {
    for (let q = 0; q < m; q++) {
      let re = 0, im = 0;
      for (let i = 0; i < a; i++) {
        for (let j = 0; j < b; j++) {
          const ang = -2 * Math.PI * ((p * i) / a + (q * j) / b);
          re += d[i * b + j]! * Math.cos(ang);
          im += d[i * b + j]! * Math.sin(ang);
        }
      }
      out[(p * m + q) * 2] = re;
      out[(p * m + q) * 2 + 1] = im;
    }
  }
  return tensor(out, { dtype: 'float64' }).reshape([a, m, 2]);
}

describe('Gaussian kernels', () => {
  it('moment-normalised 1-D kernels: Σk₀ = 1, Σt·k₁ = 1, Σk₂ = 0, Σt²·k₂ = 2, at small and large σ', () => {
    for (const s of [0.6, 1, 2.5]) {
      const mom = (k: ArrayLike<number>, p: number) => { const r = (k.length - 1) / 2; let m = 0; for (let i = 0; i < k.length; i++) m += (i - r) ** p * k[i]!; return m; };
      const k0 = gaussianKernel1d(s, 0).toFlatArray(), k1 = gaussianKernel1d(s, 1).toFlatArray(), k2 = gaussianKernel1d(s, 2).toFlatArray();
      expect(k0).toHaveLength(2 * Math.ceil(4 * s) + 1);
      expect(Math.abs(mom(k0, 0) - 1)).toBeLessThan(1e-14);
      expect(Math.abs(mom(k0, 1))).toBeLessThan(1e-14);
      expect(Math.abs(mom(k1, 0))).toBeLessThan(1e-14);
      expect(Math.abs(mom(k1, 1) - 1)).toBeLessThan(1e-14);
      expect(Math.abs(mom(k2, 0))).toBeLessThan(1e-14);
      expect(Math.abs(mom(k2, 1))).toBeLessThan(1e-14);
      expect(Math.abs(mom(k2, 2) - 2)).toBeLessThan(1e-13);
      if (s >= 1) expect(Math.abs(mom(k0, 2) - s * s) / (s * s)).toBeLessThan(1e-3); // variance σ²
    }
    // large σ: the sampled continuous derivatives (t/σ²)G and ((t²−σ²)/σ⁴)G
    const s = 4, k1 = gaussianKernel1d(s, 1).toFlatArray(), k2 = gaussianKernel1d(s, 2).toFlatArray(), r = 16;
    const G = (t: number) => Math.exp(-(t * t) / (2 * s * s)) / (Math.sqrt(2 * Math.PI) * s);
    for (let i = 0; i <= 2 * r; i++) {
      const t = i - r;
      expect(Math.abs(k1[i]! - (t / s ** 2) * G(t))).toBeLessThan(2e-4);
      expect(Math.abs(k2[i]! - ((t * t - s * s) / s ** 4) * G(t))).toBeLessThan(2e-4);
    }
  });

  it('2-D kernels: the Gaussian sums to 1 with covariance σ²·I; derivative kernels differentiate polynomials exactly under conv2d', () => {
    const s = 1.5;
    const g = gaussianKernel2d(s, 'gaussian').toArray() as number[][][][];
    const K = g[0]![0]!, r = (K.length - 1) / 2;
    let m0 = 0, mxx = 0, myy = 0, mxy = 0, mx = 0;
    K.forEach((row, a) => row.forEach((v, b) => { m0 += v; mx += (b - r) * v; mxx += (b - r) ** 2 * v; myy += (a - r) ** 2 * v; mxy += (a - r) * (b - r) * v; }));
    expect(Math.abs(m0 - 1)).toBeLessThan(1e-14);
    expect(Math.abs(mx)).toBeLessThan(1e-14);
    expect(Math.abs(mxy)).toBeLessThan(1e-14);
    expect(Math.abs(mxx - s * s) / (s * s)).toBeLessThan(1e-3);
    expect(Math.abs(myy - mxx)).toBeLessThan(1e-14);
    // image f(i, j) with x = j (columns), y = i (rows): f = 3x² − 2xy + 5y² + x − 4y
    const n = 20, img = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) img[i * n + j] = 3 * j * j - 2 * i * j + 5 * i * i + j - 4 * i;
    const x = tensor(img, { dtype: 'float64' }).reshape([1, 1, n, n]);
    const at = (kind: GaussianKind, i: number, j: number) => {
      const w = gaussianKernel2d(s, kind, undefined, { dtype: 'float64' });
      const y = conv2d(x, w).toArray() as number[][][][];
      return y[0]![0]![i - r]![j - r]!;
    };
    const [i, j] = [10, 9];
    expect(Math.abs(at('dxx', i, j) - 6)).toBeLessThan(1e-9);
    expect(Math.abs(at('dyy', i, j) - 10)).toBeLessThan(1e-9);
    expect(Math.abs(at('dxy', i, j) + 2)).toBeLessThan(1e-9);
    expect(Math.abs(at('laplacian', i, j) - 16)).toBeLessThan(1e-9);
    expect(Math.abs(at('dx', i, j) - (6 * j - 2 * i + 1))).toBeLessThan(1e-9);
    expect(Math.abs(at('dy', i, j) - (-2 * j + 10 * i - 4))).toBeLessThan(1e-9);
    // the Gaussian of a quadratic adds the kernel's variance: G⋆x² = x² + σ²_discrete
    expect(Math.abs(at('gaussian', i, j) - (img[i * n + j]! + 3 * mxx + 5 * myy))).toBeLessThan(1e-9);
  });

  it('gaussianFilter2d (separable) equals conv2d with the 2-D kernel, and GaussianFilter2d keeps a constant image', () => {
    const rng = new Rng(5);
    const x = f64(rng, [2, 3, 12, 11], false);
    for (const kind of ['gaussian', 'dx', 'dyy', 'dxy', 'laplacian'] as GaussianKind[]) {
      const w = gaussianKernel2d(1.2, kind, 3, { dtype: 'float64' }).expand([3, 1, 7, 7]);
      const want = conv2d(x.pad([[3, 3], [3, 3]]), w, null, { groups: 3 });
      const got = gaussianFilter2d(x, 1.2, kind, { radius: 3, padding: 'zeros' });
      expect(maxAbs(got.toFlatArray(), want.toFlatArray()), kind).toBeLessThan(1e-12);
    }
    const c = tensor(new Array(64).fill(2.5), { dtype: 'float64' }).reshape([1, 1, 8, 8]);
    const y = new GaussianFilter2d('gaussian', { sigma: 2, dtype: 'float64' }).call(c).toFlatArray();
    expect(maxAbs(y, new Array(64).fill(2.5))).toBeLessThan(1e-13);
    expect(maxAbs(new GaussianFilter2d('laplacian', { sigma: 1, dtype: 'float64', padding: 'reflect' }).call(c).toFlatArray(), new Array(64).fill(0))).toBeLessThan(1e-13);
  });

  it('gradcheck (float64): kernels w.r.t. σ for every kind; the filter w.r.t. x and σ; the module w.r.t. log σ', () => {
    const rng = new Rng(6);
    for (const kind of ['gaussian', 'dx', 'dy', 'dxx', 'dyy', 'dxy', 'laplacian'] as GaussianKind[]) {
      assertGradcheck((s) => gaussianKernel2d(s, kind, 4), [tensor([1.3], { dtype: 'float64', requiresGrad: true })], { label: kind });
    }
    for (const o of [0, 1, 2] as const) assertGradcheck((s) => gaussianKernel1d(s, o, 3), [tensor(0.8, { dtype: 'float64', requiresGrad: true })], { label: `order ${o}` });
    assertGradcheck((x, s) => gaussianFilter2d(x, s, 'dxy', { radius: 3 }), [f64(rng, [1, 2, 6, 7]), tensor([1.1], { dtype: 'float64', requiresGrad: true })]);
    assertGradcheck((x, s) => gaussianFilter2d(x, s, 'laplacian', { radius: 2, padding: 'reflect' }), [f64(rng, [2, 1, 5, 5]), tensor([0.9], { dtype: 'float64', requiresGrad: true })]);
    const m = new GaussianFilter2d('dxx', { sigma: 1.4, learnable: true, dtype: 'float64' });
    expect(m.parameters()).toHaveLength(1);
    const x = f64(rng, [1, 1, 9, 9], false), u = f64(rng, [1, 1, 9, 9], false);
    expect(moduleParamGradError(m, () => m.call(x).mul(u).sum())).toBeLessThan(1e-8);
    expect(new GaussianFilter2d('dx').parameters()).toHaveLength(0);
  });

  it('the parameter-gradient checker fails on a wrong gradient', () => {
    const m = new GaussianFilter2d('gaussian', { sigma: 1, learnable: true, dtype: 'float64' });
    const x = f64(new Rng(7), [1, 1, 6, 6], false);
    // a loss whose backward is cut (detach) has zero analytic gradient but a non-zero numeric one
    expect(moduleParamGradError(m, () => m.call(x).detach().mul(x).sum().add(m.logSigma.mul(0).sum()))).toBeGreaterThan(1e-3);
    expect(moduleParamGradError(m, () => m.call(x).mul(x).sum())).toBeLessThan(1e-8);
  });

  it('named errors', () => {
    startsWithOp(() => gaussianKernel1d(0), ValueError, 'gaussianKernel1d', 'sigma');
    startsWithOp(() => gaussianKernel1d(1, 3 as 2), ValueError, 'gaussianKernel1d', 'order');
    startsWithOp(() => gaussianKernel1d(1, 0, 0), ValueError, 'gaussianKernel1d', 'radius');
    startsWithOp(() => gaussianKernel1d(tensor([1, 2]), 0), ShapeError, 'gaussianKernel1d', '[2]');
    startsWithOp(() => gaussianKernel2d(1, 'dz' as GaussianKind), ValueError, 'gaussianKernel2d', 'kind');
    startsWithOp(() => gaussianFilter2d(tensor([[1, 2]]), 1), ShapeError, 'gaussianFilter2d', '[1,2]');
    startsWithOp(() => gaussianFilter2d(tensor([[[[1, 2]]]]), 1, 'gaussian', { padding: 'reflect' }), ShapeError, 'gaussianFilter2d', 'reflect');
    startsWithOp(() => new GaussianFilter2d('gaussian', { sigma: -1 }), ValueError, 'GaussianFilter2d', 'sigma');
    startsWithOp(() => new GaussianFilter2d().call(tensor([1, 2, 3])), ShapeError, 'GaussianFilter2d', '[3]');
  });
});
