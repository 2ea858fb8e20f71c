import { describe, expect, it } from 'vitest';
import { O } from '../../src/group/index.js';
import { Tensor, randn, tanh } from '../../src/tensor/index.js';
import { assertEquivariant, assertGradcheck, equivarianceError } from '../../src/testing/index.js';
import { DTypeError, Rng, ShapeError, ValueError } from '../../src/util/index.js';
import { Gate, Irreps, IrrepsBatchNorm, IrrepsLinear, NormActivation, activationParity, secondMoment } from '../../src/nn/irreps/index.js';

const G = O(3);
const f64 = (rng: Rng, shape: number[], grad = false): Tensor => {
  const t = randn(rng, shape, { dtype: 'float64' });
  return grad ? new Tensor(t.data, t.shape, 'float64', true) : t;
};
const rep = (s: Irreps | string) => Irreps.of(s).rep(G);

describe('IrrepsLinear', () => {
  it('mixes multiplicities per irrep type: values, weight count, equivariance, gradcheck', () => {
    const lin = new IrrepsLinear('3x0e+2x1o+1x1o+2x2e+1x1e', '2x0e+4x1o+1x2e+3x0o', { rng: new Rng(0), dtype: 'float64', biases: true });
    // paths: 0e: 3·2; 1o: (2 + 1)·4; 2e: 2·1; 0o and 1e have no partner
    expect(lin.weightNumel).toBe(3 * 2 + 2 * 4 + 1 * 4 + 2 * 1);
    expect(lin.biasNumel).toBe(2);
    const rng = new Rng(1);
    const x = f64(rng, [3, lin.irrepsIn.dim]);
    const y = lin.call(x);
    // the 1o output copy w, component m: Σ_u W[u,w] x[u,m] / √3 over the 3 input 1o copies
    const W = lin.weight!.data as Float64Array;
    const xo = (r: number, u: number, m: number) => x.data[r * lin.irrepsIn.dim + 3 + (u < 2 ? u * 3 : 6) + m]!;
    const w1 = (u: number, w: number) => (u < 2 ? W[6 + u * 4 + w]! : W[6 + 8 + w]!);
    for (let w = 0; w < 4; w++) for (let m = 0; m < 3; m++) {
      let s = 0;
      for (let u = 0; u < 3; u++) s += w1(u, w) * xo(1, u, m);
      expect(y.data[1 * lin.irrepsOut.dim + 2 + w * 3 + m]!).toBeCloseTo(s / Math.sqrt(3), 12);
    }
    // outputs without a path are zero (3x0o)
    for (let k = 0; k < 3; k++) expect(y.data[lin.irrepsOut.dim - 1 - k]).toBe(0);
    expect(assertEquivariant((a: Tensor) => lin.call(a), { group: G, in: rep(lin.irrepsIn), out: rep(lin.irrepsOut) }).ok).toBe(true);
    const l32 = new IrrepsLinear(lin.irrepsIn, lin.irrepsOut, { rng: new Rng(0), biases: true });
    expect(assertEquivariant((a: Tensor) => l32.call(a), { group: G, in: rep(lin.irrepsIn), out: rep(lin.irrepsOut), dtype: 'float32' }).ok).toBe(true);
    assertGradcheck((a) => lin.call(a!), [f64(rng, [2, lin.irrepsIn.dim], true)]);
    assertGradcheck((a, w) => lin.call(a!, w), [f64(rng, [2, lin.irrepsIn.dim], true), f64(rng, [lin.weightNumel], true)], { label: 'external weights' });
    expect(lin.call(x, lin.weight!).data).toEqual(y.data);
    expect(() => lin.call(x, f64(rng, [3]))).toThrow(ShapeError);
  });

  it('unit-variance inputs give unit-variance outputs (element normalisation)', () => {
    const rng = new Rng(3);
    let acc = 0, n = 0;
    for (let s = 0; s < 10; s++) {
      const lin = new IrrepsLinear('16x0e+8x1o+4x1o', '16x0e+16x1o', { rng: new Rng(50 + s), dtype: 'float64' });
      const d = lin.call(f64(rng, [2000, lin.irrepsIn.dim])).data;
      for (const v of d) acc += v * v;
      n += d.length;
    }
    expect(Math.abs(acc / n - 1)).toBeLessThan(0.1);
  });

  it('errors', () => {
    expect(() => new IrrepsLinear('1x0e', '1x0e', {} as never)).toThrow(/rng is required/);
    const lin = new IrrepsLinear('1x0e', '1x0e', { rng: new Rng(0) });
    expect(() => lin.call(randn(new Rng(0), [2, 2]))).toThrow(ShapeError);
    expect(() => lin.call(randn(new Rng(0), [2, 1], { dtype: 'float64' }))).toThrow(DTypeError);
  });
});

