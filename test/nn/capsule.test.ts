import { describe, expect, it } from 'vitest';
import { CapsuleDecoder, CapsuleLayer, PrimaryCapsules, capsuleLengths, dynamicRouting, marginLoss, squash } from '../../src/nn/capsule/index.js';
import { randn, tensor } from '../../src/tensor/index.js';
import type { Tensor } from '../../src/tensor/index.js';
import { assertGradcheck, gradcheck } from '../../src/testing/gradcheck.js';
import { Rng } from '../../src/util/rng.js';

const f64 = { dtype: 'float64' as const };

/** Plain-number reference of Procedure 1 for one sample: û [I][J][D] → v [J][D], c [I][J]. */
function refRouting(uHat: number[][][], r: number): { v: number[][]; c: number[][] } {
  const I = uHat.length, J = uHat[0]!.length, D = uHat[0]![0]!.length;
  const b = Array.from({ length: I }, () => new Array<number>(J).fill(0));
  let v: number[][] = [], c: number[][] = [];
  for (let it = 0; it < r; it++) {
    c = b.map((row) => { const m = Math.max(...row); const e = row.map((x) => Math.exp(x - m)); const z = e.reduce((a, x) => a + x, 0); return e.map((x) => x / z); });
    v = [];
    for (let j = 0; j < J; j++) {
      const s = new Array<number>(D).fill(0);
      for (let i = 0; i < I; i++) for (let d = 0; d < D; d++) s[d]! += c[i]![j]! * uHat[i]![j]![d]!;
      const n2 = s.reduce((a, x) => a + x * x, 0);
      v.push(s.map((x) => (x * Math.sqrt(n2)) / (1 + n2)));
    }
    for (let i = 0; i < I; i++) for (let j = 0; j < J; j++) b[i]![j]! += uHat[i]![j]!.reduce((a, x, d) => a + x * v[j]![d]!, 0);
  }
  return { v, c };
}

describe('squash', () => {
  it('keeps the direction, maps the length n to n²/(1+n²) (< 1), and is increasing in n', () => {
    const lengths = [0, 1e-3, 0.1, 0.5, 1, 2, 5, 30, 1e3];
    const dir = [0.36, -0.48, 0.8]; // unit vector
    const s = tensor(lengths.map((n) => dir.map((x) => x * n)), f64);
    const v = squash(s).toArray() as number[][];
    const out = v.map((row) => Math.hypot(...row));
    lengths.forEach((n, k) => {
      expect(out[k]).toBeCloseTo((n * n) / (1 + n * n), 12);
      expect(out[k]).toBeLessThan(1);
      if (n > 0) v[k]!.forEach((x, d) => expect(x / out[k]!).toBeCloseTo(dir[d]!, 10));
      if (k > 0) expect(out[k]!).toBeGreaterThan(out[k - 1]!);
    });
    // along another axis: the same numbers transposed
    const vt = squash(s.transpose(0, 1), { axis: 0 }).transpose(0, 1).toFlatArray();
    expect(vt).toEqual(squash(s).toFlatArray());
  });

  it('gradchecks in float64 (f32 and batched shapes, nonzero vectors)', () => {
    const rng = new Rng(1);
    assertGradcheck((x) => squash(x), [randn(rng, [3, 4, 5], f64).requireGrad()]);
    assertGradcheck((x) => squash(x, { axis: 1 }), [randn(rng, [2, 3, 4], f64).mul(0.3).requireGrad()]);
  });

  it('has a finite gradient at s = 0, and named errors', () => {
    const z = tensor([[0, 0, 0]], f64).requireGrad();
    squash(z).sum().backward();
    expect(z.grad!.toFlatArray().every(Number.isFinite)).toBe(true);
    expect(() => squash(tensor(2))).toThrow(expect.objectContaining({ name: 'ShapeError', message: expect.stringContaining('squash') }));
    expect(() => squash(tensor([1, 2]), { axis: 1 })).toThrow(expect.objectContaining({ name: 'ShapeError' }));
    expect(() => squash(tensor([1, 2]), { eps: -1 })).toThrow(expect.objectContaining({ name: 'ValueError' }));
  });
});

