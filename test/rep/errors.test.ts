import { describe, expect, it } from 'vitest';
import { C, D, O3, S, SO2, SO3 } from '../../src/group/index.js';
import {
  MAX_REP_NESTING, MAX_REP_SIZE, MAX_TENSOR_FACTORS, Scalar, V, customRep, irrep, parseRep,
} from '../../src/rep/index.js';
import type { RepLeaf } from '../../src/rep/index.js';
import { ContractError, ParseError, ShapeError, SizeError, ValueError } from '../../src/util/errors.js';
import { thrown } from '../helpers/named-errors.js';

describe('parseRep: input checks', () => {
  const G = SO3();
  it('non-string text and a missing group are ParseErrors', () => {
    for (const v of [3, null, undefined, {}, ['V']] as unknown[]) expect(() => parseRep(v as string, G)).toThrow(ParseError);
    expect(() => parseRep('V', null as never)).toThrow(ParseError);
  });
  it('prototype names are unknown representations (ParseError)', () => {
    for (const s of ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'V + constructor']) {
      expect(() => parseRep(s, G)).toThrow(ParseError);
    }
  });
  it(`nesting deeper than ${MAX_REP_NESTING} is a ParseError, not a stack overflow`, () => {
    const deep = `${'('.repeat(100_000)}V${')'.repeat(100_000)}`;
    expect(thrown(() => parseRep(deep, G))).toBeInstanceOf(ParseError);
    expect(thrown(() => parseRep(`${'dual('.repeat(5000)}V${')'.repeat(5000)}`, G))).toBeInstanceOf(ParseError);
    expect(parseRep(`${'('.repeat(50)}V${')'.repeat(50)}`, G).size).toBe(3);
  });
  it('an over-long string is a ParseError', () => {
    expect(thrown(() => parseRep('V+'.repeat(60_000) + 'V', G))).toBeInstanceOf(ParseError);
  });
});

describe('rep size limits: SizeError before building', () => {
  const G = SO3();
  it('V^40 is a SizeError (and names parseRep)', () => {
    const e = thrown(() => parseRep('V^40', G));
    expect(e).toBeInstanceOf(SizeError);
    expect(e.message).toMatch(/^parseRep\("V\^40"\): /);
    expect(thrown(() => V(G).pow(40))).toBeInstanceOf(SizeError);
    expect(thrown(() => V(G).pow(1e9))).toBeInstanceOf(SizeError);
  });
  it('huge multiplicities and sums are SizeErrors', () => {
    expect(thrown(() => parseRep('99999999999999999999V', G))).toBeInstanceOf(SizeError);
    expect(thrown(() => parseRep('1000000000(V + 1)', G))).toBeInstanceOf(SizeError);
    expect(thrown(() => V(G).times(MAX_REP_SIZE))).toBeInstanceOf(SizeError);
    expect(thrown(() => parseRep('(V^9)*(V^9)', G))).toBeInstanceOf(SizeError);
  });
  it('a 1-dimensional factor to a huge power is a SizeError (not a hang at evaluation)', () => {
    const G2 = D(4);
    const det = irrep(G2, 1, 0);
    expect(det.size).toBe(1);
    expect(thrown(() => det.pow(1e12))).toBeInstanceOf(SizeError);
    expect(thrown(() => parseRep(`ir(1,0)^${MAX_TENSOR_FACTORS + 1}`, G2))).toBeInstanceOf(SizeError);
    expect(thrown(() => parseRep('(ir(1,0)*ir(0,2))^1000000000', G2))).toBeInstanceOf(SizeError);
    expect(Scalar(G2).pow(1e12).size).toBe(1); // Scalar^k = Scalar
  });
  it('rho of a rep too large for a dense matrix is a SizeError', () => {
    const big = V(S(4)).pow(12); // size 4^12 = 16.7M: a valid rep, not a dense matrix
    expect(thrown(() => big.rho(S(4).discreteGenerators[0]!))).toBeInstanceOf(SizeError);
  });
  it('rho of a matrix of the wrong size is a ShapeError', () => {
    expect(() => V(G).rho(new Float64Array(4))).toThrow(ShapeError);
  });
  it('irreps of a finite group over the finiteIrreps limit (|G| > 2000) are a SizeError', () => {
    expect(thrown(() => irrep(S(7), 0), 5000)).toBeInstanceOf(SizeError);
    expect(thrown(() => parseRep('ir(0)', S(7)), 5000)).toBeInstanceOf(SizeError);
  });
  it('regular of a group over the enumeration limit stays a SizeError through parseRep', () => {
    expect(thrown(() => parseRep('regular', S(10)))).toBeInstanceOf(SizeError);
  });
});

describe('irrep: indices', () => {
  it('SO(2) ir(1.5), SO(3) ir(-1), ir(1.5), NaN are ValueErrors naming irrep', () => {
    for (const [g, args] of [[SO2(), [1.5]], [SO3(), [-1]], [SO3(), [1.5]], [SO3(), [Number.NaN]], [C(4), [0.5]], [O3(), [1, 0]], [SO3(), []]] as const) {
      const e = thrown(() => irrep(g, ...(args as readonly number[])));
      expect(e).toBeInstanceOf(ValueError);
      expect(e.message).toMatch(/^irrep/);
    }
  });
  it('SO(3) l beyond the spherical-harmonics table is a SizeError, not a RangeError', () => {
    expect(thrown(() => irrep(SO3(), 1e15))).toBeInstanceOf(SizeError);
    expect(thrown(() => parseRep('ir(1000000)', SO3()))).toBeInstanceOf(SizeError);
    expect(thrown(() => parseRep('99999999o', O3()))).toBeInstanceOf(SizeError);
  });
});

describe('custom reps', () => {
  const G = SO3();
  const leaf = (rho: (g: Float64Array) => unknown): RepLeaf => ({
    name: 'W', size: 2, orthogonal: true, rho: rho as RepLeaf['rho'], drho: () => new Float64Array(4),
  });
  it('a rho returning a matrix of the wrong size is a ContractError naming the leaf', () => {
    const r = customRep(G, leaf(() => new Float64Array(9)));
    const e = thrown(() => r.rho(G.testingElements()[0]!));
    expect(e).toBeInstanceOf(ContractError);
    expect(e.message).toContain('"W"');
    expect(() => r.plus(V(G)).rho(G.testingElements()[0]!)).toThrow(ContractError);
    expect(() => customRep(G, leaf(() => [1, 0, 0, 1])).rho(G.testingElements()[0]!)).toThrow(ContractError);
    expect(() => customRep(G, leaf(() => null)).rho(G.testingElements()[0]!)).toThrow(ContractError);
  });
  it('a leaf without a valid size or rho is a ValueError', () => {
    expect(() => customRep(G, { ...leaf(() => null), size: 0 })).toThrow(ValueError);
    expect(() => customRep(G, { ...leaf(() => null), size: 2.5 })).toThrow(ValueError);
    expect(() => customRep(G, { ...leaf(() => null), rho: undefined as never })).toThrow(ValueError);
    expect(() => customRep(G, null as never)).toThrow(ValueError);
  });
});
