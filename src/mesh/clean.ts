/**
 * Mesh cleaning on plain {@link MeshData}: vertex welding, removal of degenerate faces and of
 * duplicate faces. Pure functions (no three.js), used by the mesh readers of `erlangen/three` and
 * usable on any mesh. See docs/design/mesh-io.md.
 * @module
 */
import { ValueError } from '../util/index.js';
import { checkMeshData } from './types.js';
import type { MeshData } from './types.js';

/** Options of {@link weldVertices}. */
export interface WeldOptions {
  /**
   * Absolute distance below or at which two vertices merge (default 0: only bit-equal positions,
   * with −0 equal to +0). Must be finite and ≥ 0.
   */
  tolerance?: number;
}

/** The result of {@link weldVertices}: the welded mesh and where each old vertex went. */
export interface WeldResult {
  /** The mesh on the kept vertices (faces renumbered; normals/colours of the kept vertex). */
  mesh: MeshData;
  /** `vertexMap[old]` = new id of old vertex `old`, length V_old. */
  vertexMap: Int32Array;
  /** Number of vertices merged away (V_old − V_new). */
  merged: number;
}

/**
 * Weld vertices: walking the vertices in index order, each vertex joins the first earlier *kept*
 * vertex within Euclidean distance ≤ `tolerance` (searched in a hash grid of cell size
 * `tolerance`), or is kept itself. The rule is deterministic and never chains: a merged vertex
 * never attracts later vertices, so no two kept vertices are within `tolerance` of each other and
 * every vertex moves by at most `tolerance`. Kept vertices keep their relative order. Faces are
 * renumbered only (faces that become degenerate stay; see {@link removeDegenerateFaces}).
 * Throws a ValueError for a bad tolerance, and whatever {@link checkMeshData} throws, naming `op`.
 */
export function weldVertices(mesh: MeshData, options: WeldOptions = {}, op = 'weldVertices'): WeldResult {
  checkMeshData(mesh, op);
  const tol = options.tolerance ?? 0;
  if (typeof tol !== 'number' || !Number.isFinite(tol) || tol < 0) throw new ValueError(`${op}: tolerance must be a finite number ≥ 0, got ${String(tol)}`);
  const P = mesh.positions;
  const V = P.length / 3;
  const vertexMap = new Int32Array(V);
  const kept: number[] = [];
  const tol2 = tol * tol;
  const cells = new Map<string, number[]>();
  const key = (x: number, y: number, z: number): string => `${x},${y},${z}`;
  for (let v = 0; v < V; v++) {
    const x = P[3 * v]! + 0, y = P[3 * v + 1]! + 0, z = P[3 * v + 2]! + 0; // + 0 turns −0 into +0
    let target = -1;
    if (tol === 0) {
      const k = key(x, y, z);
      const hit = cells.get(k);
      if (hit) target = hit[0]!;
      else cells.set(k, [kept.length]);
    } else {
      const cx = Math.floor(x / tol), cy = Math.floor(y / tol), cz = Math.floor(z / tol);
      for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) for (let dz = -1; dz <= 1; dz++) {
        const list = cells.get(key(cx + dx, cy + dy, cz + dz));
        if (!list) continue;
        for (const id of list) {
          const o = kept[id]!;
          const ex = P[3 * o]! - x, ey = P[3 * o + 1]! - y, ez = P[3 * o + 2]! - z;
          if (ex * ex + ey * ey + ez * ez <= tol2 && (target < 0 || id < target)) target = id;
        }
      }
      if (target < 0) {
        const k = key(cx, cy, cz);
        const list = cells.get(k);
        if (list) list.push(kept.length);
        else cells.set(k, [kept.length]);
      }
    }
    if (target >= 0) vertexMap[v] = target;
    else {
      vertexMap[v] = kept.length;
      kept.push(v);
    }
  }
  const out = subsetVertices(mesh, kept);
  const faces = new Int32Array(mesh.faces.length);
  for (let i = 0; i < faces.length; i++) faces[i] = vertexMap[mesh.faces[i]!]!;
  out.faces = faces;
  return { mesh: out, vertexMap, merged: V - kept.length };
}

/** The vertex attributes of `ids` (faces left empty). */
function subsetVertices(mesh: MeshData, ids: readonly number[]): MeshData {
  const pick = <T extends Float64Array | Float32Array>(a: T, make: (n: number) => T): T => {
    const o = make(ids.length * 3);
    for (let i = 0; i < ids.length; i++) for (let c = 0; c < 3; c++) o[3 * i + c] = a[3 * ids[i]! + c]!;
    return o;
  };
  const out: MeshData = { positions: pick(mesh.positions, (n) => new Float64Array(n)), faces: new Int32Array(0) };
  if (mesh.normals) out.normals = pick(mesh.normals, (n) => (mesh.normals instanceof Float32Array ? new Float32Array(n) : new Float64Array(n)) as Float64Array);
  if (mesh.colors) out.colors = pick(mesh.colors, (n) => new Float32Array(n));
  return out;
}

