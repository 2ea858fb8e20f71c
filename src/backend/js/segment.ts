/**
 * Segment reductions over the leading axis: data [N, …] with segment ids [N] into S segments.
 * Empty segments give 0 (as PyG's scatter). Ids may be unsorted; `sorted: true` is verified.
 * @module
 */
import type { Kernel } from '../types.js';
import { IndexError, ValueError, fmtShape } from '../../util/errors.js';

function checkIds(op: string, ids: ArrayLike<number>, S: number, sorted: boolean, dataShape: readonly number[]): void {
  let prev = -Infinity;
  for (let i = 0; i < ids.length; i++) {
    const v = ids[i]!;
    if (!(v >= 0 && v < S)) throw new IndexError(`${op}: segment id ${v} at position ${i} is out of range [0, ${S}) (data ${fmtShape(dataShape)}, ids [${ids.length}])`);
    if (sorted && v < prev) throw new ValueError(`${op}: ids declared sorted but id ${v} at position ${i} follows ${prev}`);
    prev = v;
  }
}

/** segmentSum kernel; inputs (data, ids), attrs `{ numSegments, sorted }`. */
export const segmentSumKernel: Kernel = ([x, idx], [o], { numSegments, sorted }: { numSegments: number; sorted: boolean }) => {
  const ids = idx!.data, a = x!.data, r = o!.data;
  checkIds('segmentSum', ids, numSegments, sorted, x!.shape);
  const N = ids.length;
  const F = N === 0 ? 0 : a.length / N;
  r.fill(0);
  for (let i = 0; i < N; i++) {
    const dst = ids[i]! * F, src = i * F;
    for (let j = 0; j < F; j++) r[dst + j]! += a[src + j]!;
  }
};

/** segmentMax / segmentMin kernel; outputs (values, argRow int32 with −1 for empty segments). */
export function segmentExtremeKernel(op: 'max' | 'min'): Kernel {
  const name = op === 'max' ? 'segmentMax' : 'segmentMin';
  return ([x, idx], [o, arg], { numSegments, sorted }: { numSegments: number; sorted: boolean }) => {
    const ids = idx!.data, a = x!.data, r = o!.data, g = arg!.data;
    checkIds(name, ids, numSegments, sorted, x!.shape);
    const N = ids.length;
    const F = N === 0 ? 0 : a.length / N;
    g.fill(-1);
    r.fill(0);
    for (let i = 0; i < N; i++) {
      const base = ids[i]! * F, src = i * F;
      for (let j = 0; j < F; j++) {
        const v = a[src + j]!;
        const cur = g[base + j]!;
        if (cur < 0 || (op === 'max' ? v > r[base + j]! : v < r[base + j]!) || (v !== v && r[base + j] === r[base + j])) {
          r[base + j] = v;
          g[base + j] = i;
        }
      }
    }
  };
}

/**
 * Fused gather + segment sum (reference): out[s] = Σ_{e : ids[e] = s} x[gather[e]], without the
 * [E, F] gathered tensor. Inputs (x [R, …], gather [E], ids [E]), attrs `{ numSegments }`.
 */
export const gatherSegmentSumKernel: Kernel = ([x, gi, si], [o], { numSegments }: { numSegments: number }) => {
  const a = x!.data, g = gi!.data, ids = si!.data, r = o!.data;
  const R = x!.shape[0]!;
  const F = R === 0 ? 0 : a.length / R;
  checkIds('gatherSegmentSum', ids, numSegments, false, x!.shape);
  for (let e = 0; e < g.length; e++) {
    const v = g[e]!;
    if (!(v >= 0 && v < R)) throw new IndexError(`gatherSegmentSum: gather index ${v} at position ${e} is out of range for ${R} rows of x`);
  }
  r.fill(0);
  for (let e = 0; e < g.length; e++) {
    const dst = ids[e]! * F, src = g[e]! * F;
    for (let j = 0; j < F; j++) r[dst + j]! += a[src + j]!;
  }
};
