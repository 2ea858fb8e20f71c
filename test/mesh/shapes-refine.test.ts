import { describe, expect, it } from 'vitest';
import {
  box, capsule, deformMesh, icosphere, planeGrid, randomDeformation, randomRotation, rotateMesh, splitLongEdges, subdivide, torus, transformMesh,
} from '../../src/mesh/index.js';
import type { MeshData } from '../../src/mesh/index.js';
import { Rng, ValueError } from '../../src/util/index.js';
import { expectClosedOriented, meshReport } from './mesh-checks.js';

function maxEdge(m: MeshData): number {
  let L = 0;
  const P = m.positions, F = m.faces;
  for (let f = 0; f < F.length; f += 3) {
    for (let k = 0; k < 3; k++) {
      const a = F[f + k]!, b = F[f + ((k + 1) % 3)]!;
      L = Math.max(L, Math.hypot(P[3 * a]! - P[3 * b]!, P[3 * a + 1]! - P[3 * b + 1]!, P[3 * a + 2]! - P[3 * b + 2]!));
    }
  }
  return L;
}

describe('subdivide', () => {
  it('midpoint: 4× faces, keeps topology, orientation and the old vertices', () => {
    const t = torus(1, 0.4, 8, 6);
    const s = subdivide(t, { iterations: 2 });
    const r = expectClosedOriented(s, 0);
    expect(r.F).toBe(16 * t.faces.length / 3);
    expect(Array.from(s.positions.subarray(0, t.positions.length))).toEqual(Array.from(t.positions));
    // the midpoint scheme does not move the surface: volume unchanged
    expect(r.volume6).toBeCloseTo(meshReport(t).volume6, 10);
  });
  it('loop: smooth refinement of the icosahedron converges toward a sphere, closed and CCW', () => {
    const s = subdivide(icosphere(0), { scheme: 'loop', iterations: 3 });
    expectClosedOriented(s, 2);
    const r: number[] = [];
    for (let i = 0; i < s.positions.length; i += 3) r.push(Math.hypot(s.positions[i]!, s.positions[i + 1]!, s.positions[i + 2]!));
    const mean = r.reduce((a, b) => a + b) / r.length;
    // Loop shrinks convex shapes and evens them out: radii within 2 % of their mean
    expect(Math.max(...r) / Math.min(...r)).toBeLessThan(1.02);
    expect(mean).toBeLessThan(1);
  });
  it('loop on an open grid keeps a flat grid flat and the boundary on its lines', () => {
    const g = planeGrid(2, 2, 3, 3);
    const s = subdivide(g, { scheme: 'loop' });
    const rep = meshReport(s);
    expect(rep.euler).toBe(1);
    expect(rep.flippedEdges).toBe(0);
    for (let i = 2; i < s.positions.length; i += 3) expect(s.positions[i]).toBe(0);
  });
  it('rejects bad options and non-manifold input', () => {
    expect(() => subdivide(icosphere(0), { scheme: 'x' as never })).toThrow(/scheme/);
    expect(() => subdivide(icosphere(0), { iterations: -1 })).toThrow(ValueError);
    const P = new Float64Array([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 1]);
    const nm = { positions: P, faces: new Int32Array([0, 1, 2, 1, 0, 3, 0, 1, 4]) };
    expect(() => subdivide(nm)).toThrow(/non-manifold/);
    expect(() => splitLongEdges(nm, 0.1)).toThrow(/non-manifold/);
  });
});

describe('splitLongEdges', () => {
  it('refines to the target edge length, keeping topology and orientation', () => {
    const c = capsule(0.5, 1.5, 8, 2, 1);
    const target = 0.15;
    const s = splitLongEdges(c, target);
    expect(maxEdge(s)).toBeLessThanOrEqual(target);
    const r = expectClosedOriented(s, 2);
    expect(r.V).toBeGreaterThan(c.positions.length / 3);
    expect(Array.from(s.positions.subarray(0, c.positions.length))).toEqual(Array.from(c.positions));
    const t = splitLongEdges(torus(1, 0.3, 6, 4), 0.2);
    expectClosedOriented(t, 0);
    const g = splitLongEdges(planeGrid(1, 1, 1, 1), 0.2);
    const rg = meshReport(g);
    expect(rg.euler).toBe(1);
    expect(rg.flippedEdges).toBe(0);
    expect(maxEdge(g)).toBeLessThanOrEqual(0.2);
  });
  it('place() can push new vertices onto a surface; maxSplits bounds the work', () => {
    const s = splitLongEdges(icosphere(0), 0.3, { place: (p) => { const n = Math.hypot(...p); return p.map((x) => x / n); } });
    for (let i = 0; i < s.positions.length; i += 3) expect(Math.hypot(s.positions[i]!, s.positions[i + 1]!, s.positions[i + 2]!)).toBeCloseTo(1, 12);
    expectClosedOriented(s, 2);
    expect(splitLongEdges(icosphere(0), 0.01, { maxSplits: 5 }).positions.length / 3).toBe(17);
    expect(() => splitLongEdges(icosphere(0), 0)).toThrow(/maxLength/);
    expect(() => splitLongEdges(icosphere(0), 0.5, { place: () => [NaN, 0, 0] })).toThrow(/place/);
  });
});

