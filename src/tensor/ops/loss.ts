/**
 * Loss functions (PyTorch semantics and reductions): MSE, L1, Huber, cross-entropy with logits
 * (class indices or probabilities, label smoothing, class weights, ignore index), binary
 * cross-entropy with logits, negative log-likelihood.
 * @module
 */
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import { Tensor } from '../tensor.js';
import { permute, reshape, sum } from './base.js';
import { abs, add, div, log1p, exp, mul, neg, relu, square, sub, where, lt, gt, log } from './elementwise.js';
import { mean } from './reduce.js';
import { logSoftmax } from './functional.js';
import { takeAlongAxis } from './indexing.js';
import { asOp, requireTensor, toInt32Indices } from '../shape-util.js';

/** How a per-element loss is reduced. */
export type Reduction = 'mean' | 'sum' | 'none';

function reduce(l: Tensor, r: Reduction): Tensor {
  if (r === 'mean') return mean(l);
  if (r === 'sum') return sum(l);
  if (r === 'none') return l;
  throw new ValueError(`loss: unknown reduction '${r as string}' (use 'mean', 'sum' or 'none')`);
}

function sameShapes(op: string, a: Tensor, b: Tensor): void {
  if (a.ndim !== b.ndim || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new ShapeError(`${op}: input ${fmtShape(a.shape)} and target ${fmtShape(b.shape)} must have the same shape`);
  }
}

/** Mean squared error (x − y)². */
export function mseLoss(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  requireTensor('mseLoss', 'input', input);
  requireTensor('mseLoss', 'target', target);
  return asOp('mseLoss', () => {
    sameShapes('mseLoss', input, target);
    return reduce(square(sub(input, target)), reduction);
  });
}

/** Mean absolute error |x − y|. */
export function l1Loss(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  requireTensor('l1Loss', 'input', input);
  requireTensor('l1Loss', 'target', target);
  return asOp('l1Loss', () => {
    sameShapes('l1Loss', input, target);
    return reduce(abs(sub(input, target)), reduction);
  });
}

/** Huber loss: ½d² if |d| < δ else δ(|d| − ½δ). */
export function huberLoss(input: Tensor, target: Tensor, delta = 1, reduction: Reduction = 'mean'): Tensor {
  requireTensor('huberLoss', 'input', input);
  requireTensor('huberLoss', 'target', target);
  return asOp('huberLoss', () => {
    sameShapes('huberLoss', input, target);
    if (!(delta > 0)) throw new ValueError(`huberLoss: delta must be positive, got ${delta}`);
    const d = abs(sub(input, target));
    return reduce(where(lt(d, delta), mul(square(d), 0.5), mul(sub(d, 0.5 * delta), delta)), reduction);
  });
}

/** Options of `crossEntropy`. */
export interface CrossEntropyOptions {
  reduction?: Reduction;
  /** ε: the target becomes (1 − ε)·onehot + ε/C (Szegedy et al. 2016). */
  labelSmoothing?: number;
  /** Per-class weights [C] (class-index targets only). */
  weight?: Tensor;
  /** Targets equal to this are ignored (default −100, as PyTorch). */
  ignoreIndex?: number;
}

/**
 * Cross-entropy of logits [N, C] against class indices [N] (int32 tensor or numbers) or class
 * probabilities [N, C]: ℓ_n = −Σ_c q_{n,c} log softmax(x_n)_c.
 *
 * Spatial (K-dimensional) form, as `torch.nn.functional.cross_entropy`: logits [N, C, d1, …, dK]
 * with class indices [N, d1, …, dK] (an int32 tensor of that shape, or N·d1⋯dK numbers in
 * row-major order) or probabilities [N, C, d1, …, dK]; every position is one sample (weights,
 * ignoreIndex and labelSmoothing apply per position; 'mean' divides by the summed weights of the
 * non-ignored positions) and 'none' returns [N, d1, …, dK].
 */
