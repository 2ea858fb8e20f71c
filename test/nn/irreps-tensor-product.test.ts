import { describe, expect, it } from 'vitest';
import { O, SO } from '../../src/group/index.js';
import { realCG } from '../../src/rep/index.js';
import { Tensor, randn } from '../../src/tensor/index.js';
import { assertEquivariant, assertGradcheck, equivarianceError } from '../../src/testing/index.js';
import { DTypeError, ParseError, Rng, ShapeError, ValueError } from '../../src/util/index.js';
import {
  ElementwiseTensorProduct, FullyConnectedTensorProduct, Irreps, TensorProduct, TensorSquare, cgBlock,
} from '../../src/nn/irreps/index.js';
import type { ConnectionMode, InstructionLike } from '../../src/nn/irreps/index.js';

const G = O(3);
const f64 = (rng: Rng, shape: number[], grad = false): Tensor => {
  const t = randn(rng, shape, { dtype: 'float64' });
  return grad ? new Tensor(t.data, t.shape, 'float64', true) : t;
};
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

type Raw = { i1: number; i2: number; out: number; mode: ConnectionMode; hasWeight: boolean; pathWeight: number };

/**
 * Dense reference of e3nn's TensorProduct, written from the definition with loops: CG from
 * realCG (C[k, i, j]), normalisation coefficients computed here from e3nn's formulas.
 */
function referenceTP(
  s1: string, s2: string, so: string, raw: Raw[], x1: Float64Array, x2: Float64Array, B: number,
  w: Float64Array | null, perSample: boolean, irrepNorm: 'component' | 'norm' | 'none' = 'component', pathNorm: 'element' | 'path' = 'element',
): Float64Array {
  const parse = (s: string) => s.split('+').map((t) => { const m = /(\d+)x(\d+)([eo])/.exec(t)!; return { mul: +m[1]!, l: +m[2]! }; });
  const a = parse(s1), b = parse(s2), o = parse(so);
  const offs = (xs: { mul: number; l: number }[]) => { const r: number[] = []; let s = 0; for (const x of xs) { r.push(s); s += x.mul * (2 * x.l + 1); } return [r, s] as const; };
  const [oa, da] = offs(a), [ob, db] = offs(b), [oo, dout] = offs(o);
  const nel = (r: Raw) => ({ uvw: a[r.i1]!.mul * b[r.i2]!.mul, uvu: b[r.i2]!.mul, uvv: a[r.i1]!.mul, uuw: a[r.i1]!.mul, uuu: 1, uvuv: 1, 'u<vw': (a[r.i1]!.mul * (a[r.i1]!.mul - 1)) / 2 })[r.mode];
  const shapeOf = (r: Raw) => {
    const m1 = a[r.i1]!.mul, m2 = b[r.i2]!.mul, mo = o[r.out]!.mul;
    return ({ uvw: m1 * m2 * mo, uvu: m1 * m2, uvv: m1 * m2, uuw: m1 * mo, uuu: m1, uvuv: m1 * m2, 'u<vw': ((m1 * (m1 - 1)) / 2) * mo })[r.mode];
  };
  let numel = 0;
  const woff = raw.map((r) => { const s = numel; if (r.hasWeight) numel += shapeOf(r); return s; });
  const y = new Float64Array(B * dout);
  raw.forEach((r, n) => {
    const d1 = 2 * a[r.i1]!.l + 1, d2 = 2 * b[r.i2]!.l + 1, d3 = 2 * o[r.out]!.l + 1;
    let alpha = irrepNorm === 'component' ? d3 : irrepNorm === 'norm' ? d1 * d2 : 1;
    const same = raw.filter((q) => q.out === r.out);
    const x = pathNorm === 'element' ? same.reduce((s, q) => s + nel(q), 0) : nel(r) * same.length;
    if (x > 0) alpha /= x;
    const coef = Math.sqrt(alpha * r.pathWeight);
    const C = realCG(a[r.i1]!.l, b[r.i2]!.l, o[r.out]!.l);
    const m1 = a[r.i1]!.mul, m2 = b[r.i2]!.mul, mo = o[r.out]!.mul;
    for (let s = 0; s < B; s++) {
      const W = (k: number) => (r.hasWeight ? w![(perSample ? s * numel : 0) + woff[n]! + k]! : 1);
      let p = -1;
      for (let u = 0; u < m1; u++) {
        for (let v = 0; v < m2; v++) {
          if ((r.mode === 'uuw' || r.mode === 'uuu') && u !== v) continue;
          if (r.mode === 'u<vw' && !(u < v)) continue;
          if (r.mode === 'u<vw') p++;
          for (let k = 0; k < d3; k++) {
            let val = 0;
            for (let i = 0; i < d1; i++) for (let j = 0; j < d2; j++) val += C[k * d1 * d2 + i * d2 + j]! * x1[s * da + oa[r.i1]! + u * d1 + i]! * x2[s * db + ob[r.i2]! + v * d2 + j]!;
            val *= coef;
            const put = (copy: number, f: number) => { y[s * dout + oo[r.out]! + copy * d3 + k]! += f * val; };
            switch (r.mode) {
              case 'uvw': for (let q = 0; q < mo; q++) put(q, W((u * m2 + v) * mo + q)); break;
              case 'uvu': put(u, W(u * m2 + v)); break;
              case 'uvv': put(v, W(u * m2 + v)); break;
              case 'uuw': for (let q = 0; q < mo; q++) put(q, r.hasWeight ? W(u * mo + q) : 1); break;
              case 'uuu': put(u, W(u)); break;
              case 'uvuv': put(u * m2 + v, W(u * m2 + v)); break;
              case 'u<vw': for (let q = 0; q < mo; q++) put(q, W(p * mo + q)); break;
            }
          }
        }
      }
    }
  });
  return y;
}

