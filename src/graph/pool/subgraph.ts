/**
 * Host-side helpers of hierarchical pooling: the induced subgraph on a node subset and the
 * quotient graph of a node clustering, per graph of a batch.
 * @module
 */
import { indexSelect, segmentMax, segmentMean, segmentSum } from '../../tensor/index.js';
import type { Tensor } from '../../tensor/index.js';
import { IndexError, ShapeError, ValueError } from '../../util/errors.js';
import { GraphsTuple, isIndexField } from '../graphs-tuple.js';
import type { ExtraField } from '../graphs-tuple.js';

/** Result of {@link inducedSubgraph}. */
export interface Subgraph {
  /** The subgraph; its nodes are `perm` in that order, its edges those with both ends kept (in order). */
  readonly graph: GraphsTuple;
  /** Input node of each output node [K]. */
  readonly perm: Int32Array;
  /** Input edge of each output edge [E']. */
  readonly edgePerm: Int32Array;
}

/**
 * The subgraph induced by the nodes `perm` (A' = A[perm, perm]): node rows, node tensor extras and
 * edge features are gathered (differentiably), graph rows kept; index extras are dropped.
 * @param perm kept nodes, grouped by graph in graph order (each graph's nodes contiguous)
 * @param nodes node features of the result (default `graph.nodes[perm]`)
 */
export function inducedSubgraph(g: GraphsTuple, perm: Int32Array, nodes?: Tensor | null): Subgraph {
  const N = g.numNodes;
  const newId = new Int32Array(N).fill(-1);
  const nNode = new Int32Array(g.numGraphs);
  const ng = g.nodeGraph;
  let last = -1;
  perm.forEach((v, i) => {
    if (v < 0 || v >= N) throw new IndexError(`inducedSubgraph: perm[${i}] = ${v} is out of range for ${N} nodes`);
    if (newId[v] !== -1) throw new ValueError(`inducedSubgraph: node ${v} is listed twice`);
    const b = ng[v]!;
    if (b < last) throw new ValueError('inducedSubgraph: perm must list the nodes graph by graph, in graph order');
    last = b;
    newId[v] = i;
    nNode[b]!++;
  });
  const eKeep: number[] = [];
  const nEdge = new Int32Array(g.numGraphs);
  const eg = g.edgeGraph;
  for (let e = 0; e < g.numEdges; e++) {
    if (newId[g.senders[e]!]! >= 0 && newId[g.receivers[e]!]! >= 0) {
      eKeep.push(e);
      nEdge[eg[e]!]!++;
    }
  }
  const edgePerm = Int32Array.from(eKeep);
  const extras: Record<string, ExtraField> = {};
  for (const [k, f] of Object.entries(g.extras)) {
    if (isIndexField(f)) continue;
    extras[k] = f.kind === 'node' ? { kind: 'node', value: indexSelect(f.value, 0, perm) } : f.kind === 'edge' ? { kind: 'edge', value: indexSelect(f.value, 0, edgePerm) } : f;
  }
  const graph = new GraphsTuple({
    nodes: nodes !== undefined ? nodes : g.nodes ? indexSelect(g.nodes, 0, perm) : null,
    edges: g.edges ? indexSelect(g.edges, 0, edgePerm) : null,
    globals: g.globals,
    senders: Int32Array.from(edgePerm, (e) => newId[g.senders[e]!]!),
    receivers: Int32Array.from(edgePerm, (e) => newId[g.receivers[e]!]!),
    nNode, nEdge, extras, numNodes: perm.length,
  });
  return { graph, perm, edgePerm };
}

/** How node rows of one cluster are combined. */
export type ClusterReduce = 'max' | 'mean' | 'sum';

function reduceRows(x: Tensor, ids: Int32Array, n: number, how: ClusterReduce): Tensor {
  if (how === 'max') return segmentMax(x, ids, n);
  if (how === 'mean') return segmentMean(x, ids, n);
  return segmentSum(x, ids, n);
}

/** Options of {@link poolClusters}. */
export interface PoolClustersOptions {
  /** Node features of a cluster (default `'max'`, PyG's `max_pool`); node tensor extras are always averaged. */
  reduce?: ClusterReduce;
}