export function crossEntropy(logits: Tensor, target: Tensor | Int32Array | readonly number[], opts: CrossEntropyOptions = {}): Tensor {
  requireTensor('crossEntropy', 'logits', logits);
  return asOp('crossEntropy', () => {
    if (logits.ndim > 2) return spatialCrossEntropy(logits, target, opts);
    if (logits.ndim !== 2) throw new ShapeError(`crossEntropy: logits must be [N, C] or [N, C, d1, …], got ${fmtShape(logits.shape)}`);
    const [N, C] = logits.shape as [number, number];
    const eps = opts.labelSmoothing ?? 0;
    if (!(eps >= 0 && eps <= 1)) throw new ValueError(`crossEntropy: labelSmoothing must be in [0, 1], got ${eps}`);
    const reduction = opts.reduction ?? 'mean';
    const logp = logSoftmax(logits, 1);
    if (target instanceof Tensor && target.dtype !== 'int32') {
      sameShapes('crossEntropy', logits, target);
      const q = eps > 0 ? add(mul(target, 1 - eps), eps / C) : target;
      return reduce(neg(sum(mul(q, logp), 1)), reduction);
    }
    const t = target instanceof Tensor ? target.data : target instanceof Int32Array ? target : toInt32Indices('crossEntropy', 'target', target);
    if (t.length !== N) throw new ShapeError(`crossEntropy: ${t.length} targets for ${N} rows of logits ${fmtShape(logits.shape)}`);
    const ignore = opts.ignoreIndex ?? -100;
    const idx = new Int32Array(N);
    const wRow = new (logits.dtype === 'float64' ? Float64Array : Float32Array)(N);
    const wd = opts.weight?.data;
    if (opts.weight && (opts.weight.ndim !== 1 || opts.weight.shape[0] !== C)) throw new ShapeError(`crossEntropy: weight ${fmtShape(opts.weight.shape)} must be [${C}]`);
    for (let n = 0; n < N; n++) {
      const c = t[n]!;
      if (c === ignore) { idx[n] = 0; wRow[n] = 0; continue; }
      if (!(c >= 0 && c < C)) throw new ValueError(`crossEntropy: target ${c} at row ${n} is not a class index in [0, ${C})`);
      idx[n] = c;
      wRow[n] = wd ? wd[c]! : 1;
    }
    const w = new Tensor(wRow, [N], logits.dtype);
    const picked = reshape(takeAlongAxis(logp, 1, new Tensor(idx, [N, 1], 'int32')), [N]);
    let per = mul(neg(picked), w);
    if (eps > 0) {
      // As PyTorch: the smoothing term is weighted per class, −Σ_c w_c log p_c (not by w[target]),
      // and is zero on ignored rows.
      const keep = new Tensor(wRow.map((_, n) => (t[n] === ignore ? 0 : 1)), [N], logits.dtype);
      const lw = wd ? mul(logp, new Tensor(wRow instanceof Float64Array ? Float64Array.from(wd) : Float32Array.from(wd), [1, C], logits.dtype)) : logp;
      per = add(mul(per, 1 - eps), mul(mul(neg(sum(lw, 1)), keep), eps / C));
    }
    if (reduction === 'mean') {
      let wsum = 0;
      for (let n = 0; n < N; n++) wsum += wRow[n]!;
      return div(sum(per), wsum);
    }
    return reduce(per, reduction);
  });
}

/** Spatial cross-entropy: move the class axis last, flatten the positions, reuse the [N, C] form. */
function spatialCrossEntropy(logits: Tensor, target: Tensor | Int32Array | readonly number[], opts: CrossEntropyOptions): Tensor {
  const [N, C] = logits.shape as [number, number];
  const spatial = logits.shape.slice(2);
  const rows = spatial.reduce((a, d) => a * d, N);
  const perm = [0, ...spatial.map((_, i) => i + 2), 1];
  const flat = (t: Tensor): Tensor => reshape(permute(t, perm), [rows, C]);
  let tgt: Tensor | Int32Array | readonly number[];
  if (target instanceof Tensor && target.dtype !== 'int32') {
    sameShapes('crossEntropy', logits, target);
    tgt = flat(target);
  } else if (target instanceof Tensor) {
    const want = [N, ...spatial];
    if (target.ndim !== want.length || target.shape.some((d, i) => d !== want[i])) {
      throw new ShapeError(`crossEntropy: class-index target ${fmtShape(target.shape)} must be ${fmtShape(want)} for logits ${fmtShape(logits.shape)}`);
    }
    tgt = reshape(target, [rows]);
  } else {
    if (target.length !== rows) throw new ShapeError(`crossEntropy: ${target.length} targets for logits ${fmtShape(logits.shape)} (N·d1⋯dK = ${rows} positions)`);
    tgt = target;
  }
  const reduction = opts.reduction ?? 'mean';
  const out = crossEntropy(flat(logits), tgt, { ...opts, reduction });
  return reduction === 'none' ? reshape(out, [N, ...spatial]) : out;
}

/** Options of {@link klDiv}. */
export interface KlDivOptions {
  /** 'mean' (over all elements, torch's default), 'batchmean' (sum / N, the true KL per sample), 'sum' or 'none'. */
  reduction?: Reduction | 'batchmean';
  /** The target holds log-probabilities instead of probabilities (default false). */
  logTarget?: boolean;
}