const modeCases: [string, string, string, string, InstructionLike[]][] = [
  ['uvw (W-first on x₂)', '2x2e+1x1o', '2x0e+1x1o', '2x2e+2x1e+1x3o', [[0, 0, 0, 'uvw', true], [0, 1, 2, 'uvw', true], [1, 1, 1, 'uvw', true]]],
  ['uvw', '2x0e+3x1o', '2x1o+1x2e', '3x1o+2x0e+2x2o', [[0, 0, 0, 'uvw', true], [1, 0, 1, 'uvw', true], [1, 1, 2, 'uvw', true, 0.5], [0, 0, 0, 'uvw', true, 2], [1, 0, 1, 'uvw', true]]],
  ['uvu', '2x0e+3x1o', '2x1o+1x2e', '2x1o+3x1e+3x2o', [[0, 0, 0, 'uvu', true], [1, 0, 1, 'uvu', true], [1, 1, 2, 'uvu', false]]],
  ['uvv', '2x0e+3x1o', '2x1o+1x2e', '2x1o+2x1e', [[0, 0, 0, 'uvv', true], [1, 0, 1, 'uvv', false]]],
  ['uuw', '3x0e+3x1o', '3x1o+3x2e', '4x1o+1x2e+2x1o', [[0, 0, 0, 'uuw', true], [1, 0, 1, 'uuw', false], [1, 1, 2, 'uuw', true]]],
  ['uuu', '3x0e+3x1o', '3x1o+3x2e', '3x1o+3x2o+3x0e', [[0, 0, 0, 'uuu', true], [1, 1, 1, 'uuu', false], [1, 0, 2, 'uuu', true]]],
  ['uvuv', '2x0e+3x1o', '2x1o+1x2e', '4x1o+6x1e', [[0, 0, 0, 'uvuv', true], [1, 0, 1, 'uvuv', false]]],
];

