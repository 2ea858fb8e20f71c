import { describe, expect, it } from 'vitest';
import { randn, tensor } from '../../src/tensor/index.js';
import {
  GraphsTuple, addSelfLoops, batch, fullyConnected, gcnNorm, inDegree, knnGraph, outDegree, radiusGraph, removeSelfLoops, unbatch,
} from '../../src/graph/index.js';
import { assertGradcheck } from '../../src/testing/gradcheck.js';
import { ShapeError, ValueError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/rng.js';

const col = (vals: number[]) => tensor(Float64Array.from(vals), { shape: [vals.length, 1] });

describe('self-loops and degrees', () => {
  const g1 = new GraphsTuple({
    edges: col([10, 11]), senders: [0, 1], receivers: [1, 1], numNodes: 2,
    extras: { ref: { kind: 'edge-index', value: Int32Array.of(1) }, w: { kind: 'edge', value: col([5, 6]) } },
  });
  const g2 = new GraphsTuple({
    edges: col([20]), senders: [1], receivers: [0], numNodes: 2,
    extras: { ref: { kind: 'edge-index', value: Int32Array.of(0) }, w: { kind: 'edge', value: col([7]) } },
  });
  const b = batch([g1, g2]);
  it('addSelfLoops appends loops inside each graph, fills features, renumbers edge ids', () => {
    const l = addSelfLoops(b, { fillValue: -1 });
    expect(Array.from(l.nEdge)).toEqual([4, 3]);
    expect(Array.from(l.senders)).toEqual([0, 1, 0, 1, 3, 2, 3]);
    expect(Array.from(l.receivers)).toEqual([1, 1, 0, 1, 2, 2, 3]);
    expect(l.edges!.toFlatArray()).toEqual([10, 11, -1, -1, 20, -1, -1]);
    expect(l.extraTensor('w').toFlatArray()).toEqual([5, 6, -1, -1, 7, -1, -1]);
    expect(Array.from(l.extraIndex('ref'))).toEqual([1, 4]);
    const rem = addSelfLoops(b, { remaining: true });
    expect(Array.from(rem.nEdge)).toEqual([3, 3]); // node 1 already has a loop
    expect(rem.edges!.toFlatArray()).toEqual([10, 11, 1, 20, 1, 1]);
  });
  it('removeSelfLoops drops loops per graph; unbatch still works', () => {
    const r = removeSelfLoops(addSelfLoops(b));
    expect(Array.from(r.senders)).toEqual([0, 3]);
    expect(Array.from(r.nEdge)).toEqual([1, 1]);
    expect(Array.from(r.extraIndex('ref'))).toEqual([-1, 1]); // edge 1 of g1 was a loop
    expect(unbatch(r).map((g) => g.numEdges)).toEqual([1, 1]);
  });
  it('inDegree / outDegree count edges', () => {
    expect(Array.from(inDegree(b))).toEqual([0, 2, 1, 0]);
    expect(Array.from(outDegree(b))).toEqual([1, 1, 0, 1]);
  });
});

describe('gcnNorm', () => {
  it('gives the entries of D̂^{-1/2}(A+I)D̂^{-1/2} on a path (hand computation)', () => {
    const g = new GraphsTuple({ senders: [0, 1, 1, 2], receivers: [1, 0, 2, 1], numNodes: 3 });
    const { graph, weight } = gcnNorm(g, { dtype: 'float64' });
    const M: number[][] = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
    graph.senders.forEach((s, e) => { M[graph.receivers[e]!]![s]! += weight.data[e]!; });
    const d = [2, 3, 2];
    const A = [[1, 1, 0], [1, 1, 1], [0, 1, 1]];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(M[i]![j]).toBeCloseTo(A[i]![j]! / Math.sqrt(d[i]! * d[j]!), 14);
    expect(graph.numEdges).toBe(7);
  });
  it('handles isolated nodes without NaN and is differentiable in the edge weights', () => {
    const g = new GraphsTuple({ senders: [0, 1, 2], receivers: [1, 2, 2], numNodes: 4 });
    const { weight } = gcnNorm(g, { addSelfLoops: false, dtype: 'float64' });
    expect(weight.toFlatArray().every(Number.isFinite)).toBe(true);
    const w = tensor([0.5, 2, 1.5], { dtype: 'float64', requiresGrad: true });
    assertGradcheck((ww) => gcnNorm(g, { edgeWeight: ww! }).weight, [w]);
    expect(() => gcnNorm(g, { edgeWeight: tensor([1, 2]) })).toThrow(ShapeError);
  });
});

function dist2(p: number[][], i: number, j: number): number {
  return p[i]!.reduce((a, v, c) => a + (v - p[j]![c]!) ** 2, 0);
}

describe('knnGraph / radiusGraph / fullyConnected', () => {
  const rng = new Rng(4);
  const pos = randn(rng, [11, 2], { dtype: 'float64' });
  const P = pos.toArray() as number[][];
  const ids = [0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 2]; // graphs of 6, 2, 3 points
  it('knn edges stay inside their graph and are the k nearest', () => {
    const k = 3;
    const ei = knnGraph(pos, k, { batch: ids });
    expect(Array.from(ei.nEdge)).toEqual([18, 2, 6]); // the 2-point graph has 1 candidate each
    const g = new GraphsTuple({ senders: ei.senders, receivers: ei.receivers, nEdge: ei.nEdge, nNode: [6, 2, 3] }); // validates graph boundaries
    for (let i = 0; i < 11; i++) {
      const nb = Array.from(g.senders).filter((_, e) => g.receivers[e] === i);
      const cands = ids.map((b, j) => (b === ids[i] && j !== i ? j : -1)).filter((j) => j >= 0).sort((a, b) => dist2(P, i, a) - dist2(P, i, b));
      expect(nb).toEqual(cands.slice(0, k));
    }
    const same = knnGraph(pos, 3, { batch: new GraphsTuple({ senders: [], receivers: [], nNode: [6, 2, 3], nEdge: [0, 0, 0] }) });
    expect(Array.from(same.senders)).toEqual(Array.from(ei.senders));
    expect(knnGraph(pos, 1, { loop: true }).senders).toEqual(Int32Array.from({ length: 11 }, (_, i) => i));
    expect(() => knnGraph(pos, 2, { batch: [0, 1, 0, 0, 0, 0, 1, 1, 2, 2, 2] })).toThrow(ValueError);
    expect(() => knnGraph(pos, 2, { batch: [0] })).toThrow(ShapeError);
  });
  it('radius edges are within r, inside their graph, capped by maxNeighbours', () => {
    const r = 1.2;
    const ei = radiusGraph(pos, r, { batch: ids });
    for (let e = 0; e < ei.senders.length; e++) {
      const [s, t] = [ei.senders[e]!, ei.receivers[e]!];
      expect(ids[s]).toBe(ids[t]);
      expect(Math.sqrt(dist2(P, s, t))).toBeLessThanOrEqual(r);
    }
    let want = 0;
    for (let i = 0; i < 11; i++) for (let j = 0; j < 11; j++) if (i !== j && ids[i] === ids[j] && dist2(P, i, j) <= r * r) want++;
    expect(ei.senders.length).toBe(want);
    const capped = radiusGraph(pos, 100, { batch: ids, maxNeighbours: 2 });
    expect(Array.from(capped.nEdge)).toEqual([12, 2, 6]);
  });
  it('fullyConnected builds n(n-1) edges per graph (n² with self-loops)', () => {
    const fc = fullyConnected([3, 0, 1, 2]);
    expect(Array.from(fc.nEdge)).toEqual([6, 0, 0, 2]);
    expect(Array.from(fc.senders)).toEqual([1, 2, 0, 2, 0, 1, 5, 4]);
    expect(Array.from(fc.receivers)).toEqual([0, 0, 1, 1, 2, 2, 4, 5]);
    expect(Array.from(fullyConnected([2], { selfLoops: true }).nEdge)).toEqual([4]);
    expect(() => fullyConnected([-1])).toThrow(ValueError);
    const g = new GraphsTuple({ senders: [], receivers: [], nNode: [3, 0, 1, 2], nEdge: [0, 0, 0, 0] }).with({ ...fc });
    expect(g.numEdges).toBe(8);
  });
});

