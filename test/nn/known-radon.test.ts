/**
 * Known operators, part 3: parallel-beam projection A and backprojection Aᵀ (adjointness,
 * mass conservation, analytic projections), the ramp filter, filtered backprojection of a disk
 * and of ellipse phantoms, gradchecks in float64 (both operators, the learnable filter) and the
 * named errors.
 */
import { describe, expect, it } from 'vitest';
import { FilteredBackprojection, ParallelBeamProjector, fbpFftSize, rampFilter } from '../../src/nn/index.js';
import { randn, tensor } from '../../src/tensor/index.js';
import type { Tensor } from '../../src/tensor/index.js';
import { assertGradcheck } from '../../src/testing/index.js';
import { Rng, ShapeError, ValueError } from '../../src/util/index.js';
import { startsWithOp } from '../helpers/named-errors.js';

const dot = (a: Tensor, b: Tensor): number => {
  const x = a.toFlatArray(), y = b.toFlatArray();
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * y[i]!;
  return s;
};

/** An n × n image from f(x, y) in the projector's coordinates (x right, y up, pixel units). */
function image(f: (x: number, y: number) => number, n: number): Float64Array {
  const d = new Float64Array(n * n), c = (n - 1) / 2;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) d[i * n + j] = f(j - c, c - i);
  return d;
}

describe('ParallelBeamProjector', () => {
  it('adjointness ⟨A x, y⟩ = ⟨x, Aᵀ y⟩ to 1e-12 (square and non-square images, custom angles, spacing)', () => {
    const rng = new Rng(1);
    for (const [H, W, opts] of [[16, 16, {}], [9, 14, { angles: [0.1, 0.7, 2.0, 3.0], spacing: 0.7 }], [12, 7, { angles: 5, detectors: 9 }]] as const) {
      const A = new ParallelBeamProjector(H, W, opts);
      const x = randn(rng, [3, H, W], { dtype: 'float64' }), y = randn(rng, [3, A.angles.length, A.detectors], { dtype: 'float64' });
      const lhs = dot(A.project(x), y), rhs = dot(x, A.backproject(y));
      expect(Math.abs(lhs - rhs) / Math.max(Math.abs(lhs), 1)).toBeLessThan(1e-12);
    }
    // the test has teeth: a backprojector with one weight perturbed is not the adjoint
    const A = new ParallelBeamProjector(8, 8, { angles: 6 });
    const x = randn(rng, [8, 8], { dtype: 'float64' }), y = randn(rng, [6, A.detectors], { dtype: 'float64' });
    const lhs = dot(A.project(x), y);
    A.values[10] = A.values[10]! * 1.001;
    (A as unknown as { weightCache: Map<string, Tensor> }).weightCache.clear();
    expect(Math.abs(lhs - dot(x, A.backproject(y)))).toBeGreaterThan(1e-7);
  });

  it('matches the dense matrix, conserves mass per angle, and projects a Gaussian like its analytic Radon transform', () => {
    const n = 33, A = new ParallelBeamProjector(n, n, { angles: 12 });
    expect(A.detectors).toBe(47);
    const rng = new Rng(2);
    const x = randn(rng, [n, n], { dtype: 'float64' });
    const M = A.toDense(), xd = x.toFlatArray(), p = A.project(x).toFlatArray();
    for (let r = 0; r < A.numRows; r += 37) {
      let s = 0;
      for (let c = 0; c < A.numCols; c++) s += M[r * A.numCols + c]! * xd[c]!;
      expect(Math.abs(s - p[r]!)).toBeLessThan(1e-12);
    }
    const total = xd.reduce((a, b) => a + b, 0);
    for (let k = 0; k < 12; k++) expect(Math.abs(p.slice(k * 47, (k + 1) * 47).reduce((a, b) => a + b, 0) - total)).toBeLessThan(1e-10);
    // f = exp(−|r − r₀|²/2σ²): p(θ, s) = √(2π)σ exp(−(s − r₀·θ̂)²/2σ²)
    const s = 2.5, x0 = 3, y0 = -2;
    const g = tensor(image((u, v) => Math.exp(-((u - x0) ** 2 + (v - y0) ** 2) / (2 * s * s)), n), { dtype: 'float64' }).reshape([n, n]);
    const pg = A.project(g).toArray() as number[][];
    let err = 0;
    A.angles.forEach((th, k) => {
      for (let d = 0; d < 47; d++) {
        const sd = d - 23, want = Math.sqrt(2 * Math.PI) * s * Math.exp(-((sd - (x0 * Math.cos(th) + y0 * Math.sin(th))) ** 2) / (2 * s * s));
        err = Math.max(err, Math.abs(pg[k]![d]! - want));
      }
    });
    expect(err / (Math.sqrt(2 * Math.PI) * s)).toBeLessThan(0.02);
  });

  it('gradcheck (float64): project and backproject (each other\'s gradients)', () => {
    const rng = new Rng(3);
    const A = new ParallelBeamProjector(5, 6, { angles: 4 });
    assertGradcheck((x) => A.project(x), [randn(rng, [2, 5, 6], { dtype: 'float64', requiresGrad: true })]);
    assertGradcheck((g) => A.backproject(g), [randn(rng, [4, A.detectors], { dtype: 'float64', requiresGrad: true })]);
  });

  it('float32 agrees with float64', () => {
    const A = new ParallelBeamProjector(10, 10, { angles: 7 });
    const x = randn(new Rng(4), [10, 10], { dtype: 'float64' });
    const p64 = A.project(x).toFlatArray(), p32 = A.project(x.cast('float32')).toFlatArray();
    for (let i = 0; i < p64.length; i++) expect(Math.abs(p64[i]! - p32[i]!)).toBeLessThan(1e-5);
  });

  it('named errors', () => {
    const A = new ParallelBeamProjector(4, 4, { angles: 3 });
    startsWithOp(() => A.project(tensor([[1, 2]])), ShapeError, 'ParallelBeamProjector.project', '[1,2]', '4×4');
    startsWithOp(() => A.backproject(tensor([[1, 2]])), ShapeError, 'ParallelBeamProjector.backproject', '[1,2]');
    startsWithOp(() => new ParallelBeamProjector(0, 4), ValueError, 'ParallelBeamProjector');
    startsWithOp(() => new ParallelBeamProjector(4, 4, { angles: [] }), ValueError, 'ParallelBeamProjector', 'angles');
    startsWithOp(() => new ParallelBeamProjector(4, 4, { spacing: 0 }), ValueError, 'ParallelBeamProjector', 'spacing');
    startsWithOp(() => A.project(tensor([[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]], { dtype: 'int32' })), ValueError, 'ParallelBeamProjector.project', 'int32');
  });
});

