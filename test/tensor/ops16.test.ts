/**
 * The ops of issue 16 (docs/design/ops-reference.md): cumsum, cumprod, normalize,
 * cosineSimilarity, smoothL1Loss, klDiv, gelu (tanh), softplus (β, threshold), indexAdd (α),
 * spatial crossEntropy and einsum with broadcasting ellipses. Gradchecked in float64, matched
 * against PyTorch fixtures (test/fixtures/generate_ops16_fixtures.py) in float64 (≤ 1e-10) and
 * float32 (≤ 1e-5), values and gradients; named errors for bad input.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  Tensor, backward, cast, cosineSimilarity, crossEntropy, cumprod, cumsum, einsum, expand, fromData, gelu, indexAdd, klDiv, mul,
  normalize, randn, smoothL1Loss, softplus, sum, tensor, logSoftmax, softmax,
  DTypeError, IndexError, ParseError, ShapeError, ValueError,
} from '../../src/index.js';
import type { Reduction } from '../../src/index.js';
import { assertGradcheck, gradcheck } from '../../src/testing/index.js';
import { Rng } from '../../src/util/rng.js';

const f64 = (rng: Rng, shape: number[], scale = 1): Tensor => {
  const t = randn(rng, shape, { dtype: 'float64' });
  const d = t.data as Float64Array;
  for (let i = 0; i < d.length; i++) d[i] = d[i]! * scale;
  return new Tensor(d, shape, 'float64', true);
};
const leaf = (data: number[], shape: number[]): Tensor => new Tensor(Float64Array.from(data), shape, 'float64', true);

// ---------------------------------------------------------------------------------------------
// PyTorch fixtures
// ---------------------------------------------------------------------------------------------

interface Arr { shape: number[]; data: number[] }
interface FixtureCase {
  name: string;
  op: string;
  attrs: Record<string, any>;
  inputs: Record<string, Arr>;
  upstream: Arr;
  output: Arr;
  grads: Record<string, Arr>;
}
const doc = JSON.parse(readFileSync(new URL('../fixtures/torch/ops16.json', import.meta.url), 'utf8')) as { torch_version: string; cases: FixtureCase[] };

const INT_INPUTS = new Set(['index']);
/** Run a fixture case in `dtype`: the output and the gradients of Σ out·upstream. */
function runCase(c: FixtureCase, dtype: 'float32' | 'float64'): { out: Tensor; grads: Record<string, Tensor> } {
  const t: Record<string, Tensor> = {};
  for (const [k, a] of Object.entries(c.inputs)) {
    const isInt = INT_INPUTS.has(k) || (c.op === 'crossEntropy' && k === 'target' && !(k in c.grads) && c.inputs[k]!.shape.length !== c.inputs.logits!.shape.length);
    if (isInt) { t[k] = fromData(Int32Array.from(a.data), a.shape); continue; }
    const data = dtype === 'float64' ? Float64Array.from(a.data) : Float32Array.from(a.data);
    t[k] = new Tensor(data, a.shape, dtype, k in c.grads);
  }
  const A = c.attrs;
  let out: Tensor;
  switch (c.op) {
    case 'cumsum': out = cumsum(t.x!, A.dim); break;
    case 'cumprod': out = cumprod(t.x!, A.dim); break;
    case 'normalize': out = normalize(t.x!, A.p, A.dim, A.eps); break;
    case 'cosineSimilarity': out = cosineSimilarity(t.x1!, t.x2!, A.dim, A.eps); break;
    case 'smoothL1Loss': out = smoothL1Loss(t.input!, t.target!, A.beta, A.reduction as Reduction); break;
    case 'klDiv': out = klDiv(t.input!, t.target!, { reduction: A.reduction, logTarget: A.log_target }); break;
    case 'gelu': out = gelu(t.x!, A.approximate); break;
    case 'softplus': out = softplus(t.x!, A.beta, A.threshold); break;
    case 'indexAdd': out = indexAdd(t.x!, A.dim, t.index!, t.source!, A.alpha); break;
    case 'crossEntropy':
      out = crossEntropy(t.logits!, t.target!, { reduction: A.reduction, labelSmoothing: A.label_smoothing, ignoreIndex: A.ignore_index, weight: t.weight });
      break;
    case 'einsum': out = einsum(A.equation, Object.keys(c.inputs).sort().map((k) => t[k]!)); break;
    default: throw new Error(`unknown fixture op ${c.op}`);
  }
  const w = new Tensor(dtype === 'float64' ? Float64Array.from(c.upstream.data) : Float32Array.from(c.upstream.data), c.upstream.shape, dtype);
  backward(sum(mul(out, w)));
  const grads: Record<string, Tensor> = {};
  for (const k of Object.keys(c.grads)) grads[k] = t[k]!.grad!;
  return { out, grads };
}

