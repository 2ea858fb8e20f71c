/**
 * Pure constructors of triangle meshes: icosphere, UV sphere, torus, capsule, closed cylinder,
 * (rounded) box and an open plane grid. Every closed shape is a closed 2-manifold whose faces are
 * counter-clockwise seen from outside (face normal (b − a) × (c − a) points out, signed volume
 * > 0); the plane grid faces +z. See docs/design/mesh-data.md.
 * @module
 */
import { ValueError } from '../../util/index.js';
import type { MeshData } from '../types.js';

/** Check an integer in [lo, hi] (named error). */
export function checkInt(op: string, name: string, v: unknown, lo: number, hi = 1 << 20): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) throw new ValueError(`${op}: ${name} must be an integer in [${lo}, ${hi}], got ${String(v)}`);
  return v;
}

/** Check a finite positive number (named error). */
export function checkPositive(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new ValueError(`${op}: ${name} must be a finite positive number, got ${String(v)}`);
  return v;
}

/** Build a MeshData from plain number lists (no copies of typed arrays needed later). */
function build(positions: number[], faces: number[]): MeshData {
  return { positions: Float64Array.from(positions), faces: Int32Array.from(faces) };
}

/** The undirected key of edge (a, b) for a mesh with fewer than 2^26 vertices. */
export function edgeKey(a: number, b: number): number {
  return a < b ? a * 67108864 + b : b * 67108864 + a;
}

/** Options of {@link icosphere}. */
export interface IcosphereOptions {
  /**
   * When new vertices are pushed onto the sphere: `'level'` (default) after every subdivision
   * step, which keeps the triangles close to equilateral; `'final'` only once at the end (the flat
   * subdivided icosahedron projected at once, as the `icosphere` npm package does).
   */
  projection?: 'level' | 'final';
}

/**
 * An icosphere: the regular icosahedron (12 vertices (±1, ±φ, 0) and cyclic permutations, scaled
 * to `radius`) refined `subdivisions` times by midpoint subdivision (each triangle into four, each
 * edge midpoint shared), with the vertices projected onto the sphere. V = 10·4ⁿ + 2,
 * F = 20·4ⁿ; the first 12 vertices are the icosahedron's, and each level appends its edge
 * midpoints. Faces are CCW seen from outside.
 * @throws ValueError for subdivisions outside [0, 8] or a non-positive radius
 * @example icosphere(2).positions.length / 3 // 162
 */
export function icosphere(subdivisions: number, radius = 1, opts: IcosphereOptions = {}): MeshData {
  const op = 'icosphere';
  checkInt(op, 'subdivisions', subdivisions, 0, 8);
  checkPositive(op, 'radius', radius);
  const projection = opts.projection ?? 'level';
  if (projection !== 'level' && projection !== 'final') throw new ValueError(`${op}: projection must be 'level' or 'final', got ${String(projection)}`);
  const t = (1 + Math.sqrt(5)) / 2;
  const pos: number[] = [
    -1, t, 0, 1, t, 0, -1, -t, 0, 1, -t, 0,
    0, -1, t, 0, 1, t, 0, -1, -t, 0, 1, -t,
    t, 0, -1, t, 0, 1, -t, 0, -1, -t, 0, 1,
  ];
  let faces: number[] = [
    0, 11, 5, 0, 5, 1, 0, 1, 7, 0, 7, 10, 0, 10, 11,
    1, 5, 9, 5, 11, 4, 11, 10, 2, 10, 7, 6, 7, 1, 8,
    3, 9, 4, 3, 4, 2, 3, 2, 6, 3, 6, 8, 3, 8, 9,
    4, 9, 5, 2, 4, 11, 6, 2, 10, 8, 6, 7, 9, 8, 1,
  ];
  const project = (from: number): void => {
    for (let i = from; i < pos.length; i += 3) {
      const n = Math.hypot(pos[i]!, pos[i + 1]!, pos[i + 2]!);
      pos[i] = pos[i]! / n; pos[i + 1] = pos[i + 1]! / n; pos[i + 2] = pos[i + 2]! / n;
    }
  };
  project(0);
  for (let s = 0; s < subdivisions; s++) {
    const start = pos.length;
    const mid = new Map<number, number>();
    const midpoint = (a: number, b: number): number => {
      const k = edgeKey(a, b);
      let m = mid.get(k);
      if (m === undefined) {
        m = pos.length / 3;
        pos.push((pos[3 * a]! + pos[3 * b]!) / 2, (pos[3 * a + 1]! + pos[3 * b + 1]!) / 2, (pos[3 * a + 2]! + pos[3 * b + 2]!) / 2);
        mid.set(k, m);
      }
      return m;
    };
    const next: number[] = [];
    for (let f = 0; f < faces.length; f += 3) {
      const a = faces[f]!, b = faces[f + 1]!, c = faces[f + 2]!;
      const ab = midpoint(a, b), bc = midpoint(b, c), ca = midpoint(c, a);
      next.push(a, ab, ca, b, bc, ab, c, ca, bc, ab, bc, ca);
    }
    faces = next;
    if (projection === 'level') project(start);
  }
  project(0);
  for (let i = 0; i < pos.length; i++) pos[i] = pos[i]! * radius;
  return build(pos, faces);
}

