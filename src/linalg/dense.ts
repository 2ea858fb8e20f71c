/**
 * Dense float64 matrix helpers on row-major `Float64Array`s. A matrix is a flat array plus its
 * dimensions, passed explicitly (`m` rows, `n` columns); square helpers infer `n = √length`.
 * @module
 */
import { ShapeError } from '../util/index.js';

/** Side length of a square row-major matrix; throws ShapeError if `a.length` is not a square. */
export function sqDim(a: Float64Array): number {
  const n = Math.round(Math.sqrt(a.length));
  if (n * n !== a.length) throw new ShapeError(`sqDim: length ${a.length} is not a perfect square`);
  return n;
}

/** The n×n identity matrix I. */
export function identity(n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  return out;
}

/** The m×n zero matrix. */
export function zeros(m: number, n: number): Float64Array {
  return new Float64Array(m * n);
}

/** A matrix from nested arrays (rows), row-major. */
export function fromRows(rows: readonly (readonly number[])[]): Float64Array {
  const m = rows.length;
  const n = m === 0 ? 0 : rows[0]!.length;
  const out = new Float64Array(m * n);
  rows.forEach((r, i) => {
    if (r.length !== n) throw new ShapeError(`fromRows: row ${i} has ${r.length} entries, expected ${n}`);
    for (let j = 0; j < n; j++) out[i * n + j] = r[j]!;
  });
  return out;
}

/** Matrix product C = A·B with A m×k and B k×n (skips zero entries of A). */
export function matmul(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  if (a.length !== m * k || b.length !== k * n) {
    throw new ShapeError(`matmul: [${m},${k}] @ [${k},${n}] does not fit lengths ${a.length}, ${b.length}`);
  }
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p]!;
      if (aip === 0) continue;
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j]! += aip * b[bp + j]!;
    }
  }
  return c;
}

/** Product of two square n×n matrices. */
export function matmulSq(a: Float64Array, b: Float64Array): Float64Array {
  const n = sqDim(a);
  return matmul(a, b, n, n, n);
}

/** Matrix–vector product y = A·x with A m×n. */
export function matvec(a: Float64Array, x: Float64Array, m: number, n: number): Float64Array {
  if (a.length !== m * n || x.length !== n) throw new ShapeError(`matvec: [${m},${n}] @ [${x.length}]`);
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += a[i * n + j]! * x[j]!;
    y[i] = s;
  }
  return y;
}

/** Transpose Aᵀ of an m×n matrix (result n×m). */
export function transpose(a: Float64Array, m: number, n: number): Float64Array {
  if (a.length !== m * n) throw new ShapeError(`transpose: length ${a.length} ≠ ${m}·${n}`);
  const t = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j]!;
  return t;
}

/** Kronecker product A⊗B, (A⊗B)[(i·bm+k),(j·bn+l)] = A[i,j]·B[k,l]. */
export function kron(
  a: Float64Array, am: number, an: number,
  b: Float64Array, bm: number, bn: number,
): Float64Array {
  if (a.length !== am * an || b.length !== bm * bn) throw new ShapeError('kron: lengths do not fit the dims');
  const m = am * bm;
  const n = an * bn;
  const out = new Float64Array(m * n);
  for (let i = 0; i < am; i++) {
    for (let j = 0; j < an; j++) {
      const aij = a[i * an + j]!;
      if (aij === 0) continue;
      for (let k = 0; k < bm; k++) {
        const row = (i * bm + k) * n + j * bn;
        for (let l = 0; l < bn; l++) out[row + l] = aij * b[k * bn + l]!;
      }
    }
  }
  return out;
}

/** Kronecker product of square matrices. */
export function kronSq(a: Float64Array, b: Float64Array): Float64Array {
  const p = sqDim(a);
  const q = sqDim(b);
  return kron(a, p, p, b, q, q);
}

/** Kronecker sum A⊕B = A⊗I + I⊗B of square matrices (the Lie-algebra action on a tensor product). */
export function kronSum(a: Float64Array, b: Float64Array): Float64Array {
  const p = sqDim(a);
  const q = sqDim(b);
  const out = kron(a, p, p, identity(q), q, q);
  const ib = kron(identity(p), p, p, b, q, q);
  for (let i = 0; i < out.length; i++) out[i]! += ib[i]!;
  return out;
}

/** Block-diagonal matrix of square blocks. */
export function blockDiag(blocks: readonly Float64Array[]): Float64Array {
  const dims = blocks.map(sqDim);
  const n = dims.reduce((s, d) => s + d, 0);
  const out = new Float64Array(n * n);
  let off = 0;
  blocks.forEach((b, t) => {
    const d = dims[t]!;
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[(off + i) * n + off + j] = b[i * d + j]!;
    off += d;
  });
  return out;
}

/** Elementwise A + B. */
export function add(a: Float64Array, b: Float64Array): Float64Array {
  if (a.length !== b.length) throw new ShapeError(`add: lengths ${a.length} ≠ ${b.length}`);
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! + b[i]!;
  return out;
}

/** Elementwise A − B. */
export function sub(a: Float64Array, b: Float64Array): Float64Array {
  if (a.length !== b.length) throw new ShapeError(`sub: lengths ${a.length} ≠ ${b.length}`);
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! - b[i]!;
  return out;
}

/** Scalar multiple s·A. */
export function scale(a: Float64Array, s: number): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! * s;
  return out;
}

/** Frobenius norm ‖A‖_F = √Σ aᵢⱼ². */
export function frobenius(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s);
}

/** Largest absolute difference max|aᵢ − bᵢ|. */
export function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) throw new ShapeError(`maxAbsDiff: lengths ${a.length} ≠ ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Trace Σ aᵢᵢ of a square matrix. */
export function trace(a: Float64Array): number {
  const n = sqDim(a);
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i * n + i]!;
  return s;
}

/** Gram matrix AᵀA of an m×n matrix, exploiting zeros row by row: cost Σ_rows nnz(row)². */
export function gram(a: Float64Array, m: number, n: number, into?: Float64Array): Float64Array {
  const g = into ?? new Float64Array(n * n);
  const idx = new Int32Array(n);
  for (let i = 0; i < m; i++) {
    let nnz = 0;
    const row = i * n;
    for (let j = 0; j < n; j++) if (a[row + j] !== 0) idx[nnz++] = j;
    for (let p = 0; p < nnz; p++) {
      const jp = idx[p]!;
      const v = a[row + jp]!;
      const gr = jp * n;
      for (let q = 0; q < nnz; q++) {
        const jq = idx[q]!;
        g[gr + jq]! += v * a[row + jq]!;
      }
    }
  }
  return g;
}

/** Determinant of a square matrix (Gaussian elimination with partial pivoting). */
export function det(a: Float64Array): number {
  const n = sqDim(a);
  const m = Float64Array.from(a);
  let d = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]!) > Math.abs(m[p * n + c]!)) p = r;
    const piv = m[p * n + c]!;
    if (piv === 0) return 0;
    if (p !== c) {
      for (let j = 0; j < n; j++) {
        const t = m[c * n + j]!;
        m[c * n + j] = m[p * n + j]!;
        m[p * n + j] = t;
      }
      d = -d;
    }
    d *= piv;
    for (let r = c + 1; r < n; r++) {
      const f = m[r * n + c]! / piv;
      if (f === 0) continue;
      for (let j = c; j < n; j++) m[r * n + j]! -= f * m[c * n + j]!;
    }
  }
  return d;
}
