/**
 * Graph actions: a node permutation π (new node i is old node π[i]) acting consistently on node
 * features, the edge index (senders/receivers) and edge features; edges are also reordered by an
 * independent permutation (edge order must not matter either). Node/edge features may in
 * addition carry a rep of a group (E(n)-equivariant graph networks).
 * @module
 */
import type { Rep } from '../../rep/index.js';
import { Tensor, randn } from '../../tensor/index.js';
import { ValueError } from '../../util/index.js';
import type { Element } from '../element.js';
import { elementPermutation } from '../element.js';
import type { Action, Field } from './types.js';
import { castTensor, f64, tensorOf } from './types.js';
import { repAction, splitRepFields } from './vector.js';

/**
 * A plain graph: node features [N, F], edges q → p as `senders[k] = q`, `receivers[k] = p`
 * (Int32Array of length E) and optional edge features [E, Fe]. (The graph module's GraphsTuple
 * converts to and from this.)
 */
export interface GraphData {
  nodes: Tensor;
  senders: Int32Array;
  receivers: Int32Array;
  edges?: Tensor;
}

/** Stream ids of the node and edge permutations drawn from an element. */
const NODE_STREAM = 2, EDGE_STREAM = 3;

/** Rows of a [rows, w] array taken in the order `perm` (row i of the result is row perm[i]). */
function permuteRows(x: Float64Array, perm: Int32Array, w: number): Float64Array {
  const y = new Float64Array(x.length);
  for (let i = 0; i < perm.length; i++) for (let j = 0; j < w; j++) y[i * w + j] = x[perm[i]! * w + j]!;
  return y;
}

function permuteTensor(t: Tensor, perm: Int32Array): Tensor {
  if (t.shape[0] !== perm.length) throw new ValueError(`graph action: tensor [${t.shape.join(',')}] should have ${perm.length} rows`);
  return tensorOf(permuteRows(f64(t), perm, t.size / Math.max(1, perm.length)), t.shape, t.dtype);
}

function inverse(perm: Int32Array): Int32Array {
  const inv = new Int32Array(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

/** Options of {@link graphAction}. */
export interface GraphActionOptions {
  /** Rep of the node features (default: permutation only). */
  nodeRep?: Rep;
  /** Rep of the edge features (default: permutation only). */
  edgeRep?: Rep;
  /** Nodes of a sampled graph (default 6). */
  nodes?: number;
  /** Node feature width of a sampled graph without nodeRep (default 3). */
  features?: number;
  /** Edge feature width of a sampled graph without edgeRep (default 2; 0 for none). */
  edgeFeatures?: number;
}

/**
 * The permutation (and optional group) action on a {@link GraphData}: nodes' = ρ(g)·nodes[π],
 * senders'/receivers' = π⁻¹ of the endpoints of the reordered edges, edges' = ρ_e(g)·edges[σ].
 */
export function graphAction(opts: GraphActionOptions = {}): Action<GraphData> {
  return {
    name: `graph permutation${opts.nodeRep ? ` × ${opts.nodeRep.group.key}` : ''}`,
    uses: { permute: true },
    act(e: Element, x: GraphData): GraphData {
      const n = x.nodes.shape[0]!, m = x.senders.length;
      const perm = elementPermutation(e, n, NODE_STREAM), inv = inverse(perm);
      const eperm = elementPermutation(e, m, EDGE_STREAM);
      let nodes = permuteTensor(x.nodes, perm);
      if (opts.nodeRep) nodes = repAction(opts.nodeRep).act(e, nodes);
      const senders = new Int32Array(m), receivers = new Int32Array(m);
      for (let k = 0; k < m; k++) {
        senders[k] = inv[x.senders[eperm[k]!]!]!;
        receivers[k] = inv[x.receivers[eperm[k]!]!]!;
      }
      const out: GraphData = { nodes, senders, receivers };
      if (x.edges) {
        let edges = permuteTensor(x.edges, eperm);
        if (opts.edgeRep) edges = repAction(opts.edgeRep).act(e, edges);
        out.edges = edges;
      }
      return out;
    },
    fields(x): Field[] {
      const f: Field[] = opts.nodeRep ? splitRepFields(opts.nodeRep, f64(x.nodes), 'nodes') : [{ name: 'nodes', values: f64(x.nodes) }];
      if (x.edges) f.push(...(opts.edgeRep ? splitRepFields(opts.edgeRep, f64(x.edges), 'edges') : [{ name: 'edges', values: f64(x.edges) }]));
      return f;
    },
    sample(rng, o) {
      const n = opts.nodes ?? 6;
      const s: number[] = [], r: number[] = [];
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) if (i !== j && rng.uniform() < 0.4) { s.push(i); r.push(j); }
      }
      const g: GraphData = {
        nodes: randn(rng, [n, opts.nodeRep?.size ?? opts.features ?? 3], { dtype: o.dtype }),
        senders: Int32Array.from(s), receivers: Int32Array.from(r),
      };
      const fe = opts.edgeRep?.size ?? opts.edgeFeatures ?? 2;
      if (fe > 0) g.edges = randn(rng, [s.length, fe], { dtype: o.dtype });
      return g;
    },
    cast: (x, dt) => ({ ...x, nodes: castTensor(x.nodes, dt), ...(x.edges ? { edges: castTensor(x.edges, dt) } : {}) }),
    degeneracies: (x) => (x.senders.length === 0 ? ['the graph has no edges: message passing is not exercised'] : []),
  };
}

/**
 * Per-node outputs [N, ...] permuted like the input graph's nodes (and transformed by ρ(g) when a
 * rep is given). Pair it with {@link graphAction} on the input.
 */
export function nodeAction(rep?: Rep): Action<Tensor> {
  return {
    name: `node features${rep ? ` ρ = ${rep.toString()}` : ''}`,
    uses: { permute: true },
    act(e, x) {
      const y = permuteTensor(x, elementPermutation(e, x.shape[0]!, NODE_STREAM));
      return rep ? repAction(rep).act(e, y) : y;
    },
    fields: (x) => (rep ? splitRepFields(rep, f64(x), 'nodes') : [{ name: 'nodes', values: f64(x) }]),
    sample: (rng, o) => randn(rng, [6, rep?.size ?? 3], { dtype: o.dtype }),
    cast: castTensor,
  };
}

/** Per-edge outputs [E, ...] reordered like the input graph's edges (ρ(g) applied when a rep is given). */
export function edgeAction(rep?: Rep): Action<Tensor> {
  return {
    name: `edge features${rep ? ` ρ = ${rep.toString()}` : ''}`,
    uses: { permute: true },
    act(e, x) {
      const y = permuteTensor(x, elementPermutation(e, x.shape[0]!, EDGE_STREAM));
      return rep ? repAction(rep).act(e, y) : y;
    },
    fields: (x) => (rep ? splitRepFields(rep, f64(x), 'edges') : [{ name: 'edges', values: f64(x) }]),
    cast: castTensor,
  };
}

/** Per-element permutation of a set [N, ...] (DeepSets, point features): rows permuted like graph nodes. */
export const setAction = nodeAction;
