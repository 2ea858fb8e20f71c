/**
 * General matrix multiply on raw typed arrays (the JS reference backend's hot loop).
 * @module
 */

/** Float storage accepted by the dense kernels. */
export type FloatArray = Float32Array | Float64Array;

/**
 * C = op(A) · op(B) (+ C if `accumulate`), all row-major, one matrix each.
 *
 * - op(A) is M×K: A is stored M×K (`transA=false`, row stride K) or K×M (`transA=true`, row stride M).
 * - op(B) is K×N: B is stored K×N (`transB=false`, row stride N) or N×K (`transB=true`, row stride K).
 * - C is M×N with row stride N.
 * `aOff`, `bOff`, `cOff` are element offsets of the matrices inside the arrays (batched callers).
 * Accumulation is in the arrays' own precision.
 */
export function gemm(
  a: FloatArray, aOff: number, transA: boolean,
  b: FloatArray, bOff: number, transB: boolean,
  c: FloatArray, cOff: number,
  M: number, K: number, N: number,
  accumulate: boolean,
): void {
  if (!accumulate) c.fill(0, cOff, cOff + M * N);
  for (let i = 0; i < M; i++) {
    const cRow = cOff + i * N;
    for (let k = 0; k < K; k++) {
      const aik = transA ? a[aOff + k * M + i]! : a[aOff + i * K + k]!;
      if (transB) {
        for (let j = 0; j < N; j++) c[cRow + j]! += aik * b[bOff + j * K + k]!;
      } else {
        const bRow = bOff + k * N;
        for (let j = 0; j < N; j++) c[cRow + j]! += aik * b[bRow + j]!;
      }
    }
  }
}