/**
 * The quotient graph of a clustering (PyG's `pool_edge` + `max_pool`/`avg_pool`): cluster c of
 * graph b becomes one node; edge s → r becomes cluster(s) → cluster(r), loops inside a cluster are
 * dropped and parallel edges merged (their features summed); within each graph the new edges are
 * sorted by (sender, receiver). Nodes are reduced by `reduce`, node tensor extras (e.g. positions)
 * averaged, edge tensor extras summed; index extras are dropped.
 * @param cluster global cluster id of each node [N]; the clusters of graph b are the contiguous
 *   range given by `nCluster` (ids of earlier graphs come first)
 * @param nCluster clusters per graph [G]
 */
export function poolClusters(g: GraphsTuple, cluster: Int32Array, nCluster: Int32Array, opts: PoolClustersOptions = {}): GraphsTuple {
  if (cluster.length !== g.numNodes) throw new ShapeError(`poolClusters: cluster has ${cluster.length} entries for ${g.numNodes} nodes`);
  if (nCluster.length !== g.numGraphs) throw new ShapeError(`poolClusters: nCluster has ${nCluster.length} entries for ${g.numGraphs} graphs`);
  const K = nCluster.reduce((a, b) => a + b, 0);
  const cOff = new Int32Array(g.numGraphs + 1);
  for (let b = 0; b < g.numGraphs; b++) cOff[b + 1] = cOff[b]! + nCluster[b]!;
  const ng = g.nodeGraph;
  cluster.forEach((c, i) => {
    const b = ng[i]!;
    if (c < cOff[b]! || c >= cOff[b + 1]!) throw new IndexError(`poolClusters: cluster[${i}] = ${c} lies outside the clusters ${cOff[b]}..${cOff[b + 1]! - 1} of graph ${b}`);
  });
  // coarse edges, keyed per graph, sorted by (sender, receiver)
  const eg = g.edgeGraph;
  const keys = new Map<number, number>(); // s*K + r → new edge id (assigned after sorting)
  const pairs: [number, number, number][] = []; // [graph, s, r]
  const edgeOf = new Int32Array(g.numEdges).fill(-1);
  for (let e = 0; e < g.numEdges; e++) {
    const s = cluster[g.senders[e]!]!, r = cluster[g.receivers[e]!]!;
    if (s === r) continue;
    const key = s * K + r;
    if (!keys.has(key)) {
      keys.set(key, pairs.length);
      pairs.push([eg[e]!, s, r]);
    }
  }
  const order = pairs.map((_, i) => i).sort((a, b) => pairs[a]![0] - pairs[b]![0] || pairs[a]![1] - pairs[b]![1] || pairs[a]![2] - pairs[b]![2]);
  const rankOf = new Int32Array(pairs.length);
  order.forEach((p, i) => (rankOf[p] = i));
  for (let e = 0; e < g.numEdges; e++) {
    const s = cluster[g.senders[e]!]!, r = cluster[g.receivers[e]!]!;
    if (s !== r) edgeOf[e] = rankOf[keys.get(s * K + r)!]!;
  }
  const kept = Int32Array.from({ length: g.numEdges }, (_, e) => e).filter((e) => edgeOf[e]! >= 0);
  const keptIds = Int32Array.from(kept, (e) => edgeOf[e]!);
  const nEdge = new Int32Array(g.numGraphs);
  for (const p of pairs) nEdge[p[0]]!++;
  const M = pairs.length;
  const sumEdges = (t: Tensor): Tensor => segmentSum(indexSelect(t, 0, kept), keptIds, M);
  const extras: Record<string, ExtraField> = {};
  for (const [k, f] of Object.entries(g.extras)) {
    if (isIndexField(f)) continue;
    extras[k] = f.kind === 'node' ? { kind: 'node', value: segmentMean(f.value, cluster, K) } : f.kind === 'edge' ? { kind: 'edge', value: sumEdges(f.value) } : f;
  }
  return new GraphsTuple({
    nodes: g.nodes ? reduceRows(g.nodes, cluster, K, opts.reduce ?? 'max') : null,
    edges: g.edges ? sumEdges(g.edges) : null,
    globals: g.globals,
    senders: Int32Array.from(order, (p) => pairs[p]![1]),
    receivers: Int32Array.from(order, (p) => pairs[p]![2]),
    nNode: nCluster, nEdge, extras, numNodes: K,
  });
}
