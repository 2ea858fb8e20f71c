/**
 * R2Conv (src/grid/steerable/r2conv.ts) through the equivariance harness: exact lattice symmetries
 * (90° rotations, flips) in float64 and float32 for C(4), C(8), D(4), D(8), SO(2), O(2); interpolated
 * 45° rotations reported as discretisation; a layer with unconstrained filters fails; gradcheck
 * through the filter expansion; export() to a plain conv2d.
 */
import { describe, expect, it } from 'vitest';
import { C, D, O2, SO2 } from '../../src/group/index.js';
import type { Group } from '../../src/group/index.js';
import { directSum, parseRep, quotient } from '../../src/rep/index.js';
import { R2Conv, SteerableBasisCache, expandFilter, fieldType, resolveRings, sampleRing } from '../../src/grid/steerable/index.js';
import type { SteerableKernelBasis } from '../../src/grid/steerable/index.js';
import { Tensor, conv2d, fromData, randn } from '../../src/tensor/index.js';
import { assertGradcheck, assertEquivariant, equivarianceError, gridAction, rotatedGridAction } from '../../src/testing/index.js';
import { Rng, ShapeError } from '../../src/util/index.js';

const r90 = Float64Array.of(0, -1, 1, 0);
const r180 = Float64Array.of(-1, 0, 0, -1);
const flip = Float64Array.of(1, 0, 0, -1);
const rot = (t: number) => Float64Array.of(Math.cos(t), -Math.sin(t), Math.sin(t), Math.cos(t));

/** Lattice elements of each group (the 45° generators of C(8)/D(8) are skipped by the exact action). */
const lattice = (G: Group): Float64Array[] => (G.key.startsWith('SO') || G.key.startsWith('C') ? [r90, r180] : [r90, r180, flip, Float64Array.of(0, 1, 1, 0)]);

const cache = new SteerableBasisCache();
const cases: [Group, string, string][] = [
  [C(4), '2x1', '2 regular'],
  [C(8), 'regular', 'regular + ir(1)'],
  [D(4), 'regular', '1 + regular'],
  [D(8), 'ir(1,1) + ir(0,0)', 'regular'],
  [SO2(), 'ir(1) + 1', '1 + ir(2)'],
  [O2(), 'ir(1,1)', 'ir(0,0) + ir(1,0) + ir(1,2)'],
];

function withBias(m: R2Conv, seed: number): R2Conv {
  const b = m.maybeParameter('bias');
  if (b) new Rng(seed).fillNormal(b.data as Float32Array | Float64Array);
  return m;
}

