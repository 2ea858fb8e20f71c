/**
 * Steerable kernel bases (src/grid/steerable/basis.ts): dimensions against counts derived by hand,
 * and the sampled kernels against a brute-force solve of the constraint K(g·p) = ρ_out(g) K(p) ρ_in(g)⁻¹
 * on the pixel grid for the exact lattice symmetries of C(4) and D(4).
 */
import { describe, expect, it } from 'vitest';
import { C, D, O2, SO, SO2 } from '../../src/group/index.js';
import type { Group } from '../../src/group/index.js';
import { nullspace } from '../../src/linalg/index.js';
import { parseRep } from '../../src/rep/index.js';
import type { Rep } from '../../src/rep/index.js';
import { SteerableBasisCache, angularRep, denseBasis, expandFilter, resolveRings, steerableKernelBasis } from '../../src/grid/steerable/index.js';
import type { SteerableKernelBasis } from '../../src/grid/steerable/index.js';
import { Rng, ShapeError, ValueError } from '../../src/util/index.js';

const dimOf = (G: Group, a: string, b: string, k: number, extra: object = {}): number => steerableKernelBasis(parseRep(a, G), parseRep(b, G), { kernelSize: k, ...extra }).dim;

describe('steerable kernel basis: dimensions against hand counts', () => {
  // Default rings for k = 5: radii 0, 1, 2; band limits ⌊2r⌋ capped at 2 → ring 0: {0}, ring 1: {0,1,2},
  // ring 2: {0,1,2}. With maxFrequency 4: ring 1 {0,1,2}, ring 2 {0,…,4}.
  // On one ring the solution space for frequency k is Hom_G(a, b ⊗ ψ_k), ψ_k = (cos kφ, sin kφ).
  it('trivial → trivial: frequencies k ≡ 0 mod n, two functions (cos, sin) for k > 0 under C(n), one (cos) under D(n)', () => {
    // C(4), maxFrequency 4: ring 0: k=0 → 1; ring 1: k=0 → 1; ring 2: k=0 → 1, k=4 → 2 (cos 4φ, sin 4φ). Total 5.
    expect(dimOf(C(4), '1', '1', 5, { maxFrequency: 4 })).toBe(5);
    // D(4): the reflection φ ↦ −φ kills sin 4φ: 1 + 1 + 1 + 1 = 4.
    expect(dimOf(D(4), '1', '1', 5, { maxFrequency: 4 })).toBe(4);
    // SO(2), O(2): only k = 0 on each ring: 3. C(8) with maxFrequency 4: k = 8 is never reached: 3.
    expect(dimOf(SO2(), '1', '1', 5, { maxFrequency: 4 })).toBe(3);
    expect(dimOf(O2(), 'ir(0,0)', 'ir(0,0)', 5)).toBe(3);
    expect(dimOf(C(8), '1', '1', 5, { maxFrequency: 4 })).toBe(3);
    // C(2), defaults: k ∈ {0, 2} on rings 1 and 2: 1 + (1 + 2) + (1 + 2) = 7.
    expect(dimOf(C(2), '1', '1', 5)).toBe(7);
  });

  it('regular → regular: dim Hom(R, R ⊗ ψ_k) = |G|·dim ψ_k', () => {
    // R ⊗ ψ ≅ (dim ψ)·R for any ψ, and dim Hom(R, R) = |G|. C(8), maxFrequency 4:
    // ring 0: 8; ring 1: 8 + 16 + 16 = 40; ring 2: 8 + 4·16 = 72. Total 120.
    expect(dimOf(C(8), 'regular', 'regular', 5, { maxFrequency: 4 })).toBe(120);
    // D(4) (|G| = 8), defaults: ring 0: 8; rings 1, 2: 8 + 16 + 16 = 40 each. Total 88.
    expect(dimOf(D(4), 'regular', 'regular', 5)).toBe(88);
    // trivial → regular of C(4): Hom(1, R ⊗ ψ_k) = dim ψ_k (R contains the trivial irrep once): 1 + (1+2+2) + (1+2+2) = 11.
    expect(dimOf(C(4), '1', 'regular', 5)).toBe(11);
  });

  it('irreps of SO(2) and O(2): ψ_m ⊗ ψ_k = ψ_{m+k} ⊕ ψ_{|m−k|} must contain the input irrep', () => {
    // SO(2) ir(1) → ir(2): needs |2 − k| = 1 or 2 + k = 1 → k ∈ {1, 3}; Hom_SO(2)(ψ₁, ψ₁) is 2-dim.
    // maxFrequency 4: ring 1 (k ≤ 2): k = 1 → 2; ring 2 (k ≤ 4): k = 1, 3 → 4. Total 6.
    expect(dimOf(SO2(), 'ir(1)', 'ir(2)', 5, { maxFrequency: 4 })).toBe(6);
    // O(2): Hom_O(2)(ψ₁, ψ₁) is 1-dim (the reflection fixes the phase): 3.
    expect(dimOf(O2(), 'ir(1,1)', 'ir(1,2)', 5, { maxFrequency: 4 })).toBe(3);
    // SO(2) trivial → ir(1): ψ₁ ⊗ ψ_k ∋ trivial iff k = 1, twice (cos and sin parts): rings 1, 2 → 4.
    expect(dimOf(SO2(), '1', 'ir(1)', 5)).toBe(4);
    // O(2) ir(1,1) → ir(0,0): once per ring with k = 1: 2; → ir(1,0) (det): once per ring: 2.
    expect(dimOf(O2(), 'ir(1,1)', 'ir(0,0)', 5)).toBe(2);
    expect(dimOf(O2(), 'ir(1,1)', 'ir(1,0)', 5)).toBe(2);
  });

  it('C(4) trivial → ir(1): rotation by 90°·m on ψ_{k±1} has invariants iff k ± 1 ≡ 0 mod 4', () => {
    // ψ₁ ⊗ ψ_k = ψ_{k+1} ⊕ ψ_{k−1}; a 2-dim block rotating by 90°·j has 2 invariants iff j ≡ 0 mod 4.
    // k = 1: (2, 0) → 2; k = 2: (3, 1) → 0; k = 3: (4, 2) → 2; k = 4: (5, 3) → 0.
    // maxFrequency 4: ring 1 (k ≤ 2): 2; ring 2 (k ≤ 4): 2 + 2. Total 6.
    expect(dimOf(C(4), '1', 'ir(1)', 5, { maxFrequency: 4 })).toBe(6);
  });

  it('a sum of field types is the sum over term pairs, multiplicities multiply', () => {
    const G = C(4);
    const parts = dimOf(G, '1', '1', 5) * 2 * 3 + dimOf(G, '1', 'regular', 5) * 2 + dimOf(G, 'regular', '1', 5) * 3 + dimOf(G, 'regular', 'regular', 5);
    expect(dimOf(G, '2x1 + regular', '3x1 + regular', 5)).toBe(parts);
  });

  it('resolves the documented ring defaults and rejects bad options with named errors', () => {
    expect(resolveRings({ kernelSize: 5 })).toEqual([
      { radius: 0, sigma: 0.005, maxFrequency: 0 }, { radius: 1, sigma: 0.6, maxFrequency: 2 }, { radius: 2, sigma: 0.4, maxFrequency: 2 },
    ]);
    expect(resolveRings({ kernelSize: 7, frequencyCutoff: (r) => r, maxFrequency: 10 }).map((r) => r.maxFrequency)).toEqual([0, 1, 2, 3]);
    expect(() => resolveRings({ kernelSize: 4 })).toThrow(/kernelSize must be an odd positive integer, got 4/);
    expect(() => resolveRings({ kernelSize: 5, sigma: [1, 2] })).toThrow(ShapeError);
    expect(() => steerableKernelBasis(parseRep('V', SO(3)), parseRep('V', SO(3)), { kernelSize: 3 })).toThrow(/SO\(3\) is not a planar group/);
    expect(() => steerableKernelBasis(parseRep('1', C(4)), parseRep('1', C(8)), { kernelSize: 3 })).toThrow(ValueError);
    expect(() => angularRep(C(4), -1)).toThrow(/frequency must be an integer ≥ 0/);
  });

  it('denseBasis is [dim, c_out, c_in, k, k] and Σ w_j B_j is the expanded filter', () => {
    const G = D(4), B = steerableKernelBasis(parseRep('2 ir(0,0) + ir(1,1)', G), parseRep('regular + ir(1,0)', G), { kernelSize: 3 });
    const { data, shape } = denseBasis(B);
    expect(shape).toEqual([B.dim, 9, 4, 3, 3]);
    const w = new Float64Array(B.dim);
    new Rng(1).fillNormal(w);
    const F = expandFilter(B, w), per = 9 * 4 * 9;
    let err = 0;
    for (let e = 0; e < per; e++) {
      let s = 0;
      for (let j = 0; j < B.dim; j++) s += w[j]! * data[j * per + e]!;
      err = Math.max(err, Math.abs(s - F[e]!));
    }
    expect(err).toBeLessThan(1e-14);
    expect(() => expandFilter(B, new Float64Array(B.dim + 1))).toThrow(ShapeError);
  });

  it('caches solved ring bases by canonical rep keys', () => {
    const G = C(8), cache = new SteerableBasisCache();
    const a = steerableKernelBasis(parseRep('regular', G), parseRep('regular', G), { kernelSize: 5, cache });
    const misses = cache.misses;
    const b = steerableKernelBasis(parseRep('2 regular', G), parseRep('3 regular', G), { kernelSize: 5, cache });
    expect(cache.misses).toBe(misses);
    expect(cache.hits).toBeGreaterThan(0);
    expect(b.pairs[0]!.basis).toBe(a.pairs[0]!.basis);
    expect(b.dim).toBe(6 * a.dim);
  });
});

