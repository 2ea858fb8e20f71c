/**
 * Every generated equivariant layer and every set layer, run through the shipped harness
 * (erlangen/testing) in float64 (relative error ≤ 1e-12) and float32 (≤ 1e-5).
 */
import { describe, expect, it } from 'vitest';
import { O, O13, S, SO3, D } from '../../src/group/index.js';
import { parseRep, regular } from '../../src/rep/index.js';
import { randn, type Tensor } from '../../src/tensor/index.js';
import { Rng } from '../../src/util/rng.js';
import {
  EquivariantLinear, EquivariantBilinear, GatedNonlinearity, NormNonlinearity, EquivariantPointwise, EMLP, gated,
  MultiheadAttention, TransformerEncoderLayer, DeepSets, DeepSetsEquivariant, SAB, ISAB, PMA, SetTransformer, MLP, Linear,
} from '../../src/nn/index.js';
import { equivarianceError, setAction, invariantAction } from '../../src/testing/index.js';

const dtypes = ['float64', 'float32'] as const;
const tolOf = (d: (typeof dtypes)[number]) => (d === 'float64' ? 1e-12 : 1e-5);

describe.each(dtypes)('generated equivariant layers pass the harness (%s)', (dtype) => {
  const rng = new Rng(11);
  const layers = [
    ['EquivariantLinear SO(3): 4V → V^2+V', () => new EquivariantLinear(parseRep('4V', SO3()), parseRep('V^2+V', SO3()), { rng, dtype })],
    ['EquivariantLinear S(4): V^2 → V^2 (15 maps)', () => new EquivariantLinear(parseRep('V^2', S(4)), parseRep('V^2', S(4)), { rng, dtype })],
    ['EquivariantLinear D(4): regular + V → regular', () => { const G = D(4); return new EquivariantLinear(regular(G).plus(parseRep('V', G)), regular(G), { rng, dtype }); }],
    ['EquivariantLinear O(1,3): V + Scalar → V^2', () => new EquivariantLinear(parseRep('V + Scalar', O13()), parseRep('V^2', O13()), { rng, dtype })],
    ['EquivariantBilinear SO(3): V^2+2V+3Scalar', () => { const r = parseRep('V^2+2V+3Scalar', SO3()); return new EquivariantBilinear(r, r, { rng, dtype }); }],
    ['GatedNonlinearity SO(3)', () => new GatedNonlinearity(parseRep('V^2+V+Scalar', SO3())), (n: number) => gated(parseRep('V^2+V+Scalar', SO3())).size * n],
    ['NormNonlinearity O(3)', () => new NormNonlinearity(parseRep('2V+Scalar', O(3)))],
    ['EquivariantPointwise S(5) on V', () => new EquivariantPointwise(parseRep('V + Scalar', S(5)))],
    ['EMLP O(5): 2V → Scalar', () => new EMLP(parseRep('2V', O(5)), parseRep('Scalar', O(5)), O(5), { channels: 24, layers: 2, rng })],
  ] as const;
  it.each(layers.map((l) => [l[0], l[1]] as const))('%s', (_name, make) => {
    const layer = make() as unknown as { toDType?: (d: string) => unknown };
    if (dtype === 'float32' && layer.toDType) layer.toDType('float32');
    const report = equivarianceError(layer as never, { dtype, seed: 3 });
    expect(report.ok, `${report.worst?.relative}`).toBe(true);
    expect(report.worst?.relative ?? 0).toBeLessThanOrEqual(tolOf(dtype));
  });
});

describe.each(dtypes)('set layers are permutation equivariant / invariant in the harness (%s)', (dtype) => {
  const rng = new Rng(5);
  const n = 7, F = 8;
  const one = (m: { call: (x: Tensor) => Tensor }) => (x: Tensor) => m.call(x.unsqueeze(0)).squeeze(0);
  const x = randn(new Rng(2), [n, F], { dtype });
  const equivariant: [string, () => (x: Tensor) => Tensor][] = [
    ['MultiheadAttention (self)', () => { const m = new MultiheadAttention(F, 2, { rng, dtype }); return (t) => m.call(t.unsqueeze(0), t.unsqueeze(0), t.unsqueeze(0)).squeeze(0); }],
    ['TransformerEncoderLayer', () => one(new TransformerEncoderLayer(F, 2, 16, { rng, dtype, dropout: 0 }) as never)],
    ['DeepSetsEquivariant (sum)', () => one(new DeepSetsEquivariant(F, 5, { rng, dtype, pool: 'sum' }) as never)],
    ['SAB', () => one(new SAB(F, F, 2, { rng, dtype }))],
    ['ISAB', () => one(new ISAB(F, F, 2, 3, { rng, dtype }))],
  ];
  it.each(equivariant)('%s is permutation equivariant', (_name, make) => {
    const f = make();
    const r = equivarianceError(f, { in: setAction(), out: setAction(), data: [x], dtype, seed: 1 });
    expect(r.ok).toBe(true);
  });
  const invariant: [string, () => (x: Tensor) => Tensor][] = [
    ['DeepSets (sum pool)', () => one(new DeepSets(new MLP([F, 16, 16], { rng, dtype }), new Linear(16, 3, { rng, dtype }), { pool: 'sum' }) as never)],
    ['PMA', () => one(new PMA(F, 2, 1, { rng, dtype }))],
    ['SetTransformer', () => one(new SetTransformer(F, 1, 3, { rng, dtype, dimHidden: 8, numHeads: 2 } as never) as never)],
  ];
  it.each(invariant)('%s is permutation invariant', (_name, make) => {
    const f = make();
    const r = equivarianceError(f, { in: setAction(), out: invariantAction(), data: [x], dtype, seed: 1 });
    expect(r.ok).toBe(true);
  });
});

describe.each(dtypes)('EGNN passes E(3) in the harness (%s)', (dtype) => {
  it('positions Rx + t, velocities Rv, invariant h: outputs transform alike', async () => {
    const { EGNN } = await import('../../src/graph/egnn.js');
    const { fullyConnected, graphsTuple } = await import('../../src/graph/index.js');
    const { positionsAction, repAction } = await import('../../src/testing/index.js');
    const { V } = await import('../../src/rep/index.js');
    const { O3 } = await import('../../src/group/index.js');
    const G = O3();
    const N = 5;
    const e = fullyConnected([N]);
    const rng = new Rng(9);
    const edges = randn(rng, [e.senders.length, 2], { dtype });
    const graph = graphsTuple({ senders: e.senders, receivers: e.receivers, edges, numNodes: N });
    const model = new EGNN(1, { hidden: 8, layers: 2, edgeFeatures: 2, velocity: true, rng, dtype } as never);
    const h = randn(rng, [N, 1], { dtype });
    const f = (x: Tensor, v: Tensor) => (model as unknown as { call: (...a: unknown[]) => { x: Tensor } }).call(graph, h, x, { v }).x;
    const r = equivarianceError(f, {
      group: G, in: [positionsAction(3), repAction(V(G))], out: positionsAction(3),
      data: [randn(rng, [N, 3], { dtype }), randn(rng, [N, 3], { dtype })], dtype, seed: 2,
    });
    expect(r.ok, r.worst ? String(r.worst.relative) : '').toBe(true);
  });
});
