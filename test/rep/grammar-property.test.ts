import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { O, S, SL } from '../../src/group/index.js';
import { maxAbsDiff } from '../../src/linalg/index.js';
import { parseRep } from '../../src/rep/index.js';

const leaves: Record<string, string[]> = {
  'S(3)': ['V', 'Scalar', '1', 'regular', 'dual(V)', 'T(1,0)', 'T(0,1)'],
  'SL(2)': ['V', 'Scalar', 'dual(V)', 'T(1,1)', 'T(0,2)'],
  'O(3)': ['V', 'Scalar', '0e', '1o', '2e', '1e', '0o'],
};

function exprArb(leafs: string[]): fc.Arbitrary<string> {
  const { expr } = fc.letrec<{ expr: string; leaf: string }>((tie) => ({
    leaf: fc.constantFrom(...leafs),
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      tie('leaf'),
      fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => `${a} + ${b}`),
      fc.tuple(tie('leaf'), tie('leaf')).map(([a, b]) => `${a}*${b}`),
      fc.tuple(fc.integer({ min: 2, max: 4 }), tie('leaf')).map(([n, a]) => `${n}${/^[0-9]/.test(a) ? 'x' : ''}${a}`),
      fc.tuple(tie('leaf'), fc.integer({ min: 0, max: 2 })).map(([a, k]) => `${a}^${k}`),
      tie('expr').map((a) => `(${a})`),
      fc.tuple(fc.integer({ min: 2, max: 3 }), tie('expr')).map(([n, a]) => `${n}(${a})`),
    ),
  }));
  return expr;
}

describe('grammar round-trip (property)', () => {
  const groups = { 'S(3)': S(3), 'SL(2)': SL(2), 'O(3)': O(3) };
  for (const [name, G] of Object.entries(groups)) {
    it(`${name}: parse(print(parse(s))) has the same key, size and matrices`, () => {
      const g = G.testingElements()[0]!;
      fc.assert(
        fc.property(exprArb(leaves[name]!), (s) => {
          const r = parseRep(s, G);
          if (r.size > 400) return;
          const back = parseRep(r.toString(), G);
          expect(back.key).toBe(r.key);
          expect(back.size).toBe(r.size);
          expect(maxAbsDiff(back.rho(g), r.rho(g))).toBe(0);
        }),
        { numRuns: 150, seed: 42 },
      );
    });
  }
});
