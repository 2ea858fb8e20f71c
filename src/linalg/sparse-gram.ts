/**
 * Gram matrices of sparse matrices: G = Σᵢ BᵢᵀBᵢ in CSR, by Gustavson's row-wise product over the
 * rows of each Bᵢ (G += Σ_rows b_rowᵀ b_row). Used by the solver's Krylov path to assemble the
 * reduced constraint Gram operator without forming any dense N×N matrix.
 * @module
 */
import { ShapeError } from '../util/index.js';
import type { CsrMatrix } from './sparse.js';

/**
 * G = Σᵢ BᵢᵀBᵢ (n×n CSR, columns sorted) for CSR matrices Bᵢ with n columns each (any row counts).
 * Cost Σ over rows of (nnz per row)² plus O(nnz(G)).
 * @throws ShapeError when the Bᵢ differ in column count
 */
export function csrGramSum(bs: readonly CsrMatrix[], n: number): CsrMatrix {
  for (const b of bs) if (b.cols !== n) throw new ShapeError(`csrGramSum: a ${b.rows}×${b.cols} matrix among Gram terms of width ${n}`);
  // transposes' structure: for each column c of every Bᵢ, the (row, value) entries
  const rowsOfCol: { ptr: Int32Array; row: Int32Array; val: Float64Array }[] = bs.map((b) => {
    const cnt = new Int32Array(n + 1);
    for (let k = 0; k < b.colIdx.length; k++) cnt[b.colIdx[k]! + 1]!++;
    for (let c = 0; c < n; c++) cnt[c + 1]! += cnt[c]!;
    const next = cnt.slice(0, n);
    const row = new Int32Array(b.colIdx.length), val = new Float64Array(b.colIdx.length);
    for (let i = 0; i < b.rows; i++) {
      for (let k = b.rowPtr[i]!; k < b.rowPtr[i + 1]!; k++) {
        const p = next[b.colIdx[k]!]!++;
        row[p] = i;
        val[p] = b.values[k]!;
      }
    }
    return { ptr: cnt, row, val };
  });
  const acc = new Float64Array(n);
  const mark = new Int32Array(n).fill(-1);
  const list: number[] = [];
  const rowPtr = new Int32Array(n + 1);
  const outJ: number[] = [], outV: number[] = [];
  for (let c = 0; c < n; c++) {
    list.length = 0;
    bs.forEach((b, t) => {
      const tr = rowsOfCol[t]!;
      for (let p = tr.ptr[c]!; p < tr.ptr[c + 1]!; p++) {
        const i = tr.row[p]!, v = tr.val[p]!;
        for (let k = b.rowPtr[i]!; k < b.rowPtr[i + 1]!; k++) {
          const j = b.colIdx[k]!;
          if (mark[j] !== c) { mark[j] = c; acc[j] = 0; list.push(j); }
          acc[j]! += v * b.values[k]!;
        }
      }
    });
    list.sort((a, b) => a - b);
    for (const j of list) { outJ.push(j); outV.push(acc[j]!); }
    rowPtr[c + 1] = outJ.length;
  }
  return { rows: n, cols: n, rowPtr, colIdx: Int32Array.from(outJ), values: Float64Array.from(outV) };
}
