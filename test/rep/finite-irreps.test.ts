import { describe, expect, it } from 'vitest';
import { C, D, S } from '../../src/group/index.js';
import { characterInner, characterVector, parseRep, regular } from '../../src/rep/index.js';
import type { Rep } from '../../src/rep/index.js';

function irrepsOf(name: string, n: number): string[] {
  if (name === 'C') {
    const out = ['ir(0)'];
    for (let k = 1; 2 * k <= n; k++) out.push(`ir(${k})`);
    return out;
  }
  const out = ['ir(0,0)', 'ir(1,0)'];
  for (let k = 1; 2 * k < n; k++) out.push(`ir(1,${k})`);
  if (n % 2 === 0) out.push(`ir(0,${n / 2})`, `ir(1,${n / 2})`);
  return out;
}

describe('character orthogonality and Schur for C(n), D(n) real irreps', () => {
  for (const [name, ctor] of [['C', C], ['D', D]] as const) {
    for (let n = 2; n <= 7; n++) {
      it(`${name}(${n})`, () => {
        const G = ctor(n);
        const irs: Rep[] = irrepsOf(name, n).map((s) => parseRep(s, G));
        // ⟨χ_a, χ_b⟩ = δ_ab · (1 for real type, 2 for complex type: the 2-dim irreps of C(n))
        irs.forEach((a, i) => irs.forEach((b, j) => {
          const ip = characterInner(a, b);
          const expected = i !== j ? 0 : name === 'C' && a.size === 2 ? 2 : 1;
          expect(ip).toBeCloseTo(expected, 10);
        }));
        // Σ (dim ψ)² / (endomorphism dim) = |G| and the regular rep contains each irrep dim/type times
        const order = name === 'C' ? n : 2 * n;
        const reg = regular(G);
        let total = 0;
        for (const ir of irs) {
          const type = name === 'C' && ir.size === 2 ? 2 : 1;
          expect(characterInner(reg, ir) / type).toBeCloseTo(ir.size / type, 10);
          total += (ir.size * ir.size) / type;
        }
        expect(total).toBe(order);
      });
    }
  }
  it('S(4): χ_V·χ_V inner products (V = trivial + standard)', () => {
    const G = S(4);
    const v = parseRep('V', G);
    expect(characterInner(v, v)).toBeCloseTo(2, 12);
    expect(characterInner(v, parseRep('Scalar', G))).toBeCloseTo(1, 12);
    expect(characterVector(regular(G))[0]).toBe(24);
  });
});
