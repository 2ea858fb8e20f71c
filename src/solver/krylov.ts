/**
 * Krylov path of the solver (docs/design/solver.md, "Krylov path"): invariants of a tensor word
 * W = ⊗ⱼ V^{(εⱼ)} (εⱼ ∈ {V, V*}) of a matrix group with a Lie algebra, without ever forming a
 * dense N×N matrix (N = d^k).
 *
 * 1. **Weight restriction.** A symmetric Lie generator H (a Lorentz boost, a diagonal Sp
 *    generator) is diagonalised once in the defining rep, H = S D Sᵀ with S orthogonal. In the basis
 *    U = S^{⊗k}, dρ(H) is diagonal with entry Σⱼ ±D_{iⱼ} on the index tuple (i₁…i_k), so every
 *    invariant lives on the zero-weight tuples (924 of 4096 for V^{⊗6} of SO⁺(1,3)).
 * 2. **Signed-permutation generators** (parity, time reversal, −I: signed permutations also in the
 *    new basis) are solved exactly by orbits on those tuples (union–find with signs); orbits that
 *    touch a nonzero weight or carry a sign conflict vanish. This gives an orthonormal sparse Q₁.
 * 3. **Gram operator** on span Q₁: y ↦ Q₁ᵀ Σᵢ BᵢᵀBᵢ Q₁y with Bᵢ = dρ(Aᵢ) = Σⱼ I⊗…⊗S ᵀAᵢS⊗…⊗I
 *    (a Kronecker sum, applied mode by mode with the 4×4 matrices) for the other Lie generators and
 *    Bᵢ = ρ(h) − I for discrete generators that are not signed permutations; its nullspace by block
 *    LOBPCG (`lobpcgNullspace`), or by a dense eigensolve when Q₁ has at most `denseReduced` columns.
 * 4. Q = U·Q₁·Y, orthonormal in f64; the true residual ‖Bq‖ of every original constraint is
 *    recomputed from the rep (`applyRep`) and must be ≤ 1e-8 relative.
 *
 * Reps that are not tensor words (or groups without a symmetric generator) use the same LOBPCG on
 * the plain matrix-free Gram operator.
 * @module
 */
import { choleskySolve, csrAdd, csrDiag, csrFromTriplets, inverse, sparseCholesky, symmetricEigen, transpose } from '../linalg/index.js';
import type { CsrMatrix } from '../linalg/index.js';
import { csrGramSum } from '../linalg/sparse-gram.js';
import { ConvergenceError, SpectralGapError, lobpcgNullspace } from '../linalg/lobpcg.js';
import type { BlockOperator, LobpcgOptions, LobpcgResult } from '../linalg/lobpcg.js';
import { applyRep } from '../rep/index.js';
import type { Rep } from '../rep/index.js';
import { SizeError } from '../util/index.js';
import type { Generators, InvariantBasis } from './invariants.js';
import { signedOrbits } from './signed-orbits.js';

/** Options of the Krylov path. */
export interface KrylovOptions extends Pick<LobpcgOptions, 'tol' | 'gapRatio' | 'block' | 'maxIter' | 'seed' | 'expectedDim'> {
  /** Largest reduced size solved by a dense eigensolve instead of LOBPCG (default 160; 0 forces LOBPCG). */
  readonly denseReduced?: number;
  /** Use the weight/orbit reduction when it applies (default true). */
  readonly reduce?: boolean;
}

/** Statistics of a Krylov solve (carried by the returned basis as `krylov`). */
export interface KrylovStats {
  /** Rep size N. */
  readonly n: number;
  /** Columns of Q₁ after the weight/orbit reduction (N when not reduced). */
  readonly reduced: number;
  /** Nullspace dimension found. */
  readonly dim: number;
  /** LOBPCG iterations and operator applications (columns). */
  readonly iterations: number;
  readonly matvecs: number;
  /** Largest null residual ‖Gy‖ of the reduced problem. */
  readonly residual: number;
  /** How the reduced problem was decided. */
  readonly route: 'lobpcg' | 'dense-reduced' | 'exact';
  /** Whether a shift-invert preconditioner was used. */
  readonly preconditioned: boolean;
}

