import { describe, expect, it } from 'vitest';
import {
  angleDefect, buildHalfEdges, checkGaugeGeometry, faceAreasNormals, faceTransport, gemGeometry, hePrev, vertexNeighbours, planarGauge, rotateBetween,
  type GaugeGeometry, type MeshData,
} from '../../src/mesh/index.js';
import { Rng, ShapeError, ValueError } from '../../src/util/index.js';
import { bunny, flatGrid, sphere, wrap } from '../helpers/mesh-geometry-fixtures.js';

const dot = (a: Float64Array, i: number, b: Float64Array, j: number) => a[3 * i]! * b[3 * j]! + a[3 * i + 1]! * b[3 * j + 1]! + a[3 * i + 2]! * b[3 * j + 2]!;

function edgeIndex(geo: GaugeGeometry): Map<string, number> {
  const m = new Map<string, number>();
  for (let k = 0; k < geo.senders.length; k++) m.set(`${geo.senders[k]}>${geo.receivers[k]}`, k);
  return m;
}

describe('gemGeometry: frames, log map, transport', () => {
  it('frames are right-handed orthonormal with the angle-weighted normal; first-neighbour gauge has θ = 0 on the first edge', () => {
    const m = bunny(), { geometry: geo, frames } = gemGeometry(m);
    const V = geo.vertices, { xAxis: ex, yAxis: ey, normal: n } = frames;
    for (let p = 0; p < V; p++) {
      expect(dot(ex, p, ex, p)).toBeCloseTo(1, 12);
      expect(dot(ey, p, ey, p)).toBeCloseTo(1, 12);
      expect(Math.abs(dot(ex, p, n, p))).toBeLessThan(1e-12);
      expect(Math.abs(dot(ex, p, ey, p))).toBeLessThan(1e-12);
      // n · (e_x × e_y) = 1
      const cx = ex[3 * p + 1]! * ey[3 * p + 2]! - ex[3 * p + 2]! * ey[3 * p + 1]!, cy = ex[3 * p + 2]! * ey[3 * p]! - ex[3 * p]! * ey[3 * p + 2]!, cz = ex[3 * p]! * ey[3 * p + 1]! - ex[3 * p + 1]! * ey[3 * p]!;
      expect(cx * n[3 * p]! + cy * n[3 * p + 1]! + cz * n[3 * p + 2]!).toBeCloseTo(1, 12);
    }
    checkGaugeGeometry(geo);
    // edges grouped by receiver: self-loop first (θ = r = g = 0), then the first neighbour at θ = 0
    let k = 0;
    for (let p = 0; p < V; p++) {
      expect([geo.senders[k], geo.receivers[k], geo.theta[k], geo.radius![k], geo.transport[k]]).toEqual([p, p, 0, 0, 0]);
      expect(Math.abs(geo.theta[k + 1]!)).toBeLessThan(1e-12);
      while (k < geo.receivers.length && geo.receivers[k] === p) k++;
    }
    // closed mesh: V self-loops + 2E directed edges, E = 3F/2
    expect(geo.senders.length).toBe(V + m.faces.length);
  });
  it('log map: r = |x_q − x_p|, neighbours counter-clockwise ⇒ θ increasing around the ring on a convex surface', () => {
    const m = sphere(2), { geometry: geo } = gemGeometry(m), P = m.positions;
    for (let k = 0; k < geo.senders.length; k++) {
      const q = geo.senders[k]!, p = geo.receivers[k]!;
      expect(geo.radius![k]).toBeCloseTo(Math.hypot(P[3 * q]! - P[3 * p]!, P[3 * q + 1]! - P[3 * p + 1]!, P[3 * q + 2]! - P[3 * p + 2]!), 14);
    }
    for (let k = 1; k < geo.senders.length; k++) {
      if (geo.receivers[k] !== geo.receivers[k - 1] || geo.senders[k - 1] === geo.receivers[k - 1]) continue;
      const step = wrap(geo.theta[k]! - geo.theta[k - 1]!);
      expect(step).toBeGreaterThan(0);
    }
  });
  it('transport is antisymmetric (g_{p→q} = −g_{q→p}) and maps e_x^q onto the direction g in p\'s gauge', () => {
    const m = bunny(), { geometry: geo } = gemGeometry(m), idx = edgeIndex(geo);
    for (let k = 0; k < geo.senders.length; k++) {
      const back = idx.get(`${geo.receivers[k]}>${geo.senders[k]}`)!;
      expect(Math.abs(wrap(geo.transport[k]! + geo.transport[back]!))).toBeLessThan(1e-12);
    }
  });
  it('plane: transport angle 0 between any two vertices, in the same global gauge', () => {
    const g = flatGrid(6, 0.4, 7), V = 36, field = new Float64Array(3 * V);
    for (let v = 0; v < V; v++) field[3 * v] = 1;
    const { geometry: geo } = gemGeometry(g, { gauge: field });
    for (const t of geo.transport) expect(Math.abs(t)).toBeLessThan(1e-12);
    // with the default (first-neighbour) gauges the transport is the difference of the gauge angles
    const first = gemGeometry(g);
    for (let k = 0; k < geo.senders.length; k++) {
      const q = first.geometry.senders[k]!, p = first.geometry.receivers[k]!;
      const ang = (v: number) => Math.atan2(first.frames.xAxis[3 * v + 1]!, first.frames.xAxis[3 * v]!);
      expect(Math.abs(wrap(first.geometry.transport[k]! - (ang(q) - ang(p))))).toBeLessThan(1e-12);
    }
  });
  it('a gauge change φ changes θ and g exactly as the gauge action says (θ − φ_p, g − φ_p + φ_q)', () => {
    const rng = new Rng(11);
    for (const m of [bunny(), flatGrid(5, 0.3, 1)]) {
      const base = gemGeometry(m), V = base.geometry.vertices, phi = new Float64Array(V), ref = new Float64Array(3 * V);
      for (let p = 0; p < V; p++) {
        phi[p] = rng.uniformIn(-Math.PI, Math.PI);
        for (let d = 0; d < 3; d++) ref[3 * p + d] = Math.cos(phi[p]!) * base.frames.xAxis[3 * p + d]! + Math.sin(phi[p]!) * base.frames.yAxis[3 * p + d]!;
      }
      const changed = gemGeometry(m, { gauge: ref }).geometry, predicted = planarGauge.geometry(phi, base.geometry);
      for (let k = 0; k < changed.senders.length; k++) {
        expect(Math.abs(wrap(changed.theta[k]! - predicted.theta[k]!))).toBeLessThan(1e-9);
        expect(Math.abs(wrap(changed.transport[k]! - predicted.transport[k]!))).toBeLessThan(1e-9);
      }
    }
  });
  it('random gauges are reproducible from the seed and need an Rng', () => {
    const m = sphere(1);
    const a = gemGeometry(m, { gauge: 'random', rng: new Rng(5) }), b = gemGeometry(m, { gauge: 'random', rng: new Rng(5) });
    expect(Array.from(a.frames.xAxis)).toEqual(Array.from(b.frames.xAxis));
    expect(Array.from(a.frames.xAxis)).not.toEqual(Array.from(gemGeometry(m).frames.xAxis));
    expect(() => gemGeometry(m, { gauge: 'random' })).toThrow(ValueError);
    expect(() => gemGeometry(m, { gauge: new Float64Array(5) })).toThrow(ShapeError);
    expect(() => gemGeometry(m, { gauge: 'nope' as never })).toThrow(/unknown gauge/);
  });
  it('normalised radii: mean or max edge length becomes 1', () => {
    const m = bunny();
    const mean = gemGeometry(m, { normaliseRadius: 'mean' }).geometry, max = gemGeometry(m, { normaliseRadius: 'max' }).geometry;
    let s = 0, c = 0;
    for (let k = 0; k < mean.senders.length; k++) if (mean.senders[k] !== mean.receivers[k]) { s += mean.radius![k]!; c++; }
    expect(s / c).toBeCloseTo(1, 12);
    expect(Math.max(...max.radius!)).toBeCloseTo(1, 14);
  });
  it('rejects meshes with a vertex in no face', () => {
    const m: MeshData = { positions: Float64Array.from([0, 0, 0, 1, 0, 0, 0, 1, 0, 3, 3, 3]), faces: Int32Array.from([0, 1, 2]) };
    expect(() => gemGeometry(m)).toThrow(/gemGeometry: vertex 3 is in no face/);
  });
});

