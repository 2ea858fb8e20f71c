/**
 * General matrix multiply on raw typed arrays (the JS reference backend's hot loop).
 *
 * Implementation notes (GotoBLAS-style, single-threaded, plain JS):
 *
 * - Large products are blocked over N (`NC`), K (`KC`) and M (`MC`). For every (N, K) block a
 *   panel of op(B) is packed into a contiguous `Float64Array` in column slivers of width `NR`;
 *   for every M block a panel of op(A) is packed in row slivers of height `MR`. Transposes
 *   are absorbed by the packing routines, so the inner kernel never sees them.
 * - Packing always converts to `Float64Array`, so the register-blocked 4×4 micro-kernel only ever
 *   reads one typed-array kind (monomorphic, no per-element float32→float64 conversions in the hot
 *   loop). Partial sums are kept in float64 locals for one K block and are then rounded into C,
 *   so float32 results are at least as accurate as a pure float32 accumulation.
 * - Packing buffers are module-level scratch that grows on demand and is reused across calls
 *   (`gemm` is synchronous and never re-entered, so sharing is safe).
 * - Tiny or degenerate products (`M·N·K` below `SMALL_WORK`, or a single row / column of C)
 *   use a direct loop instead, to avoid the packing overhead and the padding waste.
 *
 * No value is ever skipped (no zero tests), so NaN and ±Infinity propagate exactly as in a naive
 * triple loop; only the summation order differs.
 * @module
 */

/** Float storage accepted by the dense kernels. */
export type FloatArray = Float32Array | Float64Array;

/** Micro-kernel height (rows of C per register tile). */
const MR = 4;
/** Micro-kernel width (columns of C per register tile). */
const NR = 4;
/** Depth of a K block: a packed B sliver (`KC·NR` doubles = 8 KiB) stays in L1. */
const KC = 256;
/** Height of an M block: the packed A panel (`MC·KC` doubles = 256 KiB) stays in L2. */
const MC = 128;
/** Width of an N block: the packed B panel holds `KC·NC` doubles (4 MiB). */
const NC = 2048;
/**
 * Below this many multiply-adds the direct loop beats packing. Measured on V8: the packed path
 * already wins from about 8×8×8 on (it is 2–4× faster than the direct loop at 16³).
 */
const SMALL_WORK = 256;

/** Scratch for packed A panels (grown on demand up to `MC·KC`, reused across calls). */
let packA = new Float64Array(0);
/** Scratch for packed B panels (grown on demand up to `KC·NC`, reused across calls). */
let packB = new Float64Array(0);
/** Register-tile spill used for partial (edge) tiles. */
const edgeTile = new Float64Array(MR * NR);

/**
 * C = op(A) · op(B) (+ C if `accumulate`), all row-major, one matrix each.
 *
 * - op(A) is M×K: A is stored M×K (`transA=false`, row stride K) or K×M (`transA=true`, row stride M).
 * - op(B) is K×N: B is stored K×N (`transB=false`, row stride N) or N×K (`transB=true`, row stride K).
 * - C is M×N with row stride N.
 * `aOff`, `bOff`, `cOff` are element offsets of the matrices inside the arrays (batched callers).
 * Results are accumulated in C in the arrays' own precision: the packed path rounds float64
 * partial sums into C once per K block (`KC` = 256), the direct path (tiny shapes, M = 1 or N = 1)
 * per dot product, or per step for its row-axpy branch.
 *
 * Only the M×N window of C starting at `cOff` is written; with `accumulate=false` its previous
 * contents are ignored (even NaN). `c` must not overlap `a` or `b`.
 */
export function gemm(
  a: FloatArray, aOff: number, transA: boolean,
  b: FloatArray, bOff: number, transB: boolean,
  c: FloatArray, cOff: number,
  M: number, K: number, N: number,
  accumulate: boolean,
): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (!accumulate) c.fill(0, cOff, cOff + M * N);
    return;
  }
  if (M * N * K < SMALL_WORK || M === 1 || N === 1) {
    gemmDirect(a, aOff, transA, b, bOff, transB, c, cOff, M, K, N, accumulate);
    return;
  }
  gemmBlocked(a, aOff, transA, b, bOff, transB, c, cOff, M, K, N, accumulate);
}

/**
 * Direct loop for small or degenerate products: one float64 dot product per element of C.
 * For `transB=false` with long rows the i-k-j order is used instead, so B is read contiguously.
 */
