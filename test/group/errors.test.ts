import { describe, expect, it } from 'vitest';
import {
  A, C, D, MAX_ENUMERATED_ORDER, checkGroupSize, MAX_GENERATOR_ENTRIES, MAX_GROUP_DIM, O, P4, P4M, S, SL, SO, Sp, Trivial, Z, customGroup, embed,
  isFinite, parseGroup, product, rotation2,
} from '../../src/group/index.js';
import type { FiniteGroup } from '../../src/group/index.js';
import { ParseError, SizeError, ValueError } from '../../src/util/errors.js';
import { thrown } from '../helpers/named-errors.js';

describe('parseGroup: no lookups through the object prototype', () => {
  for (const name of ['constructor', 'valueOf', 'toString', '__proto__', 'hasOwnProperty', 'constructor(3)', 'toString(3)', '__proto__(2)', 'isPrototypeOf(1)']) {
    it(`"${name}" is a ParseError`, () => {
      const e = thrown(() => parseGroup(name));
      expect(e).toBeInstanceOf(ParseError);
      expect(e.message).toContain('parseGroup');
    });
  }
  it('a product with a prototype name is a ParseError', () => {
    expect(() => parseGroup('S(3)xconstructor')).toThrow(ParseError);
  });
});

describe('parseGroup: non-string arguments', () => {
  for (const v of [3, null, undefined, {}, ['SO(3)'], Symbol.iterator] as unknown[]) {
    it(`${String(typeof v === 'symbol' ? 'symbol' : JSON.stringify(v))} is a ParseError`, () => {
      expect(() => parseGroup(v as string)).toThrow(ParseError);
    });
  }
});

describe('size limits: SizeError before allocating, naming the call', () => {
  const cases: [string, () => unknown][] = [
    ['P4(2147483648)', () => P4(2147483648)],
    ['P4M(39)', () => P4M(39)],
    ['S(1000)', () => S(1000)],
    ['A(1000)', () => A(1000)],
    ['Z(5000)', () => Z(5000)],
    ['Trivial(100000)', () => Trivial(100000)],
    ['SO(1000)', () => SO(1000)],
    ['O(200)', () => O(200)],
    ['SL(100)', () => SL(100)],
    ['Sp(200)', () => Sp(200)],
  ];
  for (const [name, f] of cases) {
    it(name, () => {
      const e = thrown(f);
      expect(e).toBeInstanceOf(SizeError);
      expect(e).toBeInstanceOf(ValueError);
      expect(e.message).toContain(name.slice(0, name.indexOf('(')));
    });
  }
  it('parseGroup prefixes the call and keeps the class', () => {
    const e = thrown(() => parseGroup('P4(2147483648)'));
    expect(e).toBeInstanceOf(SizeError);
    expect(e.message).toMatch(/^parseGroup\("P4\(2147483648\)"\): P4\(2147483648\): dimension d = 4611686018427388000/);
    expect(thrown(() => parseGroup('S(1000)'))).toBeInstanceOf(SizeError);
    expect(thrown(() => parseGroup('S(99999999999999999999999)'))).toBeInstanceOf(SizeError);
    expect(thrown(() => parseGroup(`S(${'9'.repeat(400)})`))).toBeInstanceOf(ValueError); // Infinity is not an integer
  });
  it('products and embeddings check the product dimension first', () => {
    const z = Z(100);
    expect(thrown(() => product(z, z))).toBeInstanceOf(SizeError);
    expect(thrown(() => parseGroup('Z(100)xZ(100)'))).toBeInstanceOf(SizeError);
    expect(thrown(() => embed(SO(2), MAX_GROUP_DIM + 1, 0, 2))).toBeInstanceOf(SizeError);
  });
  it('the documented boundaries: S(161), SO(54), SL(45), P4(45), P4M(38) fit; one more does not', () => {
    expect(() => checkGroupSize('S(161)', 161, 160)).not.toThrow();
    expect(() => checkGroupSize('S(162)', 162, 161)).toThrow(SizeError);
    expect(() => checkGroupSize('SO(54)', 54, (54 * 53) / 2)).not.toThrow();
    expect(() => checkGroupSize('SO(55)', 55, (55 * 54) / 2)).toThrow(SizeError);
    expect(() => checkGroupSize('SL(45)', 45, 45 * 45 - 1)).not.toThrow();
    expect(() => checkGroupSize('SL(46)', 46, 46 * 46 - 1)).toThrow(SizeError);
    expect(() => checkGroupSize('P4(45)', 45 * 45, 1)).not.toThrow();
    expect(() => checkGroupSize('P4(46)', 46 * 46, 1)).toThrow(SizeError);
    expect(() => checkGroupSize('P4M(38)', 38 * 38, 2)).not.toThrow();
    expect(() => checkGroupSize('P4M(39)', 39 * 39, 2)).toThrow(SizeError);
    expect(() => S(162)).toThrow(SizeError);
    expect(() => P4(46)).toThrow(SizeError);
    expect(MAX_GENERATOR_ENTRIES).toBe(2 ** 22);
    expect(P4(28).d).toBe(784);
  });
  it('a catalog group whose order is over the enumeration limit fails at once with SizeError', () => {
    const g = S(10);
    expect(isFinite(g)).toBe(true);
    const e = thrown(() => (g as FiniteGroup).order, 200);
    expect(e).toBeInstanceOf(SizeError);
    expect(e.message).toContain('3628800');
    expect(thrown(() => (C(MAX_ENUMERATED_ORDER + 1) as FiniteGroup).elements(), 200)).toBeInstanceOf(SizeError);
    expect(D(4).order).toBe(8); // small ones still enumerate
  });
  it('non-integer parameters are ValueErrors', () => {
    expect(() => S(2.5)).toThrow(ValueError);
    expect(() => C(Number.NaN)).toThrow(ValueError);
    expect(() => SO('3' as unknown as number)).toThrow(ValueError);
    expect(() => Sp(3)).toThrow(ValueError);
  });
});

