/**
 * The fused SO(2) transport ops of GEM-CNN (so2RotateGather, so2RotateSegmentMean): against naive
 * loops, gradients (gradcheck in float64 w.r.t. features, angles and weights), the group law
 * ρ(a)ρ(b) = ρ(a+b), inverse round trips, on the js and cpu backends, and the named errors.
 */
import { describe, expect, it } from 'vitest';
import {
  so2RotateGather, so2RotateSegmentMean, randn, tensor, fromData, indices, IndexError, ShapeError, ValueError, DTypeError, backward, sum, mul,
} from '../../src/index.js';
import { gradcheck } from '../../src/testing/index.js';
import { Rng } from '../../src/util/rng.js';
import { cpuBackend, jsBackend, setBackend } from '../../src/backend/index.js';

const backends = [['js', jsBackend.name], ['cpu', cpuBackend.name]] as const;
function onBackend(name: string, f: () => void): void {
  setBackend(name);
  try { f(); } finally { setBackend('cpu'); }
}

/** Naive float64 reference: ρ(α) on one row of C blocks of 2L+1. */
function rho(row: ArrayLike<number>, alpha: number, L: number): number[] {
  const B = 2 * L + 1, out = Array.from(row);
  for (let c = 0; c < row.length / B; c++) {
    for (let l = 1; l <= L; l++) {
      const i = c * B + 2 * l - 1, co = Math.cos(l * alpha), si = Math.sin(l * alpha);
      out[i] = co * row[i]! - si * row[i + 1]!;
      out[i + 1] = si * row[i]! + co * row[i + 1]!;
    }
  }
  return out;
}
function naiveGather(x: Float64Array, F: number, idx: Int32Array, ang: Float64Array, L: number): Float64Array {
  const out = new Float64Array(idx.length * F);
  idx.forEach((r, k) => out.set(rho(x.subarray(r * F, (r + 1) * F), ang[k]!, L), k * F));
  return out;
}
function naiveSegment(m: Float64Array, F: number, seg: Int32Array, S: number, ang: Float64Array, L: number, w: Float64Array | null, mean: boolean): Float64Array {
  const out = new Float64Array(S * F), cnt = new Float64Array(S);
  seg.forEach((p, k) => {
    const r = rho(m.subarray(k * F, (k + 1) * F), ang[k]!, L);
    for (let f = 0; f < F; f++) out[p * F + f]! += (w ? w[k]! : 1) * r[f]!;
    cnt[p]!++;
  });
  if (mean) for (let p = 0; p < S; p++) for (let f = 0; f < F; f++) out[p * F + f]! /= Math.max(1, cnt[p]!);
  return out;
}
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>): number => { let d = 0; for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!)); return d; };

function graph(rng: Rng, V: number, E: number) {
  const idx = new Int32Array(E).map(() => rng.int(V)), seg = new Int32Array(E).map(() => rng.int(V - 1)); // last segment empty
  const ang = new Float64Array(E).map(() => (rng.uniform() - 0.5) * 8);
  const w = new Float64Array(E).map(() => rng.uniform() + 0.5);
  return { idx, seg, ang, w };
}

