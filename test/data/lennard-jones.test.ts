/**
 * The Lennard-Jones cluster data: forces are minus the finite-difference gradient of the energy,
 * the energy is invariant (and the forces equivariant) under rotations, reflections, translations
 * and permutations, velocity-Verlet conserves energy, the generator is seeded and checks its options.
 */
import { describe, expect, it } from 'vitest';
import { LENNARD_JONES, generateLennardJones, ljEnergy, ljEnergyForces, ljVelocityVerlet } from '../../src/data/index.js';
import { Rng, ValueError } from '../../src/util/index.js';
import { quaternionToMatrix, randomQuaternion } from '../../src/group/index.js';

const data = generateLennardJones({ numConfigs: 6, seed: 5 });

/** A Haar-random rotation (a uniform unit quaternion), composed with the reflection z ↦ −z when `reflect`. */
function randomOrthogonal(rng: Rng, reflect: boolean): number[][] {
  const m = quaternionToMatrix(randomQuaternion(rng));
  return [0, 1, 2].map((i) => [0, 1, 2].map((j) => (reflect && i === 2 ? -1 : 1) * m[3 * i + j]!));
}
const apply3 = (R: number[][], x: ArrayLike<number>): Float64Array => {
  const out = new Float64Array(x.length);
  for (let a = 0; a < x.length / 3; a++) for (let i = 0; i < 3; i++) out[3 * a + i] = R[i]![0]! * x[3 * a]! + R[i]![1]! * x[3 * a + 1]! + R[i]![2]! * x[3 * a + 2]!;
  return out;
};
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!)); return m; };

describe('generateLennardJones', () => {
  it('13–38 atoms, bound clusters, separated atoms, centred, finite forces', () => {
    for (const s of data) {
      expect(s.numAtoms).toBeGreaterThanOrEqual(13);
      expect(s.numAtoms).toBeLessThanOrEqual(38);
      expect(s.positions.length).toBe(3 * s.numAtoms);
      expect(s.energy / s.numAtoms).toBeLessThan(-1); // cohesive
      let dmin = Infinity;
      for (let i = 0; i < s.numAtoms; i++) for (let j = i + 1; j < s.numAtoms; j++) {
        dmin = Math.min(dmin, Math.hypot(...[0, 1, 2].map((k) => s.positions[3 * i + k]! - s.positions[3 * j + k]!)));
      }
      expect(dmin).toBeGreaterThan(0.8);
      for (let d = 0; d < 3; d++) {
        let m = 0;
        for (let i = 0; i < s.numAtoms; i++) m += s.positions[3 * i + d]!;
        expect(Math.abs(m / s.numAtoms)).toBeLessThan(1e-12);
      }
      expect(s.forces.every(Number.isFinite)).toBe(true);
      expect(Math.abs(s.energy - ljEnergy(s.positions))).toBeLessThan(1e-12 * Math.abs(s.energy));
    }
  });

  it('is deterministic in the seed and different across seeds', () => {
    const again = generateLennardJones({ numConfigs: 6, seed: 5 });
    expect(again.map((s) => s.energy)).toEqual(data.map((s) => s.energy));
    expect(generateLennardJones({ numConfigs: 1, seed: 6 })[0]!.energy).not.toBe(data[0]!.energy);
  });

  it('relaxation lowers the energy of the random placement', () => {
    const noRelax = generateLennardJones({ numConfigs: 3, seed: 9, relaxSteps: 0, mdSteps: 0 });
    const relaxed = generateLennardJones({ numConfigs: 3, seed: 9, mdSteps: 0 });
    relaxed.forEach((s, i) => expect(s.energy).toBeLessThan(noRelax[i]!.energy));
  });

  it('rejects bad options with a ValueError naming the function', () => {
    expect(() => generateLennardJones({ numConfigs: -1 })).toThrow(ValueError);
    expect(() => generateLennardJones({ numConfigs: 1, minAtoms: 10, maxAtoms: 5 })).toThrow(/generateLennardJones: maxAtoms 5 < minAtoms 10/);
    expect(() => generateLennardJones({ numConfigs: 1, dt: 0 })).toThrow(/dt must be positive/);
    expect(() => generateLennardJones({ numConfigs: 1, temperature: -1 })).toThrow(ValueError);
    expect(() => ljEnergy([1, 2])).toThrow(/ljEnergy: positions must be a non-empty flat \[N, 3\] array/);
    expect(LENNARD_JONES.minAtoms).toBe(13);
  });
});

