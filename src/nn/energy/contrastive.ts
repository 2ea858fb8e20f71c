/**
 * Contrastive losses on energies (LeCun, Chopra, Hadsell, Ranzato, Huang, "A tutorial on
 * energy-based learning", 2006, §2.2 and Table 1): each pushes the energy E⁺ of the correct answer
 * down and the energy E⁻ of incorrect answers up.
 * @module
 */
import { Tensor, exp, logsumexp, concat, mean, sum, relu, softplus, square } from '../../tensor/index.js';
import type { Reduction } from '../../tensor/index.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../util/errors.js';

function reduce(op: string, l: Tensor, r: Reduction): Tensor {
  if (r === 'mean') return mean(l);
  if (r === 'sum') return sum(l);
  if (r === 'none') return l;
  throw new ValueError(`${op}: unknown reduction '${r as string}' (use 'mean', 'sum' or 'none')`);
}

/**
 * Check E⁺ [N] and E⁻ [N] or [N, K]; returns E⁻ as [N, K].
 * @internal
 */
export function checkEnergies(op: string, ePos: Tensor, eNeg: Tensor): Tensor {
  if (!(ePos instanceof Tensor) || !(eNeg instanceof Tensor)) throw new DTypeError(`${op}: energies must be tensors`);
  if (ePos.dtype === 'int32' || eNeg.dtype === 'int32') throw new DTypeError(`${op}: energies must be float tensors, got ${ePos.dtype} and ${eNeg.dtype}`);
  if (ePos.ndim !== 1 || (eNeg.ndim !== 1 && eNeg.ndim !== 2) || eNeg.shape[0] !== ePos.shape[0] || (eNeg.ndim === 2 && eNeg.shape[1] === 0)) {
    throw new ShapeError(`${op}: E⁺ must be [N] and E⁻ [N] or [N, K] (K ≥ 1 negatives per sample), got ${fmtShape(ePos.shape)} and ${fmtShape(eNeg.shape)}`);
  }
  return eNeg.ndim === 1 ? eNeg.reshape([eNeg.shape[0]!, 1]) : eNeg;
}

/** The most offending incorrect answer: min_k E⁻_k [N]. */
function offending(op: string, ePos: Tensor, eNeg: Tensor): Tensor {
  return checkEnergies(op, ePos, eNeg).min(1);
}

/**
 * Hinge loss: L = max(0, m + E⁺ − E⁻), with E⁻ the most offending incorrect answer (min over K
 * negatives). Zero once every negative is at least the margin m above the positive.
 *
 * @param ePos [N] energies of the correct answers
 * @param eNeg [N] or [N, K] energies of incorrect answers
 * @example
 * ```ts
 * hingeEnergyLoss(tensor([0.5]), tensor([1.0]), { margin: 1 }).item(); // 0.5
 * ```
 */
export function hingeEnergyLoss(ePos: Tensor, eNeg: Tensor, opts: { margin?: number; reduction?: Reduction } = {}): Tensor {
  const m = opts.margin ?? 1;
  if (!(m >= 0)) throw new ValueError(`hingeEnergyLoss: margin must be non-negative, got ${m}`);
  return reduce('hingeEnergyLoss', relu(ePos.sub(offending('hingeEnergyLoss', ePos, eNeg)).add(m)), opts.reduction ?? 'mean');
}

/** Log loss (soft hinge): L = log(1 + exp(E⁺ − E⁻)), E⁻ the most offending negative. */
export function logEnergyLoss(ePos: Tensor, eNeg: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  return reduce('logEnergyLoss', softplus(ePos.sub(offending('logEnergyLoss', ePos, eNeg))), opts.reduction ?? 'mean');
}

/** Square-square loss: L = (E⁺)² + max(0, m − E⁻)², for non-negative energies (E⁻ the most offending negative). */
export function squareSquareEnergyLoss(ePos: Tensor, eNeg: Tensor, opts: { margin?: number; reduction?: Reduction } = {}): Tensor {
  const m = opts.margin ?? 1;
  if (!(m >= 0)) throw new ValueError(`squareSquareEnergyLoss: margin must be non-negative, got ${m}`);
  const neg = offending('squareSquareEnergyLoss', ePos, eNeg);
  return reduce('squareSquareEnergyLoss', square(ePos).add(square(relu(neg.neg().add(m)))), opts.reduction ?? 'mean');
}

/** Square-exponential loss: L = (E⁺)² + γ·exp(−E⁻) (E⁻ the most offending negative). */
export function squareExponentialEnergyLoss(ePos: Tensor, eNeg: Tensor, opts: { gamma?: number; reduction?: Reduction } = {}): Tensor {
  const g = opts.gamma ?? 1;
  if (!(g > 0)) throw new ValueError(`squareExponentialEnergyLoss: gamma must be positive, got ${g}`);
  const neg = offending('squareExponentialEnergyLoss', ePos, eNeg);
  return reduce('squareExponentialEnergyLoss', square(ePos).add(exp(neg.neg()).mul(g)), opts.reduction ?? 'mean');
}

/**
 * Negative log-likelihood loss of the Gibbs distribution P(y|x) = e^{−βE(y)} / Σ_{y'} e^{−βE(y')}:
 *
 *   L = E⁺ + (1/β) log( e^{−βE⁺} + Σ_k e^{−βE⁻_k} ),
 *
 * with the partition sum over the correct answer and the K given negatives (all answers, for a
 * discrete answer set; sampled ones, for a contrastive estimate). It pushes every negative up in
 * proportion to its probability.
 *
 * @param ePos [N]
 * @param eNeg [N, K] (or [N] for one negative)
 */
export function nllEnergyLoss(ePos: Tensor, eNeg: Tensor, opts: { beta?: number; reduction?: Reduction } = {}): Tensor {
  const beta = opts.beta ?? 1;
  if (!(beta > 0)) throw new ValueError(`nllEnergyLoss: beta must be positive, got ${beta}`);
  const neg = checkEnergies('nllEnergyLoss', ePos, eNeg);
  const all = concat([ePos.reshape([ePos.shape[0]!, 1]), neg], 1).mul(-beta);
  return reduce('nllEnergyLoss', ePos.add(logsumexp(all, 1).div(beta)), opts.reduction ?? 'mean');
}
