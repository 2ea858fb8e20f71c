/**
 * Graph data and the group actions on it: a node permutation π (new node i is old node π[i])
 * acting consistently on node features, the edge index (senders/receivers) and edge features,
 * with edges reordered by an independent permutation σ (edge order must not matter either); and
 * for geometric graphs (EGNN, Satorras, Hoogeboom, Welling, ICML 2021, arXiv:2102.09844) E(n)
 * acting on node positions x ↦ R x + t and on velocities v ↦ R v.
 *
 * Graph layers declare which of these actions they commute with ({@link GraphSymmetry}), so the
 * equivariance harness (erlangen/testing) checks them with no adapter. See docs/design/harness.md
 * and docs/design/graphs.md.
 * @module
 */
import { Tensor, fromData } from '../tensor/index.js';
import { DTypeError, IndexError, ShapeError, ValueError, fmtShape } from '../util/index.js';
import { graphsTuple } from './graphs-tuple.js';
import type { GraphsTuple } from './graphs-tuple.js';

/**
 * A plain graph: node features [N, F], edges q → p as `senders[k] = q`, `receivers[k] = p`
 * (Int32Array of length E) and optional edge features [E, Fe]. (`toGraphsTuple` and
 * `graphDataOf` convert to and from a GraphsTuple.)
 */
export interface GraphData {
  /** Node features [N, F]. */
  nodes: Tensor;
  /** Sender (source) node of each edge. */
  senders: Int32Array;
  /** Receiver (target) node of each edge. */
  receivers: Int32Array;
  /** Edge features [E, Fe]. */
  edges?: Tensor;
}

/** A graph whose nodes also carry positions [N, n] (and optionally velocities [N, n]) in R^n. */
export interface GeometricGraph extends GraphData {
  /** Node positions [N, n]: x ↦ R x + t. */
  positions: Tensor;
  /** Node velocities [N, n]: v ↦ R v. */
  velocities?: Tensor;
}

/** Expected widths for {@link checkGraphData}. */
export interface GraphDataExpect {
  /** Node feature width F (any when absent). */
  nodeFeatures?: number;
  /** Edge feature width Fe the consumer reads (0 or absent: edge features are not checked). */
  edgeFeatures?: number;
}

function floatTensor(op: string, what: string, t: unknown): Tensor {
  if (!(t instanceof Tensor)) throw new ValueError(`${op}: ${what} must be a Tensor, got ${t === null ? 'null' : typeof t}`);
  if (t.dtype !== 'float32' && t.dtype !== 'float64') throw new DTypeError(`${op}: ${what} ${fmtShape(t.shape)} must be float32 or float64, got ${t.dtype}`);
  return t;
}

/**
 * Check a {@link GraphData} (or {@link GeometricGraph}): node features [N, F], Int32Array
 * senders/receivers of equal length with ids in [0, N), edge features [E, Fe], and the expected
 * widths. Throws ShapeError / DTypeError / IndexError / ValueError naming `op`.
 */
export function checkGraphData(g: GraphData, op = 'graph', expect: GraphDataExpect = {}): void {
  if (!g || typeof g !== 'object') throw new ValueError(`${op}: expected a GraphData { nodes, senders, receivers, edges? }, got ${g === null ? 'null' : typeof g}`);
  const nodes = floatTensor(op, 'nodes', g.nodes);
  if (nodes.ndim !== 2) throw new ShapeError(`${op}: nodes must be [N, F], got ${fmtShape(nodes.shape)}`);
  const [N, F] = nodes.shape as [number, number];
  if (expect.nodeFeatures !== undefined && F !== expect.nodeFeatures) throw new ShapeError(`${op}: nodes ${fmtShape(nodes.shape)} must have ${expect.nodeFeatures} features: expected [${N}, ${expect.nodeFeatures}]`);
  if (!(g.senders instanceof Int32Array) || !(g.receivers instanceof Int32Array)) throw new ValueError(`${op}: senders and receivers must be Int32Arrays`);
  const E = g.senders.length;
  if (g.receivers.length !== E) throw new ShapeError(`${op}: senders has ${E} entries but receivers has ${g.receivers.length}`);
  for (let k = 0; k < E; k++) {
    const s = g.senders[k]!, r = g.receivers[k]!;
    if (s < 0 || s >= N || r < 0 || r >= N) throw new IndexError(`${op}: edge ${k} (${s} → ${r}) leaves the ${N} nodes`);
  }
  if (g.edges !== undefined && g.edges !== null) {
    const edges = floatTensor(op, 'edges', g.edges);
    if (edges.ndim !== 2 || edges.shape[0] !== E) throw new ShapeError(`${op}: edges ${fmtShape(edges.shape)} must be [${E}, Fe] (one row per edge)`);
    if (expect.edgeFeatures && edges.shape[1] !== expect.edgeFeatures) throw new ShapeError(`${op}: edges ${fmtShape(edges.shape)} must have ${expect.edgeFeatures} features: expected [${E}, ${expect.edgeFeatures}]`);
  } else if (expect.edgeFeatures) {
    throw new ShapeError(`${op}: the layer reads ${expect.edgeFeatures} edge features but the graph has none: expected edges [${E}, ${expect.edgeFeatures}]`);
  }
  const geo = g as Partial<GeometricGraph>;
  for (const name of ['positions', 'velocities'] as const) {
    const t = geo[name];
    if (t === undefined) continue;
    floatTensor(op, name, t);
    if (t.ndim !== 2 || t.shape[0] !== N) throw new ShapeError(`${op}: ${name} ${fmtShape(t.shape)} must be [${N}, n] (one row per node)`);
  }
}