/** Largest rep size the Krylov path accepts (index arrays of N entries are allocated). */
export const KRYLOV_MAX_N = 2 ** 22;

/** The modes of a tensor word in V, V* (false = V, true = V*), or null. */
export function wordModes(rep: Rep): boolean[] | null {
  const nd = rep.node;
  if (nd.kind === 'leaf') {
    if (nd.leaf.name === 'V') return [false];
    if (nd.leaf.name === 'Scalar') return [];
    return null;
  }
  if (nd.kind === 'dual') {
    const inner = wordModes(nd.of);
    return inner ? inner.map((d) => !d) : null;
  }
  if (nd.kind === 'tensor') {
    const out: boolean[] = [];
    for (const f of nd.factors) {
      const w = wordModes(f.rep);
      if (!w) return null;
      for (let k = 0; k < f.power; k++) out.push(...w);
    }
    return out;
  }
  if (nd.kind === 'sum' && nd.terms.length === 1 && nd.terms[0]!.mult === 1) return wordModes(nd.terms[0]!.rep);
  return null;
}

function isSymmetric(a: Float64Array, d: number): boolean {
  let nz = false;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      if (Math.abs(a[i * d + j]! - a[j * d + i]!) > 1e-14) return false;
      if (a[i * d + j] !== 0) nz = true;
    }
  }
  return nz;
}

/** Whether some Lie generator is symmetric (then the weight restriction applies). */
export function hasSymmetricGenerator(d: number, gens: Generators): boolean {
  return gens.lieAlgebra.some((A) => isSymmetric(A, d));
}

/** SᵀMS for d×d matrices. */
function conj(S: Float64Array, M: Float64Array, d: number): Float64Array {
  const out = new Float64Array(d * d);
  const MS = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) {
    const m = M[i * d + k]!;
    if (m !== 0) for (let j = 0; j < d; j++) MS[i * d + j]! += m * S[k * d + j]!;
  }
  for (let k = 0; k < d; k++) for (let i = 0; i < d; i++) {
    const s = S[k * d + i]!;
    if (s !== 0) for (let j = 0; j < d; j++) out[i * d + j]! += s * MS[k * d + j]!;
  }
  for (let i = 0; i < out.length; i++) if (Math.abs(out[i]!) < 1e-14) out[i] = 0;
  return out;
}

/**
 * Orthogonal eigenbasis S of a symmetric H whose degenerate eigenspaces are snapped to coordinate
 * vectors when they are coordinate subspaces (so that diagonal discrete generators stay signed
 * permutations). Columns of S are eigenvectors.
 */
function eigenBasis(H: Float64Array, d: number): { S: Float64Array; D: Float64Array } {
  const { values, vectors } = symmetricEigen(H, d);
  const S = Float64Array.from(vectors);
  const scale = Math.max(1e-300, ...Array.from(values, Math.abs));
  let a = 0;
  while (a < d) {
    let b = a + 1;
    while (b < d && Math.abs(values[b]! - values[a]!) <= 1e-12 * scale) b++;
    if (b - a > 1) {
      // projector onto the eigenspace; a coordinate subspace ⇔ diagonal 0/1 projector
      const idx: number[] = [];
      let coord = true;
      for (let i = 0; i < d && coord; i++) {
        for (let j = 0; j < d; j++) {
          let p = 0;
          for (let c = a; c < b; c++) p += S[i * d + c]! * S[j * d + c]!;
          const want = i === j ? Math.round(p) : 0;
          if (Math.abs(p - want) > 1e-12) { coord = false; break; }
          if (i === j && want === 1) idx.push(i);
        }
      }
      if (coord && idx.length === b - a) {
        for (let c = a; c < b; c++) for (let i = 0; i < d; i++) S[i * d + c] = i === idx[c - a] ? 1 : 0;
      }
    }
    a = b;
  }
  // canonical signs: the largest entry of each column positive; exact zeros/ones cleaned
  for (let c = 0; c < d; c++) {
    let best = 0;
    for (let i = 0; i < d; i++) if (Math.abs(S[i * d + c]!) > Math.abs(best) + 1e-12) best = S[i * d + c]!;
    if (best < 0) for (let i = 0; i < d; i++) S[i * d + c] = -S[i * d + c]!;
  }
  return { S, D: values };
}