function gemmDirect(
  a: FloatArray, aOff: number, transA: boolean,
  b: FloatArray, bOff: number, transB: boolean,
  c: FloatArray, cOff: number,
  M: number, K: number, N: number,
  accumulate: boolean,
): void {
  // A(i,k) = a[aOff + i*aRs + k*aCs],  B(k,j) = b[bOff + k*bRs + j*bCs]
  const aRs = transA ? 1 : K, aCs = transA ? M : 1;
  const bRs = transB ? 1 : N, bCs = transB ? K : 1;
  if (!transB && N >= 16) {
    // Row-axpy form: contiguous over j in both B and C.
    if (!accumulate) c.fill(0, cOff, cOff + M * N);
    for (let i = 0; i < M; i++) {
      const cRow = cOff + i * N;
      const aRow = aOff + i * aRs;
      for (let k = 0; k < K; k++) {
        const aik = a[aRow + k * aCs]!;
        const bRow = bOff + k * N;
        for (let j = 0; j < N; j++) c[cRow + j] = c[cRow + j]! + aik * b[bRow + j]!;
      }
    }
    return;
  }
  for (let i = 0; i < M; i++) {
    const cRow = cOff + i * N;
    const aRow = aOff + i * aRs;
    for (let j = 0; j < N; j++) {
      let s = 0;
      let ai = aRow, bi = bOff + j * bCs;
      for (let k = 0; k < K; k++) {
        s += a[ai]! * b[bi]!;
        ai += aCs;
        bi += bRs;
      }
      c[cRow + j] = accumulate ? c[cRow + j]! + s : s;
    }
  }
}

/** Blocked, packed path (see module notes). Requires M, N, K ≥ 1. */
function gemmBlocked(
  a: FloatArray, aOff: number, transA: boolean,
  b: FloatArray, bOff: number, transB: boolean,
  c: FloatArray, cOff: number,
  M: number, K: number, N: number,
  accumulate: boolean,
): void {
  const ncMax = Math.min(N, NC);
  const kcMax = Math.min(K, KC);
  const mcMax = Math.min(M, MC);
  const needB = kcMax * roundUp(ncMax, NR);
  const needA = kcMax * roundUp(mcMax, MR);
  if (packB.length < needB) packB = new Float64Array(needB);
  if (packA.length < needA) packA = new Float64Array(needA);
  const pb = packB, pa = packA;

  for (let j0 = 0; j0 < N; j0 += NC) {
    const nc = Math.min(NC, N - j0);
    for (let p0 = 0; p0 < K; p0 += KC) {
      const kc = Math.min(KC, K - p0);
      const overwrite = p0 === 0 && !accumulate;
      if (transB) packBTrans(b, bOff, K, p0, kc, j0, nc, pb);
      else packBNormal(b, bOff, N, p0, kc, j0, nc, pb);
      for (let i0 = 0; i0 < M; i0 += MC) {
        const mc = Math.min(MC, M - i0);
        if (transA) packATrans(a, aOff, M, i0, mc, p0, kc, pa);
        else packANormal(a, aOff, K, i0, mc, p0, kc, pa);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = Math.min(NR, nc - jr);
          const bo = jr * kc;
          const cCol = cOff + j0 + jr;
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = Math.min(MR, mc - ir);
            const co = cCol + (i0 + ir) * N;
            if (mr === MR && nr === NR) {
              kernel4x4(kc, pa, ir * kc, pb, bo, c, co, N, overwrite);
            } else {
              kernel4x4(kc, pa, ir * kc, pb, bo, edgeTile, 0, NR, true);
              storeEdge(c, co, N, mr, nr, overwrite);
            }
          }
        }
      }
    }
  }
}

function roundUp(x: number, m: number): number {
  return Math.ceil(x / m) * m;
}

/**
 * Packs rows `i0..i0+mc` × cols `p0..p0+kc` of A (stored M×K, row stride K) into MR-row slivers:
 * sliver s holds `dst[s*MR*kc + p*MR + ii] = A(i0 + s*MR + ii, p0 + p)`, zero padded past M.
 */
function packANormal(
  a: FloatArray, aOff: number, K: number,
  i0: number, mc: number, p0: number, kc: number, dst: Float64Array,
): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const base = ir * kc;
    const rows = Math.min(MR, mc - ir);
    for (let ii = 0; ii < MR; ii++) {
      let d = base + ii;
      if (ii < rows) {
        let s = aOff + (i0 + ir + ii) * K + p0;
        for (let p = 0; p < kc; p++) {
          dst[d] = a[s++]!;
          d += MR;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          dst[d] = 0;
          d += MR;
        }
      }
    }
  }
}

/** As `packANormal` for A stored K×M (`transA`, row stride M): reads are contiguous. */
function packATrans(
  a: FloatArray, aOff: number, M: number,
  i0: number, mc: number, p0: number, kc: number, dst: Float64Array,
): void {
  for (let ir = 0; ir < mc; ir += MR) {
    let d = ir * kc;
    const rows = Math.min(MR, mc - ir);
    let s = aOff + p0 * M + i0 + ir;
    if (rows === MR) {
      for (let p = 0; p < kc; p++) {
        dst[d] = a[s]!;
        dst[d + 1] = a[s + 1]!;
        dst[d + 2] = a[s + 2]!;
        dst[d + 3] = a[s + 3]!;
        d += MR;
        s += M;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let ii = 0; ii < MR; ii++) dst[d + ii] = ii < rows ? a[s + ii]! : 0;
        d += MR;
        s += M;
      }
    }
  }
}