describe('customGroup validates its generators', () => {
  const I2 = Float64Array.of(1, 0, 0, 1);
  it('a zero (singular) generator is a ValueError, not a group of order 2', () => {
    expect(() => customGroup(2, { discreteGenerators: [new Float64Array(4)], finite: true })).toThrow(/singular/);
    expect(() => customGroup(2, { discreteGenerators: [Float64Array.of(1, 2, 2, 4)] })).toThrow(ValueError);
  });
  it('NaN / Infinity entries, wrong sizes, zero or bad d are ValueErrors', () => {
    expect(() => customGroup(2, { discreteGenerators: [Float64Array.of(1, 0, 0, Number.NaN)] })).toThrow(/non-finite/);
    expect(() => customGroup(2, { lieAlgebra: [Float64Array.of(0, Infinity, 0, 0)] })).toThrow(/non-finite/);
    expect(() => customGroup(2, { discreteGenerators: [Float64Array.of(1, 0, 0)] })).toThrow(/3 entries, not 2×2/);
    expect(() => customGroup(2, { discreteGenerators: [[1, 0, 0, 1] as unknown as Float64Array] })).toThrow(/not a Float64Array/);
    expect(() => customGroup(0, { discreteGenerators: [] })).toThrow(ValueError);
    expect(() => customGroup(1.5, { discreteGenerators: [] })).toThrow(ValueError);
    expect(() => customGroup(2, null as unknown as object)).toThrow(ValueError);
    expect(thrown(() => customGroup(MAX_GROUP_DIM + 1, { discreteGenerators: [] }))).toBeInstanceOf(SizeError);
  });
  it('finite: true with |det| ≠ 1 is a ValueError, not order 1002', () => {
    expect(() => customGroup(2, { discreteGenerators: [Float64Array.of(2, 0, 0, 1)], finite: true })).toThrow(/\|det\| = 1/);
  });
  it('finite: true on an infinite group with det 1 fails on use instead of reporting a fake order', () => {
    const stretch = customGroup(2, { discreteGenerators: [Float64Array.of(2, 0, 0, 0.5)], finite: true }) as FiniteGroup;
    expect(() => stretch.order).toThrow(ValueError);
    expect(() => stretch.order).toThrow(/overflows/); // the failure is kept and rethrown
  });
  it('an irrational rotation declared finite hits the enumeration limit with SizeError', () => {
    const g = customGroup(2, { discreteGenerators: [rotation2(1)], finite: true }) as FiniteGroup;
    expect(() => g.elements()).toThrow(SizeError);
  }, 30_000);
  it('valid generators still work', () => {
    const g = customGroup(2, { discreteGenerators: [rotation2(Math.PI / 2)], finite: true }) as FiniteGroup;
    expect(g.order).toBe(4);
    expect(customGroup(2, { discreteGenerators: [I2] }).d).toBe(2);
  });
});
