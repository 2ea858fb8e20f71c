/**
 * Errors of the equivariance harness that no general erlangen error class fits. Mismatches of
 * shapes, widths and dtypes between the declared actions and the data or the model's outputs are
 * the general ShapeError / DTypeError / ValueError (src/util/errors.ts). See docs/design/harness.md.
 * @module
 */
import { ErlangenError, ValueError } from '../util/index.js';

/**
 * The data or the model's output contains NaN or ±Infinity, so no equivariance error can be
 * measured; the message names the value (input/output index), its action and the first bad field.
 */
export class NonFiniteError extends ValueError {
  override name = 'NonFiniteError';
}

/**
 * An action cannot apply this particular group element (e.g. a 30° rotation on the exact lattice
 * action of a pixel grid). The harness records the element as skipped; a report whose every
 * element is skipped fails.
 */
export class UnsupportedElementError extends ErlangenError {
  override name = 'UnsupportedElementError';
}

/** Thrown by `assertGradcheck` when analytic and numeric gradients disagree; carries the printed report. */
export class GradcheckError extends ErlangenError {
  override name = 'GradcheckError';
}
