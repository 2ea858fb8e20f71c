/**
 * Mesh refinement: one-to-four subdivision (flat midpoints or Loop's smooth scheme) and
 * edge splitting down to a target edge length. Both keep the orientation of every face and the
 * topology (a closed manifold stays closed, the Euler characteristic is unchanged); boundaries
 * stay boundaries. See docs/design/mesh-data.md.
 * @module
 */
import { ValueError } from '../../util/index.js';
import { checkMeshData } from '../types.js';
import type { MeshData } from '../types.js';
import { checkInt, checkPositive, edgeKey } from './primitives.js';

/** Options of {@link subdivide}. */
export interface SubdivideOptions {
  /**
   * `'midpoint'` (default): new vertices at the edge midpoints, old vertices kept (the surface does
   * not change). `'loop'`: Loop's scheme (C. Loop, 1987) — an interior edge point is
   * 3/8(a + b) + 1/8(c + d) (c, d opposite), an interior vertex of valence n moves to
   * (1 − nβ)v + β Σ neighbours with β = (5/8 − (3/8 + ¼ cos(2π/n))²)/n (Loop's original weights);
   * on a boundary the edge point is the midpoint and a vertex moves to ¾v + ⅛(its two boundary
   * neighbours), so the boundary curve is refined as a cubic B-spline.
   */
  scheme?: 'midpoint' | 'loop';
  /** Number of rounds (default 1); each multiplies F by 4. */
  iterations?: number;
}

/**
 * Subdivide every triangle into four (corners a, b, c and edge points ab, bc, ca: faces
 * (a, ab, ca), (b, bc, ab), (c, ca, bc), (ab, bc, ca)). Old vertices keep their ids; the edge
 * points follow in order of first appearance. Optional normals and colours are dropped (they no
 * longer match the positions).
 * @throws ValueError for an unknown scheme or iterations outside [0, 8]; errors of checkMeshData
 * @example subdivide(icosphere(0), { scheme: 'loop' }).faces.length / 3 // 80
 */
export function subdivide(mesh: MeshData, opts: SubdivideOptions = {}): MeshData {
  const op = 'subdivide';
  checkMeshData(mesh, op);
  const scheme = opts.scheme ?? 'midpoint';
  if (scheme !== 'midpoint' && scheme !== 'loop') throw new ValueError(`${op}: scheme must be 'midpoint' or 'loop', got ${String(scheme)}`);
  const iterations = checkInt(op, 'iterations', opts.iterations ?? 1, 0, 8);
  let m: MeshData = { positions: mesh.positions.slice(), faces: mesh.faces.slice() };
  for (let it = 0; it < iterations; it++) m = subdivideOnce(m, scheme === 'loop');
  return m;
}

