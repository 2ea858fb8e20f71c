/**
 * Matrix-free nullspace of a symmetric positive semidefinite operator by block LOBPCG
 * (Knyazev, "Toward the optimal preconditioned eigensolver: locally optimal block preconditioned
 * conjugate gradient method", SIAM J. Sci. Comput. 23(2), 2001), with an explicitly
 * orthonormalised trial basis S = [X, W, P] (the "basis selection" variant, stable in f64), soft
 * locking of converged columns, block growth until the block holds non-null Ritz pairs, and a
 * spectral-gap decision with an ambiguity band (docs/design/solver.md, "Krylov path").
 *
 * Blocks are stored column-major: column j of an n×m block occupies [j·n, (j+1)·n).
 * @module
 */
import { ErlangenError, Rng } from '../util/index.js';
import { symmetricEigen } from './eigen.js';

/** The iteration cap was reached before the nullspace converged (never a silently wrong dimension). */
export class ConvergenceError extends ErlangenError {
  override name = 'ConvergenceError';
}

/**
 * A Ritz value fell in the ambiguity band between the null threshold and the gap threshold, so
 * the nullspace dimension is not decided by the spectrum at this tolerance.
 */
export class SpectralGapError extends ErlangenError {
  override name = 'SpectralGapError';
}

/** Y = A·X for an n×m column-major block X (m columns); must not modify X. */
export type BlockOperator = (X: Float64Array, m: number) => Float64Array;

/** Options of `lobpcgNullspace`. */
export interface LobpcgOptions {
  /**
   * Relative σ tolerance (default 1e-6, as the dense Gram route): a Ritz value θ of the PSD
   * operator counts as null when θ ≤ tol²·λ_max.
   */
  readonly tol?: number;
  /**
   * Required spectral gap (default 1e4): the smallest kept Ritz value must exceed gap·tol²·λ_max;
   * values between tol²·λ_max and that raise SpectralGapError.
   */
  readonly gapRatio?: number;
  /** Initial block size (default 16, at most n). */
  readonly block?: number;
  /** Non-null Ritz pairs the block must hold at the end (default 4): fewer ⇒ the block grows. */
  readonly guard?: number;
  /** Iteration cap over all block sizes (default 500). */
  readonly maxIter?: number;
  /** Seed of the random start block (an explicit `Rng` seed; default 97). */
  readonly seed?: number;
  /** Names the problem in error messages, e.g. "invariants of V^6 under SO13p". */
  readonly label?: string;
  /** Expected nullspace dimension: a different converged dimension raises SpectralGapError. */
  readonly expectedDim?: number;
  /**
   * Preconditioner T ≈ (A + σI)⁻¹ applied to the residual block (n×m column-major), e.g. a sparse
   * Cholesky shift-invert; the decision rule is unchanged (it reads A's Ritz values and residuals).
   */
  readonly precondition?: BlockOperator;
}

/** Result of `lobpcgNullspace`. */
export interface LobpcgResult {
  /** Orthonormal basis of the nullspace, n×dim row-major. */
  readonly basis: Float64Array;
  readonly dim: number;
  /** Estimated λ_max of the operator. */
  readonly lambdaMax: number;
  /** Largest null residual ‖A q‖ over the basis (true residual, recomputed). */
  readonly residual: number;
  /** √(θ_kept / max(θ_null, residual²)): the σ-gap between kept and null (Infinity when exact). */
  readonly gap: number;
  /** Smallest kept Ritz value (an upper bound on the smallest nonzero eigenvalue). */
  readonly thetaKept: number;
  /** LOBPCG iterations and operator applications (columns). */
  readonly iterations: number;
  readonly matvecs: number;
  /** `'dense'` when the block reached n/3 and the dense fallback decided. */
  readonly route: 'lobpcg' | 'dense';
}

/** Null residual tolerance ‖Ax‖ ≤ RES_TOL·λ_max (principal-angle error ≲ RES_TOL·λ_max/λ₁). */
const RES_TOL = 1e-12;

/** Relative norm below which a projected column counts as dependent and is dropped. */
const DROP = 1e-8;

function dotAt(a: Float64Array, ia: number, b: Float64Array, ib: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[ia + i]! * b[ib + i]!;
  return s;
}

/**
 * Orthonormalise the columns of `B` (n×m) against the `k` orthonormal columns of `Q` and among
 * themselves (classical Gram–Schmidt, twice), applying the same combinations to `AB` (the images
 * A·B) so that A·(result) is known without new operator applications. Columns whose norm falls
 * below 1e-10 of their original are dropped. Returns the kept columns and images.
 */
