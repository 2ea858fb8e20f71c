/**
 * Elementwise kernels: unary maps, broadcasting binary maps, and the ternary `where`.
 * @module
 */
import type { Kernel, KernelTensor, TypedArray } from '../types.js';
import { stridesOf, sizeOf } from '../types.js';
import { erf, normCdf, sigmoid, softplus } from './math.js';
import { reluBits, stepBits } from './branchless.js';

/** Scalar definitions of the unary ops (`a` is the op's scalar attribute, e.g. a slope). */
export const UNARY_FNS: Readonly<Record<string, (x: number, a: number) => number>> = {
  neg: (x) => -x,
  abs: (x) => Math.abs(x),
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN),
  exp: (x) => Math.exp(x),
  log: (x) => Math.log(x),
  log1p: (x) => Math.log1p(x),
  expm1: (x) => Math.expm1(x),
  sqrt: (x) => Math.sqrt(x),
  rsqrt: (x) => 1 / Math.sqrt(x),
  sin: (x) => Math.sin(x),
  cos: (x) => Math.cos(x),
  tanh: (x) => Math.tanh(x),
  sigmoid,
  relu: (x) => (x > 0 ? x : x === x ? 0 : x),
  leakyRelu: (x, a) => (x > 0 ? x : a * x),
  elu: (x, a) => (x > 0 ? x : a * Math.expm1(x)),
  gelu: (x) => x * normCdf(x),
  silu: (x) => x * sigmoid(x),
  softplus,
  erf,
  reciprocal: (x) => 1 / x,
  square: (x) => x * x,
  step: (x) => (x > 0 ? 1 : 0),
  powScalar: (x, a) => Math.pow(x, a),
};

/** Scalar definitions of the binary ops. Comparisons return 1 or 0. */
export const BINARY_FNS: Readonly<Record<string, (x: number, y: number) => number>> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  pow: (x, y) => Math.pow(x, y),
  maximum: (x, y) => (x !== x || y !== y ? NaN : x > y ? x : y),
  minimum: (x, y) => (x !== x || y !== y ? NaN : x < y ? x : y),
  eq: (x, y) => (x === y ? 1 : 0),
  ne: (x, y) => (x !== y ? 1 : 0),
  lt: (x, y) => (x < y ? 1 : 0),
  le: (x, y) => (x <= y ? 1 : 0),
  gt: (x, y) => (x > y ? 1 : 0),
  ge: (x, y) => (x >= y ? 1 : 0),
};

/**
 * A per-op copy of a loop. Every closure made by one factory shares its code and its type feedback
 * in V8, so a scalar function called inside becomes a megamorphic call; compiling the loop text
 * once per op gives each op its own code in which `f` is inlined (3–10× faster). Falls back to the
 * shared closure where code generation is not allowed (a strict CSP).
 */
function specialise<T>(src: string, f: unknown, fallback: T): T {
  try {
    return new Function('f', `'use strict'; return ${src};`)(f) as T;
  } catch {
    return fallback;
  }
}

type UnaryLoop = (a: TypedArray, r: TypedArray, alpha: number) => void;
type RowLoop = (a: TypedArray, b: TypedArray, r: TypedArray, n: number, pa: number, ia: number, pb: number, ib: number, base: number) => void;

const UNARY_SRC = 'function unaryLoop(a, r, al) { const n = r.length; for (let i = 0; i < n; i++) r[i] = f(a[i], al); }';
const ROW_SRC = 'function rowLoop(a, b, r, n, pa, ia, pb, ib, base) { for (let j = 0; j < n; j++, pa += ia, pb += ib) r[base + j] = f(a[pa], b[pb]); }';

