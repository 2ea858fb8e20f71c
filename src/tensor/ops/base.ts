/**
 * Base primitives that the others' gradients are built from: reshape, expand, permute, sum and
 * cast, plus `sumToShape` (the adjoint of broadcasting).
 * @module
 */
import type { DType } from '../../backend/types.js';
import { sizeOf } from '../../backend/types.js';
import { DTypeError, ShapeError, SizeError, ValueError, fmtShape } from '../../util/errors.js';
import { apply } from '../engine.js';
import type { Meta, OpDef } from '../op-def.js';
import { broadcastShapes, checkShape, normAxes, requireArray, requireTensor, sameShape } from '../shape-util.js';
import { Tensor } from '../tensor.js';

/** Throw DTypeError unless `t` is a float tensor. */
export function requireFloat(op: string, ...ts: Meta[]): void {
  for (const t of ts) {
    if (t.dtype === 'int32') throw new DTypeError(`${op}: expected a float32/float64 tensor, got int32 ${fmtShape(t.shape)}`);
  }
}

/** Throw DTypeError unless all tensors share a dtype. */
export function requireSameDType(op: string, ...ts: Meta[]): DType {
  const d = ts[0]!.dtype;
  for (const t of ts) {
    if (t.dtype !== d) {
      throw new DTypeError(`${op}: dtypes differ (${ts.map((x) => `${x.dtype} ${fmtShape(x.shape)}`).join(', ')}); cast one with .cast()`);
    }
  }
  return d;
}

/** A number becomes a 0-d tensor of `like`'s dtype. */
export function asTensor(x: Tensor | number, like: Tensor): Tensor {
  requireTensor('asTensor', 'like', like);
  if (x instanceof Tensor) return x;
  const d = like.dtype === 'float64' ? new Float64Array([x]) : like.dtype === 'int32' ? new Int32Array([x]) : new Float32Array([x]);
  return new Tensor(d, [], like.dtype);
}

const reshapeOp: OpDef<{ shape: number[] }> = {
  name: 'reshape',
  saved: [],
  alias: true,
  infer: ([x], { shape }) => [{ shape, dtype: x!.dtype }],
  backward: ({ grad, inputs }) => [reshape(grad, inputs[0]!.shape)],
};

/** Reshape (shares storage); one dimension may be −1. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  requireTensor('reshape', 'x', x);
  requireArray('reshape', 'shape', shape);
  const s = [...shape];
  const neg = s.filter((d) => d === -1).length;
  if (neg > 1) throw new ShapeError(`reshape: only one dimension may be -1, got ${fmtShape(shape)}`);
  if (neg === 1) {
    const known = sizeOf(s.filter((d) => d !== -1));
    const i = s.indexOf(-1);
    if (known === 0 || x.size % known !== 0) throw new ShapeError(`reshape: cannot reshape ${fmtShape(x.shape)} (${x.size} elements) into ${fmtShape(shape)}`);
    s[i] = x.size / known;
  }
  checkShape('reshape', s);
  if (sizeOf(s) !== x.size) throw new ShapeError(`reshape: cannot reshape ${fmtShape(x.shape)} (${x.size} elements) into ${fmtShape(shape)} (${sizeOf(s)} elements)`);
  if (sameShape(s, x.shape)) return x;
  return apply(reshapeOp, [x], { shape: s });
}

const expandOp: OpDef<{ shape: number[] }> = {
  name: 'expand',
  saved: [],
  infer: ([x], { shape }) => [{ shape, dtype: x!.dtype }],
  backward: ({ grad, inputs }) => [sumToShape(grad, inputs[0]!.shape)],
};

/** Broadcast to `shape` (NumPy rules), materialising the copy. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  requireTensor('expand', 'x', x);
  requireArray('expand', 'shape', shape);
  const target = checkShape('expand', shape);
  const b = broadcastShapes('expand', x.shape, target);
  if (!sameShape(b, target)) throw new ShapeError(`expand: cannot expand ${fmtShape(x.shape)} to ${fmtShape(target)}`);
  if (sameShape(x.shape, target)) return x;
  return apply(expandOp, [x], { shape: target });
}

const permuteOp: OpDef<{ perm: number[] }> = {
  name: 'permute',
  saved: [],
  infer: ([x], { perm }) => [{ shape: perm.map((p) => x!.shape[p]!), dtype: x!.dtype }],
  backward: ({ grad, attrs }) => {
    const inv = new Array<number>(attrs.perm.length);
    attrs.perm.forEach((p, i) => (inv[p] = i));
    return [permute(grad, inv)];
  },
};

/** Reorder dimensions: out.shape[i] = x.shape[perm[i]]. */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  requireTensor('permute', 'x', x);
  requireArray('permute', 'perm', perm);
  const n = x.ndim;
  const p = perm.map((a) => (a < 0 ? a + n : a));
  if (p.length !== n || new Set(p).size !== n || p.some((a) => a < 0 || a >= n || !Number.isInteger(a))) {
    throw new ShapeError(`permute: [${perm.join(',')}] is not a permutation of the ${n} axes of ${fmtShape(x.shape)}`);
  }
  if (p.every((a, i) => a === i)) return x;
  return apply(permuteOp, [x], { perm: p });
}

