/**
 * A topology report of a triangle mesh: edges, boundary edges and loops, non-manifold edges,
 * inconsistently oriented edges, isolated vertices, connected components and the Euler
 * characteristic. Pure (no three.js). See docs/design/mesh-io.md.
 * @module
 */
import { SizeError } from '../util/index.js';
import { checkMeshData } from './types.js';
import type { MeshData } from './types.js';

/** The result of {@link meshTopologyReport}. Edge lists are flat pairs (a, b) with a < b. */
export interface MeshTopologyReport {
  /** Number of vertices V. */
  vertices: number;
  /** Number of faces F. */
  faces: number;
  /** Number of distinct undirected edges E. */
  edges: number;
  /** Edges used by exactly one face, as pairs (a < b), sorted. */
  boundaryEdges: Int32Array;
  /** Number of closed boundary loops (cycles formed by the boundary edges; counted per component of the boundary graph). */
  boundaryLoops: number;
  /** Edges used by three or more faces, as pairs (a < b), sorted. */
  nonManifoldEdges: Int32Array;
  /** Edges used by exactly two faces that traverse it in the same direction (orientation flips), as pairs (a < b). */
  inconsistentEdges: Int32Array;
  /** Vertices used by no face, sorted. */
  isolatedVertices: Int32Array;
  /** Connected components of the faces (faces sharing an edge or a vertex are connected). */
  components: number;
  /** Euler characteristic V − E + F (isolated vertices included). */
  eulerCharacteristic: number;
  /** True when there are no boundary edges and no non-manifold edges. */
  closed: boolean;
  /** True when there are no non-manifold edges (vertex-manifoldness is not checked). */
  edgeManifold: boolean;
  /** True when every manifold interior edge is traversed once in each direction. */
  oriented: boolean;
}

function find(parent: Int32Array, x: number): number {
  while (parent[x] !== x) {
    parent[x] = parent[parent[x]!]!;
    x = parent[x]!;
  }
  return x;
}

function union(parent: Int32Array, a: number, b: number): void {
  const ra = find(parent, a), rb = find(parent, b);
  if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
}

/**
 * Report the topology of a mesh (see {@link MeshTopologyReport}). Runs {@link checkMeshData}
 * naming `op`, and a SizeError above 2^26 vertices. O(F log F) time.
 */
export function meshTopologyReport(mesh: MeshData, op = 'meshTopologyReport'): MeshTopologyReport {
  // edges are keyed as min·V + max in a float64, exact while V² ≤ 2^53
  const len = (mesh as Partial<MeshData> | null)?.positions?.length ?? 0;
  if (len / 3 > 2 ** 26) throw new SizeError(`${op}: ${len / 3} vertices exceed the report's limit of 2^26`);
  checkMeshData(mesh, op);
  const V = mesh.positions.length / 3;
  const T = mesh.faces;
  const F = T.length / 3;
  // directed half-edges encoded as min * V + max with a direction bit, sorted
  const n = 3 * F;
  const keys = new Float64Array(n);
  const dirs = new Int8Array(n);
  for (let f = 0; f < F; f++) {
    for (let k = 0; k < 3; k++) {
      const a = T[3 * f + k]!, b = T[3 * f + ((k + 1) % 3)]!;
      keys[3 * f + k] = Math.min(a, b) * V + Math.max(a, b);
      dirs[3 * f + k] = a < b ? 1 : -1;
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => keys[i]! - keys[j]! || i - j);
  const boundary: number[] = [], nonManifold: number[] = [], inconsistent: number[] = [];
  let edges = 0;
  const parent = new Int32Array(V).map((_, i) => i);
  const boundaryParent = new Int32Array(V).map((_, i) => i);
  const boundaryDegree = new Int32Array(V);
  for (let i = 0; i < n; ) {
    let j = i;
    let sum = 0;
    while (j < n && keys[order[j]!] === keys[order[i]!]) sum += dirs[order[j++]!]!;
    const count = j - i;
    const key = keys[order[i]!]!;
    const a = Math.floor(key / V), b = key - a * V;
    edges++;
    if (a === b) {
      // a degenerate face's self-edge: not an edge of the surface
      edges--;
    } else if (count === 1) {
      boundary.push(a, b);
      union(boundaryParent, a, b);
      boundaryDegree[a]!++;
      boundaryDegree[b]!++;
    } else if (count > 2) nonManifold.push(a, b);
    else if (sum !== 0) inconsistent.push(a, b);
    i = j;
  }
  const used = new Uint8Array(V);
  for (let f = 0; f < F; f++) {
    const a = T[3 * f]!, b = T[3 * f + 1]!, c = T[3 * f + 2]!;
    used[a] = used[b] = used[c] = 1;
    union(parent, a, b);
    union(parent, a, c);
  }
  const isolated: number[] = [];
  let components = 0, boundaryLoops = 0;
  for (let v = 0; v < V; v++) {
    if (!used[v]) isolated.push(v);
    else if (find(parent, v) === v) components++;
    if (boundaryDegree[v]! > 0 && find(boundaryParent, v) === v) boundaryLoops++;
  }
  return {
    vertices: V,
    faces: F,
    edges,
    boundaryEdges: Int32Array.from(boundary),
    boundaryLoops,
    nonManifoldEdges: Int32Array.from(nonManifold),
    inconsistentEdges: Int32Array.from(inconsistent),
    isolatedVertices: Int32Array.from(isolated),
    components,
    eulerCharacteristic: V - edges + F,
    closed: boundary.length === 0 && nonManifold.length === 0,
    edgeManifold: nonManifold.length === 0,
    oriented: inconsistent.length === 0,
  };
}
