import { describe, expect, it } from 'vitest';
import { DirectedGraph, UndirectedGraph } from 'graphology';
import karateClubMod from 'graphology-generators/social/karate-club.js';
import { randn, tensor } from '../../src/tensor/index.js';
import { Linear } from '../../src/nn/index.js';
import {
  GlobalAttentionPool, GraphsTuple, batch, fromGraphology, globalMaxPool, globalMeanPool, globalSumPool, inDegree, outDegree, toGraphology,
} from '../../src/graph/index.js';
import { ShapeError, ValueError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/rng.js';

const karateClub = karateClubMod as unknown as typeof karateClubMod.default;

describe('global pooling', () => {
  const g = new GraphsTuple({ senders: [], receivers: [], nNode: [2, 0, 3], nEdge: [0, 0, 0] });
  const x = tensor([[1, -1], [3, 5], [2, 0], [-4, 1], [8, 2]], { dtype: 'float64' });
  it('sum / mean / max per graph; an empty graph gives 0', () => {
    expect(globalSumPool(x, g).toArray()).toEqual([[4, 4], [0, 0], [6, 3]]);
    expect(globalMeanPool(x, g).toArray()).toEqual([[2, 2], [0, 0], [2, 1]]);
    expect(globalMaxPool(x, g).toArray()).toEqual([[3, 5], [0, 0], [8, 2]]);
    expect(() => globalSumPool(x.slice([[0, 4]]), g)).toThrow(ShapeError);
  });
  it('attention pooling: softmax over each graph, batched == per-graph', () => {
    const rng = new Rng(3);
    const pool = new GlobalAttentionPool(new Linear(2, 1, { rng, dtype: 'float64' }), new Linear(2, 4, { rng, dtype: 'float64' }));
    expect(pool.namedParameters().map(([n]) => n)).toEqual(['gate.weight', 'gate.bias', 'nn.weight', 'nn.bias']);
    const a = pool.attention(x, g).toFlatArray();
    expect(a[0]! + a[1]!).toBeCloseTo(1, 14);
    expect(a[2]! + a[3]! + a[4]!).toBeCloseTo(1, 14);
    const parts = [new GraphsTuple({ nodes: randn(rng, [3, 2], { dtype: 'float64' }), senders: [], receivers: [] }),
      new GraphsTuple({ nodes: randn(rng, [0, 2], { dtype: 'float64' }), senders: [], receivers: [] }),
      new GraphsTuple({ nodes: randn(rng, [1, 2], { dtype: 'float64' }), senders: [], receivers: [] })];
    const b = batch(parts);
    const yb = pool.call(b.nodes!, b).toArray() as number[][];
    parts.forEach((p, i) => {
      const yi = (pool.call(p.nodes!, p).toArray() as number[][])[0]!;
      yi.forEach((v, c) => expect(yb[i]![c]).toBeCloseTo(v, 13));
    });
    expect(yb[1]).toEqual([0, 0, 0, 0]);
  });
});

describe('graphology adapter', () => {
  it("loads Zachary's karate club: 34 nodes, 78 undirected → 156 directed edges", () => {
    const kc = karateClub(UndirectedGraph);
    const { graph, nodeKeys, edgeKeys } = fromGraphology(kc, { nodeFeatures: (a) => [a.club === 'Mr. Hi' ? 1 : 0, 1] });
    expect(graph.numNodes).toBe(34);
    expect(graph.numEdges).toBe(156);
    expect(nodeKeys[0]).toBe('0');
    expect(edgeKeys).toHaveLength(156);
    const deg = inDegree(graph);
    expect(deg[nodeKeys.indexOf('0')]).toBe(16);
    expect(deg[nodeKeys.indexOf('33')]).toBe(17);
    expect(Array.from(outDegree(graph))).toEqual(Array.from(deg));
    expect(graph.nodes!.shape).toEqual([34, 2]);
    expect(graph.nodes!.sum().item()).toBe(17 + 34);
    const back = toGraphology(graph, { nodeKeys, undirected: true });
    expect([back.order, back.size, back.type]).toEqual([34, 78, 'undirected']);
    kc.forEachEdge((_k, _a, s, t) => expect(back.hasEdge(s, t)).toBe(true));
    expect(back.getNodeAttribute('0', 'features')).toEqual([1, 1]);
  });
  it('directed graphs keep one edge per edge; features by attribute name; the directed option', () => {
    const d = new DirectedGraph();
    for (const [k, v] of [['a', 1], ['b', 2], ['c', 3]] as const) d.addNode(k, { v: [v, -v] });
    d.addEdge('a', 'b', { w: 0.5 });
    d.addEdge('b', 'c', { w: 2 });
    d.addEdge('c', 'c', { w: 7 });
    const { graph, edgeKeys } = fromGraphology(d, { nodeFeatures: 'v', edgeFeatures: 'w', dtype: 'float64' });
    expect(Array.from(graph.senders)).toEqual([0, 1, 2]);
    expect(Array.from(graph.receivers)).toEqual([1, 2, 2]);
    expect(graph.edges!.toArray()).toEqual([[0.5], [2], [7]]);
    expect(graph.nodes!.dtype).toBe('float64');
    expect(edgeKeys).toHaveLength(3);
    const both = fromGraphology(d, { directed: false, edgeFeatures: (a) => a.w * 10 });
    expect(Array.from(both.graph.senders)).toEqual([0, 1, 1, 2, 2]); // the self-loop stays one edge
    expect(both.graph.edges!.toFlatArray()).toEqual([5, 5, 20, 20, 70]);
    const back = toGraphology(graph, { nodeKeys: ['a', 'b', 'c'] });
    expect([back.type, back.size]).toEqual(['directed', 3]);
    expect(back.getEdgeAttribute(back.edge('b', 'c')!, 'features')).toEqual([2]);
    expect(() => toGraphology(graph, { undirected: true })).toThrow(ValueError);
    expect(() => fromGraphology(d, { nodeFeatures: 'missing' })).toThrow(ValueError);
    const u = new UndirectedGraph();
    u.addNode('x');
    expect(fromGraphology(u).graph.numNodes).toBe(1);
  });
});
