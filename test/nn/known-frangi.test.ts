/**
 * Known operators, part 2: the scale-normalised Hessian, closed-form 2×2 eigenvalues, and the
 * differentiable Frangi vesselness (bright/dark, max/smooth max over scales) — responses on lines
 * and blobs, gradchecks in float64 (x, σ, β, c; the module's parameters), named errors.
 */
import { describe, expect, it } from 'vitest';
import { FrangiVesselness, frangiVesselness, hessian2d, symmetricEigenvalues2x2 } from '../../src/nn/index.js';
import type { Module } from '../../src/nn/index.js';
import { randn, tensor } from '../../src/tensor/index.js';
import type { Tensor } from '../../src/tensor/index.js';
import { assertGradcheck } from '../../src/testing/index.js';
import { Rng, ShapeError, ValueError } from '../../src/util/index.js';
import { startsWithOp } from '../helpers/named-errors.js';
import { paramGradcheck } from '../../src/testing/index.js';

const N = 32;
const scalar = (v: number, grad = true): Tensor => tensor([v], { dtype: 'float64', requiresGrad: grad });

/** An N × N image from f(x, y), x = column − centre, y = row − centre. */
function image(f: (x: number, y: number) => number, n = N): Tensor {
  const d = new Float64Array(n * n), c = (n - 1) / 2;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) d[i * n + j] = f(j - c, i - c);
  return tensor(d, { dtype: 'float64' }).reshape([1, 1, n, n]);
}

const peak = (t: Tensor): number => Math.max(...t.toFlatArray());

/** Worst |analytic − numeric| of a scalar loss's gradients w.r.t. the module's parameters (the shipped paramGradcheck). */
const moduleParamGradError = (m: Module<any[], any>, loss: () => Tensor): number => paramGradcheck(m.parameters(), loss).maxAbsError;

describe('Hessian and 2×2 eigenvalues', () => {
  it('eigenvalues: the roots of λ² − tr·λ + det, sorted |λ₁| ≤ |λ₂|, within √ε of exact', () => {
    const rng = new Rng(1);
    const a = randn(rng, [50], { dtype: 'float64' }), b = randn(rng, [50], { dtype: 'float64' }), d = randn(rng, [50], { dtype: 'float64' });
    const [l1, l2] = symmetricEigenvalues2x2(a, b, d, 0);
    const A = a.toFlatArray(), B = b.toFlatArray(), D = d.toFlatArray(), L1 = l1.toFlatArray(), L2 = l2.toFlatArray();
    for (let i = 0; i < 50; i++) {
      expect(Math.abs(L1[i]!)).toBeLessThanOrEqual(Math.abs(L2[i]!));
      expect(Math.abs(L1[i]! + L2[i]! - (A[i]! + D[i]!))).toBeLessThan(1e-13);
      expect(Math.abs(L1[i]! * L2[i]! - (A[i]! * D[i]! - B[i]! * B[i]!))).toBeLessThan(1e-12);
    }
    const [e1] = symmetricEigenvalues2x2(a, b, d, 1e-10);
    for (let i = 0; i < 50; i++) expect(Math.abs(e1.toFlatArray()[i]! - L1[i]!)).toBeLessThan(1e-5);
  });

  it('at the degeneracy a = d, b = 0 the gradient is finite with ε > 0 (and unbounded without)', () => {
    const mk = () => [scalar(0.7), scalar(0), scalar(0.7)];
    const [a, b, d] = mk();
    const [, l2] = symmetricEigenvalues2x2(a!, b!, d!, 1e-10);
    l2.sum().backward();
    for (const t of [a, b, d]) expect(Number.isFinite(t!.grad!.item())).toBe(true);
    expect(Math.abs(a!.grad!.item() + d!.grad!.item() - 1)).toBeLessThan(1e-12); // ∂(λ₁+λ₂)… λ₂ = m + r: ∂m sums to 1
    const [a0, b0, d0] = mk();
    symmetricEigenvalues2x2(a0!, b0!, d0!, 0)[1].sum().backward();
    expect([a0, b0, d0].some((t) => !Number.isFinite(t!.grad!.item()))).toBe(true);
  });

  it('hessian2d of a quadratic is σ²·(its constant Hessian), in the interior', () => {
    const H = hessian2d(image((x, y) => 1.5 * x * x + 0.5 * x * y - y * y), 2);
    const at = (t: Tensor) => (t.toArray() as number[][][][])[0]![0]![16]![15]!;
    expect(Math.abs(at(H.xx) - 4 * 3)).toBeLessThan(1e-9);
    expect(Math.abs(at(H.xy) - 4 * 0.5)).toBeLessThan(1e-9);
    expect(Math.abs(at(H.yy) + 4 * 2)).toBeLessThan(1e-9);
  });
});

