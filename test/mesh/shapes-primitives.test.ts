import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { box, capsule, checkMeshData, cylinder, icosphere, planeGrid, torus, uvSphere } from '../../src/mesh/index.js';
import type { MeshData } from '../../src/mesh/index.js';
import { ValueError } from '../../src/util/index.js';
import { expectClosedOriented, meshReport } from './mesh-checks.js';

const require = createRequire(import.meta.url);

function radii(m: MeshData): number[] {
  const r: number[] = [];
  for (let i = 0; i < m.positions.length; i += 3) r.push(Math.hypot(m.positions[i]!, m.positions[i + 1]!, m.positions[i + 2]!));
  return r;
}

function sortedKeys(points: ArrayLike<number>[] | Float64Array): string[] {
  const rows: number[][] = [];
  if (points instanceof Float64Array) for (let i = 0; i < points.length; i += 3) rows.push([points[i]!, points[i + 1]!, points[i + 2]!]);
  else for (const p of points) rows.push([p[0]!, p[1]!, p[2]!]);
  return rows.map((p) => p.map((x) => (Math.abs(x) < 5e-10 ? 0 : x).toFixed(9)).join(',')).sort();
}

describe('mesh-checks test helper', () => {
  it('rejects broken meshes', () => {
    const m = icosphere(0);
    expect(() => expectClosedOriented(m, 2)).not.toThrow();
    const flipped = { positions: m.positions, faces: m.faces.slice() };
    flipped.faces[1] = m.faces[2]!; flipped.faces[2] = m.faces[1]!;
    expect(() => expectClosedOriented(flipped, 2)).toThrow(/inconsistently oriented/);
    const inside = { positions: m.positions, faces: m.faces.map((_, i, a) => a[i - (i % 3) + (2 - (i % 3))]!) };
    expect(() => expectClosedOriented(inside, 2)).toThrow(/signed volume/);
    const open = { positions: m.positions, faces: m.faces.slice(3) };
    expect(() => expectClosedOriented(open, 2)).toThrow(/boundary edges/);
    expect(() => expectClosedOriented(m, 0)).toThrow(/Euler characteristic 2/);
    const flat = { positions: m.positions.slice(), faces: m.faces };
    flat.positions.set(flat.positions.subarray(0, 3), 3 * m.faces[1]!);
    expect(() => expectClosedOriented(flat, 2)).toThrow();
  });
});

describe('icosphere', () => {
  it('has 10·4ⁿ + 2 vertices on the sphere and is a closed CCW genus-0 surface', () => {
    for (let n = 0; n <= 4; n++) {
      const m = icosphere(n, 2);
      checkMeshData(m);
      expect(m.positions.length / 3).toBe(10 * 4 ** n + 2);
      expect(m.faces.length / 3).toBe(20 * 4 ** n);
      for (const r of radii(m)) expect(r).toBeCloseTo(2, 12);
      const rep = expectClosedOriented(m, 2);
      expect(rep.volume6 / 6).toBeLessThan((4 / 3) * Math.PI * 8);
    }
  });
  it("matches the icosphere npm package ('final' projection: same vertex set and same triangles)", () => {
    const ico = require('icosphere') as (n: number) => { positions: number[][]; cells: number[][] };
    for (let n = 0; n <= 3; n++) {
      const ref = ico(n);
      const m = icosphere(n, 1, { projection: 'final' });
      expect(m.positions.length / 3).toBe(ref.positions.length);
      expect(m.faces.length / 3).toBe(ref.cells.length);
      expect(sortedKeys(m.positions)).toEqual(sortedKeys(ref.positions));
      const key = (P: (i: number) => number[], f: number[]) => {
        const ks = f.map((i) => P(i).map((x) => (Math.abs(x) < 5e-10 ? 0 : x).toFixed(9)).join(','));
        const r = ks.indexOf([...ks].sort()[0]!); // rotate to the smallest key: orientation kept
        return [ks[r], ks[(r + 1) % 3], ks[(r + 2) % 3]].join('|');
      };
      const ours = [], theirs = [];
      for (let f = 0; f < m.faces.length; f += 3) ours.push(key((i) => [m.positions[3 * i]!, m.positions[3 * i + 1]!, m.positions[3 * i + 2]!], [m.faces[f]!, m.faces[f + 1]!, m.faces[f + 2]!]));
      for (const c of ref.cells) theirs.push(key((i) => ref.positions[i]!, c));
      expect(ours.sort()).toEqual(theirs.sort());
    }
    // per-level projection differs from 'final' from level 2 on, with better-shaped triangles
    expect(sortedKeys(icosphere(1).positions)).toEqual(sortedKeys(icosphere(1, 1, { projection: 'final' }).positions));
    expect(meshReport(icosphere(3)).minArea).toBeGreaterThan(meshReport(icosphere(3, 1, { projection: 'final' })).minArea);
  });
  it('rejects bad arguments', () => {
    expect(() => icosphere(-1)).toThrow(ValueError);
    expect(() => icosphere(1.5)).toThrow(/subdivisions/);
    expect(() => icosphere(9)).toThrow(ValueError);
    expect(() => icosphere(1, 0)).toThrow(/radius/);
    expect(() => icosphere(1, 1, { projection: 'x' as never })).toThrow(/projection/);
  });
});

