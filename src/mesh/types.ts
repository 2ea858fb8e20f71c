/**
 * The plain data types of the mesh module: a triangle mesh ({@link MeshData}), per-vertex tangent
 * frames ({@link MeshFrames}) and a pooling map between two mesh levels ({@link MeshPooling}).
 * Everything is flat typed arrays, row-major, so the same values travel to workers, to the wasm
 * kernels and to files without conversion. See docs/design/meshes.md.
 * @module
 */
import { IndexError, ShapeError, ValueError } from '../util/index.js';

/**
 * A triangle mesh: `positions` [V, 3] and `faces` [F, 3] (vertex ids, counter-clockwise seen from
 * outside, so the face normal (b − a) × (c − a) points out), with optional per-vertex `normals`
 * [V, 3] and `colors` [V, 3] (linear RGB in [0, 1]).
 */
export interface MeshData {
  /** Vertex positions, V·3 numbers (x, y, z per vertex). */
  positions: Float64Array;
  /** Triangles, F·3 vertex ids. */
  faces: Int32Array;
  /** Optional unit vertex normals, V·3 numbers. */
  normals?: Float64Array;
  /** Optional vertex colours, V·3 numbers in [0, 1]. */
  colors?: Float32Array;
}

/**
 * An orthonormal tangent frame (gauge) per vertex: `xAxis`, `yAxis` span the tangent plane and
 * `normal` = `xAxis` × `yAxis`; each is V·3 numbers. A vector v in the tangent plane at p has gauge
 * coordinates (⟨v, xAxis_p⟩, ⟨v, yAxis_p⟩) and polar angle θ = atan2 of those.
 */
export interface MeshFrames {
  /** First tangent axis e_x per vertex, V·3. */
  xAxis: Float64Array;
  /** Second tangent axis e_y = n × e_x per vertex, V·3. */
  yAxis: Float64Array;
  /** Unit normal n per vertex, V·3. */
  normal: Float64Array;
}

/**
 * A pooling map from a fine mesh level to a coarse one: assignment k sends fine vertex `fine[k]`
 * (= q) to coarse vertex `coarse[k]` (= p), with the parallel-transport angle `transport[k]`
 * = g_{q→p} that carries a tangent vector from q's gauge into p's gauge. Pooling averages
 * ρ(g_{q→p}) f_q over the assignments of p; unpooling sends ρ(−g_{q→p}) f_p back to q.
 */
export interface MeshPooling {
  /** Number of vertices of the fine level. */
  fineVertices: number;
  /** Number of vertices of the coarse level. */
  coarseVertices: number;
  /** Fine vertex q of each assignment. */
  fine: Int32Array;
  /** Coarse vertex p of each assignment. */
  coarse: Int32Array;
  /** Transport angle g_{q→p} of each assignment. */
  transport: Float64Array;
}

/** Number of vertices of a mesh. */
export function meshVertexCount(mesh: MeshData): number {
  return mesh.positions.length / 3;
}

/** Number of triangles of a mesh. */
export function meshFaceCount(mesh: MeshData): number {
  return mesh.faces.length / 3;
}

/**
 * Build a {@link MeshData} from nested or flat arrays (copies). Runs {@link checkMeshData}.
 * @example meshData([[0, 0, 0], [1, 0, 0], [0, 1, 0]], [[0, 1, 2]])
 */
export function meshData(
  positions: ArrayLike<number> | ArrayLike<ArrayLike<number>>,
  faces: ArrayLike<number> | ArrayLike<ArrayLike<number>>,
  op = 'meshData',
): MeshData {
  const flat = (a: ArrayLike<number> | ArrayLike<ArrayLike<number>>, name: string): number[] => {
    const out: number[] = [];
    for (let i = 0; i < a.length; i++) {
      const v = a[i] as number | ArrayLike<number>;
      if (typeof v === 'number') out.push(v);
      else if (v && typeof v === 'object' && typeof v.length === 'number') {
        if (v.length !== 3) throw new ShapeError(`${op}: ${name}[${i}] has ${v.length} entries, expected 3`);
        for (let j = 0; j < 3; j++) out.push(Number(v[j]));
      } else throw new ValueError(`${op}: ${name}[${i}] is not a number or a triple`);
    }
    return out;
  };
  const mesh: MeshData = { positions: Float64Array.from(flat(positions, 'positions')), faces: Int32Array.from(flat(faces, 'faces')) };
  checkMeshData(mesh, op);
  return mesh;
}

