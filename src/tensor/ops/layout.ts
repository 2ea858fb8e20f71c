/**
 * Shape and layout ops: slice (with steps), pad, concat, stack, split, flip, roll, repeat,
 * squeeze, unsqueeze, transpose, flatten. Slice, flip, roll and repeat are one primitive
 * (`dimMap`: a gather through one index map per dimension) whose adjoint is `dimMapScatter`.
 * @module
 */
import { IndexError, ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import { apply } from '../engine.js';
import type { OpDef } from '../op-def.js';
import { asOp, checkedSize, describe, normAxes, normAxis, requireArray, requireTensor, requireTensors } from '../shape-util.js';
import type { Tensor } from '../tensor.js';
import { permute, requireSameDType, reshape } from './base.js';

interface MapAttrs {
  maps: Int32Array[];
}

const dimMapOp: OpDef<MapAttrs> = {
  name: 'dimMap',
  saved: [],
  infer: ([x], { maps }) => [{ shape: maps.map((m) => m.length), dtype: x!.dtype }],
  backward: ({ grad, inputs, attrs }) => [apply(dimMapScatterOp, [grad], { maps: attrs.maps, shape: [...inputs[0]!.shape], fill: 0 })],
};

const dimMapScatterOp: OpDef<MapAttrs & { shape: number[]; fill: number }> = {
  name: 'dimMapScatter',
  saved: [],
  infer: ([g], { shape }) => [{ shape, dtype: g!.dtype }],
  backward: ({ grad, attrs }) => [apply(dimMapOp, [grad], { maps: attrs.maps })],
};

/** Gather with one index map per dimension: out[i, j, …] = x[maps[0][i], maps[1][j], …]. */
export function dimMap(x: Tensor, maps: Int32Array[]): Tensor {
  requireTensor('dimMap', 'x', x);
  requireArray('dimMap', 'maps', maps);
  if (maps.length !== x.ndim) throw new ShapeError(`dimMap: ${maps.length} maps for a tensor of rank ${x.ndim}`);
  maps.forEach((m, d) => {
    for (const v of m) if (v < 0 || v >= x.shape[d]!) throw new IndexError(`dimMap: index ${v} out of range for axis ${d} of size ${x.shape[d]}`);
  });
  return apply(dimMapOp, [x], { maps });
}

const identityMap = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);

/** One axis of a slice: an index (drops the axis), null/undefined (all), or [start, end, step]. */
export type SliceSpec = number | null | undefined | readonly [number | null | undefined, (number | null)?, (number | null)?];

/**
 * Python-style slicing. `specs[d]` applies to axis d (missing trailing specs keep the axis whole).
 * Negative indices count from the end; steps may be negative.
 *
 * @example
 * ```ts
 * x.slice([[0, 2], null, [null, null, -1]]); // x[0:2, :, ::-1]
 * x.slice([1]);                              // x[1]
 * ```
 */
export function slice(x: Tensor, specs: readonly SliceSpec[]): Tensor {
  requireTensor('slice', 'x', x);
  requireArray('slice', 'specs', specs);
  if (specs.length > x.ndim) throw new IndexError(`slice: ${specs.length} slice specs for a tensor of rank ${x.ndim} ${fmtShape(x.shape)}`);
  const maps: Int32Array[] = [];
  const keep: number[] = [];
  for (let d = 0; d < x.ndim; d++) {
    const n = x.shape[d]!;
    const s = specs[d];
    if (typeof s === 'number') {
      const i = s < 0 ? s + n : s;
      if (!Number.isInteger(s) || i < 0 || i >= n) throw new IndexError(`slice: index ${s} is out of range for axis ${d} of size ${n}`);
      maps.push(Int32Array.of(i));
      continue;
    }
    keep.push(d);
    if (s == null) { maps.push(identityMap(n)); continue; }
    if (!Array.isArray(s)) throw new ValueError(`slice: spec for axis ${d} must be an index, null or [start, end, step], got ${describe(s)}`);
    const step = s[2] ?? 1;
    if (step === 0 || !Number.isInteger(step)) throw new ValueError(`slice: step must be a non-zero integer, got ${step}`);
    for (const [k, v] of [[0, s[0]], [1, s[1]]] as const) {
      if (v != null && !Number.isInteger(v)) throw new IndexError(`slice: ${k === 0 ? 'start' : 'end'} ${String(v)} for axis ${d} is not an integer`);
    }
    const clampIdx = (v: number, lo: number, hi: number): number => Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
    const start = s[0] == null ? (step > 0 ? 0 : n - 1) : clampIdx(s[0], step > 0 ? 0 : -1, step > 0 ? n : n - 1);
    const end = s[1] == null ? (step > 0 ? n : -1) : clampIdx(s[1], step > 0 ? 0 : -1, step > 0 ? n : n - 1);
    const idx: number[] = [];
    for (let i = start; step > 0 ? i < end : i > end; i += step) idx.push(i);
    maps.push(Int32Array.from(idx));
  }
  const y = apply(dimMapOp, [x], { maps });
  return keep.length === x.ndim ? y : reshape(y, keep.map((d) => maps[d]!.length));
}

