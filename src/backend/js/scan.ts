/**
 * Scan (prefix) kernels along one axis: `cumsum` (optionally from the end) and `cumprod`.
 *
 * For an input viewed as [outer, len, inner] around the scanned axis,
 *
 *   cumsum:  y[o, k, i] = Σ_{j ≤ k} x[o, j, i]    (reverse: Σ_{j ≥ k})
 *   cumprod: y[o, k, i] = Π_{j ≤ k} x[o, j, i]
 *
 * The running value is kept in float64 for both dtypes (as PyTorch's CPU kernels accumulate float32
 * in double) and rounded once per output element.
 * @module
 */
import type { Kernel, TypedArray } from '../types.js';
import { Specialised, kindOf } from './specialise.js';

/** Attributes of `cumsum` / `cumprod`. */
export interface ScanAttrs {
  /** The scanned axis (non-negative). */
  axis: number;
  /** Scan from the last element towards the first (cumsum only). */
  reverse?: boolean;
}

/**
 * The scan loop over [outer, len, inner] (copied per op and dtype pair by {@link Specialised}; see
 * specialise.ts).
 */
function scanLoop(prod: boolean): (xd: TypedArray, yd: TypedArray, outer: number, len: number, inner: number, rev: boolean) => void {
  return (xd, yd, outer, len, inner, rev) => {
    if (inner === 1) { // the scanned axis is the last: one running value, no accumulator array
      for (let o = 0; o < outer; o++) {
        const base = o * len;
        let acc = prod ? 1 : 0;
        for (let s = 0; s < len; s++) {
          const p = base + (rev ? len - 1 - s : s);
          acc = prod ? acc * xd[p]! : acc + xd[p]!;
          yd[p] = acc;
        }
      }
      return;
    }
    const acc = new Float64Array(inner);
    for (let o = 0; o < outer; o++) {
      const base = o * len * inner;
      acc.fill(prod ? 1 : 0);
      for (let s = 0; s < len; s++) {
        const row = base + (rev ? len - 1 - s : s) * inner;
        if (prod) for (let i = 0; i < inner; i++) { const v = acc[i]! * xd[row + i]!; acc[i] = v; yd[row + i] = v; }
        else for (let i = 0; i < inner; i++) { const v = acc[i]! + xd[row + i]!; acc[i] = v; yd[row + i] = v; }
      }
    }
  };
}

function scanKernel(prod: boolean): Kernel {
  const loops = new Specialised(prod ? 'cumprod' : 'cumsum', scanLoop, [prod]);
  return ([x], [y], attrs: ScanAttrs) => {
    const shape = x!.shape, ax = attrs.axis, xd = x!.data, yd = y!.data;
    const len = shape[ax]!;
    let inner = 1;
    for (let d = ax + 1; d < shape.length; d++) inner *= shape[d]!;
    if (len === 0 || inner === 0) return;
    const outer = xd.length / (len * inner);
    loops.get(kindOf(xd) * 3 + kindOf(yd))(xd, yd, outer, len, inner, !prod && attrs.reverse === true);
  };
}

/** `cumsum`: inclusive prefix sums along `attrs.axis` (suffix sums with `reverse`). */
export const cumsumKernel: Kernel = scanKernel(false);

/** `cumprod`: inclusive prefix products along `attrs.axis`. */
export const cumprodKernel: Kernel = scanKernel(true);
