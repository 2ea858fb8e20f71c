import { describe, expect, it } from 'vitest';
import { tensor, zeros } from '../../src/tensor/index.js';
import { GraphsTuple, batch, unbatch, isIndexField, graphsTuple, fullyConnected } from '../../src/graph/index.js';
import type { ExtraField, IndexField } from '../../src/graph/index.js';
import { IndexError, ShapeError, SizeError, ValueError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/rng.js';

const rows = (n: number, f: number, start = 0): number[][] => Array.from({ length: n }, (_, i) => Array.from({ length: f }, (_, j) => start + i * f + j));
const mat = (n: number, f: number, start = 0) => tensor(Float64Array.from(rows(n, f, start).flat()), { shape: [n, f] });

describe('GraphsTuple validation', () => {
  const base = { nodes: tensor(rows(3, 2)), senders: [0, 1], receivers: [1, 2] };
  it('accepts a valid graph and defaults to one graph', () => {
    const g = new GraphsTuple(base);
    expect([g.numGraphs, g.numNodes, g.numEdges]).toEqual([1, 3, 2]);
    expect(Array.from(g.nNode)).toEqual([3]);
    expect(Array.from(g.nEdge)).toEqual([2]);
    expect(String(g)).toBe('GraphsTuple(G=1, N=3, E=2)');
  });
  it('IndexError for out-of-range senders/receivers, naming the field', () => {
    expect(() => new GraphsTuple({ ...base, senders: [0, 3] })).toThrow(IndexError);
    expect(() => new GraphsTuple({ ...base, senders: [0, 3] })).toThrow(/senders\[1\] = 3/);
    expect(() => new GraphsTuple({ ...base, receivers: [-1, 2] })).toThrow(/receivers\[0\] = -1/);
  });
  it('IndexError for edges that leave their graph', () => {
    const init = { ...base, nNode: [2, 1], nEdge: [2, 0] };
    expect(() => new GraphsTuple(init)).toThrow(IndexError);
    expect(() => new GraphsTuple(init)).toThrow(/receivers\[1\] = 2 lies outside its graph 0/);
  });
  it('ShapeError for row-count mismatches', () => {
    expect(() => new GraphsTuple({ ...base, receivers: [1] })).toThrow(ShapeError);
    expect(() => new GraphsTuple({ ...base, nNode: [2] })).toThrow(/nNode sums to 2 but there are 3 nodes/);
    expect(() => new GraphsTuple({ ...base, nEdge: [3] })).toThrow(ShapeError);
    expect(() => new GraphsTuple({ ...base, nNode: [3], nEdge: [1, 1] })).toThrow(ShapeError);
    expect(() => new GraphsTuple({ ...base, edges: zeros([3, 1]) })).toThrow(/edges \[3,1\] must have 2 rows/);
    expect(() => new GraphsTuple({ ...base, globals: zeros([2, 1]) })).toThrow(ShapeError);
    expect(() => new GraphsTuple({ ...base, extras: { pos: { kind: 'node', value: zeros([2, 3]) } } })).toThrow(/extras.pos/);
    expect(() => new GraphsTuple({ ...base, extras: { pair: { kind: 'node-index', value: Int32Array.of(0, 1, 2), width: 2 } } })).toThrow(ShapeError);
  });
  it('IndexError for index extras out of range or outside their graph; -1 allowed', () => {
    const two = { ...base, nNode: [2, 1], nEdge: [1, 1], senders: [0, 2], receivers: [1, 2] };
    expect(() => new GraphsTuple({ ...two, extras: { root: { kind: 'node-index', value: Int32Array.of(0, 5) } } })).toThrow(/extras.root\[1\] = 5/);
    expect(() => new GraphsTuple({ ...two, extras: { root: { kind: 'node-index', value: Int32Array.of(2, 2) } } })).toThrow(IndexError);
    expect(() => new GraphsTuple({ ...two, extras: { e: { kind: 'edge-index', value: Int32Array.of(0, -1, 1), rows: 'node' } } })).not.toThrow();
    expect(() => new GraphsTuple({ ...two, extras: { e: { kind: 'edge-index', value: Int32Array.of(1, 1, -1), rows: 'node' } } })).toThrow(IndexError);
  });
  it('ValueError for negative counts and non-integer ids; extra lookups', () => {
    expect(() => new GraphsTuple({ senders: [], receivers: [], nNode: [-1, 1], nEdge: [0, 0] })).toThrow(ValueError);
    expect(() => new GraphsTuple({ ...base, senders: [0.5, 1] })).toThrow(ValueError);
    const g = new GraphsTuple({ ...base, extras: { pos: { kind: 'node', value: zeros([3, 2]) }, root: { kind: 'node-index', value: Int32Array.of(0) } } });
    expect(g.extraTensor('pos').shape).toEqual([3, 2]);
    expect(Array.from(g.extraIndex('root'))).toEqual([0]);
    expect(() => g.extra('nope')).toThrow(ValueError);
    expect(() => g.extraIndex('pos')).toThrow(ValueError);
    expect(() => g.extraTensor('root')).toThrow(ValueError);
  });
  it('nodes may be null with numNodes or nNode', () => {
    expect(new GraphsTuple({ senders: [0], receivers: [4], numNodes: 5 }).numNodes).toBe(5);
    expect(new GraphsTuple({ senders: [], receivers: [], nNode: [2, 0, 3], nEdge: [0, 0, 0] }).numNodes).toBe(5);
    expect(new GraphsTuple({ senders: [], receivers: [] }).numNodes).toBe(0);
  });
});

function sample(): GraphsTuple[] {
  const mk = (n: number, s: number[], r: number[], seed: number, root: number, pairs: number[], edgeRef: number[]): GraphsTuple => new GraphsTuple({
    nodes: mat(n, 2, seed * 100),
    edges: mat(s.length, 1, seed * 100 + 50),
    globals: tensor([[seed]], { dtype: 'float64' }),
    senders: s, receivers: r,
    extras: {
      pos: { kind: 'node', value: mat(n, 3, seed) },
      w: { kind: 'edge', value: tensor(Float64Array.from(s, (_, i) => seed + i)) },
      root: { kind: 'node-index', value: Int32Array.of(root) },
      pairs: { kind: 'node-index', value: Int32Array.from(pairs), rows: Int32Array.of(pairs.length / 2), width: 2 },
      edgeRef: { kind: 'edge-index', value: Int32Array.from(edgeRef), rows: 'node' },
    },
  });
  return [
    mk(3, [0, 1, 2], [1, 2, 0], 1, 2, [0, 1, 2, 2], [0, 2, -1]),
    mk(0, [], [], 2, -1, [], []), // empty graph
    mk(2, [], [], 3, 1, [1, 0], [-1, -1]), // edgeless graph
    mk(2, [1], [0], 4, 0, [], [0, -1]),
  ];
}

function same(a: GraphsTuple, b: GraphsTuple): void {
  expect(Array.from(a.senders)).toEqual(Array.from(b.senders));
  expect(Array.from(a.receivers)).toEqual(Array.from(b.receivers));
  expect(Array.from(a.nNode)).toEqual(Array.from(b.nNode));
  expect(Array.from(a.nEdge)).toEqual(Array.from(b.nEdge));
  for (const k of ['nodes', 'edges', 'globals'] as const) expect(a[k]!.toArray()).toEqual(b[k]!.toArray());
  expect(Object.keys(a.extras).sort()).toEqual(Object.keys(b.extras).sort());
  for (const [name, f] of Object.entries(a.extras)) {
    const h = b.extras[name] as ExtraField;
    expect(h.kind).toBe(f.kind);
    if (isIndexField(f)) expect(Array.from(f.value)).toEqual(Array.from((h as IndexField).value));
    else expect(f.value.toArray()).toEqual((h.value as typeof f.value).toArray());
  }
}

describe('batch / unbatch', () => {
  it('offsets senders, receivers and declared index fields; keeps -1', () => {
    const b = batch(sample());
    expect(Array.from(b.nNode)).toEqual([3, 0, 2, 2]);
    expect(Array.from(b.nEdge)).toEqual([3, 0, 0, 1]);
    expect(Array.from(b.senders)).toEqual([0, 1, 2, 6]);
    expect(Array.from(b.receivers)).toEqual([1, 2, 0, 5]);
    expect(Array.from(b.extraIndex('root'))).toEqual([2, -1, 4, 5]);
    expect(Array.from(b.extraIndex('pairs'))).toEqual([0, 1, 2, 2, 4, 3]);
    expect(Array.from(b.extraIndex('edgeRef'))).toEqual([0, 2, -1, -1, -1, 3, -1]);
    expect(Array.from(b.nodeGraph)).toEqual([0, 0, 0, 2, 2, 3, 3]);
    expect(Array.from(b.edgeGraph)).toEqual([0, 0, 0, 3]);
    expect(Array.from(b.nodeOffsets)).toEqual([0, 3, 3, 5, 7]);
    expect(b.nodes!.shape).toEqual([7, 2]);
    expect(b.globals!.toArray()).toEqual([[1], [2], [3], [4]]);
  });
  it('unbatch inverts batch, including empty and edgeless graphs', () => {
    const gs = sample();
    const parts = unbatch(batch(gs));
    expect(parts).toHaveLength(4);
    parts.forEach((p, i) => same(p, gs[i]!));
    same(batch(parts), batch(gs));
  });
  it('batching batches equals batching all', () => {
    const gs = sample();
    same(batch([batch(gs.slice(0, 2)), batch(gs.slice(2))]), batch(gs));
  });
  it('rejects inconsistent inputs', () => {
    const [a, b] = sample();
    expect(() => batch([])).toThrow(ValueError);
    expect(() => batch([a!, b!.with({ nodes: null })])).toThrow(/nodes is present in some graphs/);
    expect(() => batch([a!, b!.with({ extras: {} })])).toThrow(/extras/);
    const relabelled = b!.with({ extras: { ...b!.extras, root: { kind: 'edge-index', value: Int32Array.of(-1) } } });
    expect(() => batch([a!, relabelled])).toThrow(/declared differently/);
  });
});

describe('CSR / CSC views', () => {
  it('match a brute-force grouping and are cached', () => {
    const rng = new Rng(3);
    const N = 9, E = 30;
    const s = Array.from({ length: E }, () => rng.int(N));
    const r = Array.from({ length: E }, () => rng.int(N));
    const g = new GraphsTuple({ senders: s, receivers: r, numNodes: N });
    for (const [view, key, other] of [[g.csr(), r, s], [g.csc(), s, r]] as const) {
      expect(view.rowPtr.length).toBe(N + 1);
      for (let i = 0; i < N; i++) {
        const want = key.map((k, e) => (k === i ? e : -1)).filter((e) => e >= 0);
        const got = Array.from(view.perm.subarray(view.rowPtr[i]!, view.rowPtr[i + 1]!));
        expect(got).toEqual(want);
        expect(Array.from(view.col.subarray(view.rowPtr[i]!, view.rowPtr[i + 1]!))).toEqual(want.map((e) => other[e]!));
      }
    }
    expect(g.csr()).toBe(g.csr());
    expect(new GraphsTuple({ senders: [], receivers: [] }).csr().rowPtr).toEqual(Int32Array.of(0));
  });
});

describe('GraphsTuple index validation (issue #11)', () => {
  const nodes = () => tensor([[1], [2], [3]]);
  it('non-integer, NaN or infinite senders/receivers are a ValueError naming the field and graphsTuple', () => {
    for (const v of [1.5, NaN, Infinity, -Infinity]) {
      expect(() => graphsTuple({ nodes: nodes(), senders: [0, v], receivers: [1, 2] })).toThrow(ValueError);
      expect(() => graphsTuple({ nodes: nodes(), senders: [0, 1], receivers: [v, 2] })).toThrow(/^graphsTuple: receivers\[0\]/);
      expect(() => new GraphsTuple({ nodes: nodes(), senders: [v, 1], receivers: [1, 2] })).toThrow(/^GraphsTuple: senders\[0\]/);
    }
  });
  it('ids beyond int32 or the node count are an IndexError (no wrap-around)', () => {
    expect(() => graphsTuple({ nodes: nodes(), senders: [0, 2 ** 31], receivers: [1, 2] })).toThrow(IndexError);
    expect(() => graphsTuple({ nodes: nodes(), senders: [0, 2 ** 31], receivers: [1, 2] })).toThrow(/^graphsTuple: senders\[1\] = 2147483648/);
    expect(() => graphsTuple({ nodes: nodes(), senders: [0, 3], receivers: [1, 2] })).toThrow(/^graphsTuple: senders\[1\] = 3 is out of range for 3 nodes/);
    expect(() => graphsTuple({ nodes: nodes(), senders: [0, 1], receivers: [-1, 2] })).toThrow(IndexError);
  });
  it('a bad node count is a ValueError', () => {
    expect(() => graphsTuple({ senders: [], receivers: [], numNodes: 1.5 })).toThrow(ValueError);
    expect(() => graphsTuple({ senders: [], receivers: [], numNodes: -1 })).toThrow(/^graphsTuple:/);
  });
  it('fullyConnected refuses more than 2^31 - 1 edges before allocating (SizeError)', () => {
    expect(() => fullyConnected([50000])).toThrow(SizeError);
    expect(() => fullyConnected([50000])).toThrow(/^fullyConnected: .*2499950000 edges/);
    expect(() => fullyConnected([2, 1.5])).toThrow(/^fullyConnected: nNode\[1\] = 1.5 is not an integer/);
    expect(fullyConnected([3]).senders.length).toBe(6);
  });
});