const sumOp: OpDef<{ axes: number[]; keepDims: boolean }> = {
  name: 'sum',
  saved: [],
  infer: ([x], { axes, keepDims }) => [{ shape: reducedShape(x!.shape, axes, keepDims), dtype: x!.dtype }],
  backward: ({ grad, inputs, attrs }) => {
    const x = inputs[0]!;
    const kept = reshape(grad, reducedShape(x.shape, attrs.axes, true));
    return [expand(kept, x.shape)];
  },
};

/** Shape after reducing `axes`. */
export function reducedShape(shape: readonly number[], axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepDims) out.push(1);
  });
  return out;
}

/**
 * Sum over `axes` (all when omitted).
 *
 * Accuracy: float64 sums accumulate in float64. Float32 sums accumulate in float64 too, except that
 * the wasm kernel (large tensors on the `cpu` backend) first adds blocks of four elements in float32
 * — twice as fast, and still within |ŝ − s| ≤ 2⁻²⁴·|s| + (2⁻²³ + 2⁻⁴⁸)·Σ|xᵢ| + (n/2)·2⁻⁵³·Σ|xᵢ| of the
 * exact sum s (PyTorch's float32 sum accumulates in float32). The order of additions depends on
 * the shape only, so results are the same for any thread count.
 */
export function sum(x: Tensor, axes?: number | readonly number[] | null, keepDims = false): Tensor {
  requireTensor('sum', 'x', x);
  requireFloat('sum', x);
  const ax = normAxes('sum', axes, x.ndim);
  return apply(sumOp, [x], { axes: ax, keepDims });
}

/** Sum a broadcast gradient back down to `shape` (the adjoint of broadcasting). */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  requireTensor('sumToShape', 'g', g);
  requireArray('sumToShape', 'shape', shape);
  if (sameShape(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const s = axes.length ? sum(g, axes, true) : g;
  return reshape(s, shape);
}

const castOp: OpDef<{ dtype: DType }> = {
  name: 'cast',
  saved: [],
  infer: ([x], { dtype }) => [{ shape: x!.shape, dtype }],
  backward: ({ grad, inputs }) => [inputs[0]!.dtype === 'int32' ? null : cast(grad, inputs[0]!.dtype)],
};

/**
 * Convert to another dtype (float→int32 truncates toward zero).
 * @throws ValueError for an unknown dtype; for float→int32 on concrete values, ValueError for NaN
 *   and SizeError for values outside int32 (which would wrap around)
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  requireTensor('cast', 'x', x);
  if (dtype !== 'float32' && dtype !== 'float64' && dtype !== 'int32') throw new ValueError(`cast: unknown dtype '${dtype as string}'`);
  if (x.dtype === dtype) return x;
  if (dtype === 'int32' && !x.isSymbolic) {
    const d = x.data;
    for (let i = 0; i < d.length; i++) {
      const v = d[i]!;
      if (!(v > -2147483649 && v < 2147483648)) {
        if (v !== v) throw new ValueError(`cast: NaN at flat index ${i} of ${fmtShape(x.shape)} has no int32 value`);
        throw new SizeError(`cast: ${v} at flat index ${i} of ${fmtShape(x.shape)} overflows int32 (range [-2^31, 2^31 - 1])`);
      }
    }
  }
  return apply(castOp, [x], { dtype });
}

const copyOp: OpDef = {
  name: 'copy',
  saved: [],
  infer: ([x]) => [{ shape: x!.shape, dtype: x!.dtype }],
  backward: ({ grad }) => [grad],
};

/** A copy with its own storage (differentiable). */
export function clone(x: Tensor): Tensor {
  requireTensor('clone', 'x', x);
  return apply(copyOp, [x]);
}

/** A tensor sharing the values of `x` but cut from the autograd graph. */
export function detach(x: Tensor): Tensor {
  requireTensor('detach', 'x', x);
  if (x.isSymbolic) return apply({ name: 'reshape', alias: true, infer: ([t]) => [{ shape: t!.shape, dtype: t!.dtype }] }, [x], { shape: [...x.shape] });
  const d = new Tensor(x.data, x.shape, x.dtype);
  d.versionCell = x.versionCell ??= { n: 0 }; // shares storage, so shares the version counter
  return d;
}
