import { describe, expect, it } from 'vitest';
import { GLYPH_MAX_SEGMENT, GLYPH_STROKES } from '../../src/data/glyph-strokes.js';
import {
  ROTATED_DIGITS, digitParams, glyphGeometry, rasterizeStrokes, renderDigits, renderGlyph, rotatedDigitChunks, rotatedDigits,
} from '../../src/data/glyphs.js';
import { SizeError, ValueError } from '../../src/util/errors.js';
import { startsWithOp } from '../helpers/named-errors.js';

const S = 28;

function bytes(a: Float32Array | Int32Array | Float64Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** np.rot90(img) (counter-clockwise as seen): out[i][j] = in[j][S − 1 − i]. */
function rot90(img: Float32Array, n: number): Float32Array {
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = img[j * n + (n - 1 - i)]!;
  return out;
}

/** Nearest-centroid accuracy: centroids from `train`, evaluated on `test`. */
function nearestCentroid(train: ReturnType<typeof renderDigits>, test: ReturnType<typeof renderDigits>): number {
  const X = train.images.data as Float32Array, y = train.labels.data as Int32Array;
  const P = S * S, cent = new Float64Array(10 * P), cnt = new Float64Array(10);
  for (let i = 0; i < y.length; i++) {
    cnt[y[i]!]!++;
    for (let j = 0; j < P; j++) cent[y[i]! * P + j]! += X[i * P + j]!;
  }
  for (let k = 0; k < 10; k++) for (let j = 0; j < P; j++) cent[k * P + j]! /= cnt[k]!;
  const Xt = test.images.data as Float32Array, yt = test.labels.data as Int32Array;
  let ok = 0;
  for (let i = 0; i < yt.length; i++) {
    let best = -1, bd = Infinity;
    for (let k = 0; k < 10; k++) {
      let d = 0;
      for (let j = 0; j < P; j++) d += (Xt[i * P + j]! - cent[k * P + j]!) ** 2;
      if (d < bd) [bd, best] = [d, k];
    }
    if (best === yt[i]) ok++;
  }
  return ok / yt.length;
}

describe('glyph strokes', () => {
  it('every digit has at least two styles, strokes in the unit box, segments no longer than GLYPH_MAX_SEGMENT', () => {
    expect(GLYPH_STROKES).toHaveLength(10);
    for (const styles of GLYPH_STROKES) {
      expect(styles.length).toBeGreaterThanOrEqual(2);
      for (const strokes of styles) for (const s of strokes) {
        expect(s.length % 2).toBe(0);
        for (const v of s) expect(v >= 0 && v <= 1).toBe(true);
        for (let k = 2; k < s.length; k += 2) expect(Math.hypot(s[k]! - s[k - 2]!, s[k + 1]! - s[k - 1]!)).toBeLessThanOrEqual(GLYPH_MAX_SEGMENT + 1e-12);
      }
    }
  });
});

describe('rotated digits (docs/design/reference-results.md, "Rotated digits and tetrominoes")', () => {
  it('shapes, dtypes, ranges; the angles are uniform-looking in [0, 2π); upright splits have angle 0', () => {
    const d = rotatedDigits({ seed: 3, train: 40, validation: 20, test: 30, upright: ['validation'] });
    expect(d.train.images.shape).toEqual([40, 1, S, S]);
    expect(d.train.images.dtype).toBe('float32');
    expect(d.train.labels.shape).toEqual([40]);
    expect(d.train.labels.dtype).toBe('int32');
    expect(d.test.images.shape).toEqual([30, 1, S, S]);
    expect(d.validation.images.shape).toEqual([20, 1, S, S]);
    for (const s of [d.train, d.validation, d.test]) {
      const x = s.images.data as Float32Array;
      expect(x.every((v) => v >= 0 && v <= 1)).toBe(true);
      expect(Math.max(...x)).toBe(1);
      expect((s.labels.data as Int32Array).every((v) => v >= 0 && v <= 9)).toBe(true);
    }
    expect([...d.validation.angles].every((a) => a === 0)).toBe(true);
    expect([...d.train.angles].every((a) => a >= 0 && a < 2 * Math.PI)).toBe(true);
    expect(new Set(d.train.angles).size).toBe(40);
    // angles of many items spread over the circle: each quadrant holds about a quarter
    const many = renderDigits({ seed: 3, count: 800, noise: 0, size: 8 }).angles;
    for (let q = 0; q < 4; q++) {
      const n = [...many].filter((a) => Math.floor(a / (Math.PI / 2)) === q).length;
      expect(n).toBeGreaterThan(150);
      expect(n).toBeLessThan(250);
    }
  });

  it('clean images are anti-aliased strokes: ink 1 on the stroke, background 0, a ramp in between; noise perturbs the background', () => {
    const clean = renderDigits({ seed: 1, count: 20, noise: 0 }).images.data as Float32Array;
    const frac = (pred: (v: number) => boolean): number => clean.filter(pred).length / clean.length;
    expect(frac((v) => v === 0)).toBeGreaterThan(0.6);
    expect(frac((v) => v === 1)).toBeGreaterThan(0.03);
    expect(frac((v) => v > 0 && v < 1)).toBeGreaterThan(0.03);
    const noisy = renderDigits({ seed: 1, count: 20 }).images.data as Float32Array;
    const bg = noisy.filter((_, i) => clean[i] === 0);
    const mean = bg.reduce((a, b) => a + b, 0) / bg.length;
    // noise σ = 0.05 clamped at 0: the background mean is σ/√(2π) ≈ 0.020
    expect(mean).toBeGreaterThan(0.015);
    expect(mean).toBeLessThan(0.025);
  });

  it('is deterministic: same seed, same bytes; another seed, other bytes; chunks equal the whole', () => {
    const a = rotatedDigits({ seed: 11, train: 25, validation: 5, test: 25 });
    const b = rotatedDigits({ seed: 11, train: 25, validation: 5, test: 25 });
    const c = rotatedDigits({ seed: 12, train: 25, validation: 5, test: 25 });
    expect(bytes(a.test.images.data as Float32Array).equals(bytes(b.test.images.data as Float32Array))).toBe(true);
    expect(bytes(a.train.labels.data as Int32Array).equals(bytes(b.train.labels.data as Int32Array))).toBe(true);
    expect(bytes(a.train.angles).equals(bytes(b.train.angles))).toBe(true);
    expect(bytes(a.test.images.data as Float32Array).equals(bytes(c.test.images.data as Float32Array))).toBe(false);
    expect(bytes(a.train.angles).equals(bytes(c.train.angles))).toBe(false);
    // a range rendered on its own is the same as within the split
    const mid = renderDigits({ seed: 11, split: 'test', start: 7, count: 13 });
    const whole = a.test.images.data as Float32Array;
    expect(bytes(mid.images.data as Float32Array).equals(bytes(whole.subarray(7 * S * S, 20 * S * S)))).toBe(true);
    const chunks = [...rotatedDigitChunks({ seed: 11, split: 'test', count: 25, chunkSize: 10 })];
    expect(chunks.map((k) => k.images.shape[0])).toEqual([10, 10, 5]);
    const cat = new Float32Array(25 * S * S);
    chunks.forEach((k, i) => cat.set(k.images.data as Float32Array, i * 10 * S * S));
    expect(bytes(cat).equals(bytes(whole))).toBe(true);
  });

  it('classes are balanced: every block of ten holds each digit once', () => {
    const lab = renderDigits({ seed: 2, count: 995, size: 8, noise: 0 }).labels.data as Int32Array;
    const counts = new Array<number>(10).fill(0);
    for (const l of lab) counts[l]!++;
    for (const n of counts) expect(n === 99 || n === 100).toBe(true);
    for (let b = 0; b < 99; b++) expect(new Set(lab.subarray(10 * b, 10 * b + 10)).size).toBe(10);
    // and the order within blocks is not fixed
    expect(new Set(Array.from({ length: 20 }, (_, b) => lab[10 * b])).size).toBeGreaterThan(3);
  });

  it('splits are disjoint: no image is shared between train, validation and test', () => {
    const d = rotatedDigits({ seed: 4, train: 300, validation: 300, test: 300, noise: 0 });
    const key = (x: Float32Array, i: number): string => bytes(x.subarray(i * S * S, (i + 1) * S * S)).toString('base64');
    const seen = new Set<string>();
    for (const s of [d.train, d.validation, d.test]) for (let i = 0; i < 300; i++) seen.add(key(s.images.data as Float32Array, i));
    expect(seen.size).toBe(900);
  });

  it('a rotated sample is its upright sample with the stroke geometry rotated by the sampled angle', () => {
    for (let i = 0; i < 12; i++) {
      const up = digitParams(9, 'test', i, true);
      const rot = digitParams(9, 'test', i);
      expect(up.angle).toBe(0);
      expect(rot.angle).toBeGreaterThan(0);
      expect({ ...rot, angle: 0 }).toEqual(up);
      // rotate the upright geometry here, independently: in y-up coordinates (x, −y) a
      // counter-clockwise rotation by θ is the usual matrix [[c, −s], [s, c]].
      const th = rot.angle, c = Math.cos(th), s = Math.sin(th);
      const rotated = glyphGeometry(up, S).map((st) => {
        const o = new Float64Array(st.length);
        for (let k = 0; k < st.length; k += 2) {
          const x = st[k]! - S / 2, yUp = -(st[k + 1]! - S / 2);
          o[k] = S / 2 + (c * x - s * yUp);
          o[k + 1] = S / 2 - (s * x + c * yUp);
        }
        return o;
      });
      const viaApi = renderGlyph(rot);
      expect(maxAbsDiff(rasterizeStrokes(rotated, rot.strokeWidth, S), viaApi)).toBeLessThan(1e-5);
      // and the rotation is not a no-op
      expect(maxAbsDiff(renderGlyph(up), viaApi)).toBeGreaterThan(0.5);
    }
  });

  it('a quarter turn is np.rot90 of the upright image, pixel for pixel', () => {
    for (let i = 0; i < 10; i++) {
      const up = digitParams(5, 'train', i, true);
      const img = renderGlyph(up);
      expect(maxAbsDiff(renderGlyph({ ...up, angle: Math.PI / 2 }), rot90(img, S))).toBeLessThan(1e-4);
      expect(maxAbsDiff(renderGlyph({ ...up, angle: Math.PI }), rot90(rot90(img, S), S))).toBeLessThan(1e-4);
      expect(maxAbsDiff(renderGlyph({ ...up, angle: -Math.PI / 2 }), rot90(img, S))).toBeGreaterThan(0.3); // the sense matters
    }
  });

  it('upright digits are recognisable: nearest-centroid accuracy ≈ 0.88 (chance 0.1); it falls on rotated test digits', () => {
    const train = renderDigits({ seed: 5, split: 'train', count: 2000, upright: true });
    const testUp = renderDigits({ seed: 5, split: 'test', count: 1000, upright: true });
    const testRot = renderDigits({ seed: 5, split: 'test', count: 1000 });
    const accUp = nearestCentroid(train, testUp);
    const accRot = nearestCentroid(train, testRot);
    expect(accUp).toBeGreaterThan(0.8); // measured 0.881
    expect(accRot).toBeLessThan(0.5); // measured 0.325
  });

  it('bad options are named errors, thrown before allocating', () => {
    startsWithOp(() => rotatedDigits({ train: 1.5 }), ValueError, 'rotatedDigits', 'train');
    startsWithOp(() => rotatedDigits({ test: -1 }), ValueError, 'rotatedDigits', 'test');
    startsWithOp(() => rotatedDigits({ test: 1e9 }), SizeError, 'rotatedDigits', 'maxValues');
    startsWithOp(() => rotatedDigits({ size: 1000 }), SizeError, 'rotatedDigits', 'size');
    startsWithOp(() => rotatedDigits({ size: 4 }), ValueError, 'rotatedDigits', 'size');
    startsWithOp(() => rotatedDigits({ seed: 0.5 }), ValueError, 'rotatedDigits', 'seed');
    startsWithOp(() => rotatedDigits({ noise: -0.1 }), ValueError, 'rotatedDigits', 'noise');
    startsWithOp(() => rotatedDigits({ upright: ['tests' as 'test'] }), ValueError, 'rotatedDigits', 'upright');
    startsWithOp(() => renderDigits({ count: 10, split: 'val' as 'validation' }), ValueError, 'renderDigits', 'split');
    startsWithOp(() => renderDigits({ count: Number.NaN }), ValueError, 'renderDigits', 'count');
    startsWithOp(() => rotatedDigitChunks({ split: 'test', count: 10, chunkSize: 0 }), ValueError, 'rotatedDigitChunks', 'chunkSize');
    startsWithOp(() => digitParams(0, 'dev' as 'test', 0), ValueError, 'digitParams', 'split');
    startsWithOp(() => rasterizeStrokes([], 2, 28.5), ValueError, 'rasterizeStrokes', 'size');
    startsWithOp(() => rasterizeStrokes([], -1, 28), ValueError, 'rasterizeStrokes', 'strokeWidth');
    startsWithOp(() => rasterizeStrokes([], 2, 28, new Float32Array(784), 1), ValueError, 'rasterizeStrokes', 'offset');
    startsWithOp(() => renderGlyph(digitParams(0, 'test', 0), { noise: 0.1 }), ValueError, 'renderGlyph', 'rng');
    expect(ROTATED_DIGITS.published).toEqual({ z2cnnTestError: 0.0503, p4cnnTestError: 0.0228 });
  });
});