describe('holonomy', () => {
  it('face-based Levi-Civita transport around an interior vertex turns by exactly its angle defect', () => {
    for (const m of [sphere(1), bunny(), flatGrid(5, 0.4, 2)]) {
      const he = buildHalfEdges(m), { normals } = faceAreasNormals(m), g = faceTransport(m.positions, m.faces, he, normals), defect = angleDefect(m);
      for (let v = 0; v < he.vertices; v++) {
        if (he.boundary[v]) continue;
        // faces around v counter-clockwise: from the face of ring[k] to the face of ring[k+1] = twin(prev(ring[k])) — cross the half-edge prev(ring[k])
        let total = 0;
        for (let k = he.ringPtr[v]!; k < he.ringPtr[v + 1]!; k++) total += g[hePrev(he.ring[k]!)]!;
        expect(Math.abs(wrap(total - defect[v]!))).toBeLessThan(1e-9);
      }
    }
  });
  it('GEM vertex transport: the 1-ring holonomy approaches the enclosed spherical area, better with refinement', () => {
    // on the unit sphere the holonomy of a loop is the area it encloses; the neighbours of v span
    // the spherical polygon made of the triangles (v, w_i, w_{i+1}) (excess: tan(E/2) = |a·(b×c)| / (1 + a·b + b·c + c·a))
    let prev = Infinity;
    for (const n of [2, 3, 4]) {
      const m = sphere(n), { geometry: geo } = gemGeometry(m), idx = edgeIndex(geo), P = m.positions;
      const he = buildHalfEdges(m), nb = vertexNeighbours(he);
      let worst = 0;
      for (let v = 0; v < he.vertices; v += 7) {
        const ring = Array.from(nb.idx.subarray(nb.ptr[v]!, nb.ptr[v + 1]!));
        let total = 0, area = 0;
        for (let i = 0; i < ring.length; i++) {
          const a = v, b = ring[i]!, c = ring[(i + 1) % ring.length]!;
          total += geo.transport[idx.get(`${b}>${c}`)!]!;
          const bx = P[3 * b + 1]! * P[3 * c + 2]! - P[3 * b + 2]! * P[3 * c + 1]!, by = P[3 * b + 2]! * P[3 * c]! - P[3 * b]! * P[3 * c + 2]!, bz = P[3 * b]! * P[3 * c + 1]! - P[3 * b + 1]! * P[3 * c]!;
          const triple = P[3 * a]! * bx + P[3 * a + 1]! * by + P[3 * a + 2]! * bz;
          area += 2 * Math.atan2(Math.abs(triple), 1 + dot(P, a, P, b) + dot(P, b, P, c) + dot(P, c, P, a));
        }
        worst = Math.max(worst, Math.abs(wrap(total) / area - 1));
      }
      expect(worst).toBeLessThan(prev);
      prev = worst;
    }
    expect(prev).toBeLessThan(0.05);
  });
  it('rotateBetween takes n to m and keeps lengths (including the antipodal case)', () => {
    const out = new Float64Array(3);
    rotateBetween(0, 0, 1, 1, 0, 0, 0, 0, 1, out);
    expect(Array.from(out).map((x) => Math.round(x * 1e12) / 1e12)).toEqual([1, 0, 0]);
    rotateBetween(0, 0, 1, 0, 0, -1, 0, 0, 1, out);
    expect(Math.abs(out[2]! + 1)).toBeLessThan(1e-12);
    rotateBetween(0, 0, 1, 0, 0, -1, 0.3, 0.4, 0, out);
    expect(Math.hypot(out[0]!, out[1]!, out[2]!)).toBeCloseTo(0.5, 14);
  });
});
