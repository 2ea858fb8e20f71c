import { describe, expect, it } from 'vitest';
import { besselBasis, gaussianBasis, polynomialCutoff, softOneHotLinspace, softUnitStep } from '../../src/nn/index.js';
import type { SoftOneHotBasis } from '../../src/nn/index.js';
import { backward, sum, tensor } from '../../src/tensor/index.js';
import type { Tensor } from '../../src/tensor/index.js';
import { assertGradcheck } from '../../src/testing/index.js';
import { ValueError } from '../../src/util/index.js';

const f64 = (v: number[], grad = false): Tensor => tensor(v, { dtype: 'float64', requiresGrad: grad });
const at = (t: Tensor, i: number, j: number): number => t.data[i * t.shape[t.ndim - 1]! + j]!;

describe('radial bases', () => {
  it('besselBasis = √(2/c) sin(nπr/c)/r, with the limit at r = 0', () => {
    const r = [0, 0.3, 1.7, 4.9, 6];
    const c = 5;
    const out = besselBasis(f64(r), { cutoff: c, number: 4 });
    expect(out.shape).toEqual([5, 4]);
    r.forEach((ri, i) => {
      for (let n = 1; n <= 4; n++) {
        const want = ri === 0 ? (Math.sqrt(2 / c) * n * Math.PI) / c : (Math.sqrt(2 / c) * Math.sin((n * Math.PI * ri) / c)) / ri;
        expect(Math.abs(at(out, i, n - 1) - want)).toBeLessThan(1e-14);
      }
    });
  });
  it('gaussianBasis and softOneHotLinspace match e3nn closed forms', () => {
    const xs = [-0.2, 0.1, 0.55, 1.0, 1.3];
    const x = f64(xs);
    const g = gaussianBasis(x, { start: 0, end: 1, number: 5 });
    xs.forEach((v, i) => { for (let k = 0; k < 5; k++) expect(at(g, i, k)).toBeCloseTo(Math.exp(-(((v - k / 4) / 0.25) ** 2)) / 1.12, 14); });
    const N = 4;
    const s = 1 / (N + 1); // cutoff: interior centres of linspace(0, 1, N + 2)
    const u = (t: number): number => (t > 0 ? Math.exp(-1 / t) : 0);
    const cases: Record<SoftOneHotBasis, (v: number, k: number) => number> = {
      gaussian: (v, k) => Math.exp(-(((v - (k + 1) * s) / s) ** 2)) / 1.12,
      cosine: (v, k) => { const t = (v - (k + 1) * s) / s; return Math.abs(t) < 1 ? Math.cos((Math.PI / 2) * t) : 0; },
      smooth_finite: (v, k) => { const t = (v - (k + 1) * s) / s; return 1.14136 * Math.exp(2) * u(t + 1) * u(1 - t); },
      fourier: (v, k) => (v > 0 && v < 1 ? Math.sin(Math.PI * (k + 1) * v) / Math.sqrt(0.25 + N / 2) : 0),
      bessel: (v, k) => (v > 0 && v < 1 ? (Math.SQRT2 * Math.sin((k + 1) * Math.PI * v)) / v : 0),
    };
    for (const basis of Object.keys(cases) as SoftOneHotBasis[]) {
      const out = softOneHotLinspace(x, { start: 0, end: 1, number: N, basis, cutoff: true });
      expect(out.shape).toEqual([5, N]);
      xs.forEach((v, i) => { for (let k = 0; k < N; k++) expect(Math.abs(at(out, i, k) - cases[basis](v, k))).toBeLessThan(1e-13); });
    }
    const fo = softOneHotLinspace(x, { start: 0, end: 1, number: N, basis: 'fourier', cutoff: false });
    xs.forEach((v, i) => { for (let k = 0; k < N; k++) expect(at(fo, i, k)).toBeCloseTo(Math.cos(Math.PI * k * v) / Math.sqrt(0.25 + N / 2), 14); });
    const co = softOneHotLinspace(x, { start: 0, end: 1, number: N, basis: 'cosine', cutoff: false }); // centres k/3
    xs.forEach((v, i) => { for (let k = 0; k < N; k++) { const t = (v - k / 3) * 3; expect(at(co, i, k)).toBeCloseTo(Math.abs(t) < 1 ? Math.cos((Math.PI / 2) * t) : 0, 14); } });
    // leading shape is kept
    expect(softOneHotLinspace(tensor([[0.1, 0.2], [0.3, 0.4]], { dtype: 'float64' }), { start: 0, end: 1, number: 3 }).shape).toEqual([2, 2, 3]);
  });
  it('polynomialCutoff: closed form, 1 at 0, value and derivative → 0 at the cutoff, 0 beyond', () => {
    const p = 6;
    const c = 2;
    const env = (r: number): number => { const d = r / c; return d >= 1 ? 0 : 1 - ((p + 1) * (p + 2) / 2) * d ** p + p * (p + 2) * d ** (p + 1) - (p * (p + 1) / 2) * d ** (p + 2); };
    const rs = [0, 0.5, 1.3, c * (1 - 1e-4), 2, 2.5];
    const x = f64(rs, true);
    const y = polynomialCutoff(x, { cutoff: c, p });
    rs.forEach((r, i) => expect(Math.abs(y.data[i]! - env(r))).toBeLessThan(1e-14));
    expect(y.data[0]).toBe(1);
    backward(sum(y));
    const g = x.grad!.data;
    expect(Math.abs(y.data[3]!)).toBeLessThan(1e-9); // u ~ 56 (1 − d)³ near d = 1
    expect(Math.abs(g[3]!)).toBeLessThan(1e-5); // u′ ~ (1 − d)²
    expect(g[4]).toBe(0);
    expect(g[5]).toBe(0);
    // one-sided finite difference just inside the cutoff
    const h = 1e-5; // u(c − h)/h ~ 7h² since u ~ 56 (1 − d)³
    expect(Math.abs((env(c) - env(c - h)) / h)).toBeLessThan(1e-8);
  });
  it('gradcheck (float64) of every basis and the envelope', () => {
    const x = f64([0.05, 0.31, 0.47, 0.77, 0.93], true); // away from the cosine kinks at |t| = 1
    for (const basis of ['gaussian', 'cosine', 'smooth_finite', 'fourier', 'bessel'] as const) {
      for (const cutoff of [true, false]) assertGradcheck((a) => softOneHotLinspace(a, { start: 0, end: 1, number: 5, basis, cutoff }), [x], { label: `${basis}/${cutoff}` });
    }
    assertGradcheck((a) => besselBasis(a, { cutoff: 1, number: 6 }), [f64([0, 0.2, 0.9, 1.4], true)]);
    assertGradcheck((a) => gaussianBasis(a, { start: -1, end: 1, number: 7 }), [x]);
    assertGradcheck((a) => polynomialCutoff(a, { cutoff: 1, p: 5 }), [f64([0, 0.2, 0.6, 0.95, 1.3], true)]);
    assertGradcheck((a) => softUnitStep(a), [f64([-0.5, 0.1, 0.7, 2], true)]);
  });
  it('named errors on bad options', () => {
    const x = f64([0.5]);
    expect(() => softOneHotLinspace(x, { start: 1, end: 0, number: 3 })).toThrow(ValueError);
    expect(() => softOneHotLinspace(x, { start: 0, end: 1, number: 0 })).toThrow(ValueError);
    expect(() => softOneHotLinspace(x, { start: 0, end: 1, number: 2.5 })).toThrow(ValueError);
    expect(() => softOneHotLinspace(x, { start: 0, end: 1, number: 3, basis: 'spline' as SoftOneHotBasis })).toThrow(ValueError);
    expect(() => softOneHotLinspace(x, { start: 0, end: 1, number: 3, cutoff: 'yes' as unknown as boolean })).toThrow(ValueError);
    expect(() => gaussianBasis(x, { start: 0, end: 1, number: 1 })).toThrow(ValueError);
    expect(() => besselBasis(x, { cutoff: 0, number: 3 })).toThrow(ValueError);
    expect(() => polynomialCutoff(x, { cutoff: 1, p: 0 })).toThrow(ValueError);
    expect(() => polynomialCutoff(x, { cutoff: -1 })).toThrow(ValueError);
  });
});