/** The inverse of a permutation: inv[perm[i]] = i. */
export function inversePermutation(perm: Int32Array): Int32Array {
  const inv = new Int32Array(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

/**
 * Rows of a tensor [rows, …] taken in the order `perm` (row i of the result is row perm[i]), in
 * the tensor's dtype. Throws a ShapeError naming `op` when the row count is not perm.length.
 */
export function permuteRows(t: Tensor, perm: Int32Array, op = 'permuteRows'): Tensor {
  if (t.ndim === 0 || t.shape[0] !== perm.length) throw new ShapeError(`${op}: tensor ${fmtShape(t.shape)} should have ${perm.length} rows`);
  const x = t.data as ArrayLike<number>, w = t.size / Math.max(1, perm.length);
  const y = t.dtype === 'float64' ? new Float64Array(t.size) : new Float32Array(t.size);
  for (let i = 0; i < perm.length; i++) for (let j = 0; j < w; j++) y[i * w + j] = x[perm[i]! * w + j]!;
  return fromData(y, t.shape);
}

/** x ↦ R x + t for every row of x [N, n] (R n×n row-major; t absent: no translation). */
export function transformPoints(x: Tensor, R: Float64Array, t?: Float64Array): Tensor {
  const n = x.shape[x.ndim - 1] ?? 0;
  if (R.length !== n * n) throw new ShapeError(`transformPoints: a ${Math.sqrt(R.length)}×${Math.sqrt(R.length)} matrix cannot act on points ${fmtShape(x.shape)}`);
  if (t && t.length !== n) throw new ShapeError(`transformPoints: translation of length ${t.length} for points ${fmtShape(x.shape)}`);
  const v = x.data as ArrayLike<number>, rows = x.size / Math.max(1, n);
  const y = x.dtype === 'float64' ? new Float64Array(x.size) : new Float32Array(x.size);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < n; i++) {
      let s = t ? t[i]! : 0;
      for (let j = 0; j < n; j++) s += R[i * n + j]! * v[r * n + j]!;
      y[r * n + i] = s;
    }
  }
  return fromData(y, x.shape);
}

/**
 * The permutation action on a graph: nodes' = nodes[π], edges' = edges[σ], and the endpoints of
 * the reordered edges renamed by π⁻¹, so that (π, σ)·g describes the same graph. Positions and
 * velocities of a {@link GeometricGraph} are permuted with the nodes.
 */
export function permuteGraph<G extends GraphData>(g: G, nodePerm: Int32Array, edgePerm: Int32Array): G {
  const m = g.senders.length;
  if (edgePerm.length !== m) throw new ShapeError(`permuteGraph: an edge permutation of ${edgePerm.length} for ${m} edges`);
  const inv = inversePermutation(nodePerm);
  const senders = new Int32Array(m), receivers = new Int32Array(m);
  for (let k = 0; k < m; k++) {
    senders[k] = inv[g.senders[edgePerm[k]!]!]!;
    receivers[k] = inv[g.receivers[edgePerm[k]!]!]!;
  }
  const out = { ...g, nodes: permuteRows(g.nodes, nodePerm, 'permuteGraph (nodes)'), senders, receivers } as G;
  if (g.edges) out.edges = permuteRows(g.edges, edgePerm, 'permuteGraph (edges)');
  const geo = g as Partial<GeometricGraph>, o = out as Partial<GeometricGraph>;
  if (geo.positions) o.positions = permuteRows(geo.positions, nodePerm, 'permuteGraph (positions)');
  if (geo.velocities) o.velocities = permuteRows(geo.velocities, nodePerm, 'permuteGraph (velocities)');
  return out;
}

