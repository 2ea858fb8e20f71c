/**
 * A light isotropic remesher without edge collapses: edge splitting toward a target length,
 * valence-improving edge flips and tangential relaxation, optionally projecting every moved vertex
 * back onto a known surface. Topology and orientation are kept. See docs/design/mesh-data.md.
 * @module
 */
import { ValueError } from '../../util/index.js';
import { checkMeshData } from '../types.js';
import type { MeshData } from '../types.js';
import { checkInt, checkPositive, edgeKey } from './primitives.js';
import { splitLongEdges } from './subdivide.js';

/** Options of {@link remesh}. */
export interface RemeshOptions {
  /** Rounds of split → flip → relax (default 3). */
  iterations?: number;
  /** Relaxation step λ in [0, 1] toward the neighbours' centroid, tangential part only (default 0.5). */
  relax?: number;
  /**
   * Project a point onto the surface being remeshed (default: none — relaxation then moves
   * vertices only within their tangent planes, which slightly flattens curved regions).
   */
  project?: (p: [number, number, number]) => readonly number[];
}

function faceNormal(P: ArrayLike<number>, a: number, b: number, c: number): [number, number, number] {
  const ux = P[3 * b]! - P[3 * a]!, uy = P[3 * b + 1]! - P[3 * a + 1]!, uz = P[3 * b + 2]! - P[3 * a + 2]!;
  const vx = P[3 * c]! - P[3 * a]!, vy = P[3 * c + 1]! - P[3 * a + 1]!, vz = P[3 * c + 2]! - P[3 * a + 2]!;
  return [uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx];
}

const FLAT = Math.cos((20 * Math.PI) / 180);

function unitDot(u: readonly number[], v: readonly number[]): number {
  return (u[0]! * v[0]! + u[1]! * v[1]! + u[2]! * v[2]!) / (Math.hypot(u[0]!, u[1]!, u[2]!) * Math.hypot(v[0]!, v[1]!, v[2]!));
}

/**
 * Flip interior edges where that brings the four vertices' valences closer to the ideal (6 inside,
 * 4 on a boundary), as long as the quad is nearly flat (the unit normals of the old pair and of
 * the new pair each agree to within 20°), the two new triangles keep the orientation of the old
 * pair (each new normal has a positive component along the old pair's normal, no triangle
 * degenerates) and the new edge does not exist yet. Returns a new mesh; vertex positions and ids are unchanged.
 * @throws ValueError for a non-manifold edge; errors of checkMeshData
 */
export function flipEdges(mesh: MeshData, passes = 4): MeshData {
  const op = 'flipEdges';
  checkMeshData(mesh, op);
  checkInt(op, 'passes', passes, 0, 64);
  const P = mesh.positions, F = mesh.faces.slice(), V = P.length / 3, nf = F.length / 3;
  const edgeFaces = new Map<number, number[]>();
  const valence = new Int32Array(V);
  for (let f = 0; f < nf; f++) {
    for (let k = 0; k < 3; k++) {
      const a = F[3 * f + k]!, b = F[3 * f + ((k + 1) % 3)]!, key = edgeKey(a, b);
      const l = edgeFaces.get(key);
      if (!l) { edgeFaces.set(key, [f]); valence[a]!++; valence[b]!++; } else if (l.length >= 2) throw new ValueError(`${op}: edge (${a}, ${b}) has more than two faces`);
      else l.push(f);
    }
  }
  const boundary = new Uint8Array(V);
  for (const [key, l] of edgeFaces) if (l.length === 1) { boundary[Math.floor(key / 67108864)] = 1; boundary[key % 67108864] = 1; }
  const ideal = (v: number): number => (boundary[v] ? 4 : 6);
  const opposite = (f: number, a: number, b: number): number => {
    for (let k = 0; k < 3; k++) { const x = F[3 * f + k]!; if (x !== a && x !== b) return x; }
    return -1;
  };
  const directed = (f: number, a: number, b: number): boolean => {
    for (let k = 0; k < 3; k++) if (F[3 * f + k] === a && F[3 * f + ((k + 1) % 3)] === b) return true;
    return false;
  };
  for (let pass = 0; pass < passes; pass++) {
    let flips = 0;
    for (const key of [...edgeFaces.keys()]) {
      const l = edgeFaces.get(key);
      if (!l || l.length !== 2) continue;
      const x = Math.floor(key / 67108864), y = key % 67108864;
      const [f, g] = l as [number, number];
      const [a, b] = directed(f, x, y) ? [x, y] : [y, x];
      if (!directed(f, a, b) || !directed(g, b, a)) continue; // inconsistently oriented pair: leave it
      const c = opposite(f, a, b), d = opposite(g, b, a);
      if (c === d || edgeFaces.has(edgeKey(c, d))) continue;
      const dev = (v: number, dv: number): number => (valence[v]! + dv - ideal(v)) ** 2;
      const before = dev(a, 0) + dev(b, 0) + dev(c, 0) + dev(d, 0);
      const after = dev(a, -1) + dev(b, -1) + dev(c, 1) + dev(d, 1);
      if (after >= before) continue;
      const n0 = faceNormal(P, a, b, c), n1 = faceNormal(P, b, a, d);
      const m = [n0[0] + n1[0], n0[1] + n1[1], n0[2] + n1[2]];
      const na = faceNormal(P, c, a, d), nb = faceNormal(P, d, b, c);
      const area0 = Math.hypot(...n0) + Math.hypot(...n1);
      const ok = (n: [number, number, number]): boolean => n[0] * m[0]! + n[1] * m[1]! + n[2] * m[2]! > 0 && Math.hypot(...n) > 1e-3 * area0;
      if (!ok(na) || !ok(nb)) continue;
      // only flip in nearly flat quads (both diagonals' dihedrals within ~20°), so features and
      // curved regions keep their shape
      if (unitDot(n0, n1) < FLAT || unitDot(na, nb) < FLAT) continue;
      F[3 * f] = c; F[3 * f + 1] = a; F[3 * f + 2] = d;
      F[3 * g] = d; F[3 * g + 1] = b; F[3 * g + 2] = c;
      edgeFaces.delete(key);
      edgeFaces.set(edgeKey(c, d), [f, g]);
      const ad = edgeFaces.get(edgeKey(a, d))!; ad[ad.indexOf(g)] = f;
      const bc = edgeFaces.get(edgeKey(b, c))!; bc[bc.indexOf(f)] = g;
      valence[a]!--; valence[b]!--; valence[c]!++; valence[d]!++;
      flips++;
    }
    if (flips === 0) break;
  }
  return { positions: P.slice(), faces: F };
}

