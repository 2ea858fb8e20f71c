/**
 * Graph transforms on a {@link GraphsTuple}, each applied per graph within a batch: self-loops,
 * degrees and GCN normalisation.
 * @module
 */
import { Tensor, full, indexSelect, mul, ones, powScalar, segmentSum, where, gt } from '../tensor/index.js';
import type { FloatDType } from '../nn/index.js';
import { ShapeError, fmtShape } from '../util/errors.js';
import { GraphsTuple, isIndexField } from './graphs-tuple.js';
import type { ExtraField } from './graphs-tuple.js';

/** A new edge list: per new edge the old edge it copies (−1: a new edge) and its endpoints. */
interface EdgePlan {
  source: Int32Array;
  senders: Int32Array;
  receivers: Int32Array;
  nEdge: Int32Array;
}

function rebuildRows(t: Tensor, source: Int32Array, fill: number): Tensor {
  const rest = t.shape.slice(1);
  const n = source.length;
  if (t.shape[0] === 0) return full([n, ...rest], fill, { dtype: t.dtype });
  const idx = Int32Array.from(source, (s) => Math.max(s, 0));
  const gathered = indexSelect(t, 0, idx);
  if (!source.some((s) => s < 0)) return gathered;
  const mask = new Tensor(Float64Array.from(source, (s) => (s >= 0 ? 1 : 0)), [n, ...rest.map(() => 1)], 'float64');
  return where(mask, gathered, fill);
}

/** Apply an edge plan: copy/fill edge rows, renumber edge-index extras. */
function applyPlan(g: GraphsTuple, plan: EdgePlan, fill: number): GraphsTuple {
  const oldToNew = new Int32Array(g.numEdges).fill(-1);
  plan.source.forEach((s, e) => {
    if (s >= 0) oldToNew[s] = e;
  });
  const extras: Record<string, ExtraField> = {};
  for (const [name, f] of Object.entries(g.extras)) {
    if (!isIndexField(f)) {
      extras[name] = f.kind === 'edge' ? { kind: 'edge', value: rebuildRows(f.value, plan.source, fill) } : f;
      continue;
    }
    let value = f.value;
    const w = f.width ?? 1;
    if (f.rows === 'edge') {
      value = new Int32Array(plan.source.length * w).fill(-1);
      plan.source.forEach((s, e) => {
        if (s >= 0) value.set(f.value.subarray(s * w, s * w + w), e * w);
      });
    }
    if (f.kind === 'edge-index') value = value.map((v) => (v >= 0 ? oldToNew[v]! : v));
    extras[name] = { ...f, value };
  }
  return g.with({
    senders: plan.senders,
    receivers: plan.receivers,
    nEdge: plan.nEdge,
    edges: g.edges ? rebuildRows(g.edges, plan.source, fill) : null,
    extras,
  });
}

/** Options of {@link addSelfLoops}. */
export interface AddSelfLoopsOptions {
  /** Value of the new rows of `edges` and of `'edge'` tensor extras (default 1, as PyG). */
  fillValue?: number;
  /** Only add a loop to nodes that have none (PyG's add_remaining_self_loops; default false). */
  remaining?: boolean;
}

/**
 * Add a self-loop i→i to every node (Â = A + I), appended after the edges of each node's own graph
 * so edges stay grouped by graph. New edge-feature rows are `fillValue`; `'edge'`-row index extras
 * get −1; `'edge-index'` extras are renumbered.
 */
export function addSelfLoops(g: GraphsTuple, opts: AddSelfLoopsOptions = {}): GraphsTuple {
  const has = new Uint8Array(g.numNodes);
  if (opts.remaining) for (let e = 0; e < g.numEdges; e++) if (g.senders[e] === g.receivers[e]) has[g.senders[e]!] = 1;
  const no = g.nodeOffsets;
  const eo = g.edgeOffsets;
  const source: number[] = [];
  const senders: number[] = [];
  const receivers: number[] = [];
  const nEdge = new Int32Array(g.numGraphs);
  for (let b = 0; b < g.numGraphs; b++) {
    for (let e = eo[b]!; e < eo[b + 1]!; e++) {
      source.push(e);
      senders.push(g.senders[e]!);
      receivers.push(g.receivers[e]!);
    }
    let added = 0;
    for (let i = no[b]!; i < no[b + 1]!; i++) {
      if (has[i]) continue;
      source.push(-1);
      senders.push(i);
      receivers.push(i);
      added++;
    }
    nEdge[b] = g.nEdge[b]! + added;
  }
  const plan = { source: Int32Array.from(source), senders: Int32Array.from(senders), receivers: Int32Array.from(receivers), nEdge };
  return applyPlan(g, plan, opts.fillValue ?? 1);
}

