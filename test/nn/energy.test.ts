import { describe, expect, it } from 'vitest';
import {
  DiagonalGaussian, EnergyMLP, denoisingScoreMatchingLoss, hingeEnergyLoss, langevinSample, logEnergyLoss, nceLoss, nllEnergyLoss,
  squareExponentialEnergyLoss, squareSquareEnergyLoss,
} from '../../src/nn/energy/index.js';
import { Tensor, concat, crossEntropy, noGrad, randn, tensor, zeros } from '../../src/tensor/index.js';
import { assertGradcheck } from '../../src/testing/gradcheck.js';
import { Rng } from '../../src/util/rng.js';
import { ShapeError, ValueError } from '../../src/util/errors.js';

const f64 = (a: number[] | number[][], grad = true): Tensor => tensor(a, { dtype: 'float64', requiresGrad: grad });

describe('contrastive losses on energies (LeCun et al. 2006)', () => {
  const ePos = [0.3, 1.2, -0.4];
  const eNeg = [[0.9, 2.0], [0.7, 3.1], [1.5, -0.2]];
  const most = eNeg.map((r) => Math.min(...r));

  it('values by hand (most offending negative)', () => {
    const mean = (f: (p: number, n: number) => number): number => ePos.reduce((s, p, i) => s + f(p, most[i]!), 0) / 3;
    expect(hingeEnergyLoss(f64(ePos), f64(eNeg), { margin: 1 }).item()).toBeCloseTo(mean((p, n) => Math.max(0, 1 + p - n)), 12);
    expect(logEnergyLoss(f64(ePos), f64(eNeg)).item()).toBeCloseTo(mean((p, n) => Math.log1p(Math.exp(p - n))), 12);
    expect(squareSquareEnergyLoss(f64(ePos), f64(eNeg), { margin: 2 }).item()).toBeCloseTo(mean((p, n) => p * p + Math.max(0, 2 - n) ** 2), 12);
    expect(squareExponentialEnergyLoss(f64(ePos), f64(eNeg), { gamma: 0.5 }).item()).toBeCloseTo(mean((p, n) => p * p + 0.5 * Math.exp(-n)), 12);
    // one negative per sample as a vector
    expect(hingeEnergyLoss(f64([0.5]), f64([1.0]), { margin: 1 }).item()).toBeCloseTo(0.5, 14);
    expect(hingeEnergyLoss(f64([0.5]), f64([2.0]), { margin: 1 }).item()).toBe(0);
  });

  it('NLL loss with negatives = cross-entropy of logits −βE with the correct answer first', () => {
    for (const beta of [1, 2.5]) {
      const logits = concat([f64(ePos, false).reshape([3, 1]), f64(eNeg, false)], 1).mul(-beta);
      const ce = crossEntropy(logits, new Tensor(new Int32Array(3), [3], 'int32')).item() / beta;
      expect(nllEnergyLoss(f64(ePos), f64(eNeg), { beta }).item()).toBeCloseTo(ce, 12);
    }
  });

  it('gradcheck (float64) of every loss in E⁺ and E⁻', () => {
    const p = f64(ePos), n = f64(eNeg);
    assertGradcheck((a, b) => hingeEnergyLoss(a!, b!, { margin: 1, reduction: 'none' }), [p, n], { label: 'hinge' });
    assertGradcheck((a, b) => logEnergyLoss(a!, b!), [p, n], { label: 'log' });
    assertGradcheck((a, b) => squareSquareEnergyLoss(a!, b!, { margin: 2, reduction: 'sum' }), [p, n], { label: 'square-square' });
    assertGradcheck((a, b) => squareExponentialEnergyLoss(a!, b!, { gamma: 0.5 }), [p, n], { label: 'square-exponential' });
    assertGradcheck((a, b) => nllEnergyLoss(a!, b!, { beta: 2 }), [p, n], { label: 'nll' });
  });

  it('rejects bad shapes and parameters', () => {
    expect(() => hingeEnergyLoss(f64([1, 2]), f64([1]))).toThrow(ShapeError);
    expect(() => logEnergyLoss(f64([[1]]), f64([1]))).toThrow(/E⁺ must be \[N\]/);
    expect(() => hingeEnergyLoss(f64([1]), f64([1]), { margin: -1 })).toThrow(ValueError);
    expect(() => nllEnergyLoss(f64([1]), f64([1]), { beta: 0 })).toThrow(/beta/);
    expect(() => logEnergyLoss(f64([1]), f64([1]), { reduction: 'avg' as 'mean' })).toThrow(/reduction/);
  });
});

