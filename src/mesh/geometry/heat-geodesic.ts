/**
 * Geodesic distances by the heat method (Crane, Weischedel & Wardetzky, "Geodesics in heat",
 * ACM TOG 2013): (1) diffuse for time t = m·h² (h the mean edge length): (M − tL) u = δ_sources;
 * (2) X = −∇u / ‖∇u‖ per face; (3) solve the Poisson problem L φ = ∇·X; (4) shift φ so its minimum
 * over the sources is 0. L is the cotangent Laplacian, M the lumped barycentric mass. Both matrices
 * are factored once (sparse Cholesky with an RCM ordering) or solved by Jacobi-preconditioned CG;
 * the Poisson system is made definite by pinning one vertex per connected component.
 * @module
 */
import {
  choleskySolve, conjugateGradient, csrAdd, csrFromTriplets, sparseCholesky, type CsrMatrix,
} from '../../linalg/index.js';
import { IndexError, ValueError } from '../../util/index.js';
import type { MeshData } from '../types.js';
import { cornerAngles, faceAreasNormals, vertexAreas } from './areas.js';
import { buildHalfEdges } from './halfedge.js';
import { cotanLaplacian } from './laplacian.js';

/** Options of {@link heatGeodesicSolver}. */
export interface HeatGeodesicOptions {
  /** 'cholesky' (default: factor once, fast repeated solves) or 'cg' (Jacobi-preconditioned). */
  solver?: 'cholesky' | 'cg';
  /** Time factor m in t = m·h² (default 1, as in the paper). */
  timeFactor?: number;
  /**
   * Relative tolerance of CG (default 1e-14). The heat solution decays like exp(−d²/4t), so far from
   * the sources its values fall below any residual-based tolerance and the normalised gradient there
   * is noise: CG distances match Cholesky near the sources but can be off far away (tens of edge
   * lengths); prefer 'cholesky' for whole-mesh distances.
   */
  tol?: number;
}

/** A prepared heat-method solver on one mesh. */
export interface HeatGeodesicSolver {
  /** Diffusion time t used. */
  t: number;
  /** Approximate geodesic distance from the nearest source to every vertex (Infinity on components without a source). */
  distance(sources: number | ArrayLike<number>): Float64Array;
}

/** Connected components over faces (union-find); returns a component id per vertex (isolated vertices get their own). */
export function meshComponents(mesh: MeshData): Int32Array {
  const V = mesh.positions.length / 3, parent = Int32Array.from({ length: V }, (_, i) => i);
  const find = (x: number): number => { while (parent[x] !== x) { parent[x] = parent[parent[x]!]!; x = parent[x]!; } return x; };
  const T = mesh.faces;
  for (let c = 0; c < T.length; c++) {
    const a = find(T[c]!), b = find(T[c - (c % 3) + ((c + 1) % 3)]!);
    if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
  }
  const comp = new Int32Array(V);
  for (let v = 0; v < V; v++) comp[v] = find(v);
  return comp;
}

/**
 * Prepare the heat method on a manifold triangle mesh (boundary allowed: Neumann conditions).
 * Cost: two sparse factorisations (or none with 'cg'); each distance query is two solves, O(|L|).
 * @throws ValueError naming the op on a non-manifold or degenerate mesh
 */
