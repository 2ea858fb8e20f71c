/**
 * Batching: the disjoint union of graphs (`batch`) and its inverse (`unbatch`). Node ids in
 * senders/receivers and in declared index fields are offset by the node (edge) count of the graphs
 * before them; nothing is inferred from field names.
 * @module
 */
import { concat, slice } from '../tensor/index.js';
import type { Tensor } from '../tensor/index.js';
import { ValueError } from '../util/errors.js';
import { GraphsTuple, isIndexField, offsets } from './graphs-tuple.js';
import type { ExtraField, IndexField } from './graphs-tuple.js';

function concatInts(parts: readonly Int32Array[], add?: readonly number[]): Int32Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Int32Array(n);
  let k = 0;
  parts.forEach((p, i) => {
    const a = add?.[i] ?? 0;
    if (a === 0) out.set(p, k);
    else for (let j = 0; j < p.length; j++) out[k + j] = p[j]! >= 0 ? p[j]! + a : p[j]!;
    k += p.length;
  });
  return out;
}

function catTensors(what: string, ts: readonly (Tensor | null)[]): Tensor | null {
  const present = ts.filter((t): t is Tensor => t !== null);
  if (present.length === 0) return null;
  if (present.length !== ts.length) throw new ValueError(`batch: ${what} is present in some graphs and null in others`);
  return concat(present, 0);
}

function sameRows(a: IndexField, b: IndexField): boolean {
  const ra = a.rows ?? 'graph';
  const rb = b.rows ?? 'graph';
  return (typeof ra === 'string' ? ra : 'ragged') === (typeof rb === 'string' ? rb : 'ragged') && (a.width ?? 1) === (b.width ?? 1);
}

/**
 * Batch graphs into one {@link GraphsTuple} (their disjoint union): nodes, edges, globals and
 * extras are concatenated in order; senders/receivers and `'node-index'` extras get the node offset
 * of their graph, `'edge-index'` extras the edge offset (−1 stays −1). Inputs may be batches
 * themselves; empty and edgeless graphs are fine.
 *
 * @param graphs at least one; all with the same fields present and the same extras (names, kinds)
 * @returns a tuple with G = Σ graphs[k].numGraphs
 * @throws ValueError when the inputs disagree on their fields
 */
export function batch(graphs: readonly GraphsTuple[]): GraphsTuple {
  if (graphs.length === 0) throw new ValueError('batch: needs at least one graph');
  if (graphs.length === 1) return graphs[0]!;
  const nodeOff = Array.from(offsets(Int32Array.from(graphs, (g) => g.numNodes)));
  const edgeOff = Array.from(offsets(Int32Array.from(graphs, (g) => g.numEdges)));
  const first = graphs[0]!;
  const names = Object.keys(first.extras).sort();
  const extras: Record<string, ExtraField> = {};
  graphs.forEach((g, i) => {
    const have = Object.keys(g.extras).sort();
    if (have.join('\u0000') !== names.join('\u0000')) {
      throw new ValueError(`batch: graph ${i} has extras [${have.join(', ')}] but graph 0 has [${names.join(', ')}]`);
    }
  });
  for (const name of names) {
    const f0 = first.extras[name]!;
    const fs = graphs.map((g) => g.extras[name]!);
    fs.forEach((f, i) => {
      if (f.kind !== f0.kind || (isIndexField(f) && !sameRows(f, f0 as IndexField))) {
        throw new ValueError(`batch: extras.${name} of graph ${i} is declared differently from graph 0 (kind '${f.kind}' vs '${f0.kind}', or its rows/width)`);
      }
    });
    if (!isIndexField(f0)) {
      extras[name] = { kind: f0.kind, value: concat(fs.map((f) => f.value as Tensor), 0) };
    } else {
      const idx = fs as IndexField[];
      const add = f0.kind === 'node-index' ? nodeOff : edgeOff;
      const field: IndexField = { kind: f0.kind, value: concatInts(idx.map((f) => f.value), add), width: f0.width ?? 1 };
      const r = f0.rows ?? 'graph';
      extras[name] = typeof r === 'string' ? { ...field, rows: r } : { ...field, rows: concatInts(graphs.map((g, i) => g.indexRowCounts(idx[i]!))) };
    }
  }
  return new GraphsTuple({
    nodes: catTensors('nodes', graphs.map((g) => g.nodes)),
    edges: catTensors('edges', graphs.map((g) => g.edges)),
    globals: catTensors('globals', graphs.map((g) => g.globals)),
    senders: concatInts(graphs.map((g) => g.senders), nodeOff),
    receivers: concatInts(graphs.map((g) => g.receivers), nodeOff),
    nNode: concatInts(graphs.map((g) => g.nNode)),
    nEdge: concatInts(graphs.map((g) => g.nEdge)),
    extras,
  });
}

function sliceInts(a: Int32Array, start: number, end: number, sub: number): Int32Array {
  const out = a.slice(start, end);
  if (sub !== 0) for (let i = 0; i < out.length; i++) if (out[i]! >= 0) out[i]! -= sub;
  return out;
}

function rowsOf(t: Tensor | null, start: number, end: number): Tensor | null {
  return t === null ? null : slice(t, [[start, end]]);
}

/**
 * Split a batched {@link GraphsTuple} into one tuple per graph (the inverse of {@link batch}):
 * `batch(unbatch(g))` equals `g`. Tensors are sliced (differentiably); ids are shifted back.
 */
export function unbatch(g: GraphsTuple): GraphsTuple[] {
  const no = g.nodeOffsets;
  const eo = g.edgeOffsets;
  const rowOffsets: Record<string, Int32Array> = {};
  for (const [name, f] of Object.entries(g.extras)) {
    if (isIndexField(f)) rowOffsets[name] = offsets(g.indexRowCounts(f));
  }
  const out: GraphsTuple[] = [];
  for (let b = 0; b < g.numGraphs; b++) {
    const range = { node: [no[b]!, no[b + 1]!], edge: [eo[b]!, eo[b + 1]!], graph: [b, b + 1] } as const;
    const extras: Record<string, ExtraField> = {};
    for (const [name, f] of Object.entries(g.extras)) {
      if (!isIndexField(f)) {
        const [s, e] = range[f.kind];
        extras[name] = { kind: f.kind, value: slice(f.value, [[s, e]]) };
      } else {
        const w = f.width ?? 1;
        const ro = rowOffsets[name]!;
        const sub = f.kind === 'node-index' ? no[b]! : eo[b]!;
        const value = sliceInts(f.value, ro[b]! * w, ro[b + 1]! * w, sub);
        const r = f.rows ?? 'graph';
        extras[name] = { kind: f.kind, value, width: w, rows: typeof r === 'string' ? r : Int32Array.of(r[b]!) };
      }
    }
    out.push(new GraphsTuple({
      nodes: rowsOf(g.nodes, no[b]!, no[b + 1]!),
      edges: rowsOf(g.edges, eo[b]!, eo[b + 1]!),
      globals: rowsOf(g.globals, b, b + 1),
      senders: sliceInts(g.senders, eo[b]!, eo[b + 1]!, no[b]!),
      receivers: sliceInts(g.receivers, eo[b]!, eo[b + 1]!, no[b]!),
      nNode: Int32Array.of(g.nNode[b]!),
      nEdge: Int32Array.of(g.nEdge[b]!),
      extras,
    }));
  }
  return out;
}