describe('so2RotateGather / so2RotateSegmentMean: values', () => {
  const rng = new Rng(11);
  it.each(backends)('equal naive loops on the %s backend (f64 ≤ 1e-14, f32 ≤ 1e-6), L = 0 … 3', (_n, name) => onBackend(name, () => {
    for (const L of [0, 1, 2, 3]) {
      for (const C of [1, 3, 16]) {
        const F = C * (2 * L + 1), V = 13, E = 600;
        const { idx, seg, ang, w } = graph(rng, V, E);
        const x = randn(rng, [V, F], { dtype: 'float64' }), m = randn(rng, [E, F], { dtype: 'float64' });
        const xd = x.data as Float64Array, md = m.data as Float64Array;
        const g = naiveGather(xd, F, idx, ang, L);
        expect(maxAbs(so2RotateGather(x, idx, ang, L).data, g)).toBeLessThanOrEqual(1e-14);
        const sm = naiveSegment(md, F, seg, V, ang, L, w, true);
        expect(maxAbs(so2RotateSegmentMean(m, ang, seg, V, L, { weights: w }).data, sm)).toBeLessThanOrEqual(1e-14);
        const ss = naiveSegment(md, F, seg, V, ang, L, null, false);
        expect(maxAbs(so2RotateSegmentMean(m, ang, seg, V, L, { reduce: 'sum' }).data, ss)).toBeLessThanOrEqual(1e-13);
        // float32: inputs rounded to float32, compared with the float64 loops on those inputs
        const x32 = fromData(Float32Array.from(xd), [V, F]), m32 = fromData(Float32Array.from(md), [E, F]);
        const ang32 = Float64Array.from(Float32Array.from(ang));
        const g32 = naiveGather(Float64Array.from(x32.data), F, idx, ang32, L);
        expect(maxAbs(so2RotateGather(x32, idx, ang, L).data, g32)).toBeLessThanOrEqual(1e-5);
        const s32 = naiveSegment(Float64Array.from(m32.data), F, seg, V, ang32, L, w, true);
        expect(maxAbs(so2RotateSegmentMean(m32, ang, seg, V, L, { weights: w }).data, s32)).toBeLessThanOrEqual(1e-5);
        expect(so2RotateGather(x32, idx, ang, L).dtype).toBe('float32');
      }
    }
  }));

  it('float32 agrees with the float64 loops to ≤ 1e-6 relative on unit-scale data', () => {
    const L = 2, C = 4, F = C * 5, V = 50, E = 400;
    const { idx, seg, ang } = graph(rng, V, E);
    const x32 = randn(rng, [V, F], { dtype: 'float32' });
    const ang32 = Float64Array.from(Float32Array.from(ang));
    const ref = naiveGather(Float64Array.from(x32.data), F, idx, ang32, L);
    const got = so2RotateGather(x32, idx, ang, L).data;
    let rel = 0;
    for (let i = 0; i < ref.length; i++) rel = Math.max(rel, Math.abs(got[i]! - ref[i]!) / Math.max(1, Math.abs(ref[i]!)));
    expect(rel).toBeLessThanOrEqual(1e-6);
    const m32 = randn(rng, [E, F], { dtype: 'float32' });
    const refS = naiveSegment(Float64Array.from(m32.data), F, seg, V, ang32, L, null, true);
    const gotS = so2RotateSegmentMean(m32, ang, seg, V, L).data;
    rel = 0;
    for (let i = 0; i < refS.length; i++) rel = Math.max(rel, Math.abs(gotS[i]! - refS[i]!) / Math.max(1, Math.abs(refS[i]!)));
    expect(rel).toBeLessThanOrEqual(1e-6);
  });

  it('ρ(a)ρ(b) = ρ(a+b), and a gather then a segment sum with negated angles on a permutation is the identity', () => {
    const L = 3, F = 2 * (2 * L + 1), V = 40;
    const x = randn(rng, [V, F], { dtype: 'float64' });
    const a = new Float64Array(V).map(() => rng.uniform() * 6), b = new Float64Array(V).map(() => rng.uniform() * 6);
    const id = new Int32Array(V).map((_, i) => i);
    const ab = so2RotateGather(so2RotateGather(x, id, b, L), id, a, L);
    const sumAB = so2RotateGather(x, id, a.map((v, i) => v + b[i]!), L);
    expect(maxAbs(ab.data, sumAB.data)).toBeLessThanOrEqual(1e-13);
    const perm = new Int32Array(V).map((_, i) => i);
    for (let i = V - 1; i > 0; i--) { const j = rng.int(i + 1); [perm[i], perm[j]] = [perm[j]!, perm[i]!]; }
    const y = so2RotateGather(x, perm, a, L); // y[k] = ρ(a_k) x[perm[k]]
    const back = so2RotateSegmentMean(y, a.map((v) => -v), perm, V, L); // each segment has one edge
    expect(maxAbs(back.data, x.data)).toBeLessThanOrEqual(1e-14);
    expect(maxAbs(so2RotateSegmentMean(y, a.map((v) => -v), perm, V, L, { reduce: 'sum' }).data, x.data)).toBeLessThanOrEqual(1e-14);
  });

  it('handles empty inputs and an angle given as a tensor (cast to the features\' dtype)', () => {
    const x = randn(rng, [3, 5], { dtype: 'float32' });
    expect(so2RotateGather(x, new Int32Array(0), new Float64Array(0), 2).shape).toEqual([0, 5]);
    expect(Array.from(so2RotateSegmentMean(randn(rng, [0, 5]), new Float64Array(0), new Int32Array(0), 4, 2).data)).toEqual(new Array(20).fill(0));
    const t = so2RotateGather(x, [0, 2], tensor([0.3, -1], { dtype: 'float64' }), 2);
    expect(maxAbs(t.data, so2RotateGather(x, [0, 2], new Float64Array([0.3, -1]), 2).data)).toBe(0);
  });
});