/**
 * Check a {@link MeshData}: typed arrays of the right types, lengths divisible by 3, finite
 * positions, face ids integers in [0, V), optional normals/colours of length V·3. Throws a
 * ShapeError, IndexError or ValueError naming `op`.
 */
export function checkMeshData(mesh: MeshData, op = 'mesh'): void {
  if (!mesh || typeof mesh !== 'object' || !(mesh.positions instanceof Float64Array) || !(mesh.faces instanceof Int32Array)) {
    throw new ValueError(`${op}: expected a MeshData { positions: Float64Array, faces: Int32Array }`);
  }
  const { positions, faces } = mesh;
  if (positions.length % 3 !== 0) throw new ShapeError(`${op}: positions has ${positions.length} numbers, not a multiple of 3`);
  if (faces.length % 3 !== 0) throw new ShapeError(`${op}: faces has ${faces.length} ids, not a multiple of 3`);
  const V = positions.length / 3;
  for (let i = 0; i < positions.length; i++) {
    if (!Number.isFinite(positions[i]!)) throw new ValueError(`${op}: vertex ${Math.floor(i / 3)} has a non-finite coordinate ${positions[i]}`);
  }
  for (let i = 0; i < faces.length; i++) {
    const v = faces[i]!;
    if (v < 0 || v >= V) throw new IndexError(`${op}: face ${Math.floor(i / 3)} uses vertex ${v}, outside [0, ${V})`);
  }
  for (const [name, a] of [['normals', mesh.normals], ['colors', mesh.colors]] as const) {
    if (a === undefined) continue;
    if (!(a instanceof Float64Array || a instanceof Float32Array)) throw new ValueError(`${op}: ${name} must be a typed float array`);
    if (a.length !== positions.length) throw new ShapeError(`${op}: ${name} has ${a.length} numbers, expected V·3 = ${positions.length}`);
  }
}

/**
 * Check a {@link MeshPooling}: equal array lengths, ids inside their levels, finite angles.
 * Throws a ShapeError, IndexError or ValueError naming `op`.
 */
export function checkMeshPooling(pool: MeshPooling, op = 'mesh pooling'): void {
  if (!pool || typeof pool !== 'object' || !(pool.fine instanceof Int32Array) || !(pool.coarse instanceof Int32Array) || !(pool.transport instanceof Float64Array)) {
    throw new ValueError(`${op}: expected a MeshPooling { fine, coarse: Int32Array, transport: Float64Array, fineVertices, coarseVertices }`);
  }
  const m = pool.fine.length;
  if (pool.coarse.length !== m || pool.transport.length !== m) {
    throw new ShapeError(`${op}: fine/coarse/transport have ${m}/${pool.coarse.length}/${pool.transport.length} entries`);
  }
  for (let k = 0; k < m; k++) {
    const q = pool.fine[k]!, p = pool.coarse[k]!;
    if (q < 0 || q >= pool.fineVertices) throw new IndexError(`${op}: assignment ${k} has fine vertex ${q}, outside [0, ${pool.fineVertices})`);
    if (p < 0 || p >= pool.coarseVertices) throw new IndexError(`${op}: assignment ${k} has coarse vertex ${p}, outside [0, ${pool.coarseVertices})`);
    if (!Number.isFinite(pool.transport[k]!)) throw new ValueError(`${op}: assignment ${k} has a non-finite transport angle`);
  }
}
