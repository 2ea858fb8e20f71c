/**
 * GemPool / GemUnpool (arXiv:2003.05425): gauge equivariance with independent angles on the fine
 * and the coarse level (through the shipped harness), vertex-order independence, batching,
 * gradcheck in float64.
 */
import { describe, expect, it } from 'vitest';
import { GemPool, GemUnpool, batchMeshPooling, planarGauge, poolingGauge } from '../../src/mesh/index.js';
import type { MeshPooling } from '../../src/mesh/index.js';
import { Tensor, concat, fromData } from '../../src/tensor/index.js';
import { IndexError, Rng } from '../../src/util/index.js';
import { assertEquivariant, assertGradcheck, elementGaugeAngles, gaugeFeatureAction, gaugeGeometryAction } from '../../src/testing/index.js';
import type { Action } from '../../src/testing/index.js';
import { features, gaugeElements, maxDiff } from './gem-helpers.js';

/** A random pooling map: every fine vertex to one or two coarse vertices. */
function randomPooling(rng: Rng, Vf: number, Vc: number): MeshPooling {
  const fine: number[] = [], coarse: number[] = [], tr: number[] = [];
  for (let q = 0; q < Vf; q++) {
    const n = 1 + rng.int(2);
    for (let j = 0; j < n; j++) {
      fine.push(q);
      coarse.push(q < Vc && j === 0 ? q : rng.int(Vc));
      tr.push(rng.uniformIn(-Math.PI, Math.PI));
    }
  }
  return { fineVertices: Vf, coarseVertices: Vc, fine: Int32Array.from(fine), coarse: Int32Array.from(coarse), transport: Float64Array.from(tr) };
}

/** Features of one level under the pooling gauge: angles φ[offset, offset + V). */
function levelAction(L: number, offset: number, total: number): Action<Tensor> {
  const base = gaugeFeatureAction(L);
  return {
    ...base,
    name: `${base.name} (level at ${offset})`,
    act(e, x) {
      if (!e.gauge) return x;
      const phi = elementGaugeAngles(e, total).subarray(offset, offset + x.shape[0]!);
      const v = x.data instanceof Float64Array ? x.data : Float64Array.from(x.data as ArrayLike<number>);
      const y = planarGauge.features(phi, v, L);
      return fromData(x.dtype === 'float64' ? y : Float32Array.from(y), x.shape);
    },
  };
}

describe('GemPool / GemUnpool gauge equivariance (shipped harness)', () => {
  for (const L of [0, 1, 3]) {
    it(`L = ${L}: pooling and unpooling, float64 ≤ 1e-12 and float32 ≤ 1e-5`, () => {
      const rng = new Rng(L + 40), Vf = 9, Vc = 4, total = Vf + Vc;
      const pool = randomPooling(rng, Vf, Vc);
      const geoAct = gaugeGeometryAction(poolingGauge);
      const fineAct = levelAction(L, 0, total), coarseAct = levelAction(L, Vf, total);
      const xf = features(rng, Vf, 2, L), xc = features(rng, Vc, 2, L);
      for (const dtype of ['float64', 'float32'] as const) {
        const tol = dtype === 'float64' ? 1e-12 : 1e-5;
        const rp = assertEquivariant(new GemPool(L), { group: null, in: [fineAct, geoAct], out: coarseAct, data: [xf, pool], dtype, elements: { extra: gaugeElements() } });
        const ru = assertEquivariant(new GemUnpool(L), { group: null, in: [coarseAct, geoAct], out: fineAct, data: [xc, pool], dtype, elements: { extra: gaugeElements() } });
        expect(rp.worst!.relative).toBeLessThanOrEqual(tol);
        expect(ru.worst!.relative).toBeLessThanOrEqual(tol);
      }
    });
  }

  it('the harness FAILS on pooling that ignores the transport', () => {
    const rng = new Rng(45), Vf = 9, Vc = 4;
    const pool = randomPooling(rng, Vf, Vc);
    const broken = (x: Tensor, p: MeshPooling) => new GemPool(1).call(x, { ...p, transport: new Float64Array(p.transport.length) });
    expect(() => assertEquivariant(broken, {
      group: null, in: [levelAction(1, 0, Vf + Vc), gaugeGeometryAction(poolingGauge)], out: levelAction(1, Vf, Vf + Vc), data: [features(rng, Vf, 2, 1), pool],
    })).toThrow(/not equivariant|not-equivariant/i);
  });
});

describe('GemPool / GemUnpool structure', () => {
  it('averages ρ(g) f_q per coarse vertex; unpool sends ρ(−g) f_p back (one assignment each: inverse maps)', () => {
    const rng = new Rng(46);
    const pool: MeshPooling = { fineVertices: 3, coarseVertices: 3, fine: Int32Array.of(0, 1, 2), coarse: Int32Array.of(2, 0, 1), transport: Float64Array.of(0.3, -1.2, 2.0) };
    const x = features(rng, 3, 2, 2);
    expect(maxDiff(new GemUnpool(2).call(new GemPool(2).call(x, pool), pool), x)).toBeLessThan(1e-14);
  });

  it('a permuted fine level gives the same coarse output; batching equals per-mesh outputs', () => {
    const rng = new Rng(47);
    const pool = randomPooling(rng, 8, 3), x = features(rng, 8, 2, 2);
    const perm = rng.permutation(8), inv = new Int32Array(8);
    perm.forEach((o, i) => (inv[o] = i));
    const permuted: MeshPooling = { ...pool, fine: Int32Array.from(pool.fine, (q) => inv[q]!) };
    const gp = new GemPool(2);
    expect(maxDiff(gp.call(x.indexSelect(0, perm), permuted), gp.call(x, pool))).toBeLessThan(1e-14);
    const pools = [pool, randomPooling(rng, 5, 2)], xs = [x, features(rng, 5, 2, 2)];
    const b = batchMeshPooling(pools);
    expect(maxDiff(gp.call(concat(xs, 0), b), concat(pools.map((p, i) => gp.call(xs[i]!, p)), 0))).toBeLessThan(1e-14);
    const up = new GemUnpool(2), cs = pools.map((p) => features(rng, p.coarseVertices, 2, 2));
    expect(maxDiff(up.call(concat(cs, 0), b), concat(pools.map((p, i) => up.call(cs[i]!, p)), 0))).toBeLessThan(1e-14);
  });

  it('gradcheck in float64', () => {
    const rng = new Rng(48);
    const pool = randomPooling(rng, 6, 3);
    assertGradcheck((t) => new GemPool(2).call(t, pool), [features(rng, 6, 1, 2).requireGrad()]);
    assertGradcheck((t) => new GemUnpool(2).call(t, pool), [features(rng, 3, 1, 2).requireGrad()]);
  });

  it('rejects a malformed map', () => {
    const pool = randomPooling(new Rng(49), 4, 2);
    expect(() => new GemPool(1).call(features(new Rng(0), 4, 1, 1), { ...pool, coarse: Int32Array.from(pool.coarse, () => 5) })).toThrow(IndexError);
    expect(() => new GemPool(1).call(features(new Rng(0), 3, 1, 1), pool)).toThrow(/expected features \[4, 3\]/);
  });
});
