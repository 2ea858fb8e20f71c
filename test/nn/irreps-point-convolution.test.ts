import { describe, expect, it } from 'vitest';
import { O } from '../../src/group/index.js';
import { sphericalHarmonics } from '../../src/rep/index.js';
import { Tensor, concat, randn } from '../../src/tensor/index.js';
import { assertEquivariant, assertGradcheck, equivarianceError, pointCloudAction, repAction } from '../../src/testing/index.js';
import type { PointCloud } from '../../src/testing/index.js';
import { Rng, ShapeError, ValueError } from '../../src/util/index.js';
import { InteractionBlock, Irreps, PointConvolution, sphericalHarmonicsTensor } from '../../src/nn/irreps/index.js';

const G = O(3);
const f64 = (rng: Rng, shape: number[], grad = false, scale = 1): Tensor => {
  const t = randn(rng, shape, { dtype: 'float64' }).mul(scale);
  return grad ? new Tensor(t.data, t.shape, 'float64', true) : t;
};

/** All ordered pairs i ≠ j of n nodes (a radius graph with an infinite radius), offset by `base`. */
function complete(n: number, base = 0): [Int32Array, Int32Array] {
  const s: number[] = [], d: number[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) { s.push(base + j); d.push(base + i); }
  return [Int32Array.from(s), Int32Array.from(d)];
}

describe('sphericalHarmonicsTensor', () => {
  it('equals the float64 harmonics of src/rep for every normalisation, and is gradchecked', () => {
    const rng = new Rng(1);
    const v = f64(rng, [5, 3]);
    for (const normalization of ['component', 'norm', 'integral'] as const) {
      const Y = sphericalHarmonicsTensor(4, v, normalization);
      expect(Y.shape).toEqual([5, 25]);
      for (let r = 0; r < 5; r++) {
        let off = 0;
        for (let l = 0; l <= 4; l++) {
          const want = sphericalHarmonics(l, v.data[3 * r]!, v.data[3 * r + 1]!, v.data[3 * r + 2]!, { normalization });
          for (let m = 0; m < 2 * l + 1; m++) expect(Math.abs(Y.data[r * 25 + off + m]! - want[m]!)).toBeLessThan(1e-13);
          off += 2 * l + 1;
        }
      }
    }
    expect(sphericalHarmonicsTensor('1o+3o', v).shape).toEqual([5, 10]);
    assertGradcheck((a) => sphericalHarmonicsTensor(3, a!), [f64(rng, [4, 3], true)]);
    expect(() => sphericalHarmonicsTensor(2, f64(rng, [4, 2]))).toThrow(ShapeError);
  });
});

