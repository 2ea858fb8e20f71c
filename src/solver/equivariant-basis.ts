/**
 * equivariantBasis(repIn, repOut): an orthonormal basis of Hom_G(repIn, repOut), i.e. of the
 * weight matrices W (sizeOut×sizeIn) with ρ_out(g) W = W ρ_in(g), flattened row-major:
 * vec_r(W) ∈ null(C) for ρ = ρ_out ⊗ ρ_in* (docs/design/equivariant-layers.md, docs/design/solver.md).
 *
 * Block structure: both reps are direct sums ⊕ mᵢ·aᵢ and ⊕ nⱼ·bⱼ; the constraint is block
 * diagonal over summand pairs, so Hom_G = ⊕ᵢⱼ Hom_G(aᵢ, bⱼ)^{mᵢnⱼ}. Each distinct pair (aᵢ, bⱼ) is
 * solved once (orbit counting or dense nullspace) and reused for every copy.
 * @module
 */
import { hom } from '../rep/index.js';
import type { Rep } from '../rep/index.js';
import { ContractError, ValueError } from '../util/index.js';
import type { BasisCache } from './cache.js';
import { explainEmpty } from './explain.js';
import { denseInvariants, invariants } from './invariants.js';
import { irrepsHomBasis } from './irreps-path.js';
import { iterativeInvariants } from './iterative.js';
import { krylovInvariants } from './krylov.js';
import { productInvariants } from './product-path.js';
import type { InvariantBasis } from './invariants.js';

/** One block of the basis: the map from input copy at `inOffset` to output copy at `outOffset`. */
export interface BasisBlock {
  readonly outOffset: number;
  readonly inOffset: number;
  readonly outSize: number;
  readonly inSize: number;
  /** First global basis column of this block. */
  readonly colOffset: number;
  /** The solved Hom_G(a, b): (outSize·inSize)×dim row-major, shared between copies. */
  readonly basis: InvariantBasis;
}

/**
 * One pair of sum terms (output term `outTerm`, input term `inTerm`) of Hom_G(repIn, repOut): the
 * block of the weight matrix mapping the `inMult` copies of the input summand (each `inSize` wide,
 * starting at `inOffset`) to the `outMult` copies of the output summand (starting at `outOffset`).
 * Every copy pair shares `basis`, so a layer needs `outMult·inMult·basis.dim` coefficients here.
 */
export interface TermPair {
  readonly outTerm: number;
  readonly inTerm: number;
  readonly outOffset: number;
  readonly inOffset: number;
  readonly outMult: number;
  readonly inMult: number;
  readonly outSize: number;
  readonly inSize: number;
  /** The solved Hom_G(input summand, output summand) (dim may be 0), shared between pairs of equal summands. */
  readonly basis: InvariantBasis;
}

/** Options of the solver. */
export interface SolverOptions {
  /** Explicit cache shared between calls (keyed by tolerance and canonical rep keys). */
  readonly cache?: BasisCache;
  /** Relative singular-value tolerance of the dense path (default 1e-6 on the Gram route). */
  readonly tol?: number;
  /**
   * Which path to use for each summand pair: `'auto'` (default: orbit counting for signed
   * permutation actions, irreps/CG for SO(3)/O(3) reps built from V and irreps, else dense) or
   * `'dense'` to force the generic nullspace (the cross-check), `'iterative'` for the matrix-free
   * solver of Chebyshev subspace iteration, `'krylov'` for the matrix-free LOBPCG path (automatic
   * for summand pairs larger than DENSE_LIMIT, and for tensor words of non-compact groups from
   * KRYLOV_MIN on; docs/design/solver.md).
   */
  readonly method?: 'auto' | 'dense' | 'iterative' | 'krylov';
  /** Throw ContractError (with the explanation) when the basis is empty. */
  readonly requireNonEmpty?: boolean;
}

/** Largest N·r for which `Q` may be materialised densely. */
export const MAX_DENSE_Q = 50_000_000;