describe('R2Conv: exact lattice symmetries through the harness', () => {
  for (const [G, a, b] of cases) {
    for (const dtype of ['float64', 'float32'] as const) {
      it(`${G.key}: ${a} → ${b} (${dtype})`, () => {
        const fi = parseRep(a, G), fo = parseRep(b, G);
        const m = withBias(new R2Conv(G, fi, fo, 5, { dtype, rng: new Rng(1), cache }), 2);
        const r = assertEquivariant(m, { group: G, in: gridAction({ fibre: fi }), out: gridAction({ fibre: fo }), dtype, elements: { extra: lattice(G) } });
        expect(r.verdict).toBe('equivariant');
        const counted = r.elements.filter((e) => !e.skipped && e.inGroup !== false);
        expect(counted.length).toBeGreaterThanOrEqual(lattice(G).length);
        expect(Math.max(...counted.map((e) => e.relative))).toBeLessThanOrEqual(dtype === 'float64' ? 1e-12 : 1e-5);
      });
    }
  }

  it('padding, stride 2 on an odd grid and dilation keep exact lattice equivariance', () => {
    const G = D(4), fi = parseRep('regular', G), fo = parseRep('regular + 1', G);
    for (const opts of [{ stride: 2 }, { dilation: 2, padding: 4 }, { padding: 0 }]) {
      const m = withBias(new R2Conv(G, fi, fo, 3, { dtype: 'float64', ...opts }), 4);
      const x = randn(new Rng(5), [2, 8, 9, 9], { dtype: 'float64' });
      assertEquivariant(m, { group: G, in: gridAction({ fibre: fi }), out: gridAction({ fibre: fo }), data: [x] });
    }
  });

  it('a conv whose filter is not solved from the constraint fails (random filters; a C(4) basis checked under D(4))', () => {
    const G = C(4), fi = parseRep('regular', G), fo = parseRep('regular', G);
    const m = new R2Conv(G, fi, fo, 5, { dtype: 'float64' });
    const F = randn(new Rng(9), [4, 4, 5, 5], { dtype: 'float64' });
    const broken = (x: Tensor) => conv2d(x.ndim === 3 ? x.reshape([1, ...x.shape]) : x, F, null, { padding: 2 }).reshape(m.call(x).shape);
    const bad = equivarianceError(broken, { group: G, in: gridAction({ fibre: fi }), out: gridAction({ fibre: fo }) });
    expect(bad.verdict).toBe('not-equivariant');
    expect(bad.worst!.relative).toBeGreaterThan(1e-2);
    // a C(4)-steerable conv from a trivial to a vector field uses both chiralities (ψ₁ ⊗ ψ₁ has two
    // rotation invariants but one reflection invariant), so checking it under D(4) fails, on the reflections only
    const Gd = D(4), c4 = new R2Conv(G, '1', 'ir(1)', 5, { dtype: 'float64', rng: new Rng(3) });
    const asD = (x: Tensor) => c4.call(x);
    const flipped = equivarianceError(asD, { group: Gd, in: gridAction({ fibre: parseRep('ir(0,0)', Gd) }), out: gridAction({ fibre: parseRep('ir(1,1)', Gd) }) });
    expect(flipped.verdict).toBe('not-equivariant');
    expect(flipped.elements.filter((e) => e.failed).every((e) => e.det < 0)).toBe(true);
  });

  it('the same rings and harmonics with coefficients T not solved from the constraint fail', () => {
    // K_{o,i} = Σ_m T[o, m, i] G(r) Y_{k,m}(φ) with random T instead of a basis of Hom_G(ρ_in, ρ_out ⊗ ψ_k)
    const G = C(4), fi = parseRep('regular', G), fo = parseRep('regular', G), k = 5, P = k * k;
    const rings = resolveRings({ kernelSize: k }), rng = new Rng(12);
    const kernels: Float64Array[] = [];
    rings.forEach((ring) => {
      for (let f = 0; f <= ring.maxFrequency; f++) {
        const Y = sampleRing(k, ring, f), d = f === 0 ? 1 : 2, K = new Float64Array(16 * P);
        for (let oi = 0; oi < 16; oi++) for (let m = 0; m < d; m++) { const t = rng.normal(); for (let p = 0; p < P; p++) K[oi * P + p]! += t * Y[m * P + p]!; }
        kernels.push(K);
      }
    });
    const basis = new Float64Array(kernels.length * 16 * P);
    kernels.forEach((K, j) => basis.set(K, j * 16 * P));
    const fake: SteerableKernelBasis = {
      repIn: fi, repOut: fo, kernelSize: k, rings, dim: kernels.length,
      pairs: [{ outTerm: 0, inTerm: 0, outOffset: 0, inOffset: 0, outMult: 1, inMult: 1, outSize: 4, inSize: 4, dim: kernels.length, analyticDim: kernels.length, basis, labels: [] }],
    };
    const w = new Float64Array(kernels.length).fill(1);
    const F = fromData(expandFilter(fake, w), [4, 4, k, k]);
    const unsolved = (x: Tensor) => conv2d(x.reshape([1, ...x.shape]), F, null, { padding: 2 }).reshape([4, x.shape[1]!, x.shape[2]!]);
    const r = equivarianceError(unsolved, { group: G, in: gridAction({ fibre: fi }), out: gridAction({ fibre: fo }) });
    expect(r.verdict).toBe('not-equivariant');
  });
});

describe('R2Conv: quotient fields', () => {
  it('C(8) regular → quotient by the half turn (4 cosets) + trivial, and D(4) quotient by a flip, pass exactly', () => {
    const G8 = C(8), half = G8.elements().find((g) => Math.abs(g[0]! + 1) < 1e-12)!;
    const q8 = quotient(G8, [half]);
    expect(q8.size).toBe(4);
    const fo = directSum([q8, parseRep('1', G8)]), fi = parseRep('regular', G8);
    // Hom(R, Q ⊗ ψ_k) = dim(Q ⊗ ψ_k) = 4·dim ψ_k: 4 + (4 + 8 + 8) + (4 + 8 + 8) = 44 for the quotient term
    const m = new R2Conv(G8, fi, fo, 5, { dtype: 'float64', cache });
    expect(m.basis.pairs[0]!.dim).toBe(44);
    assertEquivariant(m, { group: G8, in: gridAction({ fibre: fi }), out: gridAction({ fibre: fo }), elements: { extra: lattice(G8) } });
    const G4 = D(4), qf = quotient(G4, [flip]);
    const m4 = new R2Conv(G4, qf, parseRep('regular + ir(1,1)', G4), 3, { dtype: 'float64' });
    for (const dtype of ['float64', 'float32'] as const) {
      assertEquivariant(m4, { group: G4, in: gridAction({ fibre: qf }), out: gridAction({ fibre: parseRep('regular + ir(1,1)', G4) }), dtype, elements: { extra: lattice(G4) } });
    }
  });
});

