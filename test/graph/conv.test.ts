import { afterAll, describe, expect, it } from 'vitest';
import { Tensor, concat, indexSelect, matmul, randn, slice, tensor } from '../../src/tensor/index.js';
import { MLP, Parameter } from '../../src/nn/index.js';
import type { AnyModule, FloatDType } from '../../src/nn/index.js';
import { GraphsTuple, batch } from '../../src/graph/index.js';
import type { ExtraField } from '../../src/graph/index.js';
import {
  CFConv, EdgeConv, GATConv, GATv2Conv, GCNConv, GINConv, GINEConv, SAGEConv, TransformerConv, cosineCutoff, gaussianRbf,
} from '../../src/graph/conv/index.js';
import { gradcheck, formatGradcheckReport } from '../../src/testing/gradcheck.js';
import { assertPermutationEquivariant, graphAction } from '../../src/testing/index.js';
import type { GraphData } from '../../src/testing/index.js';
import { Rng } from '../../src/util/rng.js';

// ---------------------------------------------------------------------------------------------
// helpers

interface GraphOpts { F: number; edgeDim: number; pos: boolean; dtype: FloatDType; p?: number; loops?: boolean }

/** A random directed graph with n nodes (edge probability p, no duplicate edges). */
function randGraph(rng: Rng, n: number, o: GraphOpts, edgeless = false): GraphsTuple {
  const s: number[] = [], r: number[] = [];
  if (!edgeless) {
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if ((i !== j || o.loops) && rng.uniform() < (o.p ?? 0.45)) { s.push(i); r.push(j); }
  }
  const extras: Record<string, ExtraField> = o.pos ? { pos: { kind: 'node', value: randn(rng, [n, 3], { dtype: o.dtype }) } } : {};
  return new GraphsTuple({
    nodes: randn(rng, [n, o.F], { dtype: o.dtype }),
    edges: o.edgeDim > 0 ? randn(rng, [s.length, o.edgeDim], { dtype: o.dtype }) : null,
    senders: s, receivers: r, nNode: [n], nEdge: [s.length], extras,
  });
}

function permutation(rng: Rng, n: number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) { const j = rng.int(i + 1); [p[i], p[j]] = [p[j]!, p[i]!]; }
  return p;
}

