/**
 * Digits painted onto meshes — the MNIST-on-mesh experiment of GEM-CNN (de Haan et al., 2021),
 * whose data the reference code did not release, rebuilt offline from the procedural glyphs of
 * ./glyphs.ts.
 *
 * {@link paintImage} paints a square grey image onto a mesh as a per-vertex scalar: at a surface
 * point c with unit normal n and an in-plane frame (eₓ, e_y), a vertex p near c gets the image's
 * bilinear sample at its tangent-plane coordinates u = (p − c)·eₓ, v = (p − c)·e_y, the image
 * covering the square |u|, |v| ≤ s/2 (image x right = eₓ, image up = e_y). Only vertices of the
 * patch get a value (everything else is 0): those connected to the face of c through mesh edges
 * inside the ball |p − c| ≤ s/√2 (so a nearby, unconnected sheet is not painted) whose vertex
 * normal points to the same side as n (so a fold behind the patch is not painted). This is a
 * tangent-plane projection, not a geodesic parametrisation: the glyph is distorted where the
 * surface curves strongly within the patch.
 *
 * Every quantity is computed from the mesh alone — c is drawn on a face by area, n is the
 * area-weighted normal of the faces near c, eₓ starts at the tangent-plane projection of the
 * face's vertex farthest from c and turns by a random angle θ — so painting a rotated mesh with the same random draws gives the
 * same signal (rotation invariance of the procedure).
 *
 * {@link meshDigits} builds the dataset: per item a balanced digit label and glyph from
 * {@link digitParams} (upright; the orientation on the surface is θ, a random gauge), a mesh, a
 * random point and θ, and optionally a Haar-random rotation of the mesh. See
 * docs/design/mesh-data.md.
 * @module
 */
import { randomRotation, rotateMesh } from '../../mesh/index.js';
import type { MeshData } from '../../mesh/index.js';
import { checkMeshData } from '../../mesh/index.js';
import { Rng, SizeError, ValueError } from '../../util/index.js';
import { checkCount, checkRange, checkSeed, DATASET_SPLITS, digitParams, keyedRng, renderGlyph } from '../glyphs.js';
import type { DatasetSplit } from '../glyphs.js';

/** Defaults of {@link meshDigits}. */
export const MESH_DIGITS = Object.freeze({
  /** Side of the painted square relative to the mesh's bounding radius (largest distance from the centroid). */
  patchSize: 0.7,
  /** Side of the glyph image in pixels. */
  imageSize: 28,
  /** Largest number of signal values (items × vertices) one call may allocate. */
  maxValues: 2 ** 27,
});

/** Where and how an image is painted (see {@link paintImage}). */
export interface PaintPlacement {
  /** The face holding the centre. */
  face: number;
  /** Barycentric coordinates of the centre on that face (non-negative, sum 1). */
  bary: readonly [number, number, number];
  /** In-plane rotation θ of the image frame from the reference direction, radians (counter-clockwise about n). */
  angle: number;
  /** Side of the painted square in mesh units. */
  size: number;
}

/** The result of {@link paintImage}. */
export interface PaintResult {
  /** Per-vertex intensity in [0, 1]; 0 outside the patch. */
  signal: Float64Array;
  /** The centre c. */
  centre: Float64Array;
  /** The unit normal n of the patch. */
  normal: Float64Array;
  /** The image x axis eₓ (unit, ⟂ n). */
  xAxis: Float64Array;
  /** The image up axis e_y = n × eₓ. */
  yAxis: Float64Array;
  /** Vertices inside the patch (connected, same side, within the ball): the ones that may be nonzero. */
  patchVertices: Int32Array;
}

interface MeshCache {
  areas: Float64Array;
  cumulative: Float64Array;
  faceNormals: Float64Array;
  vertexNormals: Float64Array;
  offsets: Int32Array;
  neighbours: Int32Array;
  radius: number;
}

const caches = new WeakMap<MeshData, MeshCache>();

