/**
 * Sparse matrices in compressed sparse row form (CSR): assembly from triplets (duplicates summed),
 * products, symmetry checks and conversion to dense. The solvers live in sparse-cholesky.ts and
 * sparse-cg.ts. See docs/design/mesh-geometry.md.
 * @module
 */
import { IndexError, ShapeError, ValueError } from '../util/index.js';

/**
 * A sparse matrix in CSR form: row i holds the entries `values[k]` at columns `colIdx[k]` for
 * `rowPtr[i] ≤ k < rowPtr[i + 1]`, columns strictly increasing within a row.
 */
export interface CsrMatrix {
  /** Number of rows. */
  rows: number;
  /** Number of columns. */
  cols: number;
  /** Row pointers, rows + 1 entries, rowPtr[0] = 0. */
  rowPtr: Int32Array;
  /** Column index of each stored entry. */
  colIdx: Int32Array;
  /** Value of each stored entry. */
  values: Float64Array;
}

/**
 * Assemble a CSR matrix from coordinate triplets (i, j, v); entries at the same (i, j) are summed,
 * columns are sorted within each row. O(nnz + rows) plus a per-row sort.
 * @throws IndexError when an index leaves the matrix; ShapeError when the triplet arrays differ in length
 */
export function csrFromTriplets(
  rows: number, cols: number, ti: ArrayLike<number>, tj: ArrayLike<number>, tv: ArrayLike<number>, op = 'csrFromTriplets',
): CsrMatrix {
  const m = ti.length;
  if (tj.length !== m || tv.length !== m) throw new ShapeError(`${op}: triplet arrays have lengths ${m}/${tj.length}/${tv.length}`);
  const count = new Int32Array(rows + 1);
  for (let k = 0; k < m; k++) {
    const i = ti[k]!, j = tj[k]!;
    if (!(i >= 0 && i < rows) || !(j >= 0 && j < cols)) throw new IndexError(`${op}: entry (${i}, ${j}) outside a ${rows}×${cols} matrix`);
    count[i + 1]!++;
  }
  for (let i = 0; i < rows; i++) count[i + 1]! += count[i]!;
  const next = count.slice(0, rows);
  const cj = new Int32Array(m), cv = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const p = next[ti[k]!]!++;
    cj[p] = tj[k]!; cv[p] = tv[k]!;
  }
  // sort each row by column and merge duplicates
  const rowPtr = new Int32Array(rows + 1);
  const outJ: number[] = [], outV: number[] = [];
  const order: number[] = [];
  for (let i = 0; i < rows; i++) {
    order.length = 0;
    for (let p = count[i]!; p < count[i + 1]!; p++) order.push(p);
    order.sort((a, b) => cj[a]! - cj[b]! || a - b);
    let last = -1;
    for (const p of order) {
      if (cj[p] === last) outV[outV.length - 1]! += cv[p]!;
      else { outJ.push(cj[p]!); outV.push(cv[p]!); last = cj[p]!; }
    }
    rowPtr[i + 1] = outJ.length;
  }
  return { rows, cols, rowPtr, colIdx: Int32Array.from(outJ), values: Float64Array.from(outV) };
}

/** y = A x for a CSR matrix. O(nnz). */
export function csrMatvec(a: CsrMatrix, x: Float64Array, into?: Float64Array): Float64Array {
  if (x.length !== a.cols) throw new ShapeError(`csrMatvec: x has ${x.length} entries, A is ${a.rows}×${a.cols}`);
  const y = into ?? new Float64Array(a.rows);
  const { rowPtr, colIdx, values } = a;
  for (let i = 0; i < a.rows; i++) {
    let s = 0;
    for (let p = rowPtr[i]!; p < rowPtr[i + 1]!; p++) s += values[p]! * x[colIdx[p]!]!;
    y[i] = s;
  }
  return y;
}

/** Dense row-major copy of a CSR matrix (for tests and small problems). */
export function csrToDense(a: CsrMatrix): Float64Array {
  const d = new Float64Array(a.rows * a.cols);
  for (let i = 0; i < a.rows; i++) for (let p = a.rowPtr[i]!; p < a.rowPtr[i + 1]!; p++) d[i * a.cols + a.colIdx[p]!]! += a.values[p]!;
  return d;
}

/** The diagonal of a CSR matrix (zeros where no entry is stored). */
export function csrDiagonal(a: CsrMatrix): Float64Array {
  const d = new Float64Array(Math.min(a.rows, a.cols));
  for (let i = 0; i < d.length; i++) for (let p = a.rowPtr[i]!; p < a.rowPtr[i + 1]!; p++) if (a.colIdx[p] === i) d[i] = a.values[p]!;
  return d;
}