describe('so2 ops: gradients', () => {
  const rng = new Rng(5);
  it.each(backends)('gradcheck (f64) w.r.t. x and angle of so2RotateGather on the %s backend', (_n, name) => onBackend(name, () => {
    for (const L of [0, 1, 2]) {
      const V = 6, E = 14, F = 2 * (2 * L + 1);
      const { idx, ang } = graph(rng, V, E);
      const x = randn(rng, [V, F], { dtype: 'float64', requiresGrad: true });
      const a = fromData(ang, [E], { requiresGrad: true });
      expect(gradcheck((xx, aa) => so2RotateGather(xx, idx, aa, L), [x, a]).ok).toBe(true);
    }
  }));

  it.each(backends)('gradcheck (f64) w.r.t. m, angle and weights of so2RotateSegmentMean on the %s backend (mean and sum)', (_n, name) => onBackend(name, () => {
    for (const L of [0, 1, 2]) {
      for (const reduce of ['mean', 'sum'] as const) {
        const V = 6, E = 14, F = 2 * (2 * L + 1);
        const { seg, ang, w } = graph(rng, V, E);
        const m = randn(rng, [E, F], { dtype: 'float64', requiresGrad: true });
        const a = fromData(ang, [E], { requiresGrad: true }), wt = fromData(w, [E], { requiresGrad: true });
        expect(gradcheck((mm, aa, ww) => so2RotateSegmentMean(mm, aa, seg, V, L, { weights: ww, reduce }), [m, a, wt]).ok).toBe(true);
      }
    }
  }));

  it('the gradient w.r.t. x is the scatter of ρ(−angle) g (naive loop), and constant angles get no gradient', () => {
    const L = 2, V = 7, E = 30, F = 3 * 5;
    const { idx, ang } = graph(rng, V, E);
    const x = randn(rng, [V, F], { dtype: 'float64', requiresGrad: true });
    const g = randn(rng, [E, F], { dtype: 'float64' });
    backward(sum(mul(so2RotateGather(x, idx, ang, L), g)));
    const want = new Float64Array(V * F), gd = g.data as Float64Array;
    idx.forEach((r, k) => { const v = rho(gd.subarray(k * F, (k + 1) * F), -ang[k]!, L); for (let f = 0; f < F; f++) want[r * F + f]! += v[f]!; });
    expect(maxAbs(x.grad!.data, want)).toBeLessThanOrEqual(1e-13);
  });
});

describe('so2 ops: named errors', () => {
  const rng = new Rng(3);
  const x = randn(rng, [4, 10], { dtype: 'float64' }); // C = 2, L = 2
  const ang = new Float64Array([0.1, 0.2, 0.3]);
  it('F not divisible by 2L+1', () => {
    expect(() => so2RotateGather(x, [0, 1, 2], ang, 1)).toThrow(ShapeError);
    expect(() => so2RotateGather(x, [0, 1, 2], ang, 1)).toThrow(/so2RotateGather.*\[4,10\].*2L\+1 = 3/);
    expect(() => so2RotateSegmentMean(randn(rng, [3, 10]), ang, [0, 1, 2], 3, 3)).toThrow(/so2RotateSegmentMean.*\[3,10\]/);
    expect(() => so2RotateGather(randn(rng, [4]), [0], new Float64Array(1), 0)).toThrow(ShapeError);
  });
  it('index out of range or not an integer', () => {
    expect(() => so2RotateGather(x, [0, 4, 2], ang, 2)).toThrow(IndexError);
    expect(() => so2RotateGather(x, [0, 4, 2], ang, 2)).toThrow(/so2RotateGather: index 4 at position 1 .*\[4,10\]/);
    expect(() => so2RotateGather(x, [0, -1, 2], ang, 2)).toThrow(IndexError);
    expect(() => so2RotateGather(x, [0, 1.5, 2], ang, 2)).toThrow(IndexError);
    expect(() => so2RotateGather(x, tensor([0, 1, 2]), ang, 2)).toThrow(DTypeError);
    expect(() => so2RotateSegmentMean(randn(rng, [3, 10]), ang, [0, 1, 3], 3, 2)).toThrow(/so2RotateSegmentMean: segment id 3/);
    expect(() => so2RotateSegmentMean(randn(rng, [3, 10]), ang, [0, 1.25, 2], 3, 2)).toThrow(IndexError);
  });
  it('angle (or weights, or segments) length ≠ E', () => {
    expect(() => so2RotateGather(x, [0, 1], ang, 2)).toThrow(ShapeError);
    expect(() => so2RotateGather(x, [0, 1], ang, 2)).toThrow(/so2RotateGather: angle has 3 values but there are E = 2 edges/);
    expect(() => so2RotateGather(x, [0, 1, 2], tensor([[0.1, 0.2, 0.3]], { dtype: 'float64' }), 2)).toThrow(ShapeError);
    const m = randn(rng, [3, 10]);
    expect(() => so2RotateSegmentMean(m, new Float64Array(2), [0, 1, 2], 3, 2)).toThrow(ShapeError);
    expect(() => so2RotateSegmentMean(m, ang, [0, 1], 3, 2)).toThrow(ShapeError);
    expect(() => so2RotateSegmentMean(m, ang, [0, 1, 2], 3, 2, { weights: new Float64Array(4) })).toThrow(/weights/);
  });
  it('non-finite angles or weights, bad maxOrder / numSegments / reduce', () => {
    expect(() => so2RotateGather(x, [0, 1, 2], new Float64Array([0, NaN, 1]), 2)).toThrow(ValueError);
    expect(() => so2RotateGather(x, [0, 1, 2], new Float64Array([0, 1, Infinity]), 2)).toThrow(/so2RotateGather: angle\[2\] = Infinity is not finite/);
    const m = randn(rng, [3, 10]);
    expect(() => so2RotateSegmentMean(m, new Float64Array([0, -Infinity, 1]), [0, 1, 2], 3, 2)).toThrow(ValueError);
    expect(() => so2RotateSegmentMean(m, ang, [0, 1, 2], 3, 2, { weights: new Float64Array([1, NaN, 1]) })).toThrow(ValueError);
    expect(() => so2RotateGather(x, [0, 1, 2], ang, -1)).toThrow(ValueError);
    expect(() => so2RotateGather(x, [0, 1, 2], ang, 1.5)).toThrow(ValueError);
    expect(() => so2RotateSegmentMean(m, ang, [0, 1, 2], -2, 2)).toThrow(ValueError);
    expect(() => so2RotateSegmentMean(m, ang, [0, 1, 2], 3, 2, { reduce: 'max' as 'sum' })).toThrow(ValueError);
  });
  it('int32 features are rejected', () => {
    expect(() => so2RotateGather(indices([1, 2, 3]), [0], new Float64Array(1), 0)).toThrow(DTypeError);
  });
});

