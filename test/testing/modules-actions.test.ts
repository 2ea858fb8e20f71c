/**
 * The data types and group actions that moved out of the harness into the modules that own them
 * (src/grid, src/mesh, src/graph/action.ts): their checks reject malformed data with named errors,
 * and the harness actions built on them agree with them.
 */
import { describe, expect, it } from 'vitest';
import { C, D } from '../../src/group/index.js';
import { actOnGrid, gridLayout, isLatticeSymmetry, smoothImage } from '../../src/grid/index.js';
import { checkGaugeGeometry, planarGauge, randomGaugeGeometry } from '../../src/mesh/index.js';
import { checkGraphData } from '../../src/graph/index.js';
import { regular } from '../../src/rep/index.js';
import { fromData, randn } from '../../src/tensor/index.js';
import { DTypeError, IndexError, Rng, ShapeError, ValueError } from '../../src/util/index.js';
import {
  assertGaugeEquivariant, equivarianceError, gaugeFeatureAction, gridAction, makeElement, smoothImage as smoothFromTesting,
  planarGauge as planarFromTesting,
} from '../../src/testing/index.js';

const r90 = Float64Array.of(0, -1, 1, 0);

describe('src/grid', () => {
  it('rotates a pixel grid exactly by 90° (four times is the identity) and permutes a regular fibre', () => {
    const x = randn(new Rng(0), [4, 5, 5], { dtype: 'float64' });
    let y = x;
    for (let k = 0; k < 4; k++) y = actOnGrid(y, r90, { exact: true });
    expect(Array.from(y.data)).toEqual(Array.from(x.data));
    const fibre = regular(C(4));
    const viaHarness = gridAction({ fibre }).act(makeElement(C(4).elements()[1]!), x);
    expect(Array.from(actOnGrid(x, C(4).elements()[1]!, { fibre }).data)).toEqual(Array.from(viaHarness.data));
    expect(isLatticeSymmetry(r90)).toBe(true);
    expect(isLatticeSymmetry(Float64Array.of(Math.SQRT1_2, -Math.SQRT1_2, Math.SQRT1_2, Math.SQRT1_2))).toBe(false);
    expect(smoothFromTesting).toBe(smoothImage);
  });

  it('rejects malformed images with named errors', () => {
    expect(() => gridLayout('op', randn(new Rng(0), [2, 4, 5]))).toThrow(/rotations need a square grid, got 4×5/);
    expect(() => gridLayout('op', randn(new Rng(0), [4, 4]))).toThrow(ShapeError);
    expect(() => gridLayout('op', fromData(new Int32Array(16), [1, 4, 4]))).toThrow(DTypeError);
    expect(() => actOnGrid(randn(new Rng(0), [3, 4, 4]), r90, { fibre: regular(C(4)) })).toThrow(/fibre .* has size 4 but the image has 3 channels/);
    expect(() => actOnGrid(randn(new Rng(0), [1, 4, 4]), Float64Array.of(0.8, -0.6, 0.6, 0.8), { exact: true })).toThrow(ValueError);
  });

  it('the harness names a channel mismatch between the data and the declared fibre', () => {
    const G = D(4);
    const spec = { group: G, in: gridAction({ fibre: regular(G) }), out: gridAction({ fibre: regular(G) }) };
    expect(() => equivarianceError((x) => x, { ...spec, data: [randn(new Rng(0), [3, 6, 6], { dtype: 'float64' })] }))
      .toThrow(/spec\.data\[0\] .*expected 8 channels \(fibre .*, size 8\): \[8, H, W\], got \[3,6,6\]/);
    expect(equivarianceError((x) => x, spec).ok).toBe(true);
  });
});

describe('src/mesh', () => {
  it('checks gauge geometry and the harness re-exports planarGauge', () => {
    const geo = randomGaugeGeometry(new Rng(1), 5);
    expect(() => checkGaugeGeometry(geo)).not.toThrow();
    expect(() => checkGaugeGeometry({ ...geo, theta: geo.theta.subarray(1) })).toThrow(ShapeError);
    expect(() => checkGaugeGeometry({ ...geo, vertices: 2 })).toThrow(/leaves the 2 vertices/);
    expect(planarFromTesting).toBe(planarGauge);
  });

  it('the harness rejects features whose width is not C·(2L+1) and malformed geometry', () => {
    const geo = randomGaugeGeometry(new Rng(1), 4);
    const id = (f: unknown) => f;
    const bad = randn(new Rng(2), [4, 4], { dtype: 'float64' }); // 4 is not a multiple of 2·1 + 1
    expect(() => assertGaugeEquivariant(id, { maxOrderIn: 1, maxOrderOut: 1, features: bad, geometry: geo })).toThrow(/expected vertex features \[V, C·3\]/);
    const f = randn(new Rng(2), [4, 3], { dtype: 'float64' });
    expect(() => assertGaugeEquivariant(id, { maxOrderIn: 1, maxOrderOut: 1, channels: 1, features: f, geometry: { ...geo, vertices: 1 } })).toThrow(ValueError);
    expect(() => gaugeFeatureAction(1).check!(fromData(new Int32Array(12), [4, 3]), 'input 0')).toThrow(DTypeError);
    // the identity is gauge equivariant: the checks are not always-failing
    expect(assertGaugeEquivariant((x: unknown) => x, { maxOrderIn: 1, maxOrderOut: 1, channels: 1, features: f, geometry: geo }).ok).toBe(true);
  });
});

describe('src/graph/action.ts', () => {
  it('checkGraphData names edges that leave the nodes and mismatched edge rows', () => {
    const nodes = randn(new Rng(0), [3, 2], { dtype: 'float64' });
    expect(() => checkGraphData({ nodes, senders: Int32Array.of(0, 5), receivers: Int32Array.of(1, 2) }, 'g')).toThrow(IndexError);
    expect(() => checkGraphData({ nodes, senders: Int32Array.of(0), receivers: Int32Array.of(1, 2) }, 'g')).toThrow(/senders has 1 entries but receivers has 2/);
    expect(() => checkGraphData({ nodes, senders: Int32Array.of(0), receivers: Int32Array.of(1), edges: randn(new Rng(0), [2, 2]) }, 'g')).toThrow(/edges \[2,2\] must be \[1, Fe\]/);
    expect(() => checkGraphData({ nodes, senders: Int32Array.of(0), receivers: Int32Array.of(1) }, 'g', { nodeFeatures: 2 })).not.toThrow();
  });
});
