/**
 * `ReducedTensorProducts`: the change of basis from tensors with index symmetries ("ij=ji",
 * "ij=-ji", "ijk=jik=ikj", …) to irreps (e3nn's `o3.ReducedTensorProducts`).
 * @module
 */
import { Tensor, fromData, matmul } from '../../tensor/index.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import { Module } from '../module.js';
import { floatDType } from '../parameter.js';
import type { FloatDType } from '../parameter.js';
import { cgBlock } from './cg-blocks.js';
import { Irreps, irrepDim, irrepProduct } from './irreps.js';
import type { Irrep, IrrepsLike } from './irreps.js';

interface Piece {
  readonly ir: Irrep;
  /** Orthonormal rows [d_ir, D] (row-major). */
  readonly Q: Float64Array;
}

/** A signed permutation of the n indices: T[…] = sign · T[perm applied]. */
interface SignedPerm {
  readonly perm: readonly number[];
  readonly sign: number;
}

/** Largest tensor dimension Π dᵢ accepted (the projector is D × D). */
export const MAX_RTP_DIM = 4096;

function parseFormula(formula: string): { indices: string; gens: SignedPerm[] } {
  const parts = formula.split('=').map((s) => s.trim());
  const head = parts[0] ?? '';
  if (!/^[A-Za-z]+$/.test(head) || new Set(head).size !== head.length) throw new ValueError(`ReducedTensorProducts: formula "${formula}" must start with distinct index letters, e.g. "ij=ji"`);
  const gens = parts.slice(1).map((p) => {
    const m = /^(-?)([A-Za-z]+)$/.exec(p);
    if (!m || m[2]!.length !== head.length || [...m[2]!].sort().join('') !== [...head].sort().join('')) throw new ValueError(`ReducedTensorProducts: "${p}" in "${formula}" must be a permutation of "${head}", optionally with a leading "-"`);
    return { perm: [...m[2]!].map((c) => head.indexOf(c)), sign: m[1] === '-' ? -1 : 1 };
  });
  return { indices: head, gens };
}

/** Closure of the generators under composition (the signed permutation group they generate). */
function closure(n: number, gens: readonly SignedPerm[]): SignedPerm[] {
  const key = (g: SignedPerm): string => `${g.sign}:${g.perm.join(',')}`;
  const id: SignedPerm = { perm: Array.from({ length: n }, (_, i) => i), sign: 1 };
  const seen = new Map<string, SignedPerm>([[key(id), id]]);
  const queue = [id];
  while (queue.length) {
    const a = queue.pop()!;
    for (const g of gens) {
      const c: SignedPerm = { perm: a.perm.map((_, i) => a.perm[g.perm[i]!]!), sign: a.sign * g.sign };
      if (!seen.has(key(c))) { seen.set(key(c), c); queue.push(c); }
    }
  }
  return [...seen.values()];
}

/**
 * Decomposition of tensors T_{i₁…iₙ} with the symmetries of an index formula into irreps:
 * y = Q·vec(T), Q [irrepsOut.dim, Π dᵢ] with orthonormal rows spanning exactly the tensors with
 * the symmetries (T = Qᵀy for every such T). The formula lists the indices and the relations,
 * e.g. `"ij=ji"` (symmetric matrices: 1o → 0e + 2e), `"ij=-ji"` (antisymmetric: 1e),
 * `"ijk=jik=ikj"` (fully symmetric rank 3: 1o + 3o), `"ijkl=jikl=klij"` (elasticity: 2x0e + 2x2e + 4e);
 * `irreps` gives each index's irreps (indices related by a relation need the same irreps; an
 * index left out takes the irreps of an index it is related to).
 *
 * Algorithm: the full product V₁ ⊗ … ⊗ Vₙ is decomposed into irrep copies by chaining CG
 * tensors (each copy an orthonormal [d, D] block: rows √d·Σ C_{ijk} Qa_i ⊗ Qb_j); the symmetry
 * projector P = (1/|H|) Σ_{(σ, s) ∈ H} s·P_σ over the generated signed permutation group H commutes
 * with O(3), so within each irrep type the copies mix by the m×m projector M_{cc'} = tr(Q_c P Q_cᵀ)/d;
 * an orthonormal basis of its range (Gram–Schmidt on its columns) gives the reduced copies. Output
 * irreps are sorted by l, the parity (−1)^l first.
 *
 * Forward: `rtp.call(x₁, …, xₙ)` returns Q·(x₁ ⊗ … ⊗ xₙ) ([..., dᵢ] each → [..., irrepsOut.dim]),
 * e3nn's call; `rtp.Q` is the change of basis.
 *
 * @example
 * ```ts
 * const rtp = new ReducedTensorProducts('ij=ji', { i: '1o' });
 * rtp.irrepsOut.toString(); // 1x0e+1x2e
 * ```
 */
