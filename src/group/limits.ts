/**
 * Size limits of groups, checked before anything is allocated, so that an oversized request
 * (`P4(2147483648)`, `S(1000)`, a product of many factors) is a {@link SizeError} naming the
 * constructor instead of a V8 abort or memory exhaustion. See docs/guide/02-groups-and-reps.md,
 * "Limits and errors".
 * @module
 */
import { SizeError, ValueError } from '../util/index.js';

/** Largest dimension d of a group's defining representation (matrices are d×d). */
export const MAX_GROUP_DIM = 4096;

/**
 * Largest number of stored generator entries, (discrete generators + Lie-algebra basis) · d²:
 * 2²² float64 values (32 MiB), which also keeps building any group under about 0.1 s. The catalog
 * maxima this gives: S(161), A(161), SO(54), O(54), SL(45), Sp(52), P4(45), P4M(38), Z(2048).
 */
export const MAX_GENERATOR_ENTRIES = 2 ** 22;

/** Largest group order that closure enumeration accepts. */
export const MAX_ENUMERATED_ORDER = 200_000;

/** Largest number of stored entries of an enumerated finite group, |G| · d² (2²⁴ float64 values, 128 MiB). */
export const MAX_ENUMERATED_ENTRIES = 2 ** 24;

/**
 * Check the integer parameter n of a catalog constructor `name(n)` (ValueError when it is not an
 * integer ≥ min).
 */
export function checkGroupParam(name: string, n: unknown, min: number): asserts n is number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min) {
    throw new ValueError(`${name}(n) needs an integer n ≥ ${min}, got ${typeof n === 'number' ? n : typeof n === 'string' ? JSON.stringify(n) : String(n)}`);
  }
}

/**
 * Check, before allocating, that a group on R^d with `count` stored generator matrices fits the
 * limits; throws SizeError naming `op`.
 * @param op the constructor the user called, e.g. `"S(1000)"`
 * @param d the dimension of the defining representation
 * @param count the number of d×d generator matrices (discrete plus Lie algebra)
 */
export function checkGroupSize(op: string, d: number, count: number): void {
  if (!(d <= MAX_GROUP_DIM)) {
    throw new SizeError(`${op}: dimension d = ${d} exceeds the limit ${MAX_GROUP_DIM} (MAX_GROUP_DIM)`);
  }
  const entries = count * d * d;
  if (!(entries <= MAX_GENERATOR_ENTRIES)) {
    throw new SizeError(`${op}: ${count} generators of size ${d}×${d} (${entries} entries) exceed the limit ${MAX_GENERATOR_ENTRIES} (MAX_GENERATOR_ENTRIES)`);
  }
}