/**
 * A UV (latitude–longitude) sphere: two pole vertices and `rings − 1` latitude circles of
 * `segments` vertices. V = 2 + (rings − 1)·segments, F = 2·(rings − 1)·segments. The north pole
 * is +z.
 * @throws ValueError for rings < 2, segments < 3 or a non-positive radius
 */
export function uvSphere(rings = 16, segments = 32, radius = 1): MeshData {
  const op = 'uvSphere';
  checkInt(op, 'rings', rings, 2);
  checkInt(op, 'segments', segments, 3);
  checkPositive(op, 'radius', radius);
  const profile: Array<[number, number]> = [];
  for (let i = 1; i < rings; i++) {
    const phi = (Math.PI * i) / rings;
    profile.push([radius * Math.sin(phi), radius * Math.cos(phi)]);
  }
  return revolve(op, profile, segments, radius, -radius);
}

/**
 * A surface of revolution about z: the pole vertices (0, 0, top) and (0, 0, bottom) and one
 * circle of `segments` vertices per profile entry [ρ, z] (ordered from top to bottom), fanned at
 * the poles. CCW seen from outside.
 */
function revolve(op: string, profile: ReadonlyArray<readonly [number, number]>, segments: number, top: number, bottom: number): MeshData {
  if (profile.length < 1) throw new ValueError(`${op}: empty profile`);
  const pos: number[] = [0, 0, top];
  for (const [rho, z] of profile) {
    for (let j = 0; j < segments; j++) {
      const th = (2 * Math.PI * j) / segments;
      pos.push(rho * Math.cos(th), rho * Math.sin(th), z);
    }
  }
  const south = pos.length / 3;
  pos.push(0, 0, bottom);
  const faces: number[] = [];
  const ring = (i: number, j: number): number => 1 + i * segments + (j % segments);
  for (let j = 0; j < segments; j++) faces.push(0, ring(0, j), ring(0, j + 1));
  for (let i = 0; i + 1 < profile.length; i++) {
    for (let j = 0; j < segments; j++) {
      const a = ring(i, j), b = ring(i, j + 1), c = ring(i + 1, j), d = ring(i + 1, j + 1);
      faces.push(a, c, d, a, d, b);
    }
  }
  const last = profile.length - 1;
  for (let j = 0; j < segments; j++) faces.push(south, ring(last, j + 1), ring(last, j));
  return build(pos, faces);
}

/**
 * A torus about the z axis: tube centre circle of radius `R` in the xy plane, tube radius `r`
 * (0 < r < R), `segments` steps around z and `tubeSegments` around the tube. V = segments ·
 * tubeSegments, F = 2V, Euler characteristic 0.
 * @throws ValueError for r ≥ R, non-positive radii, segments < 3 or tubeSegments < 3
 */
