import { afterAll, describe, expect, it } from 'vitest';
import { MLP } from '../../src/nn/container.js';
import { DeepSets, DeepSetsEquivariant, deepSetsSolverBasis, setPool } from '../../src/nn/deepsets.js';
import type { SetPool } from '../../src/nn/deepsets.js';
import { randn, tensor, zeros } from '../../src/tensor/index.js';
import { formatGradcheckReport, gradcheck } from '../../src/testing/gradcheck.js';
import { Rng } from '../../src/util/rng.js';
import { type DT, tol, relErr, permuteSet, paramGradError, padded } from './set-test-util.js';

const measured: string[] = [];
afterAll(() => console.info(`deepsets errors:\n  ${measured.join('\n  ')}`));
const pools: SetPool[] = ['sum', 'mean', 'max'];




describe('solver justification', () => {
  it('the S(n) basis of Hom(V, V) has dim 2 and spans {I, 𝟙𝟙ᵀ} (n = 2…6)', () => {
    for (let n = 2; n <= 6; n++) {
      const b = deepSetsSolverBasis(n);
      expect(b.dim).toBe(2);
      expect(b.residual).toBeLessThan(1e-12);
      expect(b.spanDet).toBeGreaterThan(1e-3);
    }
    measured.push(`solver S(5) basis residual vs span{I, 11ᵀ}: ${deepSetsSolverBasis(5).residual.toExponential(2)}`);
  });

  it('DeepSetsEquivariant with sum pool is exactly Σ_c (λI + γ𝟙𝟙ᵀ) per channel pair', () => {
    const layer = new DeepSetsEquivariant(2, 3, { rng: new Rng(1), bias: false }).toDType('float64');
    const x = randn(new Rng(2), [1, 4, 2], { dtype: 'float64' });
    const L = layer.lambda.toArray() as number[][], G = layer.gamma.toArray() as number[][];
    const X = (x.toArray() as number[][][])[0]!;
    const expected = X.map((_, i) =>
      [0, 1, 2].map((o) => [0, 1].reduce((s, c) => s + L[c]![o]! * X[i]![c]! + G[c]![o]! * X.reduce((t, row) => t + row[c]!, 0), 0)),
    );
    expect(relErr(layer.call(x), tensor([expected], { dtype: 'float64' }))).toBeLessThan(1e-14);
  });
});

describe('setPool', () => {
  it('masks padded elements; empty sets pool to 0', () => {
    const x = tensor([[[1], [5], [9]], [[2], [4], [6]], [[3], [3], [3]]]);
    const mask = tensor([[0, 0, 1], [0, 1, 1], [1, 1, 1]]);
    expect(setPool(x, 'sum', mask).toFlatArray()).toEqual([6, 2, 0]);
    expect(setPool(x, 'mean', mask).toFlatArray()).toEqual([3, 2, 0]);
    expect(setPool(x, 'max', mask).toFlatArray()).toEqual([5, 2, 0]);
    expect(setPool(zeros([2, 0, 3]), 'max').shape).toEqual([2, 3]);
    expect(() => setPool(x, 'median' as SetPool)).toThrow(/pool/);
  });
});

describe('DeepSets (invariant)', () => {
  const make = (pool: SetPool, dtype: DT) => {
    const rng = new Rng(5);
    return new DeepSets(new MLP([3, 16, 16], { rng, activation: 'tanh' }), new MLP([16, 16, 2], { rng }), { pool }).toDType(dtype);
  };
  for (const pool of pools) {
    for (const dtype of ['float64', 'float32'] as const) {
      it(`${pool} pool: permutation invariant (${dtype})`, () => {
        const net = make(pool, dtype);
        const rng = new Rng(3);
        const x = randn(rng, [3, 7, 3], { dtype });
        const err = relErr(net.call(permuteSet(x, rng.permutation(7))), net.call(x));
        measured.push(`DeepSets ${pool} invariance ${dtype}: ${err.toExponential(2)}`);
        expect(err).toBeLessThan(tol[dtype]);
      });
    }
    it(`${pool} pool: padded batch (incl. an empty set) equals per-item`, () => {
      const net = make(pool, 'float64');
      const { sets, x, mask } = padded(new Rng(4), [2, 5, 1, 0], 3, 'float64');
      const y = net.call(x, mask);
      let worst = 0;
      sets.forEach((s, b) => (worst = Math.max(worst, relErr(y.slice([[b, b + 1]]), net.call(s)))));
      measured.push(`DeepSets ${pool} padded vs per-item: ${worst.toExponential(2)}`);
      expect(worst).toBeLessThan(1e-14);
    });
  }
});

describe('DeepSetsEquivariant', () => {
  for (const pool of pools) {
    for (const dtype of ['float64', 'float32'] as const) {
      it(`${pool} pool: permutation equivariant (${dtype})`, () => {
        const layer = new DeepSetsEquivariant(3, 5, { rng: new Rng(1), pool }).toDType(dtype);
        const rng = new Rng(2);
        const x = randn(rng, [2, 6, 3], { dtype });
        const perm = rng.permutation(6);
        expect(layer.call(x).dtype).toBe(dtype);
        const err = relErr(layer.call(permuteSet(x, perm)), permuteSet(layer.call(x), perm));
        measured.push(`DeepSetsEquivariant ${pool} equivariance ${dtype}: ${err.toExponential(2)}`);
        expect(err).toBeLessThan(tol[dtype]);
      });
    }
    it(`${pool} pool: padded batch equals per-item, padded rows 0; unbatched [n, F] works`, () => {
      const layer = new DeepSetsEquivariant(3, 4, { rng: new Rng(1), pool }).toDType('float64');
      const { sets, x, mask } = padded(new Rng(6), [4, 2, 0], 3, 'float64');
      const y = layer.call(x, mask);
      let worst = 0;
      sets.forEach((s, b) => {
        const n = s.shape[1]!;
        if (n > 0) worst = Math.max(worst, relErr(y.slice([[b, b + 1], [0, n]]), layer.call(s)));
      });
      expect(worst).toBeLessThan(1e-14);
      expect(y.slice([[1, 2], [2, 4]]).toFlatArray().every((v) => v === 0)).toBe(true);
      expect(y.slice([[2, 3]]).toFlatArray().every((v) => v === 0)).toBe(true);
      expect(relErr(layer.call(sets[0]!.squeeze(0)), layer.call(sets[0]!).squeeze(0))).toBe(0);
    });
    it(`${pool} pool: gradcheck (float64) for input and Λ, Γ, b, with a mask`, () => {
      const layer = new DeepSetsEquivariant(2, 3, { rng: new Rng(1), pool }).toDType('float64');
      const rng = new Rng(7);
      const x = randn(rng, [2, 3, 2], { dtype: 'float64', requiresGrad: true });
      const mask = tensor([[0, 0, 1], [0, 0, 0]]);
      const r = gradcheck((a) => layer.call(a, mask), [x]);
      expect(r.ok, formatGradcheckReport(r)).toBe(true);
      const pe = paramGradError(layer, () => layer.call(x, mask), rng);
      measured.push(`DeepSetsEquivariant ${pool} gradcheck input ${r.maxRelError.toExponential(2)}, params ${pe.toExponential(2)}`);
      expect(pe).toBeLessThan(1e-7);
    });
  }
});