function subdivideOnce(mesh: MeshData, loop: boolean): MeshData {
  const P = mesh.positions, Fc = mesh.faces;
  const V = P.length / 3, F = Fc.length / 3;
  // edges: key → index; for each edge its two endpoints and up to two opposite vertices
  const edgeIndex = new Map<number, number>();
  const ends: number[] = [], opp: number[] = [];
  for (let f = 0; f < F; f++) {
    for (let k = 0; k < 3; k++) {
      const a = Fc[3 * f + k]!, b = Fc[3 * f + ((k + 1) % 3)]!, c = Fc[3 * f + ((k + 2) % 3)]!;
      const key = edgeKey(a, b);
      const e = edgeIndex.get(key);
      if (e === undefined) {
        edgeIndex.set(key, ends.length / 2);
        ends.push(a, b);
        opp.push(c, -1);
      } else if (opp[2 * e + 1] === -1) opp[2 * e + 1] = c;
      else throw new ValueError(`subdivide: edge (${a}, ${b}) has more than two faces (non-manifold mesh)`);
    }
  }
  const E = ends.length / 2;
  const out = new Float64Array(3 * (V + E));
  // vertex points
  if (!loop) out.set(P);
  else {
    const nbSum = new Float64Array(3 * V), valence = new Int32Array(V);
    const bSum = new Float64Array(3 * V), bCount = new Int32Array(V);
    for (let e = 0; e < E; e++) {
      const a = ends[2 * e]!, b = ends[2 * e + 1]!;
      const boundary = opp[2 * e + 1] === -1;
      for (const [x, y] of [[a, b], [b, a]] as const) {
        valence[x]!++;
        for (let k = 0; k < 3; k++) nbSum[3 * x + k]! += P[3 * y + k]!;
        if (boundary) {
          bCount[x]!++;
          for (let k = 0; k < 3; k++) bSum[3 * x + k]! += P[3 * y + k]!;
        }
      }
    }
    for (let v = 0; v < V; v++) {
      const n = valence[v]!;
      if (bCount[v]! > 0) {
        // boundary vertex (a regular one has two boundary neighbours; corners of odd meshes keep place)
        if (bCount[v] === 2) for (let k = 0; k < 3; k++) out[3 * v + k] = 0.75 * P[3 * v + k]! + 0.125 * bSum[3 * v + k]!;
        else for (let k = 0; k < 3; k++) out[3 * v + k] = P[3 * v + k]!;
      } else if (n === 0) {
        for (let k = 0; k < 3; k++) out[3 * v + k] = P[3 * v + k]!;
      } else {
        const c = 3 / 8 + 0.25 * Math.cos((2 * Math.PI) / n);
        const beta = (5 / 8 - c * c) / n;
        for (let k = 0; k < 3; k++) out[3 * v + k] = (1 - n * beta) * P[3 * v + k]! + beta * nbSum[3 * v + k]!;
      }
    }
  }
  // edge points
  for (let e = 0; e < E; e++) {
    const a = ends[2 * e]!, b = ends[2 * e + 1]!, c = opp[2 * e]!, d = opp[2 * e + 1]!;
    const o = 3 * (V + e);
    for (let k = 0; k < 3; k++) {
      out[o + k] = loop && d !== -1
        ? 0.375 * (P[3 * a + k]! + P[3 * b + k]!) + 0.125 * (P[3 * c + k]! + P[3 * d + k]!)
        : 0.5 * (P[3 * a + k]! + P[3 * b + k]!);
    }
  }
  const faces = new Int32Array(12 * F);
  for (let f = 0; f < F; f++) {
    const a = Fc[3 * f]!, b = Fc[3 * f + 1]!, c = Fc[3 * f + 2]!;
    const ab = V + edgeIndex.get(edgeKey(a, b))!, bc = V + edgeIndex.get(edgeKey(b, c))!, ca = V + edgeIndex.get(edgeKey(c, a))!;
    faces.set([a, ab, ca, b, bc, ab, c, ca, bc, ab, bc, ca], 12 * f);
  }
  return { positions: out, faces };
}

/** Options of {@link splitLongEdges}. */
export interface SplitEdgesOptions {
  /**
   * Place a new vertex: receives the midpoint (x, y, z) and the two endpoints' positions and
   * returns the position to use (default: the midpoint). Use it to push new vertices onto a known surface,
   * e.g. `(p) => p.map((x) => x / Math.hypot(...p))` for the unit sphere.
   */
  place?: (midpoint: [number, number, number], a: readonly number[], b: readonly number[]) => readonly number[];
  /** Stop after this many splits (default 2^22), as a guard against runaway refinement. */
  maxSplits?: number;
}

/**
 * Split every edge longer than `maxLength` at its midpoint (the two adjacent triangles become
 * four; a boundary edge's one becomes two), longest first, until no edge is longer — an isotropic
 * refinement toward the target edge length (edges end between maxLength/2 and maxLength, where
 * they started longer). Orientation, manifoldness and the Euler characteristic are kept; no
 * triangle degenerates (each split halves an edge). Old vertex ids are kept; new ones follow.
 * @throws ValueError for a non-positive maxLength or a non-manifold edge; errors of checkMeshData
 */
