/**
 * Elementwise kernels: unary maps, broadcasting binary maps, and the ternary `where`.
 * @module
 */
import type { Kernel, KernelTensor, TypedArray } from '../types.js';
import { stridesOf, sizeOf } from '../types.js';
import { erf, normCdf, sigmoid, softplus } from './math.js';
import { reluBits, stepBits } from './branchless.js';
import { Specialised, kindOf } from './specialise.js';

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

/** A unary op's loop: r[i] = f(a[i], alpha). */
type UnaryLoop = (a: TypedArray, r: TypedArray, alpha: number) => void;

/** Loop factory for a unary op (copied per op and dtype pair by {@link Specialised}; see specialise.ts). */
function unaryLoop(f: (x: number, a: number) => number): UnaryLoop {
  return (a, r, al) => {
    const n = r.length;
    for (let i = 0; i < n; i++) r[i] = f(a[i]!, al);
  };
}

/** Kernel factory for a unary op; attrs `{ alpha?: number }`. */
export function unaryKernel(op: string): Kernel {
  const f = UNARY_FNS[op];
  if (!f) throw new Error(`unknown unary op ${op}`);
  const loops = new Specialised(`unary:${op}`, unaryLoop, [f]);
  // relu and step: branch-free on the float bits (branchless.ts); the loop for int32
  if (op === 'relu') {
    return ([x], [o]) => {
      const a = x!.data, r = o!.data;
      if (!reluBits(a, r)) loops.get(kindOf(a) * 3 + kindOf(r))(a, r, 0);
    };
  }
  if (op === 'step') {
    return ([x], [o]) => {
      const a = x!.data, r = o!.data;
      if (!stepBits(a, r)) loops.get(kindOf(a) * 3 + kindOf(r))(a, r, 0);
    };
  }
  return ([x], [o], attrs: { alpha?: number }) => {
    const a = x!.data, r = o!.data;
    loops.get(kindOf(a) * 3 + kindOf(r))(a, r, attrs?.alpha ?? 0);
  };
}

/** siluGrad's loop (see {@link siluGradKernel}). */
function siluGradLoop(sig: (x: number) => number): (a: TypedArray, b: TypedArray, r: TypedArray) => void {
  return (a, b, r) => {
    const n = r.length;
    for (let i = 0; i < n; i++) {
      const v = a[i]!, s = sig(v);
      r[i] = b[i]! * s * (1 + v * (1 - s));
    }
  };
}
const siluGradLoops = new Specialised('siluGrad', siluGradLoop, [sigmoid]);

/**
 * siluGrad; inputs (x, g) of one shape: out = g · σ(x) · (1 + x(1 − σ(x))), SiLU's vector–Jacobian
 * product in one pass (its composed form is six elementwise ops).
 */