/** A d×d matrix as a signed permutation (column a ↦ row perm[a] with sign), or null. */
function smallSignedPerm(M: Float64Array, d: number): { perm: Int32Array; sign: Int8Array } | null {
  const perm = new Int32Array(d).fill(-1);
  const sign = new Int8Array(d);
  for (let a = 0; a < d; a++) {
    for (let i = 0; i < d; i++) {
      const v = M[i * d + a]!;
      if (Math.abs(v) < 1e-12) continue;
      if (Math.abs(Math.abs(v) - 1) > 1e-12 || perm[a] !== -1) return null;
      perm[a] = i;
      sign[a] = v > 0 ? 1 : -1;
    }
    if (perm[a] === -1) return null;
  }
  return { perm, sign };
}

/** Sparse d×d matrix entries (row, col, value). */
interface Entries { readonly r: Int32Array; readonly c: Int32Array; readonly v: Float64Array }

function entries(M: Float64Array, d: number): Entries {
  const r: number[] = [], c: number[] = [], v: number[] = [];
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) if (M[i * d + j] !== 0) { r.push(i); c.push(j); v.push(M[i * d + j]!); }
  return { r: Int32Array.from(r), c: Int32Array.from(c), v: Float64Array.from(v) };
}

/** y = (⊗ⱼ Mⱼ) x by successive dense mode products. */
function kronApply(mats: readonly Float64Array[], d: number, k: number, x: Float64Array, transposed: boolean): Float64Array {
  let cur = x;
  const N = x.length;
  let post = N;
  for (let j = 0; j < k; j++) {
    post /= d;
    const M = mats[j]!;
    const y = new Float64Array(N);
    const blk = d * post;
    for (let p = 0; p < N; p += blk) {
      for (let a = 0; a < d; a++) {
        for (let b = 0; b < d; b++) {
          const m = transposed ? M[b * d + a]! : M[a * d + b]!;
          if (m === 0) continue;
          const ya = p + a * post, xb = p + b * post;
          for (let q = 0; q < post; q++) y[ya + q]! += m * cur[xb + q]!;
        }
      }
    }
    cur = y;
  }
  return cur;
}

/** Orbits of the reduced coordinates: a sparse orthonormal Q₁ (column c: members, signs, 1/√size). */
interface Reduction {
  readonly cols: number;
  readonly start: Int32Array; // CSR over columns
  readonly idx: Int32Array;
  readonly val: Float64Array;
}

/** The exact reduction by the signed-permutation orbits of the N tuples (signed-orbits.ts) as a sparse orthonormal basis, columns by orbit; `dead0` marks tuples that must vanish. */
function orbitReduction(N: number, dead0: Uint8Array, perms: readonly { perm: Int32Array; sign: Int8Array }[]): Reduction {
  const { col, sign, sizes } = signedOrbits(N, perms, dead0);
  const cols = sizes.length;
  const start = new Int32Array(cols + 1);
  for (let c = 0; c < cols; c++) start[c + 1] = start[c]! + sizes[c]!;
  const fill = Int32Array.from(start.subarray(0, cols));
  const idx = new Int32Array(start[cols]!);
  const val = new Float64Array(start[cols]!);
  for (let i = 0; i < N; i++) {
    const c = col[i]!;
    if (c < 0) continue;
    const p = fill[c]!++;
    idx[p] = i;
    val[p] = sign[i]! / Math.sqrt(sizes[c]!);
  }
  return { cols, start, idx, val };
}

/** The structured problem: basis change, reduction and remaining constraints. */
interface Structured {
  readonly d: number;
  readonly k: number;
  readonly N: number;
  readonly S: Float64Array | null;
  readonly red: Reduction;
  readonly lie: Entries[][]; // per remaining Lie generator, per mode
  readonly disc: Float64Array[][]; // per remaining discrete generator, per mode (dense d×d)
}