function meshCache(mesh: MeshData): MeshCache {
  const hit = caches.get(mesh);
  if (hit) return hit;
  const P = mesh.positions, Fc = mesh.faces;
  const V = P.length / 3, F = Fc.length / 3;
  const areas = new Float64Array(F), cumulative = new Float64Array(F), faceNormals = new Float64Array(3 * F), vertexNormals = new Float64Array(3 * V);
  const degree = new Int32Array(V + 1);
  let total = 0;
  for (let f = 0; f < F; f++) {
    const a = 3 * Fc[3 * f]!, b = 3 * Fc[3 * f + 1]!, c = 3 * Fc[3 * f + 2]!;
    const ux = P[b]! - P[a]!, uy = P[b + 1]! - P[a + 1]!, uz = P[b + 2]! - P[a + 2]!;
    const vx = P[c]! - P[a]!, vy = P[c + 1]! - P[a + 1]!, vz = P[c + 2]! - P[a + 2]!;
    const nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
    const l = Math.hypot(nx, ny, nz);
    areas[f] = l / 2;
    total += l / 2;
    cumulative[f] = total;
    if (l > 0) { faceNormals[3 * f] = nx / l; faceNormals[3 * f + 1] = ny / l; faceNormals[3 * f + 2] = nz / l; }
    for (const v of [a, b, c]) { vertexNormals[v]! += nx; vertexNormals[v + 1]! += ny; vertexNormals[v + 2]! += nz; }
    for (let k = 0; k < 3; k++) degree[Fc[3 * f + k]! + 1]! += 2;
  }
  for (let v = 0; v < V; v++) degree[v + 1]! += degree[v]!;
  const offsets = degree, fill = offsets.slice(0, V), neighbours = new Int32Array(offsets[V]!);
  for (let f = 0; f < F; f++) {
    for (let k = 0; k < 3; k++) {
      const a = Fc[3 * f + k]!, b = Fc[3 * f + ((k + 1) % 3)]!;
      neighbours[fill[a]!++] = b;
      neighbours[fill[b]!++] = a;
    }
  }
  const c = [0, 0, 0];
  for (let i = 0; i < P.length; i++) c[i % 3]! += P[i]! / V;
  let radius = 0;
  for (let i = 0; i < P.length; i += 3) radius = Math.max(radius, Math.hypot(P[i]! - c[0]!, P[i + 1]! - c[1]!, P[i + 2]! - c[2]!));
  const out = { areas, cumulative, faceNormals, vertexNormals, offsets, neighbours, radius };
  caches.set(mesh, out);
  return out;
}

/** The bounding radius of a mesh: the largest distance of a vertex from the vertex centroid. */
export function meshRadius(mesh: MeshData): number {
  checkMeshData(mesh, 'meshRadius');
  return meshCache(mesh).radius;
}

/**
 * Draw a placement on `mesh`: a face with probability ∝ area, a uniform point on it, an angle
 * uniform in [0, 2π). `size` is copied into the placement.
 * @throws ValueError for a mesh with zero area
 */
export function randomPlacement(mesh: MeshData, rng: Rng, size: number): PaintPlacement {
  const { cumulative } = meshCache(mesh);
  const F = cumulative.length;
  const total = F ? cumulative[F - 1]! : 0;
  if (!(total > 0)) throw new ValueError('randomPlacement: the mesh has no area');
  const t = rng.uniform() * total;
  let lo = 0, hi = F - 1;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (cumulative[mid]! > t) hi = mid; else lo = mid + 1; }
  const r1 = Math.sqrt(rng.uniform()), r2 = rng.uniform();
  const bary: [number, number, number] = [1 - r1, r1 * (1 - r2), r1 * r2];
  return { face: lo, bary, angle: rng.uniformIn(0, 2 * Math.PI), size };
}

/**
 * Paint a `side`×`side` row-major grey image (values in [0, 1], row 0 at the top) onto `mesh` at
 * `placement` (see the module documentation for the procedure).
 * @throws ValueError for a bad placement or image; errors of checkMeshData
 */
