/**
 * Loss functions (PyTorch semantics and reductions): MSE, L1, Huber, cross-entropy with logits
 * (class indices or probabilities, label smoothing, class weights, ignore index), binary
 * cross-entropy with logits, negative log-likelihood.
 * @module
 */
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import { Tensor } from '../tensor.js';
import { reshape, sum } from './base.js';
import { abs, add, div, log1p, exp, mul, neg, relu, square, sub, where, lt } from './elementwise.js';
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
 */
export function crossEntropy(logits: Tensor, target: Tensor | Int32Array | readonly number[], opts: CrossEntropyOptions = {}): Tensor {
  requireTensor('crossEntropy', 'logits', logits);
  return asOp('crossEntropy', () => {
    if (logits.ndim !== 2) throw new ShapeError(`crossEntropy: logits must be [N, C], got ${fmtShape(logits.shape)}`);
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
