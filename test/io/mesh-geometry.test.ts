/**
 * The checks on what three's loaders hand back (geometry.ts) and the conversion of stray
 * exceptions into named errors (common.ts): each rejects a broken input.
 */
import { describe, expect, test } from 'vitest';
import * as THREE from 'three';
import { FormatError, IndexError, ParseError, ShapeError, SizeError } from '../../src/util/errors.js';
import { meshFromGeometries, sceneGeometries } from '../../src/io/mesh/geometry.js';
import { checkCount, named, renamed, num, uint } from '../../src/io/mesh/common.js';
import { startsWithOp } from '../helpers/named-errors.js';

const keep = { normals: true, colors: true };
const geo = (pos: number[], index?: number[], extra: Record<string, [number[], number]> = {}): THREE.BufferGeometry => {
  const g = new THREE.BufferGeometry();
  if (pos.length) g.setAttribute('position', new THREE.Float32BufferAttribute(pos, 3));
  if (index) g.setIndex(index);
  for (const [k, [v, n]] of Object.entries(extra)) g.setAttribute(k, new THREE.Float32BufferAttribute(v, n));
  return g;
};
const tri = [0, 0, 0, 1, 0, 0, 0, 1, 0];

describe('meshFromGeometries', () => {
  test('indexed, soup, point cloud, welding, attributes', () => {
    expect(Array.from(meshFromGeometries([geo(tri, [0, 1, 2])], keep, false, 'op').faces)).toEqual([0, 1, 2]);
    expect(meshFromGeometries([geo(tri)], keep, false, 'op', false).faces.length).toBe(0);
    const two = meshFromGeometries([geo([...tri, 1, 0, 0, 0, 1, 0, 1, 1, 0])], keep, true, 'op');
    expect(two.positions.length).toBe(12);
    expect(Array.from(two.faces)).toEqual([0, 1, 2, 1, 2, 3]);
    const c = meshFromGeometries([geo(tri, undefined, { color: [[2, 0, 0, 0, 1, 0, 0, 0, -1], 3], normal: [[0, 0, 1, 0, 0, 1, 0, 0, 1], 3] })], keep, false, 'op');
    expect(Array.from(c.colors!)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 0]);
    expect(c.normals!.length).toBe(9);
    const scene = new THREE.Group();
    const mesh = new THREE.Mesh(geo(tri, [0, 1, 2]));
    mesh.position.set(0, 0, 5);
    scene.add(mesh);
    expect(meshFromGeometries(sceneGeometries(scene), keep, false, 'op').positions[2]).toBe(5);
  });

  test('rejects what a loader should never return, naming the op', () => {
    startsWithOp(() => meshFromGeometries([geo([])], keep, false, 'parseMesh(x)'), FormatError, 'parseMesh(x)', 'without positions');
    const g2 = new THREE.BufferGeometry();
    g2.setAttribute('position', new THREE.Float32BufferAttribute([0, 0, 0, 1], 2));
    startsWithOp(() => meshFromGeometries([g2], keep, false, 'parseMesh(x)'), ShapeError, 'parseMesh(x)', '2 components');
    startsWithOp(() => meshFromGeometries([geo(tri, [0, 1])], keep, false, 'parseMesh(x)'), ShapeError, 'parseMesh(x)', 'not a multiple of 3');
    startsWithOp(() => meshFromGeometries([geo(tri, [0, 1, 7])], keep, false, 'parseMesh(x)'), FormatError, 'parseMesh(x)', 'face corner 7');
    startsWithOp(() => meshFromGeometries([geo(tri, [0, 1, 2], { color: [[NaN, 0, 0, 0, 0, 0, 0, 0, 0], 3] })], keep, false, 'parseMesh(x)'), FormatError, 'parseMesh(x)', 'non-finite colour');
    startsWithOp(() => meshFromGeometries([geo(tri, [0, 1, 2], { normal: [[NaN, 0, 0, 0, 0, 0, 0, 0, 0], 3] })], keep, false, 'parseMesh(x)'), FormatError, 'parseMesh(x)', 'non-finite normals');
    expect(() => meshFromGeometries([geo([NaN, 0, 0, 1, 0, 0, 0, 1, 0], [0, 1, 2])], keep, false, 'parseMesh(x)')).toThrow(/^parseMesh\(x\): vertex 0 has a non-finite/);
  });
});

describe('common helpers', () => {
  test('named/renamed turn stray exceptions into named errors; named ones pass through', () => {
    startsWithOp(() => named(() => { throw new TypeError('x is undefined'); }, 'parseMesh(ply)', "three's PLYLoader"), FormatError, 'parseMesh(ply)', 'TypeError');
    startsWithOp(() => named(() => JSON.parse('{'), 'parseMesh(gltf)', 'JSON'), ParseError, 'parseMesh(gltf)');
    const own = new IndexError('parseMesh(ply): byte 3: x');
    expect(renamed(own, 'op', 'w')).toBe(own);
    expect(renamed('str', 'op', 'w')).toBeInstanceOf(FormatError);
  });
  test('checkCount: non-integer, over the limit, over what the file holds', () => {
    startsWithOp(() => checkCount(1.5, 'vertex', 10, '', 'op', 'line 2'), FormatError, 'op', 'line 2');
    startsWithOp(() => checkCount(2 ** 40, 'vertex', Infinity, '', 'op', 'line 2'), SizeError, 'op', 'exceeds the limit');
    startsWithOp(() => checkCount(11, 'vertex', 10, 'only 10 lines remain', 'op', 'line 2'), SizeError, 'op', 'only 10 lines remain');
    expect(() => checkCount(10, 'vertex', 10, '', 'op', 'x')).not.toThrow();
  });
  test('strict number tokens', () => {
    expect([num('1'), num('-1.5e3'), num('.5'), num('5.')]).toEqual([1, -1500, 0.5, 5]);
    for (const bad of ['', 'x', '1x', '0x10', 'Infinity', 'nan', '1e', undefined]) expect(num(bad)).toBeNaN();
    expect([uint('7'), uint('+7'), uint('-1'), uint('1.0'), uint('99999999999999999999')]).toEqual([7, 7, -1, -1, -1]);
  });
});