/**
 * Kullback–Leibler divergence loss, `torch.nn.functional.kl_div`, with `input` the
 * log-probabilities log q and `target` the probabilities p (or log p with `logTarget`):
 *
 *   ℓ = p·(log p − log q),  with 0 where p = 0;   logTarget: ℓ = e^{log p}·(log p − log q).
 *
 * 'batchmean' divides the sum by the first dimension (the KL divergence per sample); 'mean'
 * averages over all elements. Gradients w.r.t. both arguments (at p = 0 the target's is −log q,
 * the one-sided derivative; torch's is NaN there).
 * @throws ShapeError when the shapes differ; ValueError for an unknown reduction
 */
export function klDiv(input: Tensor, target: Tensor, opts: KlDivOptions = {}): Tensor {
  requireTensor('klDiv', 'input', input);
  requireTensor('klDiv', 'target', target);
  return asOp('klDiv', () => {
    sameShapes('klDiv', input, target);
    const r = opts.reduction ?? 'mean';
    let l: Tensor;
    if (opts.logTarget) {
      l = mul(exp(target), sub(target, input));
    } else {
      const pos = gt(target, 0);
      l = sub(where(pos, mul(target, log(where(pos, target, 1))), 0), mul(target, input));
    }
    if (r === 'batchmean') return input.ndim === 0 ? sum(l) : div(sum(l), input.shape[0]!);
    return reduce(l, r);
  });
}

/**
 * Smooth L1 loss, `torch.nn.functional.smooth_l1_loss`, with d = x − y:
 *
 *   ℓ = ½·d²/β if |d| < β, else |d| − ½·β;
 *
 * β = 0 is the L1 loss (as torch). Equals {@link huberLoss}(δ = β) / β for β > 0.
 * @throws ShapeError when the shapes differ; ValueError for β < 0
 */
export function smoothL1Loss(input: Tensor, target: Tensor, beta = 1, reduction: Reduction = 'mean'): Tensor {
  requireTensor('smoothL1Loss', 'input', input);
  requireTensor('smoothL1Loss', 'target', target);
  return asOp('smoothL1Loss', () => {
    sameShapes('smoothL1Loss', input, target);
    if (typeof beta !== 'number' || !(beta >= 0)) throw new ValueError(`smoothL1Loss: beta must be a non-negative number, got ${String(beta)}`);
    const d = abs(sub(input, target));
    if (beta === 0) return reduce(d, reduction);
    return reduce(where(lt(d, beta), mul(square(d), 0.5 / beta), sub(d, 0.5 * beta)), reduction);
  });
}

/** Negative log-likelihood of log-probabilities [N, C] at class indices [N]. */
export function nllLoss(logProbs: Tensor, target: Tensor | Int32Array | readonly number[], reduction: Reduction = 'mean'): Tensor {
  requireTensor('nllLoss', 'logProbs', logProbs);
  return asOp('nllLoss', () => {
    if (logProbs.ndim !== 2) throw new ShapeError(`nllLoss: input must be [N, C], got ${fmtShape(logProbs.shape)}`);
    const [N, C] = logProbs.shape as [number, number];
    const t = target instanceof Tensor ? target.data : target instanceof Int32Array ? target : toInt32Indices('nllLoss', 'target', target);
    if (target instanceof Tensor && target.dtype !== 'int32') throw new DTypeError('nllLoss: targets must be int32 class indices');
    if (t.length !== N) throw new ShapeError(`nllLoss: ${t.length} targets for ${N} rows`);
    for (let n = 0; n < N; n++) if (!(t[n]! >= 0 && t[n]! < C)) throw new ValueError(`nllLoss: target ${t[n]} at row ${n} is not a class index in [0, ${C})`);
    const picked = reshape(takeAlongAxis(logProbs, 1, new Tensor(Int32Array.from(t), [N, 1], 'int32')), [N]);
    return reduce(neg(picked), reduction);
  });
}

/**
 * Binary cross-entropy with logits, stable form: ℓ = max(x, 0) − x·y + log(1 + e^{−|x|}),
 * optionally with `posWeight` on the positive term.
 */
export function bceWithLogits(logits: Tensor, target: Tensor, opts: { reduction?: Reduction; posWeight?: Tensor | number } = {}): Tensor {
  requireTensor('bceWithLogits', 'logits', logits);
  requireTensor('bceWithLogits', 'target', target);
  return asOp('bceWithLogits', () => {
    sameShapes('bceWithLogits', logits, target);
    const softplusNeg = add(relu(neg(logits)), log1p(exp(neg(abs(logits))))); // log(1 + e^{−x})
    let l: Tensor;
    if (opts.posWeight === undefined) {
      l = add(mul(sub(1, target), logits), softplusNeg);
    } else {
      const pw = opts.posWeight;
      const lw = typeof pw === 'number' ? add(mul(target, pw - 1), 1) : add(mul(sub(pw, 1), target), 1);
      l = add(mul(sub(1, target), logits), mul(lw, softplusNeg));
    }
    return reduce(l, opts.reduction ?? 'mean');
  });
}
