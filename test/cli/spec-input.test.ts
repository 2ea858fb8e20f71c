import { describe, expect, it } from 'vitest';
import { BOM, resolveSpec, splitSpec, stripBom } from '../../src/cli/spec-input.js';

describe('cli spec input', () => {
  it('stripBom drops one leading byte-order mark only', () => {
    expect(stripBom(`${BOM}{"a":1}`)).toBe('{"a":1}');
    expect(stripBom('x\uFEFF')).toBe('x\uFEFF');
    expect(stripBom('')).toBe('');
  });
  it('splitSpec reads "G: REP -> REP" (BOM tolerated) and rejects other shapes', () => {
    expect(splitSpec(`${BOM}SO(3): V^2 -> V`)).toEqual({ group: 'SO(3)', in: 'V^2', out: 'V' });
    for (const bad of ['SO(3) V -> V', 'SO(3): V', ': V -> V', 'SO(3): -> V', 'SO(3): V ->']) expect(splitSpec(bad)).toBeNull();
  });
  it('resolveSpec: flags alone, spec alone, agreeing and conflicting combinations', () => {
    expect(resolveSpec('basis', undefined, { group: 'S(3)', in: 'V', out: 'V' })).toEqual({ group: 'S(3)', in: 'V', out: 'V' });
    expect(resolveSpec('basis', undefined, { group: 'S(3)' })).toMatch(/missing --in, --out/);
    expect(resolveSpec('basis', 'SO(3): V -> V', {})).toEqual({ group: 'SO(3)', in: 'V', out: 'V' });
    expect(resolveSpec('basis', 'SO(3): V -> V', { group: ' SO(3) ' })).toEqual({ group: 'SO(3)', in: 'V', out: 'V' });
    expect(resolveSpec('basis', 'SO(3): V -> V', { group: 'O(3)' })).toMatch(/gives group 'SO\(3\)' but --group gives 'O\(3\)'/);
    expect(resolveSpec('basis', 'SO(3): V -> V', { in: 'V^2' })).toMatch(/--in/);
    expect(resolveSpec('basis', 'nonsense', {})).toMatch(/cannot read spec/);
  });
});
