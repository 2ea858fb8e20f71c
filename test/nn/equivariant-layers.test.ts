import { describe, expect, it } from 'vitest';
import { D, O, O13, S, SO, parseGroup } from '../../src/group/index.js';
import type { Group } from '../../src/group/index.js';
import { Scalar, V, parseRep, regular } from '../../src/rep/index.js';
import type { Rep } from '../../src/rep/index.js';
import { equivariantBasis } from '../../src/solver/index.js';
import { Tensor, randn } from '../../src/tensor/index.js';
import { ContractError, Rng, ValueError } from '../../src/util/index.js';
import { actOn, isPermutationRep } from '../../src/nn/equivariant-common.js';
import { EquivariantLinear } from '../../src/nn/equivariant-linear.js';
import { EquivariantBilinear } from '../../src/nn/equivariant-bilinear.js';
import { GatedNonlinearity, gated, numGates } from '../../src/nn/gated.js';
import { NormNonlinearity } from '../../src/nn/norm-nonlinearity.js';
import { EquivariantPointwise } from '../../src/nn/equivariant-pointwise.js';

type F = { call(x: Tensor): Tensor; repIn: Rep; repOut: Rep; group: Group };

function norm(a: Float32Array | Float64Array | Int32Array): number {
  let s = 0;
  for (const v of a) s += v * v;
  return Math.sqrt(s);
}

/** max over sampled g of ‖f(ρ_in(g)x) − ρ_out(g)f(x)‖ / ‖f(x)‖. */
function equivError(f: F, dtype: 'float32' | 'float64', seed = 1, trials = 3, batch = 4): number {
  const rng = new Rng(seed);
  let worst = 0;
  for (let t = 0; t < trials; t++) {
    const g = f.group.sample(rng);
    const x = randn(rng, [batch, f.repIn.size], { dtype });
    const y1 = f.call(actOn(f.repIn, g, x));
    const y2 = actOn(f.repOut, g, f.call(x));
    const diff = y1.sub(y2);
    worst = Math.max(worst, norm(diff.data) / norm(y2.data));
  }
  return worst;
}

const cases: [string, string, string][] = [
  ['SO(3)', 'V', 'V^2'],
  ['SO(3)', 'V^2 + V', 'V + 2Scalar'],
  ['O(3)', 'V^2 + 2V + Scalar', 'V^2 + V + Scalar'],
  ['S(4)', 'V + Scalar', 'V^2 + V'],
  ['D(4)', 'regular + V', 'regular'],
  ['O13', 'V + Scalar', 'V*dual(V) + Scalar'],
];

