/**
 * `GraphsTuple`: a batch of graphs as one flat disjoint-union graph (jraph's GraphsTuple, after
 * Battaglia et al. 2018, "Relational inductive biases, deep learning, and graph networks",
 * {@link https://arxiv.org/abs/1806.01261 | arXiv:1806.01261}).
 * @module
 */
import { edgeCsr, type Tensor } from '../tensor/index.js';
import { IndexError, ShapeError, ValueError, fmtShape } from '../util/errors.js';

/** Integer arrays accepted as input: an Int32Array or plain numbers. */
export type IntArrayLike = Int32Array | readonly number[];

/** What the rows of an extra field belong to. */
export type RowKind = 'node' | 'edge' | 'graph';

/** An extra feature field: a tensor with one row per node, edge or graph. */
export interface TensorField {
  /** What the rows are: `'node'` (N rows), `'edge'` (E rows) or `'graph'` (G rows). */
  readonly kind: RowKind;
  /** The values, [rows, …]. */
  readonly value: Tensor;
}

/**
 * An extra index field: integer node ids (`'node-index'`) or edge ids (`'edge-index'`) that
 * batching offsets. Values are global ids within the row's own graph; −1 means "none" and is kept.
 */
export interface IndexField {
  /** Whether the values are node ids or edge ids. */
  readonly kind: 'node-index' | 'edge-index';
  /** `rows × width` ids, row-major. */
  readonly value: Int32Array;
  /**
   * What the rows belong to: one per node, edge or graph (default `'graph'`), or an Int32Array of
   * row counts per graph (ragged, e.g. node pairs for link prediction).
   */
  readonly rows?: RowKind | Int32Array;
  /** Ids per row (default 1). */
  readonly width?: number;
}

/** An extra field of a GraphsTuple: its kind is declared, never guessed from its name. */
export type ExtraField = TensorField | IndexField;

/** Constructor input of {@link GraphsTuple}. */
export interface GraphsTupleInit {
  /** Node features [N, …] (or null). */
  nodes?: Tensor | null;
  /** Edge features [E, …] (or null). */
  edges?: Tensor | null;
  /** Source node of each edge (global ids). */
  senders: IntArrayLike;
  /** Target node of each edge (global ids). */
  receivers: IntArrayLike;
  /** Nodes per graph (default: one graph of all nodes). */
  nNode?: IntArrayLike;
  /** Edges per graph (default: one graph of all edges). */
  nEdge?: IntArrayLike;
  /** Per-graph features [G, …] (or null). */
  globals?: Tensor | null;
  /** Number of nodes when `nodes` is null and `nNode` absent. */
  numNodes?: number;
  /** Further fields, each with its declared kind. */
  extras?: Readonly<Record<string, ExtraField>>;
}

/**
 * A compressed sparse view of the edges: the edges of row i are `perm[rowPtr[i] .. rowPtr[i+1])`
 * (in increasing edge order) and `col[k]` is the other end of edge `perm[k]`.
 */
export interface CompressedView {
  /** Row pointers [N+1]. */
  readonly rowPtr: Int32Array;
  /** Other endpoint per sorted slot [E]. */
  readonly col: Int32Array;
  /** Edge id per sorted slot [E]. */
  readonly perm: Int32Array;
}

/** True for an index field. */
export function isIndexField(f: ExtraField): f is IndexField {
  return f.kind === 'node-index' || f.kind === 'edge-index';
}

/**
 * Copy an IntArrayLike into a fresh Int32Array, checking every value in the same pass: a value
 * that is not an integer (1.5, NaN, ±Infinity, a non-number) is a `ValueError`, an integer outside
 * int32 (|v| ≥ 2³¹, which would wrap around) an `IndexError`. Messages start with `op`.
 */
export function toInt32(name: string, a: IntArrayLike, op = 'GraphsTuple'): Int32Array {
  if (a instanceof Int32Array) return a;
  if (a === null || typeof a !== 'object' || typeof (a as ArrayLike<number>).length !== 'number') {
    throw new ValueError(`${op}: ${name} must be an Int32Array or an array of integers, got ${a === null ? 'null' : typeof a}`);
  }
  const out = new Int32Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (!Number.isInteger(v)) throw new ValueError(`${op}: ${name}[${i}] = ${String(v)} is not an integer`);
    if (v < -0x80000000 || v > 0x7fffffff) throw new IndexError(`${op}: ${name}[${i}] = ${v} does not fit in int32 (|v| ≥ 2^31)`);
    out[i] = v;
  }
  return out;
}