describe('Frangi vesselness', () => {
  const line = image((x, y) => Math.exp(-((y - 0.3 * x) ** 2) / (2 * 1.5 ** 2)));  // a bright ridge of width ~1.5σ
  const blob = image((x, y) => Math.exp(-(x * x + y * y) / (2 * 1.5 ** 2)));
  const frangi = () => new FrangiVesselness({ scales: [1, 1.5, 2.5], c: 0.15, dtype: 'float64' });

  it('responds to a bright line far more than to a bright blob of the same width and height; not to a dark line', () => {
    const f = frangi();
    const vl = peak(f.call(line)), vb = peak(f.call(blob));
    expect(vl).toBeGreaterThan(0.5);
    expect(vb).toBeLessThan(0.5 * vl);
    // a dark horizontal line (centre on row 16): λ₂ > 0 along its centre, so no bright-vessel response there
    const hline = image((_x, y) => -Math.exp(-((y - 0.5) ** 2) / (2 * 1.5 ** 2)));
    const row = (f.call(hline).toArray() as number[][][][])[0]![0]![16]!;
    expect(Math.max(...row)).toBe(0);
    const dark = new FrangiVesselness({ scales: [1, 1.5, 2.5], c: 0.15, polarity: 'dark', dtype: 'float64' });
    expect(Math.abs(peak(dark.call(line.neg())) - vl)).toBeLessThan(1e-12);
    // the check would fail for an operator that cannot tell lines from blobs, e.g. the plain Hessian norm
    const H = (img: Tensor) => { const h = hessian2d(img, 1.5); return peak(h.xx.square().add(h.yy.square()).add(h.xy.square().mul(2)).sqrt()); };
    expect(H(blob)).toBeGreaterThan(0.5 * H(line));
  });

  it('its scale: the best single scale of a ridge grows with the ridge width', () => {
    const best = (w: number) => {
      const img = image((x, y) => Math.exp(-(y * y) / (2 * w * w)));
      const v = [0.8, 1.2, 1.8, 2.7, 4].map((s) => peak(frangiVesselness(img, s, 0.5, 0.15)));
      return v.indexOf(Math.max(...v));
    };
    expect(best(0.8)).toBeLessThan(best(2.5));
  });

  it('smooth maximum lies within [max, max + τ log S]', () => {
    const hard = frangi(), soft = new FrangiVesselness({ scales: [1, 1.5, 2.5], c: 0.15, reduce: 'smoothmax', temperature: 0.02, dtype: 'float64' });
    const h = hard.call(line).toFlatArray(), s = soft.call(line).toFlatArray();
    for (let i = 0; i < h.length; i++) {
      expect(s[i]!).toBeGreaterThanOrEqual(h[i]! - 1e-15);
      expect(s[i]!).toBeLessThanOrEqual(h[i]! + 0.02 * Math.log(3) + 1e-15);
    }
  });

  it('gradcheck (float64) of frangiVesselness w.r.t. x, σ, β, c, bright and dark', () => {
    const rng = new Rng(2);
    const base = image((x, y) => Math.exp(-((x - 0.5 * y) ** 2) / 2), 8).toFlatArray();
    const noise = randn(rng, [64], { dtype: 'float64' }).toFlatArray();
    const img = (sign: number) => tensor(base.map((v, i) => sign * (v + 0.05 * noise[i]!)), { dtype: 'float64', requiresGrad: true }).reshape([1, 1, 8, 8]).detach();
    const leaf = (t: Tensor) => { t.requiresGrad = true; return t; };
    assertGradcheck((im, s, b, c) => frangiVesselness(im, s, b, c, { radius: 3 }), [leaf(img(1)), scalar(1.1), scalar(0.6), scalar(0.3)], { label: 'bright' });
    assertGradcheck((im, s, b, c) => frangiVesselness(im, s, b, c, { radius: 3, polarity: 'dark' }), [leaf(img(-1)), scalar(0.9), scalar(0.5), scalar(0.4)], { label: 'dark' });
  });

  it('the module: gradients of log σ (per scale), β and c match central differences, max and smooth max', () => {
    const rng = new Rng(3);
    const x = image((x, y) => Math.exp(-((x + 0.4 * y) ** 2) / 3) + 0.5 * Math.exp(-((x - 3) ** 2 + y * y) / 4), 12);
    const u = randn(rng, [1, 1, 12, 12], { dtype: 'float64' });
    for (const reduce of ['max', 'smoothmax'] as const) {
      const m = new FrangiVesselness({ scales: [0.9, 1.6], c: 0.3, beta: 0.6, reduce, radius: 5, dtype: 'float64' });
      expect(m.parameters().map((p) => p.shape)).toEqual([[2], [1], [1]]);
      expect(moduleParamGradError(m, () => m.call(x).mul(u).sum()), reduce).toBeLessThan(1e-7);
    }
    expect(new FrangiVesselness({ learnableScales: false, learnableParams: false }).parameters()).toHaveLength(0);
    expect(new FrangiVesselness({ scales: [1, 2] }).perScale(tensor(new Float32Array(2 * 3 * 9 * 9)).reshape([2, 3, 9, 9])).shape).toEqual([2, 3, 2, 9, 9]);
  });

  it('float32 modules agree with float64 (within 1e-5 of the peak)', () => {
    const f64m = frangi(), f32m = new FrangiVesselness({ scales: [1, 1.5, 2.5], c: 0.15 });
    const a = f64m.call(line).toFlatArray(), b = f32m.call(line.cast('float32')).toFlatArray();
    expect(f32m.call(line.cast('float32')).dtype).toBe('float32');
    let m = 0;
    for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
    expect(m / peak(f64m.call(line))).toBeLessThan(1e-5);
  });

  it('named errors', () => {
    startsWithOp(() => frangiVesselness(tensor([[1, 2]]), 1, 0.5, 0.5), ShapeError, 'frangiVesselness', '[1,2]');
    startsWithOp(() => frangiVesselness(line, 1, 0.5, 0.5, { polarity: 'grey' as 'dark' }), ValueError, 'frangiVesselness', 'polarity');
    startsWithOp(() => new FrangiVesselness({ scales: [] }), ValueError, 'FrangiVesselness', 'scales');
    startsWithOp(() => new FrangiVesselness({ beta: 0 }), ValueError, 'FrangiVesselness', 'beta');
    startsWithOp(() => new FrangiVesselness({ reduce: 'mean' as 'max' }), ValueError, 'FrangiVesselness', 'reduce');
    startsWithOp(() => new FrangiVesselness().call(tensor([1, 2])), ShapeError, 'FrangiVesselness', '[2]');
    startsWithOp(() => symmetricEigenvalues2x2(tensor([1]), tensor([1, 2]), tensor([1])), ShapeError, 'symmetricEigenvalues2x2');
    startsWithOp(() => hessian2d(tensor([1, 2]), 1), ShapeError, 'hessian2d');
  });
});