describe('primitive shapes', () => {
  it('uvSphere: closed genus 0, counts, on the sphere', () => {
    const m = uvSphere(8, 12, 1.5);
    expect(m.positions.length / 3).toBe(2 + 7 * 12);
    for (const r of radii(m)) expect(r).toBeCloseTo(1.5, 12);
    expectClosedOriented(m, 2);
  });
  it('torus: Euler characteristic 0, volume 2π²Rr² in the limit', () => {
    const m = torus(1, 0.3, 48, 24);
    const rep = expectClosedOriented(m, 0);
    expect(rep.V).toBe(48 * 24);
    expect(rep.volume6 / 6).toBeCloseTo(2 * Math.PI ** 2 * 0.09, 1);
    expect(() => torus(1, 1)).toThrow(ValueError);
  });
  it('capsule and cylinder are closed, CCW, with the expected volume', () => {
    const c = capsule(0.5, 1, 48, 12, 4);
    const vc = expectClosedOriented(c, 2).volume6 / 6;
    expect(vc).toBeCloseTo(Math.PI * 0.25 * 1 + (4 / 3) * Math.PI * 0.125, 1);
    const y = cylinder(0.5, 2, 48, 3, 2);
    const vy = expectClosedOriented(y, 2).volume6 / 6;
    expect(vy).toBeCloseTo(Math.PI * 0.25 * 2, 1);
    expect(() => capsule(0.5, 1, 2)).toThrow(/segments/);
    expect(() => cylinder(0.5, -1)).toThrow(/height/);
  });
  it('box and rounded box: closed, 6d² + 2 vertices, exact/rounded volume', () => {
    for (const d of [1, 3]) {
      const b = box(1, 2, 3, { divisions: d });
      const rep = expectClosedOriented(b, 2);
      expect(rep.V).toBe(6 * d * d + 2);
      expect(rep.volume6 / 6).toBeCloseTo(6, 12);
    }
    const r = box(1, 1, 1, { divisions: 8, rounding: 0.2 });
    const v = expectClosedOriented(r, 2).volume6 / 6;
    const exact = 0.6 ** 3 + 6 * 0.36 * 0.2 + 3 * Math.PI * 0.04 * 0.6 + (4 / 3) * Math.PI * 0.008; // 0.9077
    expect(v).toBeLessThan(exact);
    expect(v).toBeGreaterThan(exact - 0.03);
    expect(() => box(1, 1, 1, { rounding: 0.5 })).toThrow(/rounding/);
  });
  it('planeGrid: open, one boundary loop, Euler characteristic 1, faces +z', () => {
    const g = planeGrid(2, 1, 4, 3);
    const rep = meshReport(g);
    expect(rep.V).toBe(20);
    expect(rep.F).toBe(24);
    expect(rep.euler).toBe(1);
    expect(rep.boundaryEdges).toBe(2 * (4 + 3));
    expect(rep.flippedEdges).toBe(0);
    const P = g.positions, Fc = g.faces;
    for (let f = 0; f < Fc.length; f += 3) {
      const [a, b, c] = [Fc[f]!, Fc[f + 1]!, Fc[f + 2]!];
      const nz = (P[3 * b]! - P[3 * a]!) * (P[3 * c + 1]! - P[3 * a + 1]!) - (P[3 * b + 1]! - P[3 * a + 1]!) * (P[3 * c]! - P[3 * a]!);
      expect(nz).toBeGreaterThan(0);
    }
  });
});