describe('Gate', () => {
  it('activates scalars, gates the non-scalars, tracks parity; equivariant and gradchecked', () => {
    const gate = new Gate('4x0e+2x0o', ['silu', 'tanh'], '2x0e+1x0o', ['sigmoid', 'tanh'], '2x1o+1x2e');
    expect(gate.irrepsIn.toString()).toBe('4x0e+2x0o+2x0e+1x0o+2x1o+1x2e');
    // 0o through tanh (odd) stays 0o; 2e gated by tanh(0o) becomes 2o
    expect(gate.irrepsOut.toString()).toBe('4x0e+2x0o+2x1o+1x2o');
    const rng = new Rng(2);
    const x = f64(rng, [3, gate.irrepsIn.dim]);
    const y = gate.call(x);
    // first gated 1o copy = normalised sigmoid(gate 0) · v
    const c = 1 / Math.sqrt(secondMoment((t) => t.sigmoid()));
    const g0 = c / (1 + Math.exp(-x.data[6]!));
    for (let m = 0; m < 3; m++) expect(y.data[6 + m]!).toBeCloseTo(g0 * x.data[9 + m]!, 12);
    expect(assertEquivariant((a: Tensor) => gate.call(a), { group: G, in: rep(gate.irrepsIn), out: rep(gate.irrepsOut) }).ok).toBe(true);
    expect(assertEquivariant((a: Tensor) => gate.call(a), { group: G, in: rep(gate.irrepsIn), out: rep(gate.irrepsOut), dtype: 'float32' }).ok).toBe(true);
    assertGradcheck((a) => gate.call(a!), [f64(rng, [2, gate.irrepsIn.dim], true)]);
    // declaring the parity e3nn would not (2e kept even) is caught by the harness
    const wrong = equivarianceError((a: Tensor) => gate.call(a), { group: G, in: rep(gate.irrepsIn), out: rep('4x0e+2x0o+2x1o+1x2e') });
    expect(wrong.ok).toBe(false);
  });

  it('normalize2mom: E[act(z)²] = 1; parity detection; errors', () => {
    expect(secondMoment((t) => t)).toBeCloseTo(1, 10);
    expect(activationParity(tanh)).toBe(-1);
    expect(activationParity((t) => t.abs())).toBe(1);
    expect(activationParity((t) => t.silu())).toBe(0);
    expect(() => new Gate('1x0o', 'relu', '', 'sigmoid', '')).toThrow(/must be even or odd/);
    expect(() => new Gate('1x0e', 'silu', '1x0e', 'sigmoid', '2x1o')).toThrow(/must match/);
    expect(() => new Gate('1x1o', 'silu', '', 'sigmoid', '')).toThrow(/must be scalars/);
    expect(() => new Gate('1x0e', 'nope' as never, '', 'sigmoid', '')).toThrow(ValueError);
  });
});

describe('NormActivation', () => {
  it('scales each copy by σ(‖x‖)/‖x‖; equivariant and gradchecked', () => {
    const na = new NormActivation('2x0e+2x1o+1x2e', 'sigmoid', { bias: true, dtype: 'float64' });
    const rng = new Rng(4);
    const x = f64(rng, [3, na.irrepsIn.dim]);
    const y = na.call(x);
    const v = [x.data[2]!, x.data[3]!, x.data[4]!];
    const n = Math.hypot(...v);
    for (let m = 0; m < 3; m++) expect(y.data[2 + m]!).toBeCloseTo((v[m]! / n) / (1 + Math.exp(-n)), 12);
    expect(assertEquivariant((a: Tensor) => na.call(a), { group: G, in: rep(na.irrepsIn), out: rep(na.irrepsOut) }).ok).toBe(true);
    assertGradcheck((a) => na.call(a!), [f64(rng, [2, na.irrepsIn.dim], true)]);
    expect(() => new NormActivation('1x1o', 'sigmoid', { epsilon: 0 })).toThrow(ValueError);
  });
});

describe('IrrepsBatchNorm', () => {
  it('training: 0e centred, every copy unit mean squared component; running stats; eval; equivariant; gradchecked', () => {
    const bn = new IrrepsBatchNorm('2x0e+2x1o+1x2e', { dtype: 'float64' });
    const rng = new Rng(6);
    const x = f64(rng, [64, bn.irrepsIn.dim]);
    const xd = x.data as Float64Array;
    for (let r = 0; r < 64; r++) { xd[r * 13]! += 3; for (let c = 2; c < 8; c++) xd[r * 13 + c]! *= 4; }
    const y = bn.call(x).data as Float64Array;
    let mean0 = 0, sq1 = 0;
    for (let r = 0; r < 64; r++) { mean0 += y[r * 13]! / 64; for (let m = 0; m < 3; m++) sq1 += y[r * 13 + 2 + m]! ** 2 / (64 * 3); }
    expect(Math.abs(mean0)).toBeLessThan(1e-12);
    expect(sq1).toBeCloseTo(1, 3);
    const rm = bn.getBuffer('runningMean').data, rv = bn.getBuffer('runningVar').data;
    expect(rm[0]!).toBeGreaterThan(0.2); // 0.1 · (≈3)
    expect(rv[2]!).toBeGreaterThan(2); // 0.9 + 0.1 · (≈16)
    expect(assertEquivariant((a: Tensor) => bn.call(a), { group: G, in: rep(bn.irrepsIn), out: rep(bn.irrepsOut), data: [f64(rng, [8, 13])] }).ok).toBe(true);
    assertGradcheck((a) => bn.call(a!), [f64(rng, [5, 13], true)]);
    bn.eval();
    expect(assertEquivariant((a: Tensor) => bn.call(a), { group: G, in: rep(bn.irrepsIn), out: rep(bn.irrepsOut) }).ok).toBe(true);
    assertGradcheck((a) => bn.call(a!), [f64(rng, [3, 13], true)]);
    expect(() => new IrrepsBatchNorm('1x0e', { momentum: 2 })).toThrow(ValueError);
    expect(() => new IrrepsBatchNorm('1x0e', { dtype: 'float64' }).train().call(f64(rng, [1, 1]))).toThrow(/more than one sample/);
  });
});