/** Exclusive prefix sums [n+1]. */
export function offsets(counts: Int32Array): Int32Array {
  const o = new Int32Array(counts.length + 1);
  for (let i = 0; i < counts.length; i++) o[i + 1] = o[i]! + counts[i]!;
  return o;
}

/** Group id of each of Σ counts items: ids[k] = b for offsets[b] ≤ k < offsets[b+1]. */
export function repeatIds(counts: Int32Array): Int32Array {
  let total = 0;
  for (const c of counts) total += c;
  const ids = new Int32Array(total);
  let k = 0;
  for (let b = 0; b < counts.length; b++) for (let c = counts[b]!; c > 0; c--) ids[k++] = b;
  return ids;
}

function rows(t: Tensor): number {
  if (t.ndim === 0) throw new ShapeError(`GraphsTuple: a 0-d tensor cannot hold rows`);
  return t.shape[0]!;
}

/**
 * A batch of G graphs stored as one graph (their disjoint union): node rows of graph b are the
 * contiguous range `[nodeOffsets[b], nodeOffsets[b+1])`, its edges likewise, and its edges connect
 * only its own nodes. Immutable; derived views (`nodeGraph`, `csr()`, …) are computed once.
 *
 * Invariants, checked on construction: Σ nNode = N, Σ nEdge = E = |senders| = |receivers|,
 * `nodes`/`edges`/`globals` have N/E/G rows, extras have the rows of their kind (`ShapeError`);
 * senders, receivers and index extras lie in their own graph (`IndexError`, naming the field).
 *
 * @example
 * ```ts
 * const g = new GraphsTuple({ nodes: randn(rng, [3, 4]), senders: [0, 1], receivers: [1, 2] });
 * g.numGraphs; // 1
 * g.csr().rowPtr; // Int32Array [0, 0, 1, 2]
 * ```
 */
export class GraphsTuple {
  /** Node features [N, …] or null. */
  readonly nodes: Tensor | null;
  /** Edge features [E, …] or null. */
  readonly edges: Tensor | null;
  /** Source node of each edge [E]. */
  readonly senders: Int32Array;
  /** Target node of each edge [E]. */
  readonly receivers: Int32Array;
  /** Nodes per graph [G]. */
  readonly nNode: Int32Array;
  /** Edges per graph [G]. */
  readonly nEdge: Int32Array;
  /** Per-graph features [G, …] or null. */
  readonly globals: Tensor | null;
  /** Extra fields by name. */
  readonly extras: Readonly<Record<string, ExtraField>>;
  private cache: {
    nodeOffsets?: Int32Array; edgeOffsets?: Int32Array; nodeGraph?: Int32Array; edgeGraph?: Int32Array;
    csr?: CompressedView; csc?: CompressedView;
  } = {};

  /**
   * Validate and wrap the fields (Int32Arrays are kept, not copied; number arrays are converted).
   * @throws ShapeError for row-count mismatches, IndexError for ids out of range or outside their
   *   graph, ValueError for negative counts or non-integer ids
   */
  constructor(init: GraphsTupleInit) {
    this.nodes = init.nodes ?? null;
    this.edges = init.edges ?? null;
    this.globals = init.globals ?? null;
    this.senders = toInt32('senders', init.senders);
    this.receivers = toInt32('receivers', init.receivers);
    const E = this.senders.length;
    if (this.receivers.length !== E) throw new ShapeError(`GraphsTuple: senders has ${E} entries but receivers has ${this.receivers.length}`);
    let N: number;
    if (this.nodes) N = rows(this.nodes);
    else if (init.nNode) N = Array.from(init.nNode).reduce((a, b) => a + b, 0);
    else N = init.numNodes ?? 0;
    if (!Number.isInteger(N) || N < 0) throw new ValueError(`GraphsTuple: the number of nodes must be a non-negative integer, got ${String(N)}`);
    if (init.numNodes !== undefined && init.numNodes !== N) throw new ShapeError(`GraphsTuple: numNodes = ${init.numNodes} but nodes has ${N} rows`);
    this.nNode = init.nNode ? toInt32('nNode', init.nNode) : Int32Array.of(N);
    this.nEdge = init.nEdge ? toInt32('nEdge', init.nEdge) : Int32Array.of(E);
    this.extras = Object.freeze({ ...(init.extras ?? {}) });
    this.validate(N, E);
  }

