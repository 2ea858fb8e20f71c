/**
 * The margin loss of capsule networks (Sabour, Frosst & Hinton 2017, eq. 4) and capsule lengths.
 * @module
 */
import { fromData } from '../../tensor/index.js';
import type { Tensor } from '../../tensor/index.js';
import { IndexError, ShapeError, ValueError, fmtShape } from '../../util/errors.js';

/** Options of {@link marginLoss}. */
export interface MarginLossOptions {
  /** Upper margin m⁺ (default 0.9). */
  mPlus?: number;
  /** Lower margin m⁻ (default 0.1). */
  mMinus?: number;
  /** Down-weighting λ of the absent classes (default 0.5). */
  lambda?: number;
  /** 'mean' over the batch (default) or 'sum'. */
  reduction?: 'mean' | 'sum';
}

/**
 * Lengths ‖v_j‖ of capsule vectors along the last axis (the class probabilities of a capsule
 * network's output), with ε under the square root so that the gradient is finite at v = 0.
 * @param v [..., D]
 * @returns [...]
 */
export function capsuleLengths(v: Tensor, eps = 1e-12): Tensor {
  if (v.ndim < 1) throw new ShapeError(`capsuleLengths: input must have a capsule axis, got ${fmtShape(v.shape)}`);
  return v.square().sum([v.ndim - 1]).add(eps).sqrt();
}

/** One-hot [N, K] of `dtype` from class indices, each checked to lie in [0, K). */
export function oneHot(op: string, labels: Int32Array | readonly number[], N: number, K: number, dtype: 'float32' | 'float64'): Tensor {
  if (labels.length !== N) throw new ShapeError(`${op}: ${labels.length} labels for a batch of ${N}`);
  const t = dtype === 'float64' ? new Float64Array(N * K) : new Float32Array(N * K);
  for (let n = 0; n < N; n++) {
    const k = labels[n]!;
    if (!Number.isInteger(k) || k < 0 || k >= K) throw new IndexError(`${op}: label ${k} at ${n} is not a class in [0, ${K})`);
    t[n * K + k] = 1;
  }
  return fromData(t, [N, K]);
}

/**
 * Margin loss over class capsules' lengths (Sabour et al. 2017, eq. 4), summed over the classes:
 *
 *   L = Σ_k T_k max(0, m⁺ − ‖v_k‖)² + λ (1 − T_k) max(0, ‖v_k‖ − m⁻)²,
 *
 * with T_k = 1 for the true class. Defaults are the paper's m⁺ = 0.9, m⁻ = 0.1, λ = 0.5.
 * @param lengths ‖v_k‖ [N, K] (see {@link capsuleLengths})
 * @param labels class indices [N]
 * @throws ShapeError unless lengths are [N, K] with N labels; IndexError for a label outside
 * [0, K); ValueError for margins outside [0, 1] or m⁻ ≥ m⁺, or a negative λ
 */
export function marginLoss(lengths: Tensor, labels: Int32Array | readonly number[], opts: MarginLossOptions = {}): Tensor {
  const op = 'marginLoss';
  if (lengths.ndim !== 2) throw new ShapeError(`${op}: lengths must be [N, K], got ${fmtShape(lengths.shape)}`);
  const mPlus = opts.mPlus ?? 0.9, mMinus = opts.mMinus ?? 0.1, lambda = opts.lambda ?? 0.5;
  if (!(mPlus >= 0 && mPlus <= 1 && mMinus >= 0 && mMinus <= 1 && mMinus < mPlus)) {
    throw new ValueError(`${op}: need 0 ≤ mMinus < mPlus ≤ 1, got mPlus=${mPlus}, mMinus=${mMinus}`);
  }
  if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new ValueError(`${op}: lambda must be a finite number ≥ 0, got ${lambda}`);
  const reduction = opts.reduction ?? 'mean';
  if (reduction !== 'mean' && reduction !== 'sum') throw new ValueError(`${op}: reduction must be 'mean' or 'sum', got ${String(reduction)}`);
  const [N, K] = lengths.shape as [number, number];
  if (lengths.dtype !== 'float32' && lengths.dtype !== 'float64') throw new ValueError(`${op}: lengths must be float32 or float64, got ${lengths.dtype}`);
  const T = oneHot(op, labels, N, K, lengths.dtype);
  const present = lengths.neg().add(mPlus).relu().square().mul(T);
  const absent = lengths.sub(mMinus).relu().square().mul(T.neg().add(1)).mul(lambda);
  const perSample = present.add(absent).sum([1]);
  return reduction === 'mean' ? perSample.mean() : perSample.sum();
}
