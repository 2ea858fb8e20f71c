/**
 * Data-movement kernels: permute, broadcast (expand), per-dimension index maps (slice, flip,
 * roll), their scatter adjoint (slice backward, pad), and concat.
 * @module
 */
import type { Kernel, TypedArray } from '../types.js';
import { allocArray, sizeOf, stridesOf } from '../types.js';
import { broadcastStrides, coalesce } from './elementwise.js';
import { Specialised, kindOf } from './specialise.js';

/** out = permute(x, perm): out.shape[i] = x.shape[perm[i]]. */
export function permuteData(x: TypedArray, shape: readonly number[], perm: readonly number[], out: TypedArray): void {
  // axes that stay adjacent and in order (perm[i + 1] = perm[i] + 1) move as one: e.g. the block
  // swap [0, 2, 1, 3, 4, 5] of a 6-D array is the 4-D [0, 2, 1, 3] with the last three axes merged
  if (perm.some((p, i) => i > 0 && p === perm[i - 1]! + 1)) {
    const groups: number[][] = [];
    for (let i = 0; i < perm.length; i++) {
      if (i > 0 && perm[i] === perm[i - 1]! + 1) groups[groups.length - 1]!.push(perm[i]!);
      else groups.push([perm[i]!]);
    }
    const order = groups.map((g) => g[0]!).sort((a, b) => a - b);
    const mshape = order.map((a) => groups.find((g) => g[0] === a)!.reduce((n, d) => n * shape[d]!, 1));
    const mperm = groups.map((g) => order.indexOf(g[0]!));
    if (mperm.length < perm.length) return permuteData(x, mshape, mperm, out);
  }
  const xs = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]!);
  const st = perm.map((p) => xs[p]!);
  const nd = outShape.length;
  if (out.length === 0) return;
  if (nd === 0) { out[0] = x[0]!; return; }
  const [transpose, gather] = layoutLoops.get(kindOf(x) * 3 + kindOf(out));
  if (nd === 2 && perm[0] === 1 && perm[1] === 0) return transpose(x, out, outShape[0]!, outShape[1]!);
  gather(x, out, outShape, st, st[nd - 1] === 1 && outShape[nd - 1]! >= 64);
}

/** Copy loops of the layout kernels (copied per dtype pair by {@link Specialised}; see specialise.ts). */
type LayoutLoops = readonly [
  /** out (R×C) = transpose of x (C×R), in 32×32 blocks. */
  transpose: (x: TypedArray, out: TypedArray, R: number, C: number) => void,
  /**
   * out[i₀,…,i_{n−1}] = x[Σ i_d st[d]] row by row over `shape` (rank ≥ 1), as {@link forEachRow}
   * walks it; `block`: the rows are contiguous in x (st[n−1] = 1) and copied whole.
   */
  gather: (x: TypedArray, out: TypedArray, shape: readonly number[], st: readonly number[], block: boolean) => void,
  /** Concat's copy of one input: out[i·innerOut + off + j] = a[i·innerX + j]. */
  concat: (a: TypedArray, r: TypedArray, outer: number, innerX: number, innerOut: number, off: number) => void,
];

function layoutLoopsFactory(): LayoutLoops {
  return [
    (x, out, R, C) => {
      const B = 32;
      for (let i0 = 0; i0 < R; i0 += B) {
        const i1 = Math.min(i0 + B, R);
        for (let j0 = 0; j0 < C; j0 += B) {
          const j1 = Math.min(j0 + B, C);
          for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) out[i * C + j] = x[j * R + i]!;
        }
      }
    },
    (x, out, shape, st, block) => {
      const nd = shape.length, total = out.length;
      const inner = shape[nd - 1]!, si = st[nd - 1]!;
      const idx = new Array<number>(nd).fill(0);
      let off = 0;
      for (let base = 0; base < total; base += inner) {
        if (block) out.set(x.subarray(off, off + inner), base);
        else {
          let p = off;
          const end = base + inner;
          for (let k = base; k < end; k++, p += si) out[k] = x[p]!;
        }
        for (let d = nd - 2; d >= 0; d--) {
          idx[d]!++;
          off += st[d]!;
          if (idx[d]! < shape[d]!) break;
          off -= st[d]! * shape[d]!;
          idx[d] = 0;
        }
      }
    },
    (a, r, outer, innerX, innerOut, off) => {
      for (let i = 0; i < outer; i++) {
        const src = i * innerX, dst = i * innerOut + off;
        for (let j = 0; j < innerX; j++) r[dst + j] = a[src + j]!;
      }
    },
  ];
}
const layoutLoops = new Specialised('layout', layoutLoopsFactory, []);