function buildStructured(rep: Rep, gens: Generators, modes: boolean[], reduce: boolean): Structured {
  const d = rep.group.d;
  const k = modes.length;
  const N = rep.size;
  const lieGens = gens.lieAlgebra;
  const Hi = reduce ? lieGens.findIndex((A) => isSymmetric(A, d)) : -1;
  let S: Float64Array | null = null;
  let D: Float64Array | null = null;
  if (Hi >= 0) ({ S, D } = eigenBasis(lieGens[Hi]!, d));
  const tr = (M: Float64Array): Float64Array => (S ? conj(S, M, d) : M);
  // per mode type: transformed Lie and discrete matrices
  const lieV = lieGens.map((A) => tr(A));
  const lieVd = lieGens.map((A) => tr(transpose(A, d, d).map((x) => -x)));
  const discV = gens.discreteGenerators.map((h) => tr(h));
  const discVd = gens.discreteGenerators.map((h) => tr(transpose(inverse(h), d, d)));
  // weights
  const dead = new Uint8Array(N);
  if (D) {
    const w = new Float64Array(N);
    const scale = Math.max(...Array.from(D, Math.abs));
    let post = N;
    for (let j = 0; j < k; j++) {
      post /= d;
      const sgn = modes[j] ? -1 : 1;
      for (let i = 0; i < N; i++) w[i]! += sgn * D[Math.floor(i / post) % d]!;
    }
    for (let i = 0; i < N; i++) if (Math.abs(w[i]!) > 1e-9 * scale) dead[i] = 1;
  }
  // discrete generators that are signed permutations on every mode
  const perms: { perm: Int32Array; sign: Int8Array }[] = [];
  const disc: Float64Array[][] = [];
  gens.discreteGenerators.forEach((_, g) => {
    const per = modes.map((dual) => (dual ? discVd[g]! : discV[g]!));
    const sp = reduce ? per.map((M) => smallSignedPerm(M, d)) : [null];
    if (sp.every((x) => x !== null)) {
      const perm = new Int32Array(N);
      const sign = new Int8Array(N);
      for (let i = 0; i < N; i++) {
        let t = i, out = 0, s = 1, mul = 1;
        for (let j = k - 1; j >= 0; j--) {
          const a = t % d;
          t = Math.floor(t / d);
          const p = sp[j]!;
          out += p.perm[a]! * mul;
          s *= p.sign[a]!;
          mul *= d;
        }
        perm[i] = out;
        sign[i] = s;
      }
      perms.push({ perm, sign });
    } else disc.push(per);
  });
  const red = orbitReduction(N, dead, perms);
  const lie: Entries[][] = [];
  lieGens.forEach((_, g) => {
    if (g === Hi) return;
    const per = modes.map((dual) => entries(dual ? lieVd[g]! : lieV[g]!, d));
    if (per.some((e) => e.v.length > 0)) lie.push(per);
  });
  return { d, k, N, S, red, lie, disc };
}

/**
 * The reduced Gram operator y ↦ Q₁ᵀ Σ BᵢᵀBᵢ Q₁ y: the Lie part assembled once as a sparse matrix
 * Σ (BᵢQ₁)ᵀ(BᵢQ₁) (BᵢQ₁ has at most k·nnz(Aᵢ)·|orbit| entries per column), the discrete
 * non-permutation part applied matrix-free by Kronecker mode products.
 */
