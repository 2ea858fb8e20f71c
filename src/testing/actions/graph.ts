/**
 * Harness actions on graphs: the node/edge permutations and E(n) moves of src/graph/action.ts,
 * driven by the permutation (and matrix, translation) parts of a sampled element. Node and edge
 * permutations are drawn from independent streams of the element's seed, so the input and output
 * actions of one check see the same permutation. Node/edge features may in addition carry a rep
 * of a group (E(n)-equivariant graph networks). See docs/design/harness.md.
 * @module
 */
import { checkGraphData, moveGeometricGraph, permuteGraph, permuteRows, transformPoints } from '../../graph/index.js';
import type { GeometricGraph, GraphData } from '../../graph/index.js';
import type { Rep } from '../../rep/index.js';
import { Tensor, randn } from '../../tensor/index.js';
import type { Rng } from '../../util/index.js';
import { ShapeError, ValueError, fmtShape } from '../../util/index.js';
import type { Element } from '../element.js';
import { elementMatrix, elementPermutation, elementTranslation } from '../element.js';
import type { Action, Field, SampleOptions } from './types.js';
import { castTensor, expectFloatTensor, expectWidth, f64 } from './types.js';
import { repAction, splitRepFields } from './vector.js';
import type { PointField } from './vector.js';

export type { GraphData, GeometricGraph };

/** Stream ids of the node and edge permutations drawn from an element. */
const NODE_STREAM = 2, EDGE_STREAM = 3;

/** Options of {@link graphAction}. */
export interface GraphActionOptions {
  /** Rep of the node features (default: permutation only). */
  nodeRep?: Rep;
  /** Rep of the edge features (default: permutation only). */
  edgeRep?: Rep;
  /** Nodes of a sampled graph (default 6). */
  nodes?: number;
  /** Node feature width (default 3 for sampled graphs; when given, inputs must have it). */
  features?: number;
  /** Edge feature width (default 2 for sampled graphs, 0 for none; when positive, inputs must have it). */
  edgeFeatures?: number;
}

function randomEdges(rng: Rng, n: number): [number[], number[]] {
  const s: number[] = [], r: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) if (i !== j && rng.uniform() < 0.4) { s.push(i); r.push(j); }
  }
  return [s, r];
}

function permuteByElement<G extends GraphData>(e: Element, x: G): G {
  return permuteGraph(x, elementPermutation(e, x.nodes.shape[0]!, NODE_STREAM), elementPermutation(e, x.senders.length, EDGE_STREAM));
}

/**
 * The permutation (and optional group) action on a {@link GraphData}: nodes' = ρ(g)·nodes[π],
 * senders'/receivers' = π⁻¹ of the endpoints of the reordered edges, edges' = ρ_e(g)·edges[σ].
 */
export function graphAction(opts: GraphActionOptions = {}): Action<GraphData> {
  const name = `graph permutation${opts.nodeRep ? ` × ${opts.nodeRep.group.key}` : ''}`;
  const nodeFeatures = opts.nodeRep?.size ?? opts.features, edgeFeatures = opts.edgeRep?.size ?? opts.edgeFeatures;
  return {
    name,
    uses: { permute: true },
    ...(opts.nodeRep ? { groupDim: opts.nodeRep.group.d } : {}),
    check: (x, where) => checkGraphData(x, `${where} (${name})`, {
      ...(nodeFeatures !== undefined ? { nodeFeatures } : {}), ...(edgeFeatures !== undefined ? { edgeFeatures } : {}),
    }),
    act(e: Element, x: GraphData): GraphData {
      const out = permuteByElement(e, x);
      if (opts.nodeRep) out.nodes = repAction(opts.nodeRep).act(e, out.nodes);
      if (out.edges && opts.edgeRep) out.edges = repAction(opts.edgeRep).act(e, out.edges);
      return out;
    },
    fields(x): Field[] {
      const f: Field[] = opts.nodeRep ? splitRepFields(opts.nodeRep, f64(x.nodes), 'nodes') : [{ name: 'nodes', values: f64(x.nodes) }];
      if (x.edges) f.push(...(opts.edgeRep ? splitRepFields(opts.edgeRep, f64(x.edges), 'edges') : [{ name: 'edges', values: f64(x.edges) }]));
      return f;
    },
    sample(rng, o) {
      const n = opts.nodes ?? 6;
      const [s, r] = randomEdges(rng, n);
      const g: GraphData = {
        nodes: randn(rng, [n, nodeFeatures ?? 3], { dtype: o.dtype }),
        senders: Int32Array.from(s), receivers: Int32Array.from(r),
      };
      const fe = edgeFeatures ?? 2;
      if (fe > 0) g.edges = randn(rng, [s.length, fe], { dtype: o.dtype });
      return g;
    },
    cast: (x, dt) => ({ ...x, nodes: castTensor(x.nodes, dt), ...(x.edges ? { edges: castTensor(x.edges, dt) } : {}) }),
    degeneracies: (x) => (x.senders.length === 0 ? ['the graph has no edges: message passing is not exercised'] : []),
  };
}