/** max |got − want| / max(1, max |want|); Infinity on a shape mismatch or a non-finite value. */
function fixtureErr(got: Tensor, want: Arr): number {
  if (got.shape.join() !== want.shape.join()) return Infinity;
  let m = 1, d = 0;
  for (let i = 0; i < want.data.length; i++) {
    m = Math.max(m, Math.abs(want.data[i]!));
    const e = Math.abs(got.data[i]! - want.data[i]!);
    d = e === e ? Math.max(d, e) : Infinity;
  }
  return d / m;
}

describe(`ops16: PyTorch ${doc.torch_version} fixtures (test/fixtures/torch/ops16.json)`, () => {
  it('covers every new op', () => {
    const ops = new Set(doc.cases.map((c) => c.op));
    for (const op of ['cumsum', 'cumprod', 'normalize', 'cosineSimilarity', 'smoothL1Loss', 'klDiv', 'gelu', 'softplus', 'indexAdd', 'crossEntropy', 'einsum']) expect(ops.has(op), op).toBe(true);
  });
  for (const c of doc.cases) {
    it(`${c.name}: float64 ≤ 1e-10 and float32 ≤ 1e-5, values and gradients`, () => {
      for (const [dtype, tol] of [['float64', 1e-10], ['float32', 1e-5]] as const) {
        const { out, grads } = runCase(c, dtype);
        expect(out.dtype).toBe(dtype);
        expect(fixtureErr(out, c.output), `${dtype} output`).toBeLessThanOrEqual(tol);
        expect(Object.keys(grads).length).toBeGreaterThan(0);
        for (const [k, g] of Object.entries(grads)) expect(fixtureErr(g, c.grads[k]!), `${dtype} grad ${k}`).toBeLessThanOrEqual(tol);
      }
    });
  }
  it('the fixture check fails on a perturbed result (1e-8 on one element)', () => {
    const c = doc.cases.find((x) => x.op === 'cumprod')!;
    const { out } = runCase(c, 'float64');
    expect(fixtureErr(out, c.output)).toBeLessThanOrEqual(1e-10);
    (out.data as Float64Array)[3]! += 1e-8;
    expect(fixtureErr(out, c.output)).toBeGreaterThan(1e-10);
  });
});

// ---------------------------------------------------------------------------------------------
// cumsum / cumprod
// ---------------------------------------------------------------------------------------------

/** Naive scan along `axis` of a row-major array. */
function naiveScan(x: ArrayLike<number>, shape: number[], axis: number, prod: boolean): Float64Array {
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1), len = shape[axis]!, outer = x.length / (len * inner);
  const y = new Float64Array(x.length);
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
    let acc = prod ? 1 : 0;
    for (let k = 0; k < len; k++) {
      const p = (o * len + k) * inner + i;
      acc = prod ? acc * x[p]! : acc + x[p]!;
      y[p] = acc;
    }
  }
  return y;
}