export function heatGeodesicSolver(mesh: MeshData, opts: HeatGeodesicOptions = {}): HeatGeodesicSolver {
  const op = 'heatGeodesic';
  buildHalfEdges(mesh, op);
  const P = mesh.positions, T = mesh.faces, V = P.length / 3, F = T.length / 3;
  const { normals: fn } = faceAreasNormals(mesh, op);
  const ang = cornerAngles(mesh), L = cotanLaplacian(mesh, op), mass = vertexAreas(mesh, 'barycentric', op);
  let h = 0;
  for (let c = 0; c < T.length; c++) {
    const a = 3 * T[c]!, b = 3 * T[c - (c % 3) + ((c + 1) % 3)]!;
    h += Math.hypot(P[a]! - P[b]!, P[a + 1]! - P[b + 1]!, P[a + 2]! - P[b + 2]!);
  }
  h /= T.length;
  const t = (opts.timeFactor ?? 1) * h * h;
  const solverKind = opts.solver ?? 'cholesky';
  if (solverKind !== 'cholesky' && solverKind !== 'cg') throw new ValueError(`${op}: unknown solver ${String(solverKind)}`);
  const diag: number[] = [], idx: number[] = [];
  for (let v = 0; v < V; v++) { idx.push(v); diag.push(mass[v]!); }
  const M = csrFromTriplets(V, V, idx, idx, diag, op);
  const heatA = csrAdd(M, L, 1, -t);
  // Poisson: −L with one pinned vertex per component (row and column replaced by the identity)
  const comp = meshComponents(mesh), pinned = new Uint8Array(V);
  for (let v = 0; v < V; v++) if (comp[v] === v) pinned[v] = 1;
  const pi: number[] = [], pj: number[] = [], pv: number[] = [];
  for (let i = 0; i < V; i++) {
    if (pinned[i]) { pi.push(i); pj.push(i); pv.push(1); continue; }
    for (let p = L.rowPtr[i]!; p < L.rowPtr[i + 1]!; p++) {
      const j = L.colIdx[p]!;
      if (!pinned[j]) { pi.push(i); pj.push(j); pv.push(-L.values[p]!); }
    }
  }
  const poissonA = csrFromTriplets(V, V, pi, pj, pv, op);
  const makeSolve = (A: CsrMatrix): ((b: Float64Array) => Float64Array) => {
    if (solverKind === 'cholesky') { const f = sparseCholesky(A); return (b) => choleskySolve(f, b); }
    return (b) => conjugateGradient(A, b, { tol: opts.tol ?? 1e-14 }).x;
  };
  const solveHeat = makeSolve(heatA), solvePoisson = makeSolve(poissonA);
  return {
    t,
    distance(sources) {
      const src = typeof sources === 'number' ? [sources] : Array.from(sources);
      if (src.length === 0) throw new ValueError(`${op}: no source vertices`);
      const delta = new Float64Array(V);
      for (const s of src) {
        if (!Number.isInteger(s) || s < 0 || s >= V) throw new IndexError(`${op}: source ${s} outside [0, ${V})`);
        delta[s] = 1;
      }
      const u = solveHeat(delta);
      const div = new Float64Array(V);
      for (let f = 0; f < F; f++) {
        // ∇u = 1/(2A) Σ_i u_i (N × e_i), e_i the edge opposite corner i (counter-clockwise)
        const n0 = fn[3 * f]!, n1 = fn[3 * f + 1]!, n2 = fn[3 * f + 2]!;
        let g0 = 0, g1 = 0, g2 = 0;
        for (let i = 0; i < 3; i++) {
          const j = 3 * T[3 * f + ((i + 1) % 3)]!, k = 3 * T[3 * f + ((i + 2) % 3)]!;
          const e0 = P[k]! - P[j]!, e1 = P[k + 1]! - P[j + 1]!, e2 = P[k + 2]! - P[j + 2]!;
          const ui = u[T[3 * f + i]!]!;
          g0 += ui * (n1 * e2 - n2 * e1); g1 += ui * (n2 * e0 - n0 * e2); g2 += ui * (n0 * e1 - n1 * e0);
        }
        const gl = Math.hypot(g0, g1, g2);
        if (!(gl > 0)) continue;
        const x0 = -g0 / gl, x1 = -g1 / gl, x2 = -g2 / gl;
        for (let i = 0; i < 3; i++) {
          const vi = T[3 * f + i]!, vj = T[3 * f + ((i + 1) % 3)]!, vk = T[3 * f + ((i + 2) % 3)]!;
          const cotJ = 1 / Math.tan(ang[3 * f + ((i + 1) % 3)]!), cotK = 1 / Math.tan(ang[3 * f + ((i + 2) % 3)]!);
          const eij = (P[3 * vj]! - P[3 * vi]!) * x0 + (P[3 * vj + 1]! - P[3 * vi + 1]!) * x1 + (P[3 * vj + 2]! - P[3 * vi + 2]!) * x2;
          const eik = (P[3 * vk]! - P[3 * vi]!) * x0 + (P[3 * vk + 1]! - P[3 * vi + 1]!) * x1 + (P[3 * vk + 2]! - P[3 * vi + 2]!) * x2;
          div[vi]! += 0.5 * (cotK * eij + cotJ * eik);
        }
      }
      // (−L) φ = −div, pinned entries 0
      const rhs = new Float64Array(V);
      for (let v = 0; v < V; v++) rhs[v] = pinned[v] ? 0 : -div[v]!;
      const phi = solvePoisson(rhs);
      const shift = new Map<number, number>();
      for (const s of src) shift.set(comp[s]!, Math.min(shift.get(comp[s]!) ?? Infinity, phi[s]!));
      const out = new Float64Array(V);
      for (let v = 0; v < V; v++) { const m = shift.get(comp[v]!); out[v] = m === undefined ? Infinity : phi[v]! - m; }
      return out;
    },
  };
}

/** One-shot heat-method distances from `sources` (see {@link heatGeodesicSolver}). */
export function heatGeodesic(mesh: MeshData, sources: number | ArrayLike<number>, opts: HeatGeodesicOptions = {}): Float64Array {
  return heatGeodesicSolver(mesh, opts).distance(sources);
}