/** How `pad` fills the new border (PyTorch's `F.pad` modes). */
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/** Options of `pad`. */
export interface PadOptions {
  /** Border rule (default `'constant'`). */
  mode?: PadMode;
  /** Fill value of `'constant'` mode (default 0). */
  value?: number;
}

/** Source index of padded position `i` (0 ≤ i < n + b + a) along an axis of size n for a non-constant mode. */
function padSource(mode: Exclude<PadMode, 'constant'>, i: number, b: number, n: number): number {
  const j = i - b;
  if (mode === 'replicate') return Math.min(Math.max(j, 0), n - 1);
  if (mode === 'circular') return ((j % n) + n) % n;
  // reflect (the edge is not repeated): period 2(n − 1); n = 1 only ever sees j = 0 (pads < n)
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  const r = ((j % period) + period) % period;
  return r < n ? r : period - r;
}

/**
 * Pad the last `pads.length` axes: `pads[i] = [before, after]` for axis `ndim − pads.length + i`.
 *
 * Modes (PyTorch's `F.pad`): `'constant'` fills with `value`; `'reflect'` mirrors without repeating
 * the edge (x[…, 2], x[…, 1] | x[…, 0], …), each pad must be < the axis size; `'replicate'` repeats
 * the edge element (axis size ≥ 1); `'circular'` wraps around (out[i] = x[(i − before) mod n]),
 * each pad must be ≤ the axis size. Non-constant modes are a gather (`dimMap`), so their gradient
 * sums the upstream over every position that read an element.
 *
 * @param x any shape
 * @param pads one `[before, after]` pair per padded trailing axis (non-negative integers)
 * @param value the fill value (a number), or `{ mode, value }`
 * @returns x with shape[d] + before + after along the padded axes
 * @throws ValueError for negative or fractional pads or an unknown mode
 * @throws ShapeError when a reflect/circular pad is too large for its axis
 *
 * @example
 * ```ts
 * pad(tensor([1, 2, 3]), [[2, 1]]);                       // [0, 0, 1, 2, 3, 0]
 * pad(tensor([1, 2, 3]), [[2, 1]], { mode: 'reflect' });  // [3, 2, 1, 2, 3, 2]
 * pad(x, [[1, 1], [1, 1]], { mode: 'circular' });         // x [N, C, H, W] → [N, C, H+2, W+2]
 * ```
 */
export function pad(x: Tensor, pads: readonly (readonly [number, number])[], value: number | PadOptions = 0): Tensor {
  requireTensor('pad', 'x', x);
  requireArray('pad', 'pads', pads);
  if (typeof value !== 'number' && (value === null || typeof value !== 'object')) throw new ValueError(`pad: value must be a number or { mode, value }, got ${describe(value)}`);
  const opts: PadOptions = typeof value === 'number' ? { value } : value;
  const mode = opts.mode ?? 'constant';
  if (mode !== 'constant' && mode !== 'reflect' && mode !== 'replicate' && mode !== 'circular') {
    throw new ValueError(`pad: mode must be 'constant', 'reflect', 'replicate' or 'circular', got ${describe(mode)}`);
  }
  const fill = opts.value ?? 0;
  if (typeof fill !== 'number') throw new ValueError(`pad: value must be a number, got ${describe(fill)}`);
  if (mode !== 'constant' && opts.value !== undefined && opts.value !== 0) throw new ValueError(`pad: a fill value (${fill}) applies only to mode 'constant', not '${mode}'`);
  if (pads.length > x.ndim) throw new ShapeError(`pad: ${pads.length} pad pairs for a tensor of rank ${x.ndim}`);
  const off = x.ndim - pads.length;
  const shape: number[] = [];
  for (let d = 0; d < x.ndim; d++) {
    const pr = d < off ? [0, 0] : pads[d - off]!;
    if (!Array.isArray(pr) || pr.length !== 2) throw new ValueError(`pad: pads must be [before, after] pairs, got ${describe(pr)} for axis ${d}`);
    const [b, a] = pr as [number, number];
    if (!(Number.isInteger(b) && Number.isInteger(a) && b >= 0 && a >= 0)) throw new ValueError(`pad: pads must be non-negative integers, got [${b}, ${a}] for axis ${d}`);
    const n = x.shape[d]!;
    if (mode === 'reflect' && (b >= n || a >= n) && (b > 0 || a > 0)) {
      throw new ShapeError(`pad: reflect pads [${b}, ${a}] must be smaller than axis ${d} of ${fmtShape(x.shape)} (size ${n})`);
    }
    if ((mode === 'circular' || mode === 'replicate') && (b > 0 || a > 0) && (n === 0 || (mode === 'circular' && (b > n || a > n)))) {
      throw new ShapeError(`pad: ${mode} pads [${b}, ${a}] need axis ${d} of ${fmtShape(x.shape)} to have size ${mode === 'circular' ? `≥ ${Math.max(b, a)}` : '≥ 1'}`);
    }
    shape.push(n + b + a);
  }
  checkedSize('pad', shape);
  if (mode === 'constant') {
    const maps = x.shape.map((n, d) => {
      const b = d < off ? 0 : pads[d - off]![0];
      return Int32Array.from({ length: n }, (_, i) => i + b);
    });
    return apply(dimMapScatterOp, [x], { maps, shape, fill });
  }
  const maps = x.shape.map((n, d) => {
    const b = d < off ? 0 : pads[d - off]![0];
    return d < off || shape[d] === n ? identityMap(n) : Int32Array.from({ length: shape[d]! }, (_, i) => padSource(mode, i, b, n));
  });
  return apply(dimMapOp, [x], { maps });
}