describe('noise-contrastive estimation', () => {
  it('gradcheck (float64) in the energies', () => {
    const rng = new Rng(1);
    const ed = randn(rng, [5], { dtype: 'float64', requiresGrad: true }), en = randn(rng, [8], { dtype: 'float64', requiresGrad: true });
    const qd = randn(rng, [5], { dtype: 'float64' }), qn = randn(rng, [8], { dtype: 'float64' });
    assertGradcheck((a, b) => nceLoss({ energyData: a!, energyNoise: b!, logNoiseData: qd, logNoiseNoise: qn }), [ed, en], { label: 'nce' });
  });

  it('on N(0, 1) data, the loss of the model E = (x − μ)²/2 + c is minimised at the true mean and log-normaliser', () => {
    const rng = new Rng(2);
    const x = randn(rng, [20000, 1], { dtype: 'float64' });
    const q = new DiagonalGaussian([0], [2]);
    const y = q.sample(40000, rng, 'float64');
    const lqx = q.logProb(x), lqy = q.logProb(y);
    const c0 = 0.5 * Math.log(2 * Math.PI);
    const loss = (mu: number, c: number): number => {
      const e = (t: Tensor): Tensor => t.sub(mu).square().mul(0.5).add(c).reshape([t.shape[0]!]);
      return nceLoss({ energyData: e(x), energyNoise: e(y), logNoiseData: lqx, logNoiseNoise: lqy }).item();
    };
    const best = (vals: number[], f: (v: number) => number): number => vals.reduce((b, v) => (f(v) < f(b) ? v : b));
    const mus = Array.from({ length: 21 }, (_, i) => -0.5 + 0.05 * i);
    expect(Math.abs(best(mus, (m) => loss(m, c0)))).toBeLessThanOrEqual(0.05);
    const cs = Array.from({ length: 21 }, (_, i) => c0 - 0.5 + 0.05 * i);
    expect(Math.abs(best(cs, (c) => loss(0, c)) - c0)).toBeLessThanOrEqual(0.05);
    // and a wrong model (μ = 0.5) is measurably worse
    expect(loss(0.5, c0)).toBeGreaterThan(loss(0, c0) + 0.01);
  });

  it('DiagonalGaussian: log-density by hand, fit, and errors', () => {
    const g = new DiagonalGaussian([1, -1], [2, 0.5]);
    const lp = g.logProb(tensor([[1, -1], [3, 0]], { dtype: 'float64' })).toFlatArray();
    const c = -Math.log(2) - Math.log(0.5) - Math.log(2 * Math.PI);
    expect(lp[0]).toBeCloseTo(c, 12);
    expect(lp[1]).toBeCloseTo(c - 0.5 * (1 + 4), 12);
    const fit = DiagonalGaussian.fit(g.sample(20000, new Rng(3), 'float64'));
    expect(fit.mean[0]).toBeCloseTo(1, 1);
    expect(fit.std[1]).toBeCloseTo(0.5, 1);
    expect(() => new DiagonalGaussian([0], [0])).toThrow(ShapeError);
    expect(() => g.logProb(zeros([2, 3]))).toThrow(ShapeError);
    expect(() => nceLoss({ energyData: zeros([2]), energyNoise: zeros([3]), logNoiseData: zeros([3]), logNoiseNoise: zeros([3]) })).toThrow(ShapeError);
  });
});

