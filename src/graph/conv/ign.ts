/**
 * Second-order invariant graph networks (Maron, Ben-Hamu, Shamir & Lipman 2019, "Invariant and
 * Equivariant Graph Networks", arXiv:1812.09902) on dense [B, n, n, C] tensors, with the linear
 * maps taken from the solver's S(n) basis.
 * @module
 */
import { Module } from '../../nn/index.js';
import type { FloatDType } from '../../nn/index.js';
import { Tensor, concat, expand, eye, indexAdd, indexSelect, normal, stack, zeros } from '../../tensor/index.js';
import { ContractError, ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import { GraphsTuple } from '../graphs-tuple.js';
import { checkSize, requireRng } from './common.js';
import type { ConvBaseOptions } from './common.js';

/**
 * An equality pattern of the indices (i, j | k, l) of a linear map from order-2 tensors x_{kl} to
 * order-2 outputs y_{ij} (`out` = 2) or to invariants (`out` = 0, indices (k, l) only), as a
 * restricted growth string: `labels[p]` is the block of index p, blocks numbered by first
 * occurrence.
 */
export interface IgnPattern {
  /** Output order (0 or 2). */
  readonly out: 0 | 2;
  /** Block of each index: [i, j, k, l] for out = 2, [k, l] for out = 0. */
  readonly labels: readonly number[];
}

function restrictedGrowthStrings(len: number): number[][] {
  const out: number[][] = [];
  const rec = (prefix: number[], max: number): void => {
    if (prefix.length === len) { out.push(prefix); return; }
    for (let b = 0; b <= max + 1; b++) rec([...prefix, b], Math.max(max, b));
  };
  rec([], -1);
  return out;
}

/** The equality pattern of an index tuple, as a restricted growth string. */
function patternOf(idx: readonly number[]): number[] {
  const seen = new Map<number, number>();
  return idx.map((v) => {
    if (!seen.has(v)) seen.set(v, seen.size);
    return seen.get(v)!;
  });
}

/** Dense matrix [n^out, n²] of the orbit indicator of a pattern (1 where the indices follow it exactly). */
function orbitMatrix(p: IgnPattern, n: number): Float64Array {
  const rows = p.out === 2 ? n * n : 1;
  const W = new Float64Array(rows * n * n);
  const key = p.labels.join(',');
  for (let r = 0; r < rows; r++) {
    const outIdx = p.out === 2 ? [Math.floor(r / n), r % n] : [];
    for (let k = 0; k < n; k++) for (let l = 0; l < n; l++) if (patternOf([...outIdx, k, l]).join(',') === key) W[r * n * n + k * n + l] = 1;
  }
  return W;
}

/**
 * What {@link ignBasisFrom} needs of a solved Hom space: the solver's `EquivariantBasis` (from
 * `equivariantBasis(repIn, repOut)`) fits. Weights are flattened row-major [sizeOut, sizeIn].
 */
export interface HomBasisLike {
  /** Number of basis elements. */
  readonly dim: number;
  /** Coefficients of the orthogonal projection of W onto the basis. */
  project(W: Float64Array): Float64Array;
  /** W = Σ_t c_t Q_t. */
  apply(coeffs: Float64Array): Float64Array;
}

/** The basis of the IGN layers: equality patterns, one n-independent operator each. */
export interface IgnBasis {
  /** Output order (2: V⊗V → V⊗V, 0: V⊗V → R). */
  readonly out: 0 | 2;
  /** The equality patterns (15 = Bell(4) for out = 2, 2 = Bell(2) for out = 0, when n ≥ 4). */
  readonly patterns: readonly IgnPattern[];
  /** dim of the Hom space (the solver's, or the number of patterns without one). */
  readonly dim: number;
  /** max over patterns of ‖1_P − QQᵀ1_P‖∞: distance of the orbit indicators from the solver's span (0 without a solver). */
  readonly residual: number;
  /** The solved basis it was read from, or null for the combinatorial default. */
  readonly solver: HomBasisLike | null;
}

/**
 * The equality patterns of `out + 2` indices (restricted growth strings; Bell(out + 2) of them):
 * the orbits of S(n) on index tuples for n ≥ out + 2, i.e. what {@link ignBasisFrom} reads off
 * the solver. The IGN layers use these when no solver basis is passed.
 */
export function ignPatterns(out: 0 | 2 = 2): IgnBasis {
  if (out !== 0 && out !== 2) throw new ValueError(`ignPatterns: out must be 0 or 2, got ${String(out)}`);
  const patterns = restrictedGrowthStrings(out + 2).map((labels) => ({ out, labels }));
  return { out, patterns, dim: patterns.length, residual: 0, solver: null };
}

/**
 * Read the IGN basis off a solved Hom space: `solver` must be the solver's basis of
 * Hom_{S(n)}(V⊗V, V⊗V) (`out` = 2, dim 15 for n ≥ 4) or Hom_{S(n)}(V⊗V, R) (`out` = 0, dim 2),
 * e.g. `equivariantBasis(V(S(4)).pow(2), V(S(4)).pow(2))`. Every equality pattern whose orbit
 * indicator lies in the solver's span becomes one n-independent operator of the layers; a
 * ContractError is thrown unless the patterns span the solver's space exactly. (src/graph may not
 * import the solver — docs/design/layering.md — so the basis is passed in from above.)
 */
export function ignBasisFrom(solver: HomBasisLike, n: number, out: 0 | 2 = 2): IgnBasis {
  if (!Number.isInteger(n) || n < 1) throw new ValueError(`ignBasisFrom: n must be a positive integer, got ${n}`);
  const patterns: IgnPattern[] = [];
  let residual = 0;
  for (const { labels } of ignPatterns(out).patterns) {
    const p: IgnPattern = { out, labels };
    const W = orbitMatrix(p, n);
    if (!W.some((v) => v !== 0)) continue; // pattern needs more than n distinct values
    if (W.length !== (out === 2 ? n ** 4 : n * n)) throw new ShapeError(`ignBasisFrom: expected a Hom space of ${W.length} entries`);
    const back = solver.apply(solver.project(W));
    let r = 0;
    for (let t = 0; t < W.length; t++) r = Math.max(r, Math.abs(W[t]! - back[t]!));
    if (r > 1e-8) throw new ContractError(`ignBasisFrom: the orbit indicator of pattern [${labels}] is not in the solver's Hom space (residual ${r})`);
    residual = Math.max(residual, r);
    patterns.push(p);
  }
  if (patterns.length !== solver.dim) throw new ContractError(`ignBasisFrom: ${patterns.length} patterns for a solver basis of dim ${solver.dim}`);
  return { out, patterns, dim: solver.dim, residual, solver };
}

/**
 * The operator of a pattern, applied to x [B, n, n, C]: L_P(x)_{ij} = agg_{free (k,l)} x_{kl} over
 * the input indices constrained only by the equalities of P (indices equal to an output index are
 * fixed to it, the others are summed — or averaged with `mean`); outputs whose indices are equal
 * in P live on the diagonal. These "at least these equalities" operators are a triangular
 * (Möbius) recombination of the orbit indicators, so they span the same space, and they cost
 * O(n²) instead of O(n⁴).
 * @returns [B, n, n, C] (out = 2) or [B, C] (out = 0)
 */
export function ignOperator(p: IgnPattern, x: Tensor, mean = true): Tensor {
  const [B, n, , C] = x.shape as [number, number, number, number];
  const lab = p.labels;
  const [lk, ll] = p.out === 2 ? [lab[2]!, lab[3]!] : [lab[0]!, lab[1]!];
  const outLabels = p.out === 2 ? [lab[0]!, lab[1]!] : [];
  // input reduction: t has index axes (1..) labelled by `axes`
  let t: Tensor;
  let axes: number[];
  if (lk === ll) {
    const diag = Int32Array.from({ length: n }, (_, i) => i * (n + 1));
    t = indexSelect(x.reshape([B, n * n, C]), 1, diag);
    axes = [lk];
  } else {
    t = x;
    axes = [lk, ll];
  }
  for (let a = axes.length - 1; a >= 0; a--) {
    if (outLabels.includes(axes[a]!)) continue;
    t = mean ? t.mean(a + 1) : t.sum(a + 1);
    axes.splice(a, 1);
  }
  if (p.out === 0) return t; // [B, C]
  const [li, lj] = outLabels as [number, number];
  if (li === lj) {
    const f = axes.length === 0 ? expand(t.reshape([B, 1, C]), [B, n, C]) : t; // [B, n, C]
    const I = eye(n, n, { dtype: x.dtype }).reshape([1, n, n, 1]);
    return f.reshape([B, n, 1, C]).mul(I);
  }
  if (axes.length === 0) return expand(t.reshape([B, 1, 1, C]), [B, n, n, C]);
  if (axes.length === 1) return expand(axes[0] === li ? t.reshape([B, n, 1, C]) : t.reshape([B, 1, n, C]), [B, n, n, C]);
  return axes[0] === li ? t : t.permute([0, 2, 1, 3]);
}

/** Dense matrix [n^out, n²] of {@link ignOperator} for one channel (for tests and inspection). */
export function ignOperatorMatrix(p: IgnPattern, n: number, mean = true): Float64Array {
  const cols = n * n;
  const rows = p.out === 2 ? n * n : 1;
  const M = new Float64Array(rows * cols);
  for (let c = 0; c < cols; c++) {
    const e = new Float64Array(cols);
    e[c] = 1;
    const y = ignOperator(p, new Tensor(e, [1, n, n, 1], 'float64'), mean).data;
    for (let r = 0; r < rows; r++) M[r * cols + c] = y[r]!;
  }
  return M;
}

/** Options of {@link IGNLayer} and {@link IGNReadout}. */
export interface IGNOptions extends ConvBaseOptions {
  /**
   * The basis, from the solver via {@link ignBasisFrom} (its output order must match the layer).
   * Default: {@link ignPatterns}, the same 15 (2) patterns enumerated combinatorially.
   */
  basis?: IgnBasis;
  /** Learn the equivariant bias (default true): b_all·𝟙𝟙ᵀ + b_diag·I (order 2) or b (order 0). */
  bias?: boolean;
  /** Average over summed indices instead of summing (default true: keeps activations O(1) in n). */
  mean?: boolean;
}

function checkDense(op: string, x: Tensor, C: number): void {
  if (x.ndim !== 4 || x.shape[1] !== x.shape[2] || x.shape[3] !== C) throw new ShapeError(`${op}: input ${fmtShape(x.shape)} must be [B, n, n, ${C}]`);
}

abstract class IGNBase extends Module {
  readonly patterns: readonly IgnPattern[];
  readonly mean: boolean;

  constructor(readonly op: string, readonly inChannels: number, readonly outChannels: number, out: 0 | 2, opts: IGNOptions) {
    super();
    const rng = requireRng(op, opts);
    checkSize(op, 'inChannels', inChannels);
    checkSize(op, 'outChannels', outChannels);
    const dtype: FloatDType = opts.dtype ?? 'float32';
    const basis = opts.basis ?? ignPatterns(out);
    if (basis.out !== out) throw new ValueError(`${op}: the basis maps to order ${basis.out}, the layer needs order ${out}`);
    this.patterns = basis.patterns;
    this.mean = opts.mean ?? true;
    const K = this.patterns.length;
    this.registerParameter('weight', normal(rng, [K * inChannels, outChannels], 0, 1 / Math.sqrt(K * inChannels), { dtype }));
    if (opts.bias ?? true) {
      this.registerParameter('bias', zeros([outChannels], { dtype }));
      if (out === 2) this.registerParameter('biasDiag', zeros([outChannels], { dtype }));
    }
  }

  /** Σ_P L_P(x) W_P: stack the operators on the channel axis and mix with one matmul. */
  protected mix(ops: Tensor[], lead: number[]): Tensor {
    const K = ops.length, C = this.inChannels;
    const st = stack(ops, -1); // [..., C, K]
    const m = lead.reduce((a, b) => a * b, 1);
    return st.reshape([m, C * K]).matmul(this.reorderedWeight()).reshape([...lead, this.outChannels]);
  }

  /** weight is stored [K·Cin, Cout] pattern-major; the stacked features are channel-major. */
  private reorderedWeight(): Tensor {
    const K = this.patterns.length, C = this.inChannels;
    return this.getParameter('weight').reshape([K, C, this.outChannels]).permute([1, 0, 2]).reshape([C * K, this.outChannels]);
  }

  extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, basis=${this.patterns.length}, mean=${this.mean}`;
  }
}

/**
 * Second-order equivariant layer of an invariant graph network (Maron, Ben-Hamu, Shamir & Lipman
 * 2019, "Invariant and Equivariant Graph Networks", {@link https://arxiv.org/abs/1812.09902 | arXiv:1812.09902}):
 * every linear map of [n, n, C] tensors that commutes with relabelling the n nodes,
 *
 *   y_{ij,c'} = Σ_{P} Σ_c w_{P,c,c'} L_P(x)_{ij,c} + b_{c'} + δ_ij b^diag_{c'},
 *
 * with one operator L_P per basis element of Hom_{S(n)}(V⊗V, V⊗V) — 15 = Bell(4), read off the
 * solver's basis by {@link ignBasisFrom} (`opts.basis`) — and the bias from Hom_{S(n)}(R, V⊗V) (dim 2). The weights
 * do not depend on n, so one layer serves graphs of any size; sums are averages by default.
 * Input: dense tensors [B, n, n, C] (see {@link toDenseGraph}), equivariant under x ↦ x[:, π, π].
 *
 * @example
 * ```ts
 * const G = S(4), vv = V(G).pow(2);
 * const basis = ignBasisFrom(equivariantBasis(vv, vv), 4);             // 15 operators
 * const readoutBasis = ignBasisFrom(equivariantBasis(vv, Scalar(G)), 4, 0); // 2 operators
 * const layer = new IGNLayer(3, 16, { rng: new Rng(0), basis });
 * const y = layer.call(toDenseGraph(graph));   // [B, n, n, 16]
 * const r = new IGNReadout(16, 1, { rng, basis: readoutBasis }).call(y.relu()); // [B, 1], invariant
 * ```
 */
export class IGNLayer extends IGNBase {
  constructor(inChannels: number, outChannels: number, opts: IGNOptions) {
    super('IGNLayer', inChannels, outChannels, 2, opts);
  }

  /** @param x [B, n, n, inChannels] @returns [B, n, n, outChannels] */
  forward(x: Tensor): Tensor {
    checkDense('IGNLayer', x, this.inChannels);
    const [B, n] = x.shape as [number, number];
    if (n === 0) return zeros([B, 0, 0, this.outChannels], { dtype: x.dtype });
    let y = this.mix(this.patterns.map((p) => ignOperator(p, x, this.mean)), [B, n, n]);
    const b = this.maybeParameter('bias');
    if (b) y = y.add(b).add(eye(n, n, { dtype: x.dtype }).reshape([1, n, n, 1]).mul(this.getParameter('biasDiag')));
    return y;
  }
}

/**
 * Invariant readout of a second-order IGN (Maron et al. 2019, arXiv:1812.09902): the S(n)-invariant
 * linear maps of [n, n, C] tensors, Hom_{S(n)}(V⊗V, R) (dim 2 = Bell(2); from the solver via `opts.basis`):
 * r_{c'} = Σ_c w_{1,c,c'} agg_i x_{ii,c} + w_{2,c,c'} agg_{k,l} x_{kl,c} + b_{c'}.
 * An empty graph (n = 0) reads out the bias.
 */
export class IGNReadout extends IGNBase {
  constructor(inChannels: number, outChannels: number, opts: IGNOptions) {
    super('IGNReadout', inChannels, outChannels, 0, opts);
  }

  /** @param x [B, n, n, inChannels] @returns [B, outChannels] */
  forward(x: Tensor): Tensor {
    checkDense('IGNReadout', x, this.inChannels);
    const B = x.shape[0]!;
    let y = x.shape[1] === 0 ? zeros([B, this.outChannels], { dtype: x.dtype }) : this.mix(this.patterns.map((p) => ignOperator(p, x, this.mean)), [B]);
    const b = this.maybeParameter('bias');
    if (b) y = y.add(b);
    return y;
  }
}

/**
 * Dense order-2 tensor of a batch of equally sized graphs: [G, n, n, Fe + Fn] with the edge
 * features of j → i at [b, i, j, :Fe] (1 per edge when the graph has no edge features; parallel
 * edges add up) and the node features on the diagonal [b, i, i, Fe:].
 * @throws ValueError when the graphs differ in size
 */
export function toDenseGraph(g: GraphsTuple): Tensor {
  const G = g.numGraphs;
  const n = G > 0 ? g.nNode[0]! : 0;
  for (let b = 0; b < G; b++) if (g.nNode[b] !== n) throw new ValueError(`toDenseGraph: all graphs must have the same number of nodes (graph 0 has ${n}, graph ${b} has ${g.nNode[b]})`);
  const dtype = g.nodes?.dtype ?? g.edges?.dtype ?? 'float32';
  const no = g.nodeOffsets, eg = g.edgeGraph;
  const width = (t: Tensor): number => t.shape.slice(1).reduce((a, b) => a * b, 1);
  const e = g.edges ? g.edges.reshape([g.numEdges, width(g.edges)]) : new Tensor(new (dtype === 'float64' ? Float64Array : Float32Array)(g.numEdges).fill(1), [g.numEdges, 1], dtype);
  const Fe = e.shape[1]!;
  const idx = Int32Array.from({ length: g.numEdges }, (_, k) => {
    const b = eg[k]!;
    return b * n * n + (g.receivers[k]! - no[b]!) * n + (g.senders[k]! - no[b]!);
  });
  const parts = [indexAdd(zeros([G * n * n, Fe], { dtype: e.dtype }), 0, idx, e).reshape([G, n, n, Fe])];
  if (g.nodes) {
    const x = g.nodes.reshape([g.numNodes, width(g.nodes)]);
    const Fn = x.shape[1]!;
    const didx = Int32Array.from({ length: g.numNodes }, (_, i) => Math.floor(i / Math.max(n, 1)) * n * n + (i % n) * (n + 1));
    parts.push(indexAdd(zeros([G * n * n, Fn], { dtype: x.dtype }), 0, didx, x).reshape([G, n, n, Fn]));
  }
  return parts.length === 1 ? parts[0]! : concat(parts, -1);
}
