/**
 * The cotangent Laplacian (Pinkall & Polthier 1993; Meyer et al. 2003) and the lumped mass matrix.
 * L is symmetric negative semi-definite: (L u)_i = ½ Σ_j (cot α_ij + cot β_ij)(u_j − u_i), α_ij, β_ij
 * the angles opposite edge ij (one on the boundary). With the diagonal mass M (vertex areas),
 * M⁻¹ L is the discrete Laplace–Beltrami operator Δ (on the unit sphere Δz = −2z).
 * @module
 */
import { csrDiag, csrFromTriplets, type CsrMatrix } from '../../linalg/index.js';
import type { MeshData } from '../types.js';
import { cornerAngles, faceAreasNormals, vertexAreas, type VertexAreaKind } from './areas.js';

/**
 * The cotangent Laplacian L (V×V CSR, symmetric, rows sum to 0, L ⪯ 0). O(F).
 * @throws ValueError naming `op` on a degenerate (zero-area) face
 */
export function cotanLaplacian(mesh: MeshData, op = 'cotanLaplacian'): CsrMatrix {
  faceAreasNormals(mesh, op); // rejects zero-area faces, whose cotangents are infinite
  const T = mesh.faces, V = mesh.positions.length / 3, ang = cornerAngles(mesh);
  const n = T.length, ti = new Int32Array(4 * n), tj = new Int32Array(4 * n), tv = new Float64Array(4 * n);
  let m = 0;
  for (let c = 0; c < n; c++) {
    const f = c - (c % 3), i = c % 3;
    const j = T[f + ((i + 1) % 3)]!, k = T[f + ((i + 2) % 3)]!;
    const w = 0.5 / Math.tan(ang[c]!);
    ti[m] = j; tj[m] = k; tv[m++] = w;
    ti[m] = k; tj[m] = j; tv[m++] = w;
    ti[m] = j; tj[m] = j; tv[m++] = -w;
    ti[m] = k; tj[m] = k; tv[m++] = -w;
  }
  return csrFromTriplets(V, V, ti, tj, tv, op);
}

/** The lumped (diagonal) mass matrix M = diag(vertex areas), 'voronoi' (mixed, default) or 'barycentric'. */
export function massMatrix(mesh: MeshData, kind: VertexAreaKind = 'voronoi'): CsrMatrix {
  return csrDiag(vertexAreas(mesh, kind, 'massMatrix'));
}
