/**
 * FFT ops (src/tensor/ops/fft.ts): against a naive O(n²) DFT for many lengths (powers of two →
 * radix-2, others → Bluestein) in both dtypes, round trips, Parseval, gradcheck in float64 for every
 * op and norm mode, PyTorch fixtures (test/fixtures/generate_fft_fixtures.py), named errors.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  fft, ifft, rfft, irfft, fft2, ifft2, rfft2, irfft2, randn, fromData, backward, sum, mul, ShapeError, ValueError, IndexError, DTypeError, tensor,
} from '../../src/index.js';
import type { FftNorm, Tensor } from '../../src/index.js';
import { gradcheck } from '../../src/testing/index.js';
import { Rng } from '../../src/util/rng.js';

const NORMS: FftNorm[] = ['backward', 'ortho', 'forward'];

/** Naive DFT of complex pairs along the last complex axis (float64). */
function naiveDft(x: ArrayLike<number>, n: number, sign: number, scale: number): Float64Array {
  const batch = x.length / (2 * n), out = new Float64Array(x.length);
  for (let b = 0; b < batch; b++) {
    const o = 2 * n * b;
    for (let k = 0; k < n; k++) {
      let re = 0, im = 0;
      for (let j = 0; j < n; j++) {
        const a = (sign * 2 * Math.PI * ((j * k) % n)) / n, c = Math.cos(a), s = Math.sin(a);
        const xr = x[o + 2 * j]!, xi = x[o + 2 * j + 1]!;
        re += xr * c - xi * s; im += xr * s + xi * c;
      }
      out[o + 2 * k] = re * scale; out[o + 2 * k + 1] = im * scale;
    }
  }
  return out;
}
const maxAbs = (a: ArrayLike<number>): number => { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!)); return m; };
function relErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  expect(got.length).toBe(want.length);
  let d = 0;
  for (let i = 0; i < got.length; i++) d = Math.max(d, Math.abs(got[i]! - want[i]!));
  return d / Math.max(1e-300, maxAbs(want));
}
const scaleOf = (norm: FftNorm, n: number, inv: boolean): number => (norm === 'ortho' ? 1 / Math.sqrt(n) : (norm === 'backward') === inv ? 1 / n : 1);
/** Real [..., n] → complex pairs [..., n, 2]. */
function toComplex(x: ArrayLike<number>): Float64Array {
  const o = new Float64Array(2 * x.length);
  for (let i = 0; i < x.length; i++) o[2 * i] = x[i]!;
  return o;
}

const LENGTHS = [...Array.from({ length: 17 }, (_, i) => i + 1), 64, 100, 127];

