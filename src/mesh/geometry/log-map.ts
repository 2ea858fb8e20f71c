/**
 * Discrete logarithmic map of neighbours (GEM-CNN, arXiv:2003.05425, §5): q seen from p in p's
 * gauge has angle θ_pq = atan2(⟨x_q − x_p, e_y^p⟩, ⟨x_q − x_p, e_x^p⟩) (the angle of the projection
 * of x_q − x_p onto p's tangent plane) and radius r_pq = ‖x_q − x_p‖ (the chord length, a
 * first-order approximation of the geodesic distance). Self-loops (q = p) get θ = 0, r = 0.
 * @module
 */
import type { MeshFrames } from '../types.js';

/** Log-map angles θ_pq and radii r_pq for directed edges q = senders[k] → p = receivers[k]. */
export function logMap(
  positions: Float64Array, frames: MeshFrames, senders: Int32Array, receivers: Int32Array,
): { theta: Float64Array; radius: Float64Array } {
  const m = senders.length, theta = new Float64Array(m), radius = new Float64Array(m);
  const { xAxis: ex, yAxis: ey } = frames;
  for (let k = 0; k < m; k++) {
    const q = senders[k]!, p = receivers[k]!;
    if (q === p) continue;
    const dx = positions[3 * q]! - positions[3 * p]!, dy = positions[3 * q + 1]! - positions[3 * p + 1]!, dz = positions[3 * q + 2]! - positions[3 * p + 2]!;
    const x = dx * ex[3 * p]! + dy * ex[3 * p + 1]! + dz * ex[3 * p + 2]!;
    const y = dx * ey[3 * p]! + dy * ey[3 * p + 1]! + dz * ey[3 * p + 2]!;
    theta[k] = Math.atan2(y, x);
    radius[k] = Math.hypot(dx, dy, dz);
  }
  return { theta, radius };
}
