import { describe, expect, it } from 'vitest';
import { Tensor, concat, matmul, randn, tensor, zeros } from '../../src/tensor/index.js';
import { Linear, MLP, Module } from '../../src/nn/index.js';
import {
  GraphsTuple, MessagePassing, aggregation, batch, bipartite, resolveAggregations, unbatch,
} from '../../src/graph/index.js';
import type { Aggregation, AggregationSpec, MessageContext } from '../../src/graph/index.js';
import { assertGradcheck } from '../../src/testing/gradcheck.js';
import { ShapeError, ValueError, IndexError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/rng.js';

const f64 = (rng: Rng, shape: number[], requiresGrad = false) => randn(rng, shape, { dtype: 'float64', requiresGrad });

/** Σ_{j→i} x_j (or any aggregation of x_j). */
class Neighbours extends MessagePassing {
  forward(g: GraphsTuple, x: Tensor): Tensor {
    return this.propagate(g, { x });
  }
}

/** A general layer: m = φ([x_i, x_j, e]), out = W[x_i, ⊕m]. */
class EdgeLayer extends MessagePassing<[GraphsTuple, Tensor, Tensor]> {
  private readonly phi: MLP;
  private readonly out: Linear;
  constructor(f: number, fe: number, h: number, aggr: AggregationSpec, rng: Rng) {
    super({ aggr });
    this.phi = this.registerModule('phi', new MLP([2 * f + fe, h, h], { rng, activation: 'tanh', dtype: 'float64' }));
    const k = resolveAggregations(aggr).length;
    this.out = this.registerModule('out', new Linear(f + k * h, 3, { rng, dtype: 'float64' }));
  }
  forward(g: GraphsTuple, x: Tensor, e: Tensor): Tensor {
    return this.propagate(g, { x }, { edgeAttr: e });
  }
  override message(ctx: MessageContext): Tensor {
    return this.phi.call(concat([ctx.xReceiver('x'), ctx.xSender('x'), ctx.edgeAttr!], 1));
  }
  override update(aggr: Tensor, ctx: MessageContext): Tensor {
    return this.out.call(concat([ctx.x('x'), aggr], 1));
  }
}

const ALL: AggregationSpec = ['sum', 'mean', 'max', 'min', 'softmax', 'std'];

function close(a: Tensor, b: Tensor, tol: number): void {
  expect(a.shape).toEqual(b.shape);
  const d = a.data, e = b.data;
  let m = 0;
  for (let i = 0; i < d.length; i++) m = Math.max(m, Math.abs(d[i]! - e[i]!));
  expect(m).toBeLessThanOrEqual(tol);
}

// 4 nodes; node 3 has no incoming edge; node 1 gets 3 messages (one duplicate edge).
const S = [0, 2, 3, 0, 1, 3];
const R = [1, 1, 1, 2, 0, 0];
const small = new GraphsTuple({ senders: S, receivers: R, numNodes: 4 });

describe('MessagePassing', () => {
  it('sum of neighbours equals the dense adjacency matmul', () => {
    const rng = new Rng(1);
    const g = new GraphsTuple({ senders: [0, 1, 2, 3, 4, 0, 0], receivers: [1, 2, 3, 4, 0, 2, 2], numNodes: 6 });
    const x = f64(rng, [6, 3]);
    const A = zeros([6, 6], { dtype: 'float64' });
    g.senders.forEach((s, e) => { A.data[g.receivers[e]! * 6 + s]! += 1; });
    close(new Neighbours().call(g, x), matmul(A, x), 1e-14);
  });

  it('every aggregation matches a hand computation; isolated nodes give 0', () => {
    const x = tensor([[1, -2], [4, 0.5], [-3, 3], [2, 1]], { dtype: 'float64' });
    const msgs = (i: number) => R.map((r, e) => (r === i ? S[e]! : -1)).filter((j) => j >= 0).map((j) => (x.toArray() as number[][])[j]!);
    const col = (ms: number[][], c: number) => ms.map((m) => m[c]!);
    const hand: Record<string, (v: number[]) => number> = {
      sum: (v) => v.reduce((a, b) => a + b, 0),
      mean: (v) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0),
      max: (v) => (v.length ? Math.max(...v) : 0),
      min: (v) => (v.length ? Math.min(...v) : 0),
      softmax: (v) => { const z = v.reduce((a, b) => a + Math.exp(b), 0); return v.reduce((a, b) => a + (Math.exp(b) / z) * b, 0); },
      std: (v) => {
        if (!v.length) return 0;
        const mu = v.reduce((a, b) => a + b, 0) / v.length;
        const vr = v.reduce((a, b) => a + b * b, 0) / v.length - mu * mu;
        return vr <= 1e-5 ? 0 : Math.sqrt(vr);
      },
    };
    for (const name of Object.keys(hand)) {
      const out = new Neighbours({ aggr: name as 'sum' }).call(small, x).toArray() as number[][];
      for (let i = 0; i < 4; i++) for (let c = 0; c < 2; c++) expect(out[i]![c]).toBeCloseTo(hand[name]!(col(msgs(i), c)), 12);
    }
    // node 2 has a single message: std 0; node 3 none: all 0
    const many = new Neighbours({ aggr: ALL }).call(small, x);
    expect(many.shape).toEqual([4, 12]);
    expect((many.toArray() as number[][])[3]).toEqual(new Array(12).fill(0));
    // 'add' is 'sum'; softmax temperature; custom aggregation
    close(new Neighbours({ aggr: 'add' }).call(small, x), new Neighbours().call(small, x), 0);
    const hot = new Neighbours({ aggr: 'softmax', temperature: 50 }).call(small, x);
    close(hot, new Neighbours({ aggr: 'max' }).call(small, x), 1e-6);
    const count: Aggregation = { name: 'count', aggregate: (m, c) => aggregation('sum').aggregate(m.mul(0).add(1), c) };
    expect(new Neighbours({ aggr: ['sum', count] }).call(small, x).toArray()).toEqual([[6, 1.5, 2, 2], [0, 2, 3, 3], [1, -2, 1, 1], [0, 0, 0, 0]]);
    expect(() => aggregation('median' as 'sum')).toThrow(ValueError);
    expect(() => resolveAggregations([])).toThrow(ValueError);
  });

  it('is permutation equivariant (float64, 1e-12)', () => {
    const rng = new Rng(7);
    const N = 7, E = 16;
    const s = Array.from({ length: E }, () => rng.int(N));
    const r = Array.from({ length: E }, () => rng.int(N));
    const x = f64(rng, [N, 3]), e = f64(rng, [E, 2]);
    const layer = new EdgeLayer(3, 2, 4, ALL, rng);
    const y = layer.call(new GraphsTuple({ senders: s, receivers: r, numNodes: N }), x, e);
    const p = rng.permutation(N); // new node k is old node p[k]
    const inv = new Int32Array(N);
    p.forEach((old, k) => { inv[old] = k; });
    const q = rng.permutation(E); // new edge k is old edge q[k]
    const g2 = new GraphsTuple({ senders: Array.from(q, (o) => inv[s[o]!]!), receivers: Array.from(q, (o) => inv[r[o]!]!), numNodes: N });
    const y2 = layer.call(g2, x.indexSelect(0, p), e.indexSelect(0, q));
    close(y2, y.indexSelect(0, p), 1e-12);
  });

  it('batched == per-graph, including empty and edgeless graphs', () => {
    const rng = new Rng(11);
    const layer = new EdgeLayer(2, 1, 3, ['mean', 'max', 'softmax', 'std'], rng);
    const mk = (n: number, s: number[], r: number[]) => new GraphsTuple({ nodes: f64(rng, [n, 2]), edges: f64(rng, [s.length, 1]), senders: s, receivers: r });
    const gs = [mk(3, [0, 1, 2, 2], [1, 2, 0, 1]), mk(0, [], []), mk(2, [], []), mk(4, [3, 3, 0], [0, 1, 3])];
    const b = batch(gs);
    const yb = layer.call(b, b.nodes!, b.edges!);
    const parts = unbatch(b.with({ nodes: yb }));
    gs.forEach((g, i) => close(parts[i]!.nodes!, layer.call(g, g.nodes!, g.edges!), 1e-14));
    expect(parts[1]!.nodes!.shape).toEqual([0, 3]);
  });

  it('gradients match finite differences (float64)', () => {
    const rng = new Rng(5);
    const g = new GraphsTuple({ senders: [0, 1, 2, 3, 1, 4], receivers: [1, 2, 0, 0, 0, 3], numNodes: 5 });
    const layer = new EdgeLayer(2, 1, 3, ALL, rng);
    const x = f64(rng, [5, 2], true), e = f64(rng, [6, 1], true);
    assertGradcheck((xx, ee) => layer.call(g, xx!, ee!), [x, e], { rng, atol: 1e-7, rtol: 1e-5 });
    // parameters get gradients too
    layer.call(g, x, e).sum().backward();
    for (const [name, p] of layer.namedParameters()) expect(p.grad, name).not.toBeNull();
  });

  it('supports receiver-to-sender flow and bipartite edge sets', () => {
    const rng = new Rng(2);
    const x = f64(rng, [4, 2]);
    const rev = new GraphsTuple({ senders: R, receivers: S, numNodes: 4 });
    close(new Neighbours({ flow: 'receiver-to-sender' }).call(small, x), new Neighbours().call(rev, x), 0);
    class Bi extends MessagePassing<[Tensor, Tensor]> {
      forward(src: Tensor, dst: Tensor): Tensor {
        return this.propagate(bipartite([0, 1, 2, 2], [1, 0, 1, 1], 3, 2), { x: [src, dst] });
      }
      override message(ctx: MessageContext): Tensor {
        return ctx.xSender('x').mul(ctx.xReceiver('x'));
      }
    }
    const src = tensor([[1], [2], [3]], { dtype: 'float64' }), dst = tensor([[10], [100]], { dtype: 'float64' });
    expect(new Bi().call(src, dst).toArray()).toEqual([[2 * 10], [(1 + 3 + 3) * 100]]);
    expect(() => bipartite([3], [0], 3, 1)).toThrow(IndexError);
    expect(() => new Neighbours().propagate(bipartite([0], [0], 2, 1), { x })).toThrow(ShapeError);
  });

  it('reports bad inputs with named errors; aggregation modules are children', () => {
    const x = zeros([3, 2]);
    expect(() => new Neighbours().call(small, x)).toThrow(ShapeError);
    expect(() => new Neighbours().propagate(small, { h: zeros([4, 2]) })).toThrow(/no node input 'x'/);
    expect(() => new Neighbours({ flow: 'up' as 'sender-to-receiver' })).toThrow(ValueError);
    class Scale extends Module<[Tensor], Tensor> implements Aggregation {
      readonly name = 'scaled-sum';
      constructor() { super(); this.registerParameter('s', tensor([2])); }
      forward(t: Tensor): Tensor { return t; }
      aggregate(m: Tensor, c: Parameters<Aggregation['aggregate']>[1]): Tensor {
        return aggregation('sum').aggregate(m, c).mul(this.getParameter('s'));
      }
    }
    const layer = new Neighbours({ aggr: new Scale() });
    expect(layer.namedParameters().map(([n]) => n)).toEqual(['aggr0.s']);
    expect(layer.call(small, zeros([4, 1]).add(1)).toArray()).toEqual([[4], [6], [2], [0]]);
  });
});
