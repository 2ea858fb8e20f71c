/**
 * Discrete curvatures (Meyer, Desbrun, Schröder & Barr 2003). Gaussian: the angle defect
 * δ_v = 2π − Σ_f α_{f,v} (π − Σ on the boundary) is the integrated curvature over the vertex's area,
 * K_v = δ_v / A_v; Σ_v δ_v = 2π χ exactly (discrete Gauss–Bonnet, boundary vertices included with
 * the π convention). Mean: the mean-curvature normal Δx = M⁻¹ L x = −2 H n, so
 * H_v = −½ ⟨(M⁻¹ L x)_v, n_v⟩ (signed; +1 on the outward-oriented unit sphere).
 * @module
 */
import { csrMatvec } from '../../linalg/index.js';
import type { MeshData } from '../types.js';
import { cornerAngles, vertexAreas, type VertexAreaKind } from './areas.js';
import { buildHalfEdges } from './halfedge.js';
import { cotanLaplacian } from './laplacian.js';
import { vertexNormals } from './normals.js';

/**
 * Angle defect per vertex: 2π − Σ angles on interior vertices, π − Σ angles on boundary vertices
 * (the geodesic-curvature part of Gauss–Bonnet for a polygonal boundary). Isolated vertices get 0.
 */
export function angleDefect(mesh: MeshData, op = 'angleDefect'): Float64Array {
  const he = buildHalfEdges(mesh, op);
  const ang = cornerAngles(mesh), T = mesh.faces, V = he.vertices, out = new Float64Array(V);
  for (let v = 0; v < V; v++) if (he.ringPtr[v + 1]! > he.ringPtr[v]!) out[v] = he.boundary[v] ? Math.PI : 2 * Math.PI;
  for (let c = 0; c < T.length; c++) out[T[c]!]! -= ang[c]!;
  return out;
}

/** Pointwise Gaussian curvature K_v = δ_v / A_v (A_v the mixed Voronoi area by default). */
export function gaussianCurvature(mesh: MeshData, area: VertexAreaKind = 'voronoi'): Float64Array {
  const d = angleDefect(mesh, 'gaussianCurvature'), A = vertexAreas(mesh, area, 'gaussianCurvature');
  for (let v = 0; v < d.length; v++) d[v] = A[v]! > 0 ? d[v]! / A[v]! : 0;
  return d;
}

/**
 * Signed pointwise mean curvature H_v = −½ ⟨(M⁻¹ L x)_v, n_v⟩ with L the cotangent Laplacian, M the
 * vertex areas and n the angle-weighted normals (0 on a plane; 1/R on a sphere of radius R).
 */
export function meanCurvature(mesh: MeshData, area: VertexAreaKind = 'voronoi'): Float64Array {
  const L = cotanLaplacian(mesh, 'meanCurvature'), A = vertexAreas(mesh, area, 'meanCurvature');
  const n = vertexNormals(mesh, 'meanCurvature'), V = A.length, P = mesh.positions;
  const H = new Float64Array(V), x = new Float64Array(V);
  for (let d = 0; d < 3; d++) {
    for (let v = 0; v < V; v++) x[v] = P[3 * v + d]!;
    const lx = csrMatvec(L, x);
    for (let v = 0; v < V; v++) H[v]! += lx[v]! * n[3 * v + d]!;
  }
  for (let v = 0; v < V; v++) H[v] = A[v]! > 0 ? (-0.5 * H[v]!) / A[v]! : 0;
  return H;
}
