/**
 * Test meshes and hand-built files for the mesh I/O tests: the Stanford bunny and an icosphere as
 * MeshData, and byte builders for the formats erlangen does not write (STL, glTF/GLB, OFF), built
 * independently of the readers under test.
 */
import bunnyData from 'bunny';
import icosphere from 'icosphere';
import { meshData } from '../../src/mesh/index.js';
import type { MeshData } from '../../src/mesh/index.js';

/** The Stanford bunny (closed genus-0 triangle mesh). */
export function bunny(): MeshData {
  return meshData(bunnyData.positions, bunnyData.cells);
}

/** An icosphere with `n` subdivisions. */
export function sphere(n = 1): MeshData {
  const s = icosphere(n);
  return meshData(s.positions, s.cells);
}

/** A unit tetrahedron (4 vertices, 4 outward CCW faces). */
export function tetra(): MeshData {
  return meshData([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], [[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]]);
}

/** Binary STL bytes of a mesh (facet normals zero), float32. */
export function stlBinary(mesh: MeshData, header = 'erlangen test'): Uint8Array {
  const F = mesh.faces.length / 3;
  const out = new Uint8Array(84 + 50 * F);
  out.set(new TextEncoder().encode(header).subarray(0, 80));
  const d = new DataView(out.buffer);
  d.setUint32(80, F, true);
  for (let f = 0; f < F; f++) {
    for (let k = 0; k < 3; k++) {
      const v = mesh.faces[3 * f + k]!;
      for (let c = 0; c < 3; c++) d.setFloat32(84 + 50 * f + 12 + 12 * k + 4 * c, mesh.positions[3 * v + c]!, true);
    }
  }
  return out;
}

/** ASCII STL text of a mesh. */
export function stlAscii(mesh: MeshData, name = 'test'): string {
  const P = mesh.positions, T = mesh.faces;
  const lines = [`solid ${name}`];
  for (let f = 0; f < T.length / 3; f++) {
    lines.push('  facet normal 0 0 0', '    outer loop');
    for (let k = 0; k < 3; k++) {
      const v = T[3 * f + k]!;
      lines.push(`      vertex ${Math.fround(P[3 * v]!)} ${Math.fround(P[3 * v + 1]!)} ${Math.fround(P[3 * v + 2]!)}`);
    }
    lines.push('    endloop', '  endfacet');
  }
  lines.push(`endsolid ${name}`);
  return lines.join('\n') + '\n';
}

/** OFF text of a mesh. */
export function offText(mesh: MeshData): string {
  const P = mesh.positions, T = mesh.faces;
  const lines = ['OFF', '# test', `${P.length / 3} ${T.length / 3} 0`];
  for (let v = 0; v < P.length / 3; v++) lines.push(`${P[3 * v]} ${P[3 * v + 1]} ${P[3 * v + 2]}`);
  for (let f = 0; f < T.length / 3; f++) lines.push(`3 ${T[3 * f]} ${T[3 * f + 1]} ${T[3 * f + 2]}`);
  return lines.join('\n') + '\n';
}

/** The glTF JSON and binary buffer of a mesh (float32 positions, uint32 indices), one node with `translation`. */
export function gltfParts(mesh: MeshData, translation: [number, number, number] = [0, 0, 0]): { json: any; bin: Uint8Array } {
  const V = mesh.positions.length / 3, F = mesh.faces.length / 3;
  const pos = Float32Array.from(mesh.positions);
  const idx = Uint32Array.from(mesh.faces);
  const bin = new Uint8Array(pos.byteLength + idx.byteLength);
  bin.set(new Uint8Array(pos.buffer), 0);
  bin.set(new Uint8Array(idx.buffer), pos.byteLength);
  const min = [0, 1, 2].map((c) => Math.min(...Array.from({ length: V }, (_, v) => pos[3 * v + c]!)));
  const max = [0, 1, 2].map((c) => Math.max(...Array.from({ length: V }, (_, v) => pos[3 * v + c]!)));
  const json = {
    asset: { version: '2.0' }, scene: 0, scenes: [{ nodes: [0] }], nodes: [{ mesh: 0, translation }],
    meshes: [{ primitives: [{ attributes: { POSITION: 0 }, indices: 1, material: 0 }] }],
    materials: [{ pbrMetallicRoughness: { baseColorFactor: [1, 0, 0, 1] } }],
    buffers: [{ byteLength: bin.length }],
    bufferViews: [{ buffer: 0, byteOffset: 0, byteLength: pos.byteLength }, { buffer: 0, byteOffset: pos.byteLength, byteLength: idx.byteLength }],
    accessors: [
      { bufferView: 0, componentType: 5126, count: V, type: 'VEC3', min, max },
      { bufferView: 1, componentType: 5125, count: 3 * F, type: 'SCALAR' },
    ],
  };
  return { json, bin };
}

/** A .gltf file (JSON text) with the buffer embedded as a base64 data: URI. */
export function gltfText(mesh: MeshData, translation: [number, number, number] = [0, 0, 0]): string {
  const { json, bin } = gltfParts(mesh, translation);
  json.buffers[0].uri = 'data:application/octet-stream;base64,' + Buffer.from(bin).toString('base64');
  return JSON.stringify(json);
}

/** A .glb file of a mesh. */
export function glbBytes(mesh: MeshData, translation: [number, number, number] = [0, 0, 0]): Uint8Array {
  const { json, bin } = gltfParts(mesh, translation);
  const js = new TextEncoder().encode(JSON.stringify(json));
  const jl = (js.length + 3) & ~3, bl = (bin.length + 3) & ~3;
  const total = 12 + 8 + jl + 8 + bl;
  const out = new Uint8Array(total);
  const d = new DataView(out.buffer);
  d.setUint32(0, 0x46546c67, true);
  d.setUint32(4, 2, true);
  d.setUint32(8, total, true);
  d.setUint32(12, jl, true);
  d.setUint32(16, 0x4e4f534a, true);
  out.fill(0x20, 20, 20 + jl);
  out.set(js, 20);
  d.setUint32(20 + jl, bl, true);
  d.setUint32(24 + jl, 0x004e4942, true);
  out.set(bin, 28 + jl);
  return out;
}

/** Faces of a mesh as sorted position-triple keys (a vertex-order-free fingerprint), positions rounded to float32. */
export function faceKeys(mesh: MeshData): string[] {
  const P = mesh.positions, T = mesh.faces;
  const key = (v: number): string => `${Math.fround(P[3 * v]!)},${Math.fround(P[3 * v + 1]!)},${Math.fround(P[3 * v + 2]!)}`;
  const out: string[] = [];
  for (let f = 0; f < T.length / 3; f++) {
    const k = [key(T[3 * f]!), key(T[3 * f + 1]!), key(T[3 * f + 2]!)];
    // rotate so the smallest corner is first (keeps orientation)
    const i = k.indexOf([...k].sort()[0]!);
    out.push([k[i], k[(i + 1) % 3], k[(i + 2) % 3]].join(' | '));
  }
  return out.sort();
}
