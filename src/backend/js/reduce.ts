/**
 * Reduction kernels over arbitrary axes: sum, prod, max, min, argmax, argmin.
 * @module
 */
import type { Kernel, KernelTensor, TypedArray } from '../types.js';
import { sizeOf } from '../types.js';
import { allocLike, permuteData } from './layout.js';
import { Specialised, kindOf } from './specialise.js';

/**
 * Bring the reduced axes to the end: returns rows×len data where each row is reduced.
 */
export function asRows(x: KernelTensor, axes: readonly number[]): { data: TypedArray; rows: number; len: number } {
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

type RowsLoop = (a: TypedArray, rows: number, len: number, r: TypedArray) => void;

/**
 * Row sums with four interleaved accumulators, (s0 + s1) + (s2 + s3), the tail into s0. Loop
 * factories here are copied per op and dtype pair by {@link Specialised} (see specialise.ts).
 */
function sumRowsLoop(): RowsLoop {
  return (a, rows, len, r) => {
    for (let i = 0; i < rows; i++) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      const base = i * len, end = base + len, end4 = end - (len & 3);
      let p = base;
      for (; p < end4; p += 4) {
        s0 += a[p]!; s1 += a[p + 1]!; s2 += a[p + 2]!; s3 += a[p + 3]!;
      }
      for (; p < end; p++) s0 += a[p]!;
      r[i] = (s0 + s1) + (s2 + s3);
    }
  };
}

/** Row-wise max (sgn = 1) or min (sgn = −1) with four independent accumulators; NaN anywhere in a row gives NaN. */
function extremeRowsLoop(sgn: number): RowsLoop {
  return (a, rows, len, r) => {
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
  };
}

/** Row products, left to right. */
function prodRowsLoop(): RowsLoop {
  return (a, rows, len, r) => {
    for (let i = 0; i < rows; i++) {
      const base = i * len;
      let acc = 1;
      for (let j = 0; j < len; j++) acc *= a[base + j]!;
      r[i] = acc;
    }
  };
}

/** Sum over the leading `len` rows of width `r.length` (e.g. bias gradients), accumulated in `r`'s precision. */
function leadingSumLoop(): (a: TypedArray, len: number, r: TypedArray) => void {
  return (a, len, r) => {
    const width = r.length;
    r.fill(0);
    for (let i = 0; i < len; i++) {
      const base = i * width;
      for (let j = 0; j < width; j++) r[j]! += a[base + j]!;
    }
  };
}

/** argmax (max = true) / argmin rows: first index wins on ties; the first NaN wins. */
function argRowsLoop(max: boolean): RowsLoop {
  return (a, rows, len, r) => {
    for (let i = 0; i < rows; i++) {
      const base = i * len;
      let best = 0;
      let bv = a[base]!;
      for (let j = 1; j < len; j++) {
        const v = a[base + j]!;
        if (bv !== bv) break;
        if (max ? v > bv || v !== v : v < bv || v !== v) { bv = v; best = j; }
      }
      r[i] = best;
    }
  };
}

const sumRows = new Specialised('sumRows', sumRowsLoop, []);
const prodRows = new Specialised('prodRows', prodRowsLoop, []);
const leadingSum = new Specialised('leadingSum', leadingSumLoop, []);
const extremeRows = { max: new Specialised('maxRows', extremeRowsLoop, [1]), min: new Specialised('minRows', extremeRowsLoop, [-1]) };
const argRows = { argmax: new Specialised('argmaxRows', argRowsLoop, [true]), argmin: new Specialised('argminRows', argRowsLoop, [false]) };

/** Reduction kernel factory; attrs `{ axes: number[] }` (sorted, distinct, non-negative). */
export function reduceKernel(op: 'sum' | 'prod' | 'max' | 'min'): Kernel {
  const rowsLoops = op === 'sum' ? sumRows : op === 'prod' ? prodRows : extremeRows[op];
  return ([x], [o], { axes }: { axes: number[] }) => {
    const r = o!.data;
    // Leading-axis sum (e.g. bias gradients) without a transpose: accumulate rows.
    const nd = x!.shape.length;
    if (op === 'sum' && axes.length > 0 && axes.every((a, i) => a === i) && axes.length < nd) {
      const len = sizeOf(axes.map((a) => x!.shape[a]!));
      const a = x!.data;
      leadingSum.get(kindOf(a) * 3 + kindOf(r))(a, len, r);
      return;
    }
    const { data: a, rows, len } = asRows(x!, axes);
    rowsLoops.get(kindOf(a) * 3 + kindOf(r))(a, rows, len, r);
  };
}

/** argmax/argmin over one axis (attrs `{ axis }`), output int32; first index wins on ties; NaN wins. */
export function argKernel(op: 'argmax' | 'argmin'): Kernel {
  const loops = argRows[op];
  return ([x], [o], { axis }: { axis: number }) => {
    const { data: a, rows, len } = asRows(x!, [axis]);
    const r = o!.data;
    loops.get(kindOf(a) * 3 + kindOf(r))(a, rows, len, r);
  };
}