const concatOp: OpDef<{ axis: number }> = {
  name: 'concat',
  saved: [],
  infer: (xs, { axis }) => {
    const first = xs[0]!;
    requireSameDType('concat', ...xs);
    let total = 0;
    for (const t of xs) {
      if (t.shape.length !== first.shape.length || t.shape.some((d, i) => i !== axis && d !== first.shape[i])) {
        throw new ShapeError(`concat: shapes ${xs.map((z) => fmtShape(z.shape)).join(', ')} differ outside axis ${axis}`);
      }
      total += t.shape[axis]!;
    }
    const shape = [...first.shape];
    shape[axis] = total;
    return [{ shape, dtype: first.dtype }];
  },
  backward: ({ grad, inputs, attrs }) => {
    let off = 0;
    return inputs.map((t) => {
      const n = t.shape[attrs.axis]!;
      const specs: SliceSpec[] = t.shape.map(() => null);
      specs[attrs.axis] = [off, off + n];
      off += n;
      return slice(grad, specs);
    });
  },
};

/** Join tensors along an existing axis. */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  requireTensors('concat', 'xs', xs);
  if (xs.length === 0) throw new ValueError('concat: needs at least one tensor');
  const ax = normAxis('concat', axis, xs[0]!.ndim);
  if (xs.length === 1) return xs[0]!;
  return apply(concatOp, xs, { axis: ax });
}

/** Join tensors along a new axis. */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  requireTensors('stack', 'xs', xs);
  if (xs.length === 0) throw new ValueError('stack: needs at least one tensor');
  const ax = normAxis('stack', axis, xs[0]!.ndim + 1);
  for (const t of xs) if (t.shape.some((d, i) => d !== xs[0]!.shape[i]) || t.ndim !== xs[0]!.ndim) {
    throw new ShapeError(`stack: all shapes must be equal, got ${xs.map((z) => fmtShape(z.shape)).join(', ')}`);
  }
  return asOp('stack', () => concat(xs.map((t) => unsqueeze(t, ax)), ax));
}

/** Split along `axis` into pieces of `sizes` (array) or of equal size `sizes` (number; last may be smaller). */
export function split(x: Tensor, sizes: number | readonly number[], axis = 0): Tensor[] {
  requireTensor('split', 'x', x);
  const ax = normAxis('split', axis, x.ndim);
  const n = x.shape[ax]!;
  let parts: number[];
  if (typeof sizes === 'number') {
    if (!Number.isInteger(sizes) || sizes <= 0) throw new ValueError(`split: size must be a positive integer, got ${sizes}`);
    parts = [];
    for (let i = 0; i < n; i += sizes) parts.push(Math.min(sizes, n - i));
  } else {
    if (!Array.isArray(sizes)) throw new ValueError(`split: sizes must be a number or an array of numbers, got ${describe(sizes)}`);
    parts = [...sizes];
    parts.forEach((p, i) => {
      if (!Number.isInteger(p) || p < 0) throw new ValueError(`split: sizes[${i}] = ${String(p)} is not a non-negative integer (sizes [${parts.join(',')}])`);
    });
    if (parts.reduce((a, b) => a + b, 0) !== n) throw new ShapeError(`split: sizes [${parts.join(',')}] do not add up to ${n} (axis ${ax} of ${fmtShape(x.shape)})`);
  }
  let off = 0;
  return asOp('split', () => parts.map((p) => {
    const specs: SliceSpec[] = x.shape.map(() => null);
    specs[ax] = [off, off + p];
    off += p;
    return slice(x, specs);
  }));
}