describe('rotations and transforms', () => {
  it('randomRotation is a rotation, seeded, and Haar-like (E[R] ≈ 0)', () => {
    const rng = new Rng(3);
    const mean = new Float64Array(9);
    const N = 2000;
    for (let n = 0; n < N; n++) {
      const R = randomRotation(rng);
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          let s = 0;
          for (let k = 0; k < 3; k++) s += R[3 * k + i]! * R[3 * k + j]!;
          expect(s).toBeCloseTo(i === j ? 1 : 0, 12);
        }
      }
      for (let i = 0; i < 9; i++) mean[i]! += R[i]! / N;
    }
    for (const m of mean) expect(Math.abs(m)).toBeLessThan(0.05);
    expect(Array.from(randomRotation(new Rng(7)))).toEqual(Array.from(randomRotation(new Rng(7))));
  });
  it('rotateMesh keeps distances and orientation; transformMesh flips faces for reflections', () => {
    const m = box(1, 2, 3, { divisions: 2 });
    const R = randomRotation(new Rng(1));
    const r = rotateMesh({ ...m, normals: m.positions.slice() }, R);
    expect(meshReport(r).volume6).toBeCloseTo(meshReport(m).volume6, 10);
    expect(Math.hypot(r.positions[0]!, r.positions[1]!, r.positions[2]!)).toBeCloseTo(Math.hypot(m.positions[0]!, m.positions[1]!, m.positions[2]!), 12);
    expect(r.normals).toBeDefined();
    const mirrored = transformMesh(m, [-1, 0, 0, 0, 1, 0, 0, 0, 1], [5, 0, 0]);
    expectClosedOriented(mirrored, 2);
    expect(mirrored.positions[0]).toBe(-m.positions[0]! + 5);
    expect(() => rotateMesh(m, [-1, 0, 0, 0, 1, 0, 0, 0, 1])).toThrow(/reflection/);
    expect(() => rotateMesh(m, [2, 0, 0, 0, 1, 0, 0, 0, 1])).toThrow(/orthogonal/);
    expect(() => transformMesh(m, [1, 0, 0, 0, 1, 0, 0, 0, 0])).toThrow(/singular/);
    expect(() => transformMesh(m, [1, 0, 0])).toThrow(/3×3/);
  });
  it('random deformations are seeded and keep closed shapes closed, CCW and non-degenerate', () => {
    const shapes: Array<[MeshData, number]> = [[icosphere(3), 2], [torus(1, 0.35, 32, 16), 0], [capsule(), 2], [box(1, 1, 1, { divisions: 6, rounding: 0.15 }), 2]];
    for (let seed = 0; seed < 8; seed++) {
      for (const [m, chi] of shapes) {
        const d = randomDeformation(m, new Rng(seed));
        const out = deformMesh(m, d);
        expectClosedOriented(out, chi);
        expect(Array.from(deformMesh(m, randomDeformation(m, new Rng(seed))).positions)).toEqual(Array.from(out.positions));
      }
    }
    const s = icosphere(2);
    const moved = deformMesh(s, randomDeformation(s, new Rng(1), { rotate: false }));
    expect(moved.positions).not.toEqual(s.positions);
    expect(() => randomDeformation(s, new Rng(1), { radialBumps: 8, radialAmplitude: 0.2 })).toThrow(/below 1/);
    expect(() => randomDeformation(s, new Rng(1), { anisotropy: 1 })).toThrow(/anisotropy/);
    expect(() => randomDeformation(s, new Rng(1), { displacementStrength: 2 })).toThrow(/displacementStrength/);
  });
});