describe('dynamic routing', () => {
  it('matches a plain-number implementation of Procedure 1 (r = 1, 2, 3)', () => {
    const rng = new Rng(2);
    const uHat = randn(rng, [2, 5, 3, 4], f64).mul(0.7);
    const arr = uHat.toArray() as number[][][][];
    for (const r of [1, 2, 3]) {
      const { v, c } = dynamicRouting(uHat, { iterations: r, eps: 0 }); // the paper's squash exactly
      const vs = v.toArray() as number[][][], cs = c.toArray() as number[][][];
      for (let bIdx = 0; bIdx < 2; bIdx++) {
        const ref = refRouting(arr[bIdx]!, r);
        ref.v.forEach((row, j) => row.forEach((x, d) => expect(vs[bIdx]![j]![d]).toBeCloseTo(x, 13)));
        ref.c.forEach((row, i) => row.forEach((x, j) => expect(cs[bIdx]![i]![j]).toBeCloseTo(x, 13)));
      }
    }
  });

  it('r = 1 is uniform coupling: c = 1/J and v_j = squash(mean_i û_{j|i}); more iterations move the couplings', () => {
    const rng = new Rng(3);
    const uHat = randn(rng, [2, 6, 4, 3], f64);
    const one = dynamicRouting(uHat, { iterations: 1 });
    for (const x of one.c.toFlatArray()) expect(x).toBeCloseTo(0.25, 15);
    const expected = squash(uHat.sum([1]).div(4)).toFlatArray(); // s_j = Σ_i û_{j|i} / J
    one.v.toFlatArray().forEach((x, k) => expect(x).toBeCloseTo(expected[k]!, 14));
    const three = dynamicRouting(uHat, { iterations: 3 });
    expect(Math.max(...three.c.toFlatArray().map((x) => Math.abs(x - 0.25)))).toBeGreaterThan(0.05);
    // couplings are distributions over the output capsules
    const rowSums = three.c.sum([2]).toFlatArray();
    for (const s of rowSums) expect(s).toBeCloseTo(1, 14);
  });

  it('routing by agreement: input capsules that agree with the majority get larger couplings', () => {
    // 4 inputs predict (1, 0) for output 0; input 4 predicts (0, 1); output 1 gets noise-free small votes
    const votes: number[][][] = [];
    for (let i = 0; i < 5; i++) votes.push([i < 4 ? [1, 0] : [0, 1], [0.1, 0.1]]);
    const { c } = dynamicRouting(tensor([votes], f64), { iterations: 3 });
    const cs = (c.toArray() as number[][][])[0]!;
    expect(cs[0]![0]!).toBeGreaterThan(cs[4]![0]!);
    expect(cs[0]![0]!).toBeGreaterThan(0.5);
  });

  it('gradchecks in float64 through all iterations (full) and through the last (detached Keras mode)', () => {
    const rng = new Rng(4);
    const uHat = randn(rng, [2, 4, 3, 3], f64).mul(0.8).requireGrad();
    for (const r of [1, 2, 3]) assertGradcheck((x) => dynamicRouting(x, { iterations: r }).v, [uHat], { label: `routing r=${r}` });
    // 'last': the gradient of s = Σ c û with c held fixed equals the full gradient with c detached
    const last = (x: Tensor): Tensor => dynamicRouting(x, { iterations: 3, gradient: 'last' }).v;
    const cFixed = dynamicRouting(uHat.detach(), { iterations: 3 }).c;
    const manual = (x: Tensor): Tensor => squash(cFixed.unsqueeze(3).mul(x).sum([1]));
    assertGradcheck(manual, [uHat]);
    const u = randn(rng, [2, 3, 3], f64);
    const g1 = uHat.detach().requireGrad(), g2 = uHat.detach().requireGrad();
    last(g1).mul(u).sum().backward();
    manual(g2).mul(u).sum().backward();
    g1.grad!.toFlatArray().forEach((x, k) => expect(x).toBeCloseTo(g2.grad!.toFlatArray()[k]!, 14));
    // and the full gradient differs from it (the routing itself is differentiated)
    const g3 = uHat.detach().requireGrad();
    dynamicRouting(g3, { iterations: 3 }).v.mul(u).sum().backward();
    expect(Math.max(...g3.grad!.toFlatArray().map((x, k) => Math.abs(x - g1.grad!.toFlatArray()[k]!)))).toBeGreaterThan(1e-4);
  });

  it('gradcheck catches a broken routing (a checker that can fail)', () => {
    const rng = new Rng(5);
    const uHat = randn(rng, [1, 3, 2, 2], f64).requireGrad();
    // the Keras-mode gradient is not the derivative of the full routing
    const wrong = gradcheck((x) => {
      const full = dynamicRouting(x, { iterations: 3 }).v;
      const last = dynamicRouting(x, { iterations: 3, gradient: 'last' }).v;
      return last.add(full.sub(last).detach());
    }, [uHat]);
    expect(wrong.ok).toBe(false);
  });

  it('float32 agrees with float64 to ~1e-6', () => {
    const u64 = randn(new Rng(12), [2, 7, 4, 5], f64).mul(0.5);
    const a = dynamicRouting(u64).v.toFlatArray(), b = dynamicRouting(u64.cast('float32')).v.toFlatArray();
    expect(Math.max(...a.map((x, k) => Math.abs(x - b[k]!)))).toBeLessThan(1e-5);
  });

  it('named errors', () => {
    expect(() => dynamicRouting(tensor([[1, 2]]))).toThrow(expect.objectContaining({ name: 'ShapeError', message: expect.stringContaining('dynamicRouting') }));
    const u = randn(new Rng(0), [1, 2, 2, 2]);
    expect(() => dynamicRouting(u, { iterations: 0 })).toThrow(expect.objectContaining({ name: 'ValueError' }));
    expect(() => dynamicRouting(u, { gradient: 'none' as 'full' })).toThrow(expect.objectContaining({ name: 'ValueError' }));
  });
});

