/**
 * Named error classes. Every error erlangen throws on bad input is one of these, with a stable
 * `name`, so callers (and tests) can match on the class rather than on message text.
 *
 * Messages name the operation and the offending shapes/values, e.g.
 * `matmul: inner dimensions differ: [2,3] @ [4,5] (3 ≠ 4)`.
 * @module
 */

/** Base class of every error raised by erlangen. */
export class ErlangenError extends Error {
  // Each subclass sets its name as a string literal (not from the class's own name), so the name
  // survives minifiers that rename classes in browser bundles.
  override name = 'ErlangenError';
  constructor(message: string) {
    super(message);
  }
}

/** Shapes that do not fit the operation (broadcasting, matmul inner dims, reshape sizes, …). */
export class ShapeError extends ErlangenError {
  override name = 'ShapeError';
}

/** Mixed or unsupported dtypes (e.g. float32 + float64, or math on an int32 index tensor). */
export class DTypeError extends ErlangenError {
  override name = 'DTypeError';
}

/** An index or axis out of range. */
export class IndexError extends ErlangenError {
  override name = 'IndexError';
}

/** A value outside the domain an operation accepts (negative dropout probability, bad option, …). */
export class ValueError extends ErlangenError {
  override name = 'ValueError';
}

/** Autograd misuse: backward on a non-scalar without a gradient, on a tensor that needs no grad, … */
export class GradError extends ErlangenError {
  override name = 'GradError';
}

/** Raised in anomaly mode when an op produces NaN or ±Inf; names the first offending op. */
export class AnomalyError extends ErlangenError {
  override name = 'AnomalyError';
}

/** A kernel or backend is missing or failed. */
export class BackendError extends ErlangenError {
  override name = 'BackendError';
}

/** A string (representation, group name, einsum equation, …) could not be parsed. */
export class ParseError extends ErlangenError {
  override name = 'ParseError';
}

/** A mathematical object violates its contract (e.g. a representation that is not a homomorphism). */
export class ContractError extends ErlangenError {
  override name = 'ContractError';
}

/**
 * A size that cannot be honoured: a shape whose element count cannot be allocated (or exceeds the
 * library's limits), integer values that overflow their storage, a group or representation too large
 * to build. Thrown before anything is allocated.
 */
export class SizeError extends ValueError {
  override name = 'SizeError';
}

/** Bytes that are not a valid file of the expected format (truncated, corrupt, wrong magic or header). */
export class FormatError extends ErlangenError {
  override name = 'FormatError';
}

/** Format a shape as `[2,3,4]` for error messages. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