function reducedOperator(st: Structured): { apply: (Y: Float64Array, m: number) => Float64Array; G: CsrMatrix } {
  const { d, k, N, red } = st;
  const n = red.cols;
  // B Q₁ for each remaining Lie generator, as triplets (row in N, column c)
  const bqs: CsrMatrix[] = st.lie.map((g) => {
    const ti: number[] = [], tj: number[] = [], tv: number[] = [];
    for (let c = 0; c < n; c++) {
      for (let p = red.start[c]!; p < red.start[c + 1]!; p++) {
        const i = red.idx[p]!, w = red.val[p]!;
        let post = N;
        for (let j = 0; j < k; j++) {
          post /= d;
          const ij = Math.floor(i / post) % d;
          const e = g[j]!;
          for (let t = 0; t < e.v.length; t++) {
            if (e.c[t] !== ij) continue;
            ti.push(i + (e.r[t]! - ij) * post);
            tj.push(c);
            tv.push(w * e.v[t]!);
          }
        }
      }
    }
    return csrFromTriplets(N, n, ti, tj, tv, 'krylovInvariants');
  });
  const G = csrGramSum(bqs, n);
  const x = new Float64Array(N);
  return {
    G,
    apply: (Y, m) => {
      const out = new Float64Array(n * m);
      for (let col = 0; col < m; col++) {
        const o = col * n;
        for (let r = 0; r < n; r++) {
          let s = 0;
          for (let p = G.rowPtr[r]!; p < G.rowPtr[r + 1]!; p++) s += G.values[p]! * Y[o + G.colIdx[p]!]!;
          out[o + r] = s;
        }
        if (st.disc.length === 0) continue;
        x.fill(0);
        for (let c = 0; c < n; c++) {
          const yc = Y[o + c]!;
          if (yc === 0) continue;
          for (let p = red.start[c]!; p < red.start[c + 1]!; p++) x[red.idx[p]!] = red.val[p]! * yc;
        }
        const acc = new Float64Array(N);
        for (const g of st.disc) {
          const hx = kronApply(g, d, k, x, false);
          for (let i = 0; i < N; i++) hx[i]! -= x[i]!;
          const t = kronApply(g, d, k, hx, true);
          for (let i = 0; i < N; i++) acc[i]! += t[i]! - hx[i]!;
        }
        for (let c = 0; c < n; c++) {
          let s = 0;
          for (let p = red.start[c]!; p < red.start[c + 1]!; p++) s += red.val[p]! * acc[red.idx[p]!]!;
          out[o + c]! += s;
        }
      }
      return out;
    },
  };
}

/** Largest reduced size for which the shift-invert preconditioner is factored. */
const MAX_FACTOR = 20_000;

/** Relative shift σ/‖G‖∞ of the shift-invert preconditioner (G + σI)⁻¹. */
const SHIFT = 1e-5;

/**
 * Shift-invert preconditioner T = (G + σI)⁻¹ by sparse Cholesky (nested dissection), σ = 1e-5·‖G‖∞:
 * for LOBPCG on a PSD G this is an inverse-iteration step on the residual, so null vectors converge
 * by a factor ≈ σ/(λ₁ + σ) per iteration. Undefined when the factor cannot be built.
 */
function shiftInvert(G: CsrMatrix): BlockOperator | undefined {
  const n = G.rows;
  let norm = 0;
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let p = G.rowPtr[r]!; p < G.rowPtr[r + 1]!; p++) s += Math.abs(G.values[p]!);
    norm = Math.max(norm, s);
  }
  if (norm === 0) return undefined;
  const f = sparseCholesky(csrAdd(G, csrDiag(new Float64Array(n).fill(SHIFT * norm))));
  return (R, m) => {
    const out = new Float64Array(n * m);
    for (let j = 0; j < m; j++) out.set(choleskySolve(f, R.subarray(j * n, (j + 1) * n)), j * n);
    return out;
  };
}

/** The plain matrix-free Gram operator Σ BᵢᵀBᵢ through `applyRep` (reps that are not words). */
function plainOperator(rep: Rep, gens: Generators): (X: Float64Array, m: number) => Float64Array {
  const N = rep.size;
  return (X, m) => {
    const out = new Float64Array(N * m);
    for (let col = 0; col < m; col++) {
      const x = X.subarray(col * N, (col + 1) * N);
      const o = out.subarray(col * N, (col + 1) * N);
      for (const h of gens.discreteGenerators) {
        const bx = applyRep(rep, 'rho', h, x);
        for (let i = 0; i < N; i++) bx[i]! -= x[i]!;
        const t = applyRep(rep, 'rho', h, bx, true);
        for (let i = 0; i < N; i++) o[i]! += t[i]! - bx[i]!;
      }
      for (const A of gens.lieAlgebra) {
        const t = applyRep(rep, 'drho', A, applyRep(rep, 'drho', A, x), true);
        for (let i = 0; i < N; i++) o[i]! += t[i]!;
      }
    }
    return out;
  };
}

