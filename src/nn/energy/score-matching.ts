/**
 * Denoising score matching (Vincent, "A connection between score matching and denoising
 * autoencoders", Neural Computation 2011): fit a model score s_θ(x) = −∇ₓE_θ(x) without the
 * normaliser and without second derivatives.
 * @module
 */
import { Tensor, randn } from '../../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';

/**
 * The denoising score-matching loss at noise level σ, weighted by σ² (Song & Ermon 2019) so that
 * its scale does not depend on σ:
 *
 *   x̃ = x + σε,  ε ~ N(0, I),    L = ½ · mean_n ‖σ·s_θ(x̃) + ε‖².
 *
 * The target −ε/σ is the score of the Gaussian kernel q_σ(x̃|x); the minimiser is the score of the
 * data density convolved with N(0, σ²I) (for σ → 0, the data score).
 *
 * @param score the model score s_θ: [N, D] → [N, D] (differentiable in its parameters)
 * @param x data [N, D]
 * @param sigma noise standard deviation σ > 0
 * @param rng source of ε (or pass `opts.noise` [N, D] to fix it)
 */
export function denoisingScoreMatchingLoss(score: (x: Tensor) => Tensor, x: Tensor, sigma: number, rng: Rng | null, opts: { noise?: Tensor } = {}): Tensor {
  if (!(sigma > 0)) throw new ValueError(`denoisingScoreMatchingLoss: sigma must be positive, got ${sigma}`);
  if (x.ndim !== 2 || x.shape[0] === 0) throw new ShapeError(`denoisingScoreMatchingLoss: x must be [N ≥ 1, D], got ${fmtShape(x.shape)}`);
  let eps = opts.noise;
  if (eps) {
    if (eps.ndim !== 2 || eps.shape[0] !== x.shape[0] || eps.shape[1] !== x.shape[1]) {
      throw new ShapeError(`denoisingScoreMatchingLoss: noise ${fmtShape(eps.shape)} must match x ${fmtShape(x.shape)}`);
    }
  } else {
    if (!rng) throw new ValueError('denoisingScoreMatchingLoss: need an rng or opts.noise');
    eps = randn(rng, x.shape, { dtype: x.dtype === 'float64' ? 'float64' : 'float32' });
  }
  const s = score(x.add(eps.mul(sigma)));
  if (s.ndim !== 2 || s.shape[0] !== x.shape[0] || s.shape[1] !== x.shape[1]) {
    throw new ShapeError(`denoisingScoreMatchingLoss: the score returned ${fmtShape(s.shape)} for x ${fmtShape(x.shape)}; it must have the shape of x`);
  }
  return s.mul(sigma).add(eps).square().sum(1).mean().mul(0.5);
}
