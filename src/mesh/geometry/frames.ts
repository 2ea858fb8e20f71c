/**
 * Tangent frames (gauges) per vertex, GEM-CNN convention (de Haan, Weiler, Cohen & Welling,
 * "Gauge Equivariant Mesh CNNs", ICLR 2021, arXiv:2003.05425): for a reference vector v_p,
 * e_x = normalize((I − n nᵀ) v_p), e_y = n × e_x, so (e_x, e_y, n) is right-handed.
 * @module
 */
import { Rng, ShapeError, ValueError } from '../../util/index.js';
import type { MeshFrames } from '../types.js';

/**
 * How the reference direction of each gauge is chosen: 'first' (towards the first neighbour in
 * the half-edge order), 'random' (a seeded random direction; pass `rng`), or a V·3 vector field.
 */
export type GaugeChoice = 'first' | 'random' | Float64Array;

/**
 * Frames from normals and reference vectors: e_x = normalize(v − ⟨v, n⟩ n), e_y = n × e_x.
 * A reference (nearly) parallel to n is replaced by the coordinate axis least aligned with n.
 * @throws ShapeError when the arrays are not V·3
 */
export function framesFromReference(normals: Float64Array, reference: Float64Array, op = 'framesFromReference'): MeshFrames {
  if (normals.length % 3 !== 0 || reference.length !== normals.length) {
    throw new ShapeError(`${op}: normals (${normals.length}) and reference (${reference.length}) must both be V·3`);
  }
  const V = normals.length / 3, xAxis = new Float64Array(3 * V), yAxis = new Float64Array(3 * V), normal = Float64Array.from(normals);
  for (let p = 0; p < V; p++) {
    const nx = normals[3 * p]!, ny = normals[3 * p + 1]!, nz = normals[3 * p + 2]!;
    let vx = reference[3 * p]!, vy = reference[3 * p + 1]!, vz = reference[3 * p + 2]!;
    const vn = Math.hypot(vx, vy, vz);
    let d = vx * nx + vy * ny + vz * nz;
    let tx = vx - d * nx, ty = vy - d * ny, tz = vz - d * nz;
    if (!(Math.hypot(tx, ty, tz) > 1e-9 * vn) || !(vn > 0)) {
      const ax = Math.abs(nx), ay = Math.abs(ny), az = Math.abs(nz);
      vx = ax <= ay && ax <= az ? 1 : 0; vy = vx === 0 && ay <= az ? 1 : 0; vz = vx === 0 && vy === 0 ? 1 : 0;
      d = vx * nx + vy * ny + vz * nz;
      tx = vx - d * nx; ty = vy - d * ny; tz = vz - d * nz;
    }
    const l = Math.hypot(tx, ty, tz);
    if (!(l > 0)) throw new ValueError(`${op}: vertex ${p} has no tangent direction (normal ${nx}, ${ny}, ${nz})`);
    tx /= l; ty /= l; tz /= l;
    xAxis[3 * p] = tx; xAxis[3 * p + 1] = ty; xAxis[3 * p + 2] = tz;
    yAxis[3 * p] = ny * tz - nz * ty; yAxis[3 * p + 1] = nz * tx - nx * tz; yAxis[3 * p + 2] = nx * ty - ny * tx;
  }
  return { xAxis, yAxis, normal };
}

/**
 * Reference vectors for a {@link GaugeChoice}: 'first' → x_q − x_p for the first neighbour q of
 * each vertex (`firstNeighbour[p]`); 'random' → a standard normal 3-vector per vertex from `rng`
 * (the projection makes it uniform in angle); a field is used as given.
 * @throws ValueError when 'random' comes without an Rng; ShapeError for a field of the wrong length
 */
export function gaugeReference(
  positions: Float64Array, firstNeighbour: Int32Array, choice: GaugeChoice, rng?: Rng, op = 'gaugeReference',
): Float64Array {
  const V = positions.length / 3;
  if (choice instanceof Float64Array) {
    if (choice.length !== 3 * V) throw new ShapeError(`${op}: gauge field has ${choice.length} numbers, expected V·3 = ${3 * V}`);
    return choice;
  }
  const ref = new Float64Array(3 * V);
  if (choice === 'random') {
    if (!(rng instanceof Rng)) throw new ValueError(`${op}: gauge 'random' needs an explicit seeded Rng (opts.rng)`);
    for (let i = 0; i < 3 * V; i++) ref[i] = rng.normal();
    return ref;
  }
  if (choice !== 'first') throw new ValueError(`${op}: unknown gauge choice ${String(choice)} (expected 'first', 'random' or a V·3 field)`);
  for (let p = 0; p < V; p++) {
    const q = firstNeighbour[p]!;
    if (q < 0) continue; // isolated: the fallback axis in framesFromReference
    for (let d = 0; d < 3; d++) ref[3 * p + d] = positions[3 * q + d]! - positions[3 * p + d]!;
  }
  return ref;
}
