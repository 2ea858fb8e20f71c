/**
 * Equivariant nonlinearities, invariant pooling, batch norm and anti-aliased pooling on steerable
 * feature maps (src/grid/steerable/nonlinear.ts) through the harness with the exact lattice action,
 * each with a broken variant that must fail (or a refusal with a named error).
 */
import { describe, expect, it } from 'vitest';
import { C, D, O2, SO2 } from '../../src/group/index.js';
import type { Group } from '../../src/group/index.js';
import { gated } from '../../src/nn/gated.js';
import { Sequential } from '../../src/nn/container.js';
import { directSum, parseRep, quotient } from '../../src/rep/index.js';
import type { Rep } from '../../src/rep/index.js';
import {
  AntialiasedAvgPool, EquivariantBatchNorm, GatedNonlinearity2d, InvariantPooling, NormNonlinearity2d, PointwiseNonlinearity, R2Conv,
} from '../../src/grid/steerable/index.js';
import { Tensor, batchNorm, randn } from '../../src/tensor/index.js';
import { assertEquivariant, assertGradcheck, equivarianceError, gridAction } from '../../src/testing/index.js';
import type { EquivarianceSpec } from '../../src/testing/index.js';
import { Rng, ShapeError, ValueError } from '../../src/util/index.js';

const r90 = Float64Array.of(0, -1, 1, 0);
const r180 = Float64Array.of(-1, 0, 0, -1);
const flip = Float64Array.of(1, 0, 0, -1);
const lattice = (G: Group): Float64Array[] => (G.key.startsWith('SO') || G.key.startsWith('C') ? [r90, r180] : [r90, r180, flip]);
const spec = (G: Group, fi: Rep, fo: Rep, extra: Partial<EquivarianceSpec> = {}): EquivarianceSpec => ({ group: G, in: gridAction({ fibre: fi }), out: gridAction({ fibre: fo }), elements: { extra: lattice(G) }, ...extra });

function counted(r: ReturnType<typeof equivarianceError>): number {
  return r.elements.filter((e) => !e.skipped && e.inGroup !== false).length;
}

describe('pointwise nonlinearities', () => {
  it('ReLU/ELU on regular, quotient and trivial fields pass (f64, f32); a ReLU on an irrep field fails, and the layer refuses it', () => {
    for (const [G, t] of [[C(8), 'regular + 2x1'], [D(4), 'regular + ir(0,0)']] as const) {
      const rep = parseRep(t, G);
      for (const fn of ['relu', 'elu'] as const) {
        for (const dtype of ['float64', 'float32'] as const) {
          const r = assertEquivariant(new PointwiseNonlinearity(rep, { fn }), spec(G, rep, rep, { dtype }));
          expect(counted(r)).toBeGreaterThanOrEqual(2);
        }
      }
    }
    const Gq = D(4), q = directSum([quotient(Gq, [flip]), parseRep('ir(0,0)', Gq)]);
    assertEquivariant(new PointwiseNonlinearity(q), spec(Gq, q, q));
    const G = C(8), irr = parseRep('ir(1)', G);
    expect(() => new PointwiseNonlinearity(irr)).toThrow(/PointwiseNonlinearity: field ir\(1\) of C\(8\) is not a permutation representation/);
    expect(() => new PointwiseNonlinearity(parseRep('ir(1,0)', D(4)))).toThrow(ValueError); // the sign rep flips signs
    expect(equivarianceError((x: Tensor) => x.relu(), spec(G, irr, irr)).verdict).toBe('not-equivariant');
    expect(() => new PointwiseNonlinearity(parseRep('regular', C(4))).call(randn(new Rng(0), [3, 5, 5]))).toThrow(ShapeError);
  });
});

describe('norm and gated nonlinearities', () => {
  it('NormNonlinearity2d on SO(2) / O(2) / C(8) irreps (with biases) passes', () => {
    for (const [G, t] of [[SO2(), '1 + ir(1) + 2 ir(2)'], [O2(), 'ir(1,1) + ir(1,0) + ir(0,0)'], [C(8), 'ir(1) + ir(3) + regular']] as const) {
      const rep = parseRep(t, G);
      const m = new NormNonlinearity2d(rep, { dtype: 'float64' });
      new Rng(1).fillNormal(m.inner.getParameter('bias').data as Float64Array);
      for (const dtype of ['float64', 'float32'] as const) assertEquivariant(m, spec(G, rep, rep, { dtype }));
    }
  });

  it('GatedNonlinearity2d: gates are trivial fields appended to the input; gating by a non-invariant channel fails', () => {
    const G = O2(), rep = parseRep('ir(1,1) + ir(1,2) + ir(0,0)', G);
    const m = new GatedNonlinearity2d(rep);
    expect(m.repIn.size).toBe(rep.size + 2);
    for (const dtype of ['float64', 'float32'] as const) assertEquivariant(m, spec(G, gated(rep), rep, { dtype }));
    // gate each vector field by its own first component instead of its gate: not equivariant
    const bad = (x: Tensor) => {
      const v = x.slice([null, [0, 5]]);
      const g = x.slice([null, [0, 1]]).sigmoid();
      return v.mul(g);
    };
    const xg = randn(new Rng(8), [2, gated(rep).size, 6, 6], { dtype: 'float64' });
    expect(equivarianceError(bad, spec(G, gated(rep), rep, { data: [xg] })).verdict).toBe('not-equivariant');
  });
});

