/**
 * graphology adapter: {@link fromGraphology} turns a graphology graph into a {@link GraphsTuple}
 * (undirected edges become two directed edges), {@link toGraphology} goes back.
 * @module
 */
import { DirectedGraph, UndirectedGraph } from 'graphology';
import type { AbstractGraph, Attributes } from 'graphology-types';
import { tensor } from '../tensor/index.js';
import type { Tensor } from '../tensor/index.js';
import type { FloatDType } from '../nn/index.js';
import { ShapeError, ValueError } from '../util/errors.js';
import { GraphsTuple } from './graphs-tuple.js';

/** Reads features from attributes: an attribute name (holding a number or number[]) or a function. */
export type NodeFeatureSpec = string | ((attrs: Attributes, key: string) => number | readonly number[]);

/** Reads edge features: an attribute name or a function of the attributes, key and endpoints. */
export type EdgeFeatureSpec = string | ((attrs: Attributes, key: string, source: string, target: string) => number | readonly number[]);

/** Options of {@link fromGraphology}. */
export interface FromGraphologyOptions {
  /** Node features → `nodes` [N, F] (default: no node features). */
  nodeFeatures?: NodeFeatureSpec;
  /** Edge features → `edges` [E, Fe] (a reversed copy of an undirected edge gets the same row). */
  edgeFeatures?: EdgeFeatureSpec;
  /**
   * `undefined` (default): follow each edge's own type (undirected → both ways); `false`: every
   * edge both ways; `true`: every edge source→target only.
   */
  directed?: boolean;
  /** Element type of the features (default float32). */
  dtype?: FloatDType;
}

/** Result of {@link fromGraphology}. */
export interface FromGraphologyResult {
  /** A single-graph tuple. */
  graph: GraphsTuple;
  /** Node i's graphology key (graphology's iteration order). */
  nodeKeys: string[];
  /** The graphology key each directed edge came from. */
  edgeKeys: string[];
}

function featureRow(what: string, v: unknown): number[] {
  if (typeof v === 'number') return [v];
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return Array.from(v as ArrayLike<number>, Number);
  throw new ValueError(`fromGraphology: ${what} is ${v === undefined ? 'missing' : typeof v}, expected a number or number[]`);
}

function toTensor(what: string, rowsIn: number[][], dtype: FloatDType): Tensor {
  const width = rowsIn[0]?.length ?? 0;
  rowsIn.forEach((r, i) => {
    if (r.length !== width) throw new ShapeError(`fromGraphology: ${what} row ${i} has ${r.length} values, row 0 has ${width}`);
  });
  return tensor(Float64Array.from(rowsIn.flat()), { shape: [rowsIn.length, width], dtype });
}

/**
 * Convert a graphology graph to a one-graph {@link GraphsTuple}. Nodes are numbered in
 * graphology's order; an undirected edge {u, v} becomes u→v then v→u (a self-loop stays one edge).
 *
 * @example
 * ```ts
 * const { graph, nodeKeys } = fromGraphology(karateClub(UndirectedGraph), {
 *   nodeFeatures: (a) => [a.club === 'Mr. Hi' ? 1 : 0],
 * });
 * graph.numEdges; // 156
 * ```
 */