export class ReducedTensorProducts extends Module<Tensor[], Tensor> {
  /** The index letters, in order. */
  readonly indices: string;
  /** Irreps of each index, in order. */
  readonly irrepsIn: readonly Irreps[];
  /** Irreps of the reduced tensor. */
  readonly irrepsOut: Irreps;
  /** Change of basis Q [irrepsOut.dim, Π dᵢ] (float64, row-major). */
  readonly Q: Float64Array;
  /** Π dᵢ. */
  readonly tensorDim: number;
  private readonly qT = new Map<string, Tensor>();

  constructor(formula: string, irreps: Readonly<Record<string, IrrepsLike>>, opts: { dtype?: FloatDType; filterIrOut?: readonly string[] } = {}) {
    super();
    const who = 'ReducedTensorProducts';
    floatDType(who, opts.dtype);
    const { indices, gens } = parseFormula(formula);
    this.indices = indices;
    // an index without irreps takes those of an index it is related to (e3nn's propagation)
    const given: (IrrepsLike | undefined)[] = [...indices].map((c) => irreps[c]);
    for (let changed = true; changed;) {
      changed = false;
      for (const g of gens) g.perm.forEach((p, i) => {
        if (given[i] === undefined && given[p] !== undefined) { given[i] = given[p]; changed = true; }
        if (given[p] === undefined && given[i] !== undefined) { given[p] = given[i]; changed = true; }
      });
    }
    this.irrepsIn = [...indices].map((c, k) => {
      const v = given[k];
      if (v === undefined) throw new ValueError(`${who}: no irreps given for index "${c}" of "${formula}"`);
      const ir = Irreps.of(v);
      if (ir.dim === 0) throw new ValueError(`${who}: index "${c}" has empty irreps`);
      return ir;
    });
    for (const g of gens) g.perm.forEach((p, i) => {
      if (!this.irrepsIn[p]!.equals(this.irrepsIn[i]!)) throw new ValueError(`${who}: indices "${indices[i]}" and "${indices[p]}" are related by "${formula}" but have different irreps (${this.irrepsIn[i]} vs ${this.irrepsIn[p]})`);
    });
    const dims = this.irrepsIn.map((i) => i.dim);
    const D = dims.reduce((a, b) => a * b, 1);
    if (D > MAX_RTP_DIM) throw new ValueError(`${who}: tensor dimension ${dims.join('·')} = ${D} exceeds ${MAX_RTP_DIM}`);
    this.tensorDim = D;
    // 1. full decomposition by chained CG
    let pieces = this.single(this.irrepsIn[0]!);
    let Dprev = dims[0]!;
    for (let t = 1; t < dims.length; t++) {
      const next = this.single(this.irrepsIn[t]!);
      const dn = dims[t]!;
      const out: Piece[] = [];
      for (const a of pieces) for (const b of next) for (const ir of irrepProduct(a.ir, b.ir)) {
        const da = irrepDim(a.ir), db = irrepDim(b.ir), dk = irrepDim(ir);
        const C = cgBlock(a.ir.l, b.ir.l, ir.l).dense; // [da, db, dk]
        const Q = new Float64Array(dk * Dprev * dn);
        const s = Math.sqrt(dk);
        for (let i = 0; i < da; i++) for (let j = 0; j < db; j++) for (let k = 0; k < dk; k++) {
          const c = C[(i * db + j) * dk + k]!;
          if (c === 0) continue;
          for (let p = 0; p < Dprev; p++) {
            const qa = a.Q[i * Dprev + p]!;
            if (qa === 0) continue;
            for (let q = 0; q < dn; q++) Q[k * Dprev * dn + p * dn + q]! += s * c * qa * b.Q[j * dn + q]!;
          }
        }
        out.push({ ir, Q });
      }
      pieces = out;
      Dprev *= dn;
    }
    // 2. symmetry projector on vec(T) (row-major over the indices)
    const group = closure(dims.length, gens);
    const strides = dims.map((_, i) => dims.slice(i + 1).reduce((a, b) => a * b, 1));
    const P = new Float64Array(D * D);
    const idx = new Array<number>(dims.length).fill(0);
    for (let f = 0; f < D; f++) {
      let r = f;
      for (let i = 0; i < dims.length; i++) { idx[i] = Math.floor(r / strides[i]!); r -= idx[i]! * strides[i]!; }
      for (const g of group) {
        // (P_σ T)[idx] = T[idx∘σ]: the entry whose position i holds idx[σ(i)]
        let h = 0;
        for (let i = 0; i < dims.length; i++) h += idx[g.perm[i]!]! * strides[i]!;
        P[f * D + h]! += g.sign / group.length;
      }
    }
    // 3. per irrep type, the range of M
    const types = new Map<string, Piece[]>();
    for (const p of pieces) {
      const k = `${p.ir.l},${p.ir.p}`;
      types.set(k, [...(types.get(k) ?? []), p]);
    }
    const order = [...types.keys()].sort((a, b) => {
      const [la, pa] = a.split(',').map(Number), [lb, pb] = b.split(',').map(Number);
      const rank = (l: number, p: number): number => (p === (l % 2 === 0 ? 1 : -1) ? 0 : 1);
      return la! - lb! || rank(la!, pa!) - rank(lb!, pb!);
    });
    const filter = opts.filterIrOut?.map((s) => Irreps.parse(s).blocks[0]!.ir);
    const blocks: { mul: number; ir: Irrep }[] = [];
    const rows: Float64Array[] = [];
    for (const key of order) {
      const copies = types.get(key)!;
      const ir = copies[0]!.ir;
      if (filter && !filter.some((f) => f.l === ir.l && f.p === ir.p)) continue;
      const d = irrepDim(ir), m = copies.length;
      const QP = copies.map((c) => { // Q_c P [d, D]
        const o = new Float64Array(d * D);
        for (let a = 0; a < d; a++) for (let e = 0; e < D; e++) {
          const q = c.Q[a * D + e]!;
          if (q === 0) continue;
          for (let h = 0; h < D; h++) o[a * D + h]! += q * P[e * D + h]!;
        }
        return o;
      });
      const M = new Float64Array(m * m);
      for (let c = 0; c < m; c++) for (let c2 = 0; c2 < m; c2++) {
        let s = 0;
        const A = QP[c]!, B = copies[c2]!.Q;
        for (let t = 0; t < d * D; t++) s += A[t]! * B[t]!;
        M[c * m + c2] = s / d;
      }
      // Gram–Schmidt on the columns of M (its range = the symmetric copies)
      const basis: Float64Array[] = [];
      for (let c = 0; c < m; c++) {
        const v = Float64Array.from({ length: m }, (_, r) => M[r * m + c]!);
        for (let pass = 0; pass < 2; pass++) for (const b of basis) { let dot = 0; for (let r = 0; r < m; r++) dot += b[r]! * v[r]!; for (let r = 0; r < m; r++) v[r]! -= dot * b[r]!; }
        const n = Math.hypot(...v);
        if (n > 1e-8) basis.push(v.map((x) => x / n));
      }
      if (basis.length === 0) continue;
      for (const alpha of basis) {
        const q = new Float64Array(d * D);
        alpha.forEach((w, c) => { if (w !== 0) { const Qc = copies[c]!.Q; for (let t = 0; t < d * D; t++) q[t]! += w * Qc[t]!; } });
        rows.push(q);
      }
      blocks.push({ mul: basis.length, ir });
    }
    this.irrepsOut = new Irreps(blocks);
    const Q = new Float64Array(this.irrepsOut.dim * D);
    let off = 0;
    for (const r of rows) { Q.set(r, off); off += r.length; }
    this.Q = Q;
  }