describe('invariant pooling', () => {
  it('norm pooling (any orthogonal field) and max pooling (permutation fields) give trivial fields', () => {
    const G = C(8), rep = parseRep('regular + ir(1) + ir(2) + 1', G);
    const norm = new InvariantPooling(rep);
    expect(norm.repOut.size).toBe(4);
    for (const dtype of ['float64', 'float32'] as const) assertEquivariant(norm, spec(G, rep, norm.repOut, { dtype }));
    const Gd = D(4), reg = parseRep('2 regular + ir(0,0)', Gd);
    const mx = new InvariantPooling(reg, { mode: 'max' });
    assertEquivariant(mx, spec(Gd, reg, mx.repOut));
    expect(() => new InvariantPooling(rep, { mode: 'max' })).toThrow(/max pooling needs permutation fields .* got ir\(1\)/);
    // pooling a regular field by its first channel is not invariant
    const first = (x: Tensor) => x.slice([[0, 1]]);
    expect(equivarianceError(first, spec(Gd, parseRep('regular', Gd), parseRep('ir(0,0)', Gd))).verdict).toBe('not-equivariant');
  });
});

describe('equivariant batch norm', () => {
  it('trivial fields centred and scaled, other fields scaled only: training and eval pass; per-channel affine batch norm fails', () => {
    const G = D(4), rep = parseRep('ir(0,0) + regular + ir(1,1) + ir(1,0)', G);
    const bn = new EquivariantBatchNorm(rep, { dtype: 'float64' });
    new Rng(2).fillNormal(bn.getParameter('weight').data as Float64Array);
    new Rng(3).fillNormal(bn.getParameter('bias').data as Float64Array);
    const x = randn(new Rng(4), [3, rep.size, 7, 7], { dtype: 'float64' }).add(0.5);
    const y = bn.call(x);
    // the trivial channel is normalised: mean β₀, the others keep their direction
    const tr = Array.from(y.slice([null, [0, 1]]).data as Float64Array);
    expect(Math.abs(tr.reduce((a, b) => a + b, 0) / tr.length - (bn.getParameter('bias').data as Float64Array)[0]!)).toBeLessThan(1e-12);
    for (const dtype of ['float64', 'float32'] as const) assertEquivariant(bn, spec(G, rep, rep, { dtype, data: [x] }));
    bn.eval();
    assertEquivariant(bn, spec(G, rep, rep, { data: [x] }));
    // per-channel statistics alone commute with the lattice's signed permutations; per-channel affine
    // parameters (a shift and unequal scales inside a vector field) do not
    const gamma = randn(new Rng(5), [rep.size], { dtype: 'float64' }), beta = randn(new Rng(6), [rep.size], { dtype: 'float64' });
    const plain = (t: Tensor) => batchNorm(t, null, null, gamma, beta, { training: true });
    expect(equivarianceError(plain, spec(G, rep, rep, { data: [x] })).verdict).toBe('not-equivariant');
    expect(() => bn.call(randn(new Rng(0), [1, 3, 5, 5]))).toThrow(/EquivariantBatchNorm: expected \[N, 12, H, W\]/);
  });
});

describe('anti-aliased average pooling', () => {
  it('blur + stride 2 is exact on odd grids (samples symmetric about the centre) and fails on even ones', () => {
    const G = C(4), rep = parseRep('regular + 1', G);
    const pool = new AntialiasedAvgPool(rep);
    expect(pool.kernelSize).toBe(5);
    const odd = randn(new Rng(5), [2, 5, 9, 9], { dtype: 'float64' });
    expect(pool.call(odd).shape).toEqual([2, 5, 5, 5]);
    for (const dtype of ['float64', 'float32'] as const) assertEquivariant(pool, spec(G, rep, rep, { dtype, data: [odd] }));
    const even = randn(new Rng(6), [2, 5, 8, 8], { dtype: 'float64' });
    expect(equivarianceError(pool, spec(G, rep, rep, { data: [even] })).verdict).toBe('not-equivariant');
    expect(() => new AntialiasedAvgPool(rep, { kernelSize: 4 })).toThrow(ValueError);
  });
});

describe('a small steerable network', () => {
  it('R2Conv → batch norm → ReLU → anti-aliased pool → R2Conv → gated → R2Conv → invariant pooling is D(4)-invariant', () => {
    const G = D(4);
    const t0 = parseRep('ir(0,0)', G), t1 = parseRep('2 regular', G), t2 = parseRep('ir(1,1) + regular', G), t3 = parseRep('2 regular', G);
    const net = new Sequential(
      new R2Conv(G, t0, t1, 5, { dtype: 'float64', rng: new Rng(1) }),
      new EquivariantBatchNorm(t1, { dtype: 'float64' }),
      new PointwiseNonlinearity(t1),
      new AntialiasedAvgPool(t1),
      new R2Conv(G, t1, gated(t2), 3, { dtype: 'float64', rng: new Rng(2) }),
      new GatedNonlinearity2d(t2),
      new R2Conv(G, t2, t3, 3, { dtype: 'float64', rng: new Rng(3) }),
      new InvariantPooling(t3, { mode: 'max' }),
    );
    const x = randn(new Rng(7), [2, 1, 13, 13], { dtype: 'float64' });
    for (const dtype of ['float64', 'float32'] as const) assertEquivariant(net, spec(G, t0, parseRep('2 ir(0,0)', G), { dtype, data: [x] }));
  });
});

describe('gradients (float64)', () => {
  it('gradcheck through batch norm (training), the norm nonlinearity and norm pooling', () => {
    const G = D(4), rep = parseRep('ir(0,0) + regular + ir(1,1)', G);
    const bn = new EquivariantBatchNorm(rep, { dtype: 'float64' });
    const nl = new NormNonlinearity2d(rep, { dtype: 'float64', fn: 'softplus' });
    const pool = new InvariantPooling(rep);
    const x = randn(new Rng(11), [2, rep.size, 4, 4], { dtype: 'float64', requiresGrad: true });
    assertGradcheck((t) => pool.call(nl.call(bn.call(t!))), [x]);
  });
});
