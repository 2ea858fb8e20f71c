import { describe, expect, it } from 'vitest';
import { NBODY, chargedForces, generateNBody, nbodyGraphs, nbodySplits, simulateCharged } from '../../src/data/nbody.js';
import { Rng } from '../../src/util/rng.js';

function energy(x: Float64Array, v: Float64Array, q: Float64Array): number {
  let e = 0;
  const n = q.length;
  for (let k = 0; k < 3 * n; k++) e += 0.5 * v[k]! ** 2;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) e += (q[i]! * q[j]!) / Math.hypot(x[3 * i]! - x[3 * j]!, x[3 * i + 1]! - x[3 * j + 1]!, x[3 * i + 2]! - x[3 * j + 2]!);
  return e;
}

function momentum(v: Float64Array, off: number, n: number): number[] {
  return [0, 1, 2].map((c) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += v[off + 3 * i + c]!;
    return s;
  });
}

describe('charged N-body generator (docs/design/reference-results.md)', () => {
  it('has the paper constants', () => {
    expect(NBODY).toMatchObject({ numParticles: 5, dim: 3, dt: 0.001, steps: 5000, sampleFreq: 100, inputFrame: 30, targetFrame: 40, maxForce: 100, train: 3000, val: 2000, test: 2000 });
  });

  it('forces: like charges repel, opposite attract, inverse square, components clipped to ±100', () => {
    const F = new Float64Array(6);
    expect(chargedForces(Float64Array.of(0, 0, 0, 2, 0, 0), Float64Array.of(1, 1), F)).toBe(false);
    expect([...F]).toEqual([-0.25, 0, 0, 0.25, 0, 0]);
    chargedForces(Float64Array.of(0, 0, 0, 2, 0, 0), Float64Array.of(1, -1), F);
    expect([...F]).toEqual([0.25, 0, 0, -0.25, 0, 0]);
    // 0.01 apart: |F| = 1e4 → clipped to 100 per component
    expect(chargedForces(Float64Array.of(0, 0, 0, 0.01, 0, 0.005), Float64Array.of(1, -1), F)).toBe(true);
    expect(F[0]).toBe(100);
    expect(F[3]).toBe(-100);
    expect(Math.abs(F[2]!)).toBeLessThanOrEqual(100);
  });

  it('initial state statistics: charges ±1 (p = ½), positions ~ N(0, 1), speeds ≈ 0.5 (frame 0 = step 100)', () => {
    const rng = new Rng(3);
    const xs: number[] = [], speeds: number[] = [], qs: number[] = [];
    for (let k = 0; k < 150; k++) {
      const t = simulateCharged(rng, { frames: 1 });
      qs.push(...t.charges);
      xs.push(...t.loc);
      for (let i = 0; i < 5; i++) speeds.push(Math.hypot(t.vel[3 * i]!, t.vel[3 * i + 1]!, t.vel[3 * i + 2]!));
    }
    expect(qs.every((q) => q === 1 || q === -1)).toBe(true);
    expect(qs.filter((q) => q === 1).length / qs.length).toBeGreaterThan(0.42);
    expect(qs.filter((q) => q === 1).length / qs.length).toBeLessThan(0.58);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean)).toBeLessThan(0.1);
    expect(std).toBeGreaterThan(0.9);
    expect(std).toBeLessThan(1.1);
    speeds.sort((a, b) => a - b);
    expect(speeds[speeds.length >> 1]).toBeGreaterThan(0.4); // median: 0.5 plus 100 steps of forces
    expect(speeds[speeds.length >> 1]).toBeLessThan(0.7);
  });

  it('samples: shapes, finite values, determinism in the seed, distinct seeds differ', () => {
    const a = generateNBody({ numSims: 6, seed: 1 });
    const b = generateNBody({ numSims: 6, seed: 1 });
    const c = generateNBody({ numSims: 6, seed: 2 });
    expect(a).toHaveLength(6);
    for (const s of a) {
      expect([s.loc0.length, s.vel0.length, s.charges.length, s.target.length]).toEqual([15, 15, 5, 15]);
      expect([...s.loc0, ...s.vel0, ...s.target].every(Number.isFinite)).toBe(true);
    }
    expect(a.map((s) => [...s.target])).toEqual(b.map((s) => [...s.target]));
    expect(a[0]!.loc0[0]).not.toBe(c[0]!.loc0[0]);
    // the target is 1000 steps after the input: it moved
    const moved = a.map((s) => Math.hypot(...s.target.map((x, k) => x - s.loc0[k]!)));
    expect(Math.min(...moved)).toBeGreaterThan(0.05);
  });

  it('frame k is step 100(k + 1): early stopping does not change the saved frames; input/target are frames 30/40', () => {
    const full = simulateCharged(new Rng(4));
    expect(full.frames).toBe(49);
    const [s] = generateNBody({ numSims: 1, rng: new Rng(4) });
    expect([...s!.loc0]).toEqual([...full.loc.slice(30 * 15, 31 * 15)]);
    expect([...s!.vel0]).toEqual([...full.vel.slice(30 * 15, 31 * 15)]);
    expect([...s!.target]).toEqual([...full.loc.slice(40 * 15, 41 * 15)]);
  });

  it('physics: momentum conserved exactly and energy approximately without clipping; clipping happens in close encounters', () => {
    const rng = new Rng(5);
    let clipped = 0, free = 0;
    for (let k = 0; k < 12; k++) {
      const t = simulateCharged(rng, { frames: 41 });
      if (t.clipped) { clipped++; continue; }
      free++;
      const p0 = momentum(t.vel, 0, 5), p1 = momentum(t.vel, 40 * 15, 5);
      p0.forEach((p, c) => expect(Math.abs(p - p1[c]!)).toBeLessThan(1e-12));
      const e0 = energy(t.loc.slice(0, 15), t.vel.slice(0, 15), t.charges);
      const e1 = energy(t.loc.slice(600, 615), t.vel.slice(600, 615), t.charges);
      expect(Math.abs(e1 - e0)).toBeLessThan(0.05);
    }
    expect(free).toBeGreaterThan(0);
    expect(clipped).toBeGreaterThan(0);
  });

  it('splits are independent streams: val/test do not depend on the training size', () => {
    const a = nbodySplits({ train: 2, val: 2, test: 2, seed: 7 });
    const b = nbodySplits({ train: 3, val: 2, test: 2, seed: 7 });
    expect([...a.test[1]!.target]).toEqual([...b.test[1]!.target]);
    expect([...a.train[0]!.loc0]).toEqual([...b.train[0]!.loc0]);
  });

  it('nbodyGraphs: fully connected (20 edges per sim), node feature ‖v‖, edge attributes [q_i q_j, ‖x_i − x_j‖²], pos/vel/target', () => {
    const samples = generateNBody({ numSims: 3, seed: 8 });
    const g = nbodyGraphs(samples, { dtype: 'float64' });
    expect(g.numGraphs).toBe(3);
    expect([...g.nNode]).toEqual([5, 5, 5]);
    expect([...g.nEdge]).toEqual([20, 20, 20]);
    expect(g.nodes!.shape).toEqual([15, 1]);
    expect(g.edges!.shape).toEqual([60, 2]);
    const s = samples[1]!;
    // node 7 = particle 2 of sim 1
    expect(g.nodes!.data[7]).toBeCloseTo(Math.hypot(s.vel0[6]!, s.vel0[7]!, s.vel0[8]!), 14);
    for (let e = 20; e < 40; e++) {
      const i = g.receivers[e]! - 5, j = g.senders[e]! - 5;
      expect(i).not.toBe(j);
      expect(g.edges!.data[2 * e]).toBe(s.charges[i]! * s.charges[j]!);
      const d2 = [0, 1, 2].reduce((a, c) => a + (s.loc0[3 * i + c]! - s.loc0[3 * j + c]!) ** 2, 0);
      expect(g.edges!.data[2 * e + 1]).toBeCloseTo(d2, 12);
    }
    expect([...g.extraTensor('pos').data.slice(15, 30)]).toEqual([...s.loc0]);
    expect([...g.extraTensor('vel').data.slice(15, 30)]).toEqual([...s.vel0]);
    expect([...g.extraTensor('target').data.slice(15, 30)]).toEqual([...s.target]);
    expect(nbodyGraphs(samples).nodes!.dtype).toBe('float32');
  });

  it('rejects bad options', () => {
    expect(() => generateNBody({ numSims: -1 })).toThrow(/numSims/);
    expect(() => generateNBody({ numSims: 1, targetFrame: 49 })).toThrow(/targetFrame/);
  });
});
