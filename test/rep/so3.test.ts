import { describe, expect, it } from 'vitest';
import { O, SO } from '../../src/group/index.js';
import { identity, matmul, maxAbsDiff, transpose } from '../../src/linalg/index.js';
import { irrep, o3Irrep, parseRep, realCG, sphericalHarmonics, su2CG } from '../../src/rep/index.js';
import { Rng } from '../../src/util/index.js';

const G = SO(3);
const rng = new Rng(5);

describe('real spherical harmonics (e3nn convention, y polar)', () => {
  it('matches the explicit l ≤ 2 formulas', () => {
    const [x, y, z] = [0.3, -0.5, 0.8];
    const r = Math.hypot(x, y, z);
    const [a, b, c] = [x / r, y / r, z / r];
    expect(maxAbsDiff(sphericalHarmonics(0, x, y, z), Float64Array.of(1))).toBeLessThan(1e-14);
    expect(maxAbsDiff(sphericalHarmonics(1, x, y, z), Float64Array.of(a, b, c).map((v) => v * Math.sqrt(3)))).toBeLessThan(1e-14);
    const s15 = Math.sqrt(15);
    const y2 = Float64Array.of(s15 * a * c, s15 * a * b, Math.sqrt(5) * (b * b - 0.5 * (a * a + c * c)), s15 * b * c, (s15 / 2) * (c * c - a * a));
    expect(maxAbsDiff(sphericalHarmonics(2, x, y, z), y2)).toBeLessThan(1e-14);
  });
  it('component normalisation ‖Y^l‖² = 2l+1 for l ≤ 8, zero vector → zeros', () => {
    for (let l = 0; l <= 8; l++) {
      const v = sphericalHarmonics(l, rng.normal(), rng.normal(), rng.normal());
      expect(v.reduce((s, t) => s + t * t, 0)).toBeCloseTo(2 * l + 1, 10);
    }
    expect(Array.from(sphericalHarmonics(3, 0, 0, 0))).toEqual(new Array(7).fill(0));
  });
  it('Y^l(Rx) = D^l(R) Y^l(x) and orthogonality on the sphere (Monte Carlo mean of Y Yᵀ ≈ I)', () => {
    for (let l = 0; l <= 8; l++) {
      const R = G.sample(rng);
      const D = irrep(G, l).rho(R);
      const x = [rng.normal(), rng.normal(), rng.normal()] as const;
      const Rx = [0, 1, 2].map((i) => R[3 * i]! * x[0] + R[3 * i + 1]! * x[1] + R[3 * i + 2]! * x[2]) as [number, number, number];
      const n = 2 * l + 1;
      const lhs = sphericalHarmonics(l, ...Rx);
      const rhs = matmul(D, sphericalHarmonics(l, ...x), n, n, 1);
      expect(maxAbsDiff(lhs, rhs)).toBeLessThan(1e-10);
    }
  });
});

describe('Wigner D', () => {
  it('D¹(R) = R, D(I) = I, D(R₁R₂) = D(R₁)D(R₂), D(Rᵀ) = D(R)ᵀ', () => {
    const R = G.sample(rng);
    expect(maxAbsDiff(irrep(G, 1).rho(R), R)).toBeLessThan(1e-12);
    for (const l of [2, 4, 7]) {
      const n = 2 * l + 1;
      const ir = irrep(G, l);
      const A = G.sample(rng), B = G.sample(rng);
      expect(maxAbsDiff(ir.rho(identity(3)), identity(n))).toBeLessThan(1e-11);
      expect(maxAbsDiff(ir.rho(matmul(A, B, 3, 3, 3)), matmul(ir.rho(A), ir.rho(B), n, n, n))).toBeLessThan(1e-10);
      expect(maxAbsDiff(ir.rho(transpose(A, 3, 3)), transpose(ir.rho(A), n, n))).toBeLessThan(1e-10);
    }
  });
  it('O(3) parity: D_{l,p}(−I) = p·I', () => {
    const H = O(3);
    const minusI = identity(3).map((x) => -x);
    expect(maxAbsDiff(o3Irrep(H, 2, -1).rho(minusI), identity(5).map((x) => -x))).toBeLessThan(1e-12);
    expect(maxAbsDiff(o3Irrep(H, 1, 1).rho(minusI), identity(3))).toBeLessThan(1e-12);
    expect(maxAbsDiff(parseRep('1o', H).rho(minusI), minusI)).toBeLessThan(1e-12); // 1o = V
  });
});

describe('Clebsch–Gordan', () => {
  it('SU(2) values: ⟨1 1 1 −1|0 0⟩ = 1/√3, ⟨½…⟩-free integer table spot checks', () => {
    expect(su2CG(1, 1, 1, -1, 0, 0)).toBeCloseTo(1 / Math.sqrt(3), 14);
    expect(su2CG(1, 0, 1, 0, 2, 0)).toBeCloseTo(Math.sqrt(2 / 3), 14);
    expect(su2CG(1, 0, 1, 0, 1, 0)).toBeCloseTo(0, 14);
    expect(su2CG(2, 2, 1, -1, 2, 1)).toBeCloseTo(Math.sqrt(1 / 3), 14);
  });
  it('real CG intertwine D^{l3} W = W (D^{l1} ⊗ D^{l2}) and obey the selection rules', () => {
    for (let l1 = 0; l1 <= 3; l1++) {
      for (let l2 = 0; l2 <= 3; l2++) {
        for (let l3 = 0; l3 <= 6; l3++) {
          const W = realCG(l1, l2, l3);
          const norm = Math.hypot(...W);
          const inTriangle = l3 >= Math.abs(l1 - l2) && l3 <= l1 + l2;
          expect(norm).toBeCloseTo(inTriangle ? 1 : 0, 12);
          if (!inTriangle) continue;
          const R = G.sample(rng);
          const [n1, n2, n3] = [2 * l1 + 1, 2 * l2 + 1, 2 * l3 + 1];
          const D12 = parseRep(`ir(${l1})*ir(${l2})`, G).rho(R);
          const lhs = matmul(irrep(G, l3).rho(R), W, n3, n3, n1 * n2);
          expect(maxAbsDiff(lhs, matmul(W, D12, n3, n1 * n2, n1 * n2))).toBeLessThan(1e-12);
        }
      }
    }
  });
  it('C^{1,1,1} is the Levi-Civita tensor / √6', () => {
    const W = realCG(1, 1, 1);
    expect(W[0 * 9 + 1 * 3 + 2]).toBeCloseTo(1 / Math.sqrt(6), 14);
    expect(W[0 * 9 + 2 * 3 + 1]).toBeCloseTo(-1 / Math.sqrt(6), 14);
  });
});