export function torus(R = 1, r = 0.35, segments = 32, tubeSegments = 16): MeshData {
  const op = 'torus';
  checkPositive(op, 'R', R);
  checkPositive(op, 'r', r);
  if (r >= R) throw new ValueError(`${op}: tube radius r = ${r} must be smaller than R = ${R}`);
  checkInt(op, 'segments', segments, 3);
  checkInt(op, 'tubeSegments', tubeSegments, 3);
  const pos: number[] = [];
  for (let i = 0; i < segments; i++) {
    const u = (2 * Math.PI * i) / segments;
    for (let j = 0; j < tubeSegments; j++) {
      const v = (2 * Math.PI * j) / tubeSegments;
      const rho = R + r * Math.cos(v);
      pos.push(rho * Math.cos(u), rho * Math.sin(u), r * Math.sin(v));
    }
  }
  const id = (i: number, j: number): number => (i % segments) * tubeSegments + (j % tubeSegments);
  const faces: number[] = [];
  for (let i = 0; i < segments; i++) {
    for (let j = 0; j < tubeSegments; j++) {
      const a = id(i, j), b = id(i + 1, j), c = id(i + 1, j + 1), d = id(i, j + 1);
      faces.push(a, b, c, a, c, d);
    }
  }
  return build(pos, faces);
}

/**
 * A capsule along z: a cylinder of radius `radius` and length `length` (between the hemisphere
 * centres z = ±length/2) closed by two hemispheres of `capRings` latitude steps each, the
 * cylinder cut into `bodyRings` rings. Closed, genus 0.
 * @throws ValueError for non-positive sizes, segments < 3, capRings < 1 or bodyRings < 1
 */
export function capsule(radius = 0.5, length = 1, segments = 24, capRings = 6, bodyRings = 4): MeshData {
  const op = 'capsule';
  checkPositive(op, 'radius', radius);
  checkPositive(op, 'length', length);
  checkInt(op, 'segments', segments, 3);
  checkInt(op, 'capRings', capRings, 1);
  checkInt(op, 'bodyRings', bodyRings, 1);
  const h = length / 2;
  const profile: Array<[number, number]> = [];
  for (let i = 1; i <= capRings; i++) {
    const phi = (Math.PI / 2) * (i / capRings);
    profile.push([radius * Math.sin(phi), h + radius * Math.cos(phi)]);
  }
  for (let i = 1; i < bodyRings; i++) profile.push([radius, h - (length * i) / bodyRings]);
  for (let i = 0; i < capRings; i++) {
    const phi = (Math.PI / 2) * (i / capRings);
    profile.push([radius * Math.cos(phi), -h - radius * Math.sin(phi)]);
  }
  return revolve(op, profile, segments, h + radius, -h - radius);
}

/**
 * A closed cylinder along z: radius `radius`, from z = −height/2 to height/2, `segments` around,
 * `heightSegments` rings along the side and `capRings` concentric rings on each flat cap (fanned
 * at the cap centres). Closed, genus 0.
 * @throws ValueError for non-positive sizes, segments < 3, heightSegments < 1 or capRings < 1
 */
export function cylinder(radius = 0.5, height = 1, segments = 24, heightSegments = 4, capRings = 3): MeshData {
  const op = 'cylinder';
  checkPositive(op, 'radius', radius);
  checkPositive(op, 'height', height);
  checkInt(op, 'segments', segments, 3);
  checkInt(op, 'heightSegments', heightSegments, 1);
  checkInt(op, 'capRings', capRings, 1);
  const h = height / 2;
  const profile: Array<[number, number]> = [];
  for (let i = 1; i <= capRings; i++) profile.push([(radius * i) / capRings, h]);
  for (let i = 1; i < heightSegments; i++) profile.push([radius, h - (height * i) / heightSegments]);
  for (let i = capRings; i >= 1; i--) profile.push([(radius * i) / capRings, -h]);
  return revolve(op, profile, segments, h, -h);
}

/** Options of {@link box}. */
export interface BoxOptions {
  /** Grid cells along each edge of the box (default 4). */
  divisions?: number;
  /**
   * Rounding radius (default 0: sharp box). With r > 0 every vertex q of the grid is replaced by
   * c + r·(q − c)/|q − c| where c is q clamped to the box shrunk by r — flat faces, quarter-cylinder
   * edges and eighth-sphere corners. Must be below half the smallest side.
   */
  rounding?: number;
}

