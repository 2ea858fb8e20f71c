/**
 * The two data-movement primitives of a GEM-CNN layer (de Haan, Weiler, Cohen & Welling, "Gauge
 * Equivariant Mesh CNNs", ICLR 2021, arXiv:2003.05425): a gather that rotates every gathered row
 * by an SO(2) angle, and a segment mean that rotates every row before averaging. Both act on the
 * feature layout [rows, C·(2L+1)], per channel [a₀, c₁, s₁, …, c_L, s_L], where ρ_l(α) rotates
 * (c_l, s_l) by l·α. They are composed from differentiable tensor ops (indexSelect, elementwise
 * products with constant cos/sin tables, segmentMean/segmentSum); fused kernels may replace them
 * later under the same signatures, so the contract below is exact and tested against a loop.
 * See docs/design/gem.md.
 * @module
 */
import { Tensor, fromData, segmentMean, segmentSum } from '../../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../../util/index.js';

/** Width 2L + 1 of one channel ρ₀ ⊕ ρ₁ ⊕ … ⊕ ρ_L (GEM-CNN, arXiv:2003.05425). */
export function so2Width(maxOrder: number): number {
  return 2 * maxOrder + 1;
}

function checkOrder(op: string, maxOrder: number): void {
  if (!Number.isInteger(maxOrder) || maxOrder < 0) throw new ValueError(`${op}: maxOrder must be an integer ≥ 0, got ${maxOrder}`);
}

function checkFeatures(op: string, x: Tensor, maxOrder: number, what: string): number {
  if (!(x instanceof Tensor) || x.ndim !== 2) throw new ShapeError(`${op}: ${what} must be a 2-D tensor [rows, C·(2L+1)], got ${x instanceof Tensor ? fmtShape(x.shape) : typeof x}`);
  const w = so2Width(maxOrder), F = x.shape[1]!;
  if (F % w !== 0) throw new ShapeError(`${op}: ${what} ${fmtShape(x.shape)} has ${F} columns, not a multiple of 2L+1 = ${w} (L = ${maxOrder})`);
  return F / w;
}

/** The swap permutation of one channel: (a₀, c₁, s₁, …) ↦ (a₀, s₁, c₁, …). */
function swapIndex(maxOrder: number): Int32Array {
  const w = so2Width(maxOrder), p = new Int32Array(w);
  p[0] = 0;
  for (let l = 1; l <= maxOrder; l++) {
    p[2 * l - 1] = 2 * l;
    p[2 * l] = 2 * l - 1;
  }
  return p;
}

/**
 * Rotate each row k of x3 [E, C, 2L+1] by ρ(angle[k]):
 * (c_l, s_l) ↦ (cos lα·c_l − sin lα·s_l, sin lα·c_l + cos lα·s_l), written as
 * x ⊙ cosTable + swap(x) ⊙ sinTable with constant tables [E, 1, 2L+1].
 */
function rotateRows(x3: Tensor, angle: Float64Array, maxOrder: number): Tensor {
  if (maxOrder === 0) return x3;
  const E = angle.length, w = so2Width(maxOrder);
  const co = new Float64Array(E * w), si = new Float64Array(E * w);
  for (let k = 0; k < E; k++) {
    const o = k * w, a = angle[k]!;
    co[o] = 1;
    for (let l = 1; l <= maxOrder; l++) {
      const c = Math.cos(l * a), s = Math.sin(l * a);
      co[o + 2 * l - 1] = c;
      co[o + 2 * l] = c;
      si[o + 2 * l - 1] = -s;
      si[o + 2 * l] = s;
    }
  }
  const mk = (v: Float64Array): Tensor => fromData(x3.dtype === 'float64' ? v : Float32Array.from(v), [E, 1, w]);
  return x3.mul(mk(co)).add(x3.indexSelect(2, swapIndex(maxOrder)).mul(mk(si)));
}

/**
 * Rotate-gather: out[k] = ρ(angle[k]) x[index[k]], per channel block ρ₀ ⊕ … ⊕ ρ_L (GEM-CNN,
 * arXiv:2003.05425, the parallel transport ρ(g_{q→p}) f_q of a message). Differentiable in x.
 * @param x features [V, C·(2L+1)], float32 or float64
 * @param index row of x for each output row, [E]
 * @param angle rotation angle per output row, [E] (radians)
 * @param maxOrder L
 * @returns [E, C·(2L+1)] in the dtype of x
 * @throws ShapeError on a width that is not C·(2L+1) or mismatched index/angle lengths
 */
export function so2RotateGather(x: Tensor, index: Int32Array, angle: Float64Array, maxOrder: number): Tensor {
  const op = 'so2RotateGather';
  checkOrder(op, maxOrder);
  const C = checkFeatures(op, x, maxOrder, 'x');
  if (index.length !== angle.length) throw new ShapeError(`${op}: ${index.length} indices but ${angle.length} angles`);
  const E = index.length, w = so2Width(maxOrder);
  const g = x.indexSelect(0, index);
  if (maxOrder === 0) return g;
  return rotateRows(g.reshape([E, C, w]), angle, maxOrder).reshape([E, C * w]);
}

/**
 * Rotate-segment-mean: out[s] = Σ_{k: segments[k] = s} w_k ρ(angle[k]) m[k] / Σ_{k: segments[k] = s} w_k
 * (w_k = 1 without `weights`: the plain mean), per channel block ρ₀ ⊕ … ⊕ ρ_L (GEM-CNN,
 * arXiv:2003.05425: the aggregation of rotated messages at the receiver). Segments with no rows,
 * or a zero total weight, give 0. Differentiable in m.
 * @param m rows [E, C·(2L+1)]
 * @param angle rotation angle per row, [E]
 * @param segments target segment of each row, [E], in [0, numSegments)
 * @param numSegments number of output rows
 * @param maxOrder L
 * @param weights optional non-negative weight per row, [E]
 * @returns [numSegments, C·(2L+1)] in the dtype of m
 */
export function so2RotateSegmentMean(m: Tensor, angle: Float64Array, segments: Int32Array, numSegments: number, maxOrder: number, weights?: Float64Array): Tensor {
  const op = 'so2RotateSegmentMean';
  checkOrder(op, maxOrder);
  const C = checkFeatures(op, m, maxOrder, 'm');
  const E = m.shape[0]!, w = so2Width(maxOrder);
  if (angle.length !== E || segments.length !== E) throw new ShapeError(`${op}: m has ${E} rows but ${angle.length} angles and ${segments.length} segment ids`);
  if (weights && weights.length !== E) throw new ShapeError(`${op}: m has ${E} rows but ${weights.length} weights`);
  if (!Number.isInteger(numSegments) || numSegments < 0) throw new ValueError(`${op}: numSegments must be an integer ≥ 0, got ${numSegments}`);
  const r = maxOrder === 0 ? m : rotateRows(m.reshape([E, C, w]), angle, maxOrder).reshape([E, C * w]);
  if (!weights) return segmentMean(r, segments, numSegments);
  const tot = new Float64Array(numSegments);
  for (let k = 0; k < E; k++) {
    const s = segments[k]!;
    if (s >= 0 && s < numSegments) tot[s]! += weights[k]!;
  }
  const scaled = new Float64Array(E);
  for (let k = 0; k < E; k++) {
    const t = tot[segments[k]!];
    scaled[k] = t !== undefined && t !== 0 ? weights[k]! / t : 0;
  }
  const wt = fromData(m.dtype === 'float64' ? scaled : Float32Array.from(scaled), [E, 1]);
  return segmentSum(r.mul(wt), segments, numSegments);
}
