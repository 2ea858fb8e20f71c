import { describe, expect, it } from 'vitest';
import { runCT, runVessels } from '../../examples/known-operators.js';
import { randomEllipsePhantoms, renderEllipses, sheppLogan, SHEPP_LOGAN } from '../../src/data/phantoms.js';
import { vesselImages } from '../../src/data/vessels.js';
import { Rng, ValueError } from '../../src/util/index.js';
import { startsWithOp } from '../helpers/named-errors.js';

describe('examples/known-operators (tiny size)', () => {
  it('(a) the learned FBP filter moves from 0 towards the ramp and reconstructs unseen phantoms better than dense alternatives', () => {
    const r = runCT({ size: 16, angles: 16, trainSizes: [2], steps: 60, testSize: 4 });
    expect(r.filterParams).toBe(33);
    expect(r.denseParams).toBe(16 * 23 * 256);
    const row = r.rows[0]!;
    expect(r.bandDistanceCurve[0]).toBe(1); // H = 0 at the start
    expect(row.bandDistance).toBeLessThan(0.5);
    expect(r.rampDistanceCurve[3]!).toBeLessThan(r.rampDistanceCurve[0]!);
    expect(row.learnedFilter).toBeLessThan(0.5 * row.dense);
    expect(r.denseFilterParams).toBe(23 * 23);
    expect(row.learnedFilter).toBeLessThan(row.denseFilter); // the FFT structure beats a dense detector filter
    expect(r.rampFBP).toBeLessThan(0.3);
  }, 30_000);

  it('(b) Frangi-Net beats chance Dice after a few steps on 4 images; both models report sizes', () => {
    const r = runVessels({ size: 24, trainSizes: [4], seeds: 1, steps: 30, testSize: 4 });
    const fn = r.rows.find((x) => x.model === 'Frangi-Net')!, cnn = r.rows.find((x) => x.model === 'CNN')!;
    expect(fn.params).toBe(3 + 2 + 3 * 4 * 9 + 4 + 4 + 1);
    expect(cnn.params).toBe(30 + 112 + 5);
    expect(fn.dice).toBeGreaterThan(r.chanceDice + 0.2);
    expect(r.chanceDice).toBeGreaterThan(0);
    expect(r.chanceDice).toBeLessThan(1);
  }, 60_000);
});

describe('the generators behind the example', () => {
  it('phantoms: Shepp–Logan intensities at known points, ellipse areas, seeded random phantoms', () => {
    const n = 64, sl = sheppLogan(n).toArray() as number[][];
    const at = (x: number, y: number) => sl[Math.round((n - 1) / 2 - y * (n / 2))]![Math.round(x * (n / 2) + (n - 1) / 2)]!;
    expect(at(0, -0.3)).toBeCloseTo(0.2, 12); // brain: 1 − 0.8
    expect(at(0.22, 0)).toBeCloseTo(0, 12); // right ventricle: 1 − 0.8 − 0.2
    expect(at(0, 0.35)).toBeCloseTo(0.3, 12);
    expect(at(0.95, 0.95)).toBe(0);
    expect(SHEPP_LOGAN).toHaveLength(10);
    // area of one ellipse (πab) from the anti-aliased raster
    const e = renderEllipses([{ value: 1, a: 0.5, b: 0.3, x0: 0.1, y0: -0.2, phi: 0.7 }], 128, 4);
    expect(Math.abs(e.reduce((a, b) => a + b, 0) * (2 / 128) ** 2 - Math.PI * 0.15)).toBeLessThan(0.005);
    const a = randomEllipsePhantoms(3, 16, new Rng(5)), b = randomEllipsePhantoms(3, 16, new Rng(5));
    expect(a.toFlatArray()).toEqual(b.toFlatArray());
    expect(a.shape).toEqual([3, 16, 16]);
    startsWithOp(() => randomEllipsePhantoms(1, 0, new Rng(1)), ValueError, 'randomEllipsePhantoms');
    startsWithOp(() => renderEllipses([], 4, 0), ValueError, 'renderEllipses');
  });

  it('vessels: masks are thin structures covering a minority of pixels, brighter than the rest on average; seeded', () => {
    const { images, masks } = vesselImages(6, 48, new Rng(3));
    const m = masks.toFlatArray(), im = images.toFlatArray();
    const f = m.reduce((s, v) => s + v, 0) / m.length;
    expect(f).toBeGreaterThan(0.03);
    expect(f).toBeLessThan(0.35);
    let inV = 0, nV = 0, out = 0, nO = 0;
    m.forEach((v, i) => { if (v) { inV += im[i]!; nV++; } else { out += im[i]!; nO++; } });
    expect(inV / nV - out / nO).toBeGreaterThan(0.1);
    expect(vesselImages(2, 16, new Rng(4)).images.toFlatArray()).toEqual(vesselImages(2, 16, new Rng(4)).images.toFlatArray());
    startsWithOp(() => vesselImages(1, 4, new Rng(1)), ValueError, 'vesselImages');
    startsWithOp(() => vesselImages(1, 16, new Rng(1), { trees: 0 }), ValueError, 'vesselImages');
  });
});
