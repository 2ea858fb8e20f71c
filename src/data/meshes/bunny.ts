/**
 * The Stanford bunny as an offline mesh: {@link bunnyMesh}.
 *
 * Credit: the Stanford bunny was scanned by Greg Turk and Marc Levoy at the Stanford Computer
 * Graphics Laboratory (Stanford 3D Scanning Repository, 1994). The low-resolution version here
 * (1839 vertices, 3674 triangles, closed genus 0) is the one of the `bunny` npm package by
 * Mikola Lysenko, released into the public domain; scripts/generate-bunny.mjs encodes it into
 * src/data/bunny-data.ts, so `bunny` stays a devDependency. See docs/design/mesh-data.md.
 * @module
 */
import { subdivide } from '../../mesh/index.js';
import type { MeshData } from '../../mesh/index.js';
import { ValueError } from '../../util/index.js';
import { BUNNY_FACES_B64, BUNNY_FACE_COUNT, BUNNY_POSITIONS_B64, BUNNY_VERTEX_COUNT } from '../bunny-data.js';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decode standard base64 (with or without padding) to bytes, without relying on atob/Buffer. */
export function decodeBase64(s: string): Uint8Array {
  const clean = s.replace(/=+$/, '');
  const lut = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) lut[B64.charCodeAt(i)] = i;
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let acc = 0, bits = 0, o = 0;
  for (let i = 0; i < clean.length; i++) {
    const c = clean.charCodeAt(i);
    const v = c < 128 ? lut[c]! : -1;
    if (v < 0) throw new ValueError(`decodeBase64: invalid character at ${i}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

let raw: MeshData | undefined;

/** The package's mesh exactly as published (units and placement of the package). Cached; copy before mutating. */
function rawBunny(): MeshData {
  if (!raw) {
    const pb = decodeBase64(BUNNY_POSITIONS_B64), fb = decodeBase64(BUNNY_FACES_B64);
    const pv = new DataView(pb.buffer, pb.byteOffset, pb.byteLength), fv = new DataView(fb.buffer, fb.byteOffset, fb.byteLength);
    const positions = new Float64Array(3 * BUNNY_VERTEX_COUNT), faces = new Int32Array(3 * BUNNY_FACE_COUNT);
    for (let i = 0; i < positions.length; i++) positions[i] = pv.getInt32(4 * i, true) / 1e6;
    for (let i = 0; i < faces.length; i++) faces[i] = fv.getUint16(2 * i, true);
    raw = { positions, faces };
  }
  return raw;
}

/** Options of {@link bunnyMesh}. */
export interface BunnyOptions {
  /**
   * Centre at the bounding-box centre and scale so that the farthest vertex is at distance 1
   * (default true); false returns the package's coordinates unchanged.
   */
  normalize?: boolean;
  /** Rounds of Loop subdivision applied after normalising (default 0; 1 gives 7 350 vertices). */
  subdivisions?: number;
}

/**
 * The Stanford bunny (1839 vertices, 3674 triangles, closed, genus 0, faces counter-clockwise seen
 * from outside — the package's own orientation, kept as is), normalised by default (see
 * {@link BunnyOptions}). Credit: Stanford Computer Graphics Laboratory; the `bunny` npm package
 * (public domain) by Mikola Lysenko. Each call returns fresh arrays.
 * @throws ValueError for subdivisions outside [0, 3]
 * @example
 * ```ts
 * const bunny = bunnyMesh();
 * bunny.positions.length / 3; // 1839
 * ```
 */
export function bunnyMesh(opts: BunnyOptions = {}): MeshData {
  const r = rawBunny();
  const positions = r.positions.slice();
  if (opts.normalize ?? true) {
    const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
    for (let i = 0; i < positions.length; i += 3) for (let k = 0; k < 3; k++) { lo[k] = Math.min(lo[k]!, positions[i + k]!); hi[k] = Math.max(hi[k]!, positions[i + k]!); }
    const c = [0, 1, 2].map((k) => (lo[k]! + hi[k]!) / 2);
    let rho = 0;
    for (let i = 0; i < positions.length; i += 3) rho = Math.max(rho, Math.hypot(positions[i]! - c[0]!, positions[i + 1]! - c[1]!, positions[i + 2]! - c[2]!));
    for (let i = 0; i < positions.length; i += 3) for (let k = 0; k < 3; k++) positions[i + k] = (positions[i + k]! - c[k]!) / rho;
  }
  const mesh: MeshData = { positions, faces: r.faces.slice() };
  const s = opts.subdivisions ?? 0;
  if (!Number.isInteger(s) || s < 0 || s > 3) throw new ValueError(`bunnyMesh: subdivisions must be an integer in [0, 3], got ${String(s)}`);
  return s > 0 ? subdivide(mesh, { scheme: 'loop', iterations: s }) : mesh;
}