describe('fft / ifft / rfft / irfft: values against a naive DFT', () => {
  const rng = new Rng(7);
  it('fft and ifft, lengths 1…17, 64, 100, 127, every norm, float64 ≤ 1e-12 and float32 ≤ 1e-5 (relative)', () => {
    for (const n of LENGTHS) {
      const x = randn(rng, [3, n, 2], { dtype: 'float64' }), xd = x.data as Float64Array;
      const x32 = fromData(Float32Array.from(xd), [3, n, 2]), xd32 = Float64Array.from(x32.data);
      for (const norm of NORMS) {
        expect(relErr(fft(x, { norm }).data, naiveDft(xd, n, -1, scaleOf(norm, n, false))), `fft n=${n} ${norm}`).toBeLessThanOrEqual(1e-12);
        expect(relErr(ifft(x, { norm }).data, naiveDft(xd, n, 1, scaleOf(norm, n, true))), `ifft n=${n} ${norm}`).toBeLessThanOrEqual(1e-12);
        const y32 = fft(x32, { norm });
        expect(y32.dtype).toBe('float32');
        expect(relErr(y32.data, naiveDft(xd32, n, -1, scaleOf(norm, n, false))), `fft f32 n=${n} ${norm}`).toBeLessThanOrEqual(1e-5);
        expect(relErr(ifft(x32, { norm }).data, naiveDft(xd32, n, 1, scaleOf(norm, n, true))), `ifft f32 n=${n} ${norm}`).toBeLessThanOrEqual(1e-5);
      }
    }
  });

  it('rfft is the first ⌊n/2⌋+1 bins of the DFT of the real signal; irfft inverts it (even and odd n)', () => {
    for (const n of LENGTHS) {
      const x = randn(rng, [2, n], { dtype: 'float64' }), xd = x.data as Float64Array;
      const h = Math.floor(n / 2) + 1;
      for (const norm of NORMS) {
        const full = naiveDft(toComplex(xd), n, -1, scaleOf(norm, n, false));
        const want = new Float64Array(2 * 2 * h);
        for (let b = 0; b < 2; b++) want.set(full.subarray(2 * n * b, 2 * n * b + 2 * h), 2 * h * b);
        const X = rfft(x, { norm });
        expect(X.shape).toEqual([2, h, 2]);
        expect(relErr(X.data, want), `rfft n=${n} ${norm}`).toBeLessThanOrEqual(1e-12);
        const back = irfft(X, { n, norm });
        expect(back.shape).toEqual([2, n]);
        expect(relErr(back.data, xd), `irfft(rfft) n=${n} ${norm}`).toBeLessThanOrEqual(1e-12);
        const x32 = fromData(Float32Array.from(xd), [2, n]);
        const back32 = irfft(rfft(x32, { norm }), { n, norm });
        expect(back32.dtype).toBe('float32');
        expect(relErr(back32.data, Float64Array.from(x32.data)), `f32 irfft(rfft) n=${n}`).toBeLessThanOrEqual(1e-5);
      }
    }
  });

  it('irfft equals the Hermitian-extended naive inverse DFT, ignoring Im X_0 and Im X_{n/2}', () => {
    for (const n of [1, 2, 3, 6, 7, 12, 100, 127]) {
      const h = Math.floor(n / 2) + 1;
      const X = randn(rng, [h, 2], { dtype: 'float64' }), Xd = X.data as Float64Array;
      const full = new Float64Array(2 * n);
      for (let k = 0; k < n; k++) {
        const kk = k < h ? k : n - k, s = k < h ? 1 : -1;
        full[2 * k] = Xd[2 * kk]!; full[2 * k + 1] = s * Xd[2 * kk + 1]!;
      }
      full[1] = 0;
      if (n % 2 === 0) full[n + 1] = 0;
      const want = naiveDft(full, n, 1, 1 / n).filter((_, i) => i % 2 === 0);
      expect(relErr(irfft(X, { n }).data, want), `n=${n}`).toBeLessThanOrEqual(1e-12);
    }
  });

  it('round trips ifft(fft(x)) = x and Parseval with ortho', () => {
    for (const n of [1, 2, 9, 16, 100, 127]) {
      const x = randn(rng, [4, n, 2], { dtype: 'float64' });
      expect(relErr(ifft(fft(x)).data, x.data), `n=${n}`).toBeLessThanOrEqual(1e-12);
      expect(relErr(fft(ifft(x, { norm: 'forward' }), { norm: 'forward' }).data, x.data)).toBeLessThanOrEqual(1e-12);
      const e = (t: Tensor): number => { let s = 0; for (const v of t.data) s += v * v; return s; };
      expect(Math.abs(e(fft(x, { norm: 'ortho' })) - e(x)) / e(x)).toBeLessThanOrEqual(1e-12);
      const r = randn(rng, [n], { dtype: 'float64' }), R = rfft(r, { norm: 'ortho' }).data;
      // one-sided energy: bins other than DC and (even n) Nyquist count twice
      let er = 0;
      for (let k = 0; k < R.length / 2; k++) er += (k === 0 || (n % 2 === 0 && k === n / 2) ? 1 : 2) * (R[2 * k]! ** 2 + R[2 * k + 1]! ** 2);
      expect(Math.abs(er - e(r)) / e(r)).toBeLessThanOrEqual(1e-12);
    }
  });

  it('dim, n (pad and trim) and the 2-D transforms compose from the 1-D ones', () => {
    const x = randn(rng, [5, 3, 2], { dtype: 'float64' });
    const a = fft(x, { dim: 0, n: 7 });
    expect(a.shape).toEqual([7, 3, 2]);
    const b = fft(x, { dim: -2, n: 4 }); // dim −2 of the complex shape [5, 3] is axis 0
    expect(b.shape).toEqual([4, 3, 2]);
    const t = fft(randn(rng, [2, 9, 2], { dtype: 'float64' }), { n: 4 });
    expect(t.shape).toEqual([2, 4, 2]);
    const z = randn(rng, [2, 3, 5, 2], { dtype: 'float64' });
    expect(relErr(fft2(z).data, fft(fft(z, { dim: -1 }), { dim: -2 }).data)).toBeLessThanOrEqual(1e-14);
    expect(relErr(ifft2(fft2(z)).data, z.data)).toBeLessThanOrEqual(1e-12);
    const r = randn(rng, [2, 5, 6], { dtype: 'float64' });
    expect(rfft2(r).shape).toEqual([2, 5, 4, 2]);
    expect(relErr(irfft2(rfft2(r), { s: [5, 6] }).data, r.data)).toBeLessThanOrEqual(1e-12);
    expect(relErr(irfft2(rfft2(r)).data, r.data)).toBeLessThanOrEqual(1e-12); // default s₁ = 2(4 − 1) = 6
  });
});

