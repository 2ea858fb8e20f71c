/**
 * Reference kernel of `clamp`: out = x < lo ? lo : x > hi ? hi : x, with the bounds rounded to the
 * storage dtype first (a float32 tensor is compared with float32 bounds, as a comparison against a
 * float32 scalar tensor would). NaN stays NaN (neither comparison holds), −0 stays −0 inside the
 * bounds. An omitted bound is ±∞. Copied per dtype by {@link Specialised}.
 * @module
 */
import type { Kernel, TypedArray } from '../types.js';
import { Specialised, kindOf } from './specialise.js';

/** The attributes of `clamp`: the bounds (±∞ when omitted). */
export interface ClampAttrs {
  lo: number;
  hi: number;
}

type ClampLoop = (x: TypedArray, out: TypedArray, lo: number, hi: number) => void;

function clampLoop(): ClampLoop {
  return (x, out, lo, hi) => {
    const n = x.length;
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      out[i] = v < lo ? lo : v > hi ? hi : v;
    }
  };
}

const loops = new Specialised('clamp', clampLoop, []);

/** clamp; input x, output of x's shape and dtype; attrs {@link ClampAttrs}. */
export const clampKernel: Kernel = ([x], [o], { lo, hi }: ClampAttrs) => {
  const a = x!.data, k = kindOf(a);
  const r = k === 0 ? Math.fround : (v: number): number => v;
  loops.get(k)(a, o!.data, r(lo), r(hi));
};