  private validate(N: number, E: number): void {
    const G = this.nNode.length;
    if (this.nEdge.length !== G) throw new ShapeError(`GraphsTuple: nNode has ${G} graphs but nEdge has ${this.nEdge.length}`);
    for (const [name, c] of [['nNode', this.nNode], ['nEdge', this.nEdge]] as const) {
      const bad = c.findIndex((v) => v < 0);
      if (bad >= 0) throw new ValueError(`GraphsTuple: ${name}[${bad}] = ${c[bad]} is negative`);
    }
    const no = this.nodeOffsets;
    const eo = this.edgeOffsets;
    if (no[G] !== N) throw new ShapeError(`GraphsTuple: nNode sums to ${no[G]} but there are ${N} nodes${this.nodes ? ` (nodes ${fmtShape(this.nodes.shape)})` : ''}`);
    if (eo[G] !== E) throw new ShapeError(`GraphsTuple: nEdge sums to ${eo[G]} but there are ${E} edges (senders/receivers)`);
    if (this.edges && rows(this.edges) !== E) throw new ShapeError(`GraphsTuple: edges ${fmtShape(this.edges.shape)} must have ${E} rows (one per edge)`);
    if (this.globals && rows(this.globals) !== G) throw new ShapeError(`GraphsTuple: globals ${fmtShape(this.globals.shape)} must have ${G} rows (one per graph)`);
    const eg = this.edgeGraph;
    for (const [name, ids] of [['senders', this.senders], ['receivers', this.receivers]] as const) {
      for (let e = 0; e < E; e++) {
        const v = ids[e]!;
        if (v < 0 || v >= N) throw new IndexError(`GraphsTuple: ${name}[${e}] = ${v} is out of range for ${N} nodes`);
        const b = eg[e]!;
        if (v < no[b]! || v >= no[b + 1]!) {
          throw new IndexError(`GraphsTuple: ${name}[${e}] = ${v} lies outside its graph ${b} (nodes ${no[b]}..${no[b + 1]! - 1})`);
        }
      }
    }
    for (const [name, f] of Object.entries(this.extras)) this.validateExtra(name, f);
  }

  private validateExtra(name: string, f: ExtraField): void {
    const count = { node: this.numNodes, edge: this.numEdges, graph: this.numGraphs };
    if (!isIndexField(f)) {
      if (!(f.kind in count)) throw new ValueError(`GraphsTuple: extras.${name} has unknown kind '${String(f.kind)}'`);
      const want = count[f.kind];
      if (rows(f.value) !== want) throw new ShapeError(`GraphsTuple: extras.${name} ${fmtShape(f.value.shape)} must have ${want} rows (kind '${f.kind}')`);
      return;
    }
    const width = f.width ?? 1;
    if (!Number.isInteger(width) || width < 1) throw new ValueError(`GraphsTuple: extras.${name}.width must be a positive integer, got ${width}`);
    const rowGraph = this.indexRowGraph(name, f);
    if (f.value.length !== rowGraph.length * width) {
      throw new ShapeError(`GraphsTuple: extras.${name} has ${f.value.length} ids but ${rowGraph.length} rows × width ${width} = ${rowGraph.length * width}`);
    }
    const off = f.kind === 'node-index' ? this.nodeOffsets : this.edgeOffsets;
    const total = off[this.numGraphs]!;
    for (let k = 0; k < f.value.length; k++) {
      const v = f.value[k]!;
      if (v === -1) continue;
      if (v < -1 || v >= total) throw new IndexError(`GraphsTuple: extras.${name}[${k}] = ${v} is out of range for ${total} ${f.kind === 'node-index' ? 'nodes' : 'edges'}`);
      const b = rowGraph[Math.floor(k / width)]!;
      if (v < off[b]! || v >= off[b + 1]!) throw new IndexError(`GraphsTuple: extras.${name}[${k}] = ${v} lies outside its graph ${b}`);
    }
  }

  /** Graph id of each row of an index field. @internal */
  indexRowGraph(name: string, f: IndexField): Int32Array {
    const r = f.rows ?? 'graph';
    if (r === 'node') return this.nodeGraph;
    if (r === 'edge') return this.edgeGraph;
    if (r === 'graph') return repeatIds(new Int32Array(this.numGraphs).fill(1));
    if (!(r instanceof Int32Array) || r.length !== this.numGraphs) {
      throw new ShapeError(`GraphsTuple: extras.${name}.rows must be 'node' | 'edge' | 'graph' or an Int32Array of ${this.numGraphs} row counts`);
    }
    return repeatIds(r);
  }

