/** Test meshes for the mesh-geometry tests: icosphere (unit sphere), the Stanford bunny, a flat grid, vertex permutation. */
import { createRequire } from 'node:module';
import type { MeshData } from '../../src/mesh/index.js';
import { Rng } from '../../src/util/index.js';

const require = createRequire(import.meta.url);
type Nested = { positions: number[][]; cells: number[][] };
const icosphereFn = require('icosphere') as (n: number) => Nested;
const bunnyData = require('bunny') as Nested;

function fromNested(m: Nested): MeshData {
  return { positions: Float64Array.from(m.positions.flat()), faces: Int32Array.from(m.cells.flat()) };
}

/** Unit icosphere with n subdivisions (orientation fixed to counter-clockwise from outside). */
export function sphere(n: number): MeshData {
  const m = fromNested(icosphereFn(n));
  orientOutward(m);
  return m;
}

/** The Stanford bunny (closed, genus 0), oriented outward. */
export function bunny(): MeshData {
  const m = fromNested(bunnyData);
  orientOutward(m);
  return m;
}

/** Flip all faces if the signed volume is negative (so face normals point out). */
function orientOutward(m: MeshData): void {
  const P = m.positions, T = m.faces;
  let vol = 0;
  for (let f = 0; f < T.length / 3; f++) {
    const a = 3 * T[3 * f]!, b = 3 * T[3 * f + 1]!, c = 3 * T[3 * f + 2]!;
    vol += P[a]! * (P[b + 1]! * P[c + 2]! - P[b + 2]! * P[c + 1]!) - P[a + 1]! * (P[b]! * P[c + 2]! - P[b + 2]! * P[c]!) + P[a + 2]! * (P[b]! * P[c + 1]! - P[b + 1]! * P[c]!);
  }
  if (vol < 0) for (let f = 0; f < T.length / 3; f++) { const t = T[3 * f + 1]!; T[3 * f + 1] = T[3 * f + 2]!; T[3 * f + 2] = t; }
}

/** A flat n×n grid of unit-spaced points in the z = 0 plane (optionally jittered in x, y), two triangles per cell. */
export function flatGrid(n: number, jitter = 0, seed = 0): MeshData {
  const rng = new Rng(seed), pos: number[] = [], faces: number[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    const inner = i > 0 && j > 0 && i < n - 1 && j < n - 1;
    pos.push(i + (inner ? jitter * (rng.uniform() - 0.5) : 0), j + (inner ? jitter * (rng.uniform() - 0.5) : 0), 0);
  }
  const id = (i: number, j: number) => i * n + j;
  for (let i = 0; i < n - 1; i++) for (let j = 0; j < n - 1; j++) {
    faces.push(id(i, j), id(i + 1, j), id(i + 1, j + 1), id(i, j), id(i + 1, j + 1), id(i, j + 1));
  }
  return { positions: Float64Array.from(pos), faces: Int32Array.from(faces) };
}

/** Relabel vertices: new vertex perm[v]... returns the mesh with vertex `old` at position `inv[old]`, and `perm` (new → old). */
export function permuteVertices(m: MeshData, seed: number): { mesh: MeshData; perm: Int32Array; inv: Int32Array } {
  const V = m.positions.length / 3, rng = new Rng(seed);
  const perm = Int32Array.from({ length: V }, (_, i) => i);
  for (let i = V - 1; i > 0; i--) { const j = Math.floor(rng.uniform() * (i + 1)); const t = perm[i]!; perm[i] = perm[j]!; perm[j] = t; }
  const inv = new Int32Array(V);
  for (let k = 0; k < V; k++) inv[perm[k]!] = k;
  const positions = new Float64Array(3 * V);
  for (let k = 0; k < V; k++) for (let d = 0; d < 3; d++) positions[3 * k + d] = m.positions[3 * perm[k]! + d]!;
  const faces = Int32Array.from(m.faces, (v) => inv[v]!);
  return { mesh: { positions, faces }, perm, inv };
}

/** Wrap an angle to (−π, π]. */
export function wrap(a: number): number {
  const w = a - 2 * Math.PI * Math.round(a / (2 * Math.PI));
  return w <= -Math.PI ? w + 2 * Math.PI : w;
}
