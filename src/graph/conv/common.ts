/**
 * Shared helpers of the graph convolution layers: option checks, Glorot-initialised weights,
 * row-wise checks of inputs.
 * @module
 */
import { Linear } from '../../nn/index.js';
import type { FloatDType, Module } from '../../nn/index.js';
import { xavierUniform } from '../../nn/index.js';
import { concat, full, indexSelect, segmentMean, zeros } from '../../tensor/index.js';
import { GraphsTuple } from '../graphs-tuple.js';
import type { Tensor } from '../../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';

/** Options every layer takes: the explicit seeded generator and the parameter dtype. */
export interface ConvBaseOptions {
  /** Source of the initial weights (required: all randomness is explicit). */
  rng: Rng;
  /** Element type of the parameters (default float32). */
  dtype?: FloatDType;
}

/** Throw unless `opts.rng` is present. */
export function requireRng(op: string, opts: { rng?: Rng } | undefined): Rng {
  if (!opts?.rng) throw new ValueError(`${op}: opts.rng is required (all randomness goes through an explicit Rng)`);
  return opts.rng;
}

/** Throw unless n is a positive integer. */
export function checkSize(op: string, name: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new ValueError(`${op}: ${name} must be a positive integer, got ${n}`);
}

/**
 * A `Linear` whose weight is Glorot-uniform (PyG's `Linear(…, weight_initializer='glorot')`) and
 * whose bias (if any) starts at 0.
 */
export function glorotLinear(inF: number, outF: number, bias: boolean, rng: Rng, dtype: FloatDType): Linear {
  const lin = new Linear(inF, outF, { rng, bias, dtype });
  xavierUniform(lin.weight, rng);
  lin.bias?.data.fill(0);
  return lin;
}

/** Register a Glorot-uniform parameter of `shape` (fans from the last two axes). */
export function glorotParam(m: Module<any[], any>, name: string, shape: number[], rng: Rng, dtype: FloatDType): void {
  const t = zeros(shape, { dtype });
  const fanIn = shape[shape.length - 1]!, fanOut = shape.length > 1 ? shape[shape.length - 2]! : 1;
  const a = Math.sqrt(6 / (fanIn + fanOut));
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = rng.uniformIn(-a, a);
  m.registerParameter(name, t);
}

/** Throw unless x is [rows, features]. */
export function checkNodes(op: string, x: Tensor, rows: number, features: number): void {
  if (x.ndim !== 2 || x.shape[0] !== rows || x.shape[1] !== features) {
    throw new ShapeError(`${op}: x ${fmtShape(x.shape)} must be [${rows}, ${features}] (nodes × inChannels)`);
  }
}

/** Throw unless edge attributes are [E, edgeDim]. */
export function checkEdgeAttr(op: string, e: Tensor | null | undefined, rows: number, edgeDim: number): Tensor {
  if (!e) throw new ValueError(`${op}: built with edgeDim = ${edgeDim} but no edge features were given (graph.edges or edgeAttr)`);
  if (e.ndim !== 2 || e.shape[0] !== rows || e.shape[1] !== edgeDim) {
    throw new ShapeError(`${op}: edge features ${fmtShape(e.shape)} must be [${rows}, ${edgeDim}]`);
  }
  return e;
}

/**
 * Self-loop rewiring of the attention layers (PyG's `remove_self_loops` + `add_self_loops`): drop
 * every edge i→i, then append one loop per node after the edges of its graph.
 * `source[e]` is the input edge that edge e copies, or −1 for a new loop.
 */
export interface LoopPlan {
  /** The rewired graph (no features, no extras). */
  readonly graph: GraphsTuple;
  /** Input edge of each new edge, −1 for the added loops. */
  readonly source: Int32Array;
}

/** Remove the self-loops of `g` and add one per node (see {@link LoopPlan}). */
export function rewireSelfLoops(g: GraphsTuple): LoopPlan {
  const no = g.nodeOffsets, eo = g.edgeOffsets;
  const s: number[] = [], r: number[] = [], src: number[] = [];
  const nEdge = new Int32Array(g.numGraphs);
  for (let b = 0; b < g.numGraphs; b++) {
    const before = s.length;
    for (let e = eo[b]!; e < eo[b + 1]!; e++) {
      if (g.senders[e] === g.receivers[e]) continue;
      s.push(g.senders[e]!); r.push(g.receivers[e]!); src.push(e);
    }
    for (let i = no[b]!; i < no[b + 1]!; i++) { s.push(i); r.push(i); src.push(-1); }
    nEdge[b] = s.length - before;
  }
  const graph = new GraphsTuple({ senders: Int32Array.from(s), receivers: Int32Array.from(r), nNode: g.nNode, nEdge });
  return { graph, source: Int32Array.from(src) };
}

/**
 * Edge features of a rewired graph: kept edges copy their row; a loop at node i gets the mean of
 * the features of the (non-loop) edges entering i (PyG's `fill_value='mean'`; 0 without any), or
 * the constant `fill`.
 */
export function loopEdgeAttr(e: Tensor, g: GraphsTuple, plan: LoopPlan, fill: 'mean' | number = 'mean'): Tensor {
  const E = g.numEdges, N = g.numNodes;
  const keep: number[] = [];
  for (let k = 0; k < E; k++) if (g.senders[k] !== g.receivers[k]) keep.push(k);
  const keepIdx = Int32Array.from(keep);
  let loopRows: Tensor;
  if (fill === 'mean') {
    loopRows = segmentMean(indexSelect(e, 0, keepIdx), Int32Array.from(keepIdx, (k) => g.receivers[k]!), N);
  } else {
    loopRows = full([N, ...e.shape.slice(1)], fill, { dtype: e.dtype });
  }
  const all = concat([e, loopRows], 0);
  const pg = plan.graph;
  const idx = Int32Array.from(plan.source, (s, k) => (s >= 0 ? s : E + pg.receivers[k]!));
  return indexSelect(all, 0, idx);
}
