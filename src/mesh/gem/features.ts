/**
 * Gauge-equivariant input features from local geometry: the "matrix features" of GEM-CNN (de Haan,
 * Weiler, Cohen & Welling, "Gauge Equivariant Mesh CNNs", ICLR 2021, arXiv:2003.05425, §6). See
 * docs/design/gem.md.
 * @module
 */
import type { FloatDType } from '../../nn/parameter.js';
import { floatDType } from '../../nn/parameter.js';
import type { Tensor } from '../../tensor/index.js';
import { ShapeError } from '../../util/index.js';
import { checkGaugeGeometry } from '../gauge.js';
import type { GaugeGeometry } from '../gauge.js';
import type { MeshFrames } from '../types.js';
import { constantOf } from './conv.js';

/** Channels of {@link matrixFeatures}' output: 3 channels of ρ₀ ⊕ ρ₁ ⊕ ρ₂ holding 3ρ₀ ⊕ 2ρ₁ ⊕ ρ₂ (arXiv:2003.05425). */
export const MATRIX_FEATURE_CHANNELS = 3;
/** Maximal SO(2) order L = 2 of {@link matrixFeatures}' output (the ρ₂ of (ρ₁ ⊕ ρ₀)^{⊗2}; arXiv:2003.05425). */
export const MATRIX_FEATURE_ORDER = 2;

/**
 * The matrix features of GEM-CNN (arXiv:2003.05425): per vertex p the 3×3 matrix
 *
 *     M_p = (1/|N(p)|) Σ_{q ∈ N(p)} (x_q − x_p)(x_q − x_p)ᵀ
 *
 * (neighbours from the edges q → p of `geometry`, self-loops skipped) expressed in the local frame
 * (e_x, e_y, n): M' = F M Fᵀ with F's rows e_x, e_y, n. Under a gauge change (the frame rotated
 * by φ_p about n) the tangent index transforms by ρ₁(−φ_p) and the normal index is invariant, so
 * M' ∈ (ρ₁ ⊕ ρ₀)^{⊗2} = 3ρ₀ ⊕ 2ρ₁ ⊕ ρ₂, split as (A = the tangent 2×2 block):
 *
 *     channel 0: [A₁₁ + A₂₂, M'_xz, M'_yz, (A₁₁ − A₂₂)/2, (A₁₂ + A₂₁)/2]    (ρ₀ ⊕ ρ₁ ⊕ ρ₂)
 *     channel 1: [(A₂₁ − A₁₂)/2, M'_zx, M'_zy, 0, 0]                          (ρ₀ ⊕ ρ₁)
 *     channel 2: [M'_zz, 0, 0, 0, 0]                                          (ρ₀)
 *
 * in the feature layout [V, 3·5] (L = 2). A vertex without neighbours gets zeros.
 * @param positions vertex positions, V·3
 * @param frames the tangent frames (the gauges) the geometry's angles are measured in
 * @param geometry the edges q → p
 * @param opts.dtype output dtype (default float32)
 */
export function matrixFeatures(positions: Float64Array, frames: MeshFrames, geometry: GaugeGeometry, opts: { dtype?: FloatDType } = {}): Tensor {
  checkGaugeGeometry(geometry, 'matrixFeatures');
  const V = geometry.vertices;
  for (const [name, a] of [['positions', positions], ['frames.xAxis', frames.xAxis], ['frames.yAxis', frames.yAxis], ['frames.normal', frames.normal]] as const) {
    if (a.length !== 3 * V) throw new ShapeError(`matrixFeatures: ${name} has ${a.length} numbers, expected V·3 = ${3 * V}`);
  }
  const M = new Float64Array(9 * V), cnt = new Float64Array(V);
  const { senders, receivers } = geometry;
  for (let k = 0; k < senders.length; k++) {
    const q = senders[k]!, p = receivers[k]!;
    if (q === p) continue;
    const d0 = positions[3 * q]! - positions[3 * p]!, d1 = positions[3 * q + 1]! - positions[3 * p + 1]!, d2 = positions[3 * q + 2]! - positions[3 * p + 2]!;
    const d = [d0, d1, d2];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) M[9 * p + 3 * i + j]! += d[i]! * d[j]!;
    cnt[p]!++;
  }
  const out = new Float64Array(V * 15);
  for (let p = 0; p < V; p++) {
    if (cnt[p] === 0) continue;
    const F = [frames.xAxis, frames.yAxis, frames.normal].map((a) => [a[3 * p]!, a[3 * p + 1]!, a[3 * p + 2]!]);
    // M' = F M Fᵀ / count
    const Mp = new Float64Array(9);
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) {
        let s = 0;
        for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) s += F[a]![i]! * M[9 * p + 3 * i + j]! * F[b]![j]!;
        Mp[3 * a + b] = s / cnt[p]!;
      }
    }
    const o = p * 15;
    out[o] = Mp[0]! + Mp[4]!;
    out[o + 1] = Mp[2]!;
    out[o + 2] = Mp[5]!;
    out[o + 3] = (Mp[0]! - Mp[4]!) / 2;
    out[o + 4] = (Mp[1]! + Mp[3]!) / 2;
    out[o + 5] = (Mp[3]! - Mp[1]!) / 2;
    out[o + 6] = Mp[6]!;
    out[o + 7] = Mp[7]!;
    out[o + 10] = Mp[8]!;
  }
  return constantOf(out, [V, 15], floatDType('matrixFeatures', opts.dtype));
}
