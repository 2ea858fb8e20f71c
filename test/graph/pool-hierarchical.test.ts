import { afterAll, describe, expect, it } from 'vitest';
import { Tensor, indexSelect, randn, tensor } from '../../src/tensor/index.js';
import { Parameter } from '../../src/nn/index.js';
import type { FloatDType } from '../../src/nn/index.js';
import { GraphsTuple, batch } from '../../src/graph/index.js';
import { TopKPooling, graclus, graclusPool, inducedSubgraph, poolClusters, topkCounts } from '../../src/graph/pool/index.js';
import { assertGradcheck } from '../../src/testing/gradcheck.js';
import { Rng } from '../../src/util/rng.js';

function randGraph(rng: Rng, n: number, dtype: FloatDType, edgeless = false, symmetric = false): GraphsTuple {
  const s: number[] = [], r: number[] = [];
  if (!edgeless) {
    for (let i = 0; i < n; i++) for (let j = symmetric ? i + 1 : 0; j < n; j++) {
      if (i === j || rng.uniform() >= 0.4) continue;
      s.push(i); r.push(j);
      if (symmetric) { s.push(j); r.push(i); }
    }
  }
  return new GraphsTuple({
    nodes: randn(rng, [n, 3], { dtype }), edges: randn(rng, [s.length, 2], { dtype }),
    senders: s, receivers: r, nNode: [n], nEdge: [s.length],
    extras: { pos: { kind: 'node', value: randn(rng, [n, 2], { dtype }) } },
  });
}

function permutation(rng: Rng, n: number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) { const j = rng.int(i + 1); [p[i], p[j]] = [p[j]!, p[i]!]; }
  return p;
}

function permuteGraph(g: GraphsTuple, perm: Int32Array, eperm: Int32Array): GraphsTuple {
  const inv = new Int32Array(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return new GraphsTuple({
    nodes: indexSelect(g.nodes!, 0, perm), edges: indexSelect(g.edges!, 0, eperm),
    senders: Int32Array.from(eperm, (e) => inv[g.senders[e]!]!), receivers: Int32Array.from(eperm, (e) => inv[g.receivers[e]!]!),
    nNode: g.nNode, nEdge: g.nEdge, extras: { pos: { kind: 'node', value: indexSelect(g.extraTensor('pos'), 0, perm) } },
  });
}

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0, s = 0;
  for (let i = 0; i < a.length; i++) { m = Math.max(m, Math.abs(a[i]! - b[i]!)); s = Math.max(s, Math.abs(a[i]!), Math.abs(b[i]!)); }
  return s === 0 ? m : m / s;
}

/** Rows of a tensor as strings rounded to `digits`, sorted: a multiset fingerprint. */
function rowMultiset(t: Tensor, digits: number, prefix: (i: number) => string = () => ''): string[] {
  const w = t.shape[1] ?? 1;
  return Array.from({ length: t.shape[0]! }, (_, i) => prefix(i) + Array.from(t.data.subarray(i * w, i * w + w), (v) => v.toFixed(digits)).join(',')).sort();
}

/** The coarse graph as multisets: node rows, and edges keyed by their end nodes' rows. */
function fingerprint(g: GraphsTuple, digits: number): { nodes: string[]; edges: string[] } {
  const rows = rowMultiset(g.nodes!, digits, (i) => `${i}|`).map((s) => s.split('|')[1]!);
  const w = g.nodes!.shape[1]!;
  const row = (i: number) => Array.from(g.nodes!.data.subarray(i * w, i * w + w), (v) => v.toFixed(digits)).join(',');
  const edges = rowMultiset(g.edges!, digits, (e) => `${row(g.senders[e]!)}→${row(g.receivers[e]!)}:`);
  return { nodes: rows, edges };
}

const measured: string[] = [];
afterAll(() => console.log(`hierarchical pooling (permuted vs original):\n  ${measured.join('\n  ')}`));

