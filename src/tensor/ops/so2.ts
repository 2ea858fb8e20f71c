/**
 * Fused SO(2) transport for gauge-equivariant mesh convolution (GEM-CNN): features [V, F] with
 * F = C·(2L+1), per channel block [a₀, c₁, s₁, …, c_L, s_L]; ρ(α) rotates each pair (c_l, s_l) by
 * the angle l·α (counter-clockwise: c ↦ c cos lα − s sin lα, s ↦ c sin lα + s cos lα) and leaves
 * a₀. Two public ops, {@link so2RotateGather} and {@link so2RotateSegmentMean}, built on three
 * primitives (kernels in src/backend/js/so2.ts, wasm and gpu.js): a per-edge coefficient row
 * t = [w, w cos α, w sin α, …, w cos Lα, w sin Lα] ([E, 2L+1], computed by ordinary differentiable
 * ops, so gradients reach the angles and the weights), `so2Gather`, `so2SegmentSum` and their
 * coefficient gradient `so2CoefGrad`. docs/design/so2-kernels.md has the design.
 * @module
 */
import { IndexError, ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import { apply, isGradEnabled, retainStorage } from '../engine.js';
import type { Meta, OpDef } from '../op-def.js';
import { Tensor } from '../tensor.js';
import { cast, reshape, requireFloat } from './base.js';
import { clamp, cos, div, mul, sin } from './elementwise.js';
import { concat, stack } from './layout.js';
import { type IndexLike, indexSelect, toIndex } from './indexing.js';
import { segmentSum } from './segment.js';
import { ones } from '../creation.js';
import { requireTensor } from '../shape-util.js';
import type { FloatDType } from '../../backend/types.js';

interface So2Attrs { maxOrder: number; numSegments?: number }

function checkBlocks(op: string, x: Meta, L: number): number {
  if (x.shape.length !== 2) throw new ShapeError(`${op}: features must be 2-D [rows, F], got ${fmtShape(x.shape)}`);
  const B = 2 * L + 1, F = x.shape[1]!;
  if (F % B !== 0) throw new ShapeError(`${op}: features ${fmtShape(x.shape)} have F = ${F}, not a multiple of 2L+1 = ${B} (maxOrder ${L})`);
  return F;
}

function checkCoef(op: string, x: Meta, t: Meta, E: number, L: number): void {
  if (t.dtype !== x.dtype) throw new ShapeError(`${op}: coefficients ${t.dtype} must have the dtype of the features (${x.dtype})`);
  if (t.shape.length !== 2 || t.shape[0] !== E || t.shape[1] !== 2 * L + 1) {
    throw new ShapeError(`${op}: coefficients ${fmtShape(t.shape)} must be [E, 2L+1] = [${E}, ${2 * L + 1}]`);
  }
}

function checkIds(op: string, what: string, ids: Meta): number {
  if (ids.shape.length !== 1) throw new ShapeError(`${op}: ${what} must be 1-D, got ${fmtShape(ids.shape)}`);
  return ids.shape[0]!;
}

/** Coefficients of the transposed (inverse, for unit weights) rotation: σ_l ↦ −σ_l. */
function transposed(t: Tensor, L: number): Tensor {
  if (L === 0) return t;
  const s = new (t.dtype === 'float32' ? Float32Array : Float64Array)(2 * L + 1);
  for (let j = 0; j <= 2 * L; j++) s[j] = j > 0 && j % 2 === 0 ? -1 : 1;
  return mul(t, new Tensor(s, [2 * L + 1], t.dtype));
}

function identityIndex(n: number): Tensor {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return new Tensor(a, [n], 'int32');
}

const so2GatherOp: OpDef<So2Attrs> = {
  name: 'so2Gather',
  saved: [0, 1, 2],
  infer: ([x, g, t], a) => {
    requireFloat('so2Gather', x!);
    const F = checkBlocks('so2Gather', x!, a.maxOrder), E = checkIds('so2Gather', 'index', g!);
    checkCoef('so2Gather', x!, t!, E, a.maxOrder);
    return [{ shape: [E, F], dtype: x!.dtype }];
  },
  // gx[r] = Σ_{k: index[k]=r} R(t_k)ᵀ g[k] (the segment sum with transposed coefficients, over the
  // CSR of the index: deterministic); gt[k] = ∂⟨g[k], R(t) x[index[k]]⟩/∂t.
  backward: ({ grad, inputs: [x, g, t], attrs, needs }) => [
    needs[0] ? apply(so2SegmentSumOp, [grad, transposed(t!, attrs.maxOrder), g!], { maxOrder: attrs.maxOrder, numSegments: x!.shape[0]! }) : null,
    null,
    needs[2] ? apply(so2CoefGradOp, [grad, x!, identityIndex(g!.shape[0]!), g!], { maxOrder: attrs.maxOrder }) : null,
  ],
};

const so2SegmentSumOp: OpDef<So2Attrs> = {
  name: 'so2SegmentSum',
  saved: [0, 1, 2],
  infer: ([m, t, ids], a) => {
    requireFloat('so2SegmentSum', m!);
    const F = checkBlocks('so2SegmentSum', m!, a.maxOrder), E = checkIds('so2SegmentSum', 'segment ids', ids!);
    if (E !== m!.shape[0]) throw new ShapeError(`so2SegmentSum: segment ids ${fmtShape(ids!.shape)} must have one id per row of m ${fmtShape(m!.shape)}`);
    checkCoef('so2SegmentSum', m!, t!, E, a.maxOrder);
    return [{ shape: [a.numSegments!, F], dtype: m!.dtype }];
  },
  // gm[k] = R(t_k)ᵀ g[ids[k]] (a rotating gather); gt[k] = ∂⟨g[ids[k]], R(t) m[k]⟩/∂t.
  backward: ({ grad, inputs: [m, t, ids], attrs, needs }) => [
    needs[0] ? apply(so2GatherOp, [grad, ids!, transposed(t!, attrs.maxOrder)], { maxOrder: attrs.maxOrder }) : null,
    needs[1] ? apply(so2CoefGradOp, [grad, m!, ids!, identityIndex(m!.shape[0]!)], { maxOrder: attrs.maxOrder }) : null,
    null,
  ],
};

// The coefficient gradient. It is bilinear in (a, b) and ⟨a, R(t) b⟩ is linear in t, so with upstream
// u: ga[r] = Σ_{k: ia[k]=r} R(u_k) b[ib[k]] and gb[r] = Σ_{k: ib[k]=r} R(u_k)ᵀ a[ia[k]] (second
// derivatives w.r.t. angles and weights).
const so2CoefGradOp: OpDef<So2Attrs> = {
  name: 'so2CoefGrad',
  backward: ({ grad: u, inputs: [a, b, ia, ib], attrs, needs }) => [
    needs[0] ? segmentSum(apply(so2GatherOp, [b!, ib!, u], { maxOrder: attrs.maxOrder }), ia!, a!.shape[0]!) : null,
    needs[1] ? apply(so2SegmentSumOp, [indexSelect(a!, 0, ia!), transposed(u, attrs.maxOrder), ib!], { maxOrder: attrs.maxOrder, numSegments: b!.shape[0]! }) : null,
    null,
    null,
  ],
  infer: ([a, b, ia, ib], at) => {
    requireFloat('so2CoefGrad', a!, b!);
    checkBlocks('so2CoefGrad', a!, at.maxOrder);
    if (a!.dtype !== b!.dtype || a!.shape.length !== 2 || b!.shape.length !== 2 || a!.shape[1] !== b!.shape[1]) {
      throw new ShapeError(`so2CoefGrad: a ${fmtShape(a!.shape)} ${a!.dtype} and b ${fmtShape(b!.shape)} ${b!.dtype} must have equal rows and dtype`);
    }
    const E = checkIds('so2CoefGrad', 'ia', ia!);
    if (checkIds('so2CoefGrad', 'ib', ib!) !== E) throw new ShapeError(`so2CoefGrad: ia ${fmtShape(ia!.shape)} and ib ${fmtShape(ib!.shape)} must have equal length`);
    return [{ shape: [E, 2 * at.maxOrder + 1], dtype: a!.dtype }];
  },
};

/** An angle, weight or feature argument given as a typed array or a tensor. */
export type So2Values = Float64Array | Float32Array | Tensor;

function checkOrder(op: string, L: number): void {
  if (!Number.isInteger(L) || L < 0) throw new ValueError(`${op}: maxOrder must be a non-negative integer, got ${L}`);
}

/** The per-edge values as a 1-D tensor of `dtype`, checked for length E and finiteness. */
function perEdge(op: string, what: string, v: So2Values, E: number, dtype: FloatDType, shapes: string): Tensor {
  let t: Tensor;
  if (v instanceof Tensor) {
    if (v.dtype === 'int32') throw new ShapeError(`${op}: ${what} must be a float tensor, got int32 ${fmtShape(v.shape)}`);
    if (v.shape.length !== 1 || v.shape[0] !== E) throw new ShapeError(`${op}: ${what} ${fmtShape(v.shape)} must be [E] = [${E}] (${shapes})`);
    t = v.dtype === dtype ? v : cast(v, dtype);
  } else if (v instanceof Float64Array || v instanceof Float32Array) {
    if (v.length !== E) throw new ShapeError(`${op}: ${what} has ${v.length} values but there are E = ${E} edges (${shapes})`);
    t = new Tensor(dtype === 'float32' ? Float32Array.from(v) : Float64Array.from(v), [E], dtype);
  } else {
    throw new ShapeError(`${op}: ${what} must be a Float64Array, a Float32Array or a float tensor`);
  }
  if (v instanceof Tensor && v.isSymbolic) return t; // traced: no values to check yet
  const d = (v instanceof Tensor ? v.data : v) as ArrayLike<number>;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i]!)) throw new ValueError(`${op}: ${what}[${i}] = ${d[i]} is not finite (${shapes})`);
  }
  return t;
}

