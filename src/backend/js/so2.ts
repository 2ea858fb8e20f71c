/**
 * Reference kernels of the fused SO(2) transport primitives of gauge-equivariant mesh convolution
 * (docs/design/so2-kernels.md): rows of F = C·(2L+1) features, per channel block
 * [a₀, c₁, s₁, …, c_L, s_L], and per edge k a coefficient row t = [t₀, γ₁, σ₁, …, γ_L, σ_L]
 * ([E, 2L+1]; for a rotation by α with weight w: t₀ = w, γ_l = w·cos lα, σ_l = w·sin lα) acting
 * blockwise as R(t): a₀ ↦ t₀·a₀, (c_l, s_l) ↦ (γ_l c_l − σ_l s_l, σ_l c_l + γ_l s_l).
 *
 * - `so2Gather`: out[k] = R(t_k) x[index[k]] (x [R, F], index [E], coef [E, 2L+1]) → [E, F];
 * - `so2SegmentSum`: out[p] = Σ_{k : ids[k] = p} R(t_k) m[k] (m [E, F], coef, ids [E]) → [S, F];
 * - `so2CoefGrad`: out[k] = ∂⟨a[ia[k]], R(t) b[ib[k]]⟩/∂t (a [Ra, F], b [Rb, F], ia, ib) → [E, 2L+1],
 *   the coefficients' gradient of both ops: out[k, 0] = Σ_c a₀b₀, out[k, 2l−1] = Σ_c (a_c b_c + a_s b_s),
 *   out[k, 2l] = Σ_c (a_s b_c − a_c b_s).
 *
 * Arithmetic is that of the storage dtype, operation by operation (float32: every product, difference
 * and sum rounds to float32, as `f32x4` arithmetic does; no fused multiply-add), and the segment sums
 * add a segment's edges in ascending edge order — so the wasm and gpu kernels can reproduce these
 * bits exactly. `so2CoefGrad` accumulates in float64 and rounds once (like `gatherDot`).
 * @module
 */
import type { Kernel, KernelTensor } from '../types.js';
import { IndexError, ShapeError, fmtShape } from '../../util/errors.js';

/** Attributes of the SO(2) kernels. */
export interface So2Attrs {
  /** Highest rotation order L (blocks of 2L + 1 features). */
  maxOrder: number;
  /** Number of output segments (so2SegmentSum only). */
  numSegments?: number;
}

const fr = Math.fround;

function checkRange(op: string, what: string, idx: ArrayLike<number>, n: number, rowsOf: string): void {
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i]!;
    if (!(v >= 0 && v < n)) throw new IndexError(`${op}: ${what} ${v} at position ${i} is out of range [0, ${n}) for ${rowsOf}`);
  }
}

/** Row size F, block size B = 2L + 1 and channel count C of a kernel call; throws on F % B ≠ 0. */
export function so2Blocks(op: string, x: KernelTensor, L: number): { F: number; B: number; C: number } {
  const F = x.shape.length < 2 ? 1 : x.shape.slice(1).reduce((a, b) => a * b, 1);
  const B = 2 * L + 1;
  if (F % B !== 0) throw new ShapeError(`${op}: rows of ${fmtShape(x.shape)} have ${F} features, not a multiple of 2L+1 = ${B} (maxOrder ${L})`);
  return { F, B, C: F / B };
}

/**
 * y[yo …] (+)= R(t[to …]) x[xo …] for one row of C blocks; `acc` adds into y (float32: rounding each
 * term and each sum).
 */