/**
 * Packs rows `p0..p0+kc` × cols `j0..j0+nc` of B (stored K×N, row stride N) into NR-column
 * slivers: `dst[jr*kc + p*NR + jj] = B(p0 + p, j0 + jr + jj)`, zero padded past N.
 */
function packBNormal(
  b: FloatArray, bOff: number, N: number,
  p0: number, kc: number, j0: number, nc: number, dst: Float64Array,
): void {
  for (let jr = 0; jr < nc; jr += NR) {
    let d = jr * kc;
    const cols = Math.min(NR, nc - jr);
    let s = bOff + p0 * N + j0 + jr;
    if (cols === NR) {
      for (let p = 0; p < kc; p++) {
        dst[d] = b[s]!;
        dst[d + 1] = b[s + 1]!;
        dst[d + 2] = b[s + 2]!;
        dst[d + 3] = b[s + 3]!;
        d += NR;
        s += N;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let jj = 0; jj < NR; jj++) dst[d + jj] = jj < cols ? b[s + jj]! : 0;
        d += NR;
        s += N;
      }
    }
  }
}

/** As `packBNormal` for B stored N×K (`transB`, row stride K): reads are contiguous. */
function packBTrans(
  b: FloatArray, bOff: number, K: number,
  p0: number, kc: number, j0: number, nc: number, dst: Float64Array,
): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const base = jr * kc;
    const cols = Math.min(NR, nc - jr);
    for (let jj = 0; jj < NR; jj++) {
      let d = base + jj;
      if (jj < cols) {
        let s = bOff + (j0 + jr + jj) * K + p0;
        for (let p = 0; p < kc; p++) {
          dst[d] = b[s++]!;
          d += NR;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          dst[d] = 0;
          d += NR;
        }
      }
    }
  }
}

/** Writes (or adds) the top-left `mr×nr` of `edgeTile` into C at `co` (row stride `ldc`). */
function storeEdge(
  c: FloatArray, co: number, ldc: number, mr: number, nr: number, overwrite: boolean,
): void {
  for (let i = 0; i < mr; i++) {
    const r = co + i * ldc;
    for (let j = 0; j < nr; j++) {
      const v = edgeTile[i * NR + j]!;
      c[r + j] = overwrite ? v : c[r + j]! + v;
    }
  }
}

/**
 * 4×4 register-blocked micro-kernel: C[0..4, 0..4] (=|+=) Ã·B̃ over `kc` steps, where Ã is an
 * MR-row sliver of packed A at `ao` and B̃ an NR-column sliver of packed B at `bo`.
 */
function kernel4x4(
  kc: number, pa: Float64Array, ao: number, pb: Float64Array, bo: number,
  c: FloatArray, co: number, ldc: number, overwrite: boolean,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let p = 0; p < kc; p++) {
    const a0 = pa[ao]!, a1 = pa[ao + 1]!, a2 = pa[ao + 2]!, a3 = pa[ao + 3]!;
    const b0 = pb[bo]!, b1 = pb[bo + 1]!, b2 = pb[bo + 2]!, b3 = pb[bo + 3]!;
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
    ao += MR;
    bo += NR;
  }
  const r0 = co, r1 = co + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
  if (overwrite) {
    c[r0] = c00; c[r0 + 1] = c01; c[r0 + 2] = c02; c[r0 + 3] = c03;
    c[r1] = c10; c[r1 + 1] = c11; c[r1 + 2] = c12; c[r1 + 3] = c13;
    c[r2] = c20; c[r2 + 1] = c21; c[r2 + 2] = c22; c[r2 + 3] = c23;
    c[r3] = c30; c[r3 + 1] = c31; c[r3 + 2] = c32; c[r3 + 3] = c33;
  } else {
    c[r0] = c[r0]! + c00; c[r0 + 1] = c[r0 + 1]! + c01; c[r0 + 2] = c[r0 + 2]! + c02; c[r0 + 3] = c[r0 + 3]! + c03;
    c[r1] = c[r1]! + c10; c[r1 + 1] = c[r1 + 1]! + c11; c[r1 + 2] = c[r1 + 2]! + c12; c[r1 + 3] = c[r1 + 3]! + c13;
    c[r2] = c[r2]! + c20; c[r2 + 1] = c[r2 + 1]! + c21; c[r2 + 2] = c[r2 + 2]! + c22; c[r2 + 3] = c[r2 + 3]! + c23;
    c[r3] = c[r3]! + c30; c[r3 + 1] = c[r3 + 1]! + c31; c[r3 + 2] = c[r3 + 2]! + c32; c[r3 + 3] = c[r3 + 3]! + c33;
  }
}