describe('filtered backprojection', () => {
  it('the ramp filter ≈ |ν| (Ram-Lak), with the small positive DC gain of the band-limited ramp', () => {
    const n = 128, H = rampFilter(n);
    expect(H).toHaveLength(65);
    expect(H[0]!).toBeGreaterThan(0);
    expect(H[0]!).toBeLessThan(0.01);
    for (let k = 4; k <= 64; k++) expect(Math.abs(H[k]! - k / n)).toBeLessThan(0.01);
    expect(Math.abs(H[64]! - 0.5)).toBeLessThan(0.005);
    expect(fbpFftSize(47)).toBe(128);
    expect(fbpFftSize(10)).toBe(64);
  });

  it('reconstructs a disk: RMS error < 0.02 away from the edge, relative L2 error < 0.2 overall', () => {
    const n = 32;
    const disk = image((x, y) => (Math.hypot(x - 2, y + 1) < 9 ? 1 : 0), n);
    const A = new ParallelBeamProjector(n, n, { angles: 64 });
    const fbp = new FilteredBackprojection(A, { dtype: 'float64' });
    expect(fbp.parameters()).toHaveLength(0);
    const rec = fbp.call(A.project(tensor(disk, { dtype: 'float64' }).reshape([1, n, n]))).toFlatArray();
    let se = 0, ss = 0, sIn = 0, cIn = 0;
    const c = (n - 1) / 2;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const e = (rec[i * n + j]! - disk[i * n + j]!) ** 2;
        se += e;
        ss += disk[i * n + j]! ** 2;
        if (Math.abs(Math.hypot(j - c - 2, c - i + 1) - 9) > 2 && Math.hypot(j - c, c - i) < 15) { sIn += e; cIn++; }
      }
    }
    expect(Math.sqrt(sIn / cIn)).toBeLessThan(0.02);
    expect(Math.sqrt(se / ss)).toBeLessThan(0.2);
    // an unfiltered backprojection (all-pass filter) does not reconstruct: it is the blurred 1/r version
    const bp = new FilteredBackprojection(A, { init: tensor(new Array(65).fill(1 / 64), { dtype: 'float64' }), dtype: 'float64' });
    const rb = bp.call(A.project(tensor(disk, { dtype: 'float64' }).reshape([1, n, n]))).toFlatArray();
    let sb = 0;
    for (let i = 0; i < n * n; i++) sb += (rb[i]! - disk[i]!) ** 2;
    expect(Math.sqrt(sb / ss)).toBeGreaterThan(0.3);
  });

  it('gradcheck (float64): the learnable filter response and the sinogram', () => {
    const rng = new Rng(5);
    const A = new ParallelBeamProjector(6, 6, { angles: 5 });
    const fbp = new FilteredBackprojection(A, { learnable: true, n: 16, dtype: 'float64' });
    expect(fbp.parameters().map((p) => p.shape)).toEqual([[9]]);
    const p = randn(rng, [2, 5, A.detectors], { dtype: 'float64', requiresGrad: true });
    assertGradcheck((s) => fbp.call(s), [p]);
    const u = randn(rng, [2, 6, 6], { dtype: 'float64' });
    const h = fbp.filter.response;
    h.grad = null;
    fbp.call(p.detach()).mul(u).sum().backward();
    // the output is linear in H: ∂L/∂H_k = L(e_k)
    const g = h.grad!.toFlatArray(), h0 = Float64Array.from(h.data);
    for (let k = 0; k < 9; k++) {
      h.data.fill(0);
      h.data[k] = 1;
      expect(Math.abs(fbp.call(p.detach()).mul(u).sum().item() - g[k]!)).toBeLessThan(1e-12);
    }
    h.data.set(h0);
  });

  it('named errors', () => {
    const A = new ParallelBeamProjector(8, 8, { angles: 4 });
    startsWithOp(() => new FilteredBackprojection(A, { n: 4 }), ValueError, 'FilteredBackprojection', 'FFT size');
    startsWithOp(() => new FilteredBackprojection(A, { init: 'hann' as 'ramp' }), ValueError, 'FilteredBackprojection', 'init');
    startsWithOp(() => rampFilter(1), ValueError, 'rampFilter');
  });
});
