/**
 * Test-only mesh checks computed inline (the discrete-geometry module owns the public versions):
 * edge counts, Euler characteristic, manifoldness, orientation consistency, signed volume and the
 * smallest triangle area.
 */
import type { MeshData } from '../../src/mesh/index.js';

/** Topology and orientation summary of a triangle mesh. */
export interface MeshReport {
  V: number;
  E: number;
  F: number;
  euler: number;
  /** Undirected edges with exactly one face. */
  boundaryEdges: number;
  /** Undirected edges with more than two faces. */
  nonManifoldEdges: number;
  /** Directed edges used by two faces (neighbouring faces with inconsistent orientation). */
  flippedEdges: number;
  /** Vertices used by no face. */
  unusedVertices: number;
  /** Six times the signed volume Σ a · (b × c). */
  volume6: number;
  /** Smallest face area. */
  minArea: number;
}

export function meshReport(m: MeshData): MeshReport {
  const P = m.positions, Fc = m.faces;
  const V = P.length / 3, F = Fc.length / 3;
  const und = new Map<string, number>();
  const dir = new Set<string>();
  let flipped = 0, vol = 0, minArea = Infinity;
  const used = new Uint8Array(V);
  for (let f = 0; f < F; f++) {
    const v = [Fc[3 * f]!, Fc[3 * f + 1]!, Fc[3 * f + 2]!];
    for (let k = 0; k < 3; k++) {
      const a = v[k]!, b = v[(k + 1) % 3]!;
      used[a] = 1;
      const key = a < b ? `${a},${b}` : `${b},${a}`;
      und.set(key, (und.get(key) ?? 0) + 1);
      if (dir.has(`${a},${b}`)) flipped++;
      dir.add(`${a},${b}`);
    }
    const [A, B, C] = v.map((i) => [P[3 * i]!, P[3 * i + 1]!, P[3 * i + 2]!]) as [number[], number[], number[]];
    const u = [B[0]! - A[0]!, B[1]! - A[1]!, B[2]! - A[2]!], w = [C[0]! - A[0]!, C[1]! - A[1]!, C[2]! - A[2]!];
    const n = [u[1]! * w[2]! - u[2]! * w[1]!, u[2]! * w[0]! - u[0]! * w[2]!, u[0]! * w[1]! - u[1]! * w[0]!];
    minArea = Math.min(minArea, Math.hypot(n[0]!, n[1]!, n[2]!) / 2);
    vol += A[0]! * (B[1]! * C[2]! - B[2]! * C[1]!) - A[1]! * (B[0]! * C[2]! - B[2]! * C[0]!) + A[2]! * (B[0]! * C[1]! - B[1]! * C[0]!);
  }
  let boundary = 0, nonManifold = 0;
  for (const c of und.values()) { if (c === 1) boundary++; if (c > 2) nonManifold++; }
  let unused = 0;
  for (let i = 0; i < V; i++) if (!used[i]) unused++;
  return { V, E: und.size, F, euler: V - und.size + F, boundaryEdges: boundary, nonManifoldEdges: nonManifold, flippedEdges: flipped, unusedVertices: unused, volume6: vol, minArea };
}

/** Throw unless `m` is a closed, consistently oriented (outward) manifold with Euler characteristic `euler` and no degenerate face. */
export function expectClosedOriented(m: MeshData, euler: number, minArea = 1e-10): MeshReport {
  const r = meshReport(m);
  const problems: string[] = [];
  if (r.boundaryEdges) problems.push(`${r.boundaryEdges} boundary edges`);
  if (r.nonManifoldEdges) problems.push(`${r.nonManifoldEdges} non-manifold edges`);
  if (r.flippedEdges) problems.push(`${r.flippedEdges} inconsistently oriented edges`);
  if (r.unusedVertices) problems.push(`${r.unusedVertices} unused vertices`);
  if (r.euler !== euler) problems.push(`Euler characteristic ${r.euler}, expected ${euler}`);
  if (!(r.volume6 > 0)) problems.push(`signed volume ${r.volume6 / 6} is not positive (faces not CCW from outside)`);
  if (!(r.minArea > minArea)) problems.push(`degenerate face (min area ${r.minArea})`);
  if (problems.length) throw new Error(`mesh check failed: ${problems.join('; ')}`);
  return r;
}
