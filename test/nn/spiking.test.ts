import { describe, expect, it } from 'vitest';
import {
  LIF, RLIF, arctanSurrogate, fastSigmoid, latencyEncode, lifNeurons, membraneReadout, rateEncode, spike, spikeCountReadout,
} from '../../src/nn/spiking/index.js';
import { randn, tensor } from '../../src/tensor/index.js';
import type { Tensor } from '../../src/tensor/index.js';
import { assertGradcheck, gradcheck } from '../../src/testing/gradcheck.js';
import { Rng } from '../../src/util/rng.js';

const f64 = { dtype: 'float64' as const };
const smooth = (x: Tensor): Tensor => x.mul(3).sigmoid();

describe('spike with surrogate gradients', () => {
  it('the forward pass is exactly the Heaviside step 1[x > 0] (f32 and f64, with and without grad)', () => {
    const rng = new Rng(0);
    for (const dtype of ['float32', 'float64'] as const) {
      const x = randn(rng, [200], { dtype }).mul(0.05);
      const vals = x.toFlatArray();
      for (const sur of ['fastSigmoid', 'arctan'] as const) {
        for (const v of [x, x.detach().requireGrad()]) {
          const s = spike(v, sur).toFlatArray();
          s.forEach((q, i) => expect(q).toBe(vals[i]! > 0 ? 1 : 0));
        }
      }
    }
    expect(spike(tensor([0, -0, 1e-300, -1e-300], f64).requireGrad()).toFlatArray()).toEqual([0, 0, 1, 0]);
  });

  it('the backward pass is the surrogate derivative: closed forms, and central differences of the surrogate function', () => {
    const xs = [-1.3, -0.2, -0.01, 0, 0.003, 0.05, 0.4, 2];
    const cases = [
      { sur: fastSigmoid(25), d: (x: number) => 1 / (1 + 25 * Math.abs(x)) ** 2, f: (x: number) => x / (1 + 25 * Math.abs(x)) },
      { sur: fastSigmoid(4), d: (x: number) => 1 / (1 + 4 * Math.abs(x)) ** 2, f: (x: number) => x / (1 + 4 * Math.abs(x)) },
      { sur: arctanSurrogate(2), d: (x: number) => 1 / (1 + (Math.PI * x) ** 2), f: (x: number) => Math.atan(Math.PI * x) / Math.PI + 0.5 },
      { sur: arctanSurrogate(5), d: (x: number) => 2.5 / (1 + (2.5 * Math.PI * x) ** 2), f: (x: number) => Math.atan(2.5 * Math.PI * x) / Math.PI + 0.5 },
    ];
    for (const { sur, d, f } of cases) {
      const v = tensor(xs, f64).requireGrad();
      const up = xs.map((_, i) => 0.5 + i);
      spike(v, sur).mul(tensor(up, f64)).sum().backward();
      const g = v.grad!.toFlatArray();
      xs.forEach((x, i) => {
        expect(g[i]! / up[i]!).toBeCloseTo(d(x), 14);
        expect(sur.derivativeAt(x)).toBeCloseTo(d(x), 14);
        if (x !== 0) { const h = 1e-6; expect(Math.abs(g[i]! / up[i]! - (f(x + h) - f(x - h)) / (2 * h))).toBeLessThan(1e-7); }
      });
    }
  });

  it('gradcheck fails on the spike itself (its true derivative is 0 a.e.): the checks below are not vacuous', () => {
    const v = tensor([-0.3, 0.2, 0.6], f64).requireGrad();
    expect(gradcheck((x) => spike(x), [v]).ok).toBe(false);
  });

  it('named errors', () => {
    expect(() => fastSigmoid(0)).toThrow(expect.objectContaining({ name: 'ValueError', message: expect.stringContaining('fastSigmoid') }));
    expect(() => arctanSurrogate(-1)).toThrow(expect.objectContaining({ name: 'ValueError' }));
    expect(() => spike(tensor([1]), 'relu' as 'arctan')).toThrow(expect.objectContaining({ name: 'ValueError', message: expect.stringContaining('spike') }));
  });
});