/** Remove every edge i→i (with its feature rows; `'edge-index'` extras pointing at one become −1). */
export function removeSelfLoops(g: GraphsTuple): GraphsTuple {
  const source: number[] = [];
  const nEdge = new Int32Array(g.numGraphs);
  const eg = g.edgeGraph;
  for (let e = 0; e < g.numEdges; e++) {
    if (g.senders[e] === g.receivers[e]) continue;
    source.push(e);
    nEdge[eg[e]!]!++;
  }
  const src = Int32Array.from(source);
  return applyPlan(g, { source: src, senders: src.map((e) => g.senders[e]!), receivers: src.map((e) => g.receivers[e]!), nEdge }, 0);
}

/** Number of edges entering each node [N] (self-loops count once). */
export function inDegree(g: GraphsTuple): Int32Array {
  const d = new Int32Array(g.numNodes);
  for (const r of g.receivers) d[r]!++;
  return d;
}

/** Number of edges leaving each node [N]. */
export function outDegree(g: GraphsTuple): Int32Array {
  const d = new Int32Array(g.numNodes);
  for (const s of g.senders) d[s]!++;
  return d;
}

/** Options of {@link gcnNorm}. */
export interface GcnNormOptions {
  /** Edge weights [E] of the input graph (default 1); differentiable. */
  edgeWeight?: Tensor | null;
  /** Add self-loops of weight 1 to nodes without one (default true). */
  addSelfLoops?: boolean;
  /** Element type of the weights when `edgeWeight` is absent (default float32). */
  dtype?: FloatDType;
}

/**
 * GCN normalisation (Kipf & Welling 2017, "Semi-Supervised Classification with Graph Convolutional
 * Networks", {@link https://arxiv.org/abs/1609.02907 | arXiv:1609.02907}): the edge weights of
 * D̂^{−1/2} Â D̂^{−1/2} with Â = A + I (remaining self-loops) and d̂_i = Σ_{e: r(e)=i} w_e, i.e.
 * w'_e = d̂_{s(e)}^{−1/2} · w_e · d̂_{r(e)}^{−1/2} (0 where d̂ = 0).
 *
 * @returns the graph with the loops added and the weights w' [E']
 * @example
 * ```ts
 * const { graph, weight } = gcnNorm(g);
 * layer.propagate(graph, { x }, { edgeInputs: { weight } }); // message: ctx.xSender('x') · weight
 * ```
 */
export function gcnNorm(g: GraphsTuple, opts: GcnNormOptions = {}): { graph: GraphsTuple; weight: Tensor } {
  const w0 = opts.edgeWeight ?? null;
  if (w0 && (w0.ndim !== 1 || w0.shape[0] !== g.numEdges)) throw new ShapeError(`gcnNorm: edgeWeight ${fmtShape(w0.shape)} must be [${g.numEdges}]`);
  const dtype = w0 ? w0.dtype : (opts.dtype ?? 'float32');
  const base = g.with({ edges: w0 ? w0.reshape([g.numEdges, 1]) : ones([g.numEdges, 1], { dtype }) });
  const looped = opts.addSelfLoops === false ? base : addSelfLoops(base, { remaining: true, fillValue: 1 });
  const w = looped.edges!.reshape([looped.numEdges]);
  const deg = segmentSum(w, looped.receivers, looped.numNodes);
  const pos = gt(deg, 0);
  const dinv = where(pos, powScalar(where(pos, deg, 1), -0.5), 0);
  const weight = mul(mul(indexSelect(dinv, 0, looped.senders), w), indexSelect(dinv, 0, looped.receivers));
  return { graph: looped.with({ edges: opts.addSelfLoops === false ? g.edges : g.edges ? addSelfLoops(g, { remaining: true }).edges : null }), weight };
}
