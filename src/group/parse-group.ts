/**
 * Group names as accepted by the CLI: `S(n) A(n) C(n) D(n) Z(n) SO(n) O(n) SO13p SO13 O13
 * Sp(2m) SL(n) Tetrahedral Octahedral Icosahedral FullTetrahedral FullOctahedral FullIcosahedral
 * Trivial(n) P4(n) P4M(n)` and products `G1xG2` (also `G1×G2`).
 * @module
 */
import { ErlangenError, ParseError } from '../util/index.js';
import { A, C, D, FullIcosahedral, FullOctahedral, FullTetrahedral, Icosahedral, Octahedral, P4, P4M, S, Tetrahedral, Trivial, Z } from './catalog-finite.js';
import { O, O13, SL, SO, SO13, SO13p, Sp } from './catalog-lie.js';
import type { Group } from './group.js';
import { product } from './product.js';

// Maps, not object literals: a name such as "constructor" or "__proto__" must not find a prototype member.
const WITH_N = new Map<string, (n: number) => Group>(Object.entries({ S, A, C, D, Z, SO, O, Sp, SL, Trivial, P4, P4M }));
const NO_ARG = new Map<string, () => Group>(Object.entries({
  SO13p, SO13, O13, Tetrahedral, Octahedral, Icosahedral, FullTetrahedral, FullOctahedral, FullIcosahedral,
}));

/** Longest group name parseGroup reads (characters). */
export const MAX_GROUP_NAME_LENGTH = 10_000;

function splitProduct(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if ((ch === 'x' || ch === '×') && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.trim());
}

function short(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function parseOne(name: string): Group {
  const noArg = NO_ARG.get(name);
  if (noArg) return noArg();
  const m = /^([A-Za-z0-9]+?)\((\d+)\)$/.exec(name);
  const ctor = m ? WITH_N.get(m[1]!) : undefined;
  if (!m || !ctor) {
    throw new ParseError(`parseGroup: unknown group "${short(name)}"; expected one of ${[...[...WITH_N.keys()].map((k) => `${k}(n)`), ...NO_ARG.keys()].join(', ')} or a product G1xG2`);
  }
  return ctor(Number(m[2]));
}

/** Rethrow an error of a catalog constructor with the same class, its message prefixed by the parseGroup call. */
function rethrowNamed(e: unknown, name: string): never {
  if (e instanceof ErlangenError && !(e instanceof ParseError)) {
    const Ctor = e.constructor as new (message: string) => ErlangenError;
    throw new Ctor(`parseGroup("${short(name)}"): ${e.message}`);
  }
  throw e;
}

/**
 * Parse a group name such as `"SO(3)"`, `"S(4)xC(3)"`, `"SO13p"`.
 * @throws ParseError on a non-string argument or a name that is not in the grammar; ValueError
 *   (SizeError for sizes over the limits of src/group/limits.ts) from the catalog constructor,
 *   its message prefixed by the call.
 */
export function parseGroup(name: string): Group {
  if (typeof name !== 'string') throw new ParseError(`parseGroup: expected a string, got ${name === null ? 'null' : typeof name}`);
  if (name.length > MAX_GROUP_NAME_LENGTH) throw new ParseError(`parseGroup: name of ${name.length} characters exceeds ${MAX_GROUP_NAME_LENGTH}`);
  const parts = splitProduct(name.replace(/\s+/g, ''));
  if (parts.some((p) => p.length === 0)) throw new ParseError(`parseGroup: empty factor in "${short(name)}"`);
  try {
    return parts.map(parseOne).reduce((g, h) => product(g, h));
  } catch (e) {
    return rethrowNamed(e, name);
  }
}
