import { afterAll, describe, expect, it } from 'vitest';
import { MultiheadAttention } from '../../src/nn/attention.js';
import type { AnyModule } from '../../src/nn/module.js';
import { ISAB, MAB, PMA, SAB, SetTransformer } from '../../src/nn/set-transformer.js';
import type { SetTransformerVariant } from '../../src/nn/set-transformer.js';
import { randn, tensor } from '../../src/tensor/index.js';
import type { Tensor } from '../../src/tensor/index.js';
import { formatGradcheckReport, gradcheck } from '../../src/testing/gradcheck.js';
import { Rng } from '../../src/util/rng.js';
import { type DT, tol, relErr, permuteSet, paramGradError, padded } from './set-test-util.js';

const measured: string[] = [];
afterAll(() => console.info(`set transformer errors:\n  ${measured.join('\n  ')}`));
const variants: SetTransformerVariant[] = ['paper', 'reference'];




type SetLayer = { call(x: Tensor, mask?: Tensor | null): Tensor };
interface Case {
  name: string;
  kind: 'equivariant' | 'invariant';
  make: (dtype: DT, variant: SetTransformerVariant) => SetLayer;
}
const opts = (dtype: DT, variant: SetTransformerVariant, seed: number) => ({ rng: new Rng(seed), variant, dtype });
const cases: Case[] = [
  { name: 'SAB', kind: 'equivariant', make: (dt, v) => new SAB(3, 8, 2, opts(dt, v, 1)) },
  { name: 'ISAB', kind: 'equivariant', make: (dt, v) => new ISAB(3, 8, 2, 4, opts(dt, v, 2)) },
  { name: 'PMA', kind: 'invariant', make: (dt, v) => new PMA(3, 1, 2, opts(dt, v, 3)) },
  {
    name: 'SetTransformer(ISAB)',
    kind: 'invariant',
    make: (dt, v) => new SetTransformer(3, 2, 2, { ...opts(dt, v, 4), dimHidden: 8, numHeads: 2, numInducing: 3 }),
  },
  { name: 'SetTransformer(SAB)', kind: 'invariant', make: (dt, v) => new SetTransformer(3, 1, 2, { ...opts(dt, v, 5), dimHidden: 8, numHeads: 2 }) },
];

describe('Set Transformer blocks', () => {
  for (const c of cases) {
    for (const variant of variants) {
      for (const dtype of ['float64', 'float32'] as const) {
        it(`${c.name} [${variant}] is permutation ${c.kind} (${dtype})`, () => {
          const layer = c.make(dtype, variant);
          const rng = new Rng(10);
          const x = randn(rng, [2, 6, 3], { dtype });
          const perm = rng.permutation(6);
          const y = layer.call(x);
          const yp = layer.call(permuteSet(x, perm));
          expect(y.dtype).toBe(dtype);
          const err = relErr(yp, c.kind === 'equivariant' ? permuteSet(y, perm) : y);
          measured.push(`${c.name} [${variant}] ${c.kind} ${dtype}: ${err.toExponential(2)}`);
          expect(err).toBeLessThan(tol[dtype]);
        });
      }
      it(`${c.name} [${variant}]: padded batch equals per-item`, () => {
        const layer = c.make('float64', variant);
        const { sets, x, mask } = padded(new Rng(11), [2, 5, 1], 3, 'float64');
        const y = layer.call(x, mask);
        let worst = 0;
        sets.forEach((s, b) => {
          const n = s.shape[1]!;
          const yb = c.kind === 'equivariant' ? y.slice([[b, b + 1], [0, n]]) : y.slice([[b, b + 1]]);
          worst = Math.max(worst, relErr(yb, layer.call(s)));
        });
        measured.push(`${c.name} [${variant}] padded vs per-item: ${worst.toExponential(2)}`);
        expect(worst).toBeLessThan(1e-12);
        expect(y.toFlatArray().every(Number.isFinite)).toBe(true);
      });
    }
  }
});