/** New node i is old node perm[i]; new edge k is old edge eperm[k]; endpoints relabelled. */
function permuteGraph(g: GraphsTuple, perm: Int32Array, eperm: Int32Array): GraphsTuple {
  const inv = new Int32Array(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  const extras: Record<string, ExtraField> = {};
  for (const [k, f] of Object.entries(g.extras)) if (f.kind === 'node') extras[k] = { kind: 'node', value: indexSelect(f.value as Tensor, 0, perm) };
  return new GraphsTuple({
    nodes: g.nodes ? indexSelect(g.nodes, 0, perm) : null,
    edges: g.edges ? indexSelect(g.edges, 0, eperm) : null,
    senders: Int32Array.from(eperm, (e) => inv[g.senders[e]!]!),
    receivers: Int32Array.from(eperm, (e) => inv[g.receivers[e]!]!),
    nNode: g.nNode, nEdge: g.nEdge, extras,
  });
}

function maxAbs(t: Tensor): number {
  let m = 0;
  for (const v of t.data) m = Math.max(m, Math.abs(v));
  return m;
}

function relErr(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  let m = 0;
  for (let i = 0; i < a.data.length; i++) m = Math.max(m, Math.abs(a.data[i]! - b.data[i]!));
  const s = Math.max(maxAbs(a), maxAbs(b));
  return s === 0 ? m : m / s;
}

/** Make the module use the given tensors as its parameters (in namedParameters order). */
function bindParams(m: AnyModule, ts: readonly Tensor[]): void {
  const owners = new Map(m.namedModules());
  m.namedParameters().forEach(([name, _p], k) => {
    const dot = name.lastIndexOf('.');
    const owner = owners.get(dot < 0 ? '' : name.slice(0, dot))!;
    const t = ts[k]!;
    if (!(t instanceof Parameter)) Object.setPrototypeOf(t, Parameter.prototype);
    owner.registerParameter(dot < 0 ? name : name.slice(dot + 1), t);
  });
}

const measured: string[] = [];
const harness: string[] = [];
afterAll(() => {
  console.log(`conv layer equivariance (max relative error):\n  ${measured.join('\n  ')}`);
  console.log(`harness (worst element):\n  ${harness.join('\n  ')}`);
});

// ---------------------------------------------------------------------------------------------
// the layers under test

interface Spec {
  name: string;
  F: number;
  edgeDim?: number;
  pos?: boolean;
  loops?: boolean;
  make(rng: Rng, dtype: FloatDType): AnyModule;
  run(m: AnyModule, g: GraphsTuple): Tensor;
}

const call = (m: AnyModule, ...a: unknown[]): Tensor => m.call(...a) as Tensor;

const SPECS: Spec[] = [
  { name: 'GCNConv', F: 3, loops: true, make: (rng, dtype) => new GCNConv(3, 4, { rng, dtype }), run: (m, g) => call(m, g, g.nodes) },
  {
    name: 'GCNConv (edge weights)', F: 3, edgeDim: 1, make: (rng, dtype) => new GCNConv(3, 4, { rng, dtype }),
    run: (m, g) => call(m, g, g.nodes, g.edges!.square().add(0.5).reshape([g.numEdges])),
  },
  { name: 'GCNConv (normalize=false)', F: 3, make: (rng, dtype) => new GCNConv(3, 4, { rng, dtype, normalize: false }), run: (m, g) => call(m, g, g.nodes) },
  { name: 'SAGEConv', F: 3, make: (rng, dtype) => new SAGEConv(3, 4, { rng, dtype }), run: (m, g) => call(m, g, g.nodes) },
  { name: 'SAGEConv (normalize)', F: 3, make: (rng, dtype) => new SAGEConv(3, 4, { rng, dtype, normalize: true }), run: (m, g) => call(m, g, g.nodes) },
  {
    name: 'GINConv (train eps)', F: 3,
    make: (rng, dtype) => new GINConv(new MLP([3, 5, 4], { rng, dtype, activation: 'tanh' }), { trainEps: true, eps: 0.3, dtype }),
    run: (m, g) => call(m, g, g.nodes),
  },
  {
    name: 'GINEConv (edgeDim)', F: 3, edgeDim: 2,
    make: (rng, dtype) => new GINEConv(new MLP([3, 5, 4], { rng, dtype, activation: 'tanh' }), { trainEps: true, edgeDim: 2, inChannels: 3, rng, dtype }),
    run: (m, g) => call(m, g, g.nodes),
  },
  {
    name: 'EdgeConv', F: 3,
    make: (rng, dtype) => new EdgeConv(new MLP([6, 5, 4], { rng, dtype, activation: 'tanh' })),
    run: (m, g) => call(m, g, g.nodes),
  },
  { name: 'GATConv (2 heads, concat)', F: 3, loops: true, make: (rng, dtype) => new GATConv(3, 4, { rng, dtype, heads: 2 }), run: (m, g) => call(m, g, g.nodes) },
  {
    name: 'GATConv (edgeDim, mean of heads, dropout in eval)', F: 3, edgeDim: 2, loops: true,
    make: (rng, dtype) => new GATConv(3, 4, { rng, dtype, heads: 3, concat: false, edgeDim: 2, dropout: 0.5 }), run: (m, g) => call(m, g, g.nodes),
  },
  { name: 'GATv2Conv (2 heads)', F: 3, make: (rng, dtype) => new GATv2Conv(3, 4, { rng, dtype, heads: 2 }), run: (m, g) => call(m, g, g.nodes) },
  {
    name: 'GATv2Conv (edgeDim, shared weights, mean)', F: 3, edgeDim: 2,
    make: (rng, dtype) => new GATv2Conv(3, 4, { rng, dtype, heads: 2, edgeDim: 2, shareWeights: true, concat: false }), run: (m, g) => call(m, g, g.nodes),
  },
  { name: 'TransformerConv (2 heads)', F: 3, make: (rng, dtype) => new TransformerConv(3, 4, { rng, dtype, heads: 2 }), run: (m, g) => call(m, g, g.nodes) },
  {
    name: 'TransformerConv (edgeDim, mean, no root)', F: 3, edgeDim: 2,
    make: (rng, dtype) => new TransformerConv(3, 4, { rng, dtype, heads: 2, edgeDim: 2, concat: false, rootWeight: false }), run: (m, g) => call(m, g, g.nodes),
  },
  {
    name: 'CFConv (SchNet, cutoff 2.5)', F: 3, pos: true,
    make: (rng, dtype) => new CFConv(3, 4, { rng, dtype, numFilters: 5, numGaussians: 6, cutoff: 2.5 }), run: (m, g) => call(m, g, g.nodes, g.extraTensor('pos')),
  },
];

// ---------------------------------------------------------------------------------------------

describe.each(SPECS)('$name', (spec) => {
  const gopts = (dtype: FloatDType): GraphOpts => ({ F: spec.F, edgeDim: spec.edgeDim ?? 0, pos: spec.pos ?? false, dtype, loops: spec.loops });

  it('is permutation equivariant (float64 ≤ 1e-12, float32 ≤ 1e-5)', () => {
    for (const [dtype, tol] of [['float64', 1e-12], ['float32', 1e-5]] as const) {
      const rng = new Rng(11);
      const m = spec.make(rng, dtype);
      m.eval();
      const g = randGraph(rng, 7, gopts(dtype));
      const perm = permutation(rng, g.numNodes), eperm = permutation(rng, g.numEdges);
      const out = spec.run(m, g);
      const outP = spec.run(m, permuteGraph(g, perm, eperm));
      const err = relErr(outP, indexSelect(out, 0, perm));
      measured.push(`${spec.name} ${dtype}: ${err.toExponential(2)}`);
      expect(err).toBeLessThanOrEqual(tol);
    }
  });

  it('batched == per graph (with an empty and an edgeless graph)', () => {
    const rng = new Rng(5);
    const m = spec.make(rng, 'float64');
    m.eval();
    const o = gopts('float64');
    const gs = [randGraph(rng, 5, o), randGraph(rng, 0, o), randGraph(rng, 3, o, true), randGraph(rng, 4, o)];
    const big = spec.run(m, batch(gs));
    const parts = gs.map((g) => spec.run(m, g));
    expect(big.shape[0]).toBe(12);
    expect(relErr(big, concat(parts, 0))).toBeLessThanOrEqual(1e-13);
  });

  it('passes gradcheck in float64 (inputs and parameters)', () => {
    const rng = new Rng(3);
    const m = spec.make(rng, 'float64');
    m.eval();
    const g = randGraph(rng, 4, { ...gopts('float64'), p: 0.5 });
    const params = m.parameters();
    const leaf = (t: Tensor) => new Tensor(Float64Array.from(t.data), t.shape, 'float64', true);
    const inputs = [leaf(g.nodes!), ...(g.edges ? [leaf(g.edges)] : []), ...(spec.pos ? [leaf(g.extraTensor('pos'))] : []), ...params.map(leaf)];
    const fn = (...ts: Tensor[]): Tensor => {
      let k = 0;
      const nodes = ts[k++]!;
      const edges = g.edges ? ts[k++]! : null;
      const pos = spec.pos ? ts[k++]! : null;
      bindParams(m, ts.slice(k));
      return spec.run(m, g.with({ nodes, edges, extras: pos ? { pos: { kind: 'node', value: pos } } : {} }));
    };
    const r = gradcheck(fn, inputs, { rng, atol: 1e-7, rtol: 1e-5 });
    bindParams(m, params);
    expect(r.ok, formatGradcheckReport(r, spec.name)).toBe(true);
  });
});

describe('in the erlangen/testing harness (assertPermutationEquivariant)', () => {
  it.each(SPECS)('$name', (spec) => {
    for (const dtype of ['float64', 'float32'] as const) {
      const m = spec.make(new Rng(21), dtype);
      m.eval();
      // positions ride along as the last 3 node columns
      const fn = (d: GraphData): Tensor => {
        const n = d.nodes.shape[0]!;
        const nodes = spec.pos ? slice(d.nodes, [null, [0, spec.F]]) : d.nodes;
        const extras: Record<string, ExtraField> = spec.pos ? { pos: { kind: 'node', value: slice(d.nodes, [null, [spec.F, spec.F + 3]]) } } : {};
        return spec.run(m, new GraphsTuple({ nodes, edges: d.edges ?? null, senders: d.senders, receivers: d.receivers, numNodes: n, extras }));
      };
      const report = assertPermutationEquivariant(fn, {
        in: graphAction({ nodes: 7, features: spec.F + (spec.pos ? 3 : 0), edgeFeatures: spec.edgeDim ?? 0 }), dtype,
      });
      expect(report.ok).toBe(true);
      harness.push(`${spec.name} ${dtype}: relative ${report.worst?.relative.toExponential(2) ?? 0} (${report.elements.length} elements)`);
    }
  });
});

describe('GCNConv values', () => {
  it('equals D̂^{-1/2} Â D̂^{-1/2} X W + b on a 3-node graph (dense hand computation)', () => {
    const rng = new Rng(2);
    const conv = new GCNConv(2, 2, { rng, dtype: 'float64' });
    conv.getParameter('bias').data.set([0.1, -0.2]);
    // path 0 — 1 — 2 (both directions) plus the directed edge 0 → 2
    const g = new GraphsTuple({ senders: [0, 1, 1, 2, 0], receivers: [1, 0, 2, 1, 2], numNodes: 3 });
    const x = tensor([[1, 2], [-1, 0.5], [3, -2]], { dtype: 'float64' });
    // Â[i][j] = weight of j → i, plus I
    const A = [[1, 1, 0], [1, 1, 1], [1, 1, 1]];
    const d = A.map((row) => row.reduce((a, b) => a + b, 0));
    const An = A.map((row, i) => row.map((v, j) => v / Math.sqrt(d[i]! * d[j]!)));
    const W = conv.getModule('lin').getParameter('weight');
    const expected = matmul(matmul(tensor(An, { dtype: 'float64' }), x), W, { transB: true }).add(tensor([0.1, -0.2], { dtype: 'float64' }));
    expect(relErr(conv.call(g, x), expected)).toBeLessThan(1e-14);
    // with weights: Â = A_w + I
    const w = tensor([2, 0.5, 1, 3, 4], { dtype: 'float64' });
    const Aw = [[1, 0.5, 0], [2, 1, 3], [4, 1, 1]];
    const dw = Aw.map((row) => row.reduce((a, b) => a + b, 0));
    const Awn = Aw.map((row, i) => row.map((v, j) => v / Math.sqrt(dw[i]! * dw[j]!)));
    const expW = matmul(matmul(tensor(Awn, { dtype: 'float64' }), x), W, { transB: true }).add(tensor([0.1, -0.2], { dtype: 'float64' }));
    expect(relErr(conv.call(g, x, w), expW)).toBeLessThan(1e-14);
  });

  it('cached: reuses the normalisation for the same graph, recomputes for another', () => {
    const rng = new Rng(4);
    const conv = new GCNConv(2, 3, { rng, dtype: 'float64', cached: true });
    const g = randGraph(rng, 5, { F: 2, edgeDim: 0, pos: false, dtype: 'float64' });
    const a = conv.normalized(g, null, 'float64');
    expect(conv.normalized(g, null, 'float64')).toBe(a);
    const h = randGraph(rng, 6, { F: 2, edgeDim: 0, pos: false, dtype: 'float64' });
    expect(conv.normalized(h, null, 'float64')).not.toBe(a);
    const fresh = new GCNConv(2, 3, { rng: new Rng(4), dtype: 'float64' });
    fresh.loadStateDict(conv.stateDict());
    expect(relErr(conv.call(h, h.nodes!), fresh.call(h, h.nodes!))).toBe(0);
  });
});

describe('SAGEConv values', () => {
  it('x_i\' = W₂ mean_j x_j + b + W₁ x_i, unit rows with normalize', () => {
    const rng = new Rng(6);
    const sage = new SAGEConv(2, 3, { rng, dtype: 'float64', normalize: true });
    const g = new GraphsTuple({ senders: [1, 2], receivers: [0, 0], numNodes: 3 });
    const x = tensor([[1, 2], [-1, 0.5], [3, -2]], { dtype: 'float64' });
    const out = sage.call(g, x);
    const W2 = sage.getModule('linNeigh'), W1 = sage.getModule('linRoot');
    const mean0 = tensor([[1, -0.75]], { dtype: 'float64' });
    const raw0 = (W2.call(mean0) as Tensor).add(W1.call(slice(x, [[0, 1]])) as Tensor);
    const n0 = raw0.div(Math.hypot(...raw0.data));
    expect(relErr(slice(out, [[0, 1]]), n0)).toBeLessThan(1e-14);
    for (let i = 0; i < 3; i++) expect(Math.hypot(...slice(out, [[i, i + 1]]).data)).toBeCloseTo(1, 12);
  });
});



describe('GATConv values', () => {
  it('matches a hand computation on a 3-node graph (2 heads, self-loops, LeakyReLU 0.2)', () => {
    const rng = new Rng(8);
    const H = 2, C = 2;
    const gat = new GATConv(2, C, { rng, dtype: 'float64', heads: H });
    gat.getParameter('bias').data.set([0.1, 0.2, 0.3, 0.4]);
    // edges 0→1, 2→1, 1→2, and an existing loop 0→0 (replaced by the layer's own loops)
    const g = new GraphsTuple({ senders: [0, 2, 1, 0], receivers: [1, 1, 2, 0], numNodes: 3 });
    const xs = [[1, 2], [-1, 0.5], [3, -2]];
    const x = tensor(xs, { dtype: 'float64' });
    const W = gat.getModule('lin').getParameter('weight').data; // [H*C, 2]
    const aS = gat.getParameter('attSrc').data, aD = gat.getParameter('attDst').data; // [1, H, C]
    const h = xs.map((xi) => Array.from({ length: H * C }, (_, o) => W[o * 2]! * xi[0]! + W[o * 2 + 1]! * xi[1]!));
    const nb = [[0], [0, 2, 1], [1, 2]]; // in-neighbours incl. the self-loop
    const lrelu = (v: number) => (v > 0 ? v : 0.2 * v);
    const expected: number[][] = [];
    for (let i = 0; i < 3; i++) {
      const row: number[] = [];
      for (let hd = 0; hd < H; hd++) {
        const dot = (v: number[], a: ArrayLike<number>) => v[hd * C]! * a[hd * C]! + v[hd * C + 1]! * a[hd * C + 1]!;
        const logits = nb[i]!.map((j) => lrelu(dot(h[j]!, aS) + dot(h[i]!, aD)));
        const z = logits.map(Math.exp), Z = z.reduce((a, b) => a + b, 0);
        for (let c = 0; c < C; c++) row.push(nb[i]!.reduce((acc, j, k) => acc + (z[k]! / Z) * h[j]![hd * C + c]!, 0) + [0.1, 0.2, 0.3, 0.4][hd * C + c]!);
      }
      expected.push(row);
    }
    expect(relErr(gat.call(g, x), tensor(expected, { dtype: 'float64' }))).toBeLessThan(1e-14);
    const { graph, alpha } = gat.attention(g, x);
    expect(graph.numEdges).toBe(6);
    expect(alpha.shape).toEqual([6, 2]);
  });

  it('attention dropout is seeded (reproducible), active only in training', () => {
    const mk = () => new GATConv(3, 4, { rng: new Rng(1), dtype: 'float64', heads: 2, dropout: 0.5 });
    const g = randGraph(new Rng(2), 6, { F: 3, edgeDim: 0, pos: false, dtype: 'float64' });
    const a = mk(), b = mk();
    const ya = a.call(g, g.nodes!), yb = b.call(g, g.nodes!);
    expect(relErr(ya, yb)).toBe(0);
    const ye = a.eval().call(g, g.nodes!);
    expect(relErr(ya, ye)).toBeGreaterThan(1e-3);
  });
});

describe('SchNet helpers', () => {
  it('gaussianRbf and cosineCutoff follow their formulas', () => {
    const d = tensor([0, 1.25, 2.5, 3], { dtype: 'float64' });
    const r = gaussianRbf(d, { start: 0, stop: 2.5, num: 3 });
    expect(r.shape).toEqual([4, 3]);
    const g = 0.5 / 1.25 ** 2;
    expect(r.data[1 * 3 + 0]!).toBeCloseTo(Math.exp(-g * 1.25 ** 2), 14);
    expect(r.data[1 * 3 + 1]!).toBeCloseTo(1, 14);
    expect(Array.from(cosineCutoff(d, 2.5).data)).toEqual([1, 0.5 * (Math.cos(Math.PI / 2) + 1), 0, 0]);
  });
});

// ---------------------------------------------------------------------------------------------
// the fused weighted-message path (gatherSegmentWeightedSum) equals building the messages

describe('edge-weighted messages: fused SpMM == explicit messages + segment sum', () => {
  const rng = new Rng(77);
  const cases: [string, (dtype: FloatDType) => AnyModule][] = [
    ['GCNConv', (dtype) => new GCNConv(5, 4, { rng, dtype })],
    ['GATConv (3 heads)', (dtype) => new GATConv(5, 4, { rng, heads: 3, dtype })],
    ['GATv2Conv (2 heads)', (dtype) => new GATv2Conv(5, 4, { rng, heads: 2, dtype })],
    ['TransformerConv (2 heads)', (dtype) => new TransformerConv(5, 4, { rng, heads: 2, dtype })],
  ];
  for (const [name, make] of cases) {
    it(`${name}: values and gradients (float64)`, () => {
      const layer = make('float64') as AnyModule & { aggregate: unknown };
      const g = randGraph(rng, 7, { F: 5, edgeDim: 0, pos: false, dtype: 'float64' });
      const x = g.nodes!.detach();
      x.requiresGrad = true;
      const run = (): [Tensor, Tensor, Tensor[]] => {
        for (const p of layer.parameters()) p.grad = null;
        x.grad = null;
        const y = (layer as unknown as { call(g: GraphsTuple, x: Tensor): Tensor }).call(g, x);
        y.mul(y).sum().backward();
        return [y.detach(), x.grad!, layer.parameters().map((p) => p.grad!)];
      };
      const [yf, gxf, gpf] = run();
      // an own `aggregate` (same reduction) disables the fused path: messages are built explicitly
      const proto = Object.getPrototypeOf(layer) as { aggregate: (m: Tensor, c: unknown) => Tensor };
      (layer as unknown as { aggregate: (m: Tensor, c: unknown) => Tensor }).aggregate = function (m, c) { return proto.aggregate.call(this, m, c); };
      const [yu, gxu, gpu] = run();
      expect(yf.sub(yu).abs().max().item()).toBeLessThan(1e-13);
      expect(gxf.sub(gxu).abs().max().item()).toBeLessThan(1e-13);
      gpf.forEach((gp, i) => expect(gp.sub(gpu[i]!).abs().max().item()).toBeLessThan(1e-13));
    });
  }
});