/** Options of {@link removeDegenerateFaces}. */
export interface DegenerateOptions {
  /** Faces with area ≤ `minArea` are removed too (default 0: exactly zero area). Finite, ≥ 0. */
  minArea?: number;
}

/** The result of the face filters: the mesh and the ids (in the input) of the faces kept. */
export interface FaceFilterResult {
  /** The mesh with the same vertices and the kept faces. */
  mesh: MeshData;
  /** Input face id of each kept face. */
  keptFaces: Int32Array;
  /** Number of faces removed. */
  removed: number;
}

function filterFaces(mesh: MeshData, keep: (f: number) => boolean): FaceFilterResult {
  const F = mesh.faces.length / 3;
  const ids: number[] = [];
  for (let f = 0; f < F; f++) if (keep(f)) ids.push(f);
  const faces = new Int32Array(ids.length * 3);
  ids.forEach((f, i) => faces.set(mesh.faces.subarray(3 * f, 3 * f + 3), 3 * i));
  return { mesh: { ...mesh, faces }, keptFaces: Int32Array.from(ids), removed: F - ids.length };
}

/**
 * Remove degenerate faces: a face that uses a vertex twice, or whose area
 * ½‖(b − a) × (c − a)‖ is ≤ `minArea` (default 0, i.e. exactly collinear corners).
 * Vertices are kept (use the topology report to find isolated ones).
 */
export function removeDegenerateFaces(mesh: MeshData, options: DegenerateOptions = {}, op = 'removeDegenerateFaces'): FaceFilterResult {
  checkMeshData(mesh, op);
  const minArea = options.minArea ?? 0;
  if (typeof minArea !== 'number' || !Number.isFinite(minArea) || minArea < 0) throw new ValueError(`${op}: minArea must be a finite number ≥ 0, got ${String(minArea)}`);
  const P = mesh.positions, T = mesh.faces;
  return filterFaces(mesh, (f) => {
    const a = T[3 * f]!, b = T[3 * f + 1]!, c = T[3 * f + 2]!;
    if (a === b || b === c || a === c) return false;
    const ux = P[3 * b]! - P[3 * a]!, uy = P[3 * b + 1]! - P[3 * a + 1]!, uz = P[3 * b + 2]! - P[3 * a + 2]!;
    const vx = P[3 * c]! - P[3 * a]!, vy = P[3 * c + 1]! - P[3 * a + 1]!, vz = P[3 * c + 2]! - P[3 * a + 2]!;
    const nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
    return 0.5 * Math.hypot(nx, ny, nz) > minArea;
  });
}

/**
 * Remove duplicate faces: a face on the same three vertices as an earlier face, in either
 * orientation, is removed (the first one is kept, with its orientation).
 */
export function removeDuplicateFaces(mesh: MeshData, op = 'removeDuplicateFaces'): FaceFilterResult {
  checkMeshData(mesh, op);
  const seen = new Set<string>();
  const T = mesh.faces;
  return filterFaces(mesh, (f) => {
    const s = [T[3 * f]!, T[3 * f + 1]!, T[3 * f + 2]!].sort((x, y) => x - y);
    const k = s.join(',');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Options of {@link cleanMesh}. */
export interface CleanOptions extends WeldOptions, DegenerateOptions {}

/** What {@link cleanMesh} did. */
export interface CleanResult {
  /** The cleaned mesh. */
  mesh: MeshData;
  /** `vertexMap[old]` = new vertex id (welding only; unreferenced vertices are kept). */
  vertexMap: Int32Array;
  /** Vertices merged by welding. */
  mergedVertices: number;
  /** Degenerate faces removed (after welding). */
  degenerateFaces: number;
  /** Duplicate faces removed (after the degenerate ones). */
  duplicateFaces: number;
}

/**
 * Weld ({@link weldVertices}), then remove degenerate faces ({@link removeDegenerateFaces}), then
 * duplicate faces ({@link removeDuplicateFaces}).
 */
export function cleanMesh(mesh: MeshData, options: CleanOptions = {}, op = 'cleanMesh'): CleanResult {
  const w = weldVertices(mesh, options, op);
  const d = removeDegenerateFaces(w.mesh, options, op);
  const u = removeDuplicateFaces(d.mesh, op);
  return { mesh: u.mesh, vertexMap: w.vertexMap, mergedVertices: w.merged, degenerateFaces: d.removed, duplicateFaces: u.removed };
}