/**
 * Coefficient tables of constant angles (typed arrays: a mesh's transport angles, the same every
 * forward pass and every layer), per angle array, order and dtype, with a copy of the angles they
 * were built from: a hit needs the array to hold exactly those values (one comparison pass instead
 * of 2L trigonometric calls per edge), so an array changed in place gets a new table.
 */
const tables = new WeakMap<Float64Array | Float32Array, { key: string; angles: Float64Array | Float32Array; table: Tensor }[]>();

function cachedTable(angle: So2Values, E: number, L: number, dtype: FloatDType): Tensor | undefined {
  if (angle instanceof Tensor || angle.length !== E) return undefined;
  const entries = tables.get(angle);
  const e = entries?.find((x) => x.key === `${L}|${dtype}`);
  if (!e) return undefined;
  const a = e.angles;
  for (let i = 0; i < E; i++) if (a[i] !== angle[i]) return undefined; // (NaN never matches: re-validated)
  return e.table;
}

function storeTable(angle: So2Values, L: number, table: Tensor): void {
  if (angle instanceof Tensor || table.requiresGrad || table.isSymbolic) return;
  const key = `${L}|${table.dtype}`;
  const entries = (tables.get(angle) ?? []).filter((x) => x.key !== key);
  retainStorage(table); // cached: its storage must outlive a backward pass that made it
  entries.push({ key, angles: angle.slice(), table });
  tables.set(angle, entries);
}