export function fromGraphology(g: AbstractGraph, opts: FromGraphologyOptions = {}): FromGraphologyResult {
  const dtype = opts.dtype ?? 'float32';
  const nodeKeys = g.nodes();
  const index = new Map<string, number>();
  nodeKeys.forEach((k, i) => index.set(k, i));
  const senders: number[] = [];
  const receivers: number[] = [];
  const edgeKeys: string[] = [];
  const edgeRows: number[][] = [];
  const ef = opts.edgeFeatures;
  g.forEachEdge((key, attrs, source, target, _sa, _ta, undirected) => {
    const both = opts.directed === undefined ? undirected : !opts.directed;
    const row = ef === undefined ? null : featureRow(`edge '${key}' features`, typeof ef === 'string' ? attrs[ef] : ef(attrs, key, source, target));
    const s = index.get(source)!, t = index.get(target)!;
    const pairs: [number, number][] = both && s !== t ? [[s, t], [t, s]] : [[s, t]];
    for (const [a, b] of pairs) {
      senders.push(a);
      receivers.push(b);
      edgeKeys.push(key);
      if (row) edgeRows.push(row);
    }
  });
  const nf = opts.nodeFeatures;
  const nodes = nf === undefined
    ? null
    : toTensor('node features', nodeKeys.map((k) => featureRow(`node '${k}' features`, typeof nf === 'string' ? g.getNodeAttribute(k, nf) : nf(g.getNodeAttributes(k), k))), dtype);
  const edges = ef === undefined ? null : toTensor('edge features', edgeRows, dtype);
  const graph = new GraphsTuple({ nodes, edges, senders, receivers, numNodes: nodes ? undefined : nodeKeys.length });
  return { graph, nodeKeys, edgeKeys };
}

/** Options of {@link toGraphology}. */
export interface ToGraphologyOptions {
  /** Node keys (default `'0'`, `'1'`, …). */
  nodeKeys?: readonly string[];
  /** Merge each pair u→v, v→u into one undirected edge (ValueError if the edges are not symmetric). */
  undirected?: boolean;
  /** Attribute receiving node feature rows (default `'features'`). */
  nodeAttribute?: string;
  /** Attribute receiving edge feature rows (default `'features'`). */
  edgeAttribute?: string;
}

function rowsOf(t: Tensor | null): number[][] | null {
  if (!t) return null;
  const w = t.size / Math.max(t.shape[0]!, 1);
  const d = t.data;
  return Array.from({ length: t.shape[0]! }, (_, i) => Array.from(d.subarray(i * w, i * w + w)));
}

/**
 * Convert a {@link GraphsTuple} (all of its graphs, as one disjoint union) to a graphology
 * `DirectedGraph`, or an `UndirectedGraph` with `undirected: true`. Node attributes get
 * `{ graph: b }` and the feature row; edges get their feature row.
 */
export function toGraphology(graph: GraphsTuple, opts: ToGraphologyOptions = {}): AbstractGraph {
  const keys = opts.nodeKeys ?? Array.from({ length: graph.numNodes }, (_, i) => String(i));
  if (keys.length !== graph.numNodes) throw new ShapeError(`toGraphology: ${keys.length} node keys for ${graph.numNodes} nodes`);
  const na = opts.nodeAttribute ?? 'features';
  const ea = opts.edgeAttribute ?? 'features';
  const out: AbstractGraph = opts.undirected ? new UndirectedGraph() : new DirectedGraph();
  const nodeRows = rowsOf(graph.nodes);
  const edgeRows = rowsOf(graph.edges);
  const ng = graph.nodeGraph;
  keys.forEach((k, i) => out.addNode(k, nodeRows ? { graph: ng[i], [na]: nodeRows[i] } : { graph: ng[i] }));
  const pending = new Map<string, number>();
  for (let e = 0; e < graph.numEdges; e++) {
    const s = graph.senders[e]!, r = graph.receivers[e]!;
    const attrs = edgeRows ? { [ea]: edgeRows[e] } : {};
    if (!opts.undirected) {
      out.addEdge(keys[s]!, keys[r]!, attrs);
      continue;
    }
    if (s === r) {
      out.addEdge(keys[s]!, keys[r]!, attrs);
      continue;
    }
    const back = `${r},${s}`;
    const c = pending.get(back) ?? 0;
    if (c > 0) {
      pending.set(back, c - 1);
      continue;
    }
    const fwd = `${s},${r}`;
    pending.set(fwd, (pending.get(fwd) ?? 0) + 1);
    out.addEdge(keys[s]!, keys[r]!, attrs);
  }
  for (const [k, c] of pending) if (c > 0) throw new ValueError(`toGraphology: edge ${k} has no reverse edge; cannot build an undirected graph`);
  return out;
}