describe('cumsum / cumprod', () => {
  const rng = new Rng(16);
  it('match a naive scan along every axis, negative axes too, in both dtypes', () => {
    const shape = [3, 4, 5];
    const x = randn(rng, shape, { dtype: 'float64' });
    for (let a = -3; a < 3; a++) {
      const ax = a < 0 ? a + 3 : a;
      for (const [f, prod] of [[cumsum, false], [cumprod, true]] as const) {
        const want = naiveScan(x.data, shape, ax, prod);
        const y = f(x, a);
        expect(y.shape).toEqual(shape);
        for (let i = 0; i < want.length; i++) expect(y.data[i]).toBeCloseTo(want[i]!, 14);
        const y32 = f(cast(x, 'float32'), a);
        expect(y32.dtype).toBe('float32');
        for (let i = 0; i < want.length; i++) expect(Math.abs(y32.data[i]! - want[i]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want[i]!)));
      }
    }
    expect(x.cumsum(-1).data).toEqual(cumsum(x, 2).data);
    expect(cumsum(tensor(2.5), 0).shape).toEqual([]);
    expect(cumprod(tensor([1, 2, 3, 4]), 0).toArray()).toEqual([1, 2, 6, 24]);
  });

  it('gradcheck (float64): cumsum along each axis, cumprod along each axis', () => {
    for (let a = -3; a < 3; a++) {
      assertGradcheck((t) => cumsum(t, a), [f64(rng, [2, 3, 4])], { label: `cumsum axis ${a}` });
      assertGradcheck((t) => cumprod(t, a), [f64(rng, [2, 3, 4])], { label: `cumprod axis ${a}` });
    }
  });

  it('gradcheck (float64): cumprod with zeros — one, two, leading and trailing zeros per row', () => {
    const x = f64(rng, [5, 6]);
    const d = x.data as Float64Array;
    d[2] = 0; // row 0: one zero
    d[6 + 1] = 0; d[6 + 4] = 0; // row 1: two zeros
    d[12] = 0; // row 2: leading zero
    d[18 + 5] = 0; // row 3: trailing zero (row 4: none)
    const r = assertGradcheck((t) => cumprod(t, 1), [x], { label: 'cumprod with zeros' });
    expect(r.ok).toBe(true);
    // along axis 0 as well, and a column that is all zero after the first
    const z = f64(rng, [4, 3]);
    (z.data as Float64Array)[3] = 0; (z.data as Float64Array)[8] = 0; (z.data as Float64Array)[11] = 0;
    assertGradcheck((t) => cumprod(t, 0), [z], { label: 'cumprod axis 0 with zeros' });
  });

  it('the zero-safe gradient matters: exp(cumsum(log x)), the textbook route, has the same values and fails gradcheck at a zero', () => {
    const x = leaf([0.7, 0, 1.3, 2.1], [4]);
    const viaLog = (t: Tensor): Tensor => cumsum(t.log(), 0).exp();
    expect(Array.from(viaLog(x).data)).toEqual(Array.from(cumprod(x, 0).data).map((v) => (v === 0 ? 0 : expect.closeTo(v, 14))));
    expect(gradcheck(viaLog, [x]).ok).toBe(false); // the checker catches a gradient broken at zeros
    const r = gradcheck((t) => cumprod(t, 0), [x]);
    expect(r.ok).toBe(true);
    const y = cumprod(x, 0);
    backward(sum(y));
    expect(x.grad!.data[1]).toBeCloseTo(0.7 * (1 + 1.3 + 1.3 * 2.1), 12); // ∂/∂x₁ of Σ_k Π_{j≤k} x_j
    expect(x.grad!.data[2]).toBe(0);
  });

  it('named errors', () => {
    const x = tensor([[1, 2], [3, 4]]);
    expect(() => cumsum(x, 2)).toThrow(IndexError);
    expect(() => cumsum(x, 2)).toThrow(/cumsum/);
    expect(() => cumprod(x, -3)).toThrow(IndexError);
    expect(() => cumprod(x, 0.5)).toThrow(/cumprod/);
    expect(() => cumsum(fromData(Int32Array.of(1, 2), [2]), 0)).toThrow(DTypeError);
    expect(() => cumsum([1, 2] as unknown as Tensor, 0)).toThrow(DTypeError);
  });
});

// ---------------------------------------------------------------------------------------------
// normalize / cosineSimilarity
// ---------------------------------------------------------------------------------------------