function orthonormaliseAgainst(
  Q: Float64Array, k: number, B: Float64Array, AB: Float64Array, m: number, n: number, refNorms?: Float64Array,
): { V: Float64Array; AV: Float64Array; m: number } {
  const V = new Float64Array(n * m);
  const AV = new Float64Array(n * m);
  let kept = 0;
  for (let j = 0; j < m; j++) {
    const off = kept * n;
    V.set(B.subarray(j * n, (j + 1) * n), off);
    AV.set(AB.subarray(j * n, (j + 1) * n), off);
    const n0 = refNorms ? refNorms[j]! : Math.sqrt(dotAt(V, off, V, off, n));
    if (!(n0 > 0)) continue;
    for (let pass = 0; pass < 2; pass++) {
      for (let t = 0; t < k; t++) {
        const d = dotAt(Q, t * n, V, off, n);
        if (d === 0) continue;
        for (let i = 0; i < n; i++) V[off + i]! -= d * Q[t * n + i]!;
      }
      for (let t = 0; t < kept; t++) {
        const d = dotAt(V, t * n, V, off, n);
        if (d === 0) continue;
        for (let i = 0; i < n; i++) {
          V[off + i]! -= d * V[t * n + i]!;
          AV[off + i]! -= d * AV[t * n + i]!;
        }
      }
    }
    const nn = Math.sqrt(dotAt(V, off, V, off, n));
    // a column that is (numerically) in the span already is dropped: normalising it would
    // amplify rounding in its image by 1/nn
    if (!(nn > DROP * n0)) continue;
    const s = 1 / nn;
    for (let i = 0; i < n; i++) {
      V[off + i]! *= s;
      AV[off + i]! *= s;
    }
    kept++;
  }
  return { V: V.subarray(0, kept * n), AV: AV.subarray(0, kept * n), m: kept };
}

/** C = Sᵀ·T for column blocks S (n×a) and T (n×b): a×b row-major. */
function crossGram(S: Float64Array, a: number, T: Float64Array, b: number, n: number): Float64Array {
  const C = new Float64Array(a * b);
  for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) C[i * b + j] = dotAt(S, i * n, T, j * n, n);
  return C;
}

/** Y = S·C for S (n×s column blocks) and C (s×m row-major, columns `cols` of C). */
function combine(S: Float64Array, s: number, C: Float64Array, cstride: number, rows: number[], cols: number[], n: number): Float64Array {
  const Y = new Float64Array(n * cols.length);
  cols.forEach((c, j) => {
    const off = j * n;
    for (const r of rows) {
      const w = C[r * cstride + c]!;
      if (w === 0) continue;
      const so = r * n;
      for (let i = 0; i < n; i++) Y[off + i]! += w * S[so + i]!;
    }
  });
  void s;
  return Y;
}

/** λ_max of the PSD operator by 40 power steps (a lower bound, accurate to a few digits). */
function estimateLambdaMax(A: BlockOperator, n: number, rng: Rng): { lmax: number; matvecs: number } {
  let v: Float64Array = new Float64Array(n);
  rng.fillNormal(v);
  let lmax = 0;
  for (let it = 0; it < 40; it++) {
    const nv = Math.sqrt(dotAt(v, 0, v, 0, n));
    if (nv === 0) break;
    for (let i = 0; i < n; i++) v[i]! /= nv;
    const av = A(v, 1);
    lmax = Math.max(lmax, dotAt(v, 0, av, 0, n));
    v = av;
  }
  return { lmax, matvecs: 40 };
}

/**
 * Dense fallback when the block would cover a third of the space (LOBPCG's trial basis [X, W, P]
 * would then be the whole space): A applied to the identity, symmetric EVD, same decision rule.
 */
