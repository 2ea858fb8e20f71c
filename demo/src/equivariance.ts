/**
 * The page's live equivariance checks, also run by the tests:
 *
 * - rotate the mesh: rotate the positions by R, recompute the geometry (normals, first-neighbour
 *   gauges, θ, g, r), rerun the network; compare the scalars directly and the vectors in 3-D
 *   (v = v_x e_x + v_y e_y in each run's own frames, the rotated run's vectors rotated back by Rᵀ);
 * - redraw the gauges: rotate every frame by a random φ_p, recompute θ and g, rerun; compare the
 *   scalars directly and the new vectors with ρ(−φ_p) applied to the old ones.
 *
 * Errors are relative: max |difference| / max |reference| over the vertices, per field.
 * @module
 */
import { randomRotation, rotateMesh } from '../../src/index.js';
import type { MeshData, Rng } from '../../src/index.js';
import type { DemoGeometry } from './geometry.js';
import { demoGeometry, toWorld } from './geometry.js';
import type { DemoNet, Prediction } from './model.js';

/** Relative errors of one check. */
export interface EquivarianceError {
  scalar: number;
  vector: number;
}

function relMax(diff: number, ref: number): number {
  return ref > 0 ? diff / ref : diff;
}

/** Compare scalars: max |a − b| / max |a|. */
export function scalarError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0, r = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i]! - b[i]!));
    r = Math.max(r, Math.abs(a[i]!));
  }
  return relMax(d, r);
}

/** Compare 3-D vector fields [V·3]: max ‖a − b‖ / max ‖a‖. */
export function vectorError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0, r = 0;
  for (let p = 0; p < a.length / 3; p++) {
    d = Math.max(d, Math.hypot(a[3 * p]! - b[3 * p]!, a[3 * p + 1]! - b[3 * p + 1]!, a[3 * p + 2]! - b[3 * p + 2]!));
    r = Math.max(r, Math.hypot(a[3 * p]!, a[3 * p + 1]!, a[3 * p + 2]!));
  }
  return relMax(d, r);
}

/** Rᵀ v for every 3-vector of v (R row-major 3×3). */
export function rotateBack(R: ArrayLike<number>, v: ArrayLike<number>): Float64Array {
  const out = new Float64Array(v.length);
  for (let p = 0; p < v.length / 3; p++) {
    for (let i = 0; i < 3; i++) out[3 * p + i] = R[i]! * v[3 * p]! + R[3 + i]! * v[3 * p + 1]! + R[6 + i]! * v[3 * p + 2]!;
  }
  return out;
}

/** The outcome of a check: the new state to display and the errors of each network. */
export interface CheckResult {
  geometry: DemoGeometry;
  predictions: Prediction[];
  errors: EquivarianceError[];
  /** The rotation applied (rotate) or the angles drawn (gauges). */
  rotation?: Float64Array;
  phi?: Float64Array;
}

/** Rotate `g`'s mesh by a random rotation and compare every network's outputs (see the module doc). */
export function rotateCheck(nets: readonly DemoNet[], g: DemoGeometry, before: readonly Prediction[], rng: Rng, keepLayers = false): CheckResult {
  const R = randomRotation(rng), mesh: MeshData = rotateMesh(g.mesh, R), g2 = demoGeometry(mesh, g.phi);
  const predictions = nets.map((n, i) => n.run(g2, keepLayers && i === 0));
  const errors = predictions.map((p, i) => ({
    scalar: scalarError(before[i]!.scalar, p.scalar),
    vector: vectorError(toWorld(g.frames, before[i]!.vector), rotateBack(R, toWorld(g2.frames, p.vector))),
  }));
  return { geometry: g2, predictions, errors, rotation: Float64Array.from(R) };
}

/** Redraw every gauge of `g` by a random angle and compare every network's outputs (see the module doc). */
export function gaugeCheck(nets: readonly DemoNet[], g: DemoGeometry, before: readonly Prediction[], rng: Rng, keepLayers = false): CheckResult {
  const V = g.geometry.vertices, phi = new Float64Array(V);
  for (let p = 0; p < V; p++) phi[p] = rng.uniformIn(-Math.PI, Math.PI);
  // φ composes: redraw relative to the current frames
  const g2 = redrawGauges(g, phi);
  const predictions = nets.map((n, i) => n.run(g2, keepLayers && i === 0));
  const errors = predictions.map((p, i) => {
    const a = before[i]!.vector, expect = new Float64Array(2 * V);
    for (let q = 0; q < V; q++) {
      const c = Math.cos(-phi[q]!), s = Math.sin(-phi[q]!);
      expect[2 * q] = c * a[2 * q]! - s * a[2 * q + 1]!;
      expect[2 * q + 1] = s * a[2 * q]! + c * a[2 * q + 1]!;
    }
    let d = 0, r = 0;
    for (let q = 0; q < V; q++) {
      d = Math.max(d, Math.hypot(expect[2 * q]! - p.vector[2 * q]!, expect[2 * q + 1]! - p.vector[2 * q + 1]!));
      r = Math.max(r, Math.hypot(expect[2 * q]!, expect[2 * q + 1]!));
    }
    return { scalar: scalarError(before[i]!.scalar, p.scalar), vector: relMax(d, r) };
  });
  return { geometry: g2, predictions, errors, phi };
}

/** `g` with every frame rotated by φ_p (on top of its current gauges) and θ, g recomputed. */
export function redrawGauges(g: DemoGeometry, phi: Float64Array): DemoGeometry {
  // demoGeometry(mesh, φ) rotates the first-neighbour frames; to compose with earlier redraws we
  // pass the total angle, which demoGeometry records.
  const total = Float64Array.from(phi, (v, p) => v + (g.phi?.[p] ?? 0));
  return demoGeometry(g.mesh, total);
}
