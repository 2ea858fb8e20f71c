/**
 * Graphs built from point positions or sizes: k-nearest-neighbour, radius and fully connected
 * graphs, each within the graphs of a batch (never across). Host-side preprocessing: positions are
 * read, so these are not traceable.
 * @module
 */
import type { Tensor } from '../tensor/index.js';
import { ShapeError, SizeError, ValueError, fmtShape } from '../util/errors.js';
import { GraphsTuple, offsets, toInt32 } from './graphs-tuple.js';
import type { IntArrayLike } from './graphs-tuple.js';

/** The most edges a graph helper builds: 2³¹ − 1, the int32 index limit (as a tensor's element limit). */
const MAX_EDGES = 2 ** 31 - 1;

/** Edges grouped by graph, ready for `graph.with({ ...edgeIndex, edges: null })`. */
export interface EdgeIndex {
  /** Source node of each edge [E]. */
  readonly senders: Int32Array;
  /** Target node of each edge [E]. */
  readonly receivers: Int32Array;
  /** Edges per graph [G]. */
  readonly nEdge: Int32Array;
}

/** Which graph each point belongs to: a GraphsTuple (its nNode) or node→graph ids (non-decreasing). */
export type GraphBatch = GraphsTuple | IntArrayLike;

function nodeCounts(op: string, batch: GraphBatch | undefined, n: number): Int32Array {
  if (batch === undefined) return Int32Array.of(n);
  if (batch instanceof GraphsTuple) {
    if (batch.numNodes !== n) throw new ShapeError(`${op}: the batch graph has ${batch.numNodes} nodes but pos has ${n} rows`);
    return batch.nNode;
  }
  const ids = toInt32('batch', batch, op);
  if (ids.length !== n) throw new ShapeError(`${op}: batch has ${ids.length} ids but pos has ${n} rows`);
  const G = n === 0 ? 0 : ids[n - 1]! + 1;
  const counts = new Int32Array(G);
  for (let i = 0; i < n; i++) {
    if (ids[i]! < 0 || (i > 0 && ids[i]! < ids[i - 1]!)) throw new ValueError(`${op}: batch ids must be non-negative and non-decreasing (batch[${i}] = ${ids[i]})`);
    counts[ids[i]!]!++;
  }
  return counts;
}

function points(op: string, pos: Tensor): { data: ArrayLike<number>; n: number; d: number } {
  if (pos.ndim !== 2) throw new ShapeError(`${op}: pos ${fmtShape(pos.shape)} must be [N, D]`);
  return { data: pos.data, n: pos.shape[0]!, d: pos.shape[1]! };
}

/** For every node i, its candidate neighbours j in the same graph sorted by (distance², j). */
function neighbours(
  op: string, pos: Tensor, batch: GraphBatch | undefined, loop: boolean,
  pick: (sorted: { j: number; d2: number }[]) => { j: number; d2: number }[],
): EdgeIndex {
  const { data, n, d } = points(op, pos);
  const counts = nodeCounts(op, batch, n);
  const off = offsets(counts);
  const senders: number[] = [];
  const receivers: number[] = [];
  const nEdge = new Int32Array(counts.length);
  for (let b = 0; b < counts.length; b++) {
    const lo = off[b]!, hi = off[b + 1]!;
    for (let i = lo; i < hi; i++) {
      const cand: { j: number; d2: number }[] = [];
      for (let j = lo; j < hi; j++) {
        if (j === i && !loop) continue;
        let s = 0;
        for (let c = 0; c < d; c++) {
          const t = data[i * d + c]! - data[j * d + c]!;
          s += t * t;
        }
        cand.push({ j, d2: s });
      }
      cand.sort((a, z) => a.d2 - z.d2 || a.j - z.j);
      for (const { j } of pick(cand)) {
        senders.push(j);
        receivers.push(i);
        nEdge[b]!++;
      }
    }
  }
  return { senders: Int32Array.from(senders), receivers: Int32Array.from(receivers), nEdge };
}