describe('TopKPooling', () => {
  it('keeps ⌈ratio·n⌉ nodes per graph with x ⊙ tanh(Xp/‖p‖) and the induced edges', () => {
    const rng = new Rng(1);
    const pool = new TopKPooling(3, { rng, ratio: 0.5, dtype: 'float64' });
    const g = randGraph(rng, 7, 'float64');
    const { graph: c, perm, score } = pool.call(g);
    expect(Array.from(topkCounts(Int32Array.of(7, 0, 1, 4), 0.5))).toEqual([4, 0, 1, 2]);
    expect(c.numNodes).toBe(4);
    const p = pool.getParameter('weight').data;
    const pn = Math.hypot(...p);
    const all = Array.from({ length: 7 }, (_, i) => Math.tanh((g.nodes!.data[i * 3]! * p[0]! + g.nodes!.data[i * 3 + 1]! * p[1]! + g.nodes!.data[i * 3 + 2]! * p[2]!) / pn));
    const best = all.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]).slice(0, 4).map((a) => a[1]);
    expect(Array.from(perm)).toEqual(best);
    expect(relErr(score.data, best.map((i) => all[i]!))).toBeLessThan(1e-15);
    const expNodes = best.flatMap((i) => [0, 1, 2].map((f) => g.nodes!.data[i * 3 + f]! * all[i]!));
    expect(relErr(c.nodes!.data, expNodes)).toBeLessThan(1e-15);
    const kept = new Set(best);
    const expEdges = Array.from({ length: g.numEdges }, (_, e) => e).filter((e) => kept.has(g.senders[e]!) && kept.has(g.receivers[e]!));
    expect(c.numEdges).toBe(expEdges.length);
    expEdges.forEach((e, k) => {
      expect(best[c.senders[k]!]).toBe(g.senders[e]);
      expect(best[c.receivers[k]!]).toBe(g.receivers[e]);
    });
    expect(relErr(c.extraTensor('pos').data, best.flatMap((i) => [g.extraTensor('pos').data[2 * i]!, g.extraTensor('pos').data[2 * i + 1]!]))).toBe(0);
  });

  it('the pooled graph is invariant (as a multiset) under node and edge permutations', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const rng = new Rng(2);
      const pool = new TopKPooling(3, { rng, ratio: 0.6, dtype });
      const g = randGraph(rng, 9, dtype);
      const pg = permuteGraph(g, permutation(rng, 9), permutation(rng, g.numEdges));
      const a = pool.call(g).graph, b = pool.call(pg).graph;
      // nodes come out by decreasing score, so they agree row by row
      const err = relErr(a.nodes!.data, b.nodes!.data);
      measured.push(`TopKPooling ${dtype}: node rows ${err.toExponential(2)}, ${a.numEdges} edges`);
      expect(err).toBeLessThanOrEqual(dtype === 'float64' ? 1e-12 : 1e-5);
      expect(fingerprint(b, dtype === 'float64' ? 9 : 4)).toEqual(fingerprint(a, dtype === 'float64' ? 9 : 4));
    }
  });

  it('batched == per graph (with an empty and an edgeless graph)', () => {
    const rng = new Rng(3);
    const pool = new TopKPooling(3, { rng, ratio: 0.5, dtype: 'float64' });
    const gs = [randGraph(rng, 6, 'float64'), randGraph(rng, 0, 'float64'), randGraph(rng, 3, 'float64', true), randGraph(rng, 5, 'float64')];
    const big = pool.call(batch(gs)).graph;
    const each = batch(gs.map((g) => pool.call(g).graph));
    expect(Array.from(big.nNode)).toEqual([3, 0, 2, 3]);
    expect(Array.from(big.nNode)).toEqual(Array.from(each.nNode));
    expect(Array.from(big.nEdge)).toEqual(Array.from(each.nEdge));
    expect(Array.from(big.senders)).toEqual(Array.from(each.senders));
    expect(Array.from(big.receivers)).toEqual(Array.from(each.receivers));
    expect(relErr(big.nodes!.data, each.nodes!.data)).toBe(0);
    expect(relErr(big.edges!.data, each.edges!.data)).toBe(0);
  });

  it('gradcheck: the features and the projection p get gradients through the gate', () => {
    const rng = new Rng(4);
    const pool = new TopKPooling(3, { rng, ratio: 0.5, dtype: 'float64' });
    const g = randGraph(rng, 5, 'float64');
    const x = new Tensor(Float64Array.from(g.nodes!.data), [5, 3], 'float64', true);
    const p0 = pool.getParameter('weight');
    const p = new Tensor(Float64Array.from(p0.data), p0.shape, 'float64', true);
    assertGradcheck((xx, pp) => {
      Object.setPrototypeOf(pp!, Parameter.prototype);
      pool.registerParameter('weight', pp!);
      return pool.call(g, xx!).graph.nodes!;
    }, [x, p], { rng });
    pool.registerParameter('weight', p0);
    const out = pool.call(g).graph.nodes!.sum();
    out.backward();
    expect(pool.getParameter('weight').grad).not.toBeNull();
  });
});