describe('Irreps', () => {
  it('parses e3nn strings, computes dims and offsets, builds the O(3) rep', () => {
    const ir = Irreps.of('32x0e + 32x1o+32x2e');
    expect(ir.dim).toBe(32 + 96 + 160);
    expect(ir.offsets).toEqual([0, 32, 128]);
    expect(ir.toString()).toBe('32x0e+32x1o+32x2e');
    expect(Irreps.of('1o+1o+2x0e').simplify().toString()).toBe('2x1o+2x0e');
    expect(Irreps.of('2x1o').rep(G).size).toBe(6);
    expect(Irreps.of('2x1o').rep(SO(3)).size).toBe(6);
    expect(Irreps.of('').dim).toBe(0);
    expect(() => Irreps.of('2x1q')).toThrow(ParseError);
    expect(() => Irreps.of('13x99e')).toThrow(ValueError);
  });
});

describe('CG blocks', () => {
  it('agree with closed forms for l ≤ 1 (up to the sign convention) and intertwine', () => {
    const c110 = cgBlock(1, 1, 0).dense; // [3, 3, 1]
    const c111 = cgBlock(1, 1, 1).dense; // [3, 3, 3]
    const s0 = Math.sign(c110[0]!), s1 = Math.sign(c111[1 * 3 * 3 + 2 * 3 + 0]!);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
      expect(c110[i * 3 + j]! - s0 * (i === j ? 1 / Math.sqrt(3) : 0)).toBeCloseTo(0, 14);
      for (let k = 0; k < 3; k++) {
        const eps = (i - j) * (j - k) * (k - i) / 2; // Levi-Civita
        expect(c111[(i * 3 + j) * 3 + k]! - s1 * eps / Math.sqrt(6)).toBeCloseTo(0, 14);
      }
    }
    const c022 = cgBlock(0, 2, 2).dense;
    for (let j = 0; j < 5; j++) for (let k = 0; k < 5; k++) expect(Math.abs(c022[j * 5 + k]!)).toBeCloseTo(j === k ? 1 / Math.sqrt(5) : 0, 14);
    // sparse: the 2⊗2→2 block has far fewer nonzeros than 125 entries
    expect(cgBlock(2, 2, 2).nnz.value.length).toBeLessThan(60);
  });
});