function denseNullspace(A: BlockOperator, n: number, tol: number, gapRatio: number, label: string, expectedDim: number | undefined, matvecs0: number, iterations: number): LobpcgResult {
  const I = new Float64Array(n * n);
  for (let i = 0; i < n; i++) I[i * n + i] = 1;
  const G = A(I, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) G[i * n + j] = G[j * n + i] = 0.5 * (G[i * n + j]! + G[j * n + i]!);
  const { values, vectors } = symmetricEigen(G, n);
  const lmax = Math.max(values[n - 1]!, 0);
  const nullThr = tol * tol * lmax;
  let q = 0;
  while (q < n && values[q]! <= nullThr) q++;
  if (q < n && values[q]! < gapRatio * nullThr) {
    throw new SpectralGapError(
      `lobpcgNullspace(${label}): eigenvalue ${values[q]!.toExponential(3)} lies between the null threshold ${nullThr.toExponential(3)} and the gap threshold ${(gapRatio * nullThr).toExponential(3)} (λ_max ${lmax.toExponential(3)}); the nullspace dimension is ambiguous at tol ${tol}`,
    );
  }
  if (expectedDim !== undefined && expectedDim !== q) {
    throw new SpectralGapError(`lobpcgNullspace(${label}): nullspace dimension ${q} differs from the expected ${expectedDim} (smallest kept eigenvalue ${q < n ? values[q]!.toExponential(3) : 'none'}, null threshold ${nullThr.toExponential(3)})`);
  }
  const basis = new Float64Array(n * q);
  for (let i = 0; i < n; i++) for (let j = 0; j < q; j++) basis[i * q + j] = vectors[i * n + j]!;
  const Aq = q > 0 ? A(Float64Array.from({ length: n * q }, (_, t) => basis[(t % n) * q + Math.floor(t / n)]!), q) : new Float64Array(0);
  let residual = 0;
  for (let j = 0; j < q; j++) residual = Math.max(residual, Math.sqrt(dotAt(Aq, j * n, Aq, j * n, n)));
  const thetaKept = q < n ? values[q]! : Infinity;
  const gap = q === 0 || q === n ? Infinity : Math.sqrt(thetaKept / Math.max(values[q - 1]!, (residual * residual) / Math.max(lmax, 1e-300), 1e-300));
  return { basis, dim: q, lambdaMax: lmax, residual, gap, thetaKept, iterations, matvecs: matvecs0 + n + q, route: 'dense' };
}

/**
 * Orthonormal basis of null(A) for a symmetric PSD operator A on Rⁿ given as a block matvec,
 * never formed densely.
 *
 * Decision rule (all relative to λ_max): a Ritz value θ ≤ tol²·λ_max with residual
 * ‖Ax − θx‖ ≤ 1e-12·λ_max is null; the first kept Ritz value must satisfy
 * θ − ‖Ax − θx‖ ≥ gapRatio·tol²·λ_max, and the block must hold at least `guard` kept Ritz
 * values (else it doubles). A Ritz value in the band (tol²·λ_max, gapRatio·tol²·λ_max) after
 * convergence raises SpectralGapError; no convergence within `maxIter` raises ConvergenceError.
 * When the block would reach n/3 the trial basis is the whole space, so the operator is applied
 * to the identity and decided by a dense symmetric EVD with the same rule.
 * The returned basis is re-orthonormalised in f64 and its true residual recomputed.
 */
