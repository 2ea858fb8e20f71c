/**
 * Reference kernels of batch normalisation in training mode (Ioffe & Szegedy, arXiv:1502.03167)
 * over every axis but the channel axis 1, x viewed as [N, C, S] (S the product of the spatial
 * axes), without moving the channel axis:
 *
 * - `batchNorm`, inputs (x, weight?, bias?): per channel μ = Σx / (N·S) and σ² = Σ(x − μ)² / (N·S)
 *   (biased, two passes, float64, the terms added in ascending n then s), r = 1 / √(σ² + ε), and
 *   y = (x − μ) · r · γ + β in float64, rounded once; outputs (y, μ [C], σ² [C]).
 * - `batchNormGrad`, inputs (x, μ, σ², g, weight?): with x̂ = (x − μ) · r and per channel
 *   Σg, Σg·x̂ (float64, the same order), gx = r · γ · (g − Σg / M − x̂ · Σg·x̂ / M), M = N·S;
 *   outputs (gx, gγ = Σg·x̂, gβ = Σg).
 *
 * Copied per dtype by {@link Specialised}.
 * @module
 */
import type { Kernel, TypedArray } from '../types.js';
import { Specialised, kindOf } from './specialise.js';

/** The attributes: ε and which affine inputs are present. */
export interface BatchNormAttrs {
  eps: number;
  hasWeight: boolean;
  hasBias: boolean;
}

type FwdLoop = (x: TypedArray, w: TypedArray | null, b: TypedArray | null, y: TypedArray, mu: TypedArray, va: TypedArray, N: number, C: number, S: number, eps: number) => void;
type BwdLoop = (x: TypedArray, mu: TypedArray, va: TypedArray, g: TypedArray, w: TypedArray | null, gx: TypedArray, gw: TypedArray, gb: TypedArray, N: number, C: number, S: number, eps: number) => void;

function forwardLoop(): FwdLoop {
  return (x, w, b, y, mu, va, N, C, S, eps) => {
    const M = N * S, sum = new Float64Array(C), sq = new Float64Array(C);
    for (let n = 0; n < N; n++) {
      for (let c = 0; c < C; c++) {
        const base = (n * C + c) * S;
        let s = 0;
        for (let k = 0; k < S; k++) s += x[base + k]!;
        sum[c]! += s;
      }
    }
    for (let c = 0; c < C; c++) sum[c] = sum[c]! / M;
    for (let n = 0; n < N; n++) {
      for (let c = 0; c < C; c++) {
        const base = (n * C + c) * S, m = sum[c]!;
        let q = 0;
        for (let k = 0; k < S; k++) {
          const d = x[base + k]! - m;
          q += d * d;
        }
        sq[c]! += q;
      }
    }
    for (let c = 0; c < C; c++) {
      mu[c] = sum[c]!;
      va[c] = sq[c]! / M;
    }
    for (let n = 0; n < N; n++) {
      for (let c = 0; c < C; c++) {
        const base = (n * C + c) * S, m = sum[c]!, r = 1 / Math.sqrt(sq[c]! / M + eps);
        const a = w !== null ? r * w[c]! : r, o = b !== null ? b[c]! : 0;
        for (let k = 0; k < S; k++) y[base + k] = (x[base + k]! - m) * a + o;
      }
    }
  };
}

function backwardLoop(): BwdLoop {
  return (x, mu, va, g, w, gx, gw, gb, N, C, S, eps) => {
    const M = N * S, sg = new Float64Array(C), sgx = new Float64Array(C), rs = new Float64Array(C);
    for (let c = 0; c < C; c++) rs[c] = 1 / Math.sqrt(va[c]! + eps);
    for (let n = 0; n < N; n++) {
      for (let c = 0; c < C; c++) {
        const base = (n * C + c) * S, m = mu[c]!, r = rs[c]!;
        let a = 0, bq = 0;
        for (let k = 0; k < S; k++) {
          const gk = g[base + k]!;
          a += gk;
          bq += gk * (x[base + k]! - m) * r;
        }
        sg[c]! += a;
        sgx[c]! += bq;
      }
    }
    for (let n = 0; n < N; n++) {
      for (let c = 0; c < C; c++) {
        const base = (n * C + c) * S, m = mu[c]!, r = rs[c]!;
        const k1 = sg[c]! / M, k2 = sgx[c]! / M, sc = w !== null ? r * w[c]! : r;
        for (let k = 0; k < S; k++) gx[base + k] = sc * (g[base + k]! - k1 - (x[base + k]! - m) * r * k2);
      }
    }
    for (let c = 0; c < C; c++) {
      gw[c] = sgx[c]!;
      gb[c] = sg[c]!;
    }
  };
}

const fwd = [new Specialised('batchNorm32', forwardLoop, []), new Specialised('batchNorm64', forwardLoop, [])];
const bwd = [new Specialised('batchNormGrad32', backwardLoop, []), new Specialised('batchNormGrad64', backwardLoop, [])];

const dims = (shape: readonly number[]): [number, number, number] => {
  let S = 1;
  for (let d = 2; d < shape.length; d++) S *= shape[d]!;
  return [shape[0]!, shape[1]!, S];
};

/** batchNorm (training); inputs (x, weight?, bias?) as `attrs` says, outputs (y, mean [C], biased variance [C]). */
export const batchNormKernel: Kernel = (inputs, [y, mu, va], { eps, hasWeight, hasBias }: BatchNormAttrs) => {
  const x = inputs[0]!, k = kindOf(x.data);
  const w = hasWeight ? inputs[1]!.data : null, b = hasBias ? inputs[hasWeight ? 2 : 1]!.data : null;
  fwd[k]!.get(k)(x.data, w, b, y!.data, mu!.data, va!.data, ...dims(x.shape), eps);
};

/** batchNormGrad; inputs (x, mean, biased variance, g, weight?), outputs (gx, gweight [C], gbias [C]). */
export const batchNormGradKernel: Kernel = (inputs, [gx, gw, gb], { eps, hasWeight }: BatchNormAttrs) => {
  const [x, mu, va, g] = inputs, k = kindOf(x!.data);
  bwd[k]!.get(k)(x!.data, mu!.data, va!.data, g!.data, hasWeight ? inputs[4]!.data : null, gx!.data, gw!.data, gb!.data, ...dims(x!.shape), eps);
};