/** Transpose of a CSR matrix, O(nnz + rows + cols). */
export function csrTranspose(a: CsrMatrix): CsrMatrix {
  const nnz = a.colIdx.length, rowPtr = new Int32Array(a.cols + 1);
  for (let p = 0; p < nnz; p++) rowPtr[a.colIdx[p]! + 1]!++;
  for (let j = 0; j < a.cols; j++) rowPtr[j + 1]! += rowPtr[j]!;
  const next = rowPtr.slice(0, a.cols), colIdx = new Int32Array(nnz), values = new Float64Array(nnz);
  for (let i = 0; i < a.rows; i++) {
    for (let p = a.rowPtr[i]!; p < a.rowPtr[i + 1]!; p++) {
      const q = next[a.colIdx[p]!]!++;
      colIdx[q] = i; values[q] = a.values[p]!;
    }
  }
  return { rows: a.cols, cols: a.rows, rowPtr, colIdx, values };
}

/** Largest |A_ij − A_ji| over the stored pattern of a square CSR matrix (0 for a symmetric one). */
export function csrAsymmetry(a: CsrMatrix): number {
  if (a.rows !== a.cols) throw new ShapeError(`csrAsymmetry: matrix is ${a.rows}×${a.cols}, not square`);
  const t = csrTranspose(a);
  let worst = 0;
  for (let i = 0; i < a.rows; i++) {
    // both rows are sorted by column: merge
    let p = a.rowPtr[i]!, q = t.rowPtr[i]!;
    const pe = a.rowPtr[i + 1]!, qe = t.rowPtr[i + 1]!;
    while (p < pe || q < qe) {
      const cp = p < pe ? a.colIdx[p]! : Infinity, cq = q < qe ? t.colIdx[q]! : Infinity;
      if (cp === cq) { worst = Math.max(worst, Math.abs(a.values[p]! - t.values[q]!)); p++; q++; }
      else if (cp < cq) { worst = Math.max(worst, Math.abs(a.values[p]!)); p++; }
      else { worst = Math.max(worst, Math.abs(t.values[q]!)); q++; }
    }
  }
  return worst;
}

/** C = αA + βB for CSR matrices of equal shape (patterns merged). */
export function csrAdd(a: CsrMatrix, b: CsrMatrix, alpha = 1, beta = 1): CsrMatrix {
  if (a.rows !== b.rows || a.cols !== b.cols) throw new ShapeError(`csrAdd: ${a.rows}×${a.cols} + ${b.rows}×${b.cols}`);
  const ti: number[] = [], tj: number[] = [], tv: number[] = [];
  for (const [m, s] of [[a, alpha], [b, beta]] as const) {
    for (let i = 0; i < m.rows; i++) for (let p = m.rowPtr[i]!; p < m.rowPtr[i + 1]!; p++) { ti.push(i); tj.push(m.colIdx[p]!); tv.push(s * m.values[p]!); }
  }
  return csrFromTriplets(a.rows, a.cols, ti, tj, tv, 'csrAdd');
}

/** A diagonal matrix diag(d) in CSR form. */
export function csrDiag(d: ArrayLike<number>): CsrMatrix {
  const n = d.length, rowPtr = new Int32Array(n + 1), colIdx = new Int32Array(n), values = new Float64Array(n);
  for (let i = 0; i < n; i++) { rowPtr[i + 1] = i + 1; colIdx[i] = i; values[i] = d[i]!; }
  return { rows: n, cols: n, rowPtr, colIdx, values };
}

/** Check the CSR invariants (pointer monotonicity, sorted in-range columns, finite values); throws named errors. */
export function checkCsr(a: CsrMatrix, op = 'csr'): void {
  if (!a || !(a.rowPtr instanceof Int32Array) || !(a.colIdx instanceof Int32Array) || !(a.values instanceof Float64Array)) {
    throw new ValueError(`${op}: expected a CsrMatrix { rows, cols, rowPtr, colIdx: Int32Array, values: Float64Array }`);
  }
  if (a.rowPtr.length !== a.rows + 1 || a.rowPtr[0] !== 0 || a.rowPtr[a.rows] !== a.colIdx.length || a.values.length !== a.colIdx.length) {
    throw new ShapeError(`${op}: rowPtr/colIdx/values lengths do not describe a ${a.rows}×${a.cols} CSR matrix`);
  }
  for (let i = 0; i < a.rows; i++) {
    if (a.rowPtr[i + 1]! < a.rowPtr[i]!) throw new ValueError(`${op}: rowPtr decreases at row ${i}`);
    for (let p = a.rowPtr[i]!; p < a.rowPtr[i + 1]!; p++) {
      const j = a.colIdx[p]!;
      if (j < 0 || j >= a.cols) throw new IndexError(`${op}: row ${i} has column ${j}, outside [0, ${a.cols})`);
      if (p > a.rowPtr[i]! && j <= a.colIdx[p - 1]!) throw new ValueError(`${op}: row ${i} columns are not strictly increasing`);
      if (!Number.isFinite(a.values[p]!)) throw new ValueError(`${op}: entry (${i}, ${j}) is not finite`);
    }
  }
}
