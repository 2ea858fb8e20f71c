/**
 * Group names as accepted by the CLI: `S(n) A(n) C(n) D(n) Z(n) SO(n) O(n) SO13p SO13 O13
 * Sp(2m) SL(n) Tetrahedral Octahedral Icosahedral FullTetrahedral FullOctahedral FullIcosahedral
 * Trivial(n) P4(n) P4M(n)` and products `G1xG2` (also `G1×G2`).
 * @module
 */
import { ParseError } from '../util/index.js';
import { A, C, D, FullIcosahedral, FullOctahedral, FullTetrahedral, Icosahedral, Octahedral, P4, P4M, S, Tetrahedral, Trivial, Z } from './catalog-finite.js';
import { O, O13, SL, SO, SO13, SO13p, Sp } from './catalog-lie.js';
import type { Group } from './group.js';
import { product } from './product.js';

const WITH_N: Record<string, (n: number) => Group> = { S, A, C, D, Z, SO, O, Sp, SL, Trivial, P4, P4M };
const NO_ARG: Record<string, () => Group> = {
  SO13p, SO13, O13, Tetrahedral, Octahedral, Icosahedral, FullTetrahedral, FullOctahedral, FullIcosahedral,
};

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

function parseOne(name: string): Group {
  const noArg = NO_ARG[name];
  if (noArg) return noArg();
  const m = /^([A-Za-z0-9]+?)\((\d+)\)$/.exec(name);
  const ctor = m ? WITH_N[m[1]!] : undefined;
  if (!m || !ctor) {
    throw new ParseError(`parseGroup: unknown group "${name}"; expected one of ${[...Object.keys(WITH_N).map((k) => `${k}(n)`), ...Object.keys(NO_ARG)].join(', ')} or a product G1xG2`);
  }
  return ctor(Number(m[2]));
}

/** Parse a group name such as `"SO(3)"`, `"S(4)xC(3)"`, `"SO13p"`; throws ParseError. */
export function parseGroup(name: string): Group {
  const parts = splitProduct(name.replace(/\s+/g, ''));
  if (parts.some((p) => p.length === 0)) throw new ParseError(`parseGroup: empty factor in "${name}"`);
  return parts.map(parseOne).reduce((g, h) => product(g, h));
}