/** Hand-written LIF (reset by subtraction) forward and BPTT for one neuron: L = Σ a_t s_t + b_t v_t. */
function refLIF(I: number[], beta: number, theta: number, dsur: (x: number) => number, a: number[], b: number[]): { s: number[]; v: number[]; dI: number[] } {
  const T = I.length, h: number[] = [], s: number[] = [], v: number[] = [];
  let vp = 0;
  for (let t = 0; t < T; t++) {
    h.push(beta * vp + I[t]!);
    s.push(h[t]! - theta > 0 ? 1 : 0);
    v.push(h[t]! - theta * s[t]!);
    vp = v[t]!;
  }
  const dI = new Array<number>(T).fill(0);
  let dhNext = 0;
  for (let t = T - 1; t >= 0; t--) {
    const dv = b[t]! + beta * dhNext;
    const ds = a[t]! - theta * dv;
    const dh = dv + ds * dsur(h[t]! - theta);
    dI[t] = dh;
    dhNext = dh;
  }
  return { s, v, dI };
}

describe('leaky integrate-and-fire dynamics', () => {
  it('decay and the three resets follow a hand-computed trace (β = 0.5, θ = 1)', () => {
    const I = tensor([0.6, 0.6, 0.6, 0, 1.5], f64).reshape([5, 1, 1]);
    const run = (reset: 'subtract' | 'zero' | 'none') => {
      const r = lifNeurons(I, { beta: 0.5, threshold: 1, reset });
      return { s: r.spikes.toFlatArray(), v: r.membrane.toFlatArray() };
    };
    const close = (a: number[], b: number[]) => a.forEach((x, i) => expect(x).toBeCloseTo(b[i]!, 14));
    const sub = run('subtract');
    expect(sub.s).toEqual([0, 0, 1, 0, 1]);
    close(sub.v, [0.6, 0.9, 0.05, 0.025, 0.5125]);
    const zero = run('zero');
    expect(zero.s).toEqual([0, 0, 1, 0, 1]);
    close(zero.v, [0.6, 0.9, 0, 0, 0]);
    const none = run('none');
    expect(none.s).toEqual([0, 0, 1, 0, 1]);
    close(none.v, [0.6, 0.9, 1.05, 0.525, 1.7625]);
  });

  it('BPTT through the spikes equals a hand-written backward with the surrogate derivative', () => {
    const rng = new Rng(1);
    const T = 12, beta = 0.8, theta = 1;
    const Ivals = Array.from({ length: T }, () => 0.2 + 0.6 * rng.uniform());
    const a = Array.from({ length: T }, () => rng.uniform() - 0.5), b = Array.from({ length: T }, () => rng.uniform() - 0.5);
    for (const sur of [fastSigmoid(), arctanSurrogate()]) {
      const I = tensor(Ivals, f64).reshape([T, 1, 1]).requireGrad();
      const r = lifNeurons(I, { beta, threshold: theta, surrogate: sur });
      r.spikes.mul(tensor(a, f64).reshape([T, 1, 1])).add(r.membrane.mul(tensor(b, f64).reshape([T, 1, 1]))).sum().backward();
      const ref = refLIF(Ivals, beta, theta, sur.derivativeAt, a, b);
      expect(r.spikes.toFlatArray()).toEqual(ref.s);
      expect(ref.s.reduce((p, q) => p + q, 0)).toBeGreaterThan(1); // the trace does spike
      r.membrane.toFlatArray().forEach((x, t) => expect(x).toBeCloseTo(ref.v[t]!, 14));
      I.grad!.toFlatArray().forEach((x, t) => expect(x).toBeCloseTo(ref.dI[t]!, 13));
    }
  });

  it('gradchecks in float64 with a smooth activation (the dynamics: decay, each reset, recurrence)', () => {
    const rng = new Rng(2);
    const I = randn(rng, [5, 2, 3], f64).requireGrad();
    for (const reset of ['subtract', 'zero', 'none'] as const) {
      assertGradcheck((x) => { const r = lifNeurons(x, { beta: 0.7, reset, activation: smooth }); return r.membrane.add(r.spikes); }, [I], { label: reset });
    }
    const layer = new LIF(3, 4, { rng, dtype: 'float64', beta: 0.6, activation: smooth });
    const x = randn(rng, [4, 2, 3], f64).requireGrad();
    assertGradcheck((q) => layer.run(q).membrane, [x, ...layer.parameters()]);
    const rec = new RLIF(3, 4, { rng, dtype: 'float64', beta: 0.9, reset: 'zero', activation: smooth });
    assertGradcheck((q) => rec.run(q).spikes, [x, ...rec.parameters()]);
  });

  it('LIF and RLIF emit exactly 0/1 spikes; RLIF adds U s_{t−1} to the current (hand trace)', () => {
    const rng = new Rng(3);
    const x = randn(rng, [6, 3, 4]).mul(2);
    for (const layer of [new LIF(4, 5, { rng }), new RLIF(4, 5, { rng, surrogate: 'arctan' })]) {
      const s = layer.call(x).toFlatArray();
      expect(s.every((q) => q === 0 || q === 1)).toBe(true);
      expect(s.some((q) => q === 1)).toBe(true);
    }
    const rec = new RLIF(1, 1, { rng, dtype: 'float64', beta: 0.5, bias: false });
    (rec.synapse.weight.data as Float64Array)[0] = 1;
    (rec.recurrent.weight.data as Float64Array)[0] = -0.4;
    const r = rec.run(tensor([1.2, 0.5, 0.5, 0.5], f64).reshape([4, 1, 1]));
    // t1: h=1.2 s=1 v=0.2; t2: h=0.1+0.5−0.4=0.2 s=0 v=0.2; t3: h=0.1+0.5=0.6; t4: h=0.3+0.5=0.8
    expect(r.spikes.toFlatArray()).toEqual([1, 0, 0, 0]);
    r.membrane.toFlatArray().forEach((q, i) => expect(q).toBeCloseTo([0.2, 0.2, 0.6, 0.8][i]!, 14));
  });

  it('detachReset cuts the reset path out of the gradient', () => {
    const I = tensor([1.5, 0.2, 0.2], f64).reshape([3, 1, 1]);
    const grad = (detachReset: boolean) => {
      const x = I.detach().requireGrad();
      lifNeurons(x, { beta: 0.9, detachReset }).membrane.sum().backward();
      return x.grad!.toFlatArray();
    };
    const a = grad(false), b = grad(true);
    // with the reset detached, ∂Σv/∂I_1 = 1 + β + β² (pure leak); with it, the spike's surrogate enters
    expect(b[0]).toBeCloseTo(1 + 0.9 + 0.81, 14);
    expect(Math.abs(a[0]! - b[0]!)).toBeGreaterThan(1e-3);
  });

  it('named errors', () => {
    const rng = new Rng(0);
    expect(() => lifNeurons(tensor([[1, 2]]))).toThrow(expect.objectContaining({ name: 'ShapeError', message: expect.stringContaining('lifNeurons') }));
    expect(() => lifNeurons(tensor([[[1]]]), { beta: 1.5 })).toThrow(expect.objectContaining({ name: 'ValueError' }));
    expect(() => lifNeurons(tensor([[[1]]]), { threshold: 0 })).toThrow(expect.objectContaining({ name: 'ValueError' }));
    expect(() => lifNeurons(tensor([[[1]]]), { reset: 'hard' as 'zero' })).toThrow(expect.objectContaining({ name: 'ValueError' }));
    const layer = new LIF(3, 2, { rng });
    expect(() => layer.call(randn(rng, [4, 2, 5]))).toThrow(expect.objectContaining({ name: 'ShapeError', message: expect.stringContaining('LIF') }));
    expect(() => new RLIF(3, 2, { rng }).call(randn(rng, [2, 3]))).toThrow(expect.objectContaining({ name: 'ShapeError', message: expect.stringContaining('RLIF') }));
    expect(() => new LIF(0, 2, { rng })).toThrow(expect.objectContaining({ name: 'ValueError' }));
    expect(() => new RLIF(2, 2, {} as never)).toThrow(expect.objectContaining({ name: 'ValueError' }));
  });
});

