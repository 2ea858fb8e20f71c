import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NBODY, generateNBodyFrom, nbodySplits, parseNBodyStates, simulateCharged, simulateChargedFrom } from '../../src/data/nbody.js';
import type { NBodyInitialState } from '../../src/data/nbody.js';
import { Rng } from '../../src/util/rng.js';
import { ValueError } from '../../src/util/errors.js';

const FILE = new URL('../../datasets/nbody/paper-initial-states.f64', import.meta.url);

/** Records in the file's layout: charges[5], loc[3][5], vel[3][5] (dimension-major). */
function records(states: readonly NBodyInitialState[]): Uint8Array {
  const n = 5, out = new Float64Array(states.length * 35);
  states.forEach((s, r) => {
    for (let i = 0; i < n; i++) {
      out[r * 35 + i] = s.charges[i]!;
      for (let d = 0; d < 3; d++) {
        out[r * 35 + n + d * n + i] = s.loc[3 * i + d]!;
        out[r * 35 + 4 * n + d * n + i] = s.vel[3 * i + d]!;
      }
    }
  });
  return new Uint8Array(out.buffer);
}

const hasNumpy = spawnSync('/usr/bin/python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

describe('N-body from given initial states (the paper\'s own draws)', () => {
  it.skipIf(!hasNumpy)('the bundled file is what scripts/nbody-paper-states.py writes (numpy legacy RandomState, seed 43)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'erl-nbody-'));
    try {
      const out = join(dir, 'states.f64');
      execFileSync('/usr/bin/python3', [new URL('../../scripts/nbody-paper-states.py', import.meta.url).pathname, out], { stdio: 'ignore' });
      expect(Buffer.compare(readFileSync(out), readFileSync(FILE))).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the bundled file holds the paper\'s numpy draws (seed 43), parsed into particle-major arrays', () => {
    const st = parseNBodyStates(readFileSync(FILE));
    expect([st.train.length, st.val.length, st.test.length]).toEqual([NBODY.train, NBODY.val, NBODY.test]);
    // numpy.random.seed(43); choice([-1, 0, 1], (5, 1), p=[.5, 0, .5]); randn(3, 5) — first simulation
    expect(Array.from(st.train[0]!.charges)).toEqual([-1, 1, -1, -1, -1]);
    const p0 = Array.from(st.train[0]!.loc.subarray(0, 3)), p1 = Array.from(st.train[0]!.loc.subarray(3, 6));
    expect(p0.map((v) => v.toFixed(8))).toEqual(['0.40609421', '1.49140104', '-0.51885051']);
    expect(p1.map((v) => v.toFixed(8))).toEqual(['0.87809903', '-0.63122832', '-0.22539578']);
    // charges are ±1 with p = ½ each (the 0 type has probability 0)
    const all = [...st.train, ...st.val, ...st.test].flatMap((s) => Array.from(s.charges));
    const plus = all.filter((q) => q === 1).length / all.length;
    expect(plus).toBeGreaterThan(0.48);
    expect(plus).toBeLessThan(0.52);
  });

  it('simulating a drawn state again reproduces simulateCharged (up to the norm\'s last bit)', () => {
    const rng = new Rng(9);
    const charges = Float64Array.from([1, -1, 1, 1, -1]);
    const loc = Float64Array.from({ length: 15 }, () => rng.normal());
    const vel = Float64Array.from({ length: 15 }, () => rng.normal());
    const a = simulateChargedFrom({ charges, loc, vel }, { frames: 5 });
    // the same raw state through simulateCharged's own drawing: replay the generator
    const r2 = new Rng(4);
    const b = simulateCharged(r2, { frames: 5 });
    const r3 = new Rng(4);
    const q = Float64Array.from({ length: 5 }, () => (r3.uniform() < 0.5 ? -1 : 1));
    const x = Float64Array.from({ length: 15 }, () => r3.normal());
    const v = Float64Array.from({ length: 15 }, () => r3.normal());
    const c = simulateChargedFrom({ charges: q, loc: x, vel: v }, { frames: 5 });
    for (let k = 0; k < b.loc.length; k++) expect(Math.abs(c.loc[k]! - b.loc[k]!)).toBeLessThan(1e-12);
    expect(a.frames).toBe(5);
    expect(a.charges).toEqual(charges);
  });

  it('round-trips through the file layout and feeds nbodySplits', () => {
    const rng = new Rng(2);
    const mk = (): NBodyInitialState => ({
      charges: Float64Array.from({ length: 5 }, () => (rng.uniform() < 0.5 ? -1 : 1)),
      loc: Float64Array.from({ length: 15 }, () => rng.normal()),
      vel: Float64Array.from({ length: 15 }, () => rng.normal()),
    });
    const states = Array.from({ length: NBODY.train + NBODY.val + NBODY.test }, (_, i) => (i < 12 ? mk() : { charges: Float64Array.from([1, -1, 1, -1, 1]), loc: Float64Array.from({ length: 15 }, (_, k) => k), vel: Float64Array.from({ length: 15 }, () => 1) }));
    const parsed = parseNBodyStates(records(states));
    expect(Array.from(parsed.train[3]!.loc)).toEqual(Array.from(states[3]!.loc));
    expect(Array.from(parsed.train[3]!.vel)).toEqual(Array.from(states[3]!.vel));
    const splits = nbodySplits({ train: 4, val: 2, test: 1, states: parsed });
    expect([splits.train.length, splits.val.length, splits.test.length]).toEqual([4, 2, 1]);
    expect(splits.train[2]).toEqual(generateNBodyFrom([parsed.train[2]!])[0]);
    expect(() => nbodySplits({ train: NBODY.train + 1, states: parsed })).toThrow(/3001 train simulations requested/);
  });

  it('rejects malformed files and states with named errors', () => {
    expect(() => parseNBodyStates(new Uint8Array(80))).toThrow(ValueError);
    expect(() => parseNBodyStates(new Uint8Array(80))).toThrow(/expected 7000 records/);
    const bad = new Float64Array(7000 * 35);
    bad.fill(1);
    bad[35 + 2] = 0.5; // a charge of record 1
    expect(() => parseNBodyStates(new Uint8Array(bad.buffer))).toThrow(/record 1 has charge 0.5/);
    bad[35 + 2] = 1;
    bad[40] = Number.NaN;
    expect(() => parseNBodyStates(new Uint8Array(bad.buffer))).toThrow(/record 1 value 5 is not finite/);
    expect(() => simulateChargedFrom({ charges: new Float64Array(5), loc: new Float64Array(14), vel: new Float64Array(15) })).toThrow(/simulateChargedFrom/);
    expect(() => generateNBodyFrom([], { inputFrame: 60 })).toThrow(/inputFrame/);
  });
});
