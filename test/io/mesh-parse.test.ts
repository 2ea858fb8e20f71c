/**
 * parseMesh on valid files of every format (bunny, icosphere, tetrahedron; files from erlangen's
 * writers and from independent byte builders), the OBJ/PLY round trips, and the named errors of
 * every checker (each rejects a broken input with the line or byte offset).
 */
import { describe, expect, test } from 'vitest';
import { PLYExporter } from 'three/addons/exporters/PLYExporter.js';
import { OBJExporter } from 'three/addons/exporters/OBJExporter.js';
import { STLExporter } from 'three/addons/exporters/STLExporter.js';
import * as THREE from 'three';
import { ErlangenError, FormatError, IndexError, ParseError, SizeError, ValueError, ShapeError } from '../../src/util/errors.js';
import { checkMeshData, meshTopologyReport } from '../../src/mesh/index.js';
import type { MeshData } from '../../src/mesh/index.js';
import { parseMesh, formatObj, formatPly } from '../../src/three/index.js';
import type { MeshFormat } from '../../src/three/index.js';
import type { ErrorClass } from '../helpers/named-errors.js';
import { bunny, faceKeys, glbBytes, gltfParts, gltfText, offText, sphere, stlAscii, stlBinary, tetra } from './mesh-fixtures.js';

/** Await a rejection and check its class, the `op:` prefix and message patterns. */
async function rejects(p: Promise<unknown>, cls: ErrorClass, op: string, ...patterns: (string | RegExp)[]): Promise<void> {
  let err: unknown;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  expect(err, `expected ${cls.name}`).toBeInstanceOf(cls);
  const e = err as Error;
  expect(e.name).toBe(cls.name);
  expect(e.message.startsWith(`${op}:`), e.message).toBe(true);
  for (const pat of patterns) {
    if (typeof pat === 'string') expect(e.message).toContain(pat);
    else expect(e.message).toMatch(pat);
  }
}

function closeTo(a: ArrayLike<number>, b: ArrayLike<number>, tol: number): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(tol);
}

function threeMesh(m: MeshData): THREE.Mesh {
  const g = new THREE.BufferGeometry();
  g.setAttribute('position', new THREE.Float32BufferAttribute(Array.from(m.positions), 3));
  g.setIndex(Array.from(m.faces));
  return new THREE.Mesh(g);
}