  /** Rows per graph of an index field. @internal */
  indexRowCounts(f: IndexField): Int32Array {
    const r = f.rows ?? 'graph';
    if (r === 'node') return this.nNode;
    if (r === 'edge') return this.nEdge;
    if (r === 'graph') return new Int32Array(this.numGraphs).fill(1);
    return r;
  }

  /** N, the total number of nodes. */
  get numNodes(): number {
    return this.nodeOffsets[this.nNode.length]!;
  }

  /** E, the total number of edges. */
  get numEdges(): number {
    return this.senders.length;
  }

  /** G, the number of graphs. */
  get numGraphs(): number {
    return this.nNode.length;
  }

  /** First node of each graph, and N at the end [G+1]. */
  get nodeOffsets(): Int32Array {
    return (this.cache.nodeOffsets ??= offsets(this.nNode));
  }

  /** First edge of each graph, and E at the end [G+1]. */
  get edgeOffsets(): Int32Array {
    return (this.cache.edgeOffsets ??= offsets(this.nEdge));
  }

  /** Graph id of each node [N] (PyG's `batch` vector). */
  get nodeGraph(): Int32Array {
    return (this.cache.nodeGraph ??= repeatIds(this.nNode));
  }

  /** Graph id of each edge [E]. */
  get edgeGraph(): Int32Array {
    return (this.cache.edgeGraph ??= repeatIds(this.nEdge));
  }

  /**
   * Edges grouped by receiver: row i lists the edges entering node i; `col` holds their senders.
   * The arrays come from the backend's CSR cache (the same ones the segment kernels use for these
   * receivers); the view is built once.
   */
  csr(): CompressedView {
    return (this.cache.csr ??= edgeCsr(this.receivers, this.senders, this.numNodes));
  }

  /** Edges grouped by sender: row j lists the edges leaving node j; `col` holds their receivers. From the backend's CSR cache, like {@link csr}. */
  csc(): CompressedView {
    return (this.cache.csc ??= edgeCsr(this.senders, this.receivers, this.numNodes));
  }

  /** The extra field `name` (ValueError when absent). */
  extra(name: string): ExtraField {
    const f = this.extras[name];
    if (!f) throw new ValueError(`GraphsTuple: no extra field '${name}' (have ${Object.keys(this.extras).join(', ') || 'none'})`);
    return f;
  }

  /** The tensor of the extra field `name` (ValueError when absent or an index field). */
  extraTensor(name: string): Tensor {
    const f = this.extra(name);
    if (isIndexField(f)) throw new ValueError(`GraphsTuple: extras.${name} is an index field (${f.kind}), not a tensor`);
    return f.value;
  }

  /** The ids of the index field `name` (ValueError when absent or a tensor field). */
  extraIndex(name: string): Int32Array {
    const f = this.extra(name);
    if (!isIndexField(f)) throw new ValueError(`GraphsTuple: extras.${name} is a tensor field (${f.kind}), not an index field`);
    return f.value;
  }

  /** A copy with some fields replaced (re-validated). Pass `null` to drop nodes/edges/globals. */
  with(changes: Partial<GraphsTupleInit>): GraphsTuple {
    const init: GraphsTupleInit = {
      nodes: this.nodes, edges: this.edges, senders: this.senders, receivers: this.receivers,
      nNode: this.nNode, nEdge: this.nEdge, globals: this.globals, extras: this.extras, ...changes,
    };
    if (changes.nodes !== undefined && changes.nNode === undefined && changes.nodes && rows(changes.nodes) !== this.numNodes) {
      throw new ShapeError(`GraphsTuple.with: nodes ${fmtShape(changes.nodes.shape)} must have ${this.numNodes} rows (or pass nNode)`);
    }
    return new GraphsTuple(init);
  }

  /** Short description, e.g. `GraphsTuple(G=2, N=5, E=6)`. */
  toString(): string {
    return `GraphsTuple(G=${this.numGraphs}, N=${this.numNodes}, E=${this.numEdges})`;
  }
}

/**
 * Create a {@link GraphsTuple} (same as `new GraphsTuple(init)`, with errors naming `graphsTuple`).
 * @throws as the constructor
 */
export function graphsTuple(init: GraphsTupleInit): GraphsTuple {
  try {
    return new GraphsTuple(init);
  } catch (e) {
    if (e instanceof Error && e.message.startsWith('GraphsTuple:')) e.message = `graphsTuple:${e.message.slice('GraphsTuple:'.length)}`;
    throw e;
  }
}