describe('CapsuleLayer and PrimaryCapsules', () => {
  it('û_{j|i} = W_ij u_i, and the layer routes those predictions', () => {
    const rng = new Rng(6);
    const layer = new CapsuleLayer(3, 2, 4, 5, { rng, dtype: 'float64', iterations: 2 });
    const u = randn(rng, [2, 3, 2], f64);
    const uHat = layer.predictions(u).toArray() as number[][][][];
    const W = layer.weight.toArray() as number[][][][], ua = u.toArray() as number[][][];
    for (let b = 0; b < 2; b++) for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) for (let d = 0; d < 5; d++) {
      expect(uHat[b]![i]![j]![d]).toBeCloseTo(W[i]![j]![d]!.reduce((a, w, k) => a + w * ua[b]![i]![k]!, 0), 14);
    }
    const v = layer.call(u);
    expect(v.shape).toEqual([2, 4, 5]);
    expect(v.toFlatArray()).toEqual(dynamicRouting(layer.predictions(u), { iterations: 2 }).v.toFlatArray());
  });

  it('gradchecks in float64 w.r.t. input and weights', () => {
    const rng = new Rng(7);
    const layer = new CapsuleLayer(4, 3, 3, 2, { rng, dtype: 'float64', initStd: 0.5 });
    const u = randn(rng, [2, 4, 3], f64).requireGrad();
    assertGradcheck((x, w) => { void w; return layer.call(x); }, [u, layer.weight]);
    const prim = new PrimaryCapsules(2, 3, 2, 3, { rng, dtype: 'float64' });
    const x = randn(rng, [2, 2, 7, 7], f64).requireGrad();
    assertGradcheck((a) => prim.call(a), [x, ...prim.parameters()]);
  });

  it('PrimaryCapsules groups the convolution channels type-major into squashed vectors', () => {
    const rng = new Rng(8);
    const prim = new PrimaryCapsules(2, 3, 4, 3, { rng, dtype: 'float64' });
    const x = randn(rng, [1, 2, 9, 9], f64);
    const u = prim.call(x);
    expect(u.shape).toEqual([1, 3 * 4 * 4, 4]);
    const y = prim.conv.call(x).toArray() as number[][][][]; // [1, 12, 4, 4]
    const ua = (u.toArray() as number[][][])[0]!;
    const t = 2, yy = 1, xx = 3;
    const s = [0, 1, 2, 3].map((d) => y[0]![t * 4 + d]![yy]![xx]!);
    const n2 = s.reduce((a, q) => a + q * q, 0);
    s.forEach((q, d) => expect(ua[(t * 4 + yy) * 4 + xx]![d]).toBeCloseTo((q * Math.sqrt(n2)) / (1 + n2), 11));
    for (const row of ua) expect(Math.hypot(...row)).toBeLessThan(1);
  });

  it('named errors', () => {
    const rng = new Rng(0);
    const layer = new CapsuleLayer(3, 2, 4, 5, { rng });
    expect(() => layer.call(randn(rng, [2, 3, 3]))).toThrow(expect.objectContaining({ name: 'ShapeError', message: expect.stringContaining('CapsuleLayer') }));
    expect(() => new CapsuleLayer(0, 2, 4, 5, { rng })).toThrow(expect.objectContaining({ name: 'ValueError' }));
    expect(() => new CapsuleLayer(3, 2, 4, 5, { rng, iterations: 0 })).toThrow(expect.objectContaining({ name: 'ValueError' }));
    expect(() => new CapsuleLayer(3, 2, 4, 5, {} as never)).toThrow(expect.objectContaining({ name: 'ValueError' }));
    const prim = new PrimaryCapsules(2, 3, 4, 3, { rng });
    expect(() => prim.call(randn(rng, [1, 3, 9, 9]))).toThrow(expect.objectContaining({ name: 'ShapeError', message: expect.stringContaining('PrimaryCapsules') }));
    expect(() => new PrimaryCapsules(2, 0, 4, 3, { rng })).toThrow(expect.objectContaining({ name: 'ValueError' }));
  });
});

