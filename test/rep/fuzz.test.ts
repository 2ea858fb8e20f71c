/**
 * Fuzz suite for the two string grammars: thousands of mutations of valid specs (inserted, deleted
 * and duplicated characters, huge numbers, deep nesting, prototype names, unicode, empty input).
 * Every case must either parse or throw an ErlangenError subclass, within 1 s.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { C, D, O3, S, SL, SO2, SO3, parseGroup } from '../../src/group/index.js';
import type { Group } from '../../src/group/index.js';
import { parseRep } from '../../src/rep/index.js';
import { ErlangenError } from '../../src/util/errors.js';

const GROUP_SEEDS = [
  'SO(3)', 'O(3)', 'S(4)', 'A(5)', 'C(6)', 'D(4)', 'Z(5)', 'SO(2)', 'O(2)', 'SL(2)', 'Sp(4)', 'Trivial(2)', 'P4(3)', 'P4M(3)',
  'SO13p', 'SO13', 'O13', 'Tetrahedral', 'Octahedral', 'Icosahedral', 'FullOctahedral', 'S(3)xC(2)', 'SO(2)×C(4)', 'D(3)xZ(2)xC(2)',
];

const REP_SEEDS = [
  'V', 'Scalar', '1', 'V^2', '3V', 'V*V', 'dual(V)', 'T(1,2)', 'V + 1', '2(V + 1)', '(V + Scalar)^2', 'V^2 + 3V + 1', 'regular',
  'ir(0)', 'ir(1)', 'ir(1,0)', 'ir(1,1)', '16x0e + 8x1o', '1o*2e', '2x1e + 0o', 'dual(V)*V', 'T(0,2) + V^3',
];

const PROTO = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'prototype', '__defineGetter__', 'then'];
const HUGE = ['2147483648', '4294967297', '9007199254740993', '9'.repeat(30), '9'.repeat(400), '0', '00', '65536', '1000'];
const CHARS = [...'()+*^x×,-: 0123456789VeoyTirSOACDZ_.[]{}"\'\\/', '\u0000', '\uFEFF', '\u00A0', 'é', '∞', '🙂', '\n', '\t', 'ﬁ', 'Ⅳ'];

type Mutation = (s: string) => string;

/** One mutation of a spec string, positions taken modulo the length. */
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), fc.constantFrom(...CHARS)).map(([i, c]): Mutation => (s) => {
    const k = i % (s.length + 1);
    return s.slice(0, k) + c + s.slice(k);
  }),
  fc.nat().map((i): Mutation => (s) => {
    if (!s) return s;
    const k = i % s.length;
    return s.slice(0, k) + s.slice(k + 1);
  }),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 2, max: 40 })).map(([i, len, times]): Mutation => (s) => {
    if (!s) return s;
    const k = i % s.length;
    const piece = s.slice(k, k + len);
    return s.slice(0, k) + piece.repeat(times) + s.slice(k + len);
  }),
  fc.tuple(fc.nat(), fc.constantFrom(...HUGE)).map(([i, n]): Mutation => (s) => {
    const nums = [...s.matchAll(/[0-9]+/g)];
    if (nums.length === 0) return `${n}${s}`;
    const m = nums[i % nums.length]!;
    return s.slice(0, m.index) + n + s.slice(m.index + m[0].length);
  }),
  fc.tuple(fc.nat(), fc.constantFrom(...PROTO)).map(([i, p]): Mutation => (s) => {
    const ids = [...s.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)];
    if (ids.length === 0) return p;
    const m = ids[i % ids.length]!;
    return s.slice(0, m.index) + p + s.slice(m.index + m[0].length);
  }),
  fc.tuple(fc.constantFrom('(', 'dual(', 'ir(', 'T('), fc.integer({ min: 1, max: 3000 })).map(([open, depth]): Mutation => (s) => `${open.repeat(depth)}${s}${')'.repeat(depth)}`),
  fc.constantFrom<Mutation>(() => '', (s) => ` ${s} `, (s) => `${s}^${'9'.repeat(12)}`, (s) => `${s}x${s}`, (s) => `${s}+`, (s) => `+${s}`, (s) => s.toLowerCase()),
);

function mutated(seeds: readonly string[]): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom(...seeds), fc.array(mutationArb, { minLength: 1, maxLength: 4 })).map(([s, ms]) => ms.reduce((acc, m) => m(acc), s));
}

/** Parse or throw an ErlangenError, within 1 s; returns the elapsed time. */
function parsesOrThrowsNamed(f: () => unknown, input: string): number {
  const t0 = performance.now();
  try {
    f();
  } catch (e) {
    if (!(e instanceof ErlangenError)) throw new Error(`input ${JSON.stringify(input.slice(0, 200))} threw ${(e as Error)?.name}: ${(e as Error)?.message}`);
  }
  const ms = performance.now() - t0;
  if (ms > 1000) throw new Error(`input ${JSON.stringify(input.slice(0, 200))} took ${ms.toFixed(0)} ms (limit 1000)`);
  return ms;
}

describe('fuzz: parseGroup', () => {
  it('3000 mutated group names each parse or throw an ErlangenError within 1 s', () => {
    let worst = 0;
    fc.assert(
      fc.property(mutated(GROUP_SEEDS), (s) => {
        worst = Math.max(worst, parsesOrThrowsNamed(() => parseGroup(s), s));
      }),
      { numRuns: 3000, seed: 20261202 },
    );
    expect(worst).toBeLessThan(1000);
  }, 60_000);
});

describe('fuzz: parseRep', () => {
  const groups: [string, Group][] = [['SO(3)', SO3()], ['O(3)', O3()], ['S(4)', S(4)], ['D(4)', D(4)], ['C(6)', C(6)], ['SO(2)', SO2()], ['SL(2)', SL(2)]];
  for (const [name, G] of groups) {
    it(`${name}: 700 mutated rep strings each parse or throw an ErlangenError within 1 s`, () => {
      let worst = 0;
      fc.assert(
        fc.property(mutated(REP_SEEDS), (s) => {
          worst = Math.max(worst, parsesOrThrowsNamed(() => parseRep(s, G), s));
        }),
        { numRuns: 700, seed: 7 + name.length },
      );
      expect(worst).toBeLessThan(1000);
    }, 60_000);
  }
  it('the fixed hostile inputs', () => {
    const G = SO3();
    for (const s of ['', ' ', '\uFEFF', '\u0000', ...PROTO, 'V^9999999999999', 'ir(99999999999)', `${'('.repeat(10_000)}V`, '9'.repeat(500), '1x'.repeat(1000), 'V'.repeat(5000)]) {
      parsesOrThrowsNamed(() => parseRep(s, G), s);
      parsesOrThrowsNamed(() => parseGroup(s), s);
    }
  });
});
