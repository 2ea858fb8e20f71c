import { afterAll, describe, expect, it } from 'vitest';
import { Tensor, concat, indexSelect, randn, slice } from '../../src/tensor/index.js';
import { Parameter } from '../../src/nn/index.js';
import type { AnyModule, FloatDType } from '../../src/nn/index.js';
import { GraphsTuple, batch } from '../../src/graph/index.js';
import { IGNLayer, IGNReadout, ignBasisFrom, ignOperatorMatrix, ignPatterns, toDenseGraph } from '../../src/graph/conv/index.js';
import type { IgnBasis } from '../../src/graph/conv/index.js';
import { S } from '../../src/group/index.js';
import { Scalar, V } from '../../src/rep/index.js';
import { equivariantBasis } from '../../src/solver/index.js';
import { gradcheck, formatGradcheckReport } from '../../src/testing/gradcheck.js';
import { Rng } from '../../src/util/rng.js';

function permutation(rng: Rng, n: number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) { const j = rng.int(i + 1); [p[i], p[j]] = [p[j]!, p[i]!]; }
  return p;
}

/** x[:, π, π, :] */
const permute2 = (x: Tensor, p: Int32Array): Tensor => indexSelect(indexSelect(x, 1, p), 2, p);

function relErr(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  let m = 0, s = 0;
  for (let i = 0; i < a.data.length; i++) {
    m = Math.max(m, Math.abs(a.data[i]! - b.data[i]!));
    s = Math.max(s, Math.abs(a.data[i]!), Math.abs(b.data[i]!));
  }
  return s === 0 ? m : m / s;
}

/** Rank of a set of vectors by Gram–Schmidt (relative tolerance). */
function rank(vs: Float64Array[]): number {
  const basis: Float64Array[] = [];
  for (const v0 of vs) {
    const v = Float64Array.from(v0);
    const n0 = Math.hypot(...v);
    for (const b of basis) {
      let d = 0;
      for (let i = 0; i < v.length; i++) d += v[i]! * b[i]!;
      for (let i = 0; i < v.length; i++) v[i]! -= d * b[i]!;
    }
    const n = Math.hypot(...v);
    if (n > 1e-9 * Math.max(1, n0)) basis.push(v.map((x) => x / n));
  }
  return basis.length;
}

function bindParams(m: AnyModule, ts: readonly Tensor[]): void {
  const owners = new Map(m.namedModules());
  m.namedParameters().forEach(([name], k) => {
    const dot = name.lastIndexOf('.');
    const t = ts[k]!;
    if (!(t instanceof Parameter)) Object.setPrototypeOf(t, Parameter.prototype);
    owners.get(dot < 0 ? '' : name.slice(0, dot))!.registerParameter(dot < 0 ? name : name.slice(dot + 1), t);
  });
}

/** The IGN bases from the solver: Hom_S(4)(V⊗V, V⊗V) and Hom_S(4)(V⊗V, R). */
const G4 = S(4), VV = V(G4).pow(2);
const BASIS2: IgnBasis = ignBasisFrom(equivariantBasis(VV, VV), 4, 2);
const BASIS0: IgnBasis = ignBasisFrom(equivariantBasis(VV, Scalar(G4)), 4, 0);

const measured: string[] = [];
afterAll(() => console.log(`IGN equivariance (max relative error):\n  ${measured.join('\n  ')}`));

describe('ignBasis (from the solver)', () => {
  it('Hom_S(n)(V⊗V, V⊗V) has dim 15 and Hom_S(n)(V⊗V, R) dim 2; the patterns span the solver basis', () => {
    expect(BASIS2.dim).toBe(15);
    expect(BASIS2.patterns).toHaveLength(15);
    expect(BASIS2.residual).toBeLessThan(1e-12);
    expect(BASIS0.dim).toBe(2);
    expect(BASIS0.patterns.map((p) => p.labels.join(''))).toEqual(['00', '01']);
    // the combinatorial default is the same set
    expect(ignPatterns(2).patterns.map((p) => p.labels.join(''))).toEqual(BASIS2.patterns.map((p) => p.labels.join('')));
    // n = 3: the all-distinct pattern has no orbit, the solver finds dim 14
    const G3 = S(3), vv3 = V(G3).pow(2);
    expect(ignBasisFrom(equivariantBasis(vv3, vv3), 3).patterns).toHaveLength(14);
  });

  it('the O(n²) operators of the layer span exactly the solver basis at n = 5', () => {
    const n = 5;
    const G = S(n);
    const sol = equivariantBasis(V(G).pow(2), V(G).pow(2));
    expect(sol.dim).toBe(15);
    const mats = BASIS2.patterns.map((p) => ignOperatorMatrix(p, n, false));
    let worst = 0;
    for (const M of mats) {
      const back = sol.apply(sol.project(M));
      for (let t = 0; t < M.length; t++) worst = Math.max(worst, Math.abs(M[t]! - back[t]!));
    }
    expect(worst).toBeLessThan(1e-10); // every operator is S(n)-equivariant
    expect(rank(mats)).toBe(15); // and together they span the whole space
    expect(rank(BASIS2.patterns.map((p) => ignOperatorMatrix(p, n, true)))).toBe(15);
  });
});