describe('TensorProduct', () => {
  it.each(modeCases)('%s: equals the dense reference (shared and per-sample weights, both normalisations) to 1e-12', (_mode, s1, s2, so, ins) => {
    const rng = new Rng(7);
    const B = 4;
    for (const irrepNormalization of ['component', 'norm'] as const) {
      for (const [pathNormalization, contraction] of [['element', 'auto'], ['path', 'auto'], ['element', 'cg-first']] as const) {
        const tp = new TensorProduct(s1, s2, so, ins, { rng, dtype: 'float64', irrepNormalization, pathNormalization, contraction });
        const x1 = f64(rng, [B, tp.irrepsIn1.dim]), x2 = f64(rng, [B, tp.irrepsIn2.dim]);
        const raw = tp.instructions.map((i) => ({ i1: i.i1, i2: i.i2, out: i.out, mode: i.mode, hasWeight: i.hasWeight, pathWeight: i.pathWeight }));
        const want = referenceTP(s1, s2, so, raw, x1.data as Float64Array, x2.data as Float64Array, B, tp.weight ? (tp.weight.data as Float64Array) : null, false, irrepNormalization, pathNormalization);
        expect(maxAbs(tp.call(x1, x2).data, want)).toBeLessThan(1e-12);
        if (tp.weightNumel > 0) {
          const ext = new TensorProduct(s1, s2, so, ins, { dtype: 'float64', sharedWeights: false, irrepNormalization, pathNormalization });
          expect(ext.internalWeights).toBe(false);
          const w = f64(rng, [B, ext.weightNumel]);
          const want2 = referenceTP(s1, s2, so, raw, x1.data as Float64Array, x2.data as Float64Array, B, w.data as Float64Array, true, irrepNormalization, pathNormalization);
          expect(maxAbs(ext.call(x1, x2, w).data, want2)).toBeLessThan(1e-12);
        }
      }
    }
  });

  it.each(modeCases)('%s: O(3)-equivariant (f64 ≤ 1e-12, f32 ≤ 1e-5) and gradchecked', (_mode, s1, s2, so, ins) => {
    const tp = new TensorProduct(s1, s2, so, ins, { rng: new Rng(3), dtype: 'float64' });
    if (_mode.startsWith('uvw')) {
      // shared internal weights: gradcheck through the weight-first order too (x₁, x₂ and W via an external shared copy)
      const shared = new TensorProduct(s1, s2, so, ins, { dtype: 'float64', internalWeights: false });
      const r0 = new Rng(8);
      assertGradcheck((a, b, w) => shared.call(a!, b!, w), [f64(r0, [2, shared.irrepsIn1.dim], true), f64(r0, [2, shared.irrepsIn2.dim], true), f64(r0, [shared.weightNumel], true)], { label: 'uvw shared, auto order' });
    }
    const spec = { group: G, in: [tp.irrepsIn1.rep(G), tp.irrepsIn2.rep(G)], out: tp.irrepsOut.rep(G) };
    expect(assertEquivariant((a: Tensor, b: Tensor) => tp.call(a, b), spec).ok).toBe(true);
    const tp32 = new TensorProduct(s1, s2, so, ins, { rng: new Rng(3) });
    expect(assertEquivariant((a: Tensor, b: Tensor) => tp32.call(a, b), { ...spec, dtype: 'float32' }).ok).toBe(true);
    const rng = new Rng(5);
    const ext = new TensorProduct(s1, s2, so, ins, { dtype: 'float64', sharedWeights: false });
    const inputs = [f64(rng, [2, ext.irrepsIn1.dim], true), f64(rng, [2, ext.irrepsIn2.dim], true)];
    if (ext.weightNumel > 0) {
      assertGradcheck((a, b, w) => ext.call(a!, b!, w), [...inputs, f64(rng, [2, ext.weightNumel], true)], { label: `${_mode} per-sample` });
    } else {
      assertGradcheck((a, b) => ext.call(a!, b!), inputs, { label: _mode });
    }
    // shared external weights
    const sh = new TensorProduct(s1, s2, so, ins, { dtype: 'float64', internalWeights: false });
    if (sh.weightNumel > 0) assertGradcheck((a, b, w) => sh.call(a!, b!, w), [...inputs, f64(rng, [sh.weightNumel], true)], { label: `${_mode} shared` });
  });

  it('the harness catches a wrongly declared output parity (the checker can fail)', () => {
    const tp = new FullyConnectedTensorProduct('2x1o', '1x0e', '2x1o', { rng: new Rng(0), dtype: 'float64' });
    const wrong = Irreps.of('2x1e').rep(G);
    const r = equivarianceError((a: Tensor, b: Tensor) => tp.call(a, b), { group: G, in: [tp.irrepsIn1.rep(G), tp.irrepsIn2.rep(G)], out: wrong });
    expect(r.ok).toBe(false);
  });

  it('validates instructions, shapes, dtypes and weights with named errors', () => {
    const rng = new Rng(0);
    expect(() => new TensorProduct('1x1o', '1x1o', '1x1o', [[0, 0, 0, 'uvw', true]], { rng })).toThrow(/parity/);
    expect(() => new TensorProduct('1x1o', '1x1o', '1x3e', [[0, 0, 0, 'uvw', true]], { rng })).toThrow(/not in \|l₁ − l₂\|/);
    expect(() => new TensorProduct('2x0e', '3x0e', '3x0e', [[0, 0, 0, 'uvu', true]], { rng })).toThrow(ValueError);
    expect(() => new TensorProduct('2x0e', '3x0e', '3x0e', [[0, 0, 0, 'uuw', true]], { rng })).toThrow(/mul₁ = mul₂/);
    expect(() => new TensorProduct('2x0e', '2x0e', '2x0e', [[0, 0, 0, 'uvw', false]], { rng })).toThrow(/needs weights/);
    expect(() => new TensorProduct('2x0e', '2x0e', '2x0e', [[0, 0, 0, 'xyz' as ConnectionMode, true]], { rng })).toThrow(/connection mode/);
    expect(() => new TensorProduct('2x0e', '2x0e', '2x0e', [[0, 1, 0, 'uvw', true]], { rng })).toThrow(/outside/);
    expect(() => new TensorProduct('2x0e', '2x0e', '2x0e', [[0, 0, 0, 'uvw', true]], {})).toThrow(/rng is required/);
    expect(() => new TensorProduct('2x0e', '2x0e', '2x0e', [[0, 0, 0, 'uvw', true]], { sharedWeights: false, internalWeights: true })).toThrow(ValueError);
    const tp = new FullyConnectedTensorProduct('2x0e+1x1o', '1x1o', '1x1o', { rng });
    const x1 = randn(rng, [3, 5]), x2 = randn(rng, [3, 3]);
    expect(() => tp.call(randn(rng, [3, 4]), x2)).toThrow(ShapeError);
    expect(() => tp.call(x1, randn(rng, [2, 3]))).toThrow(ShapeError);
    expect(() => tp.call(x1, randn(rng, [3, 3], { dtype: 'float64' }))).toThrow(DTypeError);
    expect(() => tp.call(x1, x2, randn(rng, [tp.weightNumel]))).toThrow(/internal/);
    const ext = new FullyConnectedTensorProduct('2x0e+1x1o', '1x1o', '1x1o', { sharedWeights: false });
    expect(() => ext.call(x1, x2)).toThrow(/external weights are required/);
    expect(() => ext.call(x1, x2, randn(rng, [3, 5]))).toThrow(ShapeError);
  });
});

