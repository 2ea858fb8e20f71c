/**
 * RegularNonlinearity and GemResNetBlock (arXiv:2003.05425): exact gauge equivariance for angles
 * that are multiples of 2π/N (and for a linear σ at any angle), the approximate error at random
 * angles, the identity reproduced iff N ≥ 2L + 1.
 */
import { describe, expect, it } from 'vitest';
import { GemResNetBlock, RegularNonlinearity, randomGaugeGeometry, regularSamplingMatrix } from '../../src/mesh/index.js';
import { Tensor } from '../../src/tensor/index.js';
import { Rng, ValueError } from '../../src/util/index.js';
import { assertEquivariant, assertGaugeEquivariant, gaugeFeatureAction } from '../../src/testing/index.js';
import { features, gaugeElements, gaugeReport, maxDiff, permuteMesh, quantizedGauge } from './gem-helpers.js';

/** Check a per-vertex map under gauge changes (one feature input, one output). */
function nlReport(nl: RegularNonlinearity, x: Tensor, impl?: ReturnType<typeof quantizedGauge>, dtype?: 'float32' | 'float64') {
  const L = nl.maxOrder, o = impl ? { impl } : {};
  return assertEquivariant(nl, {
    group: null, in: gaugeFeatureAction(L, o), out: gaugeFeatureAction(L, o), data: [x], elements: { extra: gaugeElements() },
    ...(dtype ? { dtype } : {}),
  });
}

describe('RegularNonlinearity', () => {
  for (const [L, N] of [[1, 3], [2, 7], [3, 11], [2, 101]] as const) {
    it(`L = ${L}, N = ${N}: exact for angles that are multiples of 2π/N (float64 ≤ 1e-12, float32 ≤ 1e-5)`, () => {
      const nl = new RegularNonlinearity(L, { samples: N });
      const x = features(new Rng(L), 6, 3, L);
      expect(nlReport(nl, x, quantizedGauge(N)).worst!.relative).toBeLessThanOrEqual(1e-12);
      expect(nlReport(nl, x, quantizedGauge(N), 'float32').worst!.relative).toBeLessThanOrEqual(1e-5);
    });
  }

  it('approximate at random angles: the error shrinks with N (≈3e-3 at N = 101)', () => {
    const L = 2, x = features(new Rng(1), 6, 3, L);
    const errs = [7, 21, 101].map((N) => {
      const nl = new RegularNonlinearity(L, { samples: N });
      const r = gaugeReport((t: Tensor) => nl.call(t), { Lin: L, Lout: L, x, geo: randomGaugeGeometry(new Rng(0), 6), tol: 1 });
      return r.worst!.relative;
    });
    // (the geometry input of gaugeReport is ignored by the nonlinearity)
    expect(errs[2]!).toBeLessThan(3e-3);
    expect(errs[0]!).toBeGreaterThan(errs[2]!);
    expect(errs[0]!).toBeGreaterThan(1e-4); // random angles are not exact for ReLU
  });

  it('with σ = identity it reproduces the input iff N ≥ 2L + 1', () => {
    const x = features(new Rng(2), 5, 2, 3);
    const id = new RegularNonlinearity(3, { samples: 7, activation: (t) => t });
    expect(maxDiff(id.call(x), x)).toBeLessThan(1e-14);
    expect(() => new RegularNonlinearity(3, { samples: 5 })).toThrow(/cannot represent/);
    expect(() => new RegularNonlinearity(1, { samples: 4 })).toThrow(ValueError);
    // the projection Aᵀ A with N = 5 < 7 samples is not the identity on ρ₀ ⊕ … ⊕ ρ₃
    const A = regularSamplingMatrix(3, 5), w = 7;
    let off = 0;
    for (let i = 0; i < w; i++) {
      for (let j = 0; j < w; j++) {
        let s = 0;
        for (let n = 0; n < 5; n++) s += A[n * w + i]! * A[n * w + j]!;
        off = Math.max(off, Math.abs(s - (i === j ? 1 : 0)));
      }
    }
    expect(off).toBeGreaterThan(0.1);
  });

  it('with a linear σ it is exactly equivariant at every angle', () => {
    const nl = new RegularNonlinearity(2, { samples: 5, activation: (t) => t.mul(2) });
    nlReport(nl, features(new Rng(3), 6, 2, 2));
  });
});