describe('EnergyMLP and denoising score matching', () => {
  it('the closed-form score is −∇ₓE (matches autograd), for both activations', () => {
    for (const activation of ['softplus', 'tanh'] as const) {
      const e = new EnergyMLP([2, 5, 4], { rng: new Rng(4), activation, dtype: 'float64' });
      const x = randn(new Rng(5), [6, 2], { dtype: 'float64', requiresGrad: true });
      e.call(x).sum().backward();
      const s = noGrad(() => e.score(x)).toFlatArray();
      x.grad!.toFlatArray().forEach((g, i) => expect(s[i]!).toBeCloseTo(-g, 12));
    }
    const lin = new EnergyMLP([3], { rng: new Rng(0), dtype: 'float64' });
    expect(lin.score(zeros([2, 3], { dtype: 'float64' })).shape).toEqual([2, 3]);
  });

  it('gradcheck (float64): energy and score in every weight and in x; the DSM loss in every weight', () => {
    const e = new EnergyMLP([2, 4, 3], { rng: new Rng(6), dtype: 'float64' });
    const ps = e.parameters().map((p) => new Tensor(Float64Array.from(p.data), p.shape, 'float64', true));
    const rng = new Rng(7);
    const x = randn(rng, [4, 2], { dtype: 'float64', requiresGrad: true });
    assertGradcheck((xx, ...w) => e.energyWith(w, xx!), [x, ...ps], { label: 'EnergyMLP energy' });
    assertGradcheck((xx, ...w) => e.scoreWith(w, xx!), [x, ...ps], { label: 'EnergyMLP score' });
    const noise = randn(rng, [4, 2], { dtype: 'float64' });
    const xd = x.detach();
    assertGradcheck((...w) => denoisingScoreMatchingLoss((z) => e.scoreWith(w, z), xd, 0.3, null, { noise }), ps, { label: 'DSM' });
  });

  it('DSM on N(μ, s²) data is minimised by the score of N(μ, s² + σ²)', () => {
    const rng = new Rng(8);
    const mu = 0.7, s = 0.5, sigma = 0.3;
    const x = randn(rng, [40000, 1], { dtype: 'float64' }).mul(s).add(mu);
    const noise = randn(rng, [40000, 1], { dtype: 'float64' });
    const loss = (a: number, m: number): number => denoisingScoreMatchingLoss((z) => z.sub(m).mul(-a), x, sigma, null, { noise }).item();
    const aTrue = 1 / (s * s + sigma * sigma);
    const as = Array.from({ length: 31 }, (_, i) => aTrue * (0.7 + 0.02 * i));
    const best = as.reduce((b, a) => (loss(a, mu) < loss(b, mu) ? a : b));
    expect(Math.abs(best / aTrue - 1)).toBeLessThanOrEqual(0.04);
    expect(loss(aTrue, mu)).toBeLessThan(loss(aTrue, mu + 0.2));
    expect(loss(aTrue, mu)).toBeLessThan(loss(1 / (s * s), mu)); // the noise-free data score is not the DSM optimum
  });

  it('rejects bad inputs', () => {
    const e = new EnergyMLP([2, 3], { rng: new Rng(0) });
    expect(() => e.call(zeros([3, 3]))).toThrow(ShapeError);
    expect(() => new EnergyMLP([2, 0], { rng: new Rng(0) })).toThrow(ValueError);
    expect(() => new EnergyMLP([2], { rng: new Rng(0), activation: 'relu' as 'tanh' })).toThrow(/activation/);
    expect(() => denoisingScoreMatchingLoss((z) => z, zeros([2, 2]), 0, new Rng(0))).toThrow(/sigma/);
    expect(() => denoisingScoreMatchingLoss((z) => z.sum(1), zeros([2, 2]), 0.1, new Rng(0))).toThrow(/shape of x/);
  });
});

describe('Langevin sampling', () => {
  const mu = [1, -2], v = [0.25, 1];
  const stats = (x: Tensor): { m: number[]; s2: number[] } => {
    const a = x.toArray() as number[][];
    const m = [0, 1].map((d) => a.reduce((t, r) => t + r[d]!, 0) / a.length);
    const s2 = [0, 1].map((d) => a.reduce((t, r) => t + (r[d]! - m[d]!) ** 2, 0) / (a.length - 1));
    return { m, s2 };
  };
  const muT = tensor([mu], { dtype: 'float64' }), vT = tensor([v], { dtype: 'float64' });
  const energy = (x: Tensor): Tensor => x.sub(muT).square().div(vT).sum(1).mul(0.5);
  const score = (x: Tensor): Tensor => x.sub(muT).div(vT).neg();

  it('recovers the mean and variance of a Gaussian energy (score and autograd-energy forms agree)', () => {
    for (const form of ['score', 'energy'] as const) {
      const x0 = zeros([2000, 2], { dtype: 'float64' });
      const x = langevinSample(x0, { ...(form === 'score' ? { score } : { energy }), steps: 800, stepSize: 0.04, rng: new Rng(9) });
      const { m, s2 } = stats(x);
      m.forEach((mm, d) => expect(Math.abs(mm - mu[d]!)).toBeLessThan(0.06));
      // ULA's stationary variance v/(1 − η/(4v)), within sampling error
      s2.forEach((ss, d) => expect(Math.abs(ss / (v[d]! / (1 - 0.04 / (4 * v[d]!))) - 1)).toBeLessThan(0.08));
      expect(Array.from(x0.data).every((q) => q === 0)).toBe(true); // x0 untouched
    }
  });

  it('is a real check: a wrong score gives the wrong variance', () => {
    const x = langevinSample(zeros([2000, 2], { dtype: 'float64' }), { score: (z) => score(z).mul(2), steps: 800, stepSize: 0.04, rng: new Rng(9) });
    expect(stats(x).s2[1]!).toBeLessThan(0.6);
  });

  it('is deterministic given the seed, and validates options', () => {
    const run = (seed: number): number[] => langevinSample(zeros([3, 2], { dtype: 'float64' }), { score, steps: 5, stepSize: 0.1, rng: new Rng(seed) }).toFlatArray();
    expect(run(1)).toEqual(run(1));
    expect(run(1)).not.toEqual(run(2));
    expect(() => langevinSample(zeros([3]), { score, steps: 5, stepSize: 0.1, rng: new Rng(0) })).toThrow(ShapeError);
    expect(() => langevinSample(zeros([3, 2]), { score, steps: 5, stepSize: 0, rng: new Rng(0) })).toThrow(/stepSize/);
    expect(() => langevinSample(zeros([3, 2]), { steps: 5, stepSize: 0.1, rng: new Rng(0) })).toThrow(/score or an energy/);
  });
});
