import { describe, expect, it } from 'vitest';
import { TETRIS3D_SHAPES, tetris3d, tetris3dBatch, tetris3dTarget } from '../../src/data/tetris3d.js';
import { ValueError } from '../../src/util/index.js';

/** Sorted pairwise squared distances (an O(3)- and translation-invariant fingerprint). */
function fingerprint(p: Float64Array): string {
  const d: number[] = [];
  for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) d.push(Math.round((p[3 * i]! - p[3 * j]!) ** 2 + (p[3 * i + 1]! - p[3 * j + 1]!) ** 2 + (p[3 * i + 2]! - p[3 * j + 2]!) ** 2));
  return d.sort((a, b) => a - b).join(',');
}

/** Signed volume of the first three bonds from voxel 0 (flips under reflections). */
function handed(p: Float64Array): number {
  const v = (i: number) => [p[3 * i]! - p[0]!, p[3 * i + 1]! - p[1]!, p[3 * i + 2]! - p[2]!];
  const [a, b, c] = [v(1), v(2), v(3)];
  return a[0]! * (b[1]! * c[2]! - b[2]! * c[1]!) - a[1]! * (b[0]! * c[2]! - b[2]! * c[0]!) + a[2]! * (b[0]! * c[1]! - b[1]! * c[0]!);
}

describe('tetris3d data', () => {
  it('8 distinct shapes of 4 face-connected voxels; the chiral pair are mirror images with opposite handedness', () => {
    expect(TETRIS3D_SHAPES).toHaveLength(8);
    const fps = TETRIS3D_SHAPES.map((s) => fingerprint(Float64Array.from(s.flat())));
    // the chiral pair share every distance (mirror images); the other six are told apart by distances
    expect(fps[0]).toBe(fps[1]);
    expect(new Set(fps.slice(1)).size).toBe(7);
    const h = TETRIS3D_SHAPES.map((s) => handed(Float64Array.from(s.flat())));
    expect(h[0]! * h[1]!).toBeLessThan(0);
    const b = tetris3dBatch(tetris3d({ testPerShape: 0 }).train);
    // face-connected: 3 bonds (6 directed edges) per shape, 4 for the square (a cycle)
    expect(b.src.length).toBe(8 * 6 + 2);
  });

  it('test poses: distances kept, chiral labels swapped exactly under reflections (handedness follows the label)', () => {
    const { train, test } = tetris3d({ testPerShape: 6, seed: 3 });
    expect(test).toHaveLength(48);
    expect(test.filter((s) => s.det < 0)).toHaveLength(24);
    const hand0 = Math.sign(handed(train[0]!.pos));
    for (const s of test) {
      const c = s.det < 0 && s.label < 2 ? 1 - s.label : s.label;
      expect(fingerprint(s.pos)).toBe(fingerprint(train[c]!.pos));
      if (s.label < 2) expect(Math.sign(handed(s.pos))).toBe(s.label === 0 ? hand0 : -hand0);
    }
    const b = tetris3dBatch(test, { dtype: 'float64' });
    expect(b.pos.shape).toEqual([192, 3]);
    expect(b.src.length).toBe(48 * 6 + 6 * 2);
    expect(Array.from(b.target.data.slice(0, 7))).toEqual(tetris3dTarget(test[0]!.label));
  });

  it('targets in 0o + 6x0e; errors', () => {
    expect(tetris3dTarget(0)).toEqual([1, 0, 0, 0, 0, 0, 0]);
    expect(tetris3dTarget(1)).toEqual([-1, 0, 0, 0, 0, 0, 0]);
    expect(tetris3dTarget(7)).toEqual([0, 0, 0, 0, 0, 0, 1]);
    expect(() => tetris3dTarget(8)).toThrow(ValueError);
    expect(() => tetris3d({ testPerShape: -1 })).toThrow(ValueError);
  });
});