/** An orthonormal basis of Hom_G(repIn, repOut) in block form, with a lazily dense Q. */
export class EquivariantBasis {
  /** Number of basis elements r. */
  readonly dim: number;
  /** N = sizeOut·sizeIn. */
  readonly n: number;
  private dense: Float64Array | null = null;

  constructor(
    readonly repIn: Rep,
    readonly repOut: Rep,
    readonly blocks: readonly BasisBlock[],
    /** The same basis per pair of sum terms (output terms outer, input terms inner), for layers that keep multiplicities. */
    readonly pairs: readonly TermPair[],
    /** Smallest spectral gap over the solved pairs (Infinity when all were exact). */
    readonly gap: number,
    /** The paths used, joined by `+`: `'orbit'`, `'dense'`, `'irreps'`, `'krylov'`, e.g. `'dense+orbit'`. */
    readonly method: string,
    /** Why the basis is empty (only when dim = 0). */
    readonly explanation: string | undefined,
  ) {
    this.dim = blocks.reduce((s, b) => s + b.basis.dim, 0);
    this.n = repIn.size * repOut.size;
  }

  /** Q: N×r row-major with orthonormal columns (materialised on first access). */
  get Q(): Float64Array {
    if (this.dense) return this.dense;
    if (this.n * this.dim > MAX_DENSE_Q) {
      throw new ValueError(`EquivariantBasis.Q: ${this.n}×${this.dim} is too large to materialise; use blocks/apply()`);
    }
    const r = this.dim;
    const nin = this.repIn.size;
    const Q = new Float64Array(this.n * r);
    for (const b of this.blocks) {
      const k = b.basis.dim;
      for (let p = 0; p < b.outSize; p++) {
        for (let q = 0; q < b.inSize; q++) {
          const row = (b.outOffset + p) * nin + b.inOffset + q;
          const src = (p * b.inSize + q) * k;
          for (let c = 0; c < k; c++) Q[row * r + b.colOffset + c] = b.basis.Q[src + c]!;
        }
      }
    }
    this.dense = Q;
    return Q;
  }

  /** W = reshape(Q·c): the weight matrix (sizeOut×sizeIn row-major) with coefficients c ∈ R^r. */
  apply(coeffs: Float64Array): Float64Array {
    if (coeffs.length !== this.dim) throw new ValueError(`EquivariantBasis.apply: ${coeffs.length} coefficients for dim ${this.dim}`);
    const nin = this.repIn.size;
    const W = new Float64Array(this.n);
    for (const b of this.blocks) {
      const k = b.basis.dim;
      if (k === 0) continue;
      for (let p = 0; p < b.outSize; p++) {
        for (let q = 0; q < b.inSize; q++) {
          const src = (p * b.inSize + q) * k;
          let s = 0;
          for (let c = 0; c < k; c++) s += b.basis.Q[src + c]! * coeffs[b.colOffset + c]!;
          W[(b.outOffset + p) * nin + b.inOffset + q] = s;
        }
      }
    }
    return W;
  }

  /** c = Qᵀ vec_r(W): coefficients of the orthogonal projection of W onto the basis. */
  project(W: Float64Array): Float64Array {
    if (W.length !== this.n) throw new ValueError(`EquivariantBasis.project: W has ${W.length} entries, expected ${this.n}`);
    const nin = this.repIn.size;
    const c = new Float64Array(this.dim);
    for (const b of this.blocks) {
      const k = b.basis.dim;
      for (let p = 0; p < b.outSize; p++) {
        for (let q = 0; q < b.inSize; q++) {
          const w = W[(b.outOffset + p) * nin + b.inOffset + q]!;
          if (w === 0) continue;
          const src = (p * b.inSize + q) * k;
          for (let t = 0; t < k; t++) c[b.colOffset + t]! += b.basis.Q[src + t]! * w;
        }
      }
    }
    return c;
  }
}

