import { describe, expect, test } from 'vitest';
import { ShapeError, SizeError } from '../../src/util/errors.js';
import { meshData, meshTopologyReport } from '../../src/mesh/index.js';
import { startsWithOp } from '../helpers/named-errors.js';
import { bunny, sphere, tetra } from '../io/mesh-fixtures.js';

describe('meshTopologyReport', () => {
  test('closed genus-0 meshes: χ = 2, no boundary, manifold, oriented, one component', () => {
    for (const m of [bunny(), sphere(2), tetra()]) {
      const r = meshTopologyReport(m);
      expect(r.eulerCharacteristic).toBe(2);
      expect(r.closed && r.edgeManifold && r.oriented).toBe(true);
      expect(r.boundaryEdges.length).toBe(0);
      expect(r.components).toBe(1);
      expect(r.edges).toBe((3 * r.faces) / 2);
    }
  });

  test('a single triangle: 3 boundary edges forming one loop', () => {
    const r = meshTopologyReport(meshData([[0, 0, 0], [1, 0, 0], [0, 1, 0]], [[0, 1, 2]]));
    expect(Array.from(r.boundaryEdges)).toEqual([0, 1, 0, 2, 1, 2]);
    expect(r.boundaryLoops).toBe(1);
    expect(r.closed).toBe(false);
  });

  test('a tetrahedron with a face removed has one boundary loop; two disjoint triangles have two', () => {
    const t = tetra();
    const open = { positions: t.positions, faces: t.faces.slice(3) };
    const r = meshTopologyReport(open);
    expect(r.boundaryEdges.length / 2).toBe(3);
    expect(r.boundaryLoops).toBe(1);
    const two = meshData([[0, 0, 0], [1, 0, 0], [0, 1, 0], [5, 0, 0], [6, 0, 0], [5, 1, 0], [9, 9, 9]], [[0, 1, 2], [3, 4, 5]]);
    const r2 = meshTopologyReport(two);
    expect(r2.boundaryLoops).toBe(2);
    expect(r2.components).toBe(2);
    expect(Array.from(r2.isolatedVertices)).toEqual([6]);
  });

  test('non-manifold edge (three faces on one edge) and an orientation flip are reported', () => {
    const fan = meshData([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1]], [[0, 1, 2], [1, 0, 3], [0, 1, 4]]);
    const r = meshTopologyReport(fan);
    expect(Array.from(r.nonManifoldEdges)).toEqual([0, 1]);
    expect(r.edgeManifold).toBe(false);
    const flip = meshData([[0, 0, 0], [1, 0, 0], [0, 1, 0], [1, 1, 0]], [[0, 1, 2], [1, 2, 3]]);
    const rf = meshTopologyReport(flip);
    expect(Array.from(rf.inconsistentEdges)).toEqual([1, 2]);
    expect(rf.oriented).toBe(false);
  });

  test('rejects a broken mesh naming the op', () => {
    startsWithOp(() => meshTopologyReport({ positions: new Float64Array(4), faces: new Int32Array(0) }), ShapeError, 'meshTopologyReport');
  });
});

test('meshTopologyReport refuses more than 2^26 vertices (edge keys would collide)', () => {
  // a stand-in that only claims its length (the check runs before anything reads the values)
  const positions = Object.create(Float64Array.prototype, { length: { value: 3 * (2 ** 26 + 1) } }) as Float64Array;
  startsWithOp(() => meshTopologyReport({ positions, faces: new Int32Array(0) }), SizeError, 'meshTopologyReport', '2^26');
});