/** Pixel permutation of the k×k grid under a lattice symmetry g (pixel (a, b) ↔ x = b − c, y = c − a). */
function pixelMap(g: Float64Array, k: number): Int32Array {
  const c = (k - 1) / 2, out = new Int32Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      const x = b - c, y = c - a, gx = g[0]! * x + g[1]! * y, gy = g[2]! * x + g[3]! * y;
      out[a * k + b] = Math.round(c - gy) * k + Math.round(gx + c);
    }
  }
  return out;
}

/**
 * The constraint matrix of K(g·p) = ρ_out(g) K(p) ρ_in(g)ᵀ over the generators, one row per (g, o, i, p),
 * acting on vec K ∈ R^{c_out·c_in·k²} ([o, i, p] row-major); built directly from ρ and the pixel map.
 */
function bruteConstraint(G: Group, ri: Rep, ro: Rep, k: number): { C: Float64Array; rows: number; n: number } {
  const co = ro.size, ci = ri.size, P = k * k, n = co * ci * P, gens = G.discreteGenerators;
  const C = new Float64Array(gens.length * n * n);
  gens.forEach((g, gi) => {
    const pm = pixelMap(g, k), Ro = ro.rho(g), Ri = ri.rho(g);
    for (let o = 0; o < co; o++) {
      for (let i = 0; i < ci; i++) {
        for (let p = 0; p < P; p++) {
          const row = (gi * n + (o * ci + i) * P + p) * n;
          C[row + (o * ci + i) * P + pm[p]!]! += 1;
          for (let o2 = 0; o2 < co; o2++) for (let i2 = 0; i2 < ci; i2++) C[row + (o2 * ci + i2) * P + p]! -= Ro[o * co + o2]! * Ri[i * ci + i2]!;
        }
      }
    }
  });
  return { C, rows: gens.length * n, n };
}