function checkIndex(op: string, what: string, t: Tensor, n: number, rowsOf: string): void {
  if (t.isSymbolic) return; // traced: the kernels check the range (IndexError) when the plan runs
  const d = t.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (!(v >= 0 && v < n)) throw new IndexError(`${op}: ${what} ${v} at position ${i} is out of range [0, ${n}) for ${rowsOf}`);
  }
}

/**
 * {@link so2Coefficients} without a gradient, in one pass: the same values bit for bit (float32:
 * l·α, cos, sin and the weight product each round to float32, as the elementwise ops do).
 */
function constantCoefficients(angle: Tensor, L: number, weights?: Tensor): Tensor {
  const E = angle.shape[0]!, B = 2 * L + 1, f32 = angle.dtype === 'float32';
  const a = angle.data, w = weights?.data, t = f32 ? new Float32Array(E * B) : new Float64Array(E * B);
  for (let k = 0; k < E; k++) {
    const o = k * B, ak = a[k]!;
    t[o] = 1;
    for (let l = 1; l <= L; l++) {
      const la = f32 ? Math.fround(ak * l) : ak * l;
      t[o + 2 * l - 1] = Math.cos(la);
      t[o + 2 * l] = Math.sin(la);
    }
    if (w) { const wk = w[k]!; for (let j = 0; j < B; j++) t[o + j] = t[o + j]! * wk; }
  }
  return new Tensor(t, [E, B], angle.dtype);
}