/**
 * Remesh toward edge length `targetLength` without collapsing edges: each round splits edges
 * longer than 4/3 · target ({@link splitLongEdges}), flips edges toward regular valence
 * ({@link flipEdges}) and moves every interior vertex by λ times the tangential part of (neighbour
 * centroid − vertex), the tangent plane given by the area-weighted vertex normal, then projects it
 * with `project` when given. Boundary vertices stay fixed. Orientation and topology are kept;
 * edges shorter than the target are not removed (the result is at least as fine as the input).
 * @throws ValueError for bad options or a non-manifold mesh; errors of checkMeshData
 */
export function remesh(mesh: MeshData, targetLength: number, opts: RemeshOptions = {}): MeshData {
  const op = 'remesh';
  checkMeshData(mesh, op);
  checkPositive(op, 'targetLength', targetLength);
  const iterations = checkInt(op, 'iterations', opts.iterations ?? 3, 0, 32);
  const lambda = opts.relax ?? 0.5;
  if (!(lambda >= 0 && lambda <= 1)) throw new ValueError(`${op}: relax must be in [0, 1], got ${String(lambda)}`);
  const project = opts.project;
  const place = project ? (p: [number, number, number]) => project(p) : undefined;
  let m: MeshData = { positions: mesh.positions.slice(), faces: mesh.faces.slice() };
  for (let it = 0; it < iterations; it++) {
    m = splitLongEdges(m, (4 / 3) * targetLength, place ? { place } : {});
    m = flipEdges(m);
    const P = m.positions, F = m.faces, V = P.length / 3;
    const nsum = new Float64Array(3 * V), csum = new Float64Array(3 * V), cnt = new Int32Array(V);
    const count = new Map<number, number>();
    for (let f = 0; f < F.length; f += 3) {
      const n = faceNormal(P, F[f]!, F[f + 1]!, F[f + 2]!);
      for (let k = 0; k < 3; k++) {
        const a = F[f + k]!, b = F[f + ((k + 1) % 3)]!;
        for (let j = 0; j < 3; j++) { nsum[3 * a + j]! += n[j]!; csum[3 * a + j]! += P[3 * b + j]!; }
        cnt[a]!++;
        const key = edgeKey(a, b);
        count.set(key, (count.get(key) ?? 0) + 1);
      }
    }
    const fixed = new Uint8Array(V);
    for (const [key, c] of count) if (c === 1) { fixed[Math.floor(key / 67108864)] = 1; fixed[key % 67108864] = 1; }
    const out = P.slice();
    for (let v = 0; v < V; v++) {
      if (fixed[v] || cnt[v] === 0) continue;
      const n = [nsum[3 * v]!, nsum[3 * v + 1]!, nsum[3 * v + 2]!];
      const nl = Math.hypot(n[0]!, n[1]!, n[2]!);
      if (!(nl > 0)) continue;
      const d = [0, 1, 2].map((j) => csum[3 * v + j]! / cnt[v]! - P[3 * v + j]!);
      const dn = (d[0]! * n[0]! + d[1]! * n[1]! + d[2]! * n[2]!) / (nl * nl);
      let q: readonly number[] = [0, 1, 2].map((j) => P[3 * v + j]! + lambda * (d[j]! - dn * n[j]!));
      if (project) q = project([q[0]!, q[1]!, q[2]!]);
      if (q.length !== 3 || !q.every((x) => Number.isFinite(x))) throw new ValueError(`${op}: project() must return three finite numbers`);
      out[3 * v] = q[0]!; out[3 * v + 1] = q[1]!; out[3 * v + 2] = q[2]!;
    }
    m = { positions: out, faces: F };
  }
  return m;
}
