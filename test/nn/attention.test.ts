import { afterAll, describe, expect, it } from 'vitest';
import { MultiheadAttention, scaledDotProductAttention } from '../../src/nn/attention.js';
import { TransformerEncoder, TransformerEncoderLayer } from '../../src/nn/transformer.js';
import { LayerNorm } from '../../src/nn/normalization.js';
import { concat, randn, tensor, zeros } from '../../src/tensor/index.js';
import type { Tensor } from '../../src/tensor/index.js';
import { gradcheck, formatGradcheckReport } from '../../src/testing/gradcheck.js';
import { Rng } from '../../src/util/rng.js';
import { type DT, tol, relErr, permuteSet, paramGradError } from './set-test-util.js';

const measured: string[] = [];
afterAll(() => console.info(`attention errors:\n  ${measured.join('\n  ')}`));



/** Σ out·u gradient w.r.t. every parameter vs central differences (float64); max |analytic − numeric| / (1 + |numeric|). */

function mha(dtype: DT, seed = 3, d = 8, h = 2): MultiheadAttention {
  return new MultiheadAttention(d, h, { rng: new Rng(seed) }).toDType(dtype);
}

describe('MultiheadAttention', () => {
  it('matches a hand-written reference (2 heads, masks) on a tiny case', () => {
    const rng = new Rng(7);
    const d = 4, h = 2, dh = 2, Lq = 2, Lk = 3;
    const m = new MultiheadAttention(d, h, { rng }).toDType('float64');
    for (const p of m.parameters()) rng.fillNormal(p.data as Float64Array, 0, 0.5); // nonzero biases too
    const q = randn(rng, [1, Lq, d], { dtype: 'float64' });
    const kv = randn(rng, [1, Lk, d], { dtype: 'float64' });
    const pad = tensor([[0, 0, 1]]);
    const attnMask = tensor([[0, -0.5], [1, 0.25], [0, 0]]).T.cast('float64'); // additive [Lq, Lk]
    const { output, weights } = m.attend(q, kv, kv, { keyPaddingMask: pad, attnMask });

    const W = (l: { weight: Tensor; bias: Tensor | null }) => ({ w: l.weight.toArray() as number[][], b: l.bias!.toFlatArray() });
    const lin = (x: number[], p: { w: number[][]; b: number[] }) => p.w.map((row, o) => row.reduce((s, wi, i) => s + wi * x[i]!, p.b[o]!));
    const [Wq, Wk, Wv, Wo] = [W(m.qProj), W(m.kProj), W(m.vProj), W(m.outProj)];
    const qs = (q.toArray() as number[][][])[0]!.map((x) => lin(x, Wq));
    const ks = (kv.toArray() as number[][][])[0]!.map((x) => lin(x, Wk));
    const vs = (kv.toArray() as number[][][])[0]!.map((x) => lin(x, Wv));
    const am = attnMask.toArray() as number[][];
    const expected: number[][] = [];
    const expectedW: number[][][] = [];
    for (let i = 0; i < Lq; i++) {
      const concatHeads: number[] = [];
      for (let hh = 0; hh < h; hh++) {
        const sl = (x: number[]) => x.slice(hh * dh, (hh + 1) * dh);
        const s = ks.map((k, j) => (j === 2 ? -Infinity : sl(qs[i]!).reduce((a, qi, t) => a + qi * sl(k)[t]!, 0) / Math.sqrt(dh) + am[i]![j]!));
        const mx = Math.max(...s);
        const e = s.map((x) => Math.exp(x - mx));
        const z = e.reduce((a, b) => a + b, 0);
        const a = e.map((x) => x / z);
        (expectedW[hh] ??= []).push(a);
        for (let t = 0; t < dh; t++) concatHeads.push(a.reduce((acc, aj, j) => acc + aj * sl(vs[j]!)[t]!, 0));
      }
      expected.push(lin(concatHeads, Wo));
    }
    const err = relErr(output, tensor([expected], { dtype: 'float64' }));
    measured.push(`MHA vs hand-written reference: ${err.toExponential(2)}`);
    expect(err).toBeLessThan(1e-13);
    expect(relErr(weights, tensor([expectedW], { dtype: 'float64' }))).toBeLessThan(1e-13);
  });

  it('boolean (int32) attention mask equals the −∞ additive mask; unbatched input works', () => {
    const m = mha('float64');
    const rng = new Rng(2);
    const x = randn(rng, [2, 4, 8], { dtype: 'float64' });
    const causal = tensor([[0, 1, 1, 1], [0, 0, 1, 1], [0, 0, 0, 1], [0, 0, 0, 0]], { dtype: 'int32' });
    const additive = causal.cast('float64').mul(-1e300).mul(1e300); // 0 / −∞
    const a = m.call(x, x, x, { attnMask: causal });
    const b = m.call(x, x, x, { attnMask: additive });
    expect(relErr(a, b)).toBe(0);
    const x0 = x.slice([[0, 1]]).squeeze(0);
    expect(relErr(m.call(x0, x0, x0, { attnMask: causal }), a.slice([[0, 1]]).squeeze(0))).toBeLessThan(1e-15);
  });

  for (const dtype of ['float64', 'float32'] as const) {
    it(`self-attention is permutation equivariant (${dtype}), with a permuted padding mask too`, () => {
      const m = mha(dtype);
      const rng = new Rng(5);
      const n = 6;
      const x = randn(rng, [2, n, 8], { dtype });
      const pad = tensor([[0, 0, 1, 0, 0, 1], [0, 0, 0, 0, 0, 0]]);
      const perm = rng.permutation(n);
      const y = m.call(x, x, x, { keyPaddingMask: pad });
      const px = permuteSet(x, perm);
      const y2 = m.call(px, px, px, { keyPaddingMask: permuteSet(pad.reshape([2, n, 1]), perm).reshape([2, n]) });
      expect(y.dtype).toBe(dtype);
      const err = relErr(y2, permuteSet(y, perm));
      measured.push(`MHA self-attention equivariance ${dtype}: ${err.toExponential(2)}`);
      expect(err).toBeLessThan(tol[dtype]);
      // and invariance of cross-attention to a joint permutation of keys and values
      const q = randn(rng, [2, 3, 8], { dtype });
      const inv = relErr(m.call(q, px, px), m.call(q, x, x));
      expect(inv).toBeLessThan(tol[dtype]);
    });
  }

  it('padded batch equals per-item results on the unpadded sets; a fully masked row gives 0, not NaN', () => {
    const m = mha('float64');
    const rng = new Rng(9);
    const sizes = [3, 5, 1];
    const sets = sizes.map((n) => randn(rng, [1, n, 8], { dtype: 'float64' }));
    const N = 5;
    const x = concat(sets.map((s) => s.pad([[0, 0], [0, N - s.shape[1]!], [0, 0]], 7)), 0);
    const pad = tensor(sizes.map((n) => Array.from({ length: N }, (_, j) => (j < n ? 0 : 1))));
    const y = m.call(x, x, x, { keyPaddingMask: pad });
    let worst = 0;
    sizes.forEach((n, b) => {
      const yi = m.call(sets[b]!, sets[b]!, sets[b]!);
      worst = Math.max(worst, relErr(y.slice([[b, b + 1], [0, n]]), yi));
    });
    measured.push(`MHA padded batch vs per-item (float64): ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-13);
    // all keys of the second set padded: output rows exactly 0, gradients finite
    const all = tensor([[0, 0, 1, 1, 1], [1, 1, 1, 1, 1], [0, 1, 1, 1, 1]]);
    const xg = x.detach();
    xg.requiresGrad = true;
    const yz = m.call(xg, xg, xg, { keyPaddingMask: all });
    expect(yz.slice([[1, 2]]).toFlatArray().every((v) => v === 0)).toBe(true);
    yz.sum().backward();
    expect(xg.grad!.toFlatArray().every(Number.isFinite)).toBe(true);
    expect(yz.toFlatArray().every(Number.isFinite)).toBe(true);
  });

  it('gradcheck (float64): inputs via gradcheck.ts, parameters by central differences', () => {
    const m = mha('float64', 4, 4, 2);
    const rng = new Rng(11);
    const q = randn(rng, [2, 2, 4], { dtype: 'float64', requiresGrad: true });
    const kv = randn(rng, [2, 3, 4], { dtype: 'float64', requiresGrad: true });
    const v = randn(rng, [2, 3, 4], { dtype: 'float64', requiresGrad: true });
    const pad = tensor([[0, 0, 1], [0, 0, 0]]);
    const r = gradcheck((a, b, c) => m.call(a, b, c, { keyPaddingMask: pad }), [q, kv, v]);
    measured.push(`MHA gradcheck inputs: max rel ${r.maxRelError.toExponential(2)}`);
    expect(r.ok, formatGradcheckReport(r)).toBe(true);
    const pe = paramGradError(m, () => m.call(q, kv, v, { keyPaddingMask: pad }), rng);
    measured.push(`MHA parameter grad error: ${pe.toExponential(2)}`);
    expect(pe).toBeLessThan(1e-7);
  });

  it('dropout on the weights is seeded and off in eval mode', () => {
    const x = randn(new Rng(1), [1, 4, 8]);
    const run = () => new MultiheadAttention(8, 2, { rng: new Rng(3), dropout: 0.5 }).call(x, x, x).toFlatArray();
    expect(run()).toEqual(run());
    const m = new MultiheadAttention(8, 2, { rng: new Rng(3), dropout: 0.5 });
    const ref = new MultiheadAttention(8, 2, { rng: new Rng(3) });
    expect(relErr(m.eval().call(x, x, x), ref.call(x, x, x))).toBe(0);
  });

  it('scaledDotProductAttention: rows sum to 1 and rejects bad shapes', () => {
    const rng = new Rng(1);
    const { weights } = scaledDotProductAttention(randn(rng, [2, 3, 4]), randn(rng, [2, 5, 4]), randn(rng, [2, 5, 6]));
    const sums = weights.sum(-1).toFlatArray();
    for (const s of sums) expect(Math.abs(s - 1)).toBeLessThan(1e-6);
    expect(() => scaledDotProductAttention(randn(rng, [3, 4]), randn(rng, [5, 3]), randn(rng, [5, 2]))).toThrow(/feature axis/);
    expect(() => new MultiheadAttention(6, 4, { rng })).toThrow(/divisor/);
    expect(() => mha('float32').call(zeros([1, 2, 8]), zeros([1, 3, 8]), zeros([1, 3, 8]), { keyPaddingMask: zeros([1, 2]) })).toThrow(/keyPaddingMask/);
  });
});

describe('TransformerEncoderLayer / TransformerEncoder', () => {
  const make = (dtype: DT, normFirst: boolean) =>
    new TransformerEncoderLayer(8, 2, 16, { rng: new Rng(21), dropout: 0.1, normFirst, activation: 'gelu' }).toDType(dtype).eval();

  for (const normFirst of [false, true]) {
    for (const dtype of ['float64', 'float32'] as const) {
      it(`${normFirst ? 'pre' : 'post'}-norm layer is permutation equivariant (${dtype})`, () => {
        const layer = make(dtype, normFirst);
        const rng = new Rng(4);
        const x = randn(rng, [2, 5, 8], { dtype });
        const perm = rng.permutation(5);
        const err = relErr(layer.call(permuteSet(x, perm)), permuteSet(layer.call(x), perm));
        measured.push(`TransformerEncoderLayer ${normFirst ? 'pre' : 'post'}-norm equivariance ${dtype}: ${err.toExponential(2)}`);
        expect(err).toBeLessThan(tol[dtype]);
      });
    }
  }

  it('post-norm follows LN₂(x + FF(x)), x = LN₁(src + SA(src)); pre-norm differs', () => {
    const layer = make('float64', false);
    const rng = new Rng(6);
    const src = randn(rng, [1, 3, 8], { dtype: 'float64' });
    const mods = Object.fromEntries(layer.namedChildren()) as Record<string, { call(x: Tensor): Tensor }>;
    const x = mods.norm1!.call(src.add(layer.selfAttn.call(src, src, src)));
    const ff = mods.linear2!.call(mods.linear1!.call(x).gelu());
    expect(relErr(layer.call(src), mods.norm2!.call(x.add(ff)))).toBeLessThan(1e-14);
    const pre = make('float64', true);
    expect(relErr(pre.call(src), layer.call(src))).toBeGreaterThan(1e-3);
  });

  it('encoder stack: padded batch equals per-item; final norm applied; equivariant', () => {
    const rng = new Rng(8);
    const enc = new TransformerEncoder(() => new TransformerEncoderLayer(8, 2, 16, { rng, dropout: 0, normFirst: true }), 2, {
      norm: new LayerNorm(8),
    }).toDType('float64');
    expect(enc.numLayers).toBe(2);
    expect(enc.parameters().length).toBe(2 * 16 + 2);
    const a = randn(rng, [1, 2, 8], { dtype: 'float64' });
    const b = randn(rng, [1, 4, 8], { dtype: 'float64' });
    const x = concat([a.pad([[0, 0], [0, 2], [0, 0]]), b], 0);
    const y = enc.call(x, { keyPaddingMask: tensor([[0, 0, 1, 1], [0, 0, 0, 0]]) });
    const err = Math.max(relErr(y.slice([[0, 1], [0, 2]]), enc.call(a)), relErr(y.slice([[1, 2]]), enc.call(b)));
    measured.push(`TransformerEncoder padded batch vs per-item (float64): ${err.toExponential(2)}`);
    expect(err).toBeLessThan(1e-12);
    const perm = Int32Array.from([2, 0, 3, 1]);
    expect(relErr(enc.call(permuteSet(b, perm)), permuteSet(enc.call(b), perm))).toBeLessThan(1e-12);
  });
});