describe('marginLoss', () => {
  it('equals eq. 4 of the paper computed by hand', () => {
    const L = [[0.95, 0.3, 0.05], [0.5, 0.08, 0.7]];
    const labels = [0, 2];
    const loss = marginLoss(tensor(L, f64), labels).item();
    const ref = L.map((row, n) => row.reduce((a, x, k) => a + (k === labels[n] ? Math.max(0, 0.9 - x) ** 2 : 0.5 * Math.max(0, x - 0.1) ** 2), 0));
    expect(loss).toBeCloseTo((ref[0]! + ref[1]!) / 2, 15);
    expect(marginLoss(tensor(L, f64), labels, { reduction: 'sum' }).item()).toBeCloseTo(ref[0]! + ref[1]!, 15);
    expect(marginLoss(tensor(L, f64), labels, { mPlus: 0.8, mMinus: 0.2, lambda: 1 }).item()).toBeCloseTo(
      L.map((row, n) => row.reduce((a, x, k) => a + (k === labels[n] ? Math.max(0, 0.8 - x) ** 2 : Math.max(0, x - 0.2) ** 2), 0)).reduce((a, x) => a + x) / 2, 15);
    // zero when every true class is long and every other class short
    expect(marginLoss(tensor([[0.95, 0.05]], f64), [0]).item()).toBe(0);
  });

  it('gradchecks in float64 through capsule lengths', () => {
    const rng = new Rng(9);
    const v = randn(rng, [4, 3, 5], f64).mul(0.3).requireGrad();
    assertGradcheck((x) => marginLoss(capsuleLengths(x), [0, 2, 1, 1]), [v]);
  });

  it('named errors', () => {
    const L = tensor([[0.5, 0.5]]);
    expect(() => marginLoss(tensor([0.5]), [0])).toThrow(expect.objectContaining({ name: 'ShapeError', message: expect.stringContaining('marginLoss') }));
    expect(() => marginLoss(L, [0, 1])).toThrow(expect.objectContaining({ name: 'ShapeError' }));
    expect(() => marginLoss(L, [2])).toThrow(expect.objectContaining({ name: 'IndexError' }));
    expect(() => marginLoss(L, [0], { mPlus: 0.1, mMinus: 0.9 })).toThrow(expect.objectContaining({ name: 'ValueError' }));
    expect(() => marginLoss(L, [0], { lambda: -1 })).toThrow(expect.objectContaining({ name: 'ValueError' }));
  });
});

describe('CapsuleDecoder', () => {
  it('masks all capsules but the true (training) or the longest (inference) one', () => {
    const rng = new Rng(10);
    const dec = new CapsuleDecoder(3, 2, 6, { rng, hidden: [5], dtype: 'float64' });
    const v = tensor([[[0.1, 0], [0.5, 0.5], [0, 0.2]]], f64);
    expect(dec.mask(v, [2]).toArray()).toEqual([[[0, 0], [0, 0], [0, 0.2]]]);
    expect(dec.mask(v).toArray()).toEqual([[[0, 0], [0.5, 0.5], [0, 0]]]);
    const y = dec.call(v, [2]);
    expect(y.shape).toEqual([1, 6]);
    for (const q of y.toFlatArray()) { expect(q).toBeGreaterThan(0); expect(q).toBeLessThan(1); }
    // changing a masked-out capsule does not change the reconstruction
    const v2 = tensor([[[9, 9], [0.5, 0.5], [0, 0.2]]], f64);
    expect(dec.call(v2, [2]).toFlatArray()).toEqual(y.toFlatArray());
  });

  it('gradchecks in float64', () => {
    const rng = new Rng(11);
    const dec = new CapsuleDecoder(3, 2, 4, { rng, hidden: [5, 6], dtype: 'float64' });
    const v = randn(rng, [2, 3, 2], f64).requireGrad();
    assertGradcheck((x) => dec.call(x, [1, 0]), [v, ...dec.parameters()]);
  });

  it('named errors', () => {
    const rng = new Rng(0);
    const dec = new CapsuleDecoder(3, 2, 4, { rng, hidden: [5] });
    expect(() => dec.call(randn(rng, [1, 3, 3]))).toThrow(expect.objectContaining({ name: 'ShapeError', message: expect.stringContaining('CapsuleDecoder') }));
    expect(() => dec.call(randn(rng, [1, 3, 2]), [3])).toThrow(expect.objectContaining({ name: 'IndexError' }));
    expect(() => new CapsuleDecoder(3, 2, 4, { rng, hidden: [0] })).toThrow(expect.objectContaining({ name: 'ValueError' }));
  });
});
