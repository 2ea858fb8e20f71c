/**
 * The transport primitives of GEM-CNN (arXiv:2003.05425): so2RotateGather and so2RotateSegmentMean
 * against plain loops, in float64 and float32, with gradcheck in float64.
 */
import { describe, expect, it } from 'vitest';
import { so2RotateGather, so2RotateSegmentMean } from '../../src/mesh/gem/transport.js';
import { Tensor, randn } from '../../src/tensor/index.js';
import { Rng, ShapeError } from '../../src/util/index.js';
import { assertGradcheck } from '../../src/testing/index.js';

/** ρ(α) v for one channel block [a₀, c₁, s₁, …] (loop reference). */
function rotateBlock(v: ArrayLike<number>, o: number, L: number, a: number, out: Float64Array, oo: number, scale = 1): void {
  out[oo]! += scale * v[o]!;
  for (let l = 1; l <= L; l++) {
    const c = Math.cos(l * a), s = Math.sin(l * a), x = v[o + 2 * l - 1]!, y = v[o + 2 * l]!;
    out[oo + 2 * l - 1]! += scale * (c * x - s * y);
    out[oo + 2 * l]! += scale * (s * x + c * y);
  }
}

function gatherRef(x: Tensor, index: Int32Array, angle: Float64Array, L: number): Float64Array {
  const F = x.shape[1]!, w = 2 * L + 1, C = F / w, out = new Float64Array(index.length * F);
  for (let k = 0; k < index.length; k++) for (let c = 0; c < C; c++) rotateBlock(x.data as ArrayLike<number>, index[k]! * F + c * w, L, angle[k]!, out, k * F + c * w);
  return out;
}

function meanRef(m: Tensor, angle: Float64Array, seg: Int32Array, S: number, L: number, weights?: Float64Array): Float64Array {
  const F = m.shape[1]!, w = 2 * L + 1, C = F / w, out = new Float64Array(S * F), tot = new Float64Array(S);
  for (let k = 0; k < seg.length; k++) tot[seg[k]!]! += weights ? weights[k]! : 1;
  for (let k = 0; k < seg.length; k++) {
    const s = seg[k]!, wk = (weights ? weights[k]! : 1) / tot[s]!;
    for (let c = 0; c < C; c++) rotateBlock(m.data as ArrayLike<number>, k * F + c * w, L, angle[k]!, out, s * F + c * w, wk);
  }
  return out;
}

function setup(rng: Rng, L: number, C: number, V: number, E: number, dtype: 'float32' | 'float64') {
  const x = randn(rng, [V, C * (2 * L + 1)], { dtype });
  const index = Int32Array.from({ length: E }, () => rng.int(V));
  const angle = Float64Array.from({ length: E }, () => rng.uniformIn(-4, 4));
  return { x, index, angle };
}

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe('so2RotateGather', () => {
  for (const L of [0, 1, 3]) {
    it(`equals the loop reference (L = ${L}) in float64 and float32`, () => {
      const rng = new Rng(L + 1);
      const { x, index, angle } = setup(rng, L, 3, 5, 11, 'float64');
      const y = so2RotateGather(x, index, angle, L);
      expect(y.shape).toEqual([11, 3 * (2 * L + 1)]);
      expect(maxAbs(y.data as Float64Array, gatherRef(x, index, angle, L))).toBeLessThan(1e-14);
      const y32 = so2RotateGather(x.cast('float32'), index, angle, L);
      expect(y32.dtype).toBe('float32');
      expect(maxAbs(y32.data as Float32Array, gatherRef(x, index, angle, L))).toBeLessThan(1e-5);
    });
  }

  it('passes gradcheck in float64', () => {
    const rng = new Rng(7);
    const { x, index, angle } = setup(rng, 2, 2, 4, 9, 'float64');
    assertGradcheck((t) => so2RotateGather(t, index, angle, 2), [x.detach().requireGrad()]);
  });

  it('rejects widths that are not C·(2L+1) and mismatched lengths', () => {
    const x = randn(new Rng(0), [3, 4], { dtype: 'float64' });
    expect(() => so2RotateGather(x, Int32Array.of(0), Float64Array.of(0), 1)).toThrow(ShapeError);
    const y = randn(new Rng(0), [3, 3], { dtype: 'float64' });
    expect(() => so2RotateGather(y, Int32Array.of(0, 1), Float64Array.of(0), 1)).toThrow(/2 indices but 1 angles/);
  });
});

describe('so2RotateSegmentMean', () => {
  for (const L of [0, 2]) {
    it(`equals the loop reference (L = ${L}), plain and weighted, with an empty segment`, () => {
      const rng = new Rng(10 + L);
      const E = 13, S = 5, F = 2 * (2 * L + 1);
      const m = randn(rng, [E, F], { dtype: 'float64' });
      const angle = Float64Array.from({ length: E }, () => rng.uniformIn(-4, 4));
      const seg = Int32Array.from({ length: E }, () => rng.int(S - 1)); // segment S−1 stays empty
      const y = so2RotateSegmentMean(m, angle, seg, S, L);
      expect(y.shape).toEqual([S, F]);
      expect(maxAbs(y.data as Float64Array, meanRef(m, angle, seg, S, L))).toBeLessThan(1e-14);
      const w = Float64Array.from({ length: E }, () => 0.1 + rng.uniform());
      const yw = so2RotateSegmentMean(m, angle, seg, S, L, w);
      expect(maxAbs(yw.data as Float64Array, meanRef(m, angle, seg, S, L, w))).toBeLessThan(1e-14);
      for (let j = 0; j < F; j++) expect(y.data[(S - 1) * F + j]).toBe(0);
      const y32 = so2RotateSegmentMean(m.cast('float32'), angle, seg, S, L, w);
      expect(maxAbs(y32.data as Float32Array, meanRef(m, angle, seg, S, L, w))).toBeLessThan(1e-5);
    });
  }

  it('passes gradcheck in float64 (plain and weighted)', () => {
    const rng = new Rng(3);
    const m = randn(rng, [8, 10], { dtype: 'float64' }).requireGrad();
    const angle = Float64Array.from({ length: 8 }, () => rng.uniformIn(-4, 4));
    const seg = Int32Array.of(0, 1, 2, 0, 1, 2, 0, 3);
    assertGradcheck((t) => so2RotateSegmentMean(t, angle, seg, 4, 2), [m]);
    assertGradcheck((t) => so2RotateSegmentMean(t, angle, seg, 4, 2, Float64Array.of(1, 2, 3, 4, 0.5, 1, 1, 2)), [m]);
  });

  it('rotate-gather then rotate-mean back by the opposite angle is a plain gather-mean', () => {
    const rng = new Rng(4);
    const { x, index, angle } = setup(rng, 2, 2, 4, 9, 'float64');
    const seg = Int32Array.from({ length: 9 }, (_, k) => k % 3);
    const there = so2RotateGather(x, index, angle, 2);
    const back = so2RotateSegmentMean(there, Float64Array.from(angle, (a) => -a), seg, 3, 2);
    const plain = so2RotateSegmentMean(x.indexSelect(0, index), new Float64Array(9), seg, 3, 2);
    expect(maxAbs(back.data as Float64Array, plain.data as Float64Array)).toBeLessThan(1e-14);
  });
});
