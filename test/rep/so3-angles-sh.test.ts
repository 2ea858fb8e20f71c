import { describe, expect, it } from 'vitest';
import { anglesToMatrix, rotationY, SO, O } from '../../src/group/index.js';
import { maxAbsDiff } from '../../src/linalg/index.js';
import { irrep, o3Irrep, shNormalizationFactor, shWithGradient, sphericalHarmonics, wignerDFromAngles, wignerDY } from '../../src/rep/index.js';
import type { ShNormalization } from '../../src/rep/index.js';
import { Rng, ValueError } from '../../src/util/index.js';

const rng = new Rng(31);

/** Gauss–Legendre nodes and weights on [−1, 1] (Newton on P_n). */
function gaussLegendre(n: number): { x: number[]; w: number[] } {
  const x: number[] = [];
  const w: number[] = [];
  for (let i = 1; i <= n; i++) {
    let t = Math.cos((Math.PI * (i - 0.25)) / (n + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1;
      let p1 = t;
      for (let k = 2; k <= n; k++) [p0, p1] = [p1, ((2 * k - 1) * t * p1 - (k - 1) * p0) / k];
      dp = (n * (t * p1 - p0)) / (t * t - 1);
      const dt = p1 / dp;
      t -= dt;
      if (Math.abs(dt) < 1e-16) break;
    }
    x.push(t);
    w.push(2 / ((1 - t * t) * dp * dp));
  }
  return { x, w };
}

describe('Wigner D from Euler angles (e3nn YXY convention)', () => {
  it('wignerDFromAngles(l, α, β, γ) equals the irrep matrix of anglesToMatrix(α, β, γ), l = 0…3 (≤ 1e-12)', () => {
    const G = SO(3);
    for (let l = 0; l <= 3; l++) {
      const rep = irrep(G, l);
      for (let t = 0; t < 20; t++) {
        const [a, b, g] = [(rng.uniform() * 2 - 1) * Math.PI, rng.uniform() * Math.PI, (rng.uniform() * 2 - 1) * Math.PI];
        const D = wignerDFromAngles(l, a, b, g);
        expect(maxAbsDiff(D, rep.rho(anglesToMatrix(a, b, g)))).toBeLessThan(1e-12);
      }
    }
    const R = anglesToMatrix(0.2, 1.1, -0.4);
    expect(maxAbsDiff(wignerDFromAngles(1, 0.2, 1.1, -0.4), R)).toBeLessThan(1e-14); // D¹ = R
    const oRep = o3Irrep(O(3), 2, -1);
    expect(maxAbsDiff(wignerDFromAngles(2, 0.2, 1.1, -0.4), oRep.rho(R))).toBeLessThan(1e-12);
  });
  it('the closed-form D_y(α) is the irrep of R_y(α) and Y^l(R_y(α) x) = D_y(α) Y^l(x)', () => {
    for (let l = 0; l <= 4; l++) {
      const a = 0.77;
      const D = wignerDY(l, a);
      expect(maxAbsDiff(D, irrep(SO(3), l).rho(rotationY(a)))).toBeLessThan(1e-12);
      const v = [0.3, -0.4, 0.9];
      const R = rotationY(a);
      const Rv = [0, 1, 2].map((i) => R[3 * i]! * v[0]! + R[3 * i + 1]! * v[1]! + R[3 * i + 2]! * v[2]!);
      const y = sphericalHarmonics(l, v[0]!, v[1]!, v[2]!);
      const n = 2 * l + 1;
      const Dy = Float64Array.from({ length: n }, (_, i) => y.reduce((s, yj, j) => s + D[i * n + j]! * yj, 0));
      expect(maxAbsDiff(sphericalHarmonics(l, Rv[0]!, Rv[1]!, Rv[2]!), Dy)).toBeLessThan(1e-13);
    }
  });
  it('rejects bad l and non-finite angles', () => {
    expect(() => wignerDFromAngles(-1, 0, 0, 0)).toThrow(ValueError);
    expect(() => wignerDFromAngles(1.5, 0, 0, 0)).toThrow(ValueError);
    expect(() => wignerDFromAngles(2, 0, Number.POSITIVE_INFINITY, 0)).toThrow(ValueError);
  });
});

describe('spherical harmonics normalisations', () => {
  it('component: Σ_m Y² = 2l+1; norm: Σ_m Y² = 1 (unit inputs, and any input with normalize)', () => {
    for (let l = 0; l <= 6; l++) {
      const [x, y, z] = [rng.normal(), rng.normal(), rng.normal()];
      const sq = (v: Float64Array): number => v.reduce((s, t) => s + t * t, 0);
      expect(sq(sphericalHarmonics(l, x, y, z, { normalization: 'component' }))).toBeCloseTo(2 * l + 1, 12);
      expect(sq(sphericalHarmonics(l, x, y, z, { normalization: 'norm' }))).toBeCloseTo(1, 12);
      expect(sq(sphericalHarmonics(l, x, y, z, { normalization: 'integral' }))).toBeCloseTo((2 * l + 1) / (4 * Math.PI), 12);
    }
  });
  it('integral: ∫ Y_m Y_m\' dΩ = δ_mm\' (exact product quadrature, l ≤ 4)', () => {
    const { x: ts, w: ws } = gaussLegendre(8);
    const nPhi = 12;
    for (let l = 0; l <= 4; l++) {
      const n = 2 * l + 1;
      const G = new Float64Array(n * n);
      ts.forEach((t, i) => {
        const st = Math.sqrt(1 - t * t);
        for (let j = 0; j < nPhi; j++) {
          const phi = (2 * Math.PI * j) / nPhi;
          const Y = sphericalHarmonics(l, st * Math.sin(phi), t, st * Math.cos(phi), { normalization: 'integral' });
          const wt = (ws[i]! * 2 * Math.PI) / nPhi;
          for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) G[a * n + b] = G[a * n + b]! + wt * Y[a]! * Y[b]!;
        }
      });
      const I = new Float64Array(n * n);
      for (let a = 0; a < n; a++) I[a * n + a] = 1;
      expect(maxAbsDiff(G, I)).toBeLessThan(1e-12);
    }
  });
  it('normalize: false evaluates the homogeneous polynomial (scales by |x|^l), with its exact gradient', () => {
    const [x, y, z] = [0.6, -1.2, 2.0];
    const r = Math.hypot(x, y, z);
    for (let l = 0; l <= 6; l++) {
      const unit = sphericalHarmonics(l, x, y, z, { normalization: 'norm' });
      const raw = sphericalHarmonics(l, x, y, z, { normalize: false, normalization: 'norm' });
      expect(maxAbsDiff(raw, unit.map((v) => v * r ** l))).toBeLessThan(1e-12 * r ** l);
      expect(maxAbsDiff(sphericalHarmonics(l, x, y, z, false), sphericalHarmonics(l, x, y, z, { normalize: false }))).toBe(0);
      const { grad } = shWithGradient(l, x, y, z, false, true);
      const h = 1e-6;
      const p = [x, y, z];
      for (let a = 0; a < 3; a++) {
        const up = p.slice();
        const dn = p.slice();
        up[a]! += h;
        dn[a]! -= h;
        const fd = sphericalHarmonics(l, up[0]!, up[1]!, up[2]!, false).map((v, i) => (v - sphericalHarmonics(l, dn[0]!, dn[1]!, dn[2]!, false)[i]!) / (2 * h));
        fd.forEach((v, i) => expect(Math.abs(grad[3 * i + a]! - v)).toBeLessThan(1e-6 * Math.max(1, Math.abs(v))));
      }
      // Euler: x·∇Y = l·Y for a homogeneous polynomial of degree l
      const Y = sphericalHarmonics(l, x, y, z, false);
      Y.forEach((v, i) => expect(Math.abs(x * grad[3 * i]! + y * grad[3 * i + 1]! + z * grad[3 * i + 2]! - l * v)).toBeLessThan(1e-9 * Math.max(1, Math.abs(v))));
    }
    expect(shNormalizationFactor(3, 'norm')).toBeCloseTo(1 / Math.sqrt(7), 15);
    expect(() => sphericalHarmonics(1, 1, 0, 0, { normalization: 'unit' as ShNormalization })).toThrow(ValueError);
  });
});