/** Permute kernel; attrs `{ perm }`. */
export const permuteKernel: Kernel = ([x], [o], { perm }: { perm: number[] }) => permuteData(x!.data, x!.shape, perm, o!.data);

/** Broadcast `x` to the output shape (numpy rules). */
export const expandKernel: Kernel = ([x], [o]) => {
  const a = x!.data, r = o!.data;
  if (r.length === 0) return;
  const c = coalesce(o!.shape, [broadcastStrides(x!.shape, o!.shape)]);
  if (c.shape.length === 0) { r[0] = a[0]!; return; }
  layoutLoops.get(kindOf(a) * 3 + kindOf(r))[1](a, r, c.shape, c.strides[0]!, false);
};

/**
 * Gather through per-dimension index maps: out[i₀,…] = x[maps[0][i₀], maps[1][i₁], …].
 * attrs `{ maps: Int32Array[] }` (one per dimension; `maps[d].length = out.shape[d]`).
 * Implements slice (with steps), flip and roll.
 */
export const dimMapKernel: Kernel = ([x], [o], { maps }: { maps: Int32Array[] }) => {
  const a = x!.data, r = o!.data;
  if (r.length === 0) return;
  if (o!.shape.length === 0) { r[0] = a[0]!; return; }
  const lastMap = maps[maps.length - 1]!;
  dimMapLoops.get(kindOf(a) * 3 + kindOf(r))[0](a, r, stridesOf(x!.shape), o!.shape, maps, isRun(lastMap));
};

/**
 * Adjoint of `dimMap`: out[maps…] = Σ g (duplicates accumulate), and out = fill at every position
 * no element of g maps to. attrs `{ maps, fill }`. Implements slice backward and constant padding.
 */
export const dimMapScatterKernel: Kernel = ([g], [o], { maps, fill }: { maps: Int32Array[]; fill: number }) => {
  const a = g!.data, r = o!.data;
  const f = fill ?? 0;
  r.fill(f);
  if (a.length === 0) return;
  if (g!.shape.length === 0) { r[0] = a[0]!; return; }
  const lastMap = maps[maps.length - 1]!;
  dimMapLoops.get(kindOf(a) * 3 + kindOf(r))[1](a, r, stridesOf(o!.shape), g!.shape, maps, isRun(lastMap), f);
};

/**
 * dimMap's gather and its scatter adjoint, row by row over the last dimension with the outer offset
 * updated like an odometer (copied per dtype pair by {@link Specialised}; see specialise.ts). The
 * shapes have rank ≥ 1 and at least one element; `run`: the last map is a run of consecutive indices.
 */
