import { describe, expect, it } from 'vitest';
import { checkMeshData, checkMeshPooling, meshData, meshFaceCount, meshVertexCount } from '../../src/mesh/index.js';
import { IndexError, ShapeError, ValueError } from '../../src/util/index.js';

describe('mesh data types', () => {
  it('meshData builds a checked mesh from nested arrays', () => {
    const m = meshData([[0, 0, 0], [1, 0, 0], [0, 1, 0]], [[0, 1, 2]]);
    expect(meshVertexCount(m)).toBe(3);
    expect(meshFaceCount(m)).toBe(1);
    expect(Array.from(m.faces)).toEqual([0, 1, 2]);
  });
  it('checkMeshData names the op and the problem', () => {
    expect(() => meshData([[0, 0, 0]], [[0, 1, 2]], 'myOp')).toThrow(IndexError);
    expect(() => meshData([[0, 0, 0]], [[0, 1, 2]], 'myOp')).toThrow(/myOp: face 0 uses vertex 1/);
    expect(() => meshData([[0, 0]], [], 'myOp')).toThrow(ShapeError);
    expect(() => meshData([[0, NaN, 0]], [], 'myOp')).toThrow(/non-finite/);
    expect(() => checkMeshData({ positions: new Float64Array(3), faces: new Int32Array(0), normals: new Float64Array(6) }, 'x')).toThrow(ShapeError);
    expect(() => checkMeshData({ positions: [0, 0, 0] } as never, 'x')).toThrow(ValueError);
    expect(() => checkMeshData({ positions: new Float64Array(3), faces: new Int32Array(0) }, 'x')).not.toThrow();
  });
  it('checkMeshPooling rejects ids outside the levels', () => {
    const ok = { fineVertices: 3, coarseVertices: 1, fine: Int32Array.from([0, 1, 2]), coarse: Int32Array.from([0, 0, 0]), transport: new Float64Array(3) };
    expect(() => checkMeshPooling(ok)).not.toThrow();
    expect(() => checkMeshPooling({ ...ok, coarse: Int32Array.from([0, 1, 0]) }, 'pool')).toThrow(IndexError);
    expect(() => checkMeshPooling({ ...ok, transport: new Float64Array(2) }, 'pool')).toThrow(ShapeError);
    expect(() => checkMeshPooling({ ...ok, transport: Float64Array.from([0, Infinity, 0]) }, 'pool')).toThrow(/non-finite/);
  });
});