describe('graclus', () => {
  it('matches by normalised cut w_uv(1/d_u + 1/d_v), greedily in key order', () => {
    // star 0–{1,2,3} plus the edge 3–4 (undirected), keys = index
    const und = (pairs: [number, number][]) => ({ senders: pairs.flatMap(([a, b]) => [a, b]), receivers: pairs.flatMap(([a, b]) => [b, a]) });
    const g = new GraphsTuple({ ...und([[0, 1], [0, 2], [0, 3], [3, 4]]), numNodes: 5 });
    // node 0 (deg 3): scores 1/3+1 for 1 and 2, 1/3+1/2 for 3 → picks 1 (tie with 2: lower key)
    const { cluster, nCluster } = graclus(g);
    expect(Array.from(cluster)).toEqual([0, 0, 1, 2, 2]);
    expect(Array.from(nCluster)).toEqual([3]);
    // a weight makes 0–3 the best match
    const w = Float64Array.from([1, 1, 1, 1, 5, 5, 1, 1]);
    expect(Array.from(graclus(g, { edgeWeight: w }).cluster)).toEqual([0, 1, 2, 0, 3]);
  });

  it('coarsening: pairs pooled (max), loops dropped, parallel edges merged with summed features', () => {
    const g = new GraphsTuple({
      nodes: tensor([[1, 0], [0, 2], [3, 1], [-1, 5]], { dtype: 'float64' }),
      edges: tensor([[1], [2], [3], [4], [5]], { dtype: 'float64' }),
      senders: [0, 1, 0, 1, 2], receivers: [1, 0, 2, 3, 3], numNodes: 4,
    });
    const cluster = Int32Array.of(0, 0, 1, 1);
    const c = poolClusters(g, cluster, Int32Array.of(2));
    expect(c.nodes!.toArray()).toEqual([[1, 2], [3, 5]]);
    expect(Array.from(c.senders)).toEqual([0]);
    expect(Array.from(c.receivers)).toEqual([1]);
    expect(c.edges!.toArray()).toEqual([[3 + 4]]);
    const sub = inducedSubgraph(g, Int32Array.of(1, 3));
    expect(Array.from(sub.edgePerm)).toEqual([3]);
  });

  it('clusters are pairs of neighbours or singletons; the coarsened graph is invariant under permutations', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const rng = new Rng(6);
      const g = randGraph(rng, 10, dtype, false, true);
      const { graph: a, cluster } = graclusPool(g, { reduce: 'mean' });
      const sizes = new Map<number, number[]>();
      cluster.forEach((c, i) => sizes.set(c, [...(sizes.get(c) ?? []), i]));
      for (const members of sizes.values()) {
        expect(members.length).toBeLessThanOrEqual(2);
        if (members.length === 2) {
          const [u, v] = members as [number, number];
          expect(Array.from(g.senders).some((s, e) => s === u && g.receivers[e] === v)).toBe(true);
        }
      }
      expect(a.numNodes).toBeLessThan(10);
      const perm = permutation(rng, 10);
      const pg = permuteGraph(g, perm, permutation(rng, g.numEdges));
      const { graph: b, cluster: cb } = graclusPool(pg, { reduce: 'mean' });
      // the same clusters: node perm[i] of g is node i of pg
      perm.forEach((old, i) => expect(cb[i]).toBe(cluster[old]));
      const err = relErr(a.nodes!.data, b.nodes!.data);
      measured.push(`graclusPool ${dtype}: node rows ${err.toExponential(2)}, ${a.numNodes} clusters of 10 nodes`);
      expect(err).toBeLessThanOrEqual(dtype === 'float64' ? 1e-12 : 1e-5);
      expect(Array.from(b.senders)).toEqual(Array.from(a.senders));
      expect(Array.from(b.receivers)).toEqual(Array.from(a.receivers));
      expect(relErr(a.edges!.data, b.edges!.data)).toBeLessThanOrEqual(dtype === 'float64' ? 1e-12 : 1e-5);
      expect(relErr(a.extraTensor('pos').data, b.extraTensor('pos').data)).toBeLessThanOrEqual(dtype === 'float64' ? 1e-12 : 1e-5);
    }
  });

  it('batched == per graph (with an empty and an edgeless graph)', () => {
    const rng = new Rng(7);
    const gs = [randGraph(rng, 6, 'float64', false, true), randGraph(rng, 0, 'float64'), randGraph(rng, 3, 'float64', true), randGraph(rng, 5, 'float64', false, true)];
    const big = graclusPool(batch(gs));
    const parts = gs.map((g) => graclusPool(g));
    const each = batch(parts.map((p) => p.graph));
    expect(Array.from(big.nCluster)).toEqual(parts.map((p) => p.nCluster[0]));
    expect(big.nCluster[2]).toBe(3); // edgeless: singletons
    expect(Array.from(big.graph.nEdge)).toEqual(Array.from(each.nEdge));
    expect(Array.from(big.graph.senders)).toEqual(Array.from(each.senders));
    expect(Array.from(big.graph.receivers)).toEqual(Array.from(each.receivers));
    expect(relErr(big.graph.nodes!.data, each.nodes!.data)).toBe(0);
    expect(relErr(big.graph.edges!.data, each.edges!.data)).toBe(0);
  });

  it('gradcheck through the pooled features (max and mean)', () => {
    const rng = new Rng(8);
    const g = randGraph(rng, 6, 'float64', false, true);
    const x = new Tensor(Float64Array.from(g.nodes!.data), [6, 3], 'float64', true);
    const e = new Tensor(Float64Array.from(g.edges!.data), g.edges!.shape, 'float64', true);
    for (const reduce of ['max', 'mean'] as const) {
      assertGradcheck((xx, ee) => {
        const c = graclusPool(g.with({ nodes: xx!, edges: ee! }), { reduce, key: g.nodes }).graph;
        return c.nodes!.sum(1).sum().add(c.edges!.square().sum());
      }, [x, e], { rng });
    }
  });
});