describe('normalize / cosineSimilarity', () => {
  const rng = new Rng(17);
  it('unit norms, zero vectors stay zero, the ε clamp', () => {
    const x = randn(rng, [4, 6], { dtype: 'float64' });
    for (const p of [1, 2, 3]) {
      const y = normalize(x, p, 1);
      const n = y.abs().pow(p).sum(1).data;
      for (const v of n) expect(v).toBeCloseTo(1, 12);
    }
    expect(normalize(tensor([[0, 0, 0]], { dtype: 'float64' })).toArray()).toEqual([[0, 0, 0]]);
    expect(cosineSimilarity(tensor([[1, 0]], { dtype: 'float64' }), tensor([[1, 1]], { dtype: 'float64' })).data[0]).toBeCloseTo(Math.SQRT1_2, 15);
    // ε clamps each norm separately (torch): tiny vectors give a tiny similarity, not ±1
    const s = cosineSimilarity(tensor([[1e-5, 0]], { dtype: 'float64' }), tensor([[2e-5, 0]], { dtype: 'float64' }), 1, 1e-4);
    expect(s.data[0]).toBeCloseTo(0.02, 14);
  });

  it('gradcheck (float64): normalize (p = 1, 2, 3; dims 0, 1, −1) and cosineSimilarity (broadcasting, small-norm clamp)', () => {
    for (const [p, dim] of [[2, 1], [1, 0], [3, -1]] as const) assertGradcheck((t) => normalize(t, p, dim), [f64(rng, [3, 4])], { label: `normalize p=${p}` });
    assertGradcheck((a, b) => cosineSimilarity(a, b, 1), [f64(rng, [4, 5]), f64(rng, [4, 5])], { label: 'cosine' });
    assertGradcheck((a, b) => cosineSimilarity(a, b, -1), [f64(rng, [3, 1, 5]), f64(rng, [4, 5])], { label: 'cosine broadcast' });
    assertGradcheck((a, b) => cosineSimilarity(a, b, 1, 1e-2), [f64(rng, [2, 4], 1e-3), f64(rng, [2, 4])], { label: 'cosine below eps' });
    assertGradcheck((t) => normalize(t, 2, 1, 1e-2), [f64(rng, [2, 4], 1e-3)], { label: 'normalize below eps' });
  });

  it('named errors', () => {
    const x = tensor([[1, 2], [3, 4]]);
    expect(() => normalize(x, 2, 2)).toThrow(IndexError);
    expect(() => normalize(x, 0, 1)).toThrow(ValueError);
    expect(() => normalize(x, 2, 1, -1)).toThrow(/normalize/);
    expect(() => cosineSimilarity(x, tensor([[1, 2, 3]]))).toThrow(ShapeError);
    expect(() => cosineSimilarity(x, tensor([[1, 2, 3]]))).toThrow(/cosineSimilarity/);
    expect(() => cosineSimilarity(x, x, 3)).toThrow(IndexError);
  });
});

// ---------------------------------------------------------------------------------------------
// smoothL1Loss / klDiv
// ---------------------------------------------------------------------------------------------