export function splitLongEdges(mesh: MeshData, maxLength: number, opts: SplitEdgesOptions = {}): MeshData {
  const op = 'splitLongEdges';
  checkMeshData(mesh, op);
  checkPositive(op, 'maxLength', maxLength);
  const maxSplits = checkInt(op, 'maxSplits', opts.maxSplits ?? 1 << 22, 0, 1 << 26);
  const pos: number[] = Array.from(mesh.positions);
  const faces: number[] = Array.from(mesh.faces);
  // edge key → faces holding it (one or two)
  const edgeFaces = new Map<number, number[]>();
  const addEdge = (a: number, b: number, f: number): void => {
    const k = edgeKey(a, b);
    const l = edgeFaces.get(k);
    if (!l) edgeFaces.set(k, [f]);
    else {
      if (l.length >= 2) throw new ValueError(`${op}: edge (${a}, ${b}) has more than two faces (non-manifold mesh)`);
      l.push(f);
    }
  };
  const replaceFace = (a: number, b: number, from: number, to: number): void => {
    const l = edgeFaces.get(edgeKey(a, b))!;
    l[l.indexOf(from)] = to;
  };
  for (let f = 0; f < faces.length / 3; f++) for (let k = 0; k < 3; k++) addEdge(faces[3 * f + k]!, faces[3 * f + ((k + 1) % 3)]!, f);
  const len2 = (a: number, b: number): number => (pos[3 * a]! - pos[3 * b]!) ** 2 + (pos[3 * a + 1]! - pos[3 * b + 1]!) ** 2 + (pos[3 * a + 2]! - pos[3 * b + 2]!) ** 2;
  const L2 = maxLength * maxLength;
  let splits = 0;
  for (;;) {
    const long: Array<[number, number, number]> = [];
    for (const [k, l] of edgeFaces) {
      const f = l[0]!;
      for (let i = 0; i < 3; i++) {
        const a = faces[3 * f + i]!, b = faces[3 * f + ((i + 1) % 3)]!;
        if (edgeKey(a, b) === k) {
          const d = len2(a, b);
          if (d > L2) long.push([d, a, b]);
          break;
        }
      }
    }
    if (long.length === 0) break;
    long.sort((x, y) => y[0] - x[0] || x[1] - y[1] || x[2] - y[2]);
    for (const [, a, b] of long) {
      const k = edgeKey(a, b);
      const l = edgeFaces.get(k);
      if (!l || len2(a, b) <= L2) continue;
      if (splits >= maxSplits) return { positions: Float64Array.from(pos), faces: Int32Array.from(faces) };
      splits++;
      const m = pos.length / 3;
      const mid: [number, number, number] = [(pos[3 * a]! + pos[3 * b]!) / 2, (pos[3 * a + 1]! + pos[3 * b + 1]!) / 2, (pos[3 * a + 2]! + pos[3 * b + 2]!) / 2];
      const p = opts.place ? opts.place(mid, pos.slice(3 * a, 3 * a + 3), pos.slice(3 * b, 3 * b + 3)) : mid;
      if (p.length !== 3 || !p.every((x) => Number.isFinite(x))) throw new ValueError(`${op}: place() must return three finite numbers`);
      pos.push(p[0]!, p[1]!, p[2]!);
      edgeFaces.delete(k);
      for (const f of l) {
        // rotate the face so that it reads (x, y, c) with {x, y} = {a, b}
        let i = 0;
        while (edgeKey(faces[3 * f + i]!, faces[3 * f + ((i + 1) % 3)]!) !== k) i++;
        const x = faces[3 * f + i]!, y = faces[3 * f + ((i + 1) % 3)]!, c = faces[3 * f + ((i + 2) % 3)]!;
        const g = faces.length / 3;
        faces[3 * f] = x; faces[3 * f + 1] = m; faces[3 * f + 2] = c;
        faces.push(m, y, c);
        replaceFace(y, c, f, g);
        addEdge(x, m, f);
        addEdge(m, y, g);
        addEdge(m, c, f);
        addEdge(m, c, g);
      }
    }
  }
  return { positions: Float64Array.from(pos), faces: Int32Array.from(faces) };
}