describe('GemResNetBlock', () => {
  for (const [Lin, Lout] of [[0, 2], [2, 0], [2, 2], [1, 3]] as const) {
    it(`L_in = ${Lin} → L_out = ${Lout}: exact at multiples of 2π/N (float64 ≤ 1e-12, float32 ≤ 1e-5)`, () => {
      const rng = new Rng(20 + Lin + Lout);
      const geo = randomGaugeGeometry(rng, 7);
      const N = 9;
      const block = new GemResNetBlock(2, 3, { maxOrderIn: Lin, maxOrderOut: Lout, samples: N, rings: 3, dtype: 'float64', rng });
      const x = features(rng, 7, 2, Lin);
      const spec = { maxOrderIn: Lin, maxOrderOut: Lout, features: x, geometry: geo, impl: quantizedGauge(N), elements: { extra: gaugeElements() } };
      expect(assertGaugeEquivariant(block, spec).worst!.relative).toBeLessThanOrEqual(1e-12);
      expect(assertGaugeEquivariant(block, { ...spec, dtype: 'float32' }).worst!.relative).toBeLessThanOrEqual(1e-5);
    });
  }

  it('exact at random angles with an identity-like (linear) σ; approximate with ReLU', () => {
    const rng = new Rng(30);
    const geo = randomGaugeGeometry(rng, 7);
    const x = features(rng, 7, 2, 2);
    const lin = new GemResNetBlock(2, 2, { maxOrderIn: 2, maxOrderOut: 2, samples: 5, activation: (t) => t.mul(0.5), dtype: 'float64', rng });
    expect(assertGaugeEquivariant(lin, { maxOrderIn: 2, maxOrderOut: 2, features: x, geometry: geo, elements: { extra: gaugeElements() } }).worst!.relative).toBeLessThanOrEqual(1e-12);
    const relu = new GemResNetBlock(2, 2, { maxOrderIn: 2, maxOrderOut: 2, samples: 101, dtype: 'float64', rng });
    const approx = gaugeReport(relu, { Lin: 2, Lout: 2, x, geo, tol: 1 }).worst!.relative;
    expect(approx).toBeLessThan(3e-3);
    expect(approx).toBeGreaterThan(1e-12);
  });

  it('a permuted mesh gives permuted outputs', () => {
    const rng = new Rng(31);
    const geo = randomGaugeGeometry(rng, 8);
    const block = new GemResNetBlock(2, 2, { maxOrderIn: 1, maxOrderOut: 2, dtype: 'float64', rng });
    const x = features(rng, 8, 2, 1);
    const p = permuteMesh(x, geo, rng);
    expect(maxDiff(block.call(p.x, p.geo), block.call(x, geo).indexSelect(0, p.perm))).toBeLessThan(1e-12);
  });

  it('has two convolutions, a residual mixing and two nonlinearities; gradients reach every parameter', () => {
    const rng = new Rng(32);
    const block = new GemResNetBlock(2, 3, { maxOrderIn: 1, maxOrderOut: 2, dtype: 'float64', rng });
    expect(block.namedChildren().map(([k]) => k)).toEqual(['conv1', 'act1', 'conv2', 'skip', 'act2']);
    const geo = randomGaugeGeometry(rng, 6);
    block.call(features(rng, 6, 2, 1), geo).square().sum().backward();
    for (const [name, prm] of block.namedParameters()) expect(prm.grad, name).not.toBeNull();
  });
});
