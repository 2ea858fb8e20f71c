/**
 * Graclus-style coarsening (Dhillon, Guan & Kulis 2007): greedy matching of neighbouring nodes by
 * normalised-cut weight, then pooling of the matched pairs.
 * @module
 */
import type { Tensor } from '../../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import type { GraphsTuple } from '../graphs-tuple.js';
import { poolClusters } from './subgraph.js';
import type { ClusterReduce } from './subgraph.js';

/** Options of {@link graclus}. */
export interface GraclusOptions {
  /** Edge weights [E] (default 1); the matching treats the graph as undirected (w_uv summed over both directions). */
  edgeWeight?: Tensor | ArrayLike<number> | null;
  /**
   * The visiting order: a key per node — a [N] array/tensor of numbers or [N, F] features compared
   * lexicographically; nodes are visited by increasing key (ties: lower index). Default: the
   * rows of `graph.nodes` (so the result does not depend on how nodes are numbered when the rows
   * are distinct), or the node index when the graph has no node features.
   */
  key?: Tensor | ArrayLike<number> | null;
}

/** Result of {@link graclus}. */
export interface GraclusClusters {
  /** Global cluster id of each node [N]; graph b's clusters are contiguous, after those of graph b−1. */
  readonly cluster: Int32Array;
  /** Clusters per graph [G]. */
  readonly nCluster: Int32Array;
}

function keyRows(g: GraphsTuple, key: Tensor | ArrayLike<number> | null | undefined): { data: ArrayLike<number>; width: number } | null {
  const k = key === undefined ? g.nodes : key;
  if (!k) return null;
  if ('shape' in k && 'data' in k) {
    const t = k as Tensor;
    if (t.shape[0] !== g.numNodes) throw new ShapeError(`graclus: key ${fmtShape(t.shape)} must have ${g.numNodes} rows`);
    return { data: t.data, width: t.size / Math.max(1, g.numNodes) };
  }
  if (k.length !== g.numNodes) throw new ShapeError(`graclus: key has ${k.length} entries for ${g.numNodes} nodes`);
  return { data: k, width: 1 };
}

/**
 * Greedy Graclus matching, per graph of the batch (Dhillon, Guan & Kulis 2007, "Weighted Graph
 * Cuts without Eigenvectors: A Multilevel Approach", IEEE TPAMI 29(11); as used for pooling by
 * Defferrard et al. 2016, {@link https://arxiv.org/abs/1606.09375 | arXiv:1606.09375}):
 * visit the unmatched nodes u in a canonical order and match each with the unmatched neighbour v
 * maximising w_uv (1/d_u + 1/d_v) (d the weighted degree, ties: earlier in the order); an
 * unmatched node without free neighbours stays alone. Self-loops are ignored.
 *
 * PyG/torch-cluster visit the nodes in a random order; here the order comes from `key` (by default
 * the node features), so relabelling the nodes gives the same clusters.
 */
export function graclus(g: GraphsTuple, opts: GraclusOptions = {}): GraclusClusters {
  const N = g.numNodes, E = g.numEdges;
  let w: ArrayLike<number> | null = null;
  if (opts.edgeWeight) {
    w = 'data' in opts.edgeWeight ? (opts.edgeWeight as Tensor).data : (opts.edgeWeight as ArrayLike<number>);
    if (w.length !== E) throw new ShapeError(`graclus: edgeWeight has ${w.length} entries for ${E} edges`);
  }
  // undirected weighted adjacency (maps per node)
  const adj: Map<number, number>[] = Array.from({ length: N }, () => new Map());
  const deg = new Float64Array(N);
  for (let e = 0; e < E; e++) {
    const s = g.senders[e]!, r = g.receivers[e]!;
    if (s === r) continue;
    const we = w ? w[e]! : 1;
    if (!(we >= 0)) throw new ValueError(`graclus: edge weights must be non-negative, got ${we} at edge ${e}`);
    adj[s]!.set(r, (adj[s]!.get(r) ?? 0) + we);
    adj[r]!.set(s, (adj[r]!.get(s) ?? 0) + we);
    deg[s]! += we;
    deg[r]! += we;
  }
  const keys = keyRows(g, opts.key);
  const cmp = (u: number, v: number): number => {
    if (keys) {
      const { data, width } = keys;
      for (let f = 0; f < width; f++) {
        const d = data[u * width + f]! - data[v * width + f]!;
        if (d !== 0) return d;
      }
    }
    return u - v;
  };
  const cluster = new Int32Array(N).fill(-1);
  const nCluster = new Int32Array(g.numGraphs);
  const no = g.nodeOffsets;
  const rank = new Int32Array(N);
  let next = 0;
  for (let b = 0; b < g.numGraphs; b++) {
    const order = Array.from({ length: g.nNode[b]! }, (_, i) => no[b]! + i).sort(cmp);
    order.forEach((u, i) => (rank[u] = i));
    const first = next;
    for (const u of order) {
      if (cluster[u] !== -1) continue;
      cluster[u] = next;
      let best = -1, bestScore = -Infinity;
      for (const [v, wuv] of adj[u]!) {
        if (cluster[v] !== -1) continue;
        const score = wuv * (1 / deg[u]! + 1 / deg[v]!);
        if (score > bestScore || (score === bestScore && rank[v]! < rank[best]!)) {
          best = v;
          bestScore = score;
        }
      }
      if (best >= 0) cluster[best] = next;
      next++;
    }
    nCluster[b] = next - first;
  }
  return { cluster, nCluster };
}

/** Options of {@link graclusPool}. */
export interface GraclusPoolOptions extends GraclusOptions {
  /** How the features of a matched pair are combined (default `'max'`, PyG's `max_pool`). */
  reduce?: ClusterReduce;
}

/** Result of {@link graclusPool}. */
export interface GraclusPoolResult extends GraclusClusters {
  /** The coarsened graph (one node per cluster; see `poolClusters`). */
  readonly graph: GraphsTuple;
}

/**
 * Graclus coarsening: {@link graclus} matching, then pooling of the matched pairs into one node
 * (features reduced by `reduce`, edges mapped to clusters, loops dropped, parallel edges merged
 * with summed features). Roughly halves every graph.
 *
 * @example
 * ```ts
 * const { graph: coarse, cluster } = graclusPool(graph.with({ nodes: h }));
 * ```
 */
export function graclusPool(g: GraphsTuple, opts: GraclusPoolOptions = {}): GraclusPoolResult {
  const c = graclus(g, opts);
  return { ...c, graph: poolClusters(g, c.cluster, c.nCluster, { reduce: opts.reduce ?? 'max' }) };
}