describe('fft ops: gradients', () => {
  const rng = new Rng(3);
  const g64 = (shape: number[]): Tensor => randn(rng, shape, { dtype: 'float64', requiresGrad: true });
  const check = (f: (x: Tensor) => Tensor, x: Tensor, what: string): void => {
    const w = randn(rng, f(x.detach()).shape, { dtype: 'float64' }); // weighted sum: a generic upstream
    const r = gradcheck((t) => sum(mul(f(t), w)), [x]);
    expect(r.ok, `${what}: max abs ${r.maxAbsError}, rel ${r.maxRelError}`).toBe(true);
    const r2 = gradcheck(f, [x]);
    expect(r2.ok, `${what} (vector-Jacobian): max rel ${r2.maxRelError}`).toBe(true);
  };
  it('gradcheck in float64: fft, ifft, rfft, irfft, fft2, ifft2, rfft2, irfft2 in every norm mode', () => {
    for (const norm of NORMS) {
      for (const n of [1, 4, 5, 6, 7]) {
        check((t) => fft(t, { norm }), g64([2, n, 2]), `fft n=${n} ${norm}`);
        check((t) => ifft(t, { norm }), g64([2, n, 2]), `ifft n=${n} ${norm}`);
        check((t) => rfft(t, { norm }), g64([2, n]), `rfft n=${n} ${norm}`);
        check((t) => irfft(t, { n, norm }), g64([2, Math.floor(n / 2) + 1, 2]), `irfft n=${n} ${norm}`);
      }
      check((t) => fft(t, { norm, n: 6, dim: 0 }), g64([4, 3, 2]), `fft pad dim 0 ${norm}`);
      check((t) => rfft(t, { norm, n: 3, dim: 0 }), g64([5, 2]), `rfft trim dim 0 ${norm}`);
      check((t) => irfft(t, { norm, n: 9 }), g64([2, 2]), `irfft few bins ${norm}`);
      check((t) => irfft(t, { norm, n: 4, dim: 0 }), g64([5, 2, 2]), `irfft extra bins dim 0 ${norm}`);
      check((t) => fft2(t, { norm }), g64([3, 5, 2]), `fft2 ${norm}`);
      check((t) => ifft2(t, { norm }), g64([4, 3, 2]), `ifft2 ${norm}`);
      check((t) => rfft2(t, { norm }), g64([3, 4]), `rfft2 ${norm}`);
      check((t) => irfft2(t, { norm, s: [3, 5] }), g64([3, 3, 2]), `irfft2 ${norm}`);
    }
  });
  it('second derivatives: the backward of fftC2C is itself differentiable', () => {
    const x = g64([6, 2]);
    const r = gradcheck((t) => {
      const y = fft(t);
      return sum(mul(y, y));
    }, [x]);
    expect(r.ok).toBe(true);
  });
});

interface Enc { shape: number[]; data: number[] }
interface FixtureCase { name: string; attrs: { op: string; n?: number; dim?: number; s?: [number, number]; norm: FftNorm }; inputs: { input: Enc; upstream: Enc }; output: Enc; grad: Enc }