  private single(irreps: Irreps): Piece[] {
    const out: Piece[] = [];
    irreps.blocks.forEach((b, i) => {
      const d = irrepDim(b.ir);
      for (let u = 0; u < b.mul; u++) {
        const Q = new Float64Array(d * irreps.dim);
        for (let a = 0; a < d; a++) Q[a * irreps.dim + irreps.offsets[i]! + u * d + a] = 1;
        out.push({ ir: b.ir, Q });
      }
    });
    return out;
  }

  private qTensor(dtype: FloatDType): Tensor {
    let t = this.qT.get(dtype);
    if (!t) {
      const n = this.irrepsOut.dim, D = this.tensorDim;
      const qt = new Float64Array(D * n);
      for (let r = 0; r < n; r++) for (let c = 0; c < D; c++) qt[c * n + r] = this.Q[r * D + c]!;
      t = fromData(dtype === 'float64' ? qt : Float32Array.from(qt), [D, n]);
      this.qT.set(dtype, t);
    }
    return t;
  }

  /**
   * @param xs one tensor [..., dᵢ] per index (same leading shape)
   * @returns Q·(x₁ ⊗ … ⊗ xₙ), [..., irrepsOut.dim]
   */
  forward(...xs: Tensor[]): Tensor {
    const who = 'ReducedTensorProducts';
    if (xs.length !== this.irrepsIn.length) throw new ValueError(`${who}: expected ${this.irrepsIn.length} inputs (one per index of "${this.indices}"), got ${xs.length}`);
    const x0 = xs[0]!;
    const lead = x0.shape.slice(0, -1);
    const B = lead.reduce((a, b) => a * b, 1);
    let acc: Tensor | null = null;
    let dAcc = 1;
    xs.forEach((x, i) => {
      if (!(x instanceof Tensor)) throw new ValueError(`${who}: input ${i} must be a Tensor`);
      const d = this.irrepsIn[i]!.dim;
      if (x.ndim !== lead.length + 1 || x.shape[x.ndim - 1] !== d || lead.some((s, k) => s !== x.shape[k])) throw new ShapeError(`${who}: input ${i} ${fmtShape(x.shape)} must be [${[...lead, d].join(', ')}]`);
      if (x.dtype !== x0.dtype || (x.dtype !== 'float32' && x.dtype !== 'float64')) throw new DTypeError(`${who}: inputs must all be float32 or all float64, got ${x.dtype}`);
      const xi = x.reshape([B, 1, d]);
      acc = acc === null ? xi.reshape([B, d]) : acc.reshape([B, dAcc, 1]).mul(xi).reshape([B, dAcc * d]);
      dAcc *= d;
    });
    return matmul(acc!, this.qTensor(x0.dtype as FloatDType)).reshape([...lead, this.irrepsOut.dim]);
  }

  extraRepr(): string {
    return `${this.indices}: ${this.irrepsIn.join(' ⊗ ')} → ${this.irrepsOut}`;
  }
}
