import { describe, expect, it } from 'vitest';
import { heatGeodesic, heatGeodesicSolver, meshComponents, type MeshData } from '../../src/mesh/index.js';
import { IndexError, ValueError } from '../../src/util/index.js';
import { bunny, flatGrid, sphere } from '../helpers/mesh-geometry-fixtures.js';

function greatCircleError(m: MeshData, d: Float64Array, s: number): { max: number; mean: number } {
  const P = m.positions, V = d.length;
  let max = 0, mean = 0;
  for (let v = 0; v < V; v++) {
    const c = P[3 * s]! * P[3 * v]! + P[3 * s + 1]! * P[3 * v + 1]! + P[3 * s + 2]! * P[3 * v + 2]!;
    const e = Math.abs(d[v]! - Math.acos(Math.max(-1, Math.min(1, c))));
    max = Math.max(max, e); mean += e / V;
  }
  return { max, mean };
}

describe('heat-method geodesics', () => {
  it('sphere: distances approach great-circle arcs, the error shrinking monotonically over 3 refinements', () => {
    let prevMax = Infinity, prevMean = Infinity;
    for (const n of [2, 3, 4]) {
      const m = sphere(n), d = heatGeodesic(m, 0), e = greatCircleError(m, d, 0);
      expect(d[0]).toBe(0);
      expect(e.max).toBeLessThan(prevMax);
      expect(e.mean).toBeLessThan(prevMean);
      prevMax = e.max; prevMean = e.mean;
    }
    expect(prevMax).toBeLessThan(0.03);
  });
  it('Cholesky and CG give the same distances on a small sphere; the solver is reusable over source sets', () => {
    const m = sphere(3), a = heatGeodesicSolver(m), b = heatGeodesicSolver(m, { solver: 'cg' });
    for (const src of [0, [5, 300], [600]]) {
      const da = a.distance(src), db = b.distance(src);
      for (let v = 0; v < da.length; v++) expect(Math.abs(da[v]! - db[v]!)).toBeLessThan(1e-6);
    }
    expect(a.t).toBeGreaterThan(0);
  });
  it('CG agrees with Cholesky near the sources on the bunny (the far field of the heat solution is below CG\'s resolution)', () => {
    const m = bunny(), da = heatGeodesicSolver(m).distance(0), db = heatGeodesicSolver(m, { solver: 'cg' }).distance(0);
    const far = Math.max(...da);
    for (let v = 0; v < da.length; v++) if (da[v]! < far / 3) expect(Math.abs(da[v]! - db[v]!)).toBeLessThan(1e-3);
  });
  it('multiple sources: distance is (nearly) the minimum of the single-source distances', () => {
    const m = sphere(3), s = heatGeodesicSolver(m), d0 = s.distance(0), d1 = s.distance(100), both = s.distance([0, 100]);
    for (let v = 0; v < d0.length; v++) expect(Math.abs(both[v]! - Math.min(d0[v]!, d1[v]!))).toBeLessThan(0.15); // the heat method smooths the ridge where the two fronts meet
    expect(Math.min(both[0]!, both[100]!)).toBe(0);
  });
  it('flat grid with boundary: distances close to Euclidean from the centre', () => {
    const g = flatGrid(21), c = 10 * 21 + 10, d = heatGeodesic(g, c), P = g.positions;
    let worst = 0;
    for (let v = 0; v < d.length; v++) {
      const e = Math.hypot(P[3 * v]! - P[3 * c]!, P[3 * v + 1]! - P[3 * c + 1]!);
      // away from the source and from the (Neumann) boundary
      if (e >= 2 && e <= 7) worst = Math.max(worst, Math.abs(d[v]! - e) / e);
    }
    // ~11 %: all diagonals run the same way, which makes the discrete heat flow anisotropic
    expect(worst).toBeLessThan(0.15);
  });
  it('a component without a source is at distance Infinity', () => {
    const a = sphere(1), V = a.positions.length / 3;
    const two: MeshData = {
      positions: Float64Array.from([...a.positions, ...Array.from(a.positions, (x, i) => (i % 3 === 0 ? x + 5 : x))]),
      faces: Int32Array.from([...a.faces, ...Array.from(a.faces, (f) => f + V)]),
    };
    expect(new Set(meshComponents(two)).size).toBe(2);
    const d = heatGeodesic(two, 3);
    expect(d.subarray(0, V).every(Number.isFinite)).toBe(true);
    expect(d.subarray(V).every((x) => x === Infinity)).toBe(true);
  });
  it('rejects bad sources and solvers', () => {
    const s = heatGeodesicSolver(sphere(1));
    expect(() => s.distance(-1)).toThrow(IndexError);
    expect(() => s.distance([])).toThrow(/no source/);
    expect(() => heatGeodesicSolver(sphere(1), { solver: 'lu' as never })).toThrow(ValueError);
  });
});