export function paintImage(mesh: MeshData, image: ArrayLike<number>, side: number, placement: PaintPlacement): PaintResult {
  const op = 'paintImage';
  checkMeshData(mesh, op);
  if (!Number.isInteger(side) || side < 1 || image.length !== side * side) throw new ValueError(`${op}: image must hold side² = ${side}² values, got ${image.length}`);
  const { face, bary, angle, size } = placement;
  const Fc = mesh.faces, P = mesh.positions, V = P.length / 3;
  if (!Number.isInteger(face) || face < 0 || face >= Fc.length / 3) throw new ValueError(`${op}: face ${face} is not a face of the mesh`);
  if (!(size > 0 && Number.isFinite(size))) throw new ValueError(`${op}: size must be positive, got ${size}`);
  if (!Number.isFinite(angle) || bary.length !== 3 || !bary.every((b) => b >= 0 && Number.isFinite(b)) || Math.abs(bary[0] + bary[1] + bary[2] - 1) > 1e-9) {
    throw new ValueError(`${op}: placement needs a finite angle and barycentric coordinates ≥ 0 summing to 1`);
  }
  const cache = meshCache(mesh);
  const ids = [Fc[3 * face]!, Fc[3 * face + 1]!, Fc[3 * face + 2]!];
  const c = new Float64Array(3);
  for (let k = 0; k < 3; k++) c[k] = bary[0] * P[3 * ids[0]! + k]! + bary[1] * P[3 * ids[1]! + k]! + bary[2] * P[3 * ids[2]! + k]!;
  // patch normal: area-weighted normals of the faces whose centroid is within size/2 of c
  const n = new Float64Array(3);
  const half = size / 2, half2 = half * half;
  for (let f = 0; f < Fc.length / 3; f++) {
    let d2 = 0;
    for (let k = 0; k < 3; k++) {
      const m = (P[3 * Fc[3 * f]! + k]! + P[3 * Fc[3 * f + 1]! + k]! + P[3 * Fc[3 * f + 2]! + k]!) / 3 - c[k]!;
      d2 += m * m;
    }
    if (d2 <= half2 || f === face) for (let k = 0; k < 3; k++) n[k]! += cache.areas[f]! * cache.faceNormals[3 * f + k]!;
  }
  let nl = Math.hypot(n[0]!, n[1]!, n[2]!);
  if (!(nl > 0)) { for (let k = 0; k < 3; k++) n[k] = cache.faceNormals[3 * face + k]!; nl = Math.hypot(n[0]!, n[1]!, n[2]!) || 1; }
  for (let k = 0; k < 3; k++) n[k] = n[k]! / nl;
  // reference direction: the face vertex farthest from c in the tangent plane, projected
  const e0 = new Float64Array(3);
  let best = 0;
  for (const v of ids) {
    const d = [0, 1, 2].map((k) => P[3 * v + k]! - c[k]!);
    const dn = d[0]! * n[0]! + d[1]! * n[1]! + d[2]! * n[2]!;
    const t = d.map((x, k) => x - dn * n[k]!);
    const l = Math.hypot(t[0]!, t[1]!, t[2]!);
    if (l > best) { best = l; for (let k = 0; k < 3; k++) e0[k] = t[k]! / l; }
  }
  if (!(best > 0)) throw new ValueError(`${op}: face ${face} is degenerate at the chosen point`);
  const e1 = [n[1]! * e0[2]! - n[2]! * e0[1]!, n[2]! * e0[0]! - n[0]! * e0[2]!, n[0]! * e0[1]! - n[1]! * e0[0]!];
  const cs = Math.cos(angle), sn = Math.sin(angle);
  const ex = new Float64Array(3), ey = new Float64Array(3);
  for (let k = 0; k < 3; k++) ex[k] = cs * e0[k]! + sn * e1[k]!;
  ey[0] = n[1]! * ex[2]! - n[2]! * ex[1]!; ey[1] = n[2]! * ex[0]! - n[0]! * ex[2]!; ey[2] = n[0]! * ex[1]! - n[1]! * ex[0]!;
  // the patch: connected through edges inside the ball of radius size/√2 (+ margin), same side as n
  const R2 = (size * size) / 2 * 1.0001;
  const inBall = (v: number): boolean => (P[3 * v]! - c[0]!) ** 2 + (P[3 * v + 1]! - c[1]!) ** 2 + (P[3 * v + 2]! - c[2]!) ** 2 <= R2;
  const sameSide = (v: number): boolean => cache.vertexNormals[3 * v]! * n[0]! + cache.vertexNormals[3 * v + 1]! * n[1]! + cache.vertexNormals[3 * v + 2]! * n[2]! > 0;
  const seen = new Uint8Array(V);
  const queue: number[] = [];
  for (const v of ids) if (!seen[v] && inBall(v)) { seen[v] = 1; queue.push(v); }
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q]!;
    for (let j = cache.offsets[v]!; j < cache.offsets[v + 1]!; j++) {
      const w = cache.neighbours[j]!;
      if (!seen[w] && inBall(w)) { seen[w] = 1; queue.push(w); }
    }
  }
  const signal = new Float64Array(V);
  const patch: number[] = [];
  const scale = side / size;
  for (const v of queue) {
    if (!sameSide(v)) continue;
    patch.push(v);
    const dx = P[3 * v]! - c[0]!, dy = P[3 * v + 1]! - c[1]!, dz = P[3 * v + 2]! - c[2]!;
    const u = dx * ex[0]! + dy * ex[1]! + dz * ex[2]!, w = dx * ey[0]! + dy * ey[1]! + dz * ey[2]!;
    // continuous pixel coordinates (x right, y down, pixel centres at +0.5)
    const x = side / 2 + u * scale - 0.5, y = side / 2 - w * scale - 0.5;
    signal[v] = bilinear(image, side, x, y);
  }
  return { signal, centre: c, normal: n, xAxis: ex, yAxis: ey, patchVertices: Int32Array.from(patch.sort((a, b) => a - b)) };
}

