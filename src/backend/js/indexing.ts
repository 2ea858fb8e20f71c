/**
 * Indexing kernels: indexSelect / indexAdd along an axis, takeAlongAxis / scatterAdd (torch's
 * gather / scatter_add_). Out-of-range indices raise IndexError naming the op.
 * @module
 */
import type { Kernel, KernelTensor } from '../types.js';
import { sizeOf, stridesOf } from '../types.js';
import { IndexError, fmtShape } from '../../util/errors.js';

/** Normalise index `v` (negative counts from the end) or throw IndexError naming the op, the axis and the shapes. */
function checkIndex(op: string, v: number, n: number, pos: number, x: KernelTensor, idx: KernelTensor, axis: number): number {
  const w = v < 0 ? v + n : v;
  if (!(w >= 0 && w < n)) {
    throw new IndexError(`${op}: index ${v} at position ${pos} is out of range for axis ${axis} of size ${n} (input ${fmtShape(x.shape)}, indices ${fmtShape(idx.shape)})`);
  }
  return w;
}

function split3(shape: readonly number[], axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis]!, sizeOf(shape.slice(axis + 1))];
}

/** out = x.indexSelect(axis, idx): out[…, i, …] = x[…, idx[i], …]. attrs `{ axis }`. */
export const indexSelectKernel: Kernel = ([x, idx], [o], { axis }: { axis: number }) => {
  const [outer, n, inner] = split3(x!.shape, axis);
  const ids = idx!.data, a = x!.data, r = o!.data;
  const m = ids.length;
  for (let i = 0; i < m; i++) checkIndex('indexSelect', ids[i]!, n, i, x!, idx!, axis);
  for (let p = 0; p < outer; p++) {
    for (let i = 0; i < m; i++) {
      let s = ids[i]!;
      if (s < 0) s += n;
      const src = (p * n + s) * inner, dst = (p * m + i) * inner;
      for (let j = 0; j < inner; j++) r[dst + j] = a[src + j]!;
    }
  }
};

/** out = x with out[…, idx[i], …] += src[…, i, …]. attrs `{ axis }`. */
export const indexAddKernel: Kernel = ([x, idx, src], [o], { axis }: { axis: number }) => {
  const [outer, n, inner] = split3(x!.shape, axis);
  const ids = idx!.data, s = src!.data, r = o!.data;
  const m = ids.length;
  for (let i = 0; i < m; i++) checkIndex('indexAdd', ids[i]!, n, i, x!, idx!, axis);
  r.set(x!.data);
  for (let p = 0; p < outer; p++) {
    for (let i = 0; i < m; i++) {
      let t = ids[i]!;
      if (t < 0) t += n;
      const dst = (p * n + t) * inner, from = (p * m + i) * inner;
      for (let j = 0; j < inner; j++) r[dst + j]! += s[from + j]!;
    }
  }
};

function forEachIndex(idx: KernelTensor, axis: number, src: readonly number[], fn: (pos: number, srcOff: number, axisStride: number, axisIdx: number) => void): void {
  const shape = idx.shape;
  const nd = shape.length;
  const ss = stridesOf(src);
  const total = idx.data.length;
  const cur = new Array<number>(nd).fill(0);
  for (let i = 0; i < total; i++) {
    let off = 0;
    for (let d = 0; d < nd; d++) if (d !== axis) off += cur[d]! * ss[d]!;
    fn(i, off, ss[axis]!, idx.data[i]!);
    for (let d = nd - 1; d >= 0; d--) {
      cur[d]!++;
      if (cur[d]! < shape[d]!) break;
      cur[d] = 0;
    }
  }
}

/** torch.gather: out[i][j] = x[idx[i][j]][j] (axis 0); out.shape = idx.shape. attrs `{ axis, skipNegative? }` (−1 gives 0). */
export const takeAlongAxisKernel: Kernel = ([x, idx], [o], { axis, skipNegative }: { axis: number; skipNegative?: boolean }) => {
  const a = x!.data, r = o!.data, n = x!.shape[axis]!;
  forEachIndex(idx!, axis, x!.shape, (pos, off, st, v) => {
    r[pos] = skipNegative && v < 0 ? 0 : a[off + checkIndex('takeAlongAxis', v, n, pos, x!, idx!, axis) * st]!;
  });
};

/**
 * torch.scatter_add: out = x; out[idx[i][j]][j] += src[i][j] (axis 0), iterating over idx.shape.
 * attrs `{ axis, skipNegative? }`: with skipNegative, index −1 means "drop" (used by segment max).
 */
export const scatterAddKernel: Kernel = ([x, idx, src], [o], { axis, skipNegative }: { axis: number; skipNegative?: boolean }) => {
  const r = o!.data, s = src!.data, n = x!.shape[axis]!;
  r.set(x!.data);
  const srcStr = stridesOf(src!.shape);
  const idxShape = idx!.shape;
  const nd = idxShape.length;
  const cur = new Array<number>(nd).fill(0);
  const os = stridesOf(x!.shape);
  const ids = idx!.data;
  for (let i = 0; i < ids.length; i++) {
    const v = ids[i]!;
    if (!(skipNegative && v < 0)) {
      const t = checkIndex('scatterAdd', v, n, i, x!, idx!, axis);
      let off = 0, so = 0;
      for (let d = 0; d < nd; d++) {
        so += cur[d]! * srcStr[d]!;
        off += (d === axis ? t : cur[d]!) * os[d]!;
      }
      r[off]! += s[so]!;
    }
    for (let d = nd - 1; d >= 0; d--) {
      cur[d]!++;
      if (cur[d]! < idxShape[d]!) break;
      cur[d] = 0;
    }
  }
};