describe('parseMesh: valid files of every format', () => {
  const meshes = { bunny: bunny(), sphere: sphere(2), tetra: tetra() };
  const files: [MeshFormat, string, (m: MeshData) => Uint8Array | string][] = [
    ['obj', 'formatObj', (m) => formatObj(m)],
    ['ply', 'formatPly ascii', (m) => formatPly(m)],
    ['ply', 'formatPly binary', (m) => formatPly(m, { format: 'binary_little_endian' })],
    ['stl', 'binary STL', (m) => stlBinary(m)],
    ['stl', 'ASCII STL', (m) => stlAscii(m)],
    ['off', 'OFF', (m) => offText(m)],
    ['gltf', 'glTF with a data: URI', (m) => gltfText(m)],
    ['glb', 'GLB', (m) => glbBytes(m)],
  ];
  for (const [fmt, what, make] of files) {
    for (const [name, m] of Object.entries(meshes)) {
      test(`${what}: ${name} reads back with the same faces and a closed genus-0 surface`, async () => {
        const r = await parseMesh(make(m), fmt);
        checkMeshData(r);
        expect(r.positions.length).toBe(m.positions.length);
        expect(faceKeys(r)).toEqual(faceKeys(m));
        const rep = meshTopologyReport(r);
        expect(rep.closed && rep.oriented).toBe(true);
        expect(rep.eulerCharacteristic).toBe(2);
      });
    }
  }

  test('indexed formats keep the vertex order exactly (PLY, OFF, glTF); float64 survives OFF', async () => {
    const m = bunny();
    expect(Array.from((await parseMesh(formatPly(m), 'ply')).faces)).toEqual(Array.from(m.faces));
    expect(Array.from((await parseMesh(formatPly(m, { format: 'binary_little_endian' }), 'ply')).faces)).toEqual(Array.from(m.faces));
    const off = await parseMesh(offText(m), 'off');
    expect(Array.from(off.positions)).toEqual(Array.from(m.positions));
    expect(Array.from((await parseMesh(glbBytes(m), 'glb')).faces)).toEqual(Array.from(m.faces));
  });

  test('glTF node transforms are applied (translation) and materials are ignored', async () => {
    const m = tetra();
    const r = await parseMesh(gltfText(m, [1, 2, 3]), 'gltf');
    closeTo(r.positions, m.positions.map((x, i) => x + [1, 2, 3][i % 3]!), 1e-6);
  });

  test('ArrayBuffer and string inputs work too; unknown format and options are ValueErrors', async () => {
    const m = tetra();
    const ply = formatPly(m, { format: 'binary_little_endian' });
    expect((await parseMesh(ply.slice().buffer, 'ply')).faces.length).toBe(12);
    expect((await parseMesh(offText(m), 'off')).faces.length).toBe(12);
    await rejects(parseMesh(offText(m), 'xyz' as MeshFormat), ValueError, 'parseMesh', 'unknown format');
    await rejects(parseMesh(offText(m), 'off', { weld: 1 } as never), ValueError, 'parseMesh(off)', 'unknown option');
    await rejects(parseMesh(42 as never, 'off'), FormatError, 'parseMesh(off)');
  });

  test('files written by three.js exporters (independent oracle) read back', async () => {
    const m = sphere(1);
    const obj = new OBJExporter().parse(threeMesh(m));
    expect(faceKeys(await parseMesh(obj, 'obj'))).toEqual(faceKeys(m));
    const stl = new STLExporter().parse(threeMesh(m), { binary: true }) as DataView;
    expect(faceKeys(await parseMesh(new Uint8Array(stl.buffer, stl.byteOffset, stl.byteLength), 'stl'))).toEqual(faceKeys(m));
    const stlText = new STLExporter().parse(threeMesh(m)) as string;
    expect(faceKeys(await parseMesh(stlText, 'stl'))).toEqual(faceKeys(m));
    for (const binary of [false, true]) {
      const ply = new PLYExporter().parse(threeMesh(m), undefined as never, { binary, littleEndian: true }) as string | ArrayBuffer;
      expect(faceKeys(await parseMesh(ply, 'ply'))).toEqual(faceKeys(m));
    }
  });

  test('normals and colours round-trip through PLY and OBJ (colours sRGB-encoded on disk)', async () => {
    const m = sphere(1);
    const V = m.positions.length / 3;
    const normals = new Float64Array(3 * V);
    for (let v = 0; v < V; v++) {
      const n = Math.hypot(m.positions[3 * v]!, m.positions[3 * v + 1]!, m.positions[3 * v + 2]!);
      for (let c = 0; c < 3; c++) normals[3 * v + c] = m.positions[3 * v + c]! / n;
    }
    const colors = Float32Array.from({ length: 3 * V }, (_, i) => ((i * 37) % 11) / 10);
    const full: MeshData = { ...m, normals, colors };
    for (const bytes of [formatPly(full), formatPly(full, { format: 'binary_little_endian' })]) {
      const r = await parseMesh(bytes, 'ply');
      closeTo(r.normals!, normals, 1e-6);
      closeTo(r.colors!, colors, 0.01);
    }
    const r = await parseMesh(formatObj(full), 'obj');
    const back = new Map(faceKeys(r).map((k, i) => [k, i]));
    expect(back.size).toBe(m.faces.length / 3);
    expect(r.normals!.length).toBe(3 * V);
    expect(r.colors!.length).toBe(3 * V);
    // every read colour is one of the written ones (vertex order differs after the OBJ weld)
    const written = new Set(Array.from({ length: V }, (_, v) => Array.from(colors.subarray(3 * v, 3 * v + 3), (x) => x.toFixed(2)).join()));
    for (let v = 0; v < V; v++) expect(written.has(Array.from(r.colors!.subarray(3 * v, 3 * v + 3), (x) => x.toFixed(2)).join())).toBe(true);
    const noCol = await parseMesh(formatPly(full), 'ply', { colors: false, normals: false });
    expect(noCol.colors).toBeUndefined();
    expect(noCol.normals).toBeUndefined();
  });

  test('clean option welds and drops degenerate/duplicate faces', async () => {
    const text = 'OFF\n4 3 0\n0 0 0\n1 0 0\n0 1 0\n0 1 0\n3 0 1 2\n3 0 1 3\n3 0 0 1\n';
    expect((await parseMesh(text, 'off')).faces.length).toBe(9);
    const c = await parseMesh(text, 'off', { clean: true });
    expect(Array.from(c.faces)).toEqual([0, 1, 2]);
    expect(c.positions.length).toBe(9);
  });

  test('writers reject broken meshes and options, naming the op', async () => {
    const bad = { positions: new Float64Array([0, 0, 0]), faces: Int32Array.from([0, 0, 1]) };
    expect(() => formatObj(bad)).toThrow(IndexError);
    expect(() => formatPly(bad)).toThrow(/^formatPly:/);
    expect(() => formatPly(tetra(), { format: 'binary_big_endian' as never })).toThrow(ValueError);
    expect(() => formatPly({ positions: new Float64Array(2), faces: new Int32Array(0) })).toThrow(ShapeError);
  });
});

