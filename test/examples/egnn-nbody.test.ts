import { describe, expect, it } from 'vitest';
import { NBodyGNN, PAPER_TABLE, formatTable, runNBody } from '../../examples/egnn-nbody.js';
import { NBODY, nbodyGraphs, nbodySplits } from '../../src/data/nbody.js';
import { Rng } from '../../src/util/rng.js';

const quick = { epochs: 3, train: 40, val: 20, test: 20, batch: 20, hidden: 16, layers: 2, evalEvery: 1, lr: 2e-3 } as const;

describe('examples/egnn-nbody (quick mode)', () => {
  it('trains a small EGNN on N-body data: the loss decreases, val/test MSE are reported with the paper table', () => {
    const r = runNBody(quick);
    expect(r.model).toBe('egnn');
    expect(r.epochs).toBe(3);
    expect(r.lastLoss).toBeLessThan(r.firstLoss);
    expect(r.history).toHaveLength(3);
    expect(Number.isFinite(r.testMSE)).toBe(true);
    expect(r.bestVal).toBe(Math.min(...r.history.map((h) => h.val)));
    expect(r.best).not.toBeNull();
    expect(PAPER_TABLE.find(([n]) => n === 'EGNN')?.[1]).toBe(0.0071);
    expect(formatTable(r)).toMatch(/EGNN \(erlangen, 3 epochs/);
  });

  it('with --ema the evaluations use the averaged weights, and the live training path is unchanged', () => {
    const plain = runNBody(quick);
    const ema = runNBody({ ...quick, ema: 0.9 });
    // same data, initialisation and shuffles: the training losses agree exactly
    expect(ema.firstLoss).toBe(plain.firstLoss);
    expect(ema.lastLoss).toBe(plain.lastLoss);
    // the evaluations differ (averaged weights)
    expect(ema.history.map((h) => h.val)).not.toEqual(plain.history.map((h) => h.val));
    expect(Number.isFinite(ema.testMSE)).toBe(true);
  });

  it('trains the paper\'s non-equivariant GNN baseline (--model gnn)', () => {
    const r = runNBody({ ...quick, model: 'gnn' });
    expect(r.model).toBe('gnn');
    expect(r.lastLoss).toBeLessThan(r.firstLoss);
    expect(formatTable(r)).toMatch(/GNN \(erlangen, 3 epochs/);
  });

  it('NBodyGNN is permutation-equivariant within a graph but, unlike EGNN, not rotation-equivariant', () => {
    const samples = nbodySplits({ train: 2, val: 0, test: 0, seed: 5 }).train;
    const gnn = new NBodyGNN({ rng: new Rng(3), hidden: 8, layers: 2 });
    const g = nbodyGraphs(samples, { dtype: 'float64' });
    gnn.toDType('float64');
    const y = gnn.call(g).toArray() as number[][];
    // permute the particles of sample 0 (reverse them), keep sample 1
    const n = NBODY.numParticles;
    const perm = [...Array(n).keys()].reverse();
    const permuted = [{ ...samples[0]!, loc0: permuteRows(samples[0]!.loc0, perm), vel0: permuteRows(samples[0]!.vel0, perm), target: permuteRows(samples[0]!.target, perm), charges: Float64Array.from(perm, (p) => samples[0]!.charges[p]!) }, samples[1]!];
    const yp = gnn.call(nbodyGraphs(permuted, { dtype: 'float64' })).toArray() as number[][];
    for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) expect(Math.abs(yp[i]![c]! - y[perm[i]!]![c]!)).toBeLessThan(1e-12);
    for (let i = n; i < 2 * n; i++) for (let c = 0; c < 3; c++) expect(yp[i]![c]).toBe(y[i]![c]);
    // a rotation of the input does not rotate the output (the baseline has no E(3) symmetry built in)
    const R = [[0, -1, 0], [1, 0, 0], [0, 0, 1]];
    const rot = (a: Float64Array) => Float64Array.from(a, (_, k) => { const i = Math.floor(k / 3), r = k % 3; return R[r]![0]! * a[3 * i]! + R[r]![1]! * a[3 * i + 1]! + R[r]![2]! * a[3 * i + 2]!; });
    const rotated = samples.map((s) => ({ ...s, loc0: rot(s.loc0), vel0: rot(s.vel0), target: rot(s.target) }));
    const yr = gnn.call(nbodyGraphs(rotated, { dtype: 'float64' })).toArray() as number[][];
    let err = 0;
    for (let i = 0; i < 2 * n; i++) for (let r = 0; r < 3; r++) err = Math.max(err, Math.abs(yr[i]![r]! - (R[r]![0]! * y[i]![0]! + R[r]![1]! * y[i]![1]! + R[r]![2]! * y[i]![2]!)));
    expect(err).toBeGreaterThan(1e-6);
  });
});

function permuteRows(a: Float64Array, perm: readonly number[]): Float64Array {
  const out = new Float64Array(a.length);
  perm.forEach((p, i) => out.set(a.subarray(3 * p, 3 * p + 3), 3 * i));
  return out;
}