describe('smoothL1Loss / klDiv', () => {
  const rng = new Rng(18);
  it('smoothL1Loss: the quadratic and linear regimes, β = 0 is L1', () => {
    const x = tensor([0.25, -3], { dtype: 'float64' }), y = tensor([0, 0], { dtype: 'float64' });
    expect(smoothL1Loss(x, y, 1, 'none').toArray()).toEqual([0.5 * 0.0625, 2.5]);
    expect(smoothL1Loss(x, y, 0, 'sum').item()).toBe(3.25);
  });

  it('klDiv: zero for equal distributions, ≥ 0, batchmean = sum / N, logTarget agrees', () => {
    const lq = logSoftmax(randn(rng, [4, 5], { dtype: 'float64' }), 1), p = softmax(randn(rng, [4, 5], { dtype: 'float64' }), 1);
    expect(Math.abs(klDiv(lq, lq.exp(), { reduction: 'sum' }).item())).toBeLessThan(1e-15);
    const s = klDiv(lq, p, { reduction: 'sum' }).item();
    expect(s).toBeGreaterThan(0);
    expect(klDiv(lq, p, { reduction: 'batchmean' }).item()).toBeCloseTo(s / 4, 15);
    expect(klDiv(lq, p, { reduction: 'mean' }).item()).toBeCloseTo(s / 20, 15);
    expect(klDiv(lq, p.log(), { reduction: 'sum', logTarget: true }).item()).toBeCloseTo(s, 14);
    // a zero target contributes 0 (not NaN)
    const pz = tensor([[0, 1]], { dtype: 'float64' }), lz = tensor([[-1, -0.5]], { dtype: 'float64' });
    expect(klDiv(lz, pz, { reduction: 'sum' }).item()).toBe(0.5);
  });

  it('gradcheck (float64): smoothL1Loss for β = 0.5, 1, 2 and every reduction; klDiv w.r.t. input and target', () => {
    for (const beta of [0.5, 1, 2]) {
      for (const r of ['mean', 'sum', 'none'] as const) {
        assertGradcheck((a, b) => smoothL1Loss(a, b, beta, r), [leaf([0.1, -0.3, 2.5, -4, 0.7, 1.6], [2, 3]), leaf([0.2, 0.4, -0.1, 0.3, -2, 0], [2, 3])], { label: `smoothL1 β=${beta} ${r}` });
      }
    }
    assertGradcheck((a, b) => smoothL1Loss(a, b, 0), [leaf([0.1, -0.3, 2.5], [3]), leaf([0.2, 0.4, -0.1], [3])], { label: 'smoothL1 β=0' });
    const lq = logSoftmax(randn(rng, [3, 4], { dtype: 'float64' }), 1).detach(), p = softmax(randn(rng, [3, 4], { dtype: 'float64' }), 1).detach();
    const L = (t: Tensor): Tensor => new Tensor(Float64Array.from(t.data), t.shape, 'float64', true);
    for (const reduction of ['mean', 'batchmean', 'sum', 'none'] as const) {
      assertGradcheck((a, b) => klDiv(a, b, { reduction }), [L(lq), L(p)], { label: `klDiv ${reduction}` });
    }
    assertGradcheck((a, b) => klDiv(a, b, { reduction: 'batchmean', logTarget: true }), [L(lq), L(p.log())], { label: 'klDiv logTarget' });
  });

  it('named errors', () => {
    const a = tensor([[1, 2]]), b = tensor([[1, 2, 3]]);
    expect(() => smoothL1Loss(a, b)).toThrow(ShapeError);
    expect(() => smoothL1Loss(a, a, -1)).toThrow(ValueError);
    expect(() => smoothL1Loss(a, a, -1)).toThrow(/smoothL1Loss/);
    expect(() => klDiv(a, b)).toThrow(ShapeError);
    expect(() => klDiv(a, b)).toThrow(/klDiv/);
    expect(() => klDiv(a, a, { reduction: 'avg' as 'mean' })).toThrow(ValueError);
  });
});

// ---------------------------------------------------------------------------------------------
// gelu (tanh) / softplus (β, threshold) / indexAdd (α)
// ---------------------------------------------------------------------------------------------