describe('fft ops: PyTorch fixtures (test/fixtures/torch/fft.json)', () => {
  const doc = JSON.parse(readFileSync(new URL('../fixtures/torch/fft.json', import.meta.url), 'utf8')) as { cases: FixtureCase[] };
  const ops: Record<string, (x: Tensor, a: FixtureCase['attrs']) => Tensor> = {
    fft: (x, a) => fft(x, { n: a.n, dim: a.dim, norm: a.norm }),
    ifft: (x, a) => ifft(x, { n: a.n, dim: a.dim, norm: a.norm }),
    rfft: (x, a) => rfft(x, { n: a.n, dim: a.dim, norm: a.norm }),
    irfft: (x, a) => irfft(x, { n: a.n, dim: a.dim, norm: a.norm }),
    fft2: (x, a) => fft2(x, { s: a.s, norm: a.norm }),
    ifft2: (x, a) => ifft2(x, { s: a.s, norm: a.norm }),
    rfft2: (x, a) => rfft2(x, { s: a.s, norm: a.norm }),
    irfft2: (x, a) => irfft2(x, { s: a.s, norm: a.norm }),
  };
  it('has cases for every op and norm', () => {
    const seen = new Set(doc.cases.map((c) => `${c.attrs.op}/${c.attrs.norm}`));
    for (const op of Object.keys(ops)) for (const norm of NORMS) expect(seen.has(`${op}/${norm}`), `${op}/${norm}`).toBe(true);
  });
  it.each(doc.cases.map((c) => [c.name, c] as const))('%s: output and gradient of sum(w·y) within 1e-12', (_name, c) => {
    const x = fromData(Float64Array.from(c.inputs.input.data), c.inputs.input.shape, { requiresGrad: true });
    const y = ops[c.attrs.op]!(x, c.attrs);
    expect(y.shape).toEqual(c.output.shape);
    expect(relErr(y.data, c.output.data)).toBeLessThanOrEqual(1e-12);
    backward(sum(mul(y, fromData(Float64Array.from(c.inputs.upstream.data), c.inputs.upstream.shape))));
    expect(x.grad!.shape).toEqual(c.grad.shape);
    expect(relErr(x.grad!.data, c.grad.data)).toBeLessThanOrEqual(1e-12);
  });
});

describe('fft ops: named errors', () => {
  const rng = new Rng(5);
  const x = randn(rng, [4, 3], { dtype: 'float64' });
  it('a complex input needs a trailing re/im axis of size 2', () => {
    expect(() => fft(x)).toThrow(ShapeError);
    expect(() => fft(x)).toThrow(/fft: .*\[4,3\]/);
    expect(() => ifft(tensor([1, 2]))).toThrow(ShapeError);
    expect(() => irfft(x)).toThrow(ShapeError);
    expect(() => fft2(randn(rng, [3, 2], { dtype: 'float64' }))).toThrow(ShapeError);
    expect(() => rfft2(randn(rng, [3], { dtype: 'float64' }))).toThrow(ShapeError);
  });
  it('n < 1 (or not an integer) and a zero-length signal are ValueErrors', () => {
    const z = randn(rng, [4, 2], { dtype: 'float64' });
    expect(() => fft(z, { n: 0 })).toThrow(ValueError);
    expect(() => fft(z, { n: 2.5 })).toThrow(ValueError);
    expect(() => rfft(x, { n: -1 })).toThrow(ValueError);
    expect(() => irfft(randn(rng, [1, 2], { dtype: 'float64' }))).toThrow(/irfft: .*2\(m−1\)/); // default n = 0
    expect(() => fft2(randn(rng, [3, 3, 2], { dtype: 'float64' }), { s: [3, 0] })).toThrow(ValueError);
  });
  it('an unknown norm is a ValueError', () => {
    expect(() => fft(randn(rng, [4, 2], { dtype: 'float64' }), { norm: 'none' as FftNorm })).toThrow(ValueError);
    expect(() => rfft(x, { norm: 'Ortho' as FftNorm })).toThrow(/rfft: norm/);
  });
  it('dim out of range is an IndexError naming the op and shape', () => {
    const z = randn(rng, [4, 3, 2], { dtype: 'float64' });
    expect(() => fft(z, { dim: 2 })).toThrow(IndexError); // two complex axes
    expect(() => ifft(z, { dim: -3 })).toThrow(/ifft: dim -3 .*\[4,3,2\]/);
    expect(() => rfft(x, { dim: 2 })).toThrow(IndexError);
    expect(() => irfft(z, { dim: 5 })).toThrow(IndexError);
  });
  it('int32 inputs are DTypeErrors', () => {
    expect(() => rfft(tensor([1, 2, 3], { dtype: 'int32' }))).toThrow(DTypeError);
  });
});
