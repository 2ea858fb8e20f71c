/**
 * Half-edge connectivity of an oriented manifold triangle mesh (with or without boundary).
 * Half-edge h = 3f + i runs from faces[3f + i] to faces[3f + (i + 1) % 3] inside face f; its twin
 * runs the other way in the neighbouring face (−1 on the boundary). Around each vertex the outgoing
 * half-edges are ordered counter-clockwise (seen from outside): the next one after h is
 * twin(prev(h)). See docs/design/mesh-geometry.md.
 * @module
 */
import { ValueError } from '../../util/index.js';
import { checkMeshData, type MeshData } from '../types.js';

/** Half-edge connectivity of a {@link MeshData} (see the module comment for the numbering). */
export interface HalfEdgeMesh {
  /** Number of vertices V. */
  vertices: number;
  /** Number of faces F (half-edges: 3F). */
  faces: number;
  /** Origin vertex of each half-edge, 3F. */
  origin: Int32Array;
  /** Twin half-edge, −1 on the boundary, 3F. */
  twin: Int32Array;
  /**
   * Outgoing half-edges of each vertex in counter-clockwise order (CSR: ring[ringPtr[v] .. ringPtr[v+1]]).
   * On a boundary vertex the first one is the boundary half-edge leaving it (it has no twin).
   */
  ringPtr: Int32Array;
  /** See ringPtr. */
  ring: Int32Array;
  /** Per vertex: 1 if it lies on the boundary. */
  boundary: Uint8Array;
}

/** Next half-edge in the same face. */
export const heNext = (h: number): number => (h % 3 === 2 ? h - 2 : h + 1);
/** Previous half-edge in the same face. */
export const hePrev = (h: number): number => (h % 3 === 0 ? h + 2 : h - 1);
/** Face of a half-edge. */
export const heFace = (h: number): number => Math.floor(h / 3);

/**
 * Build the half-edge structure. Checks the mesh with checkMeshData, then rejects: an empty mesh,
 * degenerate faces (a repeated vertex id), a directed edge used twice (a non-manifold edge or
 * inconsistent orientation), and non-manifold vertices (faces around a vertex forming more than
 * one fan). Vertices in no face are allowed (empty ring) unless `allowIsolated` is false.
 * O(F) expected time (hash map on directed edges).
 * @throws ValueError naming `op`
 */
export function buildHalfEdges(mesh: MeshData, op = 'buildHalfEdges', allowIsolated = true): HalfEdgeMesh {
  checkMeshData(mesh, op);
  const V = mesh.positions.length / 3, F = mesh.faces.length / 3, faces = mesh.faces;
  if (V === 0 || F === 0) throw new ValueError(`${op}: empty mesh (${V} vertices, ${F} faces)`);
  const H = 3 * F, origin = new Int32Array(H), twin = new Int32Array(H).fill(-1);
  const edge = new Map<number, number>();
  for (let f = 0; f < F; f++) {
    const a = faces[3 * f]!, b = faces[3 * f + 1]!, c = faces[3 * f + 2]!;
    if (a === b || b === c || a === c) throw new ValueError(`${op}: face ${f} is degenerate (vertices ${a}, ${b}, ${c})`);
    for (let i = 0; i < 3; i++) {
      const h = 3 * f + i, u = faces[h]!, w = faces[3 * f + ((i + 1) % 3)]!;
      origin[h] = u;
      const key = u * V + w;
      if (edge.has(key)) {
        throw new ValueError(`${op}: non-manifold or inconsistently oriented edge ${u} → ${w} (in faces ${heFace(edge.get(key)!)} and ${f})`);
      }
      edge.set(key, h);
    }
  }
  for (let h = 0; h < H; h++) {
    const t = edge.get(origin[heNext(h)]! * V + origin[h]!);
    if (t !== undefined) twin[h] = t;
  }
  // outgoing half-edges per vertex
  const deg = new Int32Array(V + 1);
  for (let h = 0; h < H; h++) deg[origin[h]! + 1]!++;
  for (let v = 0; v < V; v++) deg[v + 1]! += deg[v]!;
  const out = new Int32Array(H), fill = deg.slice(0, V);
  for (let h = 0; h < H; h++) out[fill[origin[h]!]!++] = h;
  const ring = new Int32Array(H), boundary = new Uint8Array(V);
  for (let v = 0; v < V; v++) {
    const s = deg[v]!, e = deg[v + 1]!;
    if (s === e) {
      if (!allowIsolated) throw new ValueError(`${op}: vertex ${v} is in no face`);
      continue;
    }
    // start: the outgoing half-edge without a clockwise predecessor (twin = −1), else the first one
    let start = out[s]!;
    for (let k = s; k < e; k++) if (twin[out[k]!] === -1) { start = out[k]!; boundary[v] = 1; break; }
    let h = start, n = 0;
    do {
      ring[s + n++] = h;
      const p = twin[hePrev(h)]!;
      if (p === -1) { boundary[v] = 1; break; }
      h = p;
    } while (h !== start && n <= e - s);
    if (n !== e - s) throw new ValueError(`${op}: non-manifold vertex ${v} (its ${e - s} faces form more than one fan)`);
  }
  return { vertices: V, faces: F, origin, twin, ringPtr: deg, ring, boundary };
}

/** Target vertex of a half-edge. */
export function heTarget(he: HalfEdgeMesh, h: number): number {
  return he.origin[heNext(h)]!;
}

/**
 * The neighbours of every vertex in counter-clockwise order (CSR, same pointers as `ring`), plus,
 * for a boundary vertex, the last neighbour (reached along the incoming boundary half-edge),
 * so a boundary vertex with k faces has k + 1 neighbours.
 */
export function vertexNeighbours(he: HalfEdgeMesh): { ptr: Int32Array; idx: Int32Array } {
  const V = he.vertices, ptr = new Int32Array(V + 1), idx: number[] = [];
  for (let v = 0; v < V; v++) {
    const s = he.ringPtr[v]!, e = he.ringPtr[v + 1]!;
    for (let k = s; k < e; k++) idx.push(heTarget(he, he.ring[k]!));
    if (he.boundary[v] && e > s) idx.push(he.origin[hePrev(he.ring[e - 1]!)]!);
    ptr[v + 1] = idx.length;
  }
  return { ptr, idx: Int32Array.from(idx) };
}