describe('so2Coefficients', () => {
  it('the constant (no-grad) table equals the differentiable composition bit for bit, float32 and float64, with weights', async () => {
    const { so2Coefficients } = await import('../../src/index.js');
    const rng = new Rng(8);
    for (const dtype of ['float32', 'float64'] as const) {
      const E = 257, L = 3;
      const ang = randn(rng, [E], { dtype }), w = randn(rng, [E], { dtype });
      const constant = so2Coefficients(ang, L, w);
      const graphAng = fromData(ang.data.slice() as Float64Array, [E], { requiresGrad: true });
      const composed = so2Coefficients(graphAng, L, w);
      expect(composed.requiresGrad).toBe(true);
      expect(constant.requiresGrad).toBe(false);
      expect(Buffer.from(new Uint8Array(constant.data.buffer)).equals(Buffer.from(new Uint8Array(composed.data.buffer)))).toBe(true);
    }
  });
});

describe('so2 ops: the coefficient table cache of constant angles', () => {
  it('serves the same values call after call, and rebuilds when the angle array changes in place', () => {
    const rng = new Rng(21);
    const L = 2, V = 9, E = 40, F = 2 * 5;
    const { idx, seg, ang } = graph(rng, V, E);
    const x = randn(rng, [V, F], { dtype: 'float64' }), m = randn(rng, [E, F], { dtype: 'float64' });
    const first = so2RotateGather(x, idx, ang, L).data.slice();
    expect(maxAbs(so2RotateGather(x, idx, ang, L).data, first)).toBe(0);
    const s1 = so2RotateSegmentMean(m, ang, seg, V, L).data.slice();
    expect(maxAbs(so2RotateSegmentMean(m, ang, seg, V, L).data, s1)).toBe(0);
    ang[3] = ang[3]! + 1; // in place
    const xd = x.data as Float64Array, md = m.data as Float64Array;
    expect(maxAbs(so2RotateGather(x, idx, ang, L).data, naiveGather(xd, F, idx, ang, L))).toBeLessThanOrEqual(1e-14);
    expect(maxAbs(so2RotateSegmentMean(m, ang, seg, V, L).data, naiveSegment(md, F, seg, V, ang, L, null, true))).toBeLessThanOrEqual(1e-14);
    ang[5] = NaN; // a cached array made non-finite is validated again
    expect(() => so2RotateGather(x, idx, ang, L)).toThrow(ValueError);
    // float32 features with the same angle array get their own (float32) table
    expect(so2RotateGather(fromData(Float32Array.from(xd), [V, F]), idx, ang.map((v) => (Number.isNaN(v) ? 0 : v)), L).dtype).toBe('float32');
  });
});