describe('FullyConnectedTensorProduct', () => {
  it('weightNumel = Σ mul₁·mul₂·mul_out over the allowed paths (independent count)', () => {
    const s1 = '32x0e+32x1o+32x2e';
    const tp = new FullyConnectedTensorProduct(s1, s1, s1, { rng: new Rng(0) });
    // allowed (l1,l2→l3) with parity (−1)^l: 0⊗0→0, 0⊗1→1, 0⊗2→2, 1⊗0→1, 1⊗1→0,2, 1⊗2→1, 2⊗0→2, 2⊗1→1, 2⊗2→0,2 = 11 paths
    expect(tp.instructions.length).toBe(11);
    expect(tp.weightNumel).toBe(11 * 32 * 32 * 32);
    expect(tp.irrepsOut.dim).toBe(288);
    const small = new FullyConnectedTensorProduct('5x0e+5x1e', '6x0e+4x1e', '15x0e+3x1e', { rng: new Rng(0) });
    // e3nn's docs example: 5·6·15 + 5·4·15 + 5·4·3 + 5·6·3 + 5·4·3 (0e⊗0e→0e, 1e⊗1e→0e, 0e⊗1e→1e, 1e⊗0e→1e, 1e⊗1e→1e)
    expect(small.weightNumel).toBe(5 * 6 * 15 + 5 * 4 * 15 + 5 * 4 * 3 + 5 * 6 * 3 + 5 * 4 * 3);
  });

  it("'component' normalisation: unit-variance components in → unit mean square out (averaged over weight draws)", () => {
    const rng = new Rng(11);
    let acc = 0, n = 0;
    const perBlock: number[] = [];
    for (let seed = 0; seed < 8; seed++) {
      const tp = new FullyConnectedTensorProduct('4x0e+4x1o+4x2e', '2x0e+2x1o', '4x0e+4x1o+4x1e+4x2e', { rng: new Rng(100 + seed), dtype: 'float64' });
      const y = tp.call(f64(rng, [4000, tp.irrepsIn1.dim]), f64(rng, [4000, tp.irrepsIn2.dim]));
      const d = y.data as Float64Array;
      for (const v of d) acc += v * v;
      n += d.length;
      tp.irrepsOut.blocks.forEach((b, i) => {
        const [s, e] = tp.irrepsOut.slice(i);
        let m = 0;
        for (let r = 0; r < 4000; r++) for (let c = s; c < e; c++) m += d[r * tp.irrepsOut.dim + c]! ** 2;
        perBlock[i] = (perBlock[i] ?? 0) + m / (4000 * (e - s)) / 8;
      });
    }
    expect(Math.abs(acc / n - 1)).toBeLessThan(0.15);
    for (const m of perBlock) expect(Math.abs(m - 1)).toBeLessThan(0.35);
  });

  it("'norm' normalisation: unit-norm irreps in → unit mean squared norm per output irrep", () => {
    const rng = new Rng(12);
    const sum: number[] = [];
    const T = 8, B = 3000;
    for (let seed = 0; seed < T; seed++) {
      const tp = new FullyConnectedTensorProduct('4x0e+4x1o+4x2e', '2x1o+2x2e', '4x0e+4x1o+4x2e', { rng: new Rng(200 + seed), dtype: 'float64', irrepNormalization: 'norm' });
      // inputs whose irrep copies have E‖x‖² = 1: components N(0, 1/d)
      const scaleIn = (ir: Irreps, t: Tensor) => {
        const d = t.data as Float64Array;
        ir.blocks.forEach((b, i) => { const [s, e] = ir.slice(i); for (let r = 0; r < B; r++) for (let c = s; c < e; c++) d[r * ir.dim + c]! /= Math.sqrt(2 * b.ir.l + 1); });
        return t;
      };
      const y = tp.call(scaleIn(tp.irrepsIn1, f64(rng, [B, tp.irrepsIn1.dim])), scaleIn(tp.irrepsIn2, f64(rng, [B, tp.irrepsIn2.dim])));
      const d = y.data as Float64Array;
      tp.irrepsOut.blocks.forEach((b, i) => {
        const [s, e] = tp.irrepsOut.slice(i);
        let m = 0;
        for (let r = 0; r < B; r++) for (let c = s; c < e; c++) m += d[r * tp.irrepsOut.dim + c]! ** 2;
        sum[i] = (sum[i] ?? 0) + m / (B * b.mul) / T;
      });
    }
    for (const m of sum) expect(Math.abs(m - 1)).toBeLessThan(0.35);
  });
});