describe('gelu tanh approximation / softplus with β and threshold / indexAdd with α', () => {
  const rng = new Rng(19);
  it('values: gelu tanh close to the exact form; softplus linear above the threshold; default gelu unchanged', () => {
    const x = randn(rng, [50], { dtype: 'float64' });
    const e = gelu(x), t = gelu(x, 'tanh');
    for (let i = 0; i < 50; i++) expect(Math.abs(e.data[i]! - t.data[i]!)).toBeLessThan(1e-3);
    expect(x.gelu('tanh').data).toEqual(t.data);
    expect(gelu(x, { approximate: 'tanh' }).data).toEqual(t.data);
    expect(softplus(x, { beta: 2, threshold: 1 }).data).toEqual(softplus(x, 2, 1).data);
    const s = softplus(tensor([21, 19, 30], { dtype: 'float64' }), 1, 20);
    expect(s.data[0]).toBe(21);
    expect(s.data[1]).toBeCloseTo(Math.log1p(Math.exp(19)), 12);
    expect(softplus(tensor([6], { dtype: 'float64' }), 2, 10).data[0]).toBe(6);
    expect(softplus(tensor([30], { dtype: 'float64' }), 1, Infinity).data[0]).toBeCloseTo(30, 12);
    expect(tensor([1]).softplus(2).data[0]).toBeCloseTo(Math.log1p(Math.exp(2)) / 2, 6);
  });

  it('gradcheck (float64): gelu none / tanh, softplus near and across the threshold, indexAdd with α', () => {
    assertGradcheck((t) => gelu(t, 'tanh'), [f64(rng, [20], 3)], { label: 'gelu tanh' });
    assertGradcheck((t) => gelu(t), [f64(rng, [20], 3)], { label: 'gelu exact' });
    const near = leaf([-4, 0.3, 19.9, 19.999, 20.001, 20.1, 25], [7]);
    assertGradcheck((t) => softplus(t), [near], { label: 'softplus default threshold' });
    assertGradcheck((t) => softplus(t, 2, 10), [leaf([-2, 0.3, 4.99, 5.01, 7], [5])], { label: 'softplus β=2 threshold 10' });
    assertGradcheck((t) => softplus(t, 0.5, Infinity), [f64(rng, [6], 3)], { label: 'softplus β=0.5 no threshold' });
    const idx = [0, 2, 0, 4];
    assertGradcheck((x, s) => indexAdd(x, 0, idx, s, 2.5), [f64(rng, [5, 3]), f64(rng, [4, 3])], { label: 'indexAdd α=2.5' });
    assertGradcheck((x, s) => indexAdd(x, -1, [3, 1, 1], s, -0.75), [f64(rng, [2, 4]), f64(rng, [2, 3])], { label: 'indexAdd α=−0.75 axis −1' });
  });

  it('named errors', () => {
    const x = tensor([1, 2]);
    expect(() => gelu(x, 'fast' as 'tanh')).toThrow(ValueError);
    expect(() => gelu(x, 'fast' as 'tanh')).toThrow(/gelu/);
    expect(() => softplus(x, 0)).toThrow(ValueError);
    expect(() => softplus(x, 1, NaN)).toThrow(/softplus/);
    expect(() => indexAdd(x, 0, [0], tensor([1]), NaN)).toThrow(ValueError);
    expect(() => indexAdd(x, 0, [0], tensor([1, 2]), 2)).toThrow(ShapeError);
    expect(() => indexAdd(x, 0, [0], tensor([1, 2]), 2)).toThrow(/indexAdd/);
  });
});

// ---------------------------------------------------------------------------------------------
// spatial cross-entropy
// ---------------------------------------------------------------------------------------------

describe('crossEntropy on [N, C, d1, …] logits', () => {
  const rng = new Rng(20);
  it('equals the [N·d, C] form on the permuted logits, for every reduction and option', () => {
    const logits = randn(rng, [2, 3, 2, 2], { dtype: 'float64' });
    const t = [0, 1, 2, -100, 1, 1, 0, 2];
    const flat = logits.permute([0, 2, 3, 1]).reshape([8, 3]);
    const weight = tensor([0.5, 2, 1], { dtype: 'float64' });
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      for (const o of [{}, { weight }, { labelSmoothing: 0.1, weight }]) {
        const a = crossEntropy(logits, fromData(Int32Array.from(t), [2, 2, 2]), { reduction, ...o });
        const b = crossEntropy(flat, t, { reduction, ...o });
        expect(a.shape).toEqual(reduction === 'none' ? [2, 2, 2] : []);
        const bd = b.data;
        a.data.forEach((v, i) => expect(v).toBeCloseTo(bd[i]!, 14));
      }
    }
    expect(crossEntropy(logits, t).item()).toBeCloseTo(crossEntropy(flat, t).item(), 14); // plain numbers, row-major
  });

  it('gradcheck (float64): class indices with weights, ignoreIndex and label smoothing; probability targets (both arguments)', () => {
    const tgt = fromData(Int32Array.from([0, 1, 2, 1, 1, 0, 2, 0, 0, 2, 1, 2]), [2, 3, 2]);
    const weight = tensor([0.5, 2, 1.25], { dtype: 'float64' });
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      assertGradcheck((l) => crossEntropy(l, tgt, { reduction, weight, ignoreIndex: 1, labelSmoothing: 0.1 }), [f64(rng, [2, 3, 3, 2])], { label: `spatial CE ${reduction}` });
    }
    const probs = softmax(randn(rng, [2, 3, 4], { dtype: 'float64' }), 1);
    assertGradcheck((l, q) => crossEntropy(l, q, { labelSmoothing: 0.2 }), [f64(rng, [2, 3, 4]), new Tensor(Float64Array.from(probs.data), [2, 3, 4], 'float64', true)], { label: 'spatial CE probabilities' });
  });

  it('named errors', () => {
    const logits = randn(rng, [2, 3, 4]);
    expect(() => crossEntropy(logits, fromData(Int32Array.from([0, 1, 2, 0]), [2, 2]))).toThrow(ShapeError);
    expect(() => crossEntropy(logits, fromData(Int32Array.from([0, 1, 2, 0]), [2, 2]))).toThrow(/crossEntropy.*\[2, 4\]|crossEntropy.*\[2,4\]/);
    expect(() => crossEntropy(logits, fromData(Int32Array.from([0, 1, 2, 3, 0, 0, 0, 0]), [2, 4]))).toThrow(ValueError);
    expect(() => crossEntropy(logits, randn(rng, [2, 4, 3]))).toThrow(ShapeError);
    expect(() => crossEntropy(randn(rng, [3]), [0])).toThrow(ShapeError);
  });
});

