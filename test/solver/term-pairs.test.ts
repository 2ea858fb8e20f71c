import { describe, expect, it } from 'vitest';
import { O, SO, S } from '../../src/group/index.js';
import { parseRep } from '../../src/rep/index.js';
import { equivariantBasis } from '../../src/solver/index.js';
import type { EquivariantBasis } from '../../src/solver/index.js';
import { EquivariantLinear } from '../../src/nn/index.js';
import { Rng } from '../../src/util/index.js';

/** W assembled from the term pairs with coefficients c, in the column order of `blocks`. */
function fromPairs(B: EquivariantBasis, c: Float64Array): Float64Array {
  const nin = B.repIn.size, W = new Float64Array(B.n);
  let col = 0;
  // blocks number columns output copy outer, then input term, input copy: replay that order
  const order: { p: (typeof B.pairs)[number]; co: number; ci: number }[] = [];
  const outTerms = [...new Set(B.pairs.map((p) => p.outTerm))];
  for (const ot of outTerms) {
    const row = B.pairs.filter((p) => p.outTerm === ot);
    for (let co = 0; co < row[0]!.outMult; co++) for (const p of row) for (let ci = 0; ci < p.inMult; ci++) order.push({ p, co, ci });
  }
  for (const { p, co, ci } of order) {
    const k = p.basis.dim;
    for (let a = 0; a < p.outSize; a++) {
      for (let b = 0; b < p.inSize; b++) {
        let s = 0;
        for (let t = 0; t < k; t++) s += p.basis.Q[(a * p.inSize + b) * k + t]! * c[col + t]!;
        W[(p.outOffset + co * p.outSize + a) * nin + p.inOffset + ci * p.inSize + b] = s;
      }
    }
    col += k;
  }
  expect(col).toBe(B.dim);
  return W;
}

describe('EquivariantBasis.pairs (one entry per pair of sum terms)', () => {
  for (const [name, G, rin, rout] of [
    ['O(3): 2V + V^2 + 3x1 → V + 2x1', O(3), '2V + V^2 + 3x1', 'V + 2x1'],
    ['SO(2): V + 2V^2 → 2V + 1', SO(2), 'V + 2V^2', '2V + 1'],
    ['S(4): 2V + 1 → V^2 + V', S(4), '2V + 1', 'V^2 + V'],
  ] as const) {
    it(`${name}: pairs tile W and reproduce apply() exactly`, () => {
      const B = equivariantBasis(parseRep(rin, G), parseRep(rout, G));
      expect(B.pairs.length).toBe(B.repOut.terms().length * B.repIn.terms().length);
      expect(B.pairs.reduce((s, p) => s + p.outMult * p.inMult * p.basis.dim, 0)).toBe(B.dim);
      // the pairs cover every entry of W exactly once
      const cover = new Int32Array(B.n);
      for (const p of B.pairs) for (let a = 0; a < p.outMult * p.outSize; a++) for (let b = 0; b < p.inMult * p.inSize; b++) cover[(p.outOffset + a) * B.repIn.size + p.inOffset + b]! += 1;
      expect([...cover].every((v) => v === 1)).toBe(true);
      const rng = new Rng(3);
      const c = Float64Array.from({ length: B.dim }, () => rng.normal());
      const W1 = B.apply(c), W2 = fromPairs(B, c);
      let d = 0;
      for (let i = 0; i < W1.length; i++) d = Math.max(d, Math.abs(W1[i]! - W2[i]!));
      expect(d).toBe(0);
    });
  }

  it('EquivariantLinear builds its blocks from the solver pairs (same dimension count)', () => {
    const G = O(3);
    const layer = new EquivariantLinear(parseRep('2V + V^2 + 3x1', G), parseRep('V + 2x1', G), { rng: new Rng(0), bias: false, dtype: 'float64' });
    const B = equivariantBasis(parseRep('2V + V^2 + 3x1', G), parseRep('V + 2x1', G));
    expect(layer.parameters().reduce((s, p) => s + p.size, 0)).toBe(B.dim);
  });
});
