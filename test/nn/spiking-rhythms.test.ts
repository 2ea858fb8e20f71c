import { describe, expect, it } from 'vitest';
import { RHYTHMS, rhythms } from '../../src/data/rhythms.js';

describe('rhythms (the spiking example data)', () => {
  it('clean samples repeat their class pattern exactly, and every class has the same rate', () => {
    const { spikes, labels } = rhythms({ seed: 2, count: 50, jitter: 0, drop: 0, noise: 0, channels: 2, steps: 60 });
    const a = spikes.toArray() as number[][][], l = labels.toFlatArray();
    const counts = new Map<number, number[]>();
    a.forEach((sample, n) => {
      const times = sample.map((row, t) => (row[0] === 1 ? t : -1)).filter((t) => t >= 0);
      expect(sample.map((row) => row[1])).toEqual(sample.map((row) => row[0])); // channels are copies when clean
      const isi = times.slice(1).map((t, i) => t - times[i]!);
      const pat = RHYTHMS.patterns[l[n]!]!;
      // the intervals are a rotation of the pattern, repeated
      const start = Array.from({ length: pat.length }, (_, r) => r).find((r) => isi.every((d, i) => d === pat[(i + r) % pat.length]));
      expect(start).toBeDefined();
      counts.set(l[n]!, [...(counts.get(l[n]!) ?? []), times.length]);
    });
    // 60 steps, 3 spikes per 12: 15 spikes for every class (the phase moves it by at most one)
    for (const [, c] of counts) for (const x of c) expect(Math.abs(x - 15)).toBeLessThanOrEqual(1);
    expect(counts.size).toBe(5);
  });

  it('is balanced, deterministic per seed, disjoint across splits, and its noise has the requested rate', () => {
    const a = rhythms({ seed: 1, count: 20 }), b = rhythms({ seed: 1, count: 20 });
    expect(a.spikes.toFlatArray()).toEqual(b.spikes.toFlatArray());
    const l = a.labels.toFlatArray();
    for (let k = 0; k < 5; k++) expect(l.filter((x) => x === k)).toHaveLength(4);
    expect(rhythms({ seed: 1, count: 20, split: 'test' }).spikes.toFlatArray()).not.toEqual(a.spikes.toFlatArray());
    const noise = rhythms({ seed: 3, count: 40, drop: 1, noise: 0.1 }).spikes.toFlatArray();
    const rate = noise.reduce((s, x) => s + x, 0) / noise.length;
    expect(Math.abs(rate - 0.1)).toBeLessThan(4 * Math.sqrt(0.09 / noise.length));
    expect(a.spikes.shape).toEqual([20, RHYTHMS.steps, RHYTHMS.channels]);
  });

  it('named errors', () => {
    expect(() => rhythms({ count: -1 })).toThrow(expect.objectContaining({ name: 'ValueError', message: expect.stringContaining('rhythms') }));
    expect(() => rhythms({ count: 2, drop: 2 })).toThrow(expect.objectContaining({ name: 'ValueError' }));
    expect(() => rhythms({ count: 2, patterns: [[1, 0], [2]] })).toThrow(expect.objectContaining({ name: 'ValueError' }));
    expect(() => rhythms({ count: 2, split: 'dev' as 'test' })).toThrow(expect.objectContaining({ name: 'ValueError' }));
    expect(() => rhythms({ count: 2 ** 22, steps: 48 })).toThrow(expect.objectContaining({ name: 'SizeError' }));
  });
});
