/**
 * Reduction kernels over arbitrary axes: sum, prod, max, min, argmax, argmin.
 * @module
 */
import type { Kernel, KernelTensor, TypedArray } from '../types.js';
import { sizeOf } from '../types.js';
import { allocLike, permuteData } from './layout.js';

/**
 * Bring the reduced axes to the end: returns rows×len data where each row is reduced.
 */
function asRows(x: KernelTensor, axes: readonly number[]): { data: TypedArray; rows: number; len: number } {
  const nd = x.shape.length;
  const keep: number[] = [];
  for (let d = 0; d < nd; d++) if (!axes.includes(d)) keep.push(d);
  const len = sizeOf(axes.map((a) => x.shape[a]!));
  const rows = sizeOf(keep.map((a) => x.shape[a]!));
  const trailing = axes.every((a, i) => a === nd - axes.length + i);
  if (trailing) return { data: x.data, rows, len };
  const perm = [...keep, ...axes];
  const out = allocLike(x.data, x.data.length);
  permuteData(x.data, x.shape, perm, out);
  return { data: out, rows, len };
}

function sumRows(a: TypedArray, rows: number, len: number, r: TypedArray): void {
  for (let i = 0; i < rows; i++) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    const base = i * len;
    let j = 0;
    for (; j + 3 < len; j += 4) {
      s0 += a[base + j]!; s1 += a[base + j + 1]!; s2 += a[base + j + 2]!; s3 += a[base + j + 3]!;
    }
    for (; j < len; j++) s0 += a[base + j]!;
    r[i] = (s0 + s1) + (s2 + s3);
  }
}

/** Row-wise max/min with four independent accumulators; NaN anywhere in a row gives NaN. */
function extremeRows(op: 'max' | 'min', a: TypedArray, rows: number, len: number, r: TypedArray): void {
  const sgn = op === 'max' ? 1 : -1;
  for (let i = 0; i < rows; i++) {
    const base = i * len;
    let m0 = -Infinity, m1 = -Infinity, m2 = -Infinity, m3 = -Infinity;
    let nan = false;
    let j = 0;
    for (; j + 3 < len; j += 4) {
      const v0 = sgn * a[base + j]!, v1 = sgn * a[base + j + 1]!, v2 = sgn * a[base + j + 2]!, v3 = sgn * a[base + j + 3]!;
      if (v0 > m0) m0 = v0;
      if (v1 > m1) m1 = v1;
      if (v2 > m2) m2 = v2;
      if (v3 > m3) m3 = v3;
      if (v0 !== v0 || v1 !== v1 || v2 !== v2 || v3 !== v3) nan = true;
    }
    for (; j < len; j++) {
      const v = sgn * a[base + j]!;
      if (v > m0) m0 = v;
      if (v !== v) nan = true;
    }
    const m = Math.max(m0, m1, m2, m3);
    r[i] = nan ? NaN : sgn * m;
  }
}

/** Reduction kernel factory; attrs `{ axes: number[] }` (sorted, distinct, non-negative). */
export function reduceKernel(op: 'sum' | 'prod' | 'max' | 'min'): Kernel {
  return ([x], [o], { axes }: { axes: number[] }) => {
    const r = o!.data;
    // Leading-axis sum (e.g. bias gradients) without a transpose: accumulate rows.
    const nd = x!.shape.length;
    if (op === 'sum' && axes.length > 0 && axes.every((a, i) => a === i) && axes.length < nd) {
      const len = sizeOf(axes.map((a) => x!.shape[a]!));
      const width = r.length;
      const a = x!.data;
      r.fill(0);
      for (let i = 0; i < len; i++) {
        const base = i * width;
        for (let j = 0; j < width; j++) r[j]! += a[base + j]!;
      }
      return;
    }
    const { data: a, rows, len } = asRows(x!, axes);
    if (op === 'sum') return sumRows(a, rows, len, r);
    if (op === 'max' || op === 'min') return extremeRows(op, a, rows, len, r);
    for (let i = 0; i < rows; i++) {
      const base = i * len;
      let acc = op === 'prod' ? 1 : op === 'max' ? -Infinity : Infinity;
      if (op === 'prod') for (let j = 0; j < len; j++) acc *= a[base + j]!;
      else if (op === 'max') {
        for (let j = 0; j < len; j++) {
          const v = a[base + j]!;
          if (v > acc || v !== v) { acc = v; if (v !== v) break; }
        }
      } else {
        for (let j = 0; j < len; j++) {
          const v = a[base + j]!;
          if (v < acc || v !== v) { acc = v; if (v !== v) break; }
        }
      }
      r[i] = acc;
    }
  };
}

/** argmax/argmin over one axis (attrs `{ axis }`), output int32; first index wins on ties; NaN wins. */
export function argKernel(op: 'argmax' | 'argmin'): Kernel {
  return ([x], [o], { axis }: { axis: number }) => {
    const { data: a, rows, len } = asRows(x!, [axis]);
    const r = o!.data;
    for (let i = 0; i < rows; i++) {
      const base = i * len;
      let best = 0;
      let bv = a[base]!;
      for (let j = 1; j < len; j++) {
        const v = a[base + j]!;
        if (bv !== bv) break;
        if (op === 'argmax' ? v > bv || v !== v : v < bv || v !== v) { bv = v; best = j; }
      }
      r[i] = best;
    }
  };
}
