/**
 * GemConv (arXiv:2003.05425): gauge equivariance through the shipped harness (float64 ≤ 1e-12,
 * float32 ≤ 1e-5) for several orders and band limits, a broken layer that the harness rejects,
 * vertex-order independence, batching, band limit, gradcheck in float64.
 */
import { describe, expect, it } from 'vitest';
import { GemConv, GemLinear, batchGaugeGeometry, randomGaugeGeometry } from '../../src/mesh/index.js';
import type { GaugeGeometry } from '../../src/mesh/index.js';
import { Tensor, concat } from '../../src/tensor/index.js';
import { Rng, ShapeError, ValueError } from '../../src/util/index.js';
import { assertGaugeEquivariant, assertGradcheck } from '../../src/testing/index.js';
import { features, gaugeElements, gaugeReport, maxDiff, permuteMesh } from './gem-helpers.js';

const configs: [number, number, number][] = [
  [0, 0, Infinity], [0, 2, Infinity], [2, 0, Infinity], [1, 1, Infinity], [2, 2, Infinity], [1, 3, Infinity], [2, 2, 1], [2, 2, 2], [3, 1, 0],
];

/** Geometry with a coincident neighbour (q ≠ p, r = 0) added. */
function withCoincident(geo: GaugeGeometry): GaugeGeometry {
  return {
    senders: Int32Array.from([...geo.senders, 1]), receivers: Int32Array.from([...geo.receivers, 0]),
    theta: Float64Array.from([...geo.theta, 0.4]), transport: Float64Array.from([...geo.transport, 1.1]),
    radius: Float64Array.from([...geo.radius!, 0]), vertices: geo.vertices,
  };
}

describe('GemConv gauge equivariance (shipped harness)', () => {
  for (const [Lin, Lout, B] of configs) {
    it(`L_in = ${Lin} → L_out = ${Lout}, band limit ${B}: float64 ≤ 1e-12 and float32 ≤ 1e-5`, () => {
      const rng = new Rng(Lin * 10 + Lout);
      const geo = withCoincident(randomGaugeGeometry(rng, 7));
      const conv = new GemConv(2, 3, { maxOrderIn: Lin, maxOrderOut: Lout, rings: 3, bandLimit: B, rng, dtype: 'float64' });
      conv.getParameter('bias').data.set([0.3, -0.2, 0.5]);
      const x = features(rng, 7, 2, Lin);
      const r64 = assertGaugeEquivariant(conv, { maxOrderIn: Lin, maxOrderOut: Lout, features: x, geometry: geo, elements: { extra: gaugeElements() } });
      expect(r64.dtype).toBe('float64');
      expect(r64.worst!.relative).toBeLessThanOrEqual(1e-12);
      const r32 = assertGaugeEquivariant(conv, { maxOrderIn: Lin, maxOrderOut: Lout, features: x, geometry: geo, dtype: 'float32', elements: { extra: gaugeElements() } });
      expect(r32.dtype).toBe('float32');
      expect(r32.worst!.relative).toBeLessThanOrEqual(1e-5);
      // a non-trivial output (the check compares something)
      expect(r64.worst!.relative).toBeGreaterThanOrEqual(0);
      expect(conv.call(x, geo).shape).toEqual([7, 3 * (2 * Lout + 1)]);
    });
  }

  it('without self-interaction, without bias, one ring, without radii', () => {
    const rng = new Rng(5);
    const geo = randomGaugeGeometry(rng, 6);
    const { radius: _r, ...noRadius } = geo;
    const conv = new GemConv(2, 2, { maxOrderIn: 2, maxOrderOut: 1, rings: 1, selfInteraction: false, bias: false, dtype: 'float64', rng });
    const x = features(rng, 6, 2, 2);
    for (const g of [geo, noRadius as GaugeGeometry]) {
      assertGaugeEquivariant(conv, { maxOrderIn: 2, maxOrderOut: 1, features: x, geometry: g, elements: { extra: gaugeElements() } });
    }
    expect(conv.maybeParameter('selfWeight')).toBeNull();
  });

  it('the harness FAILS on a broken layer: the kernel not rotated by θ (K(r, 0) on every edge)', () => {
    const rng = new Rng(6);
    const geo = randomGaugeGeometry(rng, 7);
    const conv = new GemConv(2, 2, { maxOrderIn: 1, maxOrderOut: 1, dtype: 'float64', rng });
    const broken = (x: Tensor, g: GaugeGeometry) => conv.call(x, { ...g, theta: new Float64Array(g.theta.length) });
    const x = features(rng, 7, 2, 1);
    const bad = gaugeReport(broken, { Lin: 1, Lout: 1, x, geo });
    expect(bad.ok).toBe(false);
    expect(bad.verdict).toBe('not-equivariant');
    expect(bad.worst!.relative).toBeGreaterThan(1e-3);
    // a second breakage: transport ignored (ρ(g) dropped from the message)
    const noTransport = (x: Tensor, g: GaugeGeometry) => conv.call(x, { ...g, transport: new Float64Array(g.transport.length) });
    expect(gaugeReport(noTransport, { Lin: 1, Lout: 1, x, geo }).ok).toBe(false);
    // and the intact layer passes the same check
    expect(gaugeReport(conv, { Lin: 1, Lout: 1, x, geo }).ok).toBe(true);
  });
});