/** Invariants of one rep by the automatic path choice (recursing through product groups). */
function solveAuto(r: Rep): InvariantBasis {
  return productInvariants(r, solveAuto) ?? invariants(r);
}

function solvePair(a: Rep, b: Rep, opts: SolverOptions): InvariantBasis {
  const H = hom(a, b);
  const key = `${opts.method ?? 'auto'}|${opts.tol ?? 'default'}|${H.key}`;
  const hit = opts.cache?.get(key);
  if (hit) return hit;
  const sol =
    opts.method === 'dense' ? denseInvariants(H, opts.tol)
      : opts.method === 'iterative' ? iterativeInvariants(H, opts.tol !== undefined ? { tol: opts.tol } : {})
        : opts.method === 'krylov' ? krylovInvariants(H, opts.tol !== undefined ? { tol: opts.tol } : {})
        : (irrepsHomBasis(a, b) ?? productInvariants(H, solveAuto) ?? invariants(H, opts.tol));
  opts.cache?.set(key, sol);
  return sol;
}

/**
 * Orthonormal basis of Hom_G(repIn, repOut) (equivariant linear maps repIn → repOut).
 * The bias basis of a layer is `equivariantBasis(Scalar(G), repOut)`.
 * @example
 * ```ts
 * const G = SO(3);
 * const B = equivariantBasis(parseRep('V^2', G), V(G)); // B.dim === 1 (Levi-Civita)
 * ```
 */
export function equivariantBasis(repIn: Rep, repOut: Rep, opts: SolverOptions = {}): EquivariantBasis {
  if (repIn.group.key !== repOut.group.key) {
    throw new ValueError(`equivariantBasis: reps of different groups ${repIn.group.key} and ${repOut.group.key}`);
  }
  const local = new Map<string, InvariantBasis>();
  const blocks: BasisBlock[] = [];
  const pairs: TermPair[] = [];
  let gap = Infinity;
  const methods = new Set<string>();
  const outTerms = repOut.terms(), inTerms = repIn.terms();
  // each distinct pair of summands is solved once; `pairs` lists the term pairs in order
  let outStart = 0;
  outTerms.forEach((to, i) => {
    let inStart = 0;
    inTerms.forEach((ti, j) => {
      const pk = `${ti.rep.key}->${to.rep.key}`;
      let sol = local.get(pk);
      if (!sol) {
        sol = solvePair(ti.rep, to.rep, opts);
        local.set(pk, sol);
        gap = Math.min(gap, sol.gap);
        methods.add(sol.method);
      }
      pairs.push({ outTerm: i, inTerm: j, outOffset: outStart, inOffset: inStart, outMult: to.mult, inMult: ti.mult, outSize: to.rep.size, inSize: ti.rep.size, basis: sol });
      inStart += ti.mult * ti.rep.size;
    });
    outStart += to.mult * to.rep.size;
  });
  // the copy blocks, columns numbered output copy outer, then input term and copy
  let col = 0;
  let outOff = 0;
  for (const to of outTerms) {
    const b = to.rep;
    for (let co = 0; co < to.mult; co++) {
      let inOff = 0;
      for (const ti of inTerms) {
        const a = ti.rep;
        const sol = local.get(`${a.key}->${b.key}`)!;
        for (let ci = 0; ci < ti.mult; ci++) {
          if (sol.dim > 0) {
            blocks.push({ outOffset: outOff, inOffset: inOff, outSize: b.size, inSize: a.size, colOffset: col, basis: sol });
            col += sol.dim;
          }
          inOff += a.size;
        }
      }
      outOff += b.size;
    }
  }
  const method = [...methods].sort().join('+');
  const explanation = col === 0 ? explainEmpty(repIn, repOut) : undefined;
  if (col === 0 && opts.requireNonEmpty) throw new ContractError(explanation!);
  return new EquivariantBasis(repIn, repOut, blocks, pairs, gap, method, explanation);
}