describe('EquivariantLinear', () => {
  for (const [g, a, b] of cases) {
    it(`${g}: ${a} → ${b} is equivariant (float64 ≤ 1e-12, float32 ≤ 1e-5)`, () => {
      const G = parseGroup(g);
      const rin = parseRep(a, G), rout = parseRep(b, G);
      const f64 = new EquivariantLinear(rin, rout, { rng: new Rng(0), dtype: 'float64' });
      expect(f64.basisDim).toBe(equivariantBasis(rin, rout).dim);
      const e64 = equivError(f64, 'float64');
      expect(e64).toBeLessThan(1e-12);
      if (G.isOrthogonal) {
        const f32 = new EquivariantLinear(rin, rout, { rng: new Rng(0), dtype: 'float32' });
        expect(equivError(f32, 'float32')).toBeLessThan(1e-5);
      }
    });
  }

  it('float32 on a Lorentz-group layer stays within 1e-5 for moderate boosts', () => {
    const G = O13();
    const f = new EquivariantLinear(parseRep('V + Scalar', G), parseRep('V + Scalar', G), { rng: new Rng(0), dtype: 'float32' });
    expect(equivError(f, 'float32')).toBeLessThan(1e-5);
  });

  it('weights are exactly in the solved space and outputs have unit-order scale', () => {
    const G = SO(3);
    const rin = parseRep('4V + 8Scalar', G), rout = parseRep('4V + 8Scalar', G);
    const lin = new EquivariantLinear(rin, rout, { rng: new Rng(3), dtype: 'float64' });
    const W = Float64Array.from(lin.weight().data);
    const B = equivariantBasis(rin, rout);
    const proj = B.apply(B.project(W));
    let d = 0;
    for (let i = 0; i < W.length; i++) d = Math.max(d, Math.abs(proj[i]! - W[i]!));
    expect(d).toBeLessThan(1e-12);
    const x = randn(new Rng(4), [400, rin.size], { dtype: 'float64' });
    const y = lin.call(x);
    const ms = y.square().mean().item();
    expect(ms).toBeGreaterThan(0.3);
    expect(ms).toBeLessThan(3);
  });

  it('empty Hom: ContractError with the explanation, or the documented zero map', () => {
    const G = SO(3);
    expect(() => new EquivariantLinear(V(G), Scalar(G), { rng: new Rng(0) })).toThrow(ContractError);
    const z = new EquivariantLinear(V(G), Scalar(G), { rng: new Rng(0), allowEmpty: true, bias: false, dtype: 'float64' });
    expect(z.basisDim).toBe(0);
    expect(Array.from(z.call(randn(new Rng(1), [2, 3], { dtype: 'float64' })).data)).toEqual([0, 0]);
  });

  it('gradients match finite differences (float64)', () => {
    const G = SO(3);
    const lin = new EquivariantLinear(V(G), parseRep('V^2 + Scalar', G), { rng: new Rng(5), dtype: 'float64' });
    const x = randn(new Rng(6), [3, 3], { dtype: 'float64' });
    const loss = (): number => lin.call(x).square().sum().item();
    lin.zeroGrad();
    lin.call(x).square().sum().backward();
    for (const p of lin.parameters()) {
      for (const i of [0, p.size - 1]) {
        const old = p.data[i]!;
        const h = 1e-6;
        p.data[i] = old + h; const lp = loss();
        p.data[i] = old - h; const lm = loss();
        p.data[i] = old;
        const fd = (lp - lm) / (2 * h);
        expect(Math.abs(p.grad!.data[i]! - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
      }
    }
  });
});

describe('S(n) layers fall out of the solver', () => {
  it('DeepSets: Hom_S(5)(Rⁿ, Rⁿ) has dim 2 (I and 𝟙𝟙ᵀ) and the layer is permutation equivariant', () => {
    const G = S(5);
    const B = equivariantBasis(V(G), V(G));
    expect(B.dim).toBe(2);
    const f = new EquivariantLinear(V(G), V(G), { rng: new Rng(0), dtype: 'float64' });
    expect(equivError(f, 'float64')).toBeLessThan(1e-12);
    // W = λI + γ𝟙𝟙ᵀ: all diagonal entries equal, all off-diagonal entries equal
    const W = f.weight().data;
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) expect(W[i * 5 + j]).toBeCloseTo(W[i === j ? 0 : 1]!, 12);
  });
  it('second-order invariant graph network: Hom_S(4)(R^{n×n}, R^{n×n}) has dim 15', () => {
    const G = S(4);
    const r = parseRep('V^2', G);
    expect(equivariantBasis(r, r).dim).toBe(15);
    const f = new EquivariantLinear(r, r, { rng: new Rng(1), dtype: 'float64' });
    expect(f.basisDim).toBe(15);
    expect(equivError(f, 'float64')).toBeLessThan(1e-12);
  });
});

describe('EquivariantBilinear', () => {
  const bcases: [string, string][] = [
    ['SO(3)', 'V^2 + 2V + 3Scalar'],
    ['O(3)', 'V^2 + V + 2Scalar'],
    ['S(4)', 'V + 2Scalar'],
    ['O13', 'V*dual(V) + V + dual(V) + Scalar'],
  ];
  for (const [g, r] of bcases) {
    it(`${g}: ${r} is equivariant`, () => {
      const G = parseGroup(g);
      const rep = parseRep(r, G);
      const f = new EquivariantBilinear(rep, rep, { rng: new Rng(2), dtype: 'float64' });
      expect(f.activeTypes).toBeGreaterThan(0);
      expect(equivError(f, 'float64')).toBeLessThan(1e-12);
      if (G.isOrthogonal) expect(equivError(new EquivariantBilinear(rep, rep, { rng: new Rng(2) }), 'float32')).toBeLessThan(1e-5);
    });
  }
  it('gradients match finite differences (float64)', () => {
    const G = SO(3);
    const rep = parseRep('V^2 + V + Scalar', G);
    const f = new EquivariantBilinear(rep, rep, { rng: new Rng(7), dtype: 'float64' });
    const x = randn(new Rng(8), [2, rep.size], { dtype: 'float64', requiresGrad: true });
    f.call(x).square().sum().backward();
    const loss = (): number => f.call(x).square().sum().item();
    const targets: [Float64Array | Float32Array, Float64Array | Float32Array][] = [[x.data as Float64Array, x.grad!.data as Float64Array]];
    for (const p of f.parameters()) targets.push([p.data as Float64Array, p.grad!.data as Float64Array]);
    for (const [data, grad] of targets) {
      for (const i of [0, data.length - 1]) {
        const old = data[i]!, h = 1e-6;
        data[i] = old + h; const lp = loss();
        data[i] = old - h; const lm = loss();
        data[i] = old;
        const fd = (lp - lm) / (2 * h);
        expect(Math.abs(grad[i]! - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
      }
    }
  });
});

describe('nonlinearities', () => {
  it('gated(rep) appends one gate per non-scalar, non-permutation field', () => {
    const G = SO(3);
    expect(numGates(parseRep('V^2 + 2V + 3Scalar', G))).toBe(3);
    expect(gated(parseRep('V^2 + 2V + 3Scalar', G)).size).toBe(9 + 6 + 3 + 3);
    const P = S(4);
    expect(isPermutationRep(V(P))).toBe(true);
    expect(isPermutationRep(regular(D(4)))).toBe(true);
    expect(isPermutationRep(V(D(4)))).toBe(false);
    expect(numGates(parseRep('V^2 + V + Scalar', P))).toBe(0);
  });
  for (const [g, r] of [['SO(3)', 'V^2 + 2V + 3Scalar'], ['O13', 'V*dual(V) + V + Scalar'], ['D(4)', 'regular + V + Scalar']] as const) {
    it(`GatedNonlinearity ${g}: ${r} is equivariant`, () => {
      const G = parseGroup(g);
      const f = new GatedNonlinearity(parseRep(r, G));
      expect(f.repIn.size).toBe(f.repOut.size + numGates(f.repOut));
      expect(equivError(f, 'float64')).toBeLessThan(1e-12);
    });
  }
  it('NormNonlinearity is equivariant for orthogonal reps and refuses Lorentz vectors', () => {
    for (const fn of ['relu', 'sigmoid', 'softplus', 'squash'] as const) {
      const G = O(3);
      const nl = new NormNonlinearity(parseRep('V^2 + 2V + Scalar', G), { fn, dtype: 'float64' });
      nl.maybeParameter('bias')?.data.fill(fn === 'relu' ? -0.5 : 0.3);
      expect(equivError(nl, 'float64')).toBeLessThan(1e-12);
    }
    expect(() => new NormNonlinearity(V(O13()))).toThrow(ValueError);
  });
  it('pointwise nonlinearity: permutation reps only', () => {
    const f = new EquivariantPointwise(parseRep('V^2 + V + Scalar', S(4)), 'relu');
    expect(equivError(f, 'float64')).toBeLessThan(1e-12);
    const r = new EquivariantPointwise(regular(D(4)), 'swish');
    expect(equivError(r, 'float64')).toBeLessThan(1e-12);
    expect(() => new EquivariantPointwise(V(SO(3)))).toThrow(/not a permutation representation/);
    expect(() => new EquivariantPointwise(V(D(4)))).toThrow(ValueError);
  });
});
