/**
 * Reference kernels of the fused message-passing primitives (the specification the CSR and wasm
 * kernels are tested against):
 *
 * - `gatherSegmentWeightedSum`: out[s, h, :] = Σ_{e : ids[e] = s} w[e, h] · x[gather[e], h, :]
 *   (SpMM with an edge-weighted sparse matrix; H weight columns, one per head);
 * - `gatherDot`: out[e, h] = Σ_d a[ia[e], h, d] · b[ib[e], h, d] (SDDMM, the weights' gradient);
 * - `segmentSoftmax`: per segment and column, exp(x − max) / Σ exp(x − max);
 * - `segmentSoftmaxGrad`: gx = y ⊙ (g − Σ_segment g ⊙ y), the softmax's vector–Jacobian product.
 *
 * Sums over edges are accumulated in ascending edge order in the storage dtype (float32 rounds per
 * term), so gather-style kernels that visit a segment's edges in ascending order reproduce them bit
 * for bit; the dot products of `gatherDot` are accumulated in float64 and rounded once.
 * @module
 */
import type { Kernel } from '../types.js';
import { IndexError, ValueError, fmtShape } from '../../util/errors.js';

function checkSorted(op: string, ids: ArrayLike<number>): void {
  for (let i = 1; i < ids.length; i++) {
    if (ids[i]! < ids[i - 1]!) throw new ValueError(`${op}: ids declared sorted but id ${ids[i]} at position ${i} follows ${ids[i - 1]}`);
  }
}

function checkRange(op: string, what: string, idx: ArrayLike<number>, n: number, rowsOf: string): void {
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i]!;
    if (!(v >= 0 && v < n)) throw new IndexError(`${op}: ${what} ${v} at position ${i} is out of range [0, ${n}) for ${rowsOf}`);
  }
}

/**
 * gatherSegmentWeightedSum; inputs (x [R, …], w [E, H], gather [E], ids [E]), attrs
 * `{ numSegments, heads }`: x's row of F values is split into H heads of F/H.
 */
export const gatherSegmentWeightedSumKernel: Kernel = ([x, w, gi, si], [o], { numSegments, heads }: { numSegments: number; heads: number }) => {
  const a = x!.data, wt = w!.data, g = gi!.data, ids = si!.data, r = o!.data;
  const R = x!.shape[0]!, E = g.length, H = heads;
  const F = R === 0 ? 0 : a.length / R, D = F / H;
  checkRange('gatherSegmentWeightedSum', 'segment id', ids, numSegments, `${numSegments} segments (x ${fmtShape(x!.shape)})`);
  checkRange('gatherSegmentWeightedSum', 'gather index', g, R, `${R} rows of x ${fmtShape(x!.shape)}`);
  r.fill(0);
  for (let e = 0; e < E; e++) {
    const dst = ids[e]! * F, src = g[e]! * F;
    for (let h = 0; h < H; h++) {
      const c = wt[e * H + h]!, off = h * D;
      for (let d = 0; d < D; d++) r[dst + off + d]! += c * a[src + off + d]!;
    }
  }
};

/**
 * gatherDot; inputs (a [Ra, …], b [Rb, …], ia [E], ib [E]) with equal row sizes F, attrs
 * `{ heads }`: out [E, H] holds the dot products of the H heads (F/H values each).
 */
export const gatherDotKernel: Kernel = ([a, b, ia, ib], [o], { heads }: { heads: number }) => {
  const A = a!.data, B = b!.data, i = ia!.data, j = ib!.data, r = o!.data;
  const Ra = a!.shape[0]!, Rb = b!.shape[0]!, E = i.length, H = heads;
  const F = Ra === 0 ? (Rb === 0 ? 0 : B.length / Rb) : A.length / Ra, D = F / H;
  checkRange('gatherDot', 'index into a', i, Ra, `${Ra} rows of a ${fmtShape(a!.shape)}`);
  checkRange('gatherDot', 'index into b', j, Rb, `${Rb} rows of b ${fmtShape(b!.shape)}`);
  for (let e = 0; e < E; e++) {
    const pa = i[e]! * F, pb = j[e]! * F;
    for (let h = 0; h < H; h++) {
      let acc = 0;
      for (let d = 0; d < D; d++) acc += A[pa + h * D + d]! * B[pb + h * D + d]!;
      r[e * H + h] = acc;
    }
  }
};

/**
 * segmentSoftmax; inputs (x [N, …], ids [N]), attrs `{ numSegments }`. Per segment and column:
 * m = max (NaN if any NaN), e = exp(x − m) (0 for x = −∞ unless m = −∞, which gives NaN as
 * −∞ − (−∞) does), out = e / Σ e. Rows of an empty segment do not exist, so no output is 0/0
 * except where the input already holds NaN or a whole segment is −∞.
 */
export const segmentSoftmaxKernel: Kernel = ([x, si], [o], { numSegments, sorted }: { numSegments: number; sorted?: boolean }) => {
  const a = x!.data, ids = si!.data, r = o!.data;
  const N = ids.length, S = numSegments;
  const C = N === 0 ? 0 : a.length / N;
  checkRange('segmentSoftmax', 'segment id', ids, S, `${S} segments (data ${fmtShape(x!.shape)})`);
  if (sorted) checkSorted('segmentSoftmax', ids);
  const m = new Float64Array(S * C).fill(-Infinity);
  for (let i = 0; i < N; i++) {
    const s = ids[i]! * C;
    for (let c = 0; c < C; c++) {
      const v = a[i * C + c]!, cur = m[s + c]!;
      if (v > cur || (v !== v && cur === cur)) m[s + c] = v;
    }
  }
  const sum = x!.dtype === 'float32' ? new Float32Array(S * C) : new Float64Array(S * C);
  for (let i = 0; i < N; i++) {
    const s = ids[i]! * C;
    for (let c = 0; c < C; c++) {
      r[i * C + c] = Math.exp(a[i * C + c]! - m[s + c]!);
      sum[s + c]! += r[i * C + c]!;
    }
  }
  for (let i = 0; i < N; i++) {
    const s = ids[i]! * C;
    for (let c = 0; c < C; c++) r[i * C + c] = r[i * C + c]! / sum[s + c]!;
  }
};

/**
 * segmentSoftmaxGrad; inputs (y [N, …] the softmax output, g [N, …] the upstream gradient,
 * ids [N]), attrs `{ numSegments }`: gx = y ⊙ (g − Σ_{segment} g ⊙ y), per column.
 */
export const segmentSoftmaxGradKernel: Kernel = ([y, g, si], [o], { numSegments }: { numSegments: number }) => {
  const Y = y!.data, G = g!.data, ids = si!.data, r = o!.data;
  const N = ids.length, S = numSegments;
  const C = N === 0 ? 0 : Y.length / N;
  checkRange('segmentSoftmaxGrad', 'segment id', ids, S, `${S} segments (data ${fmtShape(y!.shape)})`);
  const dot = y!.dtype === 'float32' ? new Float32Array(S * C) : new Float64Array(S * C);
  for (let i = 0; i < N; i++) {
    const s = ids[i]! * C;
    for (let c = 0; c < C; c++) dot[s + c]! += G[i * C + c]! * Y[i * C + c]!;
  }
  for (let i = 0; i < N; i++) {
    const s = ids[i]! * C;
    for (let c = 0; c < C; c++) r[i * C + c] = Y[i * C + c]! * (G[i * C + c]! - dot[s + c]!);
  }
};
