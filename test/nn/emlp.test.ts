import { describe, expect, it } from 'vitest';
import { O, O13, S, SO } from '../../src/group/index.js';
import { Scalar, V, parseRep } from '../../src/rep/index.js';
import { randn } from '../../src/tensor/index.js';
import { Rng } from '../../src/util/index.js';
import { actOn } from '../../src/nn/equivariant-common.js';
import { EMLP, uniformRankCounts, uniformRep } from '../../src/nn/emlp.js';
import { EquivariantBilinear } from '../../src/nn/equivariant-bilinear.js';
import { gated } from '../../src/nn/gated.js';
import type { Group } from '../../src/group/index.js';
import type { Rep } from '../../src/rep/index.js';

function relErr(model: EMLP, G: Group, rin: Rep, rout: Rep, dtype: 'float32' | 'float64', seed = 0): number {
  const rng = new Rng(seed);
  let worst = 0;
  for (let t = 0; t < 3; t++) {
    const g = G.sample(rng);
    const x = randn(rng, [5, rin.size], { dtype });
    const a = model.call(actOn(rin, g, x));
    const b = actOn(rout, g, model.call(x));
    const d = a.sub(b).square().sum().sqrt().item();
    worst = Math.max(worst, d / b.square().sum().sqrt().item());
  }
  return worst;
}

describe('uniformRep', () => {
  it('follows EMLP\'s allocation (O(5), 384 channels)', () => {
    expect(uniformRankCounts(384, 5)).toEqual([134, 25, 5]);
    const r = uniformRep(384, O(5));
    expect(r.size).toBe(384);
    expect(r.toString()).toBe('134Scalar + 25V + 5V^2');
  });
  it('splits ranks into T(p, q) for non-orthogonal groups', () => {
    const r = uniformRep(50, O13());
    expect(r.size).toBe(50);
    expect(r.toString()).toContain('dual(V)');
  });
});

describe('EMLP end to end', () => {
  it('O(5): 2V → Scalar is invariant (float64 ≤ 1e-12, float32 ≤ 1e-5)', () => {
    const G = O(5);
    const rin = parseRep('2V', G), rout = Scalar(G);
    const m = new EMLP(rin, rout, G, { channels: 40, layers: 2, rng: new Rng(0), dtype: 'float64' });
    expect(relErr(m, G, rin, rout, 'float64')).toBeLessThan(1e-12);
    const m32 = new EMLP(rin, rout, G, { channels: 40, layers: 2, rng: new Rng(0) });
    expect(relErr(m32, G, rin, rout, 'float32')).toBeLessThan(1e-5);
  });
  it('SO(3): 5Scalar + 5V → V^2 is equivariant and trains (gradients reach every parameter)', () => {
    const G = SO(3);
    const rin = parseRep('5Scalar + 5V', G), rout = parseRep('V^2', G);
    const m = new EMLP(rin, rout, G, { channels: 30, layers: 2, rng: new Rng(1), dtype: 'float64' });
    expect(relErr(m, G, rin, rout, 'float64')).toBeLessThan(1e-12);
    const x = randn(new Rng(2), [4, rin.size], { dtype: 'float64' });
    m.call(x).square().sum().backward();
    for (const [name, p] of m.namedParameters()) expect(p.grad, name).not.toBeNull();
  });
  it('O(1,3): 4V → Scalar is invariant (float64)', () => {
    const G = O13();
    const rin = parseRep('4V', G), rout = Scalar(G);
    const m = new EMLP(rin, rout, G, { channels: 24, layers: 1, rng: new Rng(3), dtype: 'float64' });
    expect(relErr(m, G, rin, rout, 'float64')).toBeLessThan(1e-12);
  });
  it('S(4): V → V (permutation reps, swish pointwise, no gates)', () => {
    const G = S(4);
    const m = new EMLP(V(G), V(G), G, { channels: 24, layers: 2, rng: new Rng(4), dtype: 'float64' });
    expect(relErr(m, G, V(G), V(G), 'float64')).toBeLessThan(1e-12);
  });
});

describe('EquivariantBilinear contraction orders', () => {
  it('X-first, θ-first and auto agree in value and gradient (O(3), uniformRep(150), and O(1,3))', () => {
    for (const [G, ch] of [[O(3), 150], [O13(), 40]] as const) {
      const r = gated(uniformRep(ch, G));
      const x = randn(new Rng(5), [4, r.size], { dtype: 'float64' });
      const runs = (['x', 'theta', 'auto'] as const).map((order) => {
        const layer = new EquivariantBilinear(r, r, { rng: new Rng(1), dtype: 'float64', order });
        const y = layer.call(x);
        y.square().sum().backward();
        return { y: Array.from(y.data), g: layer.parameters().flatMap((p) => Array.from(p.grad!.data)) };
      });
      for (const k of [1, 2]) {
        const scale = Math.max(...runs[0]!.y.map(Math.abs));
        expect(Math.max(...runs[k]!.y.map((v, i) => Math.abs(v - runs[0]!.y[i]!)))).toBeLessThan(1e-12 * scale + 1e-14);
        const gs = Math.max(...runs[0]!.g.map(Math.abs));
        expect(Math.max(...runs[k]!.g.map((v, i) => Math.abs(v - runs[0]!.g[i]!)))).toBeLessThan(1e-12 * gs + 1e-14);
      }
    }
  });
});