describe('energy and forces', () => {
  it('forces are minus the central-difference gradient of the energy', () => {
    for (const s of data.slice(0, 3)) {
      const x = Float64Array.from(s.positions);
      const h = 1e-6;
      let err = 0, scale = 0;
      for (let k = 0; k < x.length; k++) {
        const x0 = x[k]!;
        x[k] = x0 + h; const ep = ljEnergy(x);
        x[k] = x0 - h; const em = ljEnergy(x);
        x[k] = x0;
        err = Math.max(err, Math.abs(-(ep - em) / (2 * h) - s.forces[k]!));
        scale = Math.max(scale, Math.abs(s.forces[k]!));
      }
      expect(err / scale).toBeLessThan(1e-7);
    }
    // and the check fails on wrong forces
    const s = data[0]!, wrong = Float64Array.from(s.forces);
    wrong[0] = wrong[0]! + 0.5;
    const x = Float64Array.from(s.positions), h = 1e-6;
    x[0] = x[0]! + h; const ep = ljEnergy(x); x[0] = x[0]! - 2 * h; const em = ljEnergy(x);
    expect(Math.abs(-(ep - em) / (2 * h) - wrong[0]!)).toBeGreaterThan(0.4);
  });

  it('a pair at the minimum distance 2^(1/6) has energy −1 and no force', () => {
    const r = 2 ** (1 / 6);
    const { energy, forces } = ljEnergyForces([0, 0, 0, r, 0, 0]);
    expect(energy).toBeCloseTo(-1, 14);
    expect(maxDiff(forces, new Float64Array(6))).toBeLessThan(1e-13);
  });

  it('invariant under rotations, reflections, translations and permutations (forces transform along)', () => {
    const rng = new Rng(3);
    for (const s of data) {
      const R = randomOrthogonal(rng, s.numAtoms % 2 === 0);
      const rx = apply3(R, s.positions);
      const t = [rng.normal(), rng.normal(), rng.normal()];
      for (let a = 0; a < s.numAtoms; a++) for (let d = 0; d < 3; d++) rx[3 * a + d] = rx[3 * a + d]! + t[d]!;
      const got = ljEnergyForces(rx);
      expect(Math.abs(got.energy - s.energy) / Math.abs(s.energy)).toBeLessThan(1e-12);
      expect(maxDiff(got.forces, apply3(R, s.forces))).toBeLessThan(1e-10);
      const perm = Array.from({ length: s.numAtoms }, (_, i) => i).sort(() => rng.uniform() - 0.5);
      const px = new Float64Array(s.positions.length);
      perm.forEach((p, i) => px.set(s.positions.subarray(3 * p, 3 * p + 3), 3 * i));
      const pg = ljEnergyForces(px);
      expect(Math.abs(pg.energy - s.energy) / Math.abs(s.energy)).toBeLessThan(1e-12);
      perm.forEach((p, i) => expect(maxDiff(pg.forces.subarray(3 * i, 3 * i + 3), s.forces.subarray(3 * p, 3 * p + 3))).toBeLessThan(1e-10));
    }
  });

  it('velocity-Verlet conserves the total energy (and the quench only lowers the potential)', () => {
    const s = data[1]!;
    const x = Float64Array.from(s.positions), rng = new Rng(4);
    const v = Float64Array.from({ length: x.length }, () => 0.5 * rng.normal());
    const kin = (): number => v.reduce((a, b) => a + 0.5 * b * b, 0);
    const e0 = ljEnergy(x) + kin();
    const { energy } = ljVelocityVerlet(x, v, 200, 0.002);
    expect(Math.abs(energy + kin() - e0) / Math.abs(e0)).toBeLessThan(1e-3);
    const q = Float64Array.from(s.positions), w = new Float64Array(q.length);
    const before = ljEnergy(q);
    expect(ljVelocityVerlet(q, w, 50, 0.005, true).energy).toBeLessThan(before);
    expect(() => ljVelocityVerlet(q, new Float64Array(3), 1, 0.01)).toThrow(ValueError);
  });
});