/** Dense nullspace of a small reduced Gram operator (n ≤ denseReduced), same decision rule. */
function denseReducedNullspace(A: (Y: Float64Array, m: number) => Float64Array, n: number, tol: number, gapRatio: number, label: string): { basis: Float64Array; dim: number; gap: number } {
  const I = new Float64Array(n * n);
  for (let i = 0; i < n; i++) I[i * n + i] = 1;
  const G = A(I, n); // column-major = row-major for a symmetric matrix
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) G[i * n + j] = G[j * n + i] = 0.5 * (G[i * n + j]! + G[j * n + i]!);
  const { values, vectors } = symmetricEigen(G, n);
  const lmax = Math.max(values[n - 1] ?? 0, 0);
  if (lmax === 0) return { basis: I, dim: n, gap: Infinity };
  const thr = tol * tol * lmax;
  let q = 0;
  while (q < n && values[q]! <= thr) q++;
  if (q < n && values[q]! < gapRatio * thr) {
    throw new SpectralGapError(`krylovInvariants(${label}): eigenvalue ${values[q]!.toExponential(3)} of the reduced Gram matrix lies in the ambiguity band (${thr.toExponential(3)}, ${(gapRatio * thr).toExponential(3)})`);
  }
  const basis = new Float64Array(n * q);
  for (let i = 0; i < n; i++) for (let j = 0; j < q; j++) basis[i * q + j] = vectors[i * n + j]!;
  const gap = q === 0 || q === n ? Infinity : Math.sqrt(values[q]! / Math.max(values[q - 1]!, 1e-32 * lmax));
  return { basis, dim: q, gap };
}

/**
 * Invariants of `rep` by the Krylov path (see module doc). Throws ConvergenceError /
 * SpectralGapError naming the rep and group when the iteration cap is hit or the gap is ambiguous.
 */