describe('OFF reader: named errors with the line', () => {
  const cases: [string, string, ErrorClass, RegExp][] = [
    ['empty', '', FormatError, /line 1: empty/],
    ['bad header', 'OFX\n1 0 0\n0 0 0\n', FormatError, /line 1: expected an OFF header/],
    ['no count line', 'OFF\n', FormatError, /line 2: missing/],
    ['bad counts', 'OFF\nx 1 0\n', ParseError, /line 2/],
    ['huge counts', 'OFF\n1099511627776 1 0\n0 0 0\n', SizeError, /line 2/],
    ['more vertices than lines', 'OFF\n5 0 0\n0 0 0\n', SizeError, /line 2/],
    ['short vertex', 'OFF\n3 1 0\n0 0\n1 0 0\n0 1 0\n3 0 1 2\n', FormatError, /line 3: vertex 0/],
    ['bad number', 'OFF\n3 1 0\n0 0 0\n1 zz 0\n0 1 0\n3 0 1 2\n', ParseError, /line 4: vertex 1/],
    ['non-finite', 'OFF\n3 1 0\n0 0 0\n1 1e999 0\n0 1 0\n3 0 1 2\n', ParseError, /line 4/],
    ['colour out of range', 'COFF\n3 1 0\n0 0 0 1 1 1\n1 0 0 300 0 0\n0 1 0 0 0 0\n3 0 1 2\n', ParseError, /line 4: .*colour/],
    ['face of 2', 'OFF\n3 1 0\n0 0 0\n1 0 0\n0 1 0\n2 0 1\n', ParseError, /line 6: face 0/],
    ['face too short', 'OFF\n3 1 0\n0 0 0\n1 0 0\n0 1 0\n4 0 1 2\n', FormatError, /line 6: face 0 declares 4/],
    ['bad id', 'OFF\n3 1 0\n0 0 0\n1 0 0\n0 1 0\n3 0 -1 2\n', ParseError, /line 6/],
    ['id out of range', 'OFF\n3 1 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 3\n', IndexError, /line 6: face 0 uses vertex 3/],
  ];
  for (const [name, text, cls, re] of cases) test(name, () => rejects(parseMesh(text, 'off'), cls, 'parseMesh(off)', re));

  test('NOFF/COFF, counts on the header line, comments and polygons', async () => {
    const r = await parseMesh('NOFF 4 1 0 # square\n0 0 0 0 0 1\n1 0 0 0 0 1\n1 1 0 0 0 1\n0 1 0 0 0 1\n4 0 1 2 3\n', 'off');
    expect(Array.from(r.faces)).toEqual([0, 1, 2, 0, 2, 3]);
    expect(Array.from(r.normals!.subarray(0, 3))).toEqual([0, 0, 1]);
    const c = await parseMesh('COFF\n3 1 0\n0 0 0 255 0 0\n1 0 0 0 255 0\n0 1 0 0 0 255 255\n3 0 1 2\n', 'off');
    expect(Array.from(c.colors!)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });
});

describe('PLY pre-validation: named errors with the line or byte', () => {
  const head = (body: string, fmt = 'ascii'): string => `ply\nformat ${fmt} 1.0\n${body}`;
  const vert = 'element vertex 3\nproperty float x\nproperty float y\nproperty float z\n';
  const face = 'element face 1\nproperty list uchar int vertex_indices\n';
  const ok = head(vert + face + 'end_header\n0 0 0\n1 0 0\n0 1 0\n3 0 1 2\n');
  test('the valid base case reads', async () => expect((await parseMesh(ok, 'ply')).faces.length).toBe(3));
  const cases: [string, string, ErrorClass, RegExp][] = [
    ['no end_header', 'ply\nformat ascii 1.0\n', FormatError, /no "end_header"/],
    ['bad magic', 'plx\nformat ascii 1.0\nend_header\n', FormatError, /line 1: expected the magic/],
    ['unknown format', head(vert + 'end_header\n', 'binary_middle_endian'), FormatError, /line 2: unknown format/],
    ['bad version', 'ply\nformat ascii 2.0\n' + vert + 'end_header\n', FormatError, /line 2: unsupported PLY version/],
    ['bad element line', head('element vertex\nend_header\n'), ParseError, /line 3/],
    ['property before element', head('property float x\nend_header\n'), FormatError, /line 3: "property" before/],
    ['float list count', head(vert + 'element face 1\nproperty list float int vertex_indices\nend_header\n'), FormatError, /line 8: list count type/],
    ['unknown type', head('element vertex 1\nproperty quad x\nend_header\n'), FormatError, /line 4: unknown property type/],
    ['duplicate property', head('element vertex 1\nproperty float x\nproperty float x\nend_header\n'), FormatError, /line 5: property "x" declared twice/],
    ['duplicate element', head(vert + vert + 'end_header\n'), FormatError, /line 7: element "vertex" declared twice/],
    ['unknown keyword', head('bogus\n' + vert + 'end_header\n'), FormatError, /line 3: unknown header keyword/],
    ['no format', 'ply\n' + vert + 'end_header\n', FormatError, /missing the "format"/],
    ['element without properties', head(vert + 'element extra 2\nend_header\n0 0 0\n1 0 0\n0 1 0\n'), FormatError, /element "extra" has no properties/],
    ['no vertex element', head('element face 0\nproperty list uchar int vertex_indices\nend_header\n'), FormatError, /no "vertex" element/],
    ['no z', head('element vertex 1\nproperty float x\nproperty float y\nend_header\n0 0\n'), FormatError, /no scalar property "z"/],
    ['face without vertex_indices', head(vert + 'element face 1\nproperty int flags\nend_header\n0 0 0\n1 0 0\n0 1 0\n1\n'), FormatError, /no list property "vertex_indices"/],
    ['2^40 vertices (ascii)', head('element vertex 1099511627776\nproperty float x\nproperty float y\nproperty float z\nend_header\n0 0 0\n'), SizeError, /1099511627776/],
    ['more vertices than values', head('element vertex 5\nproperty float x\nproperty float y\nproperty float z\nend_header\n0 0 0\n'), SizeError, /element "vertex"/],
    ['ascii bad token', head(vert + face + 'end_header\n0 0 0\n1 x 0\n0 1 0\n3 0 1 2\n'), ParseError, /line 11: vertex 1/],
    ['ascii non-finite', head(vert + face + 'end_header\n0 0 0\n1 nan 0\n0 1 0\n3 0 1 2\n'), FormatError, /line 11: vertex 1 has a non-finite/],
    ['ascii truncated face', head(vert + face + 'end_header\n0 0 0\n1 0 0\n0 1 0\n3 0 1\n'), FormatError, /line 13: file ends inside face 0/],
    ['ascii index out of range', head(vert + face + 'end_header\n0 0 0\n1 0 0\n0 1 0\n3 0 1 7\n'), IndexError, /line 13: face 0 uses vertex 7/],
    ['ascii pentagon', head(vert + 'element face 1\nproperty list uchar int vertex_indices\nend_header\n0 0 0\n1 0 0\n0 1 0\n5 0 1 2 0 1\n'), FormatError, /line 13: face 0 has 5 vertices/],
  ];
  for (const [name, text, cls, re] of cases) test(name, () => rejects(parseMesh(text, 'ply'), cls, 'parseMesh(ply)', re));

  const bin = (): Uint8Array => formatPly(tetra(), { format: 'binary_little_endian' });
  const headerLen = (b: Uint8Array): number => new TextDecoder().decode(b).indexOf('end_header\n') + 11;
  test('binary: 2^40 vertices in the header is a SizeError, not an allocation', async () => {
    const text = new TextDecoder('latin1').decode(bin()).replace('element vertex 4', 'element vertex 1099511627776');
    await rejects(parseMesh(Uint8Array.from(text, (c) => c.charCodeAt(0)), 'ply'), SizeError, 'parseMesh(ply)', /1099511627776/);
  });
  test('binary: truncation names the byte offset', async () => {
    const b = bin();
    await rejects(parseMesh(b.subarray(0, b.length - 3), 'ply'), FormatError, 'parseMesh(ply)', /byte \d+: file ends inside face 3/);
  });
  test('binary: NaN coordinate and out-of-range index name the byte', async () => {
    const b = bin();
    const h = headerLen(b);
    const d = new DataView(b.buffer);
    d.setFloat64(h + 8, NaN, true);
    await rejects(parseMesh(b, 'ply'), FormatError, 'parseMesh(ply)', `byte ${h + 8}: vertex 0 has a non-finite coordinate y`);
    const c = bin();
    new DataView(c.buffer).setInt32(h + 4 * 24 + 1, 99, true);
    await rejects(parseMesh(c, 'ply'), IndexError, 'parseMesh(ply)', `byte ${h + 96 + 1}: face 0 uses vertex 99`);
    const q = bin();
    q[h + 96] = 7;
    await rejects(parseMesh(q, 'ply'), FormatError, 'parseMesh(ply)', `byte ${h + 96}: face 0 has 7 vertices`);
  });
});

describe('STL pre-validation: named errors with the line or byte', () => {
  test('binary: short file, size mismatch, huge count, NaN', async () => {
    await rejects(parseMesh(new Uint8Array(50), 'stl'), FormatError, 'parseMesh(stl)', /byte 50: binary STL truncated/);
    const b = stlBinary(tetra());
    await rejects(parseMesh(b.subarray(0, b.length - 1), 'stl'), FormatError, 'parseMesh(stl)', /byte 284: binary STL of 4 triangles must be 284 bytes, the file has 283/);
    const h = stlBinary(tetra());
    new DataView(h.buffer).setUint32(80, 0xffffffff, true);
    await rejects(parseMesh(h, 'stl'), SizeError, 'parseMesh(stl)', /byte 80/);
    const n = stlBinary(tetra());
    new DataView(n.buffer).setFloat32(84 + 50 + 16, Infinity, true);
    await rejects(parseMesh(n, 'stl'), FormatError, 'parseMesh(stl)', /byte 150: triangle 1 has a non-finite/);
  });
  const t = stlAscii(tetra()).split('\n');
  const cases: [string, string, ErrorClass, RegExp][] = [
    ['missing vertex', t.filter((_, i) => i !== 4).join('\n'), FormatError, /line 6: expected "vertex" \(a facet needs 3 vertices, got 2\)/],
    ['bad number', t.map((l, i) => (i === 3 ? '      vertex 0 zz 0' : l)).join('\n'), ParseError, /line 4: vertex: "zz"/],
    ['no endsolid', t.slice(0, -2).join('\n'), FormatError, /file ends inside a solid/],
    ['bad facet', t.map((l, i) => (i === 1 ? 'facet' : l)).join('\n'), FormatError, /line 2: expected "facet normal"/],
    ['keyword in the name', 'solid my vertex 1 2 3\n' + t.slice(1).join('\n'), FormatError, /line 1: a solid name/],
    ['extra tokens', t.map((l, i) => (i === 6 ? 'endloop now' : l)).join('\n'), FormatError, /line 7: expected "endloop"/],
  ];
  for (const [name, text, cls, re] of cases) test(`ascii: ${name}`, () => rejects(parseMesh(text, 'stl'), cls, 'parseMesh(stl)', re));
  test('ascii: a tiny file (under 84 bytes) reads — three would read past its end', async () => {
    const r = await parseMesh('solid t\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\nvertex 0 1 0\nendloop\nendfacet\nendsolid t\n', 'stl');
    expect(r.faces.length).toBe(3);
    expect((await parseMesh('solid e\nendsolid e\n', 'stl')).faces.length).toBe(0);
  });
});

describe('OBJ pre-validation: named errors with the line', () => {
  const cases: [string, string, ErrorClass, RegExp][] = [
    ['unknown keyword', 'v 0 0 0\nzz 1\n', FormatError, /line 2: unknown keyword "zz"/],
    ['bad number', 'v 0 0 0\nv 1 x 0\n', ParseError, /line 2: vertex 2/],
    ['missing number', 'v 0 0\n', ParseError, /line 1: vertex 1/],
    ['forward reference', 'v 0 0 0\nv 1 0 0\nf 1 2 3\nv 0 1 0\n', IndexError, /line 3: vertex index 3/],
    ['index 0', 'v 0 0 0\nv 1 0 0\nv 0 1 0\nf 0 1 2\n', IndexError, /line 4/],
    ['negative out of range', 'v 0 0 0\nv 1 0 0\nv 0 1 0\nf -1 -2 -4\n', IndexError, /line 4/],
    ['two corners', 'v 0 0 0\nv 1 0 0\nf 1 2\n', FormatError, /line 3: "f" needs at least 3/],
    ['bad reference', 'v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1/a 2 3\n', ParseError, /line 4/],
    ['normal out of range', 'v 0 0 0\nv 1 0 0\nv 0 1 0\nvn 0 0 1\nf 1//1 2//2 3//1\n', IndexError, /line 5: normal index 2/],
    ['colour junk', 'v 0 0 0 1 1 \n', ParseError, /line 1: colour of vertex 1/],
    ['keyword starting with f', 'v 0 0 0\nfoo 1 1 1\n', FormatError, /line 2: unknown keyword "foo"/],
  ];
  for (const [name, text, cls, re] of cases) test(name, () => rejects(parseMesh(text, 'obj'), cls, 'parseMesh(obj)', re));
  test('negative indices, quads, groups, comments and line continuations read', async () => {
    const r = await parseMesh('# c\no a\nv 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 \\\n0\ng b\ns off\nusemtl m\nf -4 -3 -2 -1\n', 'obj');
    expect(r.faces.length).toBe(6);
    expect(r.positions.length).toBe(12);
  });
});

describe('glTF / GLB pre-validation: named errors with the byte or JSON line', () => {
  const glbOf = (json: unknown, bin: Uint8Array): Uint8Array => {
    const js = new TextEncoder().encode(JSON.stringify(json));
    const jl = (js.length + 3) & ~3, bl = (bin.length + 3) & ~3;
    const out = new Uint8Array(28 + jl + bl);
    const d = new DataView(out.buffer);
    d.setUint32(0, 0x46546c67, true); d.setUint32(4, 2, true); d.setUint32(8, out.length, true);
    d.setUint32(12, jl, true); d.setUint32(16, 0x4e4f534a, true); out.fill(0x20, 20, 20 + jl); out.set(js, 20);
    d.setUint32(20 + jl, bl, true); d.setUint32(24 + jl, 0x004e4942, true); out.set(bin, 28 + jl);
    return out;
  };
  const mut = (f: (j: any) => void): Uint8Array => {
    const { json, bin } = gltfParts(tetra());
    f(json);
    return glbOf(json, bin);
  };
  test('GLB header and chunks', async () => {
    const g = glbBytes(tetra());
    await rejects(parseMesh(g.subarray(0, 10), 'glb'), FormatError, 'parseMesh(glb)', /byte 10: GLB truncated/);
    const m = g.slice(); m[0] = 0;
    await rejects(parseMesh(m, 'glb'), FormatError, 'parseMesh(glb)', /byte 0: not a GLB/);
    const v = g.slice(); v[4] = 1;
    await rejects(parseMesh(v, 'glb'), FormatError, 'parseMesh(glb)', /byte 4: GLB version 1/);
    await rejects(parseMesh(g.subarray(0, g.length - 4), 'glb'), FormatError, 'parseMesh(glb)', /byte 8: GLB declares/);
    const c = g.slice(); new DataView(c.buffer).setUint32(12, 1e6, true);
    await rejects(parseMesh(c, 'glb'), FormatError, 'parseMesh(glb)', /byte 12: chunk of 1000000 bytes runs past/);
    const t = g.slice(); new DataView(t.buffer).setUint32(16, 0x004e4942, true);
    await rejects(parseMesh(t, 'glb'), FormatError, 'parseMesh(glb)', /byte 16: the first GLB chunk must be JSON/);
    const j = g.slice(); j[21] = 0x5b; // '{"' → '{[' : invalid JSON at byte 21
    await rejects(parseMesh(j, 'glb'), ParseError, 'parseMesh(glb)', /byte 21: invalid JSON/);
    const u = g.slice(); u[25] = 0xff;
    await rejects(parseMesh(u, 'glb'), FormatError, 'parseMesh(glb)', /byte 20: the JSON chunk is not valid UTF-8/);
  });
  test('.gltf JSON errors name the line; external URIs are refused', async () => {
    await rejects(parseMesh('{\n"asset": {"version": "2.0"},\n]', 'gltf'), ParseError, 'parseMesh(gltf)', /line 3: invalid JSON/);
    await rejects(parseMesh('[1]', 'gltf'), FormatError, 'parseMesh(gltf)', /not an object/);
    const { json } = gltfParts(tetra());
    json.buffers[0].uri = 'mesh.bin';
    await rejects(parseMesh(JSON.stringify(json), 'gltf'), FormatError, 'parseMesh(gltf)', /external URI "mesh.bin"/);
    json.buffers[0].uri = 'data:application/octet-stream;base64,AAAA';
    await rejects(parseMesh(JSON.stringify(json), 'gltf'), FormatError, 'parseMesh(gltf)', /buffers\[0\] declares \d+ bytes, holds 3/);
    json.buffers[0].uri = 'data:application/octet-stream;base64,A';
    await rejects(parseMesh(JSON.stringify(json), 'gltf'), FormatError, 'parseMesh(gltf)', /malformed base64/);
  });
  const cases: [string, (j: any) => void, ErrorClass, RegExp][] = [
    ['asset version', (j) => { j.asset.version = '1.0'; }, FormatError, /asset.version/],
    ['required extension', (j) => { j.extensionsRequired = ['KHR_draco_mesh_compression']; }, FormatError, /requires extensions/],
    ['buffer view past its buffer', (j) => { j.bufferViews[0].byteLength = 1e6; }, FormatError, /bufferViews\[0\].*runs past buffers\[0\]/],
    ['buffer view of a missing buffer', (j) => { j.bufferViews[0].buffer = 3; }, IndexError, /bufferViews\[0\].buffer 3/],
    ['accessor component type', (j) => { j.accessors[0].componentType = 1; }, FormatError, /accessors\[0\].componentType/],
    ['accessor type', (j) => { j.accessors[0].type = 'VEC5'; }, FormatError, /accessors\[0\].type/],
    ['accessor count 2^40', (j) => { j.accessors[0].count = 2 ** 40; }, SizeError, /accessors\[0\]/],
    ['accessor past its view', (j) => { j.accessors[0].count = 5; }, FormatError, /byte \d+: accessors\[0\] needs 60 bytes of bufferViews\[0\], which has 48/],
    ['sparse accessor', (j) => { j.accessors[0].sparse = { count: 1 }; }, FormatError, /sparse/],
    ['huge zero accessor', (j) => { delete j.accessors[0].bufferView; j.accessors[0].count = 2 ** 25; }, SizeError, /without a bufferView/],
    ['wrong POSITION type', (j) => { j.accessors[0].type = 'VEC2'; j.accessors[0].count = 6; }, FormatError, /POSITION: accessors\[0\] has the wrong type/],
    ['no POSITION', (j) => { j.meshes[0].primitives[0].attributes = { NORMAL: 0 }; }, FormatError, /has no POSITION/],
    ['bad primitive mode', (j) => { j.meshes[0].primitives[0].mode = 9; }, FormatError, /mode 9/],
    ['index out of range', (j) => { j.accessors[0].count = 3; j.bufferViews[0].byteLength = 36; }, IndexError, /byte \d+: meshes\[0\].primitives\[0\] index \d+ is 3, outside \[0, 3\)/],
    ['node mesh out of range', (j) => { j.nodes[0].mesh = 4; }, IndexError, /nodes\[0\].mesh 4/],
    ['node cycle', (j) => { j.nodes.push({ children: [2] }, { children: [1] }); }, FormatError, /cycle/],
    ['self child', (j) => { j.nodes[0].children = [0]; }, FormatError, /own child/],
    ['bad matrix', (j) => { j.nodes[0].matrix = [1, 2]; }, FormatError, /nodes\[0\].matrix/],
    ['no scene', (j) => { delete j.scenes; delete j.scene; }, FormatError, /no scene/],
    ['scene index', (j) => { j.scene = 3; }, IndexError, /scene 3/],
    ['scene nodes', (j) => { j.scenes[0].nodes = [7]; }, IndexError, /scenes\[0\].nodes/],
  ];
  for (const [name, f, cls, re] of cases) test(name, () => rejects(parseMesh(mut(f), 'glb'), cls, 'parseMesh(glb)', re));
  test('non-finite POSITION names the byte', async () => {
    const { json, bin } = gltfParts(tetra());
    new DataView(bin.buffer).setFloat32(4, NaN, true);
    const g = glbOf(json, bin);
    const binStart = g.length - bin.length - ((4 - (bin.length % 4)) % 4);
    await rejects(parseMesh(g, 'glb'), FormatError, 'parseMesh(glb)', `byte ${binStart + 4}: a POSITION value is not finite`);
  });
  test('points/lines primitives are skipped; strips are triangulated by three; every error is an ErlangenError', async () => {
    const r = await parseMesh(mut((j) => { j.meshes[0].primitives.push({ attributes: { POSITION: 0 }, mode: 0 }); }), 'glb');
    expect(r.faces.length).toBe(12);
    const s = await parseMesh(mut((j) => { j.meshes[0].primitives[0].mode = 5; }), 'glb');
    expect(s.faces.length % 3).toBe(0);
    await expect(parseMesh(new Uint8Array(3), 'glb')).rejects.toBeInstanceOf(ErlangenError);
  });
});

describe('regressions found by the fuzz suite', () => {
  test('PLY: "end_header" inside another header line (three would start the body there)', async () => {
    await rejects(parseMesh('ply\nformat ascii 1.0\ncomment end_header\nelement vertex 1\nproperty float x\nproperty float y\nproperty float z\nend_header\n0 0 0\n', 'ply'), FormatError, 'parseMesh(ply)', /line 3: "end_header" inside/);
    await rejects(parseMesh('ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nproperty float y\nproperty float z\nend_header z\nend_header\n0 0 0\n', 'ply'), FormatError, 'parseMesh(ply)', /line 7/);
  });
  test('PLY without faces is a point cloud (vertices, no faces)', async () => {
    const r = await parseMesh('ply\nformat ascii 1.0\nelement vertex 4\nproperty float x\nproperty float y\nproperty float z\nend_header\n0 0 0\n1 0 0\n0 1 0\n0 0 1\n', 'ply');
    expect(r.positions.length).toBe(12);
    expect(r.faces.length).toBe(0);
  });
  test('OBJ: colours on some vertices only, normals on some corners only, colours outside [0, 1]', async () => {
    await rejects(parseMesh('v 0 0 0 1 0 0\nv 1 0 0\n', 'obj'), FormatError, 'parseMesh(obj)', /line 2: vertex 2 lacks a colour/);
    await rejects(parseMesh('v 0 0 0\nv 1 0 0\nv 0 1 0\nvn 0 0 1\nf 1//1 2//1 3\n', 'obj'), FormatError, 'parseMesh(obj)', /line 5: corner "3" lacks a normal/);
    await rejects(parseMesh('v 0 0 0 1 0 65\n', 'obj'), ParseError, 'parseMesh(obj)', /line 1: colour of vertex 1: 65 is outside/);
  });
  test('glTF: corners that do not make whole triangles', async () => {
    const { json, bin } = gltfParts(tetra());
    json.accessors[1].count = 11;
    json.buffers[0].uri = 'data:application/octet-stream;base64,' + Buffer.from(bin).toString('base64');
    await rejects(parseMesh(JSON.stringify(json), 'gltf'), FormatError, 'parseMesh(gltf)', /11 indices do not make whole triangles/);
  });
});

describe('empty meshes', () => {
  test('every writer/format round-trips a mesh with no vertices', async () => {
    const empty: MeshData = { positions: new Float64Array(0), faces: new Int32Array(0) };
    const files: [Uint8Array | string, MeshFormat][] = [
      [formatPly(empty), 'ply'], [formatPly(empty, { format: 'binary_little_endian' }), 'ply'], [formatObj(empty), 'obj'],
      [stlBinary(empty), 'stl'], ['OFF\n0 0 0\n', 'off'], ['', 'obj'],
    ];
    for (const [data, fmt] of files) {
      const m = await parseMesh(data, fmt);
      expect(m.positions.length + m.faces.length).toBe(0);
    }
  });
});
