import { describe, expect, it } from 'vitest';
import { SHAPE_KINDS, SHAPE_KIND_PARTS, SHAPE_PARTS, shapeFamily } from '../../src/data/index.js';
import { checkMeshData } from '../../src/mesh/index.js';
import { Rng, ValueError } from '../../src/util/index.js';
import { expectClosedOriented } from '../mesh/mesh-checks.js';

describe('shapeFamily', () => {
  const shapes = shapeFamily({ count: 15, seed: 4, targetVertices: 300 });
  it('gives closed, CCW, non-degenerate meshes with the right Euler characteristic', () => {
    for (const s of shapes) {
      checkMeshData(s.mesh);
      expectClosedOriented(s.mesh, s.kind === 'torus' ? 0 : 2);
      const V = s.mesh.positions.length / 3;
      expect(V).toBeGreaterThan(0.6 * 300);
      expect(V).toBeLessThan(1.8 * 300);
      expect(s.label).toBe(SHAPE_KINDS.indexOf(s.kind));
      expect(s.name).toMatch(new RegExp(`^${s.kind}-\\d+$`));
    }
  });
  it('labels are balanced and per-vertex parts use both parts of each kind', () => {
    const counts = new Map<string, number>();
    for (const s of shapes) counts.set(s.kind, (counts.get(s.kind) ?? 0) + 1);
    for (const k of SHAPE_KINDS) expect(counts.get(k)).toBe(3);
    for (const s of shapes) {
      expect(s.parts.length).toBe(s.mesh.positions.length / 3);
      const [a, b] = SHAPE_KIND_PARTS[s.kind];
      const used = new Set(s.parts);
      expect([...used].sort()).toEqual([a, b]);
      for (const p of used) expect(SHAPE_PARTS[p]).toMatch(new RegExp(`^${s.kind}-`));
    }
  });
  it('is deterministic for a seed (and per item), differs across seeds, and accepts an Rng', () => {
    const again = shapeFamily({ count: 15, seed: 4, targetVertices: 300 });
    for (let i = 0; i < shapes.length; i++) {
      expect(Array.from(again[i]!.mesh.positions)).toEqual(Array.from(shapes[i]!.mesh.positions));
      expect(Array.from(again[i]!.parts)).toEqual(Array.from(shapes[i]!.parts));
    }
    const prefix = shapeFamily({ count: 3, seed: 4, targetVertices: 300 });
    expect(Array.from(prefix[2]!.mesh.faces)).toEqual(Array.from(shapes[2]!.mesh.faces));
    const other = shapeFamily({ count: 3, seed: 5, targetVertices: 300 });
    expect(Array.from(other[0]!.mesh.positions)).not.toEqual(Array.from(shapes[0]!.mesh.positions));
    const a = shapeFamily({ count: 2, rng: new Rng(9), targetVertices: 200 }), b = shapeFamily({ count: 2, rng: new Rng(9), targetVertices: 200 });
    expect(Array.from(a[1]!.mesh.positions)).toEqual(Array.from(b[1]!.mesh.positions));
  });
  it('kinds and deform options; bad options are rejected', () => {
    const tori = shapeFamily({ count: 4, seed: 1, kinds: ['torus'], deform: false, targetVertices: 200 });
    for (const t of tori) {
      expect(t.kind).toBe('torus');
      // undeformed: every vertex on a torus of major radius 1 around z
      const P = t.mesh.positions;
      const r = Math.hypot(Math.hypot(P[0]!, P[1]!) - 1, P[2]!);
      for (let i = 0; i < P.length; i += 3) expect(Math.hypot(Math.hypot(P[i]!, P[i + 1]!) - 1, P[i + 2]!)).toBeCloseTo(r, 9);
    }
    expect(() => shapeFamily({ count: 1, kinds: ['cube' as never] })).toThrow(/unknown kind/);
    expect(() => shapeFamily({ count: 1, kinds: [] })).toThrow(ValueError);
    expect(() => shapeFamily({ count: -1 })).toThrow(ValueError);
    expect(() => shapeFamily({ count: 1, targetVertices: 10 })).toThrow(/targetVertices/);
  });
});
