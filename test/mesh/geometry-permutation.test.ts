import { describe, expect, it } from 'vitest';
import { csrMatvec } from '../../src/linalg/index.js';
import { angleDefect, cotanLaplacian, gaussianCurvature, gemGeometry, heatGeodesic, meanCurvature, vertexAreas, vertexNormals } from '../../src/mesh/index.js';
import { Rng } from '../../src/util/index.js';
import { bunny, flatGrid, permuteVertices, sphere } from '../helpers/mesh-geometry-fixtures.js';

describe('vertex-order independence', () => {
  for (const [name, make] of [['sphere', () => sphere(2)], ['bunny', bunny], ['grid', () => flatGrid(6, 0.3, 8)]] as const) {
    it(`${name}: a permuted mesh gives permuted normals, areas, curvature, Laplacian and geodesics`, () => {
      const m = make(), { mesh: pm, perm } = permuteVertices(m, 3), V = perm.length;
      const close = (a: ArrayLike<number>, b: ArrayLike<number>, stride: number, tol: number) => {
        for (let k = 0; k < V; k++) for (let d = 0; d < stride; d++) expect(Math.abs(b[stride * k + d]! - a[stride * perm[k]! + d]!)).toBeLessThan(tol);
      };
      close(vertexNormals(m), vertexNormals(pm), 3, 1e-14);
      close(vertexAreas(m), vertexAreas(pm), 1, 1e-14);
      close(angleDefect(m), angleDefect(pm), 1, 1e-14);
      close(gaussianCurvature(m), gaussianCurvature(pm), 1, 1e-10);
      close(meanCurvature(m), meanCurvature(pm), 1, 1e-10);
      // Laplacian: (P L Pᵀ)(P f) = P (L f)
      const rng = new Rng(1), f = Float64Array.from({ length: V }, () => rng.normal());
      const pf = Float64Array.from({ length: V }, (_, k) => f[perm[k]!]!);
      close(csrMatvec(cotanLaplacian(m), f), csrMatvec(cotanLaplacian(pm), pf), 1, 1e-10);
      const src = 4, psrc = Array.from(perm).indexOf(src);
      close(heatGeodesic(m, src), heatGeodesic(pm, psrc), 1, 1e-8);
      // gauges depend on the face order only, so relabelling permutes frames and edge geometry too
      const a = gemGeometry(m), b = gemGeometry(pm);
      close(a.frames.xAxis, b.frames.xAxis, 3, 1e-14);
      const edges = new Map<string, number>();
      for (let k = 0; k < a.geometry.senders.length; k++) edges.set(`${a.geometry.senders[k]}>${a.geometry.receivers[k]}`, k);
      for (let k = 0; k < b.geometry.senders.length; k++) {
        const e = edges.get(`${perm[b.geometry.senders[k]!]}>${perm[b.geometry.receivers[k]!]}`)!;
        expect(Math.abs(b.geometry.theta[k]! - a.geometry.theta[e]!)).toBeLessThan(1e-12);
        expect(Math.abs(b.geometry.transport[k]! - a.geometry.transport[e]!)).toBeLessThan(1e-12);
      }
    });
  }
});