export function krylovInvariants(rep: Rep, opts: KrylovOptions = {}, gens: Generators = rep.group): InvariantBasis {
  const N = rep.size;
  const tol = opts.tol ?? 1e-6;
  const gapRatio = opts.gapRatio ?? 1e4;
  const label = `invariants of ${rep.toString()} under ${rep.group.key}`;
  if (N > KRYLOV_MAX_N) throw new SizeError(`krylovInvariants(${label}): size ${N} exceeds KRYLOV_MAX_N = ${KRYLOV_MAX_N}`);
  const modes = wordModes(rep);
  const lob = (A: BlockOperator, n: number, precondition?: BlockOperator): LobpcgResult =>
    lobpcgNullspace(A, n, {
      tol, gapRatio, label,
      ...(precondition ? { precondition } : {}),
      ...(opts.block !== undefined ? { block: opts.block } : {}),
      ...(opts.maxIter !== undefined ? { maxIter: opts.maxIter } : {}),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      ...(opts.expectedDim !== undefined ? { expectedDim: opts.expectedDim } : {}),
    });
  if (!modes || modes.length === 0 || rep.group.d ** modes.length !== N) {
    const r = lob(plainOperator(rep, gens), N);
    const krylov: KrylovStats = { n: N, reduced: N, dim: r.dim, iterations: r.iterations, matvecs: r.matvecs, residual: r.residual, route: r.route === 'dense' ? 'dense-reduced' : 'lobpcg', preconditioned: false };
    verify(rep, gens, r.basis, r.dim, label, tol);
    return { Q: r.basis, n: N, dim: r.dim, gap: r.gap, method: 'krylov', krylov };
  }
  const st = buildStructured(rep, gens, modes, opts.reduce ?? true);
  const n1 = st.red.cols;
  let Y: Float64Array, dim: number, gap: number;
  let route: KrylovStats['route'];
  let iterations = 0, matvecs = 0, residual = 0, preconditioned = false;
  const red = reducedOperator(st);
  const A = red.apply;
  if (n1 === 0) {
    Y = new Float64Array(0); dim = 0; gap = Infinity; route = 'exact';
  } else if (st.lie.length === 0 && st.disc.length === 0) {
    Y = new Float64Array(n1 * n1);
    for (let i = 0; i < n1; i++) Y[i * n1 + i] = 1;
    dim = n1; gap = Infinity; route = 'exact';
  } else if (n1 <= (opts.denseReduced ?? 160)) {
    ({ basis: Y, dim, gap } = denseReducedNullspace(A, n1, tol, gapRatio, label));
    route = 'dense-reduced';
    matvecs = n1;
    if (opts.expectedDim !== undefined && opts.expectedDim !== dim) {
      throw new SpectralGapError(`krylovInvariants(${label}): dimension ${dim} differs from the expected ${opts.expectedDim}`);
    }
  } else {
    const pre = st.disc.length === 0 && n1 <= MAX_FACTOR ? shiftInvert(red.G) : undefined;
    const r = lob(A, n1, pre);
    ({ basis: Y, dim, gap, iterations, matvecs, residual } = r);
    route = r.route === 'dense' ? 'dense-reduced' : 'lobpcg';
    preconditioned = pre !== undefined && r.route === 'lobpcg';
  }
  // Q = U Q₁ Y (N×dim row-major)
  const Q = new Float64Array(N * dim);
  if (dim > 0) {
    const col = new Float64Array(N);
    for (let t = 0; t < dim; t++) {
      col.fill(0);
      for (let c = 0; c < n1; c++) {
        const y = Y[c * dim + t]!;
        if (y === 0) continue;
        for (let p = st.red.start[c]!; p < st.red.start[c + 1]!; p++) col[st.red.idx[p]!] = st.red.val[p]! * y;
      }
      const q = st.S ? kronApply(Array.from({ length: st.k }, () => st.S!), st.d, st.k, col, false) : col;
      for (let i = 0; i < N; i++) Q[i * dim + t] = q[i]!;
    }
  }
  const krylov: KrylovStats = { n: N, reduced: n1, dim, iterations, matvecs, residual, route, preconditioned };
  verify(rep, gens, Q, dim, label, tol);
  return { Q, n: N, dim, gap, method: 'krylov', krylov };
}

/**
 * True residual check from the rep itself: max ‖B q‖ ≤ max(1e-8, 2·tol)·d·max|B| for every
 * original constraint B and column q (the decision accepts σ ≤ tol·σ_max, so no more is implied).
 */
function verify(rep: Rep, gens: Generators, Q: Float64Array, dim: number, label: string, tol: number): void {
  if (dim === 0) return;
  const N = rep.size;
  const col = new Float64Array(N);
  const d = rep.group.d;
  const scaleOf = (M: Float64Array): number => Math.max(1, ...Array.from(M, Math.abs)) * d;
  let worst = 0;
  for (let t = 0; t < dim; t++) {
    for (let i = 0; i < N; i++) col[i] = Q[i * dim + t]!;
    for (const h of gens.discreteGenerators) {
      const y = applyRep(rep, 'rho', h, col);
      let s = 0;
      for (let i = 0; i < N; i++) s += (y[i]! - col[i]!) ** 2;
      worst = Math.max(worst, Math.sqrt(s) / scaleOf(h));
    }
    for (const A of gens.lieAlgebra) {
      const y = applyRep(rep, 'drho', A, col);
      let s = 0;
      for (let i = 0; i < N; i++) s += y[i]! ** 2;
      worst = Math.max(worst, Math.sqrt(s) / scaleOf(A));
    }
  }
  const bound = Math.max(1e-8, 2 * tol);
  if (worst > bound) throw new ConvergenceError(`krylovInvariants(${label}): verification failed, max constraint residual ${worst.toExponential(3)} > ${bound.toExponential(1)}`);
}