function perRowAction(kind: 'node' | 'edge', stream: number, rep?: Rep): Action<Tensor> {
  const name = `${kind} features${rep ? ` ρ = ${rep.toString()}` : ''}`, prefix = `${kind}s`;
  return {
    name,
    uses: { permute: true },
    ...(rep ? { groupDim: rep.group.d } : {}),
    check(x, where) {
      const t = expectFloatTensor(x, where, name);
      if (t.ndim < 1) throw new ShapeError(`${where} (${name}): expected one row per ${kind}, got ${fmtShape(t.shape)}`);
      if (rep) expectWidth(t, rep.size, where, `${name}, width ${rep.size}`);
    },
    act(e, x) {
      const y = permuteRows(x, elementPermutation(e, x.shape[0]!, stream), name);
      return rep ? repAction(rep).act(e, y) : y;
    },
    fields: (x) => (rep ? splitRepFields(rep, f64(x), prefix) : [{ name: prefix, values: f64(x) }]),
    ...(kind === 'node' ? { sample: (rng: Rng, o: SampleOptions) => randn(rng, [6, rep?.size ?? 3], { dtype: o.dtype }) } : {}),
    cast: castTensor,
  };
}

/**
 * Per-node outputs [N, ...] permuted like the input graph's nodes (and transformed by ρ(g) when a
 * rep is given). Pair it with {@link graphAction} on the input.
 */
export function nodeAction(rep?: Rep): Action<Tensor> {
  return perRowAction('node', NODE_STREAM, rep);
}

/** Per-edge outputs [E, ...] reordered like the input graph's edges (ρ(g) applied when a rep is given). */
export function edgeAction(rep?: Rep): Action<Tensor> {
  return perRowAction('edge', EDGE_STREAM, rep);
}

/** Per-element permutation of a set [N, ...] (DeepSets, point features): rows permuted like graph nodes. */
export const setAction = nodeAction;

/** Options of {@link geometricGraphAction}. */
export interface GeometricGraphActionOptions {
  /** Width of the invariant node features (default 2). */
  features?: number;
  /** Width of the invariant edge features (default 0: none). */
  edgeFeatures?: number;
  /** Sample velocities too (default false). */
  velocity?: boolean;
  /** Nodes of a sampled graph (default 6). */
  nodes?: number;
}

/**
 * E(n) × permutations on a {@link GeometricGraph}: nodes, edges and positions permuted, positions
 * x ↦ R x + t, velocities v ↦ R v, node and edge features invariant (EGNN's inputs).
 */
