/**
 * Noise-contrastive estimation (Gutmann & Hyvärinen, "Noise-contrastive estimation of unnormalized
 * statistical models", JMLR 2012) for an energy model p_θ(x) = e^{−E_θ(x)}: the normaliser is
 * learned as part of E (a free constant, e.g. the last bias).
 * @module
 */
import { Tensor, mean, softplus, sum } from '../../tensor/index.js';
import { DTypeError, ShapeError, fmtShape } from '../../util/errors.js';

/** Inputs of {@link nceLoss}: energies and noise log-densities at the data and at the noise samples. */
export interface NceInputs {
  /** E_θ(x) at N data points [N]. */
  energyData: Tensor;
  /** E_θ(y) at M noise samples [M]. */
  energyNoise: Tensor;
  /** log q(x) of the noise density at the data [N]. */
  logNoiseData: Tensor;
  /** log q(y) at the noise samples [M]. */
  logNoiseNoise: Tensor;
}

/**
 * NCE loss: logistic regression of data against noise with the log-ratio as logit,
 *
 *   G(u) = −E_θ(u) − log q(u) − log ν,   ν = M/N,
 *   L = (1/N) [ Σ_data softplus(−G(x)) + Σ_noise softplus(G(y)) ],
 *
 * i.e. −(1/N)[Σ log σ(G(x)) + Σ log(1 − σ(G(y)))]. Its minimiser in the limit of many samples is
 * the data density, normaliser included: e^{−E_θ} = p_data.
 *
 * @example
 * ```ts
 * const loss = nceLoss({ energyData: e(x), energyNoise: e(y), logNoiseData: q.logProb(x), logNoiseNoise: q.logProb(y) });
 * ```
 */
export function nceLoss(inputs: NceInputs): Tensor {
  const { energyData, energyNoise, logNoiseData, logNoiseNoise } = inputs;
  for (const [k, t] of Object.entries(inputs)) {
    if (!(t instanceof Tensor) || t.dtype === 'int32') throw new DTypeError(`nceLoss: ${k} must be a float tensor`);
    if (t.ndim !== 1) throw new ShapeError(`nceLoss: ${k} must be 1-D, got ${fmtShape(t.shape)}`);
  }
  const N = energyData.shape[0]!, M = energyNoise.shape[0]!;
  if (logNoiseData.shape[0] !== N || logNoiseNoise.shape[0] !== M || N === 0 || M === 0) {
    throw new ShapeError(`nceLoss: need energyData and logNoiseData of one length N ≥ 1 and energyNoise and logNoiseNoise of one length M ≥ 1, got ${fmtShape(energyData.shape)}, ${fmtShape(logNoiseData.shape)}, ${fmtShape(energyNoise.shape)}, ${fmtShape(logNoiseNoise.shape)}`);
  }
  const logNu = Math.log(M / N);
  const gData = energyData.neg().sub(logNoiseData).sub(logNu);
  const gNoise = energyNoise.neg().sub(logNoiseNoise).sub(logNu);
  return mean(softplus(gData.neg())).add(sum(softplus(gNoise)).div(N));
}

/** A diagonal Gaussian noise distribution for NCE: samples and log-density. */
export class DiagonalGaussian {
  /** Mean [D]. */
  readonly mean: number[];
  /** Standard deviations [D]. */
  readonly std: number[];

  constructor(mean: number[], std: number[]) {
    if (mean.length === 0 || mean.length !== std.length || std.some((s) => !(s > 0))) {
      throw new ShapeError(`DiagonalGaussian: need equal-length mean and positive std, got ${mean.length} and ${std.length} (${std.join(', ')})`);
    }
    this.mean = mean;
    this.std = std;
  }

  /** Fit to the rows of x [N, D] with the standard deviations scaled by `widen` (default 1). */
  static fit(x: Tensor, widen = 1): DiagonalGaussian {
    if (x.ndim !== 2 || x.shape[0]! < 2) throw new ShapeError(`DiagonalGaussian.fit: x must be [N ≥ 2, D], got ${fmtShape(x.shape)}`);
    const [N, D] = x.shape as [number, number];
    const m = new Array<number>(D).fill(0), s = new Array<number>(D).fill(0);
    for (let n = 0; n < N; n++) for (let d = 0; d < D; d++) m[d]! += x.data[n * D + d]! / N;
    for (let n = 0; n < N; n++) for (let d = 0; d < D; d++) s[d]! += (x.data[n * D + d]! - m[d]!) ** 2 / (N - 1);
    return new DiagonalGaussian(m, s.map((v) => widen * Math.sqrt(v)));
  }

  /** n samples [n, D]. */
  sample(n: number, rng: { normal(): number }, dtype: 'float32' | 'float64' = 'float32'): Tensor {
    const D = this.mean.length;
    const out = dtype === 'float64' ? new Float64Array(n * D) : new Float32Array(n * D);
    for (let i = 0; i < n; i++) for (let d = 0; d < D; d++) out[i * D + d] = this.mean[d]! + this.std[d]! * rng.normal();
    return new Tensor(out, [n, D], dtype);
  }

  /** log q(x) of the rows of x [N, D] → [N] (a constant: no gradient). */
  logProb(x: Tensor): Tensor {
    const D = this.mean.length;
    if (x.ndim !== 2 || x.shape[1] !== D) throw new ShapeError(`DiagonalGaussian.logProb: x must be [N, ${D}], got ${fmtShape(x.shape)}`);
    const N = x.shape[0]!;
    const out = x.dtype === 'float64' ? new Float64Array(N) : new Float32Array(N);
    let c = 0;
    for (let d = 0; d < D; d++) c -= Math.log(this.std[d]!) + 0.5 * Math.log(2 * Math.PI);
    for (let n = 0; n < N; n++) {
      let s = c;
      for (let d = 0; d < D; d++) s -= 0.5 * ((x.data[n * D + d]! - this.mean[d]!) / this.std[d]!) ** 2;
      out[n] = s;
    }
    return new Tensor(out, [N], x.dtype);
  }
}
