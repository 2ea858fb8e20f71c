/**
 * Loss modules: wrappers over the tensor loss functions (PyTorch semantics), so a loss can be
 * configured once and called like a layer.
 * @module
 */
import { bceWithLogits, crossEntropy, huberLoss, l1Loss, mseLoss, nllLoss } from '../tensor/index.js';
import type { CrossEntropyOptions, Reduction, Tensor } from '../tensor/index.js';
import { Module } from './module.js';

/** Class-index targets: an int32 tensor, an Int32Array or numbers. */
export type ClassTargets = Tensor | Int32Array | readonly number[];

/**
 * Mean squared error: ℓ = reduce((x − y)²).
 * @example
 * ```ts
 * new MSELoss().call(pred, target); // scalar
 * ```
 */
export class MSELoss extends Module<[Tensor, Tensor]> {
  /** @param reduction 'mean' (default), 'sum' or 'none' */
  constructor(readonly reduction: Reduction = 'mean') {
    super();
  }

  /** @param input any shape @param target same shape @returns scalar (or input's shape for 'none') */
  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, this.reduction);
  }
}

/**
 * Mean absolute error: ℓ = reduce(|x − y|).
 * @example
 * ```ts
 * new L1Loss('sum').call(pred, target);
 * ```
 */
export class L1Loss extends Module<[Tensor, Tensor]> {
  /** @param reduction 'mean' (default), 'sum' or 'none' */
  constructor(readonly reduction: Reduction = 'mean') {
    super();
  }

  /** @param input any shape @param target same shape @returns scalar (or input's shape for 'none') */
  forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, this.reduction);
  }
}

/**
 * Huber loss: ℓ = ½d² if |d| < δ else δ(|d| − ½δ), d = x − y.
 * @example
 * ```ts
 * new HuberLoss(0.5).call(pred, target);
 * ```
 */
export class HuberLoss extends Module<[Tensor, Tensor]> {
  /** @param delta δ > 0 (default 1) @param reduction 'mean' (default), 'sum' or 'none' */
  constructor(readonly delta = 1, readonly reduction: Reduction = 'mean') {
    super();
  }

  /** @param input any shape @param target same shape @returns scalar (or input's shape for 'none') */
  forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, this.delta, this.reduction);
  }
}

/**
 * Cross-entropy of logits: ℓ_n = −Σ_c q_{n,c} log softmax(x_n)_c, with class-index or probability
 * targets, label smoothing, class weights and an ignore index (see `crossEntropy`).
 * @example
 * ```ts
 * new CrossEntropyLoss({ labelSmoothing: 0.1 }).call(logits, [0, 2, 1]);
 * ```
 */
export class CrossEntropyLoss extends Module<[Tensor, ClassTargets]> {
  /** @param opts reduction, labelSmoothing, weight, ignoreIndex */
  constructor(readonly opts: CrossEntropyOptions = {}) {
    super();
  }

  /** @param logits [N, C] @param target [N] class indices or [N, C] probabilities @returns scalar (or [N]) */
  forward(logits: Tensor, target: ClassTargets): Tensor {
    return crossEntropy(logits, target, this.opts);
  }
}

/**
 * Negative log-likelihood of log-probabilities: ℓ_n = −x_{n, y_n}.
 * @example
 * ```ts
 * new NLLLoss().call(logits.logSoftmax(1), [0, 2, 1]);
 * ```
 */
export class NLLLoss extends Module<[Tensor, ClassTargets]> {
  /** @param reduction 'mean' (default), 'sum' or 'none' */
  constructor(readonly reduction: Reduction = 'mean') {
    super();
  }

  /** @param logProbs [N, C] @param target [N] class indices @returns scalar (or [N]) */
  forward(logProbs: Tensor, target: ClassTargets): Tensor {
    return nllLoss(logProbs, target, this.reduction);
  }
}

/**
 * Binary cross-entropy with logits: ℓ = max(x, 0) − x·y + log(1 + e^{−|x|}) (optionally with a
 * positive-class weight).
 * @example
 * ```ts
 * new BCEWithLogitsLoss().call(logits, targets01);
 * ```
 */
export class BCEWithLogitsLoss extends Module<[Tensor, Tensor]> {
  /** @param opts reduction (default 'mean'), posWeight */
  constructor(readonly opts: { reduction?: Reduction; posWeight?: Tensor | number } = {}) {
    super();
  }

  /** @param logits any shape @param target same shape, values in [0, 1] @returns scalar (or logits' shape) */
  forward(logits: Tensor, target: Tensor): Tensor {
    return bceWithLogits(logits, target, this.opts);
  }
}