/** E(n) on a geometric graph: positions ↦ R x + t, velocities ↦ R v; features and edges unchanged. */
export function moveGeometricGraph(g: GeometricGraph, R: Float64Array, t?: Float64Array): GeometricGraph {
  const out: GeometricGraph = { ...g, positions: transformPoints(g.positions, R, t) };
  if (g.velocities) out.velocities = transformPoints(g.velocities, R);
  return out;
}

/** A single-graph GraphsTuple from plain graph data (nodes and edges as its features). */
export function toGraphsTuple(g: GraphData): GraphsTuple {
  return graphsTuple({ nodes: g.nodes, senders: g.senders, receivers: g.receivers, edges: g.edges ?? null, numNodes: g.nodes.shape[0]! });
}

/** Plain graph data from a GraphsTuple with node features. */
export function graphDataOf(t: GraphsTuple): GraphData {
  if (!t.nodes) throw new ValueError('graphDataOf: the GraphsTuple has no node features');
  const g: GraphData = { nodes: t.nodes, senders: Int32Array.from(t.senders), receivers: Int32Array.from(t.receivers) };
  if (t.edges) g.edges = t.edges;
  return g;
}

/**
 * A layer that commutes with node and edge permutations: `apply(g)` runs it on plain graph data
 * and returns per-node outputs [N, F'] that permute like the input's nodes.
 */
export interface PermutationSymmetry {
  /** Discriminant. */
  readonly kind: 'permutation';
  /** Width F of the node features the layer reads (null: not known to the layer, e.g. set by a wrapped MLP; then a check needs example data). */
  readonly nodeFeatures: number | null;
  /** Width of the edge features the layer reads (0: none). */
  readonly edgeFeatures: number;
  /** Run the layer on a graph; per-node outputs [N, F']. */
  apply(g: GraphData): Tensor;
}

/**
 * A layer equivariant under node permutations and E(n) (EGNN): invariant node features h,
 * positions x ↦ R x + t, velocities v ↦ R v. `apply(g)` returns `{ h, x }` (and `v` for the
 * velocity variant), all per node.
 */
export interface EuclideanGraphSymmetry {
  /** Discriminant. */
  readonly kind: 'euclidean';
  /** n of E(n): the width of positions (and velocities). */
  readonly dim: number;
  /** Width of the invariant node features h. */
  readonly nodeFeatures: number;
  /** Width of the invariant edge features (0: none). */
  readonly edgeFeatures: number;
  /** Whether the layer reads velocities. */
  readonly velocity: boolean;
  /** Run the layer: h' (invariant), x' (positions) and, with velocities, v' (vectors), each [N, ·]. */
  apply(g: GeometricGraph): Record<string, Tensor>;
}

/** What a graph layer declares about its symmetry (read by erlangen/testing). */
export type GraphSymmetry = PermutationSymmetry | EuclideanGraphSymmetry;

/** True for an object whose `graphSymmetry` is a {@link GraphSymmetry} declaration. */
export function declaresGraphSymmetry(x: unknown): x is { readonly graphSymmetry: GraphSymmetry } {
  const s = (x as { graphSymmetry?: Partial<GraphSymmetry> | null } | null)?.graphSymmetry;
  return !!s && (s.kind === 'permutation' || s.kind === 'euclidean') && typeof s.apply === 'function';
}

/**
 * The usual declaration of a node-permutation-equivariant layer called as `forward(graph, x)`
 * (edge features, if any, travel as the graph's `edges`).
 */
export function permutationSymmetry(call: (graph: GraphsTuple, x: Tensor) => Tensor, nodeFeatures: number | null, edgeFeatures = 0): PermutationSymmetry {
  return { kind: 'permutation', nodeFeatures, edgeFeatures, apply: (g) => call(toGraphsTuple(g), g.nodes) };
}
