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
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit the operation (broadcasting, matmul inner dims, reshape sizes, …). */
export class ShapeError extends ErlangenError {}

/** Mixed or unsupported dtypes (e.g. float32 + float64, or math on an int32 index tensor). */
export class DTypeError extends ErlangenError {}

/** An index or axis out of range. */
export class IndexError extends ErlangenError {}

/** A value outside the domain an operation accepts (negative dropout probability, bad option, …). */
export class ValueError extends ErlangenError {}

/** Autograd misuse: backward on a non-scalar without a gradient, on a tensor that needs no grad, … */
export class GradError extends ErlangenError {}

/** Raised in anomaly mode when an op produces NaN or ±Inf; names the first offending op. */
export class AnomalyError extends ErlangenError {}

/** A kernel or backend is missing or failed. */
export class BackendError extends ErlangenError {}

/** A string (representation, group name, einsum equation, …) could not be parsed. */
export class ParseError extends ErlangenError {}

/** A mathematical object violates its contract (e.g. a representation that is not a homomorphism). */
export class ContractError extends ErlangenError {}

/**
 * A size that cannot be honoured: a shape whose element count cannot be allocated (or exceeds the
 * library's limits), integer values that overflow their storage, a group or representation too large
 * to build. Thrown before anything is allocated.
 */
export class SizeError extends ValueError {}

/** Bytes that are not a valid file of the expected format (truncated, corrupt, wrong magic or header). */
export class FormatError extends ErlangenError {}

/** Format a shape as `[2,3,4]` for error messages. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