/** Bilinear sample of a row-major image at (x, y) in pixel-centre coordinates; 0 outside. */
function bilinear(img: ArrayLike<number>, S: number, x: number, y: number): number {
  if (!(x > -1 && y > -1 && x < S && y < S)) return 0;
  const x0 = Math.floor(x), y0 = Math.floor(y), fx = x - x0, fy = y - y0;
  const at = (r: number, col: number): number => (r >= 0 && r < S && col >= 0 && col < S ? img[r * S + col]! : 0);
  const v = (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) + fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

/** Options of {@link meshDigits}. */
export interface MeshDigitsOptions {
  /** The mesh(es) to paint on; each item picks one uniformly. */
  meshes: MeshData | readonly MeshData[];
  /** Number of items. */
  count: number;
  /** Seed (default 0). */
  seed?: number;
  /** Split (default 'train'); the glyphs are those of {@link digitParams} for (seed, split, index). */
  split?: DatasetSplit;
  /** First item index (default 0); item i depends only on (seed, split, i) and the meshes. */
  start?: number;
  /** Rotate each item's mesh by its own Haar-random rotation (default false). */
  rotate?: boolean;
  /** Side of the painted square relative to the mesh's bounding radius (default {@link MESH_DIGITS}.patchSize). */
  patchSize?: number;
  /** Pixel noise of the glyph image before painting (default 0). */
  noise?: number;
}

/** One item of {@link meshDigits}. */
export interface MeshDigitSample {
  /** Per-vertex intensity in [0, 1], V entries (0 away from the digit). */
  signal: Float64Array;
  /** The digit 0–9. */
  label: number;
  /** The mesh carrying the signal: one of the inputs, or its rotated copy when `rotate` is set. */
  mesh: MeshData;
  /** Index of the input mesh used. */
  meshIndex: number;
  /** The rotation applied (row-major 3×3), or null. */
  rotation: Float64Array | null;
  /** Where the glyph was painted (on the unrotated mesh; the painting is the same on the rotated one). */
  placement: PaintPlacement;
  /** Centre of the patch on `mesh`. */
  centre: Float64Array;
  /** Unit normal of the patch on `mesh`. */
  normal: Float64Array;
  /** Image x axis on `mesh` (the random gauge: the reference direction turned by `placement.angle`). */
  xAxis: Float64Array;
  /** Image up axis on `mesh`. */
  yAxis: Float64Array;
  /** Number of vertices of the patch (see {@link PaintResult.patchVertices}). */
  patchVertexCount: number;
}

const SPLIT_TAG: Record<DatasetSplit, number> = { train: 11, validation: 12, test: 13 };

/**
 * The MNIST-on-mesh dataset (see the module documentation): `count` items, each a digit glyph
 * painted at a random point with a random in-plane orientation on one of `meshes`, optionally on
 * a randomly rotated copy of it. Labels come in balanced blocks of ten (as in the rotated-digits
 * set). Deterministic for (seed, split, index).
 * @throws ValueError for bad options; SizeError when count × V exceeds {@link MESH_DIGITS}.maxValues
 * @example
 * ```ts
 * const items = meshDigits({ meshes: bunnyMesh({ subdivisions: 1 }), count: 100, seed: 0, rotate: true });
 * items[0].signal.length; // 7350
 * ```
 */
export function meshDigits(opts: MeshDigitsOptions): MeshDigitSample[] {
  const op = 'meshDigits';
  const meshes = (Array.isArray(opts.meshes) ? opts.meshes : [opts.meshes]) as readonly MeshData[];
  if (meshes.length === 0) throw new ValueError(`${op}: meshes must hold at least one mesh`);
  meshes.forEach((m, i) => checkMeshData(m, `${op}: meshes[${i}]`));
  const count = checkCount(op, 'count', opts.count, 1 << 24);
  const start = checkCount(op, 'start', opts.start ?? 0, 2 ** 31 - 1);
  const seed = checkSeed(op, opts.seed ?? 0);
  const split = opts.split ?? 'train';
  if (!DATASET_SPLITS.includes(split)) throw new ValueError(`${op}: split must be one of ${DATASET_SPLITS.join(', ')}, got ${String(split)}`);
  const patch = checkRange(op, 'patchSize', opts.patchSize ?? MESH_DIGITS.patchSize, 1e-6, 4);
  const noise = checkRange(op, 'noise', opts.noise ?? 0, 0, 1);
  const maxV = Math.max(...meshes.map((m) => m.positions.length / 3));
  if (count * maxV > MESH_DIGITS.maxValues) throw new SizeError(`${op}: ${count} items × ${maxV} vertices exceed ${MESH_DIGITS.maxValues} values; generate in chunks (start/count)`);
  const S = MESH_DIGITS.imageSize;
  const tag = SPLIT_TAG[split];
  const out: MeshDigitSample[] = [];
  for (let k = 0; k < count; k++) {
    const index = start + k;
    const params = digitParams(seed, split, index, true);
    const rng = keyedRng(seed, tag, index);
    const image = renderGlyph(params, { size: S, noise, rng: keyedRng(seed, tag + 100, index) });
    const meshIndex = rng.int(meshes.length);
    const base = meshes[meshIndex]!;
    const placement = randomPlacement(base, rng, patch * meshCache(base).radius);
    let mesh = base, rotation: Float64Array | null = null;
    if (opts.rotate) {
      rotation = randomRotation(keyedRng(seed, tag + 200, index));
      mesh = rotateMesh(base, rotation);
    }
    const painted = paintImage(mesh, image, S, placement);
    out.push({
      signal: painted.signal, label: params.digit, mesh, meshIndex, rotation, placement,
      centre: painted.centre, normal: painted.normal, xAxis: painted.xAxis, yAxis: painted.yAxis, patchVertexCount: painted.patchVertices.length,
    });
  }
  return out;
}