describe('GemConv structure', () => {
  it('a permuted mesh gives permuted outputs (vertex and edge order do not matter)', () => {
    const rng = new Rng(8);
    const geo = randomGaugeGeometry(rng, 8);
    const conv = new GemConv(2, 3, { maxOrderIn: 2, maxOrderOut: 2, rings: 3, dtype: 'float64', rng });
    const x = features(rng, 8, 2, 2);
    const y = conv.call(x, geo);
    const p = permuteMesh(x, geo, rng);
    const yp = conv.call(p.x, p.geo);
    expect(maxDiff(yp, y.indexSelect(0, p.perm))).toBeLessThan(1e-12);
  });

  it('the band limit changes the parameter count and the kernel', () => {
    const full = new GemConv(2, 2, { maxOrderIn: 2, maxOrderOut: 2, rings: 2, dtype: 'float64' });
    const cut = new GemConv(2, 2, { maxOrderIn: 2, maxOrderOut: 2, rings: 2, bandLimit: 1, dtype: 'float64' });
    expect(full.kernelDim).toBe(25);
    expect(cut.kernelDim).toBe(1 + 2 + 2 + 2 * 2 + 2 * 2); // 0→0; 0→1; 1→0; |m−n| = 1 for 1↔2; |m−n| = 0 for 1→1, 2→2
    expect(full.getParameter('weight').size).toBe(2 * 2 * 2 * 25);
    expect(cut.getParameter('weight').size).toBe(2 * 2 * 2 * 13);
    expect(full.numParameters()).toBeGreaterThan(cut.numParameters());
    // copy the shared coefficients: the outputs still differ (the dropped frequencies act)
    const rng = new Rng(9);
    const geo = randomGaugeGeometry(rng, 6);
    const x = features(rng, 6, 2, 2);
    const keep = full.basis.elements.map((e) => e.frequency <= 1);
    const wf = full.getParameter('weight').data as Float64Array, wc = cut.getParameter('weight').data as Float64Array;
    for (let r = 0, j = 0; r < wf.length / 25; r++) for (let b = 0; b < 25; b++) if (keep[b]) wc[j++] = wf[r * 25 + b]!;
    cut.getParameter('selfWeight').data.set(full.getParameter('selfWeight').data);
    const diff = maxDiff(full.call(x, geo), cut.call(x, geo));
    expect(diff).toBeGreaterThan(1e-3);
    // and with the high-frequency coefficients zeroed the two agree: the band limit is exactly those elements
    for (let r = 0; r < wf.length / 25; r++) for (let b = 0; b < 25; b++) if (!keep[b]) wf[r * 25 + b] = 0;
    expect(maxDiff(full.call(x, geo), cut.call(x, geo))).toBeLessThan(1e-13);
  });

  it('batched meshes give the per-mesh outputs (radii normalised per mesh)', () => {
    const rng = new Rng(10);
    const geos = [randomGaugeGeometry(rng, 5), randomGaugeGeometry(rng, 7), randomGaugeGeometry(rng, 4)];
    const xs = geos.map((g) => features(rng, g.vertices, 2, 1));
    const conv = new GemConv(2, 2, { maxOrderIn: 1, maxOrderOut: 2, rings: 3, dtype: 'float64', rng });
    const per = concat(geos.map((g, i) => conv.call(xs[i]!, g)), 0);
    const batch = batchGaugeGeometry(geos);
    expect(batch.vertices).toBe(16);
    expect(Array.from(batch.vertexOffsets)).toEqual([0, 5, 12, 16]);
    expect(maxDiff(conv.call(concat(xs, 0), batch), per)).toBeLessThan(1e-13);
    // and the batch is gauge equivariant as one mesh
    assertGaugeEquivariant(conv, { maxOrderIn: 1, maxOrderOut: 2, features: concat(xs, 0), geometry: batch, elements: { extra: gaugeElements() } });
    // a fixed maxRadius also gives per-mesh outputs
    const fixed = new GemConv(2, 2, { maxOrderIn: 1, maxOrderOut: 2, rings: 3, maxRadius: 1.5, dtype: 'float64', rng });
    const { vertexOffsets: _v, edgeOffsets: _e, ...plain } = batch;
    expect(maxDiff(fixed.call(concat(xs, 0), plain), concat(geos.map((g, i) => fixed.call(xs[i]!, g)), 0))).toBeLessThan(1e-13);
    expect(() => batchGaugeGeometry([geos[0]!, { ...geos[1]!, radius: undefined } as GaugeGeometry])).toThrow(ValueError);
  });

  it('rejects features of the wrong width or vertex count', () => {
    const geo = randomGaugeGeometry(new Rng(0), 5);
    const conv = new GemConv(2, 2, { maxOrderIn: 1, dtype: 'float64' });
    expect(() => conv.call(features(new Rng(0), 5, 2, 2), geo)).toThrow(ShapeError);
    expect(() => conv.call(features(new Rng(0), 4, 2, 1), geo)).toThrow(/expected features \[5, 6\]/);
    expect(() => new GemConv(0, 2)).toThrow(ValueError);
  });
});

