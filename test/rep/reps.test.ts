import { describe, expect, it } from 'vitest';
import { C, D, O, S, SO, SO13p, Sp, SL, A, Icosahedral, product, O13 } from '../../src/group/index.js';
import { Scalar, T, V, directSum, hom, irrep, parseRep, regular, tensorProduct } from '../../src/rep/index.js';
import type { Rep } from '../../src/rep/index.js';
import { ParseError, ValueError } from '../../src/util/index.js';
import { drhoError, homomorphismError } from './helpers.js';

const so3 = SO(3), o3 = O(3), so2 = SO(2), o2 = O(2);
const cases: [string, Rep][] = [
  ['SO(3) V', V(so3)],
  ['SO(3) V^2+V', parseRep('V^2 + V', so3)],
  ['SO(3) ir(2)', irrep(so3, 2)],
  ['SO(3) ir(3)*ir(1)', parseRep('ir(3)*ir(1)', so3)],
  ['O(3) 2x0e+1o+2e+3o', parseRep('2x0e + 1o + 2e + 3o', o3)],
  ['O(3) 1e*1o', parseRep('1e*1o', o3)],
  ['SO(2) ir(0)+ir(1)+ir(3)', parseRep('ir(0) + ir(1) + ir(3)', so2)],
  ['O(2) ir(0,0)+ir(1,0)+ir(1,2)', parseRep('ir(0,0) + ir(1,0) + ir(1,2)', o2)],
  ['C(6) all irreps', parseRep('ir(0)+ir(1)+ir(2)+ir(3)', C(6))],
  ['D(4) all irreps', parseRep('ir(0,0)+ir(1,0)+ir(0,2)+ir(1,2)+ir(1,1)', D(4))],
  ['D(5) irreps', parseRep('ir(0,0)+ir(1,0)+ir(1,1)+ir(1,2)', D(5))],
  ['S(4) regular', regular(S(4))],
  ['A(4) V^2', parseRep('V^2', A(4))],
  ['Icosahedral regular + V', parseRep('regular + V', Icosahedral())],
  ['SO13p T(1,1)+T(0,2)', parseRep('T(1,1) + T(0,2)', SO13p())],
  ['O13 T(2,1)', T(2, 1, O13())],
  ['Sp(4) V^2 + dual(V)', parseRep('V^2 + dual(V)', Sp(4))],
  ['SL(3) hom(V,V)', hom(V(SL(3)), V(SL(3)))],
  ['SO(2)xS(3) V*V', parseRep('V*V', product(so2, S(3)))],
  ['SO(3) (V+1)^2', parseRep('(V+1)^2', so3)],
];

describe('homomorphism and drho consistency for every kind of rep', () => {
  it.each(cases)('%s', (_n, r) => {
    expect(homomorphismError(r)).toBeLessThan(1e-9);
    expect(drhoError(r)).toBeLessThan(1e-6);
  });
});

describe('algebra normalisation and keys', () => {
  it('normalises sums, products and duals without changing layout', () => {
    const v = V(so3);
    expect(v.plus(v).toString()).toBe('2V');
    expect(v.tensor(v).toString()).toBe('V^2');
    expect(tensorProduct([v, Scalar(so3), v]).key).toBe('SO(3):V^2');
    expect(v.dual().key).toBe(v.key); // orthogonal group: V* = V
    expect(T(1, 2, so3).toString()).toBe('V^3');
    expect(T(1, 2, SO13p()).toString()).toBe('V*dual(V)^2');
    expect(directSum([v, v.pow(2)]).times(2).toString()).toBe('V + V^2 + V + V^2');
    expect(v.pow(0).toString()).toBe('Scalar');
    expect(v.pow(2).size).toBe(9);
    expect(hom(v.pow(2), v).toString()).toBe('V^3');
  });
  it('rejects mixing groups and bad multiplicities', () => {
    expect(() => V(so3).plus(V(o3))).toThrow(ValueError);
    expect(() => V(so3).times(0)).toThrow(ValueError);
  });
});

describe('string grammar', () => {
  const ok: [string, string, string][] = [
    ['V', 'SO(3)', 'V'], ['Scalar', 'SO(3)', 'Scalar'], ['1', 'SO(3)', 'Scalar'], ['3V', 'SO(3)', '3V'],
    ['V^2', 'SO(3)', 'V^2'], ['V*V', 'SO(3)', 'V^2'], ['dual(V)', 'SL(3)', 'dual(V)'], ['T(1,2)', 'SL(2)', 'V*dual(V)^2'],
    ['V + 1', 'S(3)', 'V + Scalar'], ['2(V+1)', 'S(3)', 'V + Scalar + V + Scalar'], ['16x0e + 8x1o', 'O(3)', '16x0e + 8x1o'],
    ['regular', 'C(4)', 'regular'], ['3(V*dual(V))', 'SL(2)', '3(V*dual(V))'], ['(V+1)*V', 'SO(3)', '(V + Scalar)*V'],
    ['100Scalar + 100V + 20V^2', 'S(6)', '100Scalar + 100V + 20V^2'], ['2x1y', 'O(3)', '2x1o'],
  ];
  const groups: Record<string, () => import('../../src/group/index.js').Group> = {
    'SO(3)': () => so3, 'SL(3)': () => SL(3), 'SL(2)': () => SL(2), 'S(3)': () => S(3), 'O(3)': () => o3, 'C(4)': () => C(4), 'S(6)': () => S(6),
  };
  it.each(ok)('%s over %s prints %s and round-trips', (src, g, printed) => {
    const G = groups[g]!();
    const r = parseRep(src, G);
    expect(r.toString()).toBe(printed);
    expect(parseRep(r.toString(), G).key).toBe(r.key);
  });
  it('errors are ParseErrors with a position', () => {
    for (const bad of ['', 'W', 'V^', '2', 'V + ', 'dual(V', 'ir(5)', '(V', 'V $']) {
      expect(() => parseRep(bad, C(4)), bad).toThrow(ParseError);
    }
    expect(() => parseRep('regular', so3)).toThrow(ParseError);
  });
});
