import { describe, expect, test } from 'vitest';
import { ValueError, IndexError, ShapeError } from '../../src/util/errors.js';
import { meshData, weldVertices, removeDegenerateFaces, removeDuplicateFaces, cleanMesh, meshTopologyReport } from '../../src/mesh/index.js';
import type { MeshData } from '../../src/mesh/index.js';
import { startsWithOp } from '../helpers/named-errors.js';
import { bunny } from '../io/mesh-fixtures.js';

/** Split every face into its own three vertices (what STL/OBJ loaders hand back). */
function unweld(m: MeshData, jitter = 0): MeshData {
  const F = m.faces.length / 3;
  const positions = new Float64Array(9 * F);
  for (let i = 0; i < 3 * F; i++) {
    for (let c = 0; c < 3; c++) positions[3 * i + c] = m.positions[3 * m.faces[i]! + c]! + (jitter ? jitter * (((i * 7 + c * 3) % 5) / 5 - 0.4) : 0);
  }
  return { positions, faces: Int32Array.from({ length: 3 * F }, (_, i) => i) };
}

describe('weldVertices', () => {
  test('exact weld of an unwelded bunny restores V and a closed surface', () => {
    const b = bunny();
    const w = weldVertices(unweld(b));
    expect(w.mesh.positions.length / 3).toBe(b.positions.length / 3);
    expect(w.merged).toBe(3 * (b.faces.length / 3) - b.positions.length / 3);
    const r = meshTopologyReport(w.mesh);
    expect(r.closed).toBe(true);
    expect(r.eulerCharacteristic).toBe(2);
  });

  test('tolerance: jittered copies merge with a tolerance, not without; −0 equals +0', () => {
    const b = bunny();
    const j = unweld(b, 1e-7);
    expect(weldVertices(j).mesh.positions.length).toBeGreaterThan(b.positions.length);
    const w = weldVertices(j, { tolerance: 1e-6 });
    expect(w.mesh.positions.length).toBe(b.positions.length);
    const z = meshData([[0, 0, 0], [-0, 0, -0], [1, 0, 0]], [[0, 1, 2]]);
    expect(weldVertices(z).merged).toBe(1);
  });

  test('no chaining: a vertex joins the first kept vertex within tolerance; kept vertices stay apart', () => {
    // 0 — 0.6 — 1.2 on a line, tolerance 1: vertex 1 merges into 0, vertex 2 (1.2 from 0) stays
    const m = meshData([[0, 0, 0], [0.6, 0, 0], [1.2, 0, 0]], [[0, 1, 2]]);
    const w = weldVertices(m, { tolerance: 1 });
    expect(Array.from(w.vertexMap)).toEqual([0, 0, 1]);
    expect(Array.from(w.mesh.faces)).toEqual([0, 0, 1]);
  });

  test('keeps normals and colours of the kept vertex', () => {
    const m: MeshData = { ...meshData([[0, 0, 0], [0, 0, 0], [1, 0, 0]], [[0, 1, 2]]), normals: Float64Array.from([0, 0, 1, 0, 1, 0, 1, 0, 0]), colors: Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]) };
    const w = weldVertices(m);
    expect(Array.from(w.mesh.normals!)).toEqual([0, 0, 1, 1, 0, 0]);
    expect(Array.from(w.mesh.colors!)).toEqual([1, 0, 0, 0, 0, 1]);
  });

  test('rejects a bad tolerance and a broken mesh, naming the op', () => {
    const m = bunny();
    for (const t of [-1, NaN, Infinity]) startsWithOp(() => weldVertices(m, { tolerance: t }), ValueError, 'weldVertices', 'tolerance');
    startsWithOp(() => weldVertices({ positions: new Float64Array(3), faces: Int32Array.from([0, 0, 5]) }), IndexError, 'weldVertices');
    startsWithOp(() => cleanMesh(m, { tolerance: -1 }), ValueError, 'cleanMesh');
  });
});

describe('removeDegenerateFaces / removeDuplicateFaces / cleanMesh', () => {
  const m = meshData(
    [[0, 0, 0], [1, 0, 0], [0, 1, 0], [2, 0, 0], [0, 0, 1e-9]],
    [[0, 1, 2], [0, 0, 1], [0, 1, 3], [2, 1, 0], [0, 1, 2], [1, 2, 0], [0, 1, 4]],
  );

  test('degenerate: repeated ids and zero area go; minArea removes slivers', () => {
    const d = removeDegenerateFaces(m);
    expect(Array.from(d.keptFaces)).toEqual([0, 3, 4, 5, 6]);
    expect(d.removed).toBe(2);
    expect(Array.from(removeDegenerateFaces(m, { minArea: 1e-6 }).keptFaces)).toEqual([0, 3, 4, 5]);
    startsWithOp(() => removeDegenerateFaces(m, { minArea: -1 }), ValueError, 'removeDegenerateFaces', 'minArea');
  });

  test('duplicates: same vertex set in either orientation; the first is kept', () => {
    const u = removeDuplicateFaces(m);
    expect(Array.from(u.keptFaces)).toEqual([0, 1, 2, 6]);
    startsWithOp(() => removeDuplicateFaces({ positions: new Float64Array(2), faces: new Int32Array(0) }), ShapeError, 'removeDuplicateFaces');
  });

  test('cleanMesh: weld, then degenerate, then duplicates', () => {
    const withCopy = meshData([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 1, 0]], [[0, 1, 2], [0, 1, 3], [2, 3, 0]]);
    const c = cleanMesh(withCopy);
    expect(c.mergedVertices).toBe(1);
    expect(c.degenerateFaces).toBe(1);
    expect(c.duplicateFaces).toBe(1);
    expect(Array.from(c.mesh.faces)).toEqual([0, 1, 2]);
  });
});

describe('weldVertices properties (fast-check)', () => {
  test('every vertex moves ≤ tolerance, kept vertices are > tolerance apart, welding twice changes nothing', async () => {
    const fc = (await import('fast-check')).default;
    const coord = fc.integer({ min: -8, max: 8 }).map((i) => i / 8);
    fc.assert(
      fc.property(fc.array(fc.tuple(coord, coord, coord), { minLength: 1, maxLength: 40 }), fc.constantFrom(0, 0.1, 0.2, 0.5), fc.array(fc.nat(), { maxLength: 30 }), (pts, tol, ids) => {
        const V = pts.length;
        const faces = ids.slice(0, ids.length - (ids.length % 3)).map((i) => i % V);
        const m = meshData(pts, faces);
        const w = weldVertices(m, { tolerance: tol });
        const P = w.mesh.positions;
        for (let v = 0; v < V; v++) {
          const r = w.vertexMap[v]!;
          const d = Math.hypot(P[3 * r]! - pts[v]![0], P[3 * r + 1]! - pts[v]![1], P[3 * r + 2]! - pts[v]![2]);
          expect(d).toBeLessThanOrEqual(tol);
        }
        const K = P.length / 3;
        for (let a = 0; a < K; a++) for (let b = a + 1; b < K; b++) {
          expect(Math.hypot(P[3 * a]! - P[3 * b]!, P[3 * a + 1]! - P[3 * b + 1]!, P[3 * a + 2]! - P[3 * b + 2]!)).toBeGreaterThan(tol);
        }
        expect(weldVertices(w.mesh, { tolerance: tol }).merged).toBe(0);
        for (let i = 0; i < faces.length; i++) expect(w.mesh.faces[i]).toBe(w.vertexMap[faces[i]!]);
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});
