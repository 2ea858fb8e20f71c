/**
 * Reference kernels of softmax and log-softmax along one axis, and of their vector–Jacobian
 * products, each one kernel instead of the five to nine elementwise ops and reductions of the
 * composite formulas:
 *
 * - `softmax`:        y = exp(x − m) / Σ exp(x − m), m the maximum along the axis (NaN wins);
 * - `softmaxGrad`:    gx = y ⊙ (g − Σ g ⊙ y), from the forward output y and the upstream gradient g;
 * - `logSoftmax`:     y = x − (log Σ exp(x − m) + m), with m = 0 where the maximum is ±∞ (an
 *                     all −∞ slice, or one holding +∞), as `logsumexp` shifts;
 * - `logSoftmaxGrad`: gx = g − exp(y) · Σ g.
 *
 * The axis is `attrs.axis` of a contiguous tensor viewed as [outer, L, inner]. Every intermediate a
 * composite would store (x − m, exp, the sum, the log, …) is rounded to the storage dtype exactly
 * where the composite stores it, and the sums are accumulated in float64 in ascending order along
 * the axis, then rounded once: float32 results are those of the same formula computed op by op in
 * float32 storage. Special values follow from the formulas: a slice holding NaN or +∞, or all −∞,
 * gives NaN (softmax), as PyTorch.
 *
 * The loops are copied per dtype by {@link Specialised} (one copy sees one array class).
 * @module
 */
import type { Kernel, TypedArray } from '../types.js';
import { Specialised, kindOf } from './specialise.js';

/** The attributes of the four kernels: the normalised (non-negative) axis. */
export interface SoftmaxAttrs {
  axis: number;
}

/** [outer, L, inner] of `shape` around `axis`. */
export function splitAxis(shape: readonly number[], axis: number): [number, number, number] {
  let outer = 1, inner = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d]!;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d]!;
  return [outer, shape[axis]!, inner];
}

type Loop2 = (x: TypedArray, y: TypedArray, outer: number, L: number, inner: number) => void;
type Loop3 = (a: TypedArray, b: TypedArray, out: TypedArray, outer: number, L: number, inner: number) => void;

/**
 * softmax (`log` false) or logSoftmax (`log` true) loop; `f32` rounds every stored intermediate to
 * float32 (x − m before exp, …), as float32 storage does. Slices are walked with stride `inner`;
 * each slice's maximum and sum stay in locals. Both flags are constants of a compiled copy.
 */
function softmaxLoop(f32: boolean, log: boolean): Loop2 {
  return (x, y, outer, L, inner) => {
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * L * inner + i, end = base + L * inner;
        let m = -Infinity, nan = false;
        for (let p = base; p < end; p += inner) {
          const v = x[p]!;
          if (v > m) m = v;
          else if (v !== v) nan = true;
        }
        if (nan) m = NaN;
        else if (log && (m === Infinity || m === -Infinity)) m = 0;
        let s = 0;
        for (let p = base; p < end; p += inner) {
          const d = x[p]! - m;
          const e = Math.exp(f32 ? Math.fround(d) : d);
          if (log) s += f32 ? Math.fround(e) : e;
          else {
            y[p] = e;
            s += y[p]!;
          }
        }
        const t = f32 ? Math.fround(s) : s;
        if (log) {
          const l = Math.log(t);
          const r0 = (f32 ? Math.fround(l) : l) + m;
          const r = f32 ? Math.fround(r0) : r0;
          for (let p = base; p < end; p += inner) y[p] = x[p]! - r;
        } else {
          for (let p = base; p < end; p += inner) y[p] = y[p]! / t;
        }
      }
    }
  };
}

/** softmaxGrad loop: gx = y ⊙ (g − s), s = Σ g ⊙ y (products rounded to the dtype, summed in float64). */
function softmaxGradLoop(f32: boolean): Loop3 {
  return (y, g, gx, outer, L, inner) => {
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * L * inner + i, end = base + L * inner;
        let s = 0;
        for (let p = base; p < end; p += inner) {
          const q = g[p]! * y[p]!;
          s += f32 ? Math.fround(q) : q;
        }
        const t = f32 ? Math.fround(s) : s;
        for (let p = base; p < end; p += inner) {
          const d = g[p]! - t;
          gx[p] = y[p]! * (f32 ? Math.fround(d) : d);
        }
      }
    }
  };
}

/** logSoftmaxGrad loop: gx = g − exp(y) · Σ g (exp and the product rounded to the dtype). */
function logSoftmaxGradLoop(f32: boolean): Loop3 {
  return (y, g, gx, outer, L, inner) => {
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * L * inner + i, end = base + L * inner;
        let s = 0;
        for (let p = base; p < end; p += inner) s += g[p]!;
        const t = f32 ? Math.fround(s) : s;
        for (let p = base; p < end; p += inner) {
          const e = Math.exp(y[p]!);
          const q = (f32 ? Math.fround(e) : e) * t;
          gx[p] = g[p]! - (f32 ? Math.fround(q) : q);
        }
      }
    }
  };
}

/** Per-dtype tables: index 0 float32 copies, 1 float64. */
const tables = {
  softmax: [new Specialised('softmax32', softmaxLoop, [true, false]), new Specialised('softmax64', softmaxLoop, [false, false])],
  logSoftmax: [new Specialised('logSoftmax32', softmaxLoop, [true, true]), new Specialised('logSoftmax64', softmaxLoop, [false, true])],
  softmaxGrad: [new Specialised('softmaxGrad32', softmaxGradLoop, [true]), new Specialised('softmaxGrad64', softmaxGradLoop, [false])],
  logSoftmaxGrad: [new Specialised('logSoftmaxGrad32', logSoftmaxGradLoop, [true]), new Specialised('logSoftmaxGrad64', logSoftmaxGradLoop, [false])],
};

const unaryAlongAxis = (t: readonly Specialised<[boolean, boolean], Loop2>[]): Kernel => ([x], [y], { axis }: SoftmaxAttrs) => {
  const k = kindOf(x!.data);
  t[k]!.get(k).call(null, x!.data, y!.data, ...splitAxis(x!.shape, axis));
};

const gradAlongAxis = (t: readonly Specialised<[boolean], Loop3>[]): Kernel => ([y, g], [gx], { axis }: SoftmaxAttrs) => {
  const k = kindOf(y!.data);
  t[k]!.get(k).call(null, y!.data, g!.data, gx!.data, ...splitAxis(y!.shape, axis));
};

/** softmax; input x, output y of x's shape; attrs `{ axis }`. */
export const softmaxKernel: Kernel = unaryAlongAxis(tables.softmax);
/** logSoftmax; input x, output y of x's shape; attrs `{ axis }`. */
export const logSoftmaxKernel: Kernel = unaryAlongAxis(tables.logSoftmax);
/** softmaxGrad; inputs (y, g) of one shape, output gx; attrs `{ axis }`. */
export const softmaxGradKernel: Kernel = gradAlongAxis(tables.softmaxGrad);
/** logSoftmaxGrad; inputs (y, g) of one shape, output gx; attrs `{ axis }`. */
export const logSoftmaxGradKernel: Kernel = gradAlongAxis(tables.logSoftmaxGrad);
