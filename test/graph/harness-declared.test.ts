/**
 * Graph layers declare their symmetry (`graphSymmetry`), so the shipped harness checks them with no
 * adapter and no spec beyond data sizes: GCN, GAT, SAGE, TransformerConv under node/edge
 * permutations, EGNN under E(3) × permutations; a layer that breaks its declaration fails.
 */
import { describe, expect, it } from 'vitest';
import {
  EGNN, EGNNLayer, EdgeConv, GATConv, GCNConv, GINConv, GraphsTuple, SAGEConv, TransformerConv, declaresGraphSymmetry, graphDataOf, permuteGraph, toGraphsTuple,
} from '../../src/graph/index.js';
import type { GraphData } from '../../src/graph/index.js';
import { MLP } from '../../src/nn/index.js';
import { fromData, randn, type Tensor } from '../../src/tensor/index.js';
import { DTypeError, Rng, ShapeError } from '../../src/util/index.js';
import { assertEquivariant, assertPermutationEquivariant, equivarianceError, EquivarianceError } from '../../src/testing/index.js';

/** A GCN that adds each node's index to its first output: it depends on the node order. */
class OrderDependentGCN extends GCNConv {
  override forward(graph: GraphsTuple, x: Tensor, w: Tensor | null = null): Tensor {
    const y = super.forward(graph, x, w);
    const bump = new Float64Array(y.size);
    for (let i = 0; i < graph.numNodes; i++) bump[i * y.shape[1]!] = 0.1 * i;
    return y.add(fromData(y.dtype === 'float64' ? bump : Float32Array.from(bump), y.shape));
  }
}

