import { describe, expect, it } from 'vitest';
import { MODELS, ORDERS, buildModel, cleanSignal, formatTimeWarp, makeWarpData, maxLength, randomWarp, runTimeWarp, trainOne } from '../../examples/time-warp.js';
import { Rng } from '../../src/index.js';

describe('examples/time-warp (tiny size)', () => {
  it('the warp slows time down: monotone clean times in (0, 1), length in [base, base·(1 + s)], the identity at s = 0', () => {
    const base = 18;
    const id = randomWarp(new Rng(1), 0, base);
    expect(id.length).toBe(base);
    id.forEach((v, t) => expect(v).toBeCloseTo((t + 0.5) / base, 9));
    const meanLength = (s: number): number => {
      let sum = 0;
      for (let seed = 0; seed < 20; seed++) {
        const w = randomWarp(new Rng(seed), s, base);
        expect(w.length).toBeGreaterThanOrEqual(base);
        expect(w.length).toBeLessThanOrEqual(maxLength(base, s));
        for (let t = 0; t < w.length; t++) {
          expect(w[t]!).toBeGreaterThan(0);
          expect(w[t]!).toBeLessThan(1);
          if (t > 0) expect(w[t]!).toBeGreaterThan(w[t - 1]!);
        }
        sum += w.length;
      }
      return sum / 20;
    };
    const l1 = meanLength(1), l4 = meanLength(4);
    expect(l1).toBeGreaterThan(1.2 * base);
    expect(l4).toBeGreaterThan(1.5 * l1);
  });

  it('classes are the six motif orders; every sequence has all three motifs; padded with zeros past its length; seeded', () => {
    expect(new Set(ORDERS.map((o) => o.join(''))).size).toBe(6);
    const d = makeWarpData(new Rng(2), 60, 18, 0, 0);
    expect(d.x.shape).toEqual([60, 18, 1]);
    const xs = d.x.toFlatArray();
    for (let i = 0; i < 60; i++) {
      const row = xs.slice(i * 18, (i + 1) * 18);
      row.forEach((v, t) => expect(v).toBeCloseTo(cleanSignal(ORDERS[d.y[i]!]!, (t + 0.5) / 18), 6));
      expect(Math.max(...row)).toBeGreaterThan(0.9); // the bump
      expect(Math.min(...row)).toBeLessThan(-0.9); // the dip
    }
    expect(new Set(d.y).size).toBe(6);
    const w = makeWarpData(new Rng(2), 30, 18, 2), Tm = maxLength(18, 2), wx = w.x.toFlatArray();
    expect(w.x.shape).toEqual([30, Tm, 1]);
    w.lengths.forEach((n, i) => { for (let t = n; t < Tm; t++) expect(wx[i * Tm + t]).toBe(0); });
    expect(makeWarpData(new Rng(2), 30, 18, 2).x.toFlatArray()).toEqual(wx);
  });

  it('the four models have similar parameter counts (1.2–1.7 k)', () => {
    const n = MODELS.map((m) => buildModel(m, new Rng(0)).numParameters());
    for (const p of n) {
      expect(p).toBeGreaterThan(1200);
      expect(p).toBeLessThan(1700);
    }
    expect(Math.max(...n) / Math.min(...n)).toBeLessThan(1.35);
  });

  it('a GRU learns the unwarped task well above chance from a small set', () => {
    const rng = new Rng(3);
    const train = makeWarpData(rng, 96, 18, 0), test = makeWarpData(rng, 96, 18, 0);
    const { testAcc } = trainOne(buildModel('GRU', new Rng(4)), train, test, new Rng(5), 10, 16);
    expect(testAcc).toBeGreaterThan(0.6); // chance 1/6
  });

  it('runs every model at every strength and prints the table', () => {
    const rows = runTimeWarp({ warps: [0, 1], seeds: 2, train: 24, test: 24, base: 9, epochs: 1, batch: 12, scale: 0.25 });
    expect(rows.map((r) => `${r.warp}/${r.model}`)).toEqual([...MODELS.map((m) => `0/${m}`), ...MODELS.map((m) => `1/${m}`)]);
    for (const r of rows) {
      expect(r.min).toBeGreaterThanOrEqual(0);
      expect(r.max).toBeLessThanOrEqual(1);
      expect(r.mean).toBeGreaterThanOrEqual(r.min);
      expect(r.mean).toBeLessThanOrEqual(r.max);
      expect(r.std).toBeGreaterThanOrEqual(0);
    }
    const table = formatTimeWarp(rows);
    expect(table.split('\n')).toHaveLength(MODELS.length + 2);
    expect(table).toContain('s = 1');
  });
});