function maxResidual(C: Float64Array, rows: number, n: number, f: Float64Array): number {
  let worst = 0;
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += C[r * n + j]! * f[j]!;
    worst = Math.max(worst, Math.abs(s));
  }
  return worst;
}

function basisKernels(B: SteerableKernelBasis): Float64Array[] {
  return Array.from({ length: B.dim }, (_, j) => {
    const w = new Float64Array(B.dim);
    w[j] = 1;
    return expandFilter(B, w);
  });
}

describe('steerable kernel basis: against a brute-force solve on the pixel grid (C(4), D(4))', () => {
  const cases: [Group, string, string, number][] = [
    [C(4), '1', '1', 5], [C(4), 'regular', 'regular', 5], [C(4), '1', 'ir(1)', 5], [C(4), 'ir(2)', 'regular', 3],
    [D(4), 'regular', 'regular', 3], [D(4), 'ir(1,1) + ir(0,0)', 'regular', 5], [D(4), 'ir(1,0)', 'ir(1,1)', 5],
  ];
  for (const [G, a, b, k] of cases) {
    it(`${G.key} ${a} → ${b}, ${k}×${k}: every sampled kernel solves the lattice constraint, the kernels are independent, random filters do not`, () => {
      const ri = parseRep(a, G), ro = parseRep(b, G);
      const B = steerableKernelBasis(ri, ro, { kernelSize: k, maxFrequency: 4 });
      expect(B.dim).toBeGreaterThan(0);
      const { C: Cm, rows, n } = bruteConstraint(G, ri, ro, k);
      const kernels = basisKernels(B);
      for (const f of kernels) expect(maxResidual(Cm, rows, n, f)).toBeLessThan(1e-12);
      // contained in the brute-force nullspace, and no larger than it
      const brute = nullspace(Cm, rows, n);
      expect(brute.dim).toBeGreaterThanOrEqual(B.dim);
      const M = new Float64Array(B.dim * n);
      kernels.forEach((f, j) => M.set(f, j * n));
      expect(n - nullspace(M, B.dim, n).dim).toBe(B.dim); // rank = dim: no aliased duplicates
      // a random filter violates the constraint by O(1)
      const rnd = new Float64Array(n);
      new Rng(3).fillNormal(rnd);
      expect(maxResidual(Cm, rows, n, rnd)).toBeGreaterThan(0.1);
    });
  }

  it('trivial → trivial under C(4) with all frequencies allowed spans the whole brute-force space on 3×3 (centre, edges, corners)', () => {
    // orbits of C(4) on the 3×3 pixels: centre, 4 edge pixels, 4 corners → brute-force dim 3;
    // rings 0 and 1 (σ 0.4: edges and corners weighted differently) with k = 0 give only 2, and k = 4
    // (cos 4φ: +1 on edges, −1 on corners) adds the third once the band limit allows it; sin 4φ
    // vanishes at every pixel of the 3×3 grid (angles are multiples of 45°) and is dropped as aliased.
    const G = C(4), ri = parseRep('1', G);
    const { C: Cm, rows, n } = bruteConstraint(G, ri, ri, 3);
    expect(nullspace(Cm, rows, n).dim).toBe(3);
    expect(steerableKernelBasis(ri, ri, { kernelSize: 3 }).dim).toBe(2);
    expect(steerableKernelBasis(ri, ri, { kernelSize: 3, frequencyCutoff: 4, maxFrequency: 4 }).dim).toBe(3);
  });
});