// ---------------------------------------------------------------------------------------------
// einsum with broadcasting ellipses
// ---------------------------------------------------------------------------------------------

describe('einsum: ellipses that broadcast', () => {
  const rng = new Rng(21);
  it('equals the explicitly expanded contraction', () => {
    const a = randn(rng, [5, 1, 2, 3], { dtype: 'float64' }), b = randn(rng, [4, 3, 2], { dtype: 'float64' });
    const y = einsum('...ij,...jk->...ik', [a, b]);
    expect(y.shape).toEqual([5, 4, 2, 2]);
    const want = einsum('abij,abjk->abik', [expand(a, [5, 4, 2, 3]), expand(b, [5, 4, 3, 2])]);
    y.data.forEach((v, i) => expect(v).toBeCloseTo(want.data[i]!, 13));
    expect(einsum('...ij,...jk', [a, b]).shape).toEqual([5, 4, 2, 2]); // implicit output
    expect(einsum('...i,...i->...', [randn(rng, [2, 1, 3]), randn(rng, [4, 3])]).shape).toEqual([2, 4]);
    expect(einsum('ij,ij->ij', [randn(rng, [3, 1]), randn(rng, [3, 4])]).shape).toEqual([3, 4]);
    expect(einsum('...ij->...ji', [randn(rng, [2, 3])]).shape).toEqual([3, 2]); // empty ellipsis
  });

  it('gradcheck (float64): broadcasting ellipses, size-1 stretching, ellipsis summed out', () => {
    assertGradcheck((a, b) => einsum('...ij,...jk->...ik', [a, b]), [f64(rng, [3, 1, 2, 3]), f64(rng, [2, 3, 2])], { label: 'batched matmul broadcast' });
    assertGradcheck((a, b) => einsum('b...,b...->b', [a, b]), [f64(rng, [2, 3, 4]), f64(rng, [2, 1, 4])], { label: 'ellipsis summed out' });
    assertGradcheck((a, b) => einsum('i...j,j->...i', [a, b]), [f64(rng, [3, 2, 1, 4]), f64(rng, [4])], { label: 'middle ellipsis' });
    assertGradcheck((a, b) => einsum('...,...->...', [a, b]), [f64(rng, [2, 1]), f64(rng, [3])], { label: 'elementwise broadcast' });
  });

  it('named errors', () => {
    const a = randn(rng, [2, 3, 4]), b = randn(rng, [5, 4, 2]);
    expect(() => einsum('...ij,...jk->...ik', [a, b])).toThrow(ShapeError);
    expect(() => einsum('...ij,...jk->...ik', [a, b])).toThrow(/einsum: a dimension covered by the ellipsis has sizes 2 and 5/);
    expect(() => einsum('...i...,i->i', [a, randn(rng, [4])])).toThrow(ParseError);
    expect(() => einsum('...ijkl', [a])).toThrow(ShapeError);
    expect(() => einsum('ij,ij->ij', [randn(rng, [3, 2]), randn(rng, [3, 4])])).toThrow(/index 'j' has sizes 2 and 4/);
  });
});