describe('graph layers pass the harness from their own declaration', () => {
  const rng = new Rng(3);
  it.each([
    ['GCNConv', () => new GCNConv(3, 5, { rng })],
    ['GATConv (2 heads, edge features)', () => new GATConv(3, 4, { rng, heads: 2, edgeDim: 2 })],
    ['SAGEConv', () => new SAGEConv(3, 4, { rng })],
    ['TransformerConv (edge features)', () => new TransformerConv(3, 4, { rng, heads: 2, edgeDim: 2 })],
  ] as const)('%s: assertEquivariant(layer) and assertPermutationEquivariant(layer) with no spec', (_name, make) => {
    const layer = make();
    expect(declaresGraphSymmetry(layer)).toBe(true);
    const r = assertEquivariant(layer);
    expect([r.ok, r.dtype, r.group]).toEqual([true, 'float64', null]);
    expect(r.elements.some((e) => e.kind === 'permutation' && !e.skipped)).toBe(true);
    expect(assertPermutationEquivariant(layer).ok).toBe(true);
    // float32 too, at its tolerance
    expect(equivarianceError(layer, { dtype: 'float32' }).ok).toBe(true);
  });

  it('GINConv and EdgeConv (widths set by their MLP) pass with example data and name the missing data otherwise', () => {
    const graph: GraphData = {
      nodes: randn(rng, [5, 3], { dtype: 'float64' }), senders: Int32Array.of(0, 1, 2, 3, 4, 0), receivers: Int32Array.of(1, 2, 3, 4, 0, 2),
    };
    const gin = new GINConv(new MLP([3, 8, 4], { rng }), { trainEps: true });
    expect(assertPermutationEquivariant(gin, { graph }).ok).toBe(true);
    expect(() => assertEquivariant(gin)).toThrow(/node feature width not declared by the layer.*cannot sample inputs; pass spec\.data/);
    const edge = new EdgeConv(new MLP([6, 8], { rng }));
    expect(assertEquivariant(edge, { data: [graph] }).ok).toBe(true);
  });

  it('EGNN (layer and model, velocity variant) passes E(3) × permutations from its declaration', () => {
    const layer = new EGNNLayer(2, { rng, hidden: 8, edgeFeatures: 1, dtype: 'float64' });
    const r = assertEquivariant(layer);
    expect([r.ok, r.group]).toEqual([true, 'O(3)']);
    expect(r.elements.map((e) => e.kind)).toEqual(expect.arrayContaining(['permutation', 'translation', 'reflection']));
    const model = new EGNN(2, { rng, hidden: 8, layers: 2, velocity: true, dtype: 'float64' });
    const m = assertPermutationEquivariant(model);
    expect(m.fields.map((f) => f.field)).toEqual(['h', 'x', 'v V']);
  });

  it('an EGNN built in float32 (the default) is checked in float64 after toDType, with no spec', () => {
    const layer = new EGNNLayer(2, { rng, hidden: 8 });
    const r = assertEquivariant(layer);
    expect([r.ok, r.dtype]).toEqual([true, 'float64']);
    expect(r.worst!.relative).toBeLessThan(1e-12);
    expect(layer.parameters()[0]!.dtype).toBe('float32'); // restored after the check
    // and a float64 input to the float32 layer is a named DTypeError
    const g: GraphData = { nodes: randn(rng, [3, 2], { dtype: 'float64' }), senders: Int32Array.of(0, 1), receivers: Int32Array.of(1, 2) };
    expect(() => layer.call(toGraphsTuple(g), g.nodes, randn(rng, [3, 3], { dtype: 'float64' }))).toThrow(DTypeError);
  });

  it('a layer that depends on node order fails its declaration', () => {
    const bad = new OrderDependentGCN(3, 5, { rng: new Rng(1) });
    expect(declaresGraphSymmetry(bad)).toBe(true);
    let report = null;
    try {
      assertEquivariant(bad);
    } catch (e) {
      expect(e).toBeInstanceOf(EquivarianceError);
      report = (e as EquivarianceError).report;
    }
    expect(report?.ok).toBe(false);
    expect(report?.diagnoses.map((d) => d.kind)).toContain('permutation');
  });

  it('an EGNN that reads absolute positions fails E(3)', () => {
    class Absolute extends EGNNLayer {
      override forward(...a: Parameters<EGNNLayer['forward']>) {
        const o = super.forward(...a);
        return { ...o, h: o.h.add(a[2].square().sum(1, true)) };
      }
    }
    const r = equivarianceError(new Absolute(2, { rng: new Rng(2), hidden: 8, dtype: 'float64' }));
    expect(r.ok).toBe(false);
    expect(r.diagnoses.map((d) => d.kind)).toContain('translation');
  });

  it('graph data that does not match the declaration is a ShapeError naming the widths', () => {
    const gcn = new GCNConv(3, 5, { rng });
    const graph: GraphData = { nodes: randn(rng, [4, 7], { dtype: 'float64' }), senders: Int32Array.of(0, 1, 2), receivers: Int32Array.of(1, 2, 3) };
    expect(() => assertPermutationEquivariant(gcn, { graph })).toThrow(ShapeError);
    expect(() => assertPermutationEquivariant(gcn, { graph })).toThrow(/nodes \[4,7\] must have 3 features: expected \[4, 3\]/);
    const gat = new GATConv(3, 4, { rng, edgeDim: 2 });
    const noEdges: GraphData = { ...graph, nodes: randn(rng, [4, 3], { dtype: 'float64' }) };
    expect(() => assertPermutationEquivariant(gat, { graph: noEdges })).toThrow(/reads 2 edge features but the graph has none/);
  });

  it('graph data round-trips through GraphsTuple, and permuteGraph permutes consistently', () => {
    const g: GraphData = { nodes: randn(rng, [3, 2], { dtype: 'float64' }), senders: Int32Array.of(0, 1), receivers: Int32Array.of(1, 2) };
    const back = graphDataOf(toGraphsTuple(g));
    expect([Array.from(back.senders), Array.from(back.receivers)]).toEqual([[0, 1], [1, 2]]);
    const p = permuteGraph(g, Int32Array.of(2, 0, 1), Int32Array.of(1, 0));
    // new node 0 is old node 2; old edge 1 (1 → 2) is new edge 0: (new 2 → new 0)
    expect([Array.from(p.senders), Array.from(p.receivers)]).toEqual([[2, 1], [0, 2]]);
    expect(Array.from(p.nodes.data).slice(0, 2)).toEqual(Array.from(g.nodes.data).slice(4, 6));
  });
});