describe('MAB', () => {
  it('paper form: LN(H + rFF(H)), H = LN(X + MHA(X, Y, Y))', () => {
    const mab = new MAB(4, 3, 4, 2, { rng: new Rng(1), dtype: 'float64' });
    const rng = new Rng(2);
    const x = randn(rng, [2, 3, 4], { dtype: 'float64' });
    const y = randn(rng, [2, 5, 3], { dtype: 'float64' });
    const m = Object.fromEntries(mab.namedChildren()) as Record<string, AnyModule>;
    const attn = m.attn as MultiheadAttention;
    const call = (k: string, t: Tensor) => (m[k] as unknown as { call(t: Tensor): Tensor }).call(t);
    const h = call('ln0', x.add(attn.call(x, y, y)));
    const expected = call('ln1', h.add(call('ff2', call('ff1', h).relu())));
    expect(relErr(mab.call(x, y), expected)).toBeLessThan(1e-14);
    expect(mab.layerNorm).toBe(true);
    expect(new MAB(4, 3, 4, 2, { rng: new Rng(1), variant: 'reference' }).layerNorm).toBe(false);
  });

  it('reference form matches modules.py on a hand-written tiny case (1/√dim_V, residual on projected Q, no W_O)', () => {
    const mab = new MAB(2, 2, 4, 2, { rng: new Rng(3), variant: 'reference', dtype: 'float64' });
    const X = [[0.3, -1.2], [0.8, 0.1]];
    const Y = [[1, 0.5], [-0.4, 0.2], [0.0, -0.9]];
    const out = mab.call(tensor([X], { dtype: 'float64' }), tensor([Y], { dtype: 'float64' }));
    const m = Object.fromEntries(mab.namedChildren()) as unknown as Record<string, { weight: Tensor; bias: Tensor | null }>;
    const lin = (x: number[], k: string) => (m[k]!.weight.toArray() as number[][]).map((row, o) => row.reduce((s, w, i) => s + w * x[i]!, m[k]!.bias!.toFlatArray()[o]!));
    const Q = X.map((x) => lin(x, 'fcQ')), K = Y.map((y) => lin(y, 'fcK')), V = Y.map((y) => lin(y, 'fcV'));
    const expected = Q.map((q) => {
      const o: number[] = [];
      for (let hh = 0; hh < 2; hh++) {
        const sl = (v: number[]) => v.slice(2 * hh, 2 * hh + 2);
        const s = K.map((k) => sl(q).reduce((a, qi, t) => a + qi * sl(k)[t]!, 0) / Math.sqrt(4));
        const e = s.map(Math.exp);
        const z = e.reduce((a, b) => a + b, 0);
        for (let t = 0; t < 2; t++) o.push(sl(q)[t]! + e.reduce((a, ej, j) => a + (ej / z) * sl(V[j]!)[t]!, 0));
      }
      const f = lin(o, 'fcO');
      return o.map((v, i) => v + Math.max(0, f[i]!));
    });
    expect(relErr(out, tensor([expected], { dtype: 'float64' }))).toBeLessThan(1e-14);
  });

  for (const variant of variants) {
    it(`gradcheck (float64) [${variant}]: inputs X, Y via gradcheck.ts and all parameters, with a mask`, () => {
      const mab = new MAB(3, 2, 4, 2, { rng: new Rng(5), variant, layerNorm: true, dtype: 'float64' });
      const rng = new Rng(6);
      const x = randn(rng, [2, 2, 3], { dtype: 'float64', requiresGrad: true });
      const y = randn(rng, [2, 3, 2], { dtype: 'float64', requiresGrad: true });
      const mask = tensor([[0, 1, 0], [0, 0, 0]]);
      const r = gradcheck((a, b) => mab.call(a, b, mask), [x, y]);
      expect(r.ok, formatGradcheckReport(r)).toBe(true);
      const pe = paramGradError(mab, () => mab.call(x, y, mask), rng);
      measured.push(`MAB [${variant}] gradcheck inputs ${r.maxRelError.toExponential(2)}, params ${pe.toExponential(2)}`);
      expect(pe).toBeLessThan(1e-7);
    });
  }

  it('validates its arguments', () => {
    const rng = new Rng(0);
    expect(() => new MAB(3, 3, 6, 4, { rng })).toThrow(/numHeads/);
    expect(() => new MAB(3, 3, 4, 2, { rng, variant: 'other' as SetTransformerVariant })).toThrow(/variant/);
    const mab = new MAB(3, 3, 4, 2, { rng });
    expect(() => mab.call(randn(rng, [1, 2, 3]), randn(rng, [1, 2, 4]))).toThrow(/MAB/);
    expect(() => mab.call(randn(rng, [1, 2, 3]), randn(rng, [1, 2, 3]), tensor([[0, 0, 0]]))).toThrow(/mask/);
    expect(() => new ISAB(3, 4, 2, 0, { rng })).toThrow(/numInducing/);
    expect(() => new PMA(4, 2, 0, { rng })).toThrow(/numSeeds/);
  });
});

describe('SetTransformer', () => {
  it('shapes, parameter names, and float64 conversion', () => {
    const st = new SetTransformer(1, 3, 2, { rng: new Rng(0), dimHidden: 8, numHeads: 2, numInducing: 4 });
    expect(st.call(randn(new Rng(1), [5, 7, 1])).shape).toEqual([5, 3, 2]);
    const names = st.namedParameters().map(([n]) => n);
    expect(names).toContain('enc0.inducing');
    expect(names).toContain('pma.seeds');
    expect(st.toDType('float64').call(randn(new Rng(1), [1, 2, 1], { dtype: 'float64' })).dtype).toBe('float64');
  });
});
