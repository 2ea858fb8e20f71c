import { describe, expect, it } from 'vitest';
import { bunnyMesh, digitParams, meshDigits, MESH_DIGITS, meshRadius, paintImage, randomPlacement, renderGlyph } from '../../src/data/index.js';
import { icosphere, planeGrid, randomRotation, rotateMesh } from '../../src/mesh/index.js';
import { Rng, SizeError, ValueError } from '../../src/util/index.js';

const bunny = bunnyMesh();

describe('paintImage', () => {
  it('on a flat grid with vertices at the pixel centres, reproduces the image exactly', () => {
    const S = 28, s = 2;
    const grid = planeGrid((s * (S - 1)) / S, (s * (S - 1)) / S, S - 1, S - 1);
    const image = renderGlyph(digitParams(3, 'train', 5, true));
    // the face holding the origin and its barycentric coordinates
    let face = -1, bary: [number, number, number] = [1, 0, 0];
    const P = grid.positions, F = grid.faces;
    for (let f = 0; f < F.length / 3 && face < 0; f++) {
      const [a, b, c] = [F[3 * f]!, F[3 * f + 1]!, F[3 * f + 2]!].map((v) => [P[3 * v]!, P[3 * v + 1]!]) as [number[], number[], number[]];
      const det = (b[0]! - a[0]!) * (c[1]! - a[1]!) - (c[0]! - a[0]!) * (b[1]! - a[1]!);
      const l1 = ((0 - a[0]!) * (c[1]! - a[1]!) - (c[0]! - a[0]!) * (0 - a[1]!)) / det;
      const l2 = ((b[0]! - a[0]!) * (0 - a[1]!) - (0 - a[0]!) * (b[1]! - a[1]!)) / det;
      if (l1 >= 0 && l2 >= 0 && l1 + l2 <= 1) { face = f; bary = [1 - l1 - l2, l1, l2]; }
    }
    expect(face).toBeGreaterThanOrEqual(0);
    const probe = paintImage(grid, image, S, { face, bary, angle: 0, size: s });
    const alpha = Math.atan2(probe.xAxis[1]!, probe.xAxis[0]!);
    const r = paintImage(grid, image, S, { face, bary, angle: -alpha, size: s });
    expect(r.xAxis[0]).toBeCloseTo(1, 12);
    expect(r.normal[2]).toBeCloseTo(1, 12);
    expect(r.yAxis[1]).toBeCloseTo(1, 12);
    for (let j = 0; j < S; j++) {
      for (let i = 0; i < S; i++) expect(r.signal[j * S + i]).toBeCloseTo(image[(S - 1 - j) * S + i]!, 9);
    }
  });
  it('rejects bad inputs', () => {
    const img = new Float32Array(4);
    const ok = { face: 0, bary: [1, 0, 0] as const, angle: 0, size: 1 };
    expect(() => paintImage(bunny, img, 2, ok)).not.toThrow();
    expect(() => paintImage(bunny, img, 3, ok)).toThrow(/side²/);
    expect(() => paintImage(bunny, img, 2, { ...ok, face: 1e6 })).toThrow(/not a face/);
    expect(() => paintImage(bunny, img, 2, { ...ok, size: 0 })).toThrow(/size/);
    expect(() => paintImage(bunny, img, 2, { ...ok, bary: [0.5, 0.2, 0.2] })).toThrow(/barycentric/);
    expect(() => paintImage(bunny, img, 2, { ...ok, angle: NaN })).toThrow(ValueError);
    expect(() => randomPlacement({ positions: new Float64Array(9), faces: new Int32Array([0, 1, 2]) }, new Rng(0), 1)).toThrow(/no area/);
  });
});