/** Kernel factory for a unary op; attrs `{ alpha?: number }`. */
export function unaryKernel(op: string): Kernel {
  const f = UNARY_FNS[op];
  if (!f) throw new Error(`unknown unary op ${op}`);
  // The hottest ops keep hand-written loops.
  switch (op) {
    case 'neg':
      return ([x], [o]) => {
        const a = x!.data, r = o!.data;
        for (let i = 0; i < a.length; i++) r[i] = -a[i]!;
      };
    case 'exp':
      return ([x], [o]) => {
        const a = x!.data, r = o!.data;
        for (let i = 0; i < a.length; i++) r[i] = Math.exp(a[i]!);
      };
    case 'relu': // branch-free on the bits (branchless.ts); the scalar loop for other arrays
      return ([x], [o]) => {
        const a = x!.data, r = o!.data;
        if (reluBits(a, r)) return;
        for (let i = 0; i < a.length; i++) {
          const v = a[i]!;
          r[i] = v > 0 ? v : v === v ? 0 : v;
        }
      };
    case 'step':
      return ([x], [o]) => {
        const a = x!.data, r = o!.data;
        if (stepBits(a, r)) return;
        for (let i = 0; i < a.length; i++) r[i] = a[i]! > 0 ? 1 : 0;
      };
    case 'square':
      return ([x], [o]) => {
        const a = x!.data, r = o!.data;
        for (let i = 0; i < a.length; i++) r[i] = a[i]! * a[i]!;
      };
  }
  const loop = specialise<UnaryLoop>(UNARY_SRC, f, (a, r, al) => {
    for (let i = 0; i < r.length; i++) r[i] = f(a[i]!, al);
  });
  return ([x], [o], attrs: { alpha?: number }) => loop(x!.data, o!.data, attrs?.alpha ?? 0);
}

/**
 * siluGrad; inputs (x, g) of one shape: out = g · σ(x) · (1 + x(1 − σ(x))), SiLU's vector–Jacobian
 * product in one pass (its composed form is six elementwise ops).
 */
export const siluGradKernel: Kernel = ([x, g], [o]) => {
  const a = x!.data, b = g!.data, r = o!.data;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!, s = sigmoid(v);
    r[i] = b[i]! * s * (1 + v * (1 - s));
  }
};

/**
 * Strides of `shape` aligned to an output of rank `rank`, with 0 where the input broadcasts.
 */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const rank = outShape.length;
  const st = stridesOf(shape);
  const r = new Array<number>(rank).fill(0);
  const off = rank - shape.length;
  for (let d = 0; d < shape.length; d++) r[d + off] = shape[d] === 1 && outShape[d + off] !== 1 ? 0 : st[d]!;
  return r;
}

/**
 * Iterate the output index space row by row: calls `row(outBase, offsets)` for each innermost row,
 * where offsets[i] is the element offset of operand i at the row start.
 */
export function forEachRow(outShape: readonly number[], opStrides: number[][], row: (outBase: number, offs: number[]) => void): void {
  const nd = outShape.length;
  const total = sizeOf(outShape);
  if (total === 0) return;
  const inner = nd === 0 ? 1 : outShape[nd - 1]!;
  const outer = total / inner;
  const offs = new Array<number>(opStrides.length).fill(0);
  const idx = new Array<number>(Math.max(nd - 1, 0)).fill(0);
  for (let o = 0; o < outer; o++) {
    row(o * inner, offs);
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]!++;
      for (let k = 0; k < opStrides.length; k++) offs[k]! += opStrides[k]![d]!;
      if (idx[d]! < outShape[d]!) break;
      for (let k = 0; k < opStrides.length; k++) offs[k]! -= opStrides[k]![d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function fastSame(op: string, a: TypedArray, b: TypedArray, r: TypedArray): boolean {
  const n = r.length;
  switch (op) {
    case 'add': for (let i = 0; i < n; i++) r[i] = a[i]! + b[i]!; return true;
    case 'sub': for (let i = 0; i < n; i++) r[i] = a[i]! - b[i]!; return true;
    case 'mul': for (let i = 0; i < n; i++) r[i] = a[i]! * b[i]!; return true;
    case 'div': for (let i = 0; i < n; i++) r[i] = a[i]! / b[i]!; return true;
    default: return false;
  }
}

function fastScalarRight(op: string, a: TypedArray, s: number, r: TypedArray): boolean {
  const n = r.length;
  switch (op) {
    case 'add': for (let i = 0; i < n; i++) r[i] = a[i]! + s; return true;
    case 'sub': for (let i = 0; i < n; i++) r[i] = a[i]! - s; return true;
    case 'mul': for (let i = 0; i < n; i++) r[i] = a[i]! * s; return true;
    case 'div': for (let i = 0; i < n; i++) r[i] = a[i]! / s; return true;
    default: return false;
  }
}

/**
 * Merge adjacent output dimensions that every operand traverses contiguously (or broadcasts
 * along together), so the innermost loop is as long as possible.
 */
export function coalesce(shape: readonly number[], strides: number[][]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const out: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((st, k) => out[k]![last] === st[d]! * n)) {
      outShape[last] = outShape[last]! * n;
      strides.forEach((st, k) => (out[k]![last] = st[d]!));
    } else {
      outShape.push(n);
      strides.forEach((st, k) => out[k]!.push(st[d]!));
    }
  }
  return { shape: outShape, strides: out };
}