describe('encodings and readouts', () => {
  it('rate coding: Bernoulli(gain·x) per step, seeded; counts within 4σ of T·p', () => {
    const x = tensor([0, 0.1, 0.5, 0.9, 1]);
    const T = 4000;
    const s = rateEncode(x, T, new Rng(1));
    expect(s.shape).toEqual([T, 5]);
    const vals = s.toFlatArray();
    expect(vals.every((q) => q === 0 || q === 1)).toBe(true);
    const counts = s.sum([0]).toFlatArray();
    [0, 0.1, 0.5, 0.9, 1].forEach((p, i) => expect(Math.abs(counts[i]! - T * p)).toBeLessThanOrEqual(4 * Math.sqrt(T * p * (1 - p)) + 1e-9));
    expect(rateEncode(x, 50, new Rng(1)).toFlatArray()).toEqual(s.slice([[0, 50]]).toFlatArray());
    expect(rateEncode(x, 50, new Rng(2)).toFlatArray()).not.toEqual(s.slice([[0, 50]]).toFlatArray());
    const g = rateEncode(tensor([0.2, 0.6]), T, new Rng(3), { gain: 2 }).sum([0]).toFlatArray();
    expect(Math.abs(g[0]! - 0.4 * T)).toBeLessThan(4 * Math.sqrt(T * 0.24));
    expect(g[1]).toBe(T); // min(1, 1.2)
    // successive steps are independent: lag-1 autocorrelation near 0
    const col = Array.from({ length: T }, (_, t) => vals[t * 5 + 2]!);
    let c = 0; for (let t = 1; t < T; t++) c += (col[t]! - 0.5) * (col[t - 1]! - 0.5);
    expect(Math.abs(c / (T - 1) / 0.25)).toBeLessThan(4 / Math.sqrt(T));
  });

  it('latency coding: one spike per input above threshold, earlier for larger inputs, at the documented times', () => {
    const xs = [1, 0.75, 0.5, 0.25, 0.02, 0.01, 0];
    const s = latencyEncode(tensor(xs, f64), 11);
    const arr = s.toArray() as number[][];
    xs.forEach((x, i) => {
      const times = arr.map((row, t) => (row[i] === 1 ? t : -1)).filter((t) => t >= 0);
      if (x <= 0.01) expect(times).toEqual([]);
      else expect(times).toEqual([Math.round(((1 - x) / 0.99) * 10)]);
    });
    expect(arr.map((row) => row[0])).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    // log mode: RC charging time τ ln(x / (x − θ)); times past T − 1 give no spike
    const lg = latencyEncode(tensor([1, 0.5, 0.21]), 20, { mode: 'log', threshold: 0.2, tau: 10 }).toArray() as number[][];
    const tOf = (i: number) => lg.findIndex((row) => row[i] === 1);
    expect(tOf(0)).toBe(Math.round(10 * Math.log(1 / 0.8)));
    expect(tOf(1)).toBe(Math.round(10 * Math.log(0.5 / 0.3)));
    expect(tOf(2)).toBe(-1); // 10 ln(21) ≈ 30 ≥ 20
  });

  it('readouts: spike counts and membrane max / mean / last over time', () => {
    const sp = tensor([[[1, 0]], [[1, 1]], [[0, 1]], [[1, 1]]]);
    expect(spikeCountReadout(sp).toArray()).toEqual([[3, 3]]);
    const m = tensor([[[0.1, -1]], [[0.7, 2]], [[0.3, 0.5]]], f64);
    expect(membraneReadout(m).toArray()).toEqual([[0.7, 2]]);
    expect(membraneReadout(m, 'last').toArray()).toEqual([[0.3, 0.5]]);
    (membraneReadout(m, 'mean').toFlatArray()).forEach((q, i) => expect(q).toBeCloseTo([1.1 / 3, 1.5 / 3][i]!, 15));
  });

  it('named errors', () => {
    const rng = new Rng(0);
    expect(() => rateEncode(tensor([1.5]), 5, rng)).toThrow(expect.objectContaining({ name: 'ValueError', message: expect.stringContaining('rateEncode') }));
    expect(() => rateEncode(tensor([0.5]), 0, rng)).toThrow(expect.objectContaining({ name: 'ValueError' }));
    expect(() => rateEncode(tensor([0.5]), 5, undefined as never)).toThrow(expect.objectContaining({ name: 'ValueError' }));
    expect(() => rateEncode(tensor([0.5]), 2 ** 29, rng)).toThrow(expect.objectContaining({ name: 'SizeError' }));
    expect(() => latencyEncode(tensor([-0.1]), 5)).toThrow(expect.objectContaining({ name: 'ValueError', message: expect.stringContaining('latencyEncode') }));
    expect(() => latencyEncode(tensor([0.5]), 5, { mode: 'exp' as 'log' })).toThrow(expect.objectContaining({ name: 'ValueError' }));
    expect(() => spikeCountReadout(tensor([1, 0]))).toThrow(expect.objectContaining({ name: 'ShapeError' }));
    expect(() => membraneReadout(tensor([[[1]]]), 'min' as 'max')).toThrow(expect.objectContaining({ name: 'ValueError' }));
  });
});