describe('PointConvolution', () => {
  const irrepsIn = '3x0e+2x1o+1x2e';
  const make = (dtype: 'float32' | 'float64', product?: 'uvu') => new PointConvolution(irrepsIn, '2x0e+2x1o+2x1e+1x2e+1x0o', {
    rng: new Rng(3), dtype, sh: 2, radialEnd: 4, numBasis: 6, radialHidden: [16], numNeighbors: 3, ...(product ? { product } : {}),
  });

  it.each([['fully-connected'], ['uvu']] as const)('%s: E(3)-equivariant (rotations, reflections with parity, translations) in f64 and f32', (product) => {
    const N = 5;
    const [src, dst] = complete(N);
    for (const dtype of ['float64', 'float32'] as const) {
      const conv = make(dtype, product === 'uvu' ? 'uvu' : undefined);
      const inRep = Irreps.of(irrepsIn).rep(G), outRep = conv.irrepsOut.rep(G);
      const spec = {
        group: G, dtype, in: pointCloudAction(3, { positions: 'positions', features: inRep }, { points: N }), out: repAction(outRep),
      };
      const r = assertEquivariant((pc: PointCloud) => conv.call(pc.features!, pc.positions!.mul(0.6), src, dst), spec);
      expect(r.ok).toBe(true);
      // the checker fails on a broken layer: treating positions as absolute (not differences) breaks translations
      if (dtype === 'float64') {
        const broken = equivarianceError((pc: PointCloud) => conv.call(pc.features!, pc.positions!.mul(0.6), src, dst).add(pc.positions!.sum(-1, true).mul(1e-3)), spec);
        expect(broken.ok).toBe(false);
      }
    }
  });

  it('radialBias: false and envelope: E(3)-equivariant and gradchecked; messages vanish smoothly at the cutoff', () => {
    const N = 5;
    const [src, dst] = complete(N);
    const opts = { rng: new Rng(8), sh: 2, radialEnd: 2.5, numBasis: 6, radialHidden: [16], numNeighbors: 3, radialBias: false, envelope: 6 };
    for (const dtype of ['float64', 'float32'] as const) {
      const conv = new PointConvolution(irrepsIn, '2x0e+2x1o+1x2e', { ...opts, dtype });
      const spec = { group: G, dtype, in: pointCloudAction(3, { positions: 'positions', features: Irreps.of(irrepsIn).rep(G) }, { points: N }), out: repAction(conv.irrepsOut.rep(G)) };
      expect(assertEquivariant((pc: PointCloud) => conv.call(pc.features!, pc.positions!.mul(0.6), src, dst), spec).ok).toBe(true);
    }
    const conv = new PointConvolution(irrepsIn, '2x0e+2x1o+1x2e', { ...opts, dtype: 'float64' });
    const rng = new Rng(9);
    const [s4, d4] = complete(4);
    assertGradcheck((x, p) => conv.call(x!, p!, s4, d4), [f64(rng, [4, conv.irrepsIn.dim], true), f64(rng, [4, 3], true, 0.5)]);
    // a pair just inside the cutoff: its message is O((1 − r/r_c)^p), far below a pair at mid range
    const x = f64(rng, [2, conv.irrepsIn.dim]);
    const at = (r: number): number => Math.max(...conv.call(x, new Tensor(Float64Array.from([0, 0, 0, r, 0, 0]), [2, 3], 'float64'), [1], [0]).toFlatArray().map(Math.abs));
    expect(at(2.5 - 1e-3)).toBeLessThan(1e-9 * at(1.2));
  });

  it('gradchecked in x and positions', () => {
    const conv = make('float64');
    const rng = new Rng(4);
    const [src, dst] = complete(4);
    assertGradcheck((x, p) => conv.call(x!, p!, src, dst), [f64(rng, [4, conv.irrepsIn.dim], true), f64(rng, [4, 3], true)]);
  });

  it('batched == per-graph (disjoint union)', () => {
    const conv = make('float64');
    const rng = new Rng(5);
    const xa = f64(rng, [4, conv.irrepsIn.dim]), xb = f64(rng, [3, conv.irrepsIn.dim]);
    const pa = f64(rng, [4, 3]), pb = f64(rng, [3, 3]);
    const [sa, da] = complete(4), [sb, db] = complete(3), [sb2, db2] = complete(3, 4);
    const ya = conv.call(xa, pa, sa, da), yb = conv.call(xb, pb, sb, db);
    const y = conv.call(concat([xa, xb], 0), concat([pa, pb], 0), Int32Array.from([...sa, ...sb2]), Int32Array.from([...da, ...db2]));
    const want = [...ya.data, ...yb.data];
    want.forEach((v, i) => expect(Math.abs(y.data[i]! - v)).toBeLessThan(1e-13));
  });

  it('errors', () => {
    const conv = make('float64');
    const rng = new Rng(6);
    expect(() => conv.call(f64(rng, [4, 3]), f64(rng, [4, 3]), [0], [1])).toThrow(ShapeError);
    expect(() => conv.call(f64(rng, [4, conv.irrepsIn.dim]), f64(rng, [3, 3]), [0], [1])).toThrow(ShapeError);
    expect(() => conv.call(f64(rng, [4, conv.irrepsIn.dim]), f64(rng, [4, 3]), [0, 1], [1])).toThrow(ShapeError);
    expect(() => conv.call(f64(rng, [4, conv.irrepsIn.dim]), f64(rng, [4, 3]), [0], [7])).toThrow(/out of range/);
    expect(() => new PointConvolution('1x0e', '1x1e', { rng, sh: 0 })).toThrow(/no path/);
    expect(() => new PointConvolution('1x0e', '1x0e', {} as never)).toThrow(ValueError);
  });
});

describe('InteractionBlock', () => {
  it('NequIP block: E(3)-equivariant in f64/f32, gradchecked, batched == per-graph', () => {
    const N = 4;
    const [src, dst] = complete(N);
    for (const dtype of ['float64', 'float32'] as const) {
      const block = new InteractionBlock('4x0e+2x1o', '4x0e+2x0o+2x1o+2x1e+1x2e', { rng: new Rng(7), dtype, sh: 2, radialEnd: 4, radialHidden: [8], numBasis: 4 });
      expect(block.irrepsOut.toString()).toBe('4x0e+2x0o+2x1o+2x1e+1x2e');
      const spec = {
        group: G, dtype, in: pointCloudAction(3, { positions: 'positions', features: block.irrepsIn.rep(G) }, { points: N }), out: repAction(block.irrepsOut.rep(G)),
      };
      expect(assertEquivariant((pc: PointCloud) => block.call(pc.features!, pc.positions!.mul(0.7), src, dst), spec).ok).toBe(true);
    }
    const block = new InteractionBlock('4x0e+2x1o', '4x0e+2x1o', { rng: new Rng(8), dtype: 'float64', sh: 1, radialEnd: 4, radialHidden: [8], numBasis: 4 });
    expect(block.selfConnection).toBeNull();
    const rng = new Rng(9);
    assertGradcheck((x, p) => block.call(x!, p!, src, dst), [f64(rng, [N, 10], true), f64(rng, [N, 3], true)]);
    const xa = f64(rng, [N, 10]), xb = f64(rng, [3, 10]), pa = f64(rng, [N, 3]), pb = f64(rng, [3, 3]);
    const [sb, db] = complete(3), [sb2, db2] = complete(3, N);
    const y = block.call(concat([xa, xb], 0), concat([pa, pb], 0), Int32Array.from([...src, ...sb2]), Int32Array.from([...dst, ...db2]));
    const want = [...block.call(xa, pa, src, dst).data, ...block.call(xb, pb, sb, db).data];
    want.forEach((v, i) => expect(Math.abs(y.data[i]! - v)).toBeLessThan(1e-13));
  });
});