export function geometricGraphAction(d: number, opts: GeometricGraphActionOptions = {}): Action<GeometricGraph> {
  const name = `E(${d}) × permutation geometric graph`;
  return {
    name,
    uses: { permute: true, translate: true },
    groupDim: d,
    check(x, where) {
      checkGraphData(x, `${where} (${name})`, { ...(opts.features !== undefined ? { nodeFeatures: opts.features } : {}), ...(opts.edgeFeatures ? { edgeFeatures: opts.edgeFeatures } : {}) });
      if (!(x.positions instanceof Tensor)) throw new ValueError(`${where} (${name}): positions [N, ${d}] are missing`);
      expectWidth(x.positions, d, `${where} positions`, name);
      if (x.velocities) expectWidth(x.velocities, d, `${where} velocities`, name);
      else if (opts.velocity) throw new ValueError(`${where} (${name}): the layer reads velocities [N, ${d}] but the graph has none`);
    },
    act: (e, x) => moveGeometricGraph(permuteByElement(e, x), elementMatrix(e, d), elementTranslation(e, d)),
    fields(x) {
      const f: Field[] = [{ name: 'nodes', values: f64(x.nodes) }, { name: 'positions', values: f64(x.positions) }];
      if (x.velocities) f.push({ name: 'velocities', values: f64(x.velocities) });
      if (x.edges) f.push({ name: 'edges', values: f64(x.edges) });
      return f;
    },
    sample(rng, o) {
      const n = opts.nodes ?? 6;
      const [s, r] = randomEdges(rng, n);
      const g: GeometricGraph = {
        nodes: randn(rng, [n, opts.features ?? 2], { dtype: o.dtype }), senders: Int32Array.from(s), receivers: Int32Array.from(r),
        positions: randn(rng, [n, d], { dtype: o.dtype }),
      };
      if (opts.velocity) g.velocities = randn(rng, [n, d], { dtype: o.dtype });
      if (opts.edgeFeatures) g.edges = randn(rng, [s.length, opts.edgeFeatures], { dtype: o.dtype });
      return g;
    },
    cast: (x, dt) => {
      const y: GeometricGraph = { ...x, nodes: castTensor(x.nodes, dt), positions: castTensor(x.positions, dt) };
      if (x.edges) y.edges = castTensor(x.edges, dt);
      if (x.velocities) y.velocities = castTensor(x.velocities, dt);
      return y;
    },
    degeneracies: (x) => (x.senders.length === 0 ? ['the graph has no edges: message passing is not exercised'] : []),
  };
}

/**
 * Per-node records {name: [N, ·]} of a geometric graph layer's outputs (EGNN's `{ h, x, v }`):
 * rows permuted like the input's nodes, then positions as R x + t, rep fields as ρ(R) v,
 * invariant fields unchanged.
 */
export function nodeCloudAction(d: number, layout: Record<string, PointField>): Action<Record<string, Tensor>> {
  const names = Object.keys(layout);
  const name = `E(${d}) × permutation node outputs {${names.join(', ')}}`;
  return {
    name,
    uses: { permute: true, translate: true },
    groupDim: d,
    check(x, where) {
      if (!x || typeof x !== 'object' || x instanceof Tensor) throw new ValueError(`${where} (${name}): expected a record {${names.join(', ')}}, got ${typeof x}`);
      const keys = Object.keys(x);
      if (keys.length !== names.length || names.some((k) => !(k in x))) throw new ValueError(`${where} (${name}): expected fields {${names.join(', ')}}, got {${keys.join(', ')}}`);
      for (const k of names) {
        const f = layout[k]!, t = expectFloatTensor(x[k], `${where} field "${k}"`, name);
        if (f === 'positions') expectWidth(t, d, `${where} field "${k}"`, name);
        else if (f !== 'invariant') expectWidth(t, f.size, `${where} field "${k}"`, name);
      }
    },
    act(e, x) {
      const out: Record<string, Tensor> = {};
      for (const k of names) {
        const f = layout[k]!, t = permuteRows(x[k]!, elementPermutation(e, x[k]!.shape[0]!, NODE_STREAM), name);
        out[k] = f === 'invariant' ? t : f === 'positions' ? transformPoints(t, elementMatrix(e, d), elementTranslation(e, d)) : repAction(f).act(e, t);
      }
      return out;
    },
    fields: (x) => names.flatMap((k) => {
      const f = layout[k]!;
      return f !== 'positions' && f !== 'invariant' ? splitRepFields(f, f64(x[k]!), k) : [{ name: k, values: f64(x[k]!) }];
    }),
    cast: (x, dt) => Object.fromEntries(Object.entries(x).map(([k, t]) => [k, castTensor(t, dt)])),
  };
}
