/**
 * Clebsch–Gordan blocks for the tensor products: the real CG tensor C^{l₁l₂l₃} of src/rep
 * (‖C‖_F = 1, e3nn's normalisation of `wigner_3j`) re-laid out as a [d₁, d₂·d₃] matrix
 * (C[i, j·d₃ + k] = C_{ijk}) for the first contraction of a path, with its nonzero entries.
 * @module
 */
import { realCG } from '../../rep/index.js';

/** A CG block of one (l₁, l₂, l₃) and its nonzeros. */
export interface CgBlock {
  readonly l1: number;
  readonly l2: number;
  readonly l3: number;
  /** C[i, j, k] as a row-major [d₁, d₂, d₃] array (float64). */
  readonly dense: Float64Array;
  /** Nonzero entries: (i, j, k, value) in row-major order. */
  readonly nnz: { readonly i: Int32Array; readonly j: Int32Array; readonly k: Int32Array; readonly value: Float64Array };
}

const cache = new Map<string, CgBlock>();

/**
 * C^{l₁l₂l₃}_{ijk} (‖C‖_F = 1), intertwining D^{l₃}(R)·C(x, y) = C(D^{l₁}x, D^{l₂}y), cached.
 * Entries below 1e-14 (rounding residue of the complex-to-real change of basis) are set to 0.
 */
export function cgBlock(l1: number, l2: number, l3: number): CgBlock {
  const key = `${l1},${l2},${l3}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const d1 = 2 * l1 + 1, d2 = 2 * l2 + 1, d3 = 2 * l3 + 1;
  const W = realCG(l1, l2, l3); // [d3, d1·d2]
  const dense = new Float64Array(d1 * d2 * d3);
  const I: number[] = [], J: number[] = [], K: number[] = [], V: number[] = [];
  for (let i = 0; i < d1; i++) {
    for (let j = 0; j < d2; j++) {
      for (let k = 0; k < d3; k++) {
        const v = W[k * d1 * d2 + i * d2 + j]!;
        if (Math.abs(v) < 1e-14) continue;
        dense[(i * d2 + j) * d3 + k] = v;
        I.push(i); J.push(j); K.push(k); V.push(v);
      }
    }
  }
  const block: CgBlock = { l1, l2, l3, dense, nnz: { i: Int32Array.from(I), j: Int32Array.from(J), k: Int32Array.from(K), value: Float64Array.from(V) } };
  cache.set(key, block);
  return block;
}
