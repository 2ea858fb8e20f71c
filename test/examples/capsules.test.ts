import { describe, expect, it } from 'vitest';
import { CNNBaseline, CapsNet, rotationProbe, runCapsuleExample, trajectoryStats } from '../../examples/capsules.js';
import { Rng, noGrad } from '../../src/index.js';
import { digitParams, renderGlyph } from '../../src/data/index.js';

describe('examples/capsules (tiny size)', () => {
  it('the trajectory statistics tell a signed pose coordinate from an even change (the checker can fail)', () => {
    const angles = [-30, -15, 0, 15, 30];
    const u = [0.3, -0.2, 0.5], w = [0.1, 0.4, -0.3];
    const linear = [angles.map((a) => u.map((x, k) => 1 + x * a + 0 * w[k]!))];
    const even = [angles.map((a) => u.map((x) => 1 + x * a * a))];
    const lin = trajectoryStats(linear, angles), ev = trajectoryStats(even, angles);
    expect(lin.angleCorrelation).toBeCloseTo(1, 10);
    expect(lin.pc1Share).toBeCloseTo(1, 10);
    expect(lin.antisymmetry).toBeCloseTo(-1, 12);
    expect(ev.antisymmetry).toBeCloseTo(1, 12);
    expect(ev.angleCorrelation).toBeLessThan(1e-6); // Δ² is uncorrelated with Δ on a symmetric grid
  });

  it('the probe renders each glyph at the requested rotations about its upright pose', () => {
    const { images, labels } = rotationProbe(5, 2, [0, 90], 20);
    expect(images.shape).toEqual([4, 1, 20, 20]);
    const p = digitParams(5, 'test', 1, true);
    expect(labels[1]).toBe(p.digit);
    const up = renderGlyph(p, { size: 20 });
    const probe = images.toFlatArray();
    up.forEach((x, i) => expect(probe[2 * 400 + i]).toBe(x));
    // a quarter turn counter-clockwise: pixel (r, c) of the turned image is (c, S−1−r) of the upright one
    let worst = 0;
    for (let r = 0; r < 20; r++) for (let c = 0; c < 20; c++) worst = Math.max(worst, Math.abs(probe[3 * 400 + r * 20 + c]! - up[c * 20 + 19 - r]!));
    expect(worst).toBeLessThan(1e-4);
  });

  it('the CapsNet and the CNN have similar sizes; capsule lengths are probabilities', () => {
    const caps = new CapsNet(new Rng(0), 20), cnn = new CNNBaseline(new Rng(0), 20);
    const count = (m: { parameters(): { size: number }[] }): number => m.parameters().reduce((a, p) => a + p.size, 0);
    const capsCore = count(caps) - count(caps.decoder);
    expect(capsCore / count(cnn)).toBeGreaterThan(0.7);
    expect(capsCore / count(cnn)).toBeLessThan(1.3);
    const x = rotationProbe(1, 2, [0], 20).images;
    noGrad(() => {
      const v = caps.call(x);
      expect(v.shape).toEqual([2, 10, 8]);
      for (const l of v.norm(2, [2]).toFlatArray()) { expect(l).toBeGreaterThan(0); expect(l).toBeLessThan(1); }
      expect(cnn.call(x).shape).toEqual([2, 10]);
    });
  });

  it('trains both models and reports accuracy, a probe row per angle and the trajectory statistics', () => {
    const r = runCapsuleExample({ train: 20, test: 20, epochs: 1, batch: 10, probe: 3, angles: [-30, 0, 30] });
    expect(r.models.map((m) => m.model)).toEqual(['CapsNet', 'CNN']);
    for (const m of r.models) { expect(m.testAccuracy).toBeGreaterThanOrEqual(0); expect(m.testAccuracy).toBeLessThanOrEqual(1); }
    expect(r.pose.map((p) => p.angle)).toEqual([-30, 0, 30]);
    expect(r.pose[1]!.capsChange).toBe(0);
    expect(r.pose[1]!.cnnChange).toBe(0);
    expect(r.pose[0]!.capsChange).toBeGreaterThan(0);
    for (const p of r.pose) { expect(p.capsLength).toBeGreaterThan(0); expect(p.capsLength).toBeLessThan(1); expect(p.cnnProb).toBeLessThan(1); }
    expect(() => runCapsuleExample({ angles: [-30, 30] })).toThrow(expect.objectContaining({ name: 'ValueError' }));
    for (const s of [r.capsStats, r.cnnStats]) {
      expect(s.angleCorrelation).toBeGreaterThanOrEqual(0);
      expect(s.angleCorrelation).toBeLessThanOrEqual(1 + 1e-12);
      expect(Math.abs(s.antisymmetry)).toBeLessThanOrEqual(1 + 1e-12);
    }
  });
});