function net(rng: Rng, dtype: FloatDType): { l1: IGNLayer; l2: IGNLayer; r: IGNReadout; run: (x: Tensor) => [Tensor, Tensor] } {
  const l1 = new IGNLayer(3, 4, { rng, dtype, basis: BASIS2 });
  const l2 = new IGNLayer(4, 2, { rng, dtype, mean: false, basis: BASIS2 });
  const r = new IGNReadout(2, 3, { rng, dtype, basis: BASIS0 });
  for (const m of [l1, l2, r]) for (const p of m.parameters()) if (p.shape.length === 1) p.data.set(randn(rng, p.shape).data);
  return { l1, l2, r, run: (x) => { const y = l2.call(l1.call(x).tanh()); return [y, r.call(y)]; } };
}

describe('IGNLayer / IGNReadout', () => {
  it('equivariant (layers) and invariant (readout) under node relabelling: float64 ≤ 1e-12, float32 ≤ 1e-5', () => {
    for (const [dtype, tol] of [['float64', 1e-12], ['float32', 1e-5]] as const) {
      const rng = new Rng(3);
      const { run } = net(rng, dtype);
      const x = randn(rng, [2, 6, 6, 3], { dtype });
      const p = permutation(rng, 6);
      const [y, r] = run(x);
      const [yp, rp] = run(permute2(x, p));
      const e1 = relErr(yp, permute2(y, p)), e2 = relErr(rp, r);
      measured.push(`IGNLayer×2 ${dtype}: ${e1.toExponential(2)}; IGNReadout ${dtype}: ${e2.toExponential(2)}`);
      expect(e1).toBeLessThanOrEqual(tol);
      expect(e2).toBeLessThanOrEqual(tol);
    }
  });

  it('batched == per sample; empty (n = 0) and edgeless graphs work', () => {
    const rng = new Rng(4);
    const { run } = net(rng, 'float64');
    const mk = (edgeless: boolean) => {
      const s: number[] = [], t: number[] = [];
      if (!edgeless) for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) if (i !== j && rng.uniform() < 0.4) { s.push(i); t.push(j); }
      return new GraphsTuple({ nodes: randn(rng, [5, 2], { dtype: 'float64' }), senders: s, receivers: t });
    };
    const gs = [mk(false), mk(true), mk(false)];
    const dense = toDenseGraph(batch(gs));
    expect(dense.shape).toEqual([3, 5, 5, 3]);
    const [yb, rb] = run(dense);
    const singles = gs.map((g) => run(toDenseGraph(g)));
    expect(relErr(yb, concat(singles.map((s) => s[0]), 0))).toBeLessThan(1e-14);
    expect(relErr(rb, concat(singles.map((s) => s[1]), 0))).toBeLessThan(1e-14);
    // per sample slices of a batch equal the single runs
    expect(relErr(slice(yb, [[1, 2]]), singles[1]![0])).toBeLessThan(1e-14);
    const empty = new GraphsTuple({ nodes: randn(rng, [0, 2], { dtype: 'float64' }), senders: [], receivers: [] });
    const [ye, re] = run(toDenseGraph(empty));
    expect(ye.shape).toEqual([1, 0, 0, 2]);
    expect(re.shape).toEqual([1, 3]);
  });

  it('toDenseGraph puts edge j → i at [i, j] and node features on the diagonal', () => {
    const g = new GraphsTuple({ nodes: new Tensor(Float64Array.of(1, 2, 3), [3, 1], 'float64'), senders: [0, 2], receivers: [1, 1] });
    const d = toDenseGraph(g).toArray() as number[][][][];
    expect(d[0]!.map((row) => row.map((c) => c[0]))).toEqual([[0, 0, 0], [1, 0, 1], [0, 0, 0]]);
    expect(d[0]!.map((row, i) => row[i]![1])).toEqual([1, 2, 3]);
  });

  it('passes gradcheck in float64 (input and all parameters)', () => {
    const rng = new Rng(5);
    const l = new IGNLayer(2, 2, { rng, dtype: 'float64', basis: BASIS2 });
    const r = new IGNReadout(2, 2, { rng, dtype: 'float64' }); // the default (combinatorial) basis
    const m = { l, r };
    const params = [...l.parameters(), ...r.parameters()];
    const x = randn(rng, [1, 3, 3, 2], { dtype: 'float64', requiresGrad: true });
    const leaves = params.map((p) => new Tensor(Float64Array.from(p.data), p.shape, 'float64', true));
    const nl = l.parameters().length;
    const fn = (xx: Tensor, ...ps: Tensor[]) => {
      bindParams(m.l, ps.slice(0, nl));
      bindParams(m.r, ps.slice(nl));
      const y = m.l.call(xx);
      return concat([y.reshape([1, 18]), m.r.call(y.tanh())], 1);
    };
    const rep = gradcheck(fn, [x, ...leaves], { rng, atol: 1e-7, rtol: 1e-5 });
    expect(rep.ok, formatGradcheckReport(rep, 'IGN')).toBe(true);
  });
});