describe('meshDigits', () => {
  const items = meshDigits({ meshes: bunny, count: 30, seed: 2 });
  it('is deterministic, with balanced labels and signals in [0, 1]', () => {
    const again = meshDigits({ meshes: bunny, count: 30, seed: 2 });
    const counts = new Array<number>(10).fill(0);
    items.forEach((it, i) => {
      expect(Array.from(again[i]!.signal)).toEqual(Array.from(it.signal));
      expect(again[i]!.label).toBe(it.label);
      counts[it.label]!++;
      expect(it.signal.length).toBe(1839);
      expect(Math.min(...it.signal)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...it.signal)).toBeLessThanOrEqual(1);
    });
    expect(counts).toEqual(new Array<number>(10).fill(3));
    const other = meshDigits({ meshes: bunny, count: 1, seed: 3 });
    expect(Array.from(other[0]!.signal)).not.toEqual(Array.from(items[0]!.signal));
    const chunk = meshDigits({ meshes: bunny, count: 2, seed: 2, start: 28 });
    expect(Array.from(chunk[1]!.signal)).toEqual(Array.from(items[29]!.signal));
    const test = meshDigits({ meshes: bunny, count: 1, seed: 2, split: 'test' });
    expect(Array.from(test[0]!.signal)).not.toEqual(Array.from(items[0]!.signal));
  });
  it('paints nonzero values only near the centre, on a patch of many vertices', () => {
    const rho = meshRadius(bunny);
    for (const it of items) {
      let nz = 0, far = 0;
      for (let v = 0; v < it.signal.length; v++) {
        if (it.signal[v]! > 0) {
          nz++;
          far = Math.max(far, Math.hypot(...[0, 1, 2].map((k) => bunny.positions[3 * v + k]! - it.centre[k]!)));
        }
      }
      expect(far).toBeLessThanOrEqual((MESH_DIGITS.patchSize * rho) / Math.SQRT2 + 1e-12);
      expect(nz).toBeGreaterThan(5);
      expect(it.patchVertexCount).toBeGreaterThan(nz);
    }
    const median = (a: number[]) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
    expect(median(items.map((i) => i.patchVertexCount))).toBeGreaterThan(250);
  });
  it('a rotated mesh carries the same signal (rotate option, and a rotated input mesh)', () => {
    const rot = meshDigits({ meshes: bunny, count: 10, seed: 2, rotate: true });
    const R = randomRotation(new Rng(5));
    const turned = meshDigits({ meshes: rotateMesh(bunny, R), count: 10, seed: 2 });
    for (let i = 0; i < 10; i++) {
      expect(rot[i]!.rotation).not.toBeNull();
      expect(Array.from(rot[i]!.mesh.positions)).not.toEqual(Array.from(bunny.positions));
      let diff = 0;
      for (let v = 0; v < 1839; v++) {
        diff = Math.max(diff, Math.abs(rot[i]!.signal[v]! - items[i]!.signal[v]!), Math.abs(turned[i]!.signal[v]! - items[i]!.signal[v]!));
      }
      expect(diff).toBeLessThan(1e-9);
      // the frame turns with the mesh: R·n is the rotated patch's normal
      const Rn = [0, 1, 2].map((r) => [0, 1, 2].reduce((s, k) => s + rot[i]!.rotation![3 * r + k]! * items[i]!.normal[k]!, 0));
      for (let k = 0; k < 3; k++) expect(rot[i]!.normal[k]).toBeCloseTo(Rn[k]!, 9);
    }
  });
  it('several meshes, subdivided bunny coverage, and bad options', () => {
    const two = meshDigits({ meshes: [bunny, icosphere(3)], count: 20, seed: 0 });
    expect(new Set(two.map((t) => t.meshIndex))).toEqual(new Set([0, 1]));
    const fine = meshDigits({ meshes: bunnyMesh({ subdivisions: 1 }), count: 10, seed: 0 });
    expect(fine.every((t) => t.patchVertexCount > 600)).toBe(true);
    expect(() => meshDigits({ meshes: [], count: 1 })).toThrow(/at least one/);
    expect(() => meshDigits({ meshes: bunny, count: 1, split: 'dev' as never })).toThrow(/split/);
    expect(() => meshDigits({ meshes: bunny, count: 1, patchSize: 0 })).toThrow(/patchSize/);
    expect(() => meshDigits({ meshes: bunny, count: 1e6 })).toThrow(SizeError);
  });
});