export const siluGradKernel: Kernel = ([x, g], [o]) => {
  const a = x!.data, b = g!.data, r = o!.data;
  siluGradLoops.get(kindOf(a) * 9 + kindOf(b) * 3 + kindOf(r))(a, b, r);
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

/** A binary op's loops: same shape, scalar right, scalar left, and the general broadcast. */
type BinaryLoops = readonly [
  same: (a: TypedArray, b: TypedArray, r: TypedArray) => void,
  right: (a: TypedArray, s: number, r: TypedArray) => void,
  left: (s: number, b: TypedArray, r: TypedArray) => void,
  bcast: (a: TypedArray, b: TypedArray, r: TypedArray, shape: readonly number[], sa: readonly number[], sb: readonly number[]) => void,
];

/**
 * Loop factory for a binary op (copied per op and dtype triple by {@link Specialised}). `bcast` walks
 * the (coalesced, rank ≥ 1) output row by row, as {@link forEachRow} does, with the operands'
 * element strides `sa`, `sb` (0 where they broadcast).
 */
function binaryLoops(f: (x: number, y: number) => number): BinaryLoops {
  return [
    (a, b, r) => {
      const n = r.length;
      for (let i = 0; i < n; i++) r[i] = f(a[i]!, b[i]!);
    },
    (a, s, r) => {
      const n = r.length;
      for (let i = 0; i < n; i++) r[i] = f(a[i]!, s);
    },
    (s, b, r) => {
      const n = r.length;
      for (let i = 0; i < n; i++) r[i] = f(s, b[i]!);
    },
    (a, b, r, shape, sa, sb) => {
      const nd = shape.length, total = r.length;
      const inner = shape[nd - 1]!, ia = sa[nd - 1]!, ib = sb[nd - 1]!;
      const idx = new Array<number>(nd).fill(0);
      let oa = 0, ob = 0;
      for (let base = 0; base < total; base += inner) {
        let pa = oa, pb = ob;
        const end = base + inner;
        for (let k = base; k < end; k++, pa += ia, pb += ib) r[k] = f(a[pa]!, b[pb]!);
        for (let d = nd - 2; d >= 0; d--) {
          idx[d]!++;
          oa += sa[d]!;
          ob += sb[d]!;
          if (idx[d]! < shape[d]!) break;
          oa -= sa[d]! * shape[d]!;
          ob -= sb[d]! * shape[d]!;
          idx[d] = 0;
        }
      }
    },
  ];
}

/** Kernel factory for a broadcasting binary op. */
export function binaryKernel(op: string): Kernel {
  const f = BINARY_FNS[op];
  if (!f) throw new Error(`unknown binary op ${op}`);
  const loops = new Specialised(`binary:${op}`, binaryLoops, [f]);
  return ([x, y], [o]) => {
    const a = x!.data, b = y!.data, r = o!.data;
    const [same, right, left, bcast] = loops.get(kindOf(a) * 9 + kindOf(b) * 3 + kindOf(r));
    const xFull = sameShape(x!.shape, o!.shape), yFull = sameShape(y!.shape, o!.shape);
    if (xFull && yFull) return same(a, b, r);
    if (xFull && b.length === 1) return right(a, b[0]!, r);
    if (yFull && a.length === 1) return left(a[0]!, b, r);
    if (r.length === 0) return;
    const c = coalesce(o!.shape, [broadcastStrides(x!.shape, o!.shape), broadcastStrides(y!.shape, o!.shape)]);
    if (c.shape.length === 0) return right(a, b[0]!, r); // every operand holds one element
    bcast(a, b, r, c.shape, c.strides[0]!, c.strides[1]!);
  };
}

/** where's loop over the coalesced (rank ≥ 1) output; strides as in {@link binaryLoops}. */
function whereLoop(): (c: TypedArray, a: TypedArray, b: TypedArray, r: TypedArray, shape: readonly number[], st: readonly (readonly number[])[]) => void {
  return (cd, a, b, r, shape, st) => {
    const sc = st[0]!, sa = st[1]!, sb = st[2]!;
    const nd = shape.length, total = r.length;
    const inner = shape[nd - 1]!, ic = sc[nd - 1]!, ia = sa[nd - 1]!, ib = sb[nd - 1]!;
    const idx = new Array<number>(nd).fill(0);
    let oc = 0, oa = 0, ob = 0;
    for (let base = 0; base < total; base += inner) {
      let pc = oc, pa = oa, pb = ob;
      const end = base + inner;
      for (let k = base; k < end; k++, pc += ic, pa += ia, pb += ib) r[k] = cd[pc] !== 0 ? a[pa]! : b[pb]!;
      for (let d = nd - 2; d >= 0; d--) {
        idx[d]!++;
        oc += sc[d]!;
        oa += sa[d]!;
        ob += sb[d]!;
        if (idx[d]! < shape[d]!) break;
        oc -= sc[d]! * shape[d]!;
        oa -= sa[d]! * shape[d]!;
        ob -= sb[d]! * shape[d]!;
        idx[d] = 0;
      }
    }
  };
}
const whereLoops = new Specialised('where', whereLoop, []);

/** `where(cond, a, b)`: cond ≠ 0 picks a, else b; all three broadcast. */
export const whereKernel: Kernel = ([c, x, y], [o]) => {
  const cd = c!.data, a = x!.data, b = y!.data, r = o!.data;
  if (r.length === 0) return;
  const k = coalesce(o!.shape, [c!, x!, y!].map((t: KernelTensor) => broadcastStrides(t.shape, o!.shape)));
  if (k.shape.length === 0) { r[0] = cd[0] !== 0 ? a[0]! : b[0]!; return; }
  whereLoops.get(kindOf(cd) * 27 + kindOf(a) * 9 + kindOf(b) * 3 + kindOf(r))(cd, a, b, r, k.shape, k.strides);
};

/** cast's loop to int32: truncation toward zero (NaN and out-of-range values wrap as ToInt32 does). */
function truncLoop(): (a: TypedArray, r: TypedArray) => void {
  return (a, r) => {
    const n = a.length;
    for (let i = 0; i < n; i++) r[i] = Math.trunc(a[i]!);
  };
}
const truncLoops = new Specialised('castInt32', truncLoop, []);

/** `cast`: convert storage to the output dtype. */
export const castKernel: Kernel = ([x], [o]) => {
  const a = x!.data, r = o!.data;
  if (o!.dtype === 'int32') truncLoops.get(kindOf(a))(a, r);
  else r.set(a);
};
