import { describe, expect, it } from 'vitest';
import {
  angleDefect, buildSpatialHash, cornerAngles, cotanLaplacian, faceAreasNormals, framesFromReference, gaugeReference, gemGeometry, vertexAreas, vertexNormals, type MeshData,
} from '../../src/mesh/index.js';
import { IndexError, Rng, ShapeError, ValueError } from '../../src/util/index.js';
import { sphere } from '../helpers/mesh-geometry-fixtures.js';

describe('geometry input checks', () => {
  it('framesFromReference: falls back to an axis when the reference is normal or zero; rejects wrong lengths', () => {
    const n = Float64Array.from([0, 0, 1, 0, 0, 1]), ref = Float64Array.from([0, 0, 5, 0, 0, 0]);
    const f = framesFromReference(n, ref);
    for (let p = 0; p < 2; p++) {
      const ex = Array.from(f.xAxis.subarray(3 * p, 3 * p + 3));
      expect(Math.hypot(...ex)).toBeCloseTo(1, 14);
      expect(Math.abs(ex[2]!)).toBeLessThan(1e-15);
    }
    expect(() => framesFromReference(n, new Float64Array(3), 'op')).toThrow(ShapeError);
    expect(() => framesFromReference(new Float64Array(4), new Float64Array(4), 'op')).toThrow(/op:/);
  });
  it('gaugeReference: unknown choices, missing Rng, wrong field length', () => {
    const P = new Float64Array(6), first = Int32Array.from([1, 0]);
    expect(() => gaugeReference(P, first, 'random', undefined, 'op')).toThrow(/op: gauge 'random' needs an explicit seeded Rng/);
    expect(() => gaugeReference(P, first, 'xx' as never, new Rng(1), 'op')).toThrow(ValueError);
    expect(() => gaugeReference(P, first, new Float64Array(3), undefined, 'op')).toThrow(ShapeError);
    expect(gaugeReference(P, first, 'random', new Rng(1)).length).toBe(6);
  });
  it('gemGeometry rejects a bad normaliseRadius, non-manifold input and empty meshes', () => {
    expect(() => gemGeometry(sphere(0), { normaliseRadius: 'median' as never })).toThrow(/normaliseRadius/);
    const empty: MeshData = { positions: new Float64Array(0), faces: new Int32Array(0) };
    expect(() => gemGeometry(empty)).toThrow(/gemGeometry: empty mesh/);
    expect(() => gemGeometry({ positions: new Float64Array(9), faces: Int32Array.from([0, 1, 5]) })).toThrow(/gemGeometry: face 0 uses vertex 5/);
  });
  it('normals and areas reject zero-area faces; normals reject vertices in no face', () => {
    const flat: MeshData = { positions: Float64Array.from([0, 0, 0, 1, 1, 1, 2, 2, 2]), faces: Int32Array.from([0, 1, 2]) };
    expect(() => faceAreasNormals(flat, 'op')).toThrow(/op: face 0 is degenerate/);
    expect(() => vertexAreas(flat, 'voronoi', 'op')).toThrow(ValueError);
    const iso: MeshData = { positions: Float64Array.from([0, 0, 0, 1, 0, 0, 0, 1, 0, 4, 4, 4]), faces: Int32Array.from([0, 1, 2]) };
    expect(() => vertexNormals(iso, 'op')).toThrow(/op: vertex 3 has no normal/);
  });
  it('spatial hash rejects non-positive cells', () => {
    expect(() => buildSpatialHash(new Float64Array(3), 0, 'op')).toThrow(/op: cell size/);
    expect(() => buildSpatialHash(new Float64Array(3), NaN)).toThrow(ValueError);
  });
});

describe('geometry functions validate the mesh first', () => {
  it('out-of-range face ids and bad arrays raise named errors naming the op', () => {
    const bad: MeshData = { positions: new Float64Array(9), faces: Int32Array.from([0, 1, 7]) };
    expect(() => cotanLaplacian(bad)).toThrow(IndexError);
    expect(() => cotanLaplacian(bad)).toThrow(/cotanLaplacian: face 0 uses vertex 7/);
    expect(() => cornerAngles(bad)).toThrow(/cornerAngles/);
    expect(() => vertexNormals(bad)).toThrow(/vertexNormals/);
    expect(() => angleDefect(bad)).toThrow(/angleDefect/);
    expect(() => faceAreasNormals({ positions: [0] as never, faces: new Int32Array(0) })).toThrow(ValueError);
  });
});
