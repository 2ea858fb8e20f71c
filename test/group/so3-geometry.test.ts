import { describe, expect, it } from 'vitest';
import {
  anglesToMatrix, anglesToQuaternion, axisAngleToMatrix, axisAngleToQuaternion, checkRotation, composeQuaternions, composeRotations,
  haarOrthogonal, inverseQuaternion, inverseRotation, matrixToAngles, matrixToAxisAngle, matrixToQuaternion, quaternionToAngles,
  quaternionToAxisAngle, quaternionToMatrix, randomQuaternion, rotationX, rotationY,
} from '../../src/group/index.js';
import { identity, matmul, maxAbsDiff } from '../../src/linalg/index.js';
import { Rng, ShapeError, ValueError } from '../../src/util/index.js';

const rng = new Rng(11);
const N = 200;
const qDiff = (a: readonly number[], b: readonly number[]): number => {
  const d1 = Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
  const d2 = Math.max(...a.map((v, i) => Math.abs(v + b[i]!)));
  return Math.min(d1, d2);
};

describe('SO(3) geometry: quaternions, Euler angles (YXY), axis–angle', () => {
  it('matrix ↔ quaternion round trips on Haar-random rotations (≤ 1e-12), canonical w ≥ 0', () => {
    for (let i = 0; i < N; i++) {
      const q = randomQuaternion(rng);
      expect(q[0]).toBeGreaterThanOrEqual(0);
      const R = quaternionToMatrix(q);
      checkRotation('test', R, 1e-12);
      expect(qDiff(matrixToQuaternion(R), q)).toBeLessThan(1e-12);
      const R2 = haarOrthogonal(rng, 3, true);
      expect(maxAbsDiff(quaternionToMatrix(matrixToQuaternion(R2)), R2)).toBeLessThan(1e-12);
    }
  });
  it('Euler angles: R_y(α)R_x(β)R_y(γ), round trips both ways (≤ 1e-12)', () => {
    expect(maxAbsDiff(anglesToMatrix(0.3, 0.7, -1.1), matmul(matmul(rotationY(0.3), rotationX(0.7), 3, 3, 3), rotationY(-1.1), 3, 3, 3))).toBeLessThan(1e-15);
    for (let i = 0; i < N; i++) {
      const R = haarOrthogonal(rng, 3, true);
      const [a, b, g] = matrixToAngles(R);
      expect(b).toBeGreaterThanOrEqual(0);
      expect(b).toBeLessThanOrEqual(Math.PI);
      expect(maxAbsDiff(anglesToMatrix(a, b, g), R)).toBeLessThan(1e-12);
      const ang = [(rng.uniform() * 2 - 1) * Math.PI, rng.uniform() * Math.PI, (rng.uniform() * 2 - 1) * Math.PI] as const;
      const back = matrixToAngles(anglesToMatrix(...ang));
      expect(Math.max(...back.map((v, k) => Math.abs(v - ang[k]!)))).toBeLessThan(1e-12);
      expect(maxAbsDiff(quaternionToMatrix(anglesToQuaternion(...ang)), anglesToMatrix(...ang))).toBeLessThan(1e-12);
      expect(Math.max(...quaternionToAngles(anglesToQuaternion(...ang)).map((v, k) => Math.abs(v - ang[k]!)))).toBeLessThan(1e-12);
    }
  });
  it('Euler angles: gimbal lock (β = 0, π, and within 1e-9) returns a valid decomposition', () => {
    for (const b of [0, Math.PI, 1e-9, Math.PI - 1e-9, 1e-15]) {
      for (const [a, g] of [[0.4, 0.9], [-2.5, 1.7], [Math.PI, -Math.PI / 2]] as const) {
        const R = anglesToMatrix(a, b, g);
        const ang = matrixToAngles(R);
        expect(maxAbsDiff(anglesToMatrix(...ang), R)).toBeLessThan(1e-12);
        if (b === 0 || b === Math.PI) expect(ang[2]).toBe(0);
      }
    }
    expect(matrixToAngles(identity(3))).toEqual([0, 0, 0]);
  });
  it('axis–angle: round trips, angle ∈ [0, π], identity and π edge cases', () => {
    for (let i = 0; i < N; i++) {
      const R = haarOrthogonal(rng, 3, true);
      const { axis, angle } = matrixToAxisAngle(R);
      expect(angle).toBeGreaterThanOrEqual(0);
      expect(angle).toBeLessThanOrEqual(Math.PI);
      expect(Math.hypot(...axis)).toBeCloseTo(1, 14);
      expect(maxAbsDiff(axisAngleToMatrix(axis, angle), R)).toBeLessThan(1e-12);
      const q = randomQuaternion(rng);
      const aa = quaternionToAxisAngle(q);
      expect(qDiff(axisAngleToQuaternion(aa.axis, aa.angle), q)).toBeLessThan(1e-12);
    }
    expect(matrixToAxisAngle(identity(3))).toEqual({ axis: [0, 1, 0], angle: 0 });
    // tiny angles keep full relative accuracy
    const small = matrixToAxisAngle(axisAngleToMatrix([1, 2, 2], 1e-9));
    expect(Math.abs(small.angle - 1e-9) / 1e-9).toBeLessThan(1e-6);
    expect(maxAbsDiff(Float64Array.from(small.axis), Float64Array.of(1 / 3, 2 / 3, 2 / 3))).toBeLessThan(1e-6);
    // angle π, and just below
    for (const t of [Math.PI, Math.PI - 1e-10]) {
      const n = [0.6, 0, -0.8] as const;
      const R = axisAngleToMatrix(n, t);
      const { axis, angle } = matrixToAxisAngle(R);
      expect(Math.abs(angle - t)).toBeLessThan(1e-12);
      expect(Math.min(maxAbsDiff(Float64Array.from(axis), Float64Array.from(n)), maxAbsDiff(Float64Array.from(axis), Float64Array.from(n, (v) => -v)))).toBeLessThan(1e-12);
      expect(maxAbsDiff(axisAngleToMatrix(axis, angle), R)).toBeLessThan(1e-12);
    }
    // angles beyond π map back into [0, π]
    const w = quaternionToAxisAngle(axisAngleToQuaternion([0, 0, 1], 1.5 * Math.PI));
    expect(w.angle).toBeCloseTo(0.5 * Math.PI, 14);
    expect(w.axis[2]).toBeCloseTo(-1, 14);
  });
  it('compose and inverse agree between matrices and quaternions', () => {
    for (let i = 0; i < 50; i++) {
      const a = randomQuaternion(rng);
      const b = randomQuaternion(rng);
      const A = quaternionToMatrix(a);
      const B = quaternionToMatrix(b);
      expect(maxAbsDiff(quaternionToMatrix(composeQuaternions(a, b)), composeRotations(A, B))).toBeLessThan(1e-12);
      expect(maxAbsDiff(quaternionToMatrix(inverseQuaternion(a)), inverseRotation(A))).toBeLessThan(1e-12);
      expect(maxAbsDiff(composeRotations(A, inverseRotation(A)), identity(3))).toBeLessThan(1e-12);
    }
  });
  it('randomQuaternion is Haar: mean of R ≈ 0, angle density (1 − cos θ)/π (coarse histogram, fixed seed)', () => {
    const r = new Rng(2024);
    const M = 20000;
    const mean = new Float64Array(9);
    const bins = new Array<number>(6).fill(0);
    for (let i = 0; i < M; i++) {
      const q = randomQuaternion(r);
      const R = quaternionToMatrix(q);
      for (let k = 0; k < 9; k++) mean[k] = mean[k]! + R[k]! / M;
      const { angle } = quaternionToAxisAngle(q);
      bins[Math.min(5, Math.floor((angle / Math.PI) * 6))]! += 1;
    }
    expect(Math.max(...mean.map(Math.abs))).toBeLessThan(0.03); // sd of each mean ≈ 1/√(3M) ≈ 0.004
    for (let k = 0; k < 6; k++) {
      const [t0, t1] = [(k * Math.PI) / 6, ((k + 1) * Math.PI) / 6];
      // ∫ (1 − cos θ)/π dθ = (θ − sin θ)/π
      const p = (t1 - Math.sin(t1) - (t0 - Math.sin(t0))) / Math.PI;
      expect(Math.abs(bins[k]! / M - p)).toBeLessThan(0.01);
    }
  });
  it('named errors on bad inputs', () => {
    expect(() => matrixToQuaternion([1, 0, 0, 0, 1, 0, 0, 0])).toThrow(ShapeError);
    expect(() => matrixToQuaternion([2, 0, 0, 0, 1, 0, 0, 0, 1])).toThrow(ValueError);
    expect(() => matrixToAngles([1, 0, 0, 0, 1, 0, 0, 0, -1])).toThrow(/determinant/);
    expect(() => matrixToAxisAngle([1, 0, 0, 0, Number.NaN, 0, 0, 0, 1])).toThrow(ValueError);
    expect(() => quaternionToMatrix([0, 0, 0, 0])).toThrow(ValueError);
    expect(() => quaternionToMatrix([1, 0, 0])).toThrow(ShapeError);
    expect(() => quaternionToAngles([0, 0, 0, 0])).toThrow(ValueError);
    expect(() => axisAngleToMatrix([0, 0, 0], 1)).toThrow(ValueError);
    expect(() => axisAngleToQuaternion([1, 0], 1)).toThrow(ShapeError);
    expect(() => anglesToMatrix(Number.NaN, 0, 0)).toThrow(ValueError);
    expect(() => composeRotations(identity(3), [1, 0, 0, 0, 1, 0, 0, 0, 2])).toThrow(ValueError);
    // a slightly perturbed rotation passes with the default tolerance, not with a strict one
    const R = Float64Array.from(identity(3));
    R[1] = 1e-9;
    expect(() => checkRotation('t', R)).not.toThrow();
    expect(() => checkRotation('t', R, 1e-12)).toThrow(ValueError);
  });
});
