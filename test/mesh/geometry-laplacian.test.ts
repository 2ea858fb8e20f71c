import { describe, expect, it } from 'vitest';
import { csrAsymmetry, csrMatvec, csrToDense, symmetricEigen } from '../../src/linalg/index.js';
import {
  angleDefect, cotanLaplacian, faceAreasNormals, gaussianCurvature, massMatrix, meanCurvature, vertexAreas, vertexNormals,
  type MeshData,
} from '../../src/mesh/index.js';
import { ValueError } from '../../src/util/index.js';
import { bunny, flatGrid, sphere } from '../helpers/mesh-geometry-fixtures.js';

/** Neumaier-compensated sum. */
function sum(a: ArrayLike<number>): number {
  let s = 0, c = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, t = s + x;
    c += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
    s = t;
  }
  return s + c;
}

describe('cotangent Laplacian and mass', () => {
  it('L·1 = 0 and L is symmetric with a non-positive spectrum', () => {
    for (const m of [sphere(2), bunny(), flatGrid(6, 0.3, 1)]) {
      const L = cotanLaplacian(m), V = L.rows;
      const l1 = csrMatvec(L, new Float64Array(V).fill(1));
      expect(Math.max(...Array.from(l1, Math.abs))).toBeLessThan(1e-10);
      expect(csrAsymmetry(L)).toBe(0);
    }
    const L = cotanLaplacian(sphere(1)), ev = symmetricEigen(csrToDense(L), L.rows).values;
    expect(Math.max(...ev)).toBeLessThan(1e-10);
  });
  it('L·(linear function) = 0 at the interior vertices of a (jittered) flat grid', () => {
    const g = flatGrid(7, 0.4, 3), L = cotanLaplacian(g), V = L.rows;
    const f = new Float64Array(V);
    for (let v = 0; v < V; v++) f[v] = 2 * g.positions[3 * v]! - 3 * g.positions[3 * v + 1]! + 0.5;
    const lf = csrMatvec(L, f);
    for (let v = 0; v < V; v++) {
      const i = Math.floor(v / 7), j = v % 7;
      if (i > 0 && j > 0 && i < 6 && j < 6) expect(Math.abs(lf[v]!)).toBeLessThan(1e-12);
    }
  });
  it('on the unit sphere Δz = M⁻¹Lz ≈ −2z, better with refinement', () => {
    let prev = Infinity;
    for (const n of [2, 3, 4]) {
      const m = sphere(n), L = cotanLaplacian(m), A = vertexAreas(m), V = L.rows;
      const z = Float64Array.from({ length: V }, (_, v) => m.positions[3 * v + 2]!);
      const lz = csrMatvec(L, z);
      let err = 0;
      for (let v = 0; v < V; v++) err = Math.max(err, Math.abs(lz[v]! / A[v]! + 2 * z[v]!));
      expect(err).toBeLessThan(prev);
      prev = err;
    }
    expect(prev).toBeLessThan(0.01);
  });
  it('vertex areas (both kinds) sum to the surface area; the mass matrix is their diagonal', () => {
    for (const m of [sphere(3), bunny(), flatGrid(5, 0.5, 2)]) {
      const total = sum(faceAreasNormals(m).areas);
      expect(Math.abs(sum(vertexAreas(m, 'barycentric')) - total)).toBeLessThan(1e-11 * total);
      expect(Math.abs(sum(vertexAreas(m, 'voronoi')) - total)).toBeLessThan(1e-11 * total);
    }
    const M = massMatrix(sphere(1), 'barycentric');
    expect(Array.from(M.values)).toEqual(Array.from(vertexAreas(sphere(1), 'barycentric')));
    expect(Math.abs(sum(vertexAreas(sphere(4))) - 4 * Math.PI)).toBeLessThan(0.02); // inscribed polyhedron: slightly less than 4π
  });
  it('rejects zero-area faces', () => {
    const m: MeshData = { positions: Float64Array.from([0, 0, 0, 1, 0, 0, 2, 0, 0]), faces: Int32Array.from([0, 1, 2]) };
    expect(() => cotanLaplacian(m, 'op')).toThrow(ValueError);
    expect(() => cotanLaplacian(m, 'op')).toThrow(/op: face 0 is degenerate/);
    expect(() => vertexNormals(m, 'op')).toThrow(/degenerate/);
  });
});

describe('curvature', () => {
  it('Gauss–Bonnet: the angle defects sum to 4π on closed genus-0 meshes (≤ 1e-12)', () => {
    for (const m of [sphere(1), sphere(2), sphere(3), bunny()]) expect(Math.abs(sum(angleDefect(m)) - 4 * Math.PI)).toBeLessThanOrEqual(1e-12);
  });
  it('Gauss–Bonnet on a disc: interior defects plus boundary turning (π − Σ) sum to 2π', () => {
    expect(Math.abs(sum(angleDefect(flatGrid(6, 0.3, 4))) - 2 * Math.PI)).toBeLessThan(1e-12);
  });
  it('unit sphere: K ≈ 1 and H ≈ 1, converging with refinement', () => {
    let prevK = Infinity, prevH = Infinity;
    for (const n of [2, 3, 4]) {
      const m = sphere(n), K = gaussianCurvature(m), H = meanCurvature(m);
      const eK = Math.max(...Array.from(K, (k) => Math.abs(k - 1))), eH = Math.max(...Array.from(H, (h) => Math.abs(h - 1)));
      expect(eK).toBeLessThan(prevK);
      expect(eH).toBeLessThanOrEqual(prevH);
      prevK = eK; prevH = eH;
    }
    expect(prevK).toBeLessThan(2e-3);
    expect(prevH).toBeLessThan(1e-5);
  });
  it('mean curvature scales as 1/R and is signed by the orientation', () => {
    const m = sphere(3), big: MeshData = { positions: m.positions.map((x) => 3 * x), faces: m.faces };
    for (const h of meanCurvature(big)) expect(h).toBeCloseTo(1 / 3, 4);
    const flipped: MeshData = { positions: m.positions, faces: Int32Array.from(m.faces, (_, i) => m.faces[i - (i % 3) + [0, 2, 1][i % 3]!]!) };
    // L x does not depend on the orientation, the normals flip: H changes sign
    for (const h of meanCurvature(flipped)) expect(h).toBeCloseTo(-1, 4);
  });
  it('plane: zero Gaussian and mean curvature at interior vertices', () => {
    const g = flatGrid(6, 0.4, 5), K = gaussianCurvature(g), H = meanCurvature(g), d = angleDefect(g);
    for (let v = 0; v < 36; v++) {
      const i = Math.floor(v / 6), j = v % 6;
      if (i > 0 && j > 0 && i < 5 && j < 5) {
        expect(Math.abs(K[v]!)).toBeLessThan(1e-12);
        expect(Math.abs(H[v]!)).toBeLessThan(1e-12);
        expect(Math.abs(d[v]!)).toBeLessThan(1e-12);
      }
    }
  });
});