/**
 * The coefficient rows [E, 2L+1] = [w, w cos α, w sin α, …, w cos Lα, w sin Lα] (w = 1 without
 * weights), by differentiable ops: gradients flow to `angle` and `weights` when they require them.
 */
export function so2Coefficients(angle: Tensor, maxOrder: number, weights?: Tensor): Tensor {
  const op = 'so2Coefficients';
  requireTensor(op, 'angle', angle);
  requireFloat(op, angle);
  checkOrder(op, maxOrder);
  if (angle.shape.length !== 1) throw new ShapeError(`${op}: angle must be 1-D [E], got ${fmtShape(angle.shape)}`);
  if (weights !== undefined) {
    requireTensor(op, 'weights', weights);
    if (weights.dtype !== angle.dtype || weights.shape.length !== 1 || weights.shape[0] !== angle.shape[0]) {
      throw new ShapeError(`${op}: weights ${fmtShape(weights.shape)} ${weights.dtype} must be [E] = [${angle.shape[0]}] of the angle's dtype (${angle.dtype})`);
    }
  }
  const E = angle.shape[0]!, L = maxOrder, dtype = angle.dtype;
  const symbolic = angle.isSymbolic || weights?.isSymbolic === true;
  if (!symbolic && !(isGradEnabled() && (angle.requiresGrad || weights?.requiresGrad))) return constantCoefficients(angle, L, weights);
  let t: Tensor;
  if (L === 0) t = ones([E, 1], { dtype });
  else {
    const ls = new (dtype === 'float32' ? Float32Array : Float64Array)(L);
    for (let l = 0; l < L; l++) ls[l] = l + 1;
    const la = mul(reshape(angle, [E, 1]), new Tensor(ls, [L], dtype));
    t = concat([ones([E, 1], { dtype }), reshape(stack([cos(la), sin(la)], 2), [E, 2 * L])], 1);
  }
  return weights ? mul(t, reshape(weights, [E, 1])) : t;
}

/**
 * Rotating gather: out[k] = ρ(angle[k]) x[index[k]], [E, F]. x is [V, F] with F = C·(2L+1), per
 * channel block [a₀, c₁, s₁, …, c_L, s_L] and L = `maxOrder`; ρ(α) rotates (c_l, s_l) by l·α.
 *
 * Differentiable w.r.t. x (a deterministic scatter-add of ρ(−angle[k]) g[k] into row index[k],
 * summed over the CSR of the index in ascending edge order) and w.r.t. `angle` when it is a tensor
 * that requires grad (also twice: the coefficient gradient has its own backward).
 * @param x features [V, F] (float32 or float64)
 * @param index [E] rows of x, in [0, V)
 * @param angle [E] finite angles in radians (a typed array: a constant; a tensor: cast to x's dtype)
 * @param maxOrder L ≥ 0
 * @throws ShapeError when x is not 2-D, F is not a multiple of 2L+1 or angle's length is not E
 * @throws IndexError for an index outside [0, V) or not an integer
 * @throws ValueError for a non-finite angle or a bad maxOrder
 */
export function so2RotateGather(x: Tensor, index: IndexLike, angle: So2Values, maxOrder: number): Tensor {
  const op = 'so2RotateGather';
  requireTensor(op, 'x', x);
  requireFloat(op, x);
  checkOrder(op, maxOrder);
  checkBlocks(op, x, maxOrder);
  const g = toIndex(op, index, undefined, 'index');
  if (g.shape.length !== 1) throw new ShapeError(`${op}: index must be 1-D, got ${fmtShape(g.shape)}`);
  const E = g.shape[0]!, V = x.shape[0]!, shapes = `x ${fmtShape(x.shape)}, index [${E}]`;
  checkIndex(op, 'index', g, V, `${V} rows of x ${fmtShape(x.shape)}`);
  let t = cachedTable(angle, E, maxOrder, x.dtype as FloatDType);
  if (!t) {
    t = so2Coefficients(perEdge(op, 'angle', angle, E, x.dtype as FloatDType, shapes), maxOrder);
    storeTable(angle, maxOrder, t);
  }
  return apply(so2GatherOp, [x, g, t], { maxOrder });
}

