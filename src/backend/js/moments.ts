/**
 * Reference kernels of two reductions that the formulas as compositions would run as four to
 * seven passes with as many temporaries, each one kernel here:
 *
 * - `variance`, attrs `{ axes, correction }`: per group of the reduced axes, μ = Σx / n in
 *   float64, then Σ(x − μ)² in float64 (two passes), divided by max(n − correction, 0) and rounded
 *   once (n − correction ≤ 0 gives Σ/0: NaN for a single element with correction 1, as torch.var);
 * - `logsumexp`, attrs `{ axes }`: m = the group's maximum (NaN wins), shifted by 0 where m = ±∞,
 *   log Σ exp(x − m) + m, with x − m, each exponential, the sum and the log rounded to the storage
 *   dtype where the composite formula stores them (the sum accumulated in float64 in order).
 *
 * Groups are rows of the input viewed with the reduced axes last (a copy when they are not
 * trailing, as for the other reductions). Copied per dtype by {@link Specialised}.
 * @module
 */
import type { Kernel, TypedArray } from '../types.js';
import { asRows } from './reduce.js';
import { Specialised, kindOf } from './specialise.js';

type RowsLoop = (a: TypedArray, rows: number, len: number, r: TypedArray, c: number) => void;

function varianceLoop(): RowsLoop {
  return (a, rows, len, r, c) => {
    const den = Math.max(len - c, 0);
    for (let i = 0; i < rows; i++) {
      const base = i * len;
      let s = 0;
      for (let j = 0; j < len; j++) s += a[base + j]!;
      const m = s / len;
      let q = 0;
      for (let j = 0; j < len; j++) {
        const d = a[base + j]! - m;
        q += d * d;
      }
      r[i] = q / den;
    }
  };
}

function logsumexpLoop(f32: boolean): RowsLoop {
  return (a, rows, len, r) => {
    for (let i = 0; i < rows; i++) {
      const base = i * len;
      let m = -Infinity, nan = false;
      for (let j = 0; j < len; j++) {
        const v = a[base + j]!;
        if (v > m) m = v;
        else if (v !== v) nan = true;
      }
      if (nan) m = NaN;
      else if (m === Infinity || m === -Infinity) m = 0;
      let s = 0;
      for (let j = 0; j < len; j++) {
        const d = a[base + j]! - m;
        const e = Math.exp(f32 ? Math.fround(d) : d);
        s += f32 ? Math.fround(e) : e;
      }
      const l = Math.log(f32 ? Math.fround(s) : s);
      r[i] = (f32 ? Math.fround(l) : l) + m;
    }
  };
}

const varianceRows = new Specialised('varianceRows', varianceLoop, []);
const lseRows = [new Specialised('logsumexpRows32', logsumexpLoop, [true]), new Specialised('logsumexpRows64', logsumexpLoop, [false])];

/** variance over `axes` (sorted, distinct, non-negative) with Bessel's `correction`. */
export const varianceKernel: Kernel = ([x], [o], { axes, correction }: { axes: number[]; correction: number }) => {
  const { data: a, rows, len } = asRows(x!, axes);
  varianceRows.get(kindOf(a))(a, rows, len, o!.data, correction);
};

/** logsumexp over `axes` (sorted, distinct, non-negative). */
export const logsumexpKernel: Kernel = ([x], [o], { axes }: { axes: number[] }) => {
  const { data: a, rows, len } = asRows(x!, axes);
  const k = kindOf(a);
  lseRows[k]!.get(k)(a, rows, len, o!.data, 0);
};
