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