/** Options of {@link so2RotateSegmentMean}. */
export interface So2SegmentOptions {
  /** Per-edge weights w [E] (a typed array: constants; a tensor: differentiable). Default 1. */
  weights?: So2Values;
  /** 'mean' (default): divide each segment's sum by its number of edges (not by Σ w); 'sum': the sum. */
  reduce?: 'mean' | 'sum';
}

/**
 * Rotating segment reduction: out[p] = reduce over k with segments[k] = p of w_k ρ(angle[k]) m[k],
 * [numSegments, F]; 'mean' divides the sum by the number of edges of the segment; empty segments
 * give 0. Sums run per segment in ascending edge order (deterministic).
 *
 * Differentiable w.r.t. m (a rotating gather of the output gradient by −angle), and w.r.t. `angle`
 * and `weights` when they are tensors that require grad (also twice).
 * @param m messages [E, F], F = C·(2L+1)
 * @param angle [E] finite angles in radians
 * @param segments [E] segment of each edge, in [0, numSegments)
 * @param numSegments number of output rows
 * @param maxOrder L ≥ 0
 * @throws ShapeError when m is not 2-D, F is not a multiple of 2L+1, or angle / segments / weights do not have E entries
 * @throws IndexError for a segment id outside [0, numSegments) or not an integer
 * @throws ValueError for a non-finite angle or weight, a bad maxOrder, numSegments or reduce
 */
export function so2RotateSegmentMean(m: Tensor, angle: So2Values, segments: IndexLike, numSegments: number, maxOrder: number, opts: So2SegmentOptions = {}): Tensor {
  const op = 'so2RotateSegmentMean';
  requireTensor(op, 'm', m);
  requireFloat(op, m);
  checkOrder(op, maxOrder);
  checkBlocks(op, m, maxOrder);
  if (!Number.isInteger(numSegments) || numSegments < 0) throw new ValueError(`${op}: numSegments must be a non-negative integer, got ${numSegments}`);
  const reduce = opts.reduce ?? 'mean';
  if (reduce !== 'mean' && reduce !== 'sum') throw new ValueError(`${op}: reduce must be 'mean' or 'sum', got ${String(reduce)}`);
  const E = m.shape[0]!, shapes = `m ${fmtShape(m.shape)}, ${numSegments} segments`;
  const s = toIndex(op, segments, undefined, 'segments');
  if (s.shape.length !== 1 || s.shape[0] !== E) throw new ShapeError(`${op}: segments ${fmtShape(s.shape)} must be [E] = [${E}] (${shapes})`);
  checkIndex(op, 'segment id', s, numSegments, `${numSegments} segments (${shapes})`);
  const dtype = m.dtype as FloatDType;
  let t = opts.weights === undefined ? cachedTable(angle, E, maxOrder, dtype) : undefined;
  if (!t) {
    const w = opts.weights === undefined ? undefined : perEdge(op, 'weights', opts.weights, E, dtype, shapes);
    t = so2Coefficients(perEdge(op, 'angle', angle, E, dtype, shapes), maxOrder, w);
    if (!w) storeTable(angle, maxOrder, t);
  }
  const out = apply(so2SegmentSumOp, [m, t, s], { maxOrder, numSegments });
  if (reduce === 'sum') return out;
  let counts: Tensor;
  if (s.isSymbolic) counts = reshape(apply(so2SegmentSumOp, [ones([E, 1], { dtype }), ones([E, 1], { dtype }), s], { maxOrder: 0, numSegments }), [numSegments, 1]);
  else {
    const c = new (dtype === 'float32' ? Float32Array : Float64Array)(numSegments), sd = s.data;
    for (let k = 0; k < E; k++) c[sd[k]!]!++;
    counts = new Tensor(c, [numSegments, 1], dtype);
  }
  return div(out, clamp(counts, 1));
}