/**
 * An axis-aligned box centred at the origin with sides `sx`, `sy`, `sz`, each face a
 * `divisions`×`divisions` grid (vertices shared along the edges), optionally rounded (see
 * {@link BoxOptions.rounding}). V = 6d² + 2, F = 12d², closed, genus 0.
 * @throws ValueError for non-positive sides, divisions < 1 or a rounding ≥ half the smallest side
 */
export function box(sx = 1, sy = 1, sz = 1, opts: BoxOptions = {}): MeshData {
  const op = 'box';
  checkPositive(op, 'sx', sx);
  checkPositive(op, 'sy', sy);
  checkPositive(op, 'sz', sz);
  const d = checkInt(op, 'divisions', opts.divisions ?? 4, 1, 4096);
  const r = opts.rounding ?? 0;
  if (typeof r !== 'number' || !Number.isFinite(r) || r < 0 || r >= Math.min(sx, sy, sz) / 2) {
    throw new ValueError(`${op}: rounding must be in [0, ${Math.min(sx, sy, sz) / 2}), got ${String(r)}`);
  }
  const half = [sx / 2, sy / 2, sz / 2];
  const ids = new Map<number, number>();
  const pos: number[] = [];
  const vertex = (l: readonly number[]): number => {
    const key = (l[0]! * (d + 1) + l[1]!) * (d + 1) + l[2]!;
    let id = ids.get(key);
    if (id === undefined) {
      id = pos.length / 3;
      ids.set(key, id);
      for (let k = 0; k < 3; k++) pos.push(-half[k]! + (2 * half[k]! * l[k]!) / d);
    }
    return id;
  };
  const faces: number[] = [];
  // each face: the fixed axis, its side, and two in-plane axes (u, v) with u × v = outward normal
  for (let axis = 0; axis < 3; axis++) {
    for (const side of [0, 1]) {
      let u = (axis + 1) % 3, v = (axis + 2) % 3;
      if (side === 0) [u, v] = [v, u];
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          const at = (a: number, b: number): number => {
            const l = [0, 0, 0];
            l[axis] = side * d; l[u] = a; l[v] = b;
            return vertex(l);
          };
          const p00 = at(i, j), p10 = at(i + 1, j), p11 = at(i + 1, j + 1), p01 = at(i, j + 1);
          faces.push(p00, p10, p11, p00, p11, p01);
        }
      }
    }
  }
  if (r > 0) {
    for (let i = 0; i < pos.length; i += 3) {
      const c = [0, 0, 0];
      let n2 = 0;
      for (let k = 0; k < 3; k++) {
        const lim = half[k]! - r;
        c[k] = Math.max(-lim, Math.min(lim, pos[i + k]!));
        n2 += (pos[i + k]! - c[k]!) ** 2;
      }
      const n = Math.sqrt(n2);
      for (let k = 0; k < 3; k++) pos[i + k] = c[k]! + (r * (pos[i + k]! - c[k]!)) / n;
    }
  }
  return build(pos, faces);
}

/**
 * An open rectangular grid in the xy plane (z = 0), centred at the origin, `width` × `height`
 * with `nx` × `ny` cells (two triangles each), faces CCW seen from +z. V = (nx + 1)(ny + 1),
 * F = 2·nx·ny; one boundary loop, Euler characteristic 1. Vertex (i, j) (i along x) has id
 * j·(nx + 1) + i.
 * @throws ValueError for non-positive sizes or nx, ny < 1
 */
export function planeGrid(width = 1, height = 1, nx = 10, ny = 10): MeshData {
  const op = 'planeGrid';
  checkPositive(op, 'width', width);
  checkPositive(op, 'height', height);
  checkInt(op, 'nx', nx, 1);
  checkInt(op, 'ny', ny, 1);
  const pos: number[] = [];
  for (let j = 0; j <= ny; j++) for (let i = 0; i <= nx; i++) pos.push(-width / 2 + (width * i) / nx, -height / 2 + (height * j) / ny, 0);
  const faces: number[] = [];
  const id = (i: number, j: number): number => j * (nx + 1) + i;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) faces.push(id(i, j), id(i + 1, j), id(i + 1, j + 1), id(i, j), id(i + 1, j + 1), id(i, j + 1));
  }
  return build(pos, faces);
}
