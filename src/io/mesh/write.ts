/**
 * Mesh writers: OBJ text and PLY (`ascii` or `binary_little_endian`) bytes from a
 * {@link MeshData}. Numbers are written with full float64 precision (shortest round-trip
 * decimal in text, `double` properties in PLY), so a reader that keeps float64 gets the same mesh back.
 * @module
 */
import { ValueError } from '../../util/errors.js';
import { checkMeshData } from '../../mesh/index.js';
import type { MeshData } from '../../mesh/index.js';
import { linearToSrgb } from './common.js';

/** Options of {@link formatObj}. */
export interface ObjWriteOptions {
  /** Write `vn` lines and `f a//a` references when the mesh has normals (default true). */
  normals?: boolean;
  /** Write vertex colours as `v x y z r g b` when the mesh has them (default true). */
  colors?: boolean;
}

/** Options of {@link formatPly}. */
export interface PlyWriteOptions {
  /** `ascii` (default) or `binary_little_endian`. */
  format?: 'ascii' | 'binary_little_endian';
  /** Write nx, ny, nz when the mesh has normals (default true). */
  normals?: boolean;
  /** Write red, green, blue (uchar) when the mesh has colours (default true). */
  colors?: boolean;
}

/**
 * OBJ text of a mesh: `v` lines (with colours when present), `vn` lines when normals are present,
 * and 1-based `f` lines. Linear colours are written sRGB-encoded as floats in [0, 1] (the
 * convention three's OBJLoader reads). Runs `checkMeshData` naming `op`.
 */
export function formatObj(mesh: MeshData, options: ObjWriteOptions = {}, op = 'formatObj'): string {
  checkMeshData(mesh, op);
  const P = mesh.positions, T = mesh.faces;
  const withN = (options.normals ?? true) && !!mesh.normals;
  const C = (options.colors ?? true) ? mesh.colors : undefined;
  const srgb = (x: number): number => linearToSrgb(Math.min(1, Math.max(0, x)));
  const out: string[] = ['# written by erlangen'];
  for (let v = 0; v < P.length / 3; v++) {
    let s = `v ${P[3 * v]} ${P[3 * v + 1]} ${P[3 * v + 2]}`;
    if (C) s += ` ${srgb(C[3 * v]!)} ${srgb(C[3 * v + 1]!)} ${srgb(C[3 * v + 2]!)}`;
    out.push(s);
  }
  if (withN) {
    const N = mesh.normals!;
    for (let v = 0; v < N.length / 3; v++) out.push(`vn ${N[3 * v]} ${N[3 * v + 1]} ${N[3 * v + 2]}`);
  }
  for (let f = 0; f < T.length / 3; f++) {
    const [a, b, c] = [T[3 * f]! + 1, T[3 * f + 1]! + 1, T[3 * f + 2]! + 1];
    out.push(withN ? `f ${a}//${a} ${b}//${b} ${c}//${c}` : `f ${a} ${b} ${c}`);
  }
  return out.join('\n') + '\n';
}

/**
 * PLY bytes of a mesh: `element vertex` with double x, y, z (and nx, ny, nz; uchar red, green,
 * blue, sRGB-encoded, when present) and `element face` with `list uchar int vertex_indices`. Runs
 * `checkMeshData` naming `op`; a bad option gives a ValueError.
 */
export function formatPly(mesh: MeshData, options: PlyWriteOptions = {}, op = 'formatPly'): Uint8Array {
  checkMeshData(mesh, op);
  const format = options.format ?? 'ascii';
  if (format !== 'ascii' && format !== 'binary_little_endian') throw new ValueError(`${op}: format must be "ascii" or "binary_little_endian", got "${String(format)}"`);
  const P = mesh.positions, T = mesh.faces;
  const V = P.length / 3, F = T.length / 3;
  const N = (options.normals ?? true) ? mesh.normals : undefined;
  const C = (options.colors ?? true) ? mesh.colors : undefined;
  const header = [
    'ply', `format ${format} 1.0`, 'comment written by erlangen', `element vertex ${V}`,
    'property double x', 'property double y', 'property double z',
    ...(N ? ['property double nx', 'property double ny', 'property double nz'] : []),
    ...(C ? ['property uchar red', 'property uchar green', 'property uchar blue'] : []),
    `element face ${F}`, 'property list uchar int vertex_indices', 'end_header',
  ].join('\n') + '\n';
  const byte = (x: number): number => Math.round(linearToSrgb(Math.min(1, Math.max(0, x))) * 255);
  if (format === 'ascii') {
    const lines: string[] = [];
    for (let v = 0; v < V; v++) {
      let s = `${P[3 * v]} ${P[3 * v + 1]} ${P[3 * v + 2]}`;
      if (N) s += ` ${N[3 * v]} ${N[3 * v + 1]} ${N[3 * v + 2]}`;
      if (C) s += ` ${byte(C[3 * v]!)} ${byte(C[3 * v + 1]!)} ${byte(C[3 * v + 2]!)}`;
      lines.push(s);
    }
    for (let f = 0; f < F; f++) lines.push(`3 ${T[3 * f]} ${T[3 * f + 1]} ${T[3 * f + 2]}`);
    return new TextEncoder().encode(header + lines.join('\n') + (lines.length ? '\n' : ''));
  }
  const h = new TextEncoder().encode(header);
  const vsize = 24 + (N ? 24 : 0) + (C ? 3 : 0);
  const out = new Uint8Array(h.length + V * vsize + F * 13);
  out.set(h);
  const d = new DataView(out.buffer);
  let o = h.length;
  for (let v = 0; v < V; v++) {
    for (let k = 0; k < 3; k++, o += 8) d.setFloat64(o, P[3 * v + k]!, true);
    if (N) for (let k = 0; k < 3; k++, o += 8) d.setFloat64(o, N[3 * v + k]!, true);
    if (C) for (let k = 0; k < 3; k++) d.setUint8(o++, byte(C[3 * v + k]!));
  }
  for (let f = 0; f < F; f++) {
    d.setUint8(o++, 3);
    for (let k = 0; k < 3; k++, o += 4) d.setInt32(o, T[3 * f + k]!, true);
  }
  return out;
}
