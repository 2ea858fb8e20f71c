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
  const a = x!.data as FloatArray, b = y!.data as FloatArray, c = o!.data as FloatArray;
  const { M, K, N, batches } = matmulBatches(x!.shape, y!.shape, o!.shape, transA);
  batches.forEach(([ao, bo], i) => gemm(a, ao, transA, b, bo, transB, c, i * M * N, M, K, N, false));
};

/**
 * The matrix sizes of a (broadcast) batched matmul and, per output batch i, the element offsets of
 * its A and B matrices (C's is i·M·N).
 */
export function matmulBatches(as: readonly number[], bs: readonly number[], os: readonly number[], transA: boolean): { M: number; K: number; N: number; batches: [number, number][] } {
  const r = os.length;
  const M = os[r - 2]!, N = os[r - 1]!;
  const K = transA ? as[as.length - 2]! : as[as.length - 1]!;
  const batchShape = os.slice(0, r - 2);
  const nb = sizeOf(batchShape);
  const aStr = batchStrides(as.slice(0, as.length - 2), batchShape, M * K);
  const bStr = batchStrides(bs.slice(0, bs.length - 2), batchShape, K * N);
  const bst = stridesOf(batchShape);
  const batches: [number, number][] = [];
  for (let i = 0; i < nb; i++) {
    let ao = 0, bo = 0, rem = i;
    for (let d = 0; d < batchShape.length; d++) {
      const id = Math.floor(rem / bst[d]!);
      rem -= id * bst[d]!;
      ao += id * aStr[d]!;
      bo += id * bStr[d]!;
    }
    batches.push([ao, bo]);
  }
  return { M, K, N, batches };
}

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
