/**
 * The two data-movement primitives of a GEM-CNN layer (de Haan, Weiler, Cohen & Welling, "Gauge
 * Equivariant Mesh CNNs", ICLR 2021, arXiv:2003.05425): a gather that rotates every gathered row
 * by an SO(2) angle, and a segment mean that rotates every row before averaging. Both act on the
 * feature layout [rows, C·(2L+1)], per channel [a₀, c₁, s₁, …, c_L, s_L], where ρ_l(α) rotates
 * (c_l, s_l) by l·α. They run on the tensor engine's fused SO(2) ops (`so2RotateGather`,
 * `so2RotateSegmentMean` in src/tensor: JS reference, wasm SIMD on the thread pool, gpu.js; see
 * docs/design/so2-kernels.md); this wrapper adds the GEM contract (weighted *mean*, Σw-normalised)
 * and is tested against a plain loop. See docs/design/gem.md.
 * @module
 */
import { Tensor, so2RotateGather as fusedGather, so2RotateSegmentMean as fusedSegment } from '../../tensor/index.js';
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
  checkFeatures(op, x, maxOrder, 'x');
  if (index.length !== angle.length) throw new ShapeError(`${op}: ${index.length} indices but ${angle.length} angles`);
  return fusedGather(x, index, angle, maxOrder);
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
  checkFeatures(op, m, maxOrder, 'm');
  const E = m.shape[0]!;
  if (angle.length !== E || segments.length !== E) throw new ShapeError(`${op}: m has ${E} rows but ${angle.length} angles and ${segments.length} segment ids`);
  if (weights && weights.length !== E) throw new ShapeError(`${op}: m has ${E} rows but ${weights.length} weights`);
  if (!Number.isInteger(numSegments) || numSegments < 0) throw new ValueError(`${op}: numSegments must be an integer ≥ 0, got ${numSegments}`);
  if (!weights) return fusedSegment(m, angle, segments, numSegments, maxOrder, { reduce: 'mean' });
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
  return fusedSegment(m, angle, segments, numSegments, maxOrder, { reduce: 'sum', weights: scaled });
}
