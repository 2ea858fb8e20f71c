/**
 * Batched matrix multiply with broadcast batch dimensions.
 * @module
 */
import type { FloatArray, Kernel } from '../types.js';
import { sizeOf, stridesOf } from '../types.js';
import { gemm } from './gemm.js';

/**
 * inputs a [...Ba, M, K] (or [...Ba, K, M] if transA), b [...Bb, K, N] (or [...Bb, N, K] if transB),
 * output [...B, M, N] with B the broadcast of Ba and Bb. attrs `{ transA, transB }`.
 */
export const matmulKernel: Kernel = ([x, y], [o], { transA, transB }: { transA: boolean; transB: boolean }) => {
  const as = x!.shape, bs = y!.shape, os = o!.shape;
  const r = os.length;
  const M = os[r - 2]!, N = os[r - 1]!;
  const K = transA ? as[as.length - 2]! : as[as.length - 1]!;
  const batchShape = os.slice(0, r - 2);
  const nb = sizeOf(batchShape);
  const aBatch = as.slice(0, as.length - 2), bBatch = bs.slice(0, bs.length - 2);
  const aStr = batchStrides(aBatch, batchShape, M * K);
  const bStr = batchStrides(bBatch, batchShape, K * N);
  const bst = stridesOf(batchShape);
  const a = x!.data as FloatArray, b = y!.data as FloatArray, c = o!.data as FloatArray;
  for (let i = 0; i < nb; i++) {
    let ao = 0, bo = 0, rem = i;
    for (let d = 0; d < batchShape.length; d++) {
      const id = Math.floor(rem / bst[d]!);
      rem -= id * bst[d]!;
      ao += id * aStr[d]!;
      bo += id * bStr[d]!;
    }
    gemm(a, ao, transA, b, bo, transB, c, i * M * N, M, K, N, false);
  }
};

function batchStrides(shape: readonly number[], outBatch: readonly number[], matSize: number): number[] {
  const r = new Array<number>(outBatch.length).fill(0);
  const off = outBatch.length - shape.length;
  let acc = matSize;
  for (let d = shape.length - 1; d >= 0; d--) {
    r[d + off] = shape[d] === 1 ? 0 : acc;
    acc *= shape[d]!;
  }
  return r;
}
