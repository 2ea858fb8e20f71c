/**
 * Data-movement kernels: permute, broadcast (expand), per-dimension index maps (slice, flip,
 * roll), their scatter adjoint (slice backward, pad), and concat.
 * @module
 */
import type { Kernel, TypedArray } from '../types.js';
import { allocArray, sizeOf, stridesOf } from '../types.js';
import { broadcastStrides, forEachRow } from './elementwise.js';

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
  if (nd === 2 && perm[0] === 1 && perm[1] === 0) {
    // blocked 2-D transpose
    const R = outShape[0]!, C = outShape[1]!; // out is R×C, x is C×R
    const B = 32;
    for (let i0 = 0; i0 < R; i0 += B) {
      const i1 = Math.min(i0 + B, R);
      for (let j0 = 0; j0 < C; j0 += B) {
        const j1 = Math.min(j0 + B, C);
        for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) out[i * C + j] = x[j * R + i]!;
      }
    }
    return;
  }
  const inner = nd ? outShape[nd - 1]! : 1;
  const si = nd ? st[nd - 1]! : 0;
  if (si === 1 && inner >= 64) { // contiguous rows: block copies
    forEachRow(outShape, [st], (base, offs) => { out.set(x.subarray(offs[0]!, offs[0]! + inner), base); });
    return;
  }
  forEachRow(outShape, [st], (base, offs) => {
    let p = offs[0]!;
    for (let j = 0; j < inner; j++, p += si) out[base + j] = x[p]!;
  });
}

/** Permute kernel; attrs `{ perm }`. */
export const permuteKernel: Kernel = ([x], [o], { perm }: { perm: number[] }) => permuteData(x!.data, x!.shape, perm, o!.data);

/** Broadcast `x` to the output shape (numpy rules). */
export const expandKernel: Kernel = ([x], [o]) => {
  const a = x!.data, r = o!.data;
  const st = broadcastStrides(x!.shape, o!.shape);
  const nd = o!.shape.length;
  const inner = nd ? o!.shape[nd - 1]! : 1;
  const si = nd ? st[nd - 1]! : 0;
  forEachRow(o!.shape, [st], (base, offs) => {
    let p = offs[0]!;
    for (let j = 0; j < inner; j++, p += si) r[base + j] = a[p]!;
  });
};

/**
 * Gather through per-dimension index maps: out[i₀,…] = x[maps[0][i₀], maps[1][i₁], …].
 * attrs `{ maps: Int32Array[] }` (one per dimension; `maps[d].length = out.shape[d]`).
 * Implements slice (with steps), flip and roll.
 */
export const dimMapKernel: Kernel = ([x], [o], { maps }: { maps: Int32Array[] }) => {
  const a = x!.data, r = o!.data;
  const xs = stridesOf(x!.shape);
  const shape = o!.shape;
  const nd = shape.length;
  const total = r.length;
  if (total === 0) return;
  if (nd === 0) { r[0] = a[0]!; return; }
  const inner = shape[nd - 1]!;
  const lastMap = maps[nd - 1]!;
  const lastStride = xs[nd - 1]!;
  const idx = new Array<number>(nd).fill(0);
  let base = 0;
  for (let d = 0; d < nd - 1; d++) base += maps[d]![0]! * xs[d]!;
  const contiguous = lastStride === 1 && isRun(lastMap);
  const first = lastMap[0]!;
  for (let o0 = 0; o0 < total; o0 += inner) {
    if (contiguous) {
      const b = base + first;
      for (let j = 0; j < inner; j++) r[o0 + j] = a[b + j]!;
    } else {
      for (let j = 0; j < inner; j++) r[o0 + j] = a[base + lastMap[j]! * lastStride]!;
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
};

/**
 * Adjoint of `dimMap`: out[maps…] = Σ g (duplicates accumulate), and out = fill at every position
 * no element of g maps to. attrs `{ maps, fill }`. Implements slice backward and constant padding.
 */
export const dimMapScatterKernel: Kernel = ([g], [o], { maps, fill }: { maps: Int32Array[]; fill: number }) => {
  const a = g!.data, r = o!.data;
  const f = fill ?? 0;
  r.fill(f);
  const os = stridesOf(o!.shape);
  const shape = g!.shape;
  const nd = shape.length;
  const total = a.length;
  if (total === 0) return;
  if (nd === 0) { r[0] = a[0]!; return; }
  // row by row over the last dimension (as dimMap): the outer offset is updated like an odometer
  const inner = shape[nd - 1]!;
  const lastMap = maps[nd - 1]!;
  const lastStride = os[nd - 1]!;
  const contiguous = lastStride === 1 && isRun(lastMap);
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
};

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
  for (const x of xs) {
    const innerX = sizeOf(x.shape.slice(axis));
    const a = x.data, r = o!.data;
    for (let i = 0; i < outer; i++) {
      const src = i * innerX, dst = i * innerOut + off;
      for (let j = 0; j < innerX; j++) r[dst + j] = a[src + j]!;
    }
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