describe('ElementwiseTensorProduct and TensorSquare', () => {
  it('ElementwiseTensorProduct aligns blocks, has e3nn output irreps, no weights, is equivariant', () => {
    const tp = new ElementwiseTensorProduct('4x0e+2x1o', '3x0e+3x1e', { dtype: 'float64' });
    expect(tp.irrepsIn1.toString()).toBe('3x0e+1x0e+2x1o');
    expect(tp.irrepsIn2.toString()).toBe('3x0e+1x1e+2x1e');
    expect(tp.irrepsOut.toString()).toBe('3x0e+1x1e+2x0o+2x1o+2x2o');
    expect(tp.weightNumel).toBe(0);
    expect(assertEquivariant((a: Tensor, b: Tensor) => tp.call(a, b), { group: G, in: [tp.irrepsIn1.rep(G), tp.irrepsIn2.rep(G)], out: tp.irrepsOut.rep(G) }).ok).toBe(true);
    // copy u times copy u: 0e⊗0e of copy 0 is x1·x2 (coefficient √1·C = 1)
    const rng = new Rng(1);
    const x1 = f64(rng, [2, 10]), x2 = f64(rng, [2, 12]);
    const y = tp.call(x1, x2);
    expect(y.data[0]!).toBeCloseTo(x1.data[0]! * x2.data[0]!, 14);
    const filtered = new ElementwiseTensorProduct('2x1o', '2x1o', { filterIrOut: ['0e'] });
    expect(filtered.irrepsOut.toString()).toBe('2x0e');
    expect(() => new ElementwiseTensorProduct('2x1o', '3x1o')).toThrow(/same number of irrep copies/);
  });

  it('TensorSquare: e3nn instruction set, reference values, equivariance, gradcheck', () => {
    const s = '3x0e+2x1o+1x2e';
    const so = '2x0e+2x1o+2x1e+2x2e';
    const sq = new TensorSquare(s, so, { rng: new Rng(4), dtype: 'float64' });
    // paths: off-diagonal uvw (i1<i2), u<vw on the diagonal (mul > 1), uuw for even l out
    const count = sq.tp.instructions.reduce((a, i) => a + i.pathShape.reduce((x, y) => x * y, 1), 0);
    expect(count).toBe(sq.weightNumel);
    // by hand: off-diagonal (0e,1o)→1o 3·2·2, (0e,2e)→2e 3·1·2, (1o,2e)→1o 2·1·2; diagonal 3x0e→0e
    // (3 pairs + 3 squares)·2; 2x1o→0e (1 + 2)·2, →1e 1·2 (odd: no squares), →2e (1 + 2)·2; 1x2e→0e, 2e 1·2 each
    expect(sq.weightNumel).toBe(12 + 6 + 4 + 6 + 6 + 6 + 2 + 6 + 2 + 2);
    const modes = sq.tp.instructions.map((i) => i.mode);
    expect(modes.filter((m) => m === 'u<vw').length).toBeGreaterThan(0);
    expect(modes.filter((m) => m === 'uuw').length).toBeGreaterThan(0);
    // 1o⊗1o diagonal into 1e: only u<v (antisymmetric), no uuw
    expect(sq.tp.instructions.some((i) => i.i1 === 1 && i.i2 === 1 && i.out === 2 && i.mode === 'uuw')).toBe(false);
    const rng = new Rng(9);
    const x = f64(rng, [3, sq.irrepsIn.dim]);
    const raw = sq.tp.instructions.map((i) => ({ i1: i.i1, i2: i.i2, out: i.out, mode: i.mode, hasWeight: i.hasWeight, pathWeight: i.pathWeight }));
    const want = referenceTP(s, s, so, raw, x.data as Float64Array, x.data as Float64Array, 3, sq.tp.weight!.data as Float64Array, false, 'none');
    expect(maxAbs(sq.call(x).data, want)).toBeLessThan(1e-12);
    expect(assertEquivariant((a: Tensor) => sq.call(a), { group: G, in: sq.irrepsIn.rep(G), out: sq.irrepsOut.rep(G) }).ok).toBe(true);
    const ext = new TensorSquare(s, so, { dtype: 'float64', internalWeights: false });
    assertGradcheck((a, w) => ext.call(a!, w), [f64(rng, [2, sq.irrepsIn.dim], true), f64(rng, [ext.weightNumel], true)]);
  });

  it('TensorSquare component normalisation: unit mean square out', () => {
    const rng = new Rng(21);
    let acc = 0, n = 0;
    for (let seed = 0; seed < 8; seed++) {
      const sq = new TensorSquare('4x0e+4x1o+4x2e', '4x0e+4x1o+4x1e+4x2e', { rng: new Rng(300 + seed), dtype: 'float64' });
      const d = sq.call(f64(rng, [3000, sq.irrepsIn.dim])).data as Float64Array;
      for (const v of d) acc += v * v;
      n += d.length;
    }
    expect(Math.abs(acc / n - 1)).toBeLessThan(0.2);
  });
});