function rotRow(x: ArrayLike<number>, xo: number, t: ArrayLike<number>, to: number, y: Float32Array | Float64Array, yo: number,
  C: number, L: number, f32: boolean, acc: boolean): void {
  const B = 2 * L + 1;
  if (f32) {
    for (let c = 0; c < C; c++) {
      const b = c * B;
      const v0 = fr(t[to]! * x[xo + b]!);
      y[yo + b] = acc ? fr(y[yo + b]! + v0) : v0;
      for (let l = 1; l <= L; l++) {
        const g = t[to + 2 * l - 1]!, s = t[to + 2 * l]!;
        const xc = x[xo + b + 2 * l - 1]!, xs = x[xo + b + 2 * l]!;
        const u = fr(fr(g * xc) - fr(s * xs)), v = fr(fr(s * xc) + fr(g * xs));
        const ic = yo + b + 2 * l - 1;
        if (acc) { y[ic] = fr(y[ic]! + u); y[ic + 1] = fr(y[ic + 1]! + v); } else { y[ic] = u; y[ic + 1] = v; }
      }
    }
  } else {
    for (let c = 0; c < C; c++) {
      const b = c * B;
      const v0 = t[to]! * x[xo + b]!;
      y[yo + b] = acc ? y[yo + b]! + v0 : v0;
      for (let l = 1; l <= L; l++) {
        const g = t[to + 2 * l - 1]!, s = t[to + 2 * l]!;
        const xc = x[xo + b + 2 * l - 1]!, xs = x[xo + b + 2 * l]!;
        const u = g * xc - s * xs, v = s * xc + g * xs;
        const ic = yo + b + 2 * l - 1;
        if (acc) { y[ic] = y[ic]! + u; y[ic + 1] = y[ic + 1]! + v; } else { y[ic] = u; y[ic + 1] = v; }
      }
    }
  }
}

/** so2Gather; inputs (x [R, F], index [E], coef [E, 2L+1]), attrs `{ maxOrder }` → [E, F]. */
export const so2GatherKernel: Kernel = ([x, gi, t], [o], { maxOrder: L }: So2Attrs) => {
  const { F, C } = so2Blocks('so2Gather', x!, L);
  const R = x!.shape[0]!, idx = gi!.data, E = idx.length, B = 2 * L + 1;
  checkRange('so2Gather', 'index', idx, R, `${R} rows of x ${fmtShape(x!.shape)}`);
  const y = o!.data as Float32Array | Float64Array, f32 = x!.dtype === 'float32';
  for (let k = 0; k < E; k++) rotRow(x!.data, idx[k]! * F, t!.data, k * B, y, k * F, C, L, f32, false);
};

/** so2SegmentSum; inputs (m [E, F], coef [E, 2L+1], ids [E]), attrs `{ maxOrder, numSegments }` → [S, F]. */
export const so2SegmentSumKernel: Kernel = ([m, t, si], [o], { maxOrder: L, numSegments: S }: So2Attrs) => {
  const { F, C } = so2Blocks('so2SegmentSum', m!, L);
  const ids = si!.data, E = ids.length, B = 2 * L + 1;
  checkRange('so2SegmentSum', 'segment id', ids, S!, `${S} segments (m ${fmtShape(m!.shape)})`);
  const y = o!.data as Float32Array | Float64Array, f32 = m!.dtype === 'float32';
  y.fill(0);
  for (let k = 0; k < E; k++) rotRow(m!.data, k * F, t!.data, k * B, y, ids[k]! * F, C, L, f32, true);
};

/** so2CoefGrad; inputs (a [Ra, F], b [Rb, F], ia [E], ib [E]), attrs `{ maxOrder }` → [E, 2L+1] (see the module doc). */
export const so2CoefGradKernel: Kernel = ([a, b, ia, ib], [o], { maxOrder: L }: So2Attrs) => {
  const { F, C } = so2Blocks('so2CoefGrad', a!, L);
  const Ra = a!.shape[0]!, Rb = b!.shape[0]!, I = ia!.data, J = ib!.data, E = I.length, B = 2 * L + 1;
  checkRange('so2CoefGrad', 'index into a', I, Ra, `${Ra} rows of a ${fmtShape(a!.shape)}`);
  checkRange('so2CoefGrad', 'index into b', J, Rb, `${Rb} rows of b ${fmtShape(b!.shape)}`);
  const A = a!.data, Bd = b!.data, r = o!.data;
  const acc = new Float64Array(B);
  for (let k = 0; k < E; k++) {
    const pa = I[k]! * F, pb = J[k]! * F;
    acc.fill(0);
    for (let c = 0; c < C; c++) {
      const q = c * B;
      acc[0]! += A[pa + q]! * Bd[pb + q]!;
      for (let l = 1; l <= L; l++) {
        const ac = A[pa + q + 2 * l - 1]!, as = A[pa + q + 2 * l]!, bc = Bd[pb + q + 2 * l - 1]!, bs = Bd[pb + q + 2 * l]!;
        acc[2 * l - 1]! += ac * bc + as * bs;
        acc[2 * l]! += as * bc - ac * bs;
      }
    }
    for (let j = 0; j < B; j++) r[k * B + j] = acc[j]!;
  }
};