function dimMapLoopsFactory(): readonly [
  gather: (a: TypedArray, r: TypedArray, xs: readonly number[], shape: readonly number[], maps: readonly Int32Array[], run: boolean) => void,
  scatter: (a: TypedArray, r: TypedArray, os: readonly number[], shape: readonly number[], maps: readonly Int32Array[], run: boolean, f: number) => void,
] {
  return [
    (a, r, xs, shape, maps, run) => {
      const nd = shape.length, total = r.length;
      const inner = shape[nd - 1]!;
      const lastMap = maps[nd - 1]!;
      const lastStride = xs[nd - 1]!;
      const idx = new Array<number>(nd).fill(0);
      let base = 0;
      for (let d = 0; d < nd - 1; d++) base += maps[d]![0]! * xs[d]!;
      const contiguous = lastStride === 1 && run;
      const first = lastMap[0]!;
      for (let o0 = 0; o0 < total; o0 += inner) {
        const end = o0 + inner;
        if (contiguous) {
          for (let k = o0, p = base + first; k < end; k++, p++) r[k] = a[p]!;
        } else {
          for (let k = o0, j = 0; k < end; k++, j++) r[k] = a[base + lastMap[j]! * lastStride]!;
        }
        for (let d = nd - 2; d >= 0; d--) {
          const m = maps[d]!;
          base -= m[idx[d]!]! * xs[d]!;
          idx[d]!++;
          if (idx[d]! < shape[d]!) { base += m[idx[d]!]! * xs[d]!; break; }
          idx[d] = 0;
          base += m[0]! * xs[d]!;
        }
      }
    },
    (a, r, os, shape, maps, run, f) => {
      const nd = shape.length, total = a.length;
      const inner = shape[nd - 1]!;
      const lastMap = maps[nd - 1]!;
      const lastStride = os[nd - 1]!;
      const contiguous = lastStride === 1 && run;
      const first = lastMap[0]!;
      const idx = new Array<number>(nd).fill(0);
      // With a non-zero fill, the mapped positions start from 0 (not from the fill value).
      for (let pass = f === 0 ? 1 : 0; pass < 2; pass++) {
        idx.fill(0);
        let base = 0;
        for (let d = 0; d < nd - 1; d++) base += maps[d]![0]! * os[d]!;
        for (let i0 = 0; i0 < total; i0 += inner) {
          if (pass === 0) {
            for (let j = 0; j < inner; j++) r[base + lastMap[j]! * lastStride] = 0;
          } else if (contiguous) {
            const b = base + first;
            for (let j = 0; j < inner; j++) r[b + j]! += a[i0 + j]!;
          } else {
            for (let j = 0; j < inner; j++) r[base + lastMap[j]! * lastStride]! += a[i0 + j]!;
          }
          for (let d = nd - 2; d >= 0; d--) {
            const m = maps[d]!;
            base -= m[idx[d]!]! * os[d]!;
            idx[d]!++;
            if (idx[d]! < shape[d]!) { base += m[idx[d]!]! * os[d]!; break; }
            idx[d] = 0;
            base += m[0]! * os[d]!;
          }
        }
      }
    },
  ];
}
const dimMapLoops = new Specialised('dimMap', dimMapLoopsFactory, []);

/** Whether `m` is a run of consecutive integers m[0], m[0] + 1, … */
function isRun(m: Int32Array): boolean {
  for (let j = 1; j < m.length; j++) if (m[j] !== m[0]! + j) return false;
  return true;
}

/** Concatenate inputs along `axis` (attrs `{ axis }`). */
export const concatKernel: Kernel = (xs, [o], { axis }: { axis: number }) => {
  const shape = o!.shape;
  const outer = sizeOf(shape.slice(0, axis));
  const innerOut = sizeOf(shape.slice(axis));
  let off = 0;
  const r = o!.data;
  for (const x of xs) {
    const innerX = sizeOf(x.shape.slice(axis));
    const a = x.data;
    layoutLoops.get(kindOf(a) * 3 + kindOf(r))[2](a, r, outer, innerX, innerOut, off);
    off += innerX;
  }
};

/** Identity copy (used by `contiguous`/`clone`). */
export const copyKernel: Kernel = ([x], [o]) => {
  o!.data.set(x!.data);
};

/** Scratch helper: allocate like `x`. */
export function allocLike(x: TypedArray, size: number): TypedArray {
  return x instanceof Float32Array ? new Float32Array(size) : x instanceof Float64Array ? new Float64Array(size) : allocArray('int32', size);
}