/** Kernel factory for a broadcasting binary op. */
export function binaryKernel(op: string): Kernel {
  const f = BINARY_FNS[op];
  if (!f) throw new Error(`unknown binary op ${op}`);
  const row = specialise<RowLoop>(ROW_SRC, f, (a, b, r, n, pa, ia, pb, ib, base) => {
    for (let j = 0; j < n; j++, pa += ia, pb += ib) r[base + j] = f(a[pa]!, b[pb]!);
  });
  return ([x, y], [o]) => {
    const a = x!.data, b = y!.data, r = o!.data;
    if (sameShape(x!.shape, o!.shape) && sameShape(y!.shape, o!.shape)) {
      if (fastSame(op, a, b, r)) return;
      row(a, b, r, r.length, 0, 1, 0, 1, 0);
      return;
    }
    if (b.length === 1 && sameShape(x!.shape, o!.shape)) {
      if (fastScalarRight(op, a, b[0]!, r)) return;
    }
    const c = coalesce(o!.shape, [broadcastStrides(x!.shape, o!.shape), broadcastStrides(y!.shape, o!.shape)]);
    const nd = c.shape.length;
    if (nd === 0) { row(a, b, r, r.length, 0, 0, 0, 0, 0); return; }
    const [sa, sb] = c.strides as [number[], number[]];
    const ia = sa[nd - 1]!, ib = sb[nd - 1]!, inner = c.shape[nd - 1]!;
    forEachRow(c.shape, [sa, sb], (base, offs) => row(a, b, r, inner, offs[0]!, ia, offs[1]!, ib, base));
  };
}

/** `where(cond, a, b)`: cond ≠ 0 picks a, else b; all three broadcast. */
export const whereKernel: Kernel = ([c, x, y], [o]) => {
  const cd = c!.data, a = x!.data, b = y!.data, r = o!.data;
  const strides = [c!, x!, y!].map((t: KernelTensor) => broadcastStrides(t.shape, o!.shape));
  const nd = o!.shape.length;
  const inner = nd ? o!.shape[nd - 1]! : 1;
  const ic = nd ? strides[0]![nd - 1]! : 0, ia = nd ? strides[1]![nd - 1]! : 0, ib = nd ? strides[2]![nd - 1]! : 0;
  forEachRow(o!.shape, strides, (base, offs) => {
    let pc = offs[0]!, pa = offs[1]!, pb = offs[2]!;
    for (let j = 0; j < inner; j++, pc += ic, pa += ia, pb += ib) r[base + j] = cd[pc] !== 0 ? a[pa]! : b[pb]!;
  });
};

/** `cast`: convert storage to the output dtype. */
export const castKernel: Kernel = ([x], [o]) => {
  const a = x!.data, r = o!.data;
  if (o!.dtype === 'int32') for (let i = 0; i < a.length; i++) r[i] = Math.trunc(a[i]!);
  else r.set(a);
};
