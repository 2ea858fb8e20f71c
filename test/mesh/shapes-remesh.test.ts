import { describe, expect, it } from 'vitest';
import { capsule, flipEdges, icosphere, planeGrid, remesh, splitLongEdges, torus, uvSphere } from '../../src/mesh/index.js';
import type { MeshData } from '../../src/mesh/index.js';
import { ValueError } from '../../src/util/index.js';
import { expectClosedOriented, meshReport } from './mesh-checks.js';

function valenceDeviation(m: MeshData): number {
  const V = m.positions.length / 3, seen = new Set<string>(), val = new Int32Array(V);
  for (let f = 0; f < m.faces.length; f += 3) {
    for (let k = 0; k < 3; k++) {
      const a = m.faces[f + k]!, b = m.faces[f + ((k + 1) % 3)]!, key = a < b ? `${a},${b}` : `${b},${a}`;
      if (!seen.has(key)) { seen.add(key); val[a]!++; val[b]!++; }
    }
  }
  let s = 0;
  for (let v = 0; v < V; v++) s += Math.abs(val[v]! - 6);
  return s / V;
}

/** Every face keeps a normal with a positive component along the outward radial direction (star-shaped meshes). */
function allFacesOutward(m: MeshData): boolean {
  const P = m.positions, F = m.faces;
  for (let f = 0; f < F.length; f += 3) {
    const [a, b, c] = [3 * F[f]!, 3 * F[f + 1]!, 3 * F[f + 2]!];
    const u = [P[b]! - P[a]!, P[b + 1]! - P[a + 1]!, P[b + 2]! - P[a + 2]!], v = [P[c]! - P[a]!, P[c + 1]! - P[a + 1]!, P[c + 2]! - P[a + 2]!];
    const n = [u[1]! * v[2]! - u[2]! * v[1]!, u[2]! * v[0]! - u[0]! * v[2]!, u[0]! * v[1]! - u[1]! * v[0]!];
    const cx = P[a]! + P[b]! + P[c]!, cy = P[a + 1]! + P[b + 1]! + P[c + 1]!, cz = P[a + 2]! + P[b + 2]! + P[c + 2]!;
    if (n[0]! * cx + n[1]! * cy + n[2]! * cz <= 0) return false;
  }
  return true;
}

describe('flipEdges and remesh', () => {
  it('flipEdges improves valence on a UV sphere and keeps it closed and CCW', () => {
    const s = uvSphere(12, 24);
    const f = flipEdges(s);
    expectClosedOriented(f, 2);
    expect(valenceDeviation(f)).toBeLessThan(valenceDeviation(s));
    expect(allFacesOutward(f)).toBe(true);
    expect(Array.from(f.positions)).toEqual(Array.from(s.positions));
  });
  it('remesh on the sphere: refines toward the target, stays on the sphere, more regular than splitting alone', () => {
    const project = (p: [number, number, number]) => { const n = Math.hypot(...p); return p.map((x) => x / n); };
    const base = icosphere(1);
    const r = remesh(base, 0.25, { project });
    expectClosedOriented(r, 2);
    expect(allFacesOutward(r)).toBe(true);
    for (let i = 0; i < r.positions.length; i += 3) expect(Math.hypot(r.positions[i]!, r.positions[i + 1]!, r.positions[i + 2]!)).toBeCloseTo(1, 12);
    const split = splitLongEdges(base, (4 / 3) * 0.25, { place: project });
    expect(valenceDeviation(r)).toBeLessThanOrEqual(valenceDeviation(split));
  });
  it('remesh keeps a torus (χ = 0), a capsule and an open grid valid', () => {
    expectClosedOriented(remesh(torus(1, 0.4, 10, 6), 0.2), 0);
    expectClosedOriented(remesh(capsule(0.5, 1, 8, 2, 1), 0.2), 2);
    const g = remesh(planeGrid(1, 1, 2, 2), 0.15);
    const rep = meshReport(g);
    expect(rep.euler).toBe(1);
    expect(rep.flippedEdges).toBe(0);
    for (let i = 2; i < g.positions.length; i += 3) expect(g.positions[i]).toBe(0);
    // boundary vertices do not move: the corners stay
    expect(Array.from(g.positions.subarray(0, 3))).toEqual([-0.5, -0.5, 0]);
  });
  it('rejects bad options', () => {
    expect(() => remesh(icosphere(0), 0)).toThrow(/targetLength/);
    expect(() => remesh(icosphere(0), 0.5, { relax: 2 })).toThrow(/relax/);
    expect(() => remesh(icosphere(0), 0.5, { project: () => [NaN, 0, 0] })).toThrow(ValueError);
    expect(() => flipEdges(icosphere(0), -1)).toThrow(ValueError);
  });
});
