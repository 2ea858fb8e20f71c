/**
 * Neural-network functions: batchNorm and dropout (compositions of primitives, with the running
 * statistics and the mask as host-state primitives), and — re-exported from their own modules —
 * softmax, logSoftmax (./softmax.ts) and layerNorm (./layer-norm.ts), which are primitives.
 * @module
 */
import { ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import type { KernelTensor } from '../../backend/types.js';
import { dispatch, noGrad } from '../engine.js';
import type { OpDef } from '../op-def.js';
import type { Tensor } from '../tensor.js';
import { reshape } from './base.js';
import { add, mul, rsqrt, sub } from './elementwise.js';
import { batchNormTraining } from './batch-norm.js';
import { asOp, requireTensor } from '../shape-util.js';

export { softmax, logSoftmax } from './softmax.js';
export { layerNorm } from './layer-norm.js';

/** Options of `batchNorm`. */
export interface BatchNormOptions {
  /** Use batch statistics and update the running ones (default true). */
  training?: boolean;
  /** Running-average factor (default 0.1, as PyTorch). */
  momentum?: number;
  /** Added to the variance (default 1e-5). */
  eps?: number;
}

/**
 * Batch normalisation (Ioffe & Szegedy, 2015, arXiv:1502.03167) over all axes except the channel
 * axis 1: y = (x − μ) / √(σ² + ε) · γ + β. In training the batch statistics are used (biased
 * variance) and the running statistics are updated in place with the unbiased variance:
 * r ← (1 − m)·r + m·stat. In eval the running statistics are used.
 * @param x [N, C] or [N, C, …]
 */
export function batchNorm(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, weight?: Tensor | null, bias?: Tensor | null, opts: BatchNormOptions = {}): Tensor {
  requireTensor('batchNorm', 'x', x);
  return asOp('batchNorm', () => {
    if (x.ndim < 2) throw new ShapeError(`batchNorm: input must be [N, C, …], got ${fmtShape(x.shape)}`);
    const C = x.shape[1]!;
    const bshape = [1, C, ...new Array(x.ndim - 2).fill(1)];
    for (const [name, t] of [['runningMean', runningMean], ['runningVar', runningVar], ['weight', weight], ['bias', bias]] as const) {
      if (t && (t.ndim !== 1 || t.shape[0] !== C)) throw new ShapeError(`batchNorm: ${name} ${fmtShape(t.shape)} must be [${C}] for input ${fmtShape(x.shape)}`);
    }
    const training = opts.training ?? true;
    const eps = opts.eps ?? 1e-5, m = opts.momentum ?? 0.1;
    if (training) {
      const n = x.size / C;
      if (n <= 1) throw new ValueError(`batchNorm: expected more than one value per channel when training, got input ${fmtShape(x.shape)}`);
      const [y, mu, v] = batchNormTraining(x, weight ?? null, bias ?? null, eps);
      // An in-place primitive: run now when eager, recorded (and run on every replay) when tracing.
      if (runningMean && runningVar) {
        const stats = [runningMean, runningVar, mu, v];
        noGrad(() => dispatch(RUNNING_STATS_OP, stats, { momentum: m, n }));
      }
      return y;
    }
    if (!runningMean || !runningVar) throw new ValueError('batchNorm: eval mode needs running statistics');
    const mu = reshape(runningMean, bshape), v = reshape(runningVar, bshape);
    let y = mul(sub(x, mu), rsqrt(add(v, eps)));
    if (weight) y = mul(y, reshape(weight, bshape));
    if (bias) y = add(y, reshape(bias, bshape));
    return y;
  });
}

/**
 * Dropout (Srivastava et al., JMLR 2014): in training, zero each element with probability p and
 * scale the rest by 1/(1 − p); the mask comes from the explicit `rng`. Identity when not training.
 */
export function dropout(x: Tensor, p: number, rng: Rng, training = true): Tensor {
  requireTensor('dropout', 'x', x);
  return asOp('dropout', () => {
    if (!(p >= 0 && p < 1)) throw new ValueError(`dropout: p must be in [0, 1), got ${p}`);
    if (!training || p === 0) return x;
    const mask = dispatch(DROPOUT_MASK_OP, [], { shape: x.shape, dtype: x.dtype, p, rng } satisfies DropoutMaskAttrs)[0]!;
    return mul(x, mask);
  });
}

/** Attributes of the `dropoutMask` primitive. */
interface DropoutMaskAttrs {
  readonly shape: readonly number[];
  readonly dtype: Tensor['dtype'];
  readonly p: number;
  readonly rng: Rng;
}

/**
 * The dropout mask, a stochastic primitive without inputs: m_i = 0 with probability p, else
 * 1/(1 − p), one `rng.uniform()` per element in row-major order. Its host kernel draws at
 * execution time, so a replayed plan draws a fresh mask on every run from the same `Rng` an eager
 * run would use.
 */
const DROPOUT_MASK_OP: OpDef<DropoutMaskAttrs> = {
  name: 'dropoutMask',
  infer: (_inputs, a) => [{ shape: a.shape, dtype: a.dtype }],
  hostKernel: (_in: readonly KernelTensor[], [out]: readonly KernelTensor[], a: DropoutMaskAttrs) => {
    const mask = out!.data, rng = a.rng, p = a.p;
    const scale = 1 / (1 - p);
    for (let i = 0; i < mask.length; i++) mask[i] = rng.uniform() < p ? 0 : scale;
  },
};

/** Attributes of the `batchNormRunningStats` primitive. */
interface RunningStatsAttrs {
  readonly momentum: number;
  /** Values per channel in the batch (for the unbiased variance). */
  readonly n: number;
}

/**
 * The in-place update of batch norm's running statistics from the batch mean and (biased)
 * variance: r_μ ← (1 − m)·r_μ + m·μ, r_σ² ← (1 − m)·r_σ² + m·σ²·n/(n − 1). Inputs
 * [runningMean, runningVar, μ, σ²]; no outputs; writes (and bumps the versions of) inputs 0 and 1.
 */
const RUNNING_STATS_OP: OpDef<RunningStatsAttrs> = {
  name: 'batchNormRunningStats',
  infer: () => [],
  mutates: [0, 1],
  hostKernel: ([rmT, rvT, muT, vT]: readonly KernelTensor[], _out: readonly KernelTensor[], a: RunningStatsAttrs) => {
    const rm = rmT!.data, rv = rvT!.data, md = muT!.data, vd = vT!.data;
    const m = a.momentum, n = a.n, C = rm.length;
    for (let c = 0; c < C; c++) {
      rm[c] = (1 - m) * rm[c]! + m * md[c]!;
      rv[c] = (1 - m) * rv[c]! + m * vd[c]! * (n / (n - 1));
    }
  },
};