/** Reverse the order of elements along `axes`. */
export function flip(x: Tensor, axes: number | readonly number[]): Tensor {
  requireTensor('flip', 'x', x);
  const ax = normAxes('flip', axes, x.ndim);
  const maps = x.shape.map((n, d) => (ax.includes(d) ? Int32Array.from({ length: n }, (_, i) => n - 1 - i) : identityMap(n)));
  return apply(dimMapOp, [x], { maps });
}

/** Circularly shift elements: out[i] = x[(i − shift) mod n] along each axis. */
export function roll(x: Tensor, shifts: number | readonly number[], axes: number | readonly number[]): Tensor {
  requireTensor('roll', 'x', x);
  if (typeof shifts !== 'number') requireArray('roll', 'shifts', shifts);
  if (typeof axes !== 'number') requireArray('roll', 'axes', axes);
  const sh = typeof shifts === 'number' ? [shifts] : [...shifts];
  const axList = typeof axes === 'number' ? [axes] : [...axes];
  if (sh.length !== axList.length) throw new ValueError(`roll: ${sh.length} shifts for ${axList.length} axes`);
  const maps = x.shape.map((n) => identityMap(n));
  axList.forEach((a, k) => {
    const d = normAxis('roll', a, x.ndim);
    const n = x.shape[d]!;
    const s = sh[k]!;
    maps[d] = Int32Array.from({ length: n }, (_, i) => (((i - s) % n) + n) % n);
  });
  return apply(dimMapOp, [x], { maps });
}

/** Tile: repeat the tensor `reps[d]` times along each axis (torch.Tensor.repeat). */
export function repeat(x: Tensor, reps: readonly number[]): Tensor {
  requireTensor('repeat', 'x', x);
  requireArray('repeat', 'reps', reps);
  if (reps.length < x.ndim) throw new ShapeError(`repeat: ${reps.length} repeat counts for a tensor of rank ${x.ndim}`);
  reps.forEach((r) => {
    if (!Number.isInteger(r) || r < 0) throw new ValueError(`repeat: counts must be non-negative integers, got ${r}`);
  });
  const lifted = reshape(x, [...new Array(reps.length - x.ndim).fill(1), ...x.shape]);
  checkedSize('repeat', lifted.shape.map((n, d) => n * reps[d]!));
  const maps = lifted.shape.map((n, d) => Int32Array.from({ length: n * reps[d]! }, (_, i) => i % n));
  return apply(dimMapOp, [lifted], { maps });
}

/** Remove size-1 axes (all of them, or the given ones). */
export function squeeze(x: Tensor, axes?: number | readonly number[]): Tensor {
  requireTensor('squeeze', 'x', x);
  return asOp('squeeze', () => {
    const ax = axes === undefined ? x.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0) : normAxes('squeeze', axes, x.ndim);
    for (const a of ax) if (x.shape[a] !== 1) throw new ShapeError(`squeeze: axis ${a} of ${fmtShape(x.shape)} has size ${x.shape[a]}, not 1`);
    return reshape(x, x.shape.filter((_, i) => !ax.includes(i)));
  });
}

/** Insert a size-1 axis at `axis` (−1 appends). */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  requireTensor('unsqueeze', 'x', x);
  return asOp('unsqueeze', () => {
    const a = normAxis('unsqueeze', axis, x.ndim + 1);
    const s = [...x.shape];
    s.splice(a, 0, 1);
    return reshape(x, s);
  });
}

/** Swap two axes (default the last two). */
export function transpose(x: Tensor, a = -2, b = -1): Tensor {
  requireTensor('transpose', 'x', x);
  if (x.ndim < 2 && a === -2 && b === -1) return x;
  const p = x.shape.map((_, i) => i);
  const i = normAxis('transpose', a, x.ndim), j = normAxis('transpose', b, x.ndim);
  p[i] = j;
  p[j] = i;
  return permute(x, p);
}

/** Merge axes start..end (inclusive) into one. */
export function flatten(x: Tensor, start = 0, end = -1): Tensor {
  requireTensor('flatten', 'x', x);
  return asOp('flatten', () => {
    if (x.ndim === 0) return reshape(x, [1]);
    const s = normAxis('flatten', start, x.ndim), e = normAxis('flatten', end, x.ndim);
    if (e < s) throw new ValueError(`flatten: end axis ${end} comes before start axis ${start}`);
    const mid = x.shape.slice(s, e + 1).reduce((p, d) => p * d, 1);
    return reshape(x, [...x.shape.slice(0, s), mid, ...x.shape.slice(e + 1)]);
  });
}