/** Options of {@link knnGraph}. */
export interface KnnGraphOptions {
  /** Graph membership of the points (default: one graph). */
  batch?: GraphBatch;
  /** Count a node as its own neighbour (default false). */
  loop?: boolean;
}

/**
 * k-nearest-neighbour graph: for each node i, edges j→i from the k nodes j of the same graph
 * nearest to i in Euclidean distance (ties: lower index first), nearest first; fewer when the graph
 * has fewer candidates. O(Σ_b n_b² log n_b).
 * @param pos [N, D] positions
 */
export function knnGraph(pos: Tensor, k: number, opts: KnnGraphOptions = {}): EdgeIndex {
  if (!Number.isInteger(k) || k < 0) throw new ValueError(`knnGraph: k must be a non-negative integer, got ${k}`);
  return neighbours('knnGraph', pos, opts.batch, opts.loop ?? false, (c) => c.slice(0, k));
}

/** Options of {@link radiusGraph}. */
export interface RadiusGraphOptions extends KnnGraphOptions {
  /** At most this many neighbours per node, the nearest (default 32). */
  maxNeighbours?: number;
}

/**
 * Radius graph: for each node i, edges j→i from the nodes j of the same graph with
 * ‖p_i − p_j‖ ≤ r, nearest first, at most `maxNeighbours` of them.
 * @param pos [N, D] positions
 */
export function radiusGraph(pos: Tensor, r: number, opts: RadiusGraphOptions = {}): EdgeIndex {
  if (!(r >= 0)) throw new ValueError(`radiusGraph: r must be non-negative, got ${r}`);
  const maxN = opts.maxNeighbours ?? 32;
  if (!Number.isInteger(maxN) || maxN < 0) throw new ValueError(`radiusGraph: maxNeighbours must be a non-negative integer, got ${maxN}`);
  const r2 = r * r;
  return neighbours('radiusGraph', pos, opts.batch, opts.loop ?? false, (c) => c.filter((x) => x.d2 <= r2).slice(0, maxN));
}

/** Options of {@link fullyConnected}. */
export interface FullyConnectedOptions {
  /** Include i→i (default false). */
  selfLoops?: boolean;
}

/**
 * All edges j→i within each graph (grouped by receiver, senders ascending): n_b(n_b − 1) edges per
 * graph, or n_b² with self-loops.
 * @param nNode nodes per graph
 */
export function fullyConnected(nNode: IntArrayLike, opts: FullyConnectedOptions = {}): EdgeIndex {
  const counts = toInt32('nNode', nNode, 'fullyConnected');
  const loops = opts.selfLoops ?? false;
  const bad = counts.findIndex((n) => n < 0);
  if (bad >= 0) throw new ValueError(`fullyConnected: nNode[${bad}] = ${counts[bad]} is negative`);
  // Count the edges in float arithmetic first: n(n − 1) overflows int32 (and memory) from n ≈ 46 341.
  let E = 0;
  for (const n of counts) E += loops ? n * n : n * Math.max(n - 1, 0);
  if (E > MAX_EDGES) {
    throw new SizeError(`fullyConnected: nNode [${counts.length > 8 ? `${Array.from(counts.subarray(0, 8)).join(',')},…` : counts.join(',')}] gives ${E} edges, more than the limit of ${MAX_EDGES} (2^31 - 1)`);
  }
  const nEdge = counts.map((n) => (loops ? n * n : n * Math.max(n - 1, 0)));
  const senders = new Int32Array(E);
  const receivers = new Int32Array(E);
  let k = 0;
  let lo = 0;
  for (const n of counts) {
    for (let i = lo; i < lo + n; i++) {
      for (let j = lo; j < lo + n; j++) {
        if (j === i && !loops) continue;
        senders[k] = j;
        receivers[k++] = i;
      }
    }
    lo += n;
  }
  return { senders, receivers, nEdge };
}