describe('GemConv gradients (float64)', () => {
  it('gradcheck w.r.t. the input, the kernel weights, the self-interaction weights and the bias', () => {
    const rng = new Rng(11);
    const geo = withCoincident(randomGaugeGeometry(rng, 5));
    const conv = new GemConv(2, 2, { maxOrderIn: 1, maxOrderOut: 2, rings: 2, dtype: 'float64', rng });
    const p = conv.params();
    const x = features(rng, 5, 2, 1).requireGrad();
    const w = p.weight.detach().requireGrad(), sw = p.selfWeight!.detach().requireGrad(), b = p.bias!.detach().add(0.1).requireGrad();
    assertGradcheck((a, c, d, e) => conv.convolve(a, geo, { weight: c, selfWeight: d, bias: e }), [x, w, sw, b]);
  });

  it('backward through the module fills every parameter gradient', () => {
    const rng = new Rng(12);
    const geo = randomGaugeGeometry(rng, 5);
    const conv = new GemConv(1, 1, { maxOrderIn: 2, maxOrderOut: 2, dtype: 'float64', rng });
    conv.call(features(rng, 5, 1, 2), geo).square().sum().backward();
    for (const [, prm] of conv.namedParameters()) expect(prm.grad).not.toBeNull();
  });
});

describe('GemConv edge cases and GemLinear', () => {
  it('a mesh without neighbour edges (only self-loops, or no edges at all) gives the self-interaction', () => {
    const rng = new Rng(13);
    const conv = new GemConv(2, 2, { maxOrderIn: 1, maxOrderOut: 1, dtype: 'float64', rng });
    const x = features(rng, 3, 2, 1);
    const loops: GaugeGeometry = { senders: Int32Array.of(0, 1, 2), receivers: Int32Array.of(0, 1, 2), theta: new Float64Array(3), transport: new Float64Array(3), radius: new Float64Array(3), vertices: 3 };
    const none: GaugeGeometry = { senders: new Int32Array(0), receivers: new Int32Array(0), theta: new Float64Array(0), transport: new Float64Array(0), vertices: 3 };
    const a = conv.call(x, loops), b = conv.call(x, none);
    expect(maxDiff(a, b)).toBe(0);
    const p = conv.params();
    const self = conv.convolve(x, none, { weight: p.weight.mul(0), selfWeight: p.selfWeight, bias: p.bias });
    expect(maxDiff(a, self)).toBe(0);
  });

  it('GemLinear is gauge equivariant (float64 ≤ 1e-12, float32 ≤ 1e-5), truncates and zero-pads orders, passes gradcheck', () => {
    const rng = new Rng(14);
    const lin = new GemLinear(2, 3, { maxOrderIn: 3, maxOrderOut: 2, dtype: 'float64', rng });
    lin.getParameter('bias').data.set([1, 2, 3]);
    const x = features(rng, 6, 2, 3);
    const geo = randomGaugeGeometry(rng, 6);
    // the module is called as lin.call(x, geometry): the harness moves it to each dtype; the geometry is unused
    for (const dtype of ['float64', 'float32'] as const) {
      const r = assertGaugeEquivariant(lin, { maxOrderIn: 3, maxOrderOut: 2, features: x, geometry: geo, dtype, elements: { extra: gaugeElements() } });
      expect(r.worst!.relative).toBeLessThanOrEqual(dtype === 'float64' ? 1e-12 : 1e-5);
    }
    expect(lin.basis.elements.length).toBe(1 + 2 + 2); // ρ₀, ρ₁, ρ₂ in both; ρ₃ dropped
    const up = new GemLinear(1, 1, { maxOrderIn: 0, maxOrderOut: 2, dtype: 'float64', rng });
    const y = up.call(features(rng, 4, 1, 0)).data as Float64Array;
    for (let v = 0; v < 4; v++) for (let j = 1; j < 5; j++) expect(y[v * 5 + j]).toBe(0); // orders only in the output are zero
    assertGradcheck((t, w) => t.matmul(lin.matrix(w)), [x.detach().requireGrad(), lin.getParameter('weight').detach().requireGrad()]);
  });
});
