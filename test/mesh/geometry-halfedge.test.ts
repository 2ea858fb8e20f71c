import { describe, expect, it } from 'vitest';
import { buildHalfEdges, heFace, heNext, hePrev, heTarget, vertexNeighbours, type MeshData } from '../../src/mesh/index.js';
import { IndexError, ValueError } from '../../src/util/index.js';
import { bunny, flatGrid, sphere } from '../helpers/mesh-geometry-fixtures.js';

const mesh = (pos: number[], faces: number[]): MeshData => ({ positions: Float64Array.from(pos), faces: Int32Array.from(faces) });

describe('half-edge connectivity', () => {
  it('twins pair up on a closed mesh and rings go round every vertex', () => {
    for (const m of [sphere(2), bunny()]) {
      const he = buildHalfEdges(m);
      for (let h = 0; h < he.twin.length; h++) {
        const t = he.twin[h]!;
        expect(t).toBeGreaterThanOrEqual(0);
        expect(he.twin[t]).toBe(h);
        expect(he.origin[t]).toBe(heTarget(he, h));
      }
      expect(he.boundary.every((b) => b === 0)).toBe(true);
      // ring order: next outgoing = twin(prev(h)), and the ring closes
      for (let v = 0; v < he.vertices; v++) {
        const s = he.ringPtr[v]!, e = he.ringPtr[v + 1]!;
        expect(e - s).toBeGreaterThanOrEqual(3);
        for (let k = s; k < e; k++) {
          expect(he.origin[he.ring[k]!]).toBe(v);
          expect(he.ring[k + 1 < e ? k + 1 : s]).toBe(he.twin[hePrev(he.ring[k]!)]);
        }
      }
      // Euler characteristic 2: V − E + F
      expect(he.vertices - he.twin.length / 2 + he.faces).toBe(2);
    }
  });
  it('face helpers', () => {
    expect([heNext(0), heNext(2), hePrev(3), hePrev(5), heFace(7)]).toEqual([1, 0, 5, 4, 2]);
  });
  it('boundary vertices start at their boundary half-edge and list k + 1 neighbours', () => {
    const g = flatGrid(4), he = buildHalfEdges(g), nb = vertexNeighbours(he);
    // corner 0 (one face: 0,4,5 and 0,5,1 → two faces), interior vertex 5 has 6 neighbours
    expect(he.boundary[0]).toBe(1);
    expect(he.boundary[5]).toBe(0);
    expect(nb.ptr[6]! - nb.ptr[5]!).toBe(6);
    expect(Array.from(nb.idx.subarray(nb.ptr[0]!, nb.ptr[1]!))).toEqual([4, 5, 1]);
    expect(he.twin[he.ring[he.ringPtr[0]!]!]).toBe(-1);
    // neighbour lists are symmetric
    for (let v = 0; v < he.vertices; v++) for (let t = nb.ptr[v]!; t < nb.ptr[v + 1]!; t++) {
      const w = nb.idx[t]!;
      expect(Array.from(nb.idx.subarray(nb.ptr[w]!, nb.ptr[w + 1]!))).toContain(v);
    }
  });
  it('rejects empty meshes, degenerate faces, non-manifold edges and vertices, bad ids', () => {
    expect(() => buildHalfEdges(mesh([], []), 'op')).toThrow(/op: empty mesh/);
    expect(() => buildHalfEdges(mesh([0, 0, 0, 1, 0, 0, 0, 1, 0], [0, 1, 1]), 'op')).toThrow(/degenerate/);
    // three triangles on one edge 0–1
    const fan = mesh([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 1], [0, 1, 2, 1, 0, 3, 0, 1, 4]);
    expect(() => buildHalfEdges(fan, 'op')).toThrow(ValueError);
    expect(() => buildHalfEdges(fan, 'op')).toThrow(/non-manifold or inconsistently oriented edge 0 → 1/);
    // inconsistent orientation of two triangles sharing an edge
    expect(() => buildHalfEdges(mesh([0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0], [0, 1, 2, 1, 2, 3]), 'op')).toThrow(/inconsistently oriented/);
    // two triangles touching at one vertex (bow tie): a non-manifold vertex
    const bow = mesh([0, 0, 0, 1, 0, 0, 0, 1, 0, -1, 0, 0, 0, -1, 0], [0, 1, 2, 0, 3, 4]);
    expect(() => buildHalfEdges(bow, 'op')).toThrow(/non-manifold vertex 0/);
    expect(() => buildHalfEdges(mesh([0, 0, 0], [0, 1, 2]), 'op')).toThrow(IndexError);
    // isolated vertices: allowed unless asked otherwise
    const iso = mesh([0, 0, 0, 1, 0, 0, 0, 1, 0, 5, 5, 5], [0, 1, 2]);
    expect(buildHalfEdges(iso).ringPtr[4]! - buildHalfEdges(iso).ringPtr[3]!).toBe(0);
    expect(() => buildHalfEdges(iso, 'op', false)).toThrow(/vertex 3 is in no face/);
  });
});