export function lobpcgNullspace(A: BlockOperator, n: number, opts: LobpcgOptions = {}): LobpcgResult {
  const label = opts.label ?? `operator of size ${n}`;
  const tol = opts.tol ?? 1e-6;
  const gapRatio = opts.gapRatio ?? 1e4;
  const guard = opts.guard ?? 4;
  const maxIter = opts.maxIter ?? 500;
  const rng = new Rng(opts.seed ?? 97);
  if (!Number.isInteger(n) || n < 0) throw new ConvergenceError(`lobpcgNullspace(${label}): bad size ${n}`);
  if (n === 0) return { basis: new Float64Array(0), dim: 0, lambdaMax: 0, residual: 0, gap: Infinity, thetaKept: Infinity, iterations: 0, matvecs: 0, route: 'dense' };
  const est = estimateLambdaMax(A, n, rng);
  let matvecs = est.matvecs;
  const lmax = est.lmax;
  if (lmax === 0) {
    const basis = new Float64Array(n * n);
    for (let i = 0; i < n; i++) basis[i * n + i] = 1;
    return { basis, dim: n, lambdaMax: 0, residual: 0, gap: Infinity, thetaKept: Infinity, iterations: 0, matvecs, route: 'dense' };
  }
  const nullThr = tol * tol * lmax;
  const keptThr = gapRatio * nullThr;
  const resTol = RES_TOL * lmax;

  let m = Math.min(n, Math.max(1, opts.block ?? 16));
  if (3 * m >= n) return denseNullspace(A, n, tol, gapRatio, label, opts.expectedDim, matvecs, 0);
  const start = new Float64Array(n * m);
  rng.fillNormal(start);
  let AX: Float64Array = A(start, m);
  matvecs += m;
  let o = orthonormaliseAgainst(new Float64Array(0), 0, start, AX, m, n);
  let X: Float64Array = o.V;
  AX = o.AV;
  m = o.m;
  let P: Float64Array = new Float64Array(0), mp = 0;
  let theta: Float64Array = new Float64Array(0);
  let iterations = 0;
  let prevNull = -1;
  for (;;) {
    // Rayleigh–Ritz on S = [X, W, P] (X alone at the start of a block size)
    const s = m;
    const H = crossGram(X, s, AX, s, n);
    for (let i = 0; i < s; i++) for (let j = 0; j < i; j++) H[i * s + j] = H[j * s + i] = 0.5 * (H[i * s + j]! + H[j * s + i]!);
    const ev = symmetricEigen(H, s);
    const all = Array.from({ length: s }, (_, i) => i);
    X = combine(X, s, ev.vectors, s, all, all, n);
    AX = combine(AX, s, ev.vectors, s, all, all, n);
    theta = ev.values;
    let done = false;
    for (;;) {
      // residuals
      const R = new Float64Array(n * m);
      const res = new Float64Array(m);
      for (let j = 0; j < m; j++) {
        const th = theta[j]!;
        let ss = 0;
        for (let i = 0; i < n; i++) {
          const r = AX[j * n + i]! - th * X[j * n + i]!;
          R[j * n + i] = r;
          ss += r * r;
        }
        res[j] = Math.sqrt(ss);
      }
      let q = 0;
      while (q < m && theta[q]! <= nullThr) q++;
      let nullConverged = true;
      for (let j = 0; j < q; j++) if (res[j]! > resTol) nullConverged = false;
      const keptOk = q === m || theta[q]! - res[q]! >= keptThr;
      const keptConverged = q === m || res[q]! <= 1e-2 * theta[q]!;
      // ambiguity band: the first non-null Ritz value converged (to the null residual accuracy)
      // between the thresholds, so an eigenvalue lies there
      if (nullConverged && q === prevNull && q < m && theta[q]! < keptThr && res[q]! <= resTol) {
        throw new SpectralGapError(
          `lobpcgNullspace(${label}): Ritz value ${theta[q]!.toExponential(3)} (residual ${res[q]!.toExponential(2)}) lies between the null threshold ${nullThr.toExponential(3)} and the gap threshold ${keptThr.toExponential(3)} (λ_max ${lmax.toExponential(3)}); the nullspace dimension is ambiguous at tol ${tol}`,
        );
      }
      if (nullConverged && keptOk && keptConverged && q === prevNull) {
        if (m - q < guard && m < n) break; // block too small to certify: grow
        done = true;
        break;
      }
      prevNull = q;
      if (q === m && m < n) break; // every column null: grow the block
      if (iterations >= maxIter) {
        throw new ConvergenceError(
          `lobpcgNullspace(${label}): no convergence within ${maxIter} iterations (block ${m}, ${q} null Ritz values, max null residual ${Math.max(0, ...Array.from(res.subarray(0, q))).toExponential(3)}, λ_max ${lmax.toExponential(3)})`,
        );
      }
      iterations++;
      // soft locking: residual directions only for unconverged columns
      const active: number[] = [];
      for (let j = 0; j < m; j++) if (res[j]! > 0.1 * resTol) active.push(j);
      const Wraw = new Float64Array(n * active.length);
      active.forEach((j, t) => Wraw.set(R.subarray(j * n, (j + 1) * n), t * n));
      if (opts.precondition && active.length > 0) Wraw.set(opts.precondition(Wraw, active.length));
      const ow = orthonormaliseAgainst(X, m, Wraw, new Float64Array(Wraw.length), active.length, n);
      // images of W: apply A
      const AW = ow.m > 0 ? A(ow.V, ow.m) : new Float64Array(0);
      matvecs += ow.m;
      // W is orthonormal and orthogonal to X (two Gram–Schmidt passes); its images are exact
      const w2 = { V: ow.V, AV: AW, m: ow.m };
      // P against [X, W]; its images are recomputed (A·P by combination drifts when P is nearly
      // dependent on [X, W], and a shift-invert W makes that common)
      let Pn: Float64Array = new Float64Array(0), APn: Float64Array = new Float64Array(0), mpn = 0;
      if (mp > 0) {
        const XW = new Float64Array(n * (m + w2.m));
        XW.set(X, 0);
        XW.set(w2.V, m * n);
        const op = orthonormaliseAgainst(XW, m + w2.m, P, new Float64Array(mp * n), mp, n);
        Pn = op.V;
        mpn = op.m;
        APn = mpn > 0 ? A(Pn, mpn) : new Float64Array(0);
        matvecs += mpn;
      }
      const sTot = m + w2.m + mpn;
      const S = new Float64Array(n * sTot);
      S.set(X, 0);
      S.set(w2.V, m * n);
      S.set(Pn, (m + w2.m) * n);
      const AS = new Float64Array(n * sTot);
      AS.set(AX, 0);
      AS.set(w2.AV, m * n);
      AS.set(APn, (m + w2.m) * n);
      const Hs = crossGram(S, sTot, AS, sTot, n);
      for (let i = 0; i < sTot; i++) for (let j = 0; j < i; j++) Hs[i * sTot + j] = Hs[j * sTot + i] = 0.5 * (Hs[i * sTot + j]! + Hs[j * sTot + i]!);
      const e = symmetricEigen(Hs, sTot);
      const allRows = Array.from({ length: sTot }, (_, i) => i);
      const cols = Array.from({ length: m }, (_, i) => i);
      const tailRows = allRows.slice(m);
      X = combine(S, sTot, e.vectors, sTot, allRows, cols, n);
      AX = combine(AS, sTot, e.vectors, sTot, allRows, cols, n);
      P = combine(S, sTot, e.vectors, sTot, tailRows, cols, n);
      mp = m;
      theta = e.values.slice(0, m);
      // keep X orthonormal to working precision (cheap, guards against drift)
      if (iterations % 10 === 0) {
        o = orthonormaliseAgainst(new Float64Array(0), 0, X, AX, m, n);
        if (o.m < m) break;
        X = o.V;
        AX = o.AV;
      }
    }
    if (done) break;
    // grow the block: keep the current Ritz vectors, add random columns
    const m2 = Math.min(n, 2 * m);
    if (3 * m2 >= n) return denseNullspace(A, n, tol, gapRatio, label, opts.expectedDim, matvecs, iterations);
    const extra = new Float64Array(n * (m2 - m));
    rng.fillNormal(extra);
    const Aextra = A(extra, m2 - m);
    matvecs += m2 - m;
    const Xg = new Float64Array(n * m2);
    Xg.set(X, 0);
    Xg.set(extra, m * n);
    const AXg = new Float64Array(n * m2);
    AXg.set(AX, 0);
    AXg.set(Aextra, m * n);
    o = orthonormaliseAgainst(new Float64Array(0), 0, Xg, AXg, m2, n);
    X = o.V;
    AX = o.AV;
    m = o.m;
    P = new Float64Array(0);
    mp = 0;
    prevNull = -1;
  }
  // the null columns, re-orthonormalised in f64, with their true residuals
  let q = 0;
  while (q < m && theta[q]! <= nullThr) q++;
  const o2 = orthonormaliseAgainst(new Float64Array(0), 0, X.subarray(0, q * n), new Float64Array(q * n), q, n);
  if (o2.m !== q) throw new ConvergenceError(`lobpcgNullspace(${label}): null Ritz vectors lost rank (${o2.m} of ${q})`);
  const Aq = q > 0 ? A(o2.V, q) : new Float64Array(0);
  matvecs += q;
  let residual = 0;
  for (let j = 0; j < q; j++) residual = Math.max(residual, Math.sqrt(dotAt(Aq, j * n, Aq, j * n, n)));
  if (residual > 10 * resTol) {
    throw new ConvergenceError(`lobpcgNullspace(${label}): final residual ${residual.toExponential(3)} exceeds ${(10 * resTol).toExponential(3)}`);
  }
  if (opts.expectedDim !== undefined && opts.expectedDim !== q) {
    throw new SpectralGapError(
      `lobpcgNullspace(${label}): nullspace dimension ${q} differs from the expected ${opts.expectedDim} (smallest kept Ritz value ${q < m ? theta[q]!.toExponential(3) : 'none'}, null threshold ${nullThr.toExponential(3)})`,
    );
  }
  const basis = new Float64Array(n * q);
  for (let j = 0; j < q; j++) for (let i = 0; i < n; i++) basis[i * q + j] = o2.V[j * n + i]!;
  const thetaKept = q < m ? theta[q]! : Infinity;
  const gap = q === 0 || residual === 0 ? Infinity : Math.sqrt(thetaKept / Math.max(theta[q - 1]!, (residual * residual) / lmax, 1e-300));
  return { basis, dim: q, lambdaMax: lmax, residual, gap, thetaKept, iterations, matvecs, route: 'lobpcg' };
}