describe('R2Conv: rotations off the lattice are discretisation', () => {
  it('C(8)/D(8) regular fields and O(2) irreps under 45°, SO(2) irreps under 30°: error shrinking with resolution', () => {
    for (const [G, a, b, t] of [[C(8), 'regular', 'regular', Math.PI / 4], [SO2(), 'ir(1) + 1', '1 + ir(2)', Math.PI / 6], [O2(), 'ir(1,1)', 'ir(0,0) + ir(1,2)', Math.PI / 4], [D(8), 'regular', 'ir(1,1) + ir(0,0)', Math.PI / 4]] as const) {
      const fi = parseRep(a, G), fo = parseRep(b, G);
      const m = new R2Conv(G, fi, fo, 5, { dtype: 'float64', cache });
      const r = assertEquivariant(m, { group: G, in: rotatedGridAction({ fibre: fi }), out: rotatedGridAction({ fibre: fo }), resolutions: [16, 32, 64], elements: { only: true, extra: [rot(t)] } });
      expect(r.verdict).toBe('discretisation');
      const rel = r.resolutions!.map((x) => x.relative);
      expect(rel[1]!).toBeLessThan(rel[0]! / 2);
      expect(rel[2]!).toBeLessThan(rel[1]! / 2);
    }
  });

  it('frequencies aliased by the lattice (k = 4 under C(8)) leave an error that does not shrink: the harness says so', () => {
    const G = C(8), fi = parseRep('regular', G);
    const m = new R2Conv(G, fi, fi, 5, { dtype: 'float64', maxFrequency: 4, cache });
    const r = equivarianceError(m, { group: G, in: rotatedGridAction({ fibre: fi }), out: rotatedGridAction({ fibre: fi }), resolutions: [16, 32], elements: { only: true, extra: [rot(Math.PI / 4)] } });
    expect(r.verdict).toBe('not-equivariant');
    // …while 90° stays exact with the same layer
    assertEquivariant(m, { group: G, in: gridAction({ fibre: fi }), out: gridAction({ fibre: fi }), elements: { only: true, extra: [r90] } });
  });
});

describe('R2Conv: gradients, export, errors', () => {
  it('gradcheck (float64) through the filter expansion, in the coefficients and the input', () => {
    const G = D(4), m = new R2Conv(G, 'ir(1,1) + regular', '1 + ir(1,1)', 3, { dtype: 'float64', rng: new Rng(2) });
    const w = randn(new Rng(3), [m.basis.dim], { dtype: 'float64', requiresGrad: true });
    const x = randn(new Rng(4), [1, 10, 5, 5], { dtype: 'float64', requiresGrad: true });
    assertGradcheck((ww, xx) => conv2d(xx!, m.filter(ww!), m.biasVector(), { padding: 1 }), [w, x]);
  });

  it('export() gives a plain conv2d with identical outputs (with bias, stride)', () => {
    const G = C(8), m = withBias(new R2Conv(G, '2x1 + regular', 'regular + 1', 5, { dtype: 'float64', stride: 2, cache }), 7);
    const x = randn(new Rng(8), [2, 10, 11, 11], { dtype: 'float64' });
    const e = m.export();
    expect(e.weight.shape).toEqual([9, 10, 5, 5]);
    const y1 = m.call(x), y2 = conv2d(x, e.weight, e.bias, e);
    expect(y2.shape).toEqual(y1.shape);
    const d = Math.max(...Array.from(y1.data as Float64Array, (v, i) => Math.abs(v - (y2.data as Float64Array)[i]!)));
    expect(d).toBeLessThan(1e-13);
    // the bias lives on the invariant directions: the trivial field and the constant of the regular field
    const bv = Array.from(e.bias!.data as Float64Array);
    expect(Math.max(...bv.slice(0, 8)) - Math.min(...bv.slice(0, 8))).toBeLessThan(1e-14);
    expect(Math.abs(bv[8]!)).toBeGreaterThan(0);
  });

  it('names its errors', () => {
    const G = C(4);
    const m = new R2Conv(G, 'regular', '1', 3);
    expect(() => m.call(randn(new Rng(0), [1, 3, 5, 5]))).toThrow(/R2Conv: expected \[N, 4, H, W\] or \[4, H, W\] \(field type regular\), got \[1,3,5,5\]/);
    expect(() => m.filter(fromData(new Float32Array(2), [2]))).toThrow(ShapeError);
    expect(() => fieldType(C(8), parseRep('1', G))).toThrow(/is a rep of C\(4\), expected C\(8\)/);
    // SO(2) ir(3) → trivial needs frequency 3, above the default band limit 2; with maxFrequency 3 only
    // ring 2 (⌊2·2⌋ ≥ 3) carries it, with dim Hom_SO(2)(ψ₃, ψ₃) = 2
    expect(() => new R2Conv(SO2(), 'ir(3)', '1', 5)).toThrow(/no equivariant kernel from ir\(3\) to Scalar under SO\(2\)/);
    expect(new R2Conv(SO2(), 'ir(3)', '1', 5, { maxFrequency: 3 }).basis.dim).toBe(2);
  });
});
