/**
 * Reference kernels of layer normalisation over the trailing `size` elements of each row (Ba et
 * al., arXiv:1607.06450), forward and backward, each one kernel instead of the eleven elementwise
 * ops and reductions of the composite formula:
 *
 * - `layerNorm`, inputs (x, weight?, bias?): per row μ = Σx / L, σ² = Σ(x − μ)² / L (biased,
 *   two passes), r = 1 / √(σ² + ε), and y = (x − μ) · r · γ + β; outputs (y, μ, r), the last two
 *   one value per row, kept for the backward pass.
 * - `layerNormGrad`, inputs (x, μ, r, g, weight?): with x̂ = (x − μ) · r and a = g ⊙ γ,
 *   gx = r · (a − mean(a) − x̂ · mean(a ⊙ x̂)) per row, gγ = Σ_rows g ⊙ x̂, gβ = Σ_rows g.
 *
 * Every row is computed in float64 and each output rounded once to the storage dtype; the sums
 * over rows (gγ, gβ) are accumulated in float64 in ascending row order, so results do not depend
 * on anything but the inputs.
 *
 * The loops are copied per dtype by {@link Specialised}.
 * @module
 */
import type { Kernel, TypedArray } from '../types.js';
import { Specialised, kindOf } from './specialise.js';

/** The attributes: L (elements normalised per row), ε, and which affine inputs are present. */
export interface LayerNormAttrs {
  size: number;
  eps: number;
  hasWeight: boolean;
  hasBias: boolean;
}

type FwdLoop = (x: TypedArray, w: TypedArray | null, b: TypedArray | null, y: TypedArray, mu: TypedArray, rs: TypedArray, rows: number, L: number, eps: number) => void;
type BwdLoop = (x: TypedArray, mu: TypedArray, rs: TypedArray, g: TypedArray, w: TypedArray | null, gx: TypedArray, gw: TypedArray, gb: TypedArray, rows: number, L: number) => void;

function forwardLoop(): FwdLoop {
  return (x, w, b, y, mu, rs, rows, L, eps) => {
    for (let i = 0; i < rows; i++) {
      const base = i * L;
      let s = 0;
      for (let j = 0; j < L; j++) s += x[base + j]!;
      const m = s / L;
      let q = 0;
      for (let j = 0; j < L; j++) {
        const d = x[base + j]! - m;
        q += d * d;
      }
      const r = 1 / Math.sqrt(q / L + eps);
      mu[i] = m;
      rs[i] = r;
      if (w !== null && b !== null) for (let j = 0; j < L; j++) y[base + j] = (x[base + j]! - m) * r * w[j]! + b[j]!;
      else if (w !== null) for (let j = 0; j < L; j++) y[base + j] = (x[base + j]! - m) * r * w[j]!;
      else if (b !== null) for (let j = 0; j < L; j++) y[base + j] = (x[base + j]! - m) * r + b[j]!;
      else for (let j = 0; j < L; j++) y[base + j] = (x[base + j]! - m) * r;
    }
  };
}

function backwardLoop(): BwdLoop {
  return (x, mu, rs, g, w, gx, gw, gb, rows, L) => {
    const accW = new Float64Array(L), accB = new Float64Array(L);
    for (let i = 0; i < rows; i++) {
      const base = i * L, m = mu[i]!, r = rs[i]!;
      let c1 = 0, c2 = 0;
      for (let j = 0; j < L; j++) {
        const gj = g[base + j]!, xh = (x[base + j]! - m) * r;
        const a = w !== null ? gj * w[j]! : gj;
        c1 += a;
        c2 += a * xh;
        accW[j]! += gj * xh;
        accB[j]! += gj;
      }
      c1 /= L;
      c2 /= L;
      for (let j = 0; j < L; j++) {
        const xh = (x[base + j]! - m) * r;
        const a = w !== null ? g[base + j]! * w[j]! : g[base + j]!;
        gx[base + j] = r * (a - c1 - xh * c2);
      }
    }
    for (let j = 0; j < L; j++) {
      gw[j] = accW[j]!;
      gb[j] = accB[j]!;
    }
  };
}

const fwd = [new Specialised('layerNorm32', forwardLoop, []), new Specialised('layerNorm64', forwardLoop, [])];
const bwd = [new Specialised('layerNormGrad32', backwardLoop, []), new Specialised('layerNormGrad64', backwardLoop, [])];

/** layerNorm; inputs (x, weight?, bias?) as `attrs` says, outputs (y, mean [rows], rstd [rows]). */
export const layerNormKernel: Kernel = (inputs, [y, mu, rs], { size, eps, hasWeight, hasBias }: LayerNormAttrs) => {
  const x = inputs[0]!, k = kindOf(x.data);
  const w = hasWeight ? inputs[1]!.data : null, b = hasBias ? inputs[hasWeight ? 2 : 1]!.data : null;
  const rows = size === 0 ? 0 : x.data.length / size;
  fwd[k]!.get(k)(x.data, w, b, y!.data, mu!.data, rs!.data, rows, size, eps);
};

/** layerNormGrad; inputs (x, mean, rstd, g, weight?), outputs (gx, gweight [L], gbias [L]). */
export const layerNormGradKernel: Kernel = (inputs, [gx, gw, gb], { size, hasWeight }: LayerNormAttrs) => {
  const [x, mu, rs, g] = inputs, k = kindOf(x!.data);
  const rows = size === 0 ? 0 : x!.data.length / size;
  bwd[k]!.get(k)(x!.data, mu!.data, rs!.data, g!.data, hasWeight ? inputs[4]!.data : null, gx!.data, gw!.data, gb!.data, rows, size);
};
