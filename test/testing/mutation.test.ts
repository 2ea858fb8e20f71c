/**
 * Mutation suite: the harness passes equivariant models and flags broken ones with the right
 * diagnosis (issue 4, "Done when").
 */
import { describe, expect, it } from 'vitest';
import { C, O3, SO2, SO3, rotation2 } from '../../src/group/index.js';
import { EquivariantLinear } from '../../src/nn/equivariant-linear.js';
import { MLP } from '../../src/nn/index.js';
import { V, parseRep } from '../../src/rep/index.js';
import { Tensor, conv2d, fromData, matmul, randn, tensor } from '../../src/tensor/index.js';
import { DTypeError, Rng, ShapeError, ValueError } from '../../src/util/index.js';
import {
  assertEquivariant, assertGaugeEquivariant, assertPermutationEquivariant, equivarianceError, equivarianceErrorAsync, EquivarianceError,
  gaugeGeometryAction, gridAction, invariantAction, NonFiniteError, positionsAction, repAction, rotatedGridAction, UnsupportedElementError,
  assertGradcheck, checkBasis, gradcheck, GradcheckError,
} from '../../src/testing/index.js';
import type { Action, EquivarianceReport, GaugeGeometry, GraphData } from '../../src/testing/index.js';

const kinds = (r: EquivarianceReport) => r.diagnoses.map((d) => d.kind);

/** Cross product of the two vectors in each row of x [N, 6]: SO(3)- but not O(3)-equivariant. */
function cross(x: Tensor): Tensor {
  const a = x.data, n = x.shape[0]!, o = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    const [u0, u1, u2, v0, v1, v2] = Array.from(a.subarray(i * 6, i * 6 + 6));
    o.set([u1! * v2! - u2! * v1!, u2! * v0! - u0! * v2!, u0! * v1! - u1! * v0!], i * 3);
  }
  return tensor(o, { shape: [n, 3], dtype: x.dtype });
}

/** Sum of neighbour features weighted by edge features; `orderBug` adds the node index. */
function messagePassing(orderBug: boolean) {
  return (g: GraphData): Tensor => {
    const n = g.nodes.shape[0]!, f = g.nodes.shape[1]!, x = g.nodes.data, e = g.edges!.data;
    const out = new Float64Array(n * f);
    for (let k = 0; k < g.senders.length; k++) {
      const q = g.senders[k]!, p = g.receivers[k]!;
      for (let j = 0; j < f; j++) out[p * f + j]! += Math.tanh(e[k * 2]!) * x[q * f + j]!;
    }
    if (orderBug) for (let p = 0; p < n; p++) out[p * f]! += 0.1 * p;
    return fromData(out, [n, f]);
  };
}

describe('mutation suite', () => {
  it('flags a plain MLP on point clouds as an O(1) bug', () => {
    const mlp = new MLP([3, 8, 3], { rng: new Rng(0) });
    const r = equivarianceError(mlp, { group: SO3(), in: positionsAction(3), out: positionsAction(3) });
    expect(r.verdict).toBe('not-equivariant');
    expect(kinds(r)).toContain('bug');
    expect(() => assertEquivariant(mlp, { group: SO3(), in: positionsAction(3), out: positionsAction(3) })).toThrow(EquivarianceError);
  });

  it('passes an EquivariantLinear and flags one weight moved off the basis', () => {
    const G = SO3();
    const lin = new EquivariantLinear(parseRep('V + V^2', G), parseRep('V + V^2', G), { rng: new Rng(1), dtype: 'float64' });
    const ok = assertEquivariant(lin);
    expect(ok.worst!.relative).toBeLessThan(1e-13);
    const W = Float64Array.from(lin.weight().data);
    W[1]! += 0.3; // row 0 (field V), column 1: breaks only the V output field
    const Wt = fromData(W, [12, 12]), b = lin.bias();
    const broken = (x: Tensor) => { const y = matmul(x, Wt, { transB: true }); return b ? y.add(b) : y; };
    const r = equivarianceError(broken, { group: G, in: lin.repIn, out: lin.repOut });
    expect(r.ok).toBe(false);
    expect(r.worst!.field).toBe('V');
    expect(kinds(r)).toContain('field'); // only the V field fails, V^2 is fine
  });

  it('flags message passing that depends on node order', () => {
    expect(assertPermutationEquivariant(messagePassing(false)).ok).toBe(true);
    const r = failure(() => assertPermutationEquivariant(messagePassing(true)));
    expect(kinds(r)).toContain('permutation');
  });

  it('passes a C4-symmetric grid kernel and flags a non-symmetric one', () => {
    const conv = (k: number[][]) => (x: Tensor) => conv2d(x.reshape([1, ...x.shape]), tensor([[k]], { dtype: x.dtype }), null, { padding: 1 }).reshape(x.shape);
    const spec = { group: C(4), in: gridAction(), out: gridAction() };
    expect(assertEquivariant(conv([[1, 2, 1], [2, 5, 2], [1, 2, 1]]), spec).ok).toBe(true);
    const r = equivarianceError(conv([[1, 2, 0], [2, 5, 2], [1, 2, 1]]), spec);
    expect(r.ok).toBe(false);
    expect(r.worst!.relative).toBeGreaterThan(1e-3);
  });

  it('passes SO(3) and fails O(3) for a model that ignores reflections, naming the reflection', () => {
    expect(assertEquivariant(cross, { group: SO3(), in: parseRep('2V', SO3()), out: V(SO3()) }).ok).toBe(true);
    const r = equivarianceError(cross, { group: O3(), in: parseRep('2V', O3()), out: V(O3()) });
    expect(r.ok).toBe(false);
    const refl = r.diagnoses.find((d) => d.kind === 'reflection');
    expect(refl?.message).toMatch(/reflection \(generator 0\)/);
    expect(r.elements.find((e) => e.label === 'parity −I')?.failed).toBe(true);
    expect(r.elements.filter((e) => e.det > 0).every((e) => !e.failed)).toBe(true);
  });

  it('reports interpolated 30° image rotations as discretisation, and an O(1) bug as a bug', () => {
    const smooth = (x: Tensor) => conv2d(x.reshape([1, ...x.shape]), tensor([[[[1, 2, 1], [2, 4, 2], [1, 2, 1]]]], { dtype: x.dtype }), null, { padding: 1 }).reshape(x.shape);
    const spec = { group: SO2(), in: rotatedGridAction(), out: rotatedGridAction(), elements: { only: true, extra: [rotation2(Math.PI / 6)] } };
    const r = assertEquivariant(smooth, spec);
    expect(r.verdict).toBe('discretisation');
    expect(r.resolutions![1]!.relative).toBeLessThan(r.resolutions![0]!.relative / 2);
    expect(r.elements[0]!.label).toBe('rotation by 30.0°');
    // multiplying by a horizontal ramp singles out a direction: O(1) at every resolution
    const ramp = (x: Tensor) => {
      const n = x.shape[2]!, v = Float64Array.from(x.data);
      for (let i = 0; i < v.length; i++) v[i]! *= (i % n) / n;
      return fromData(v, x.shape);
    };
    const bad = equivarianceError(ramp, spec);
    expect(bad.verdict).toBe('not-equivariant');
    expect(kinds(bad)).toContain('bug');
  });

  it('passes a gauge-equivariant mesh convolution and flags one that skips the frame rotation', () => {
    // out_p = mean_q ρ(θ_pq) K ρ(g_{q→p} − θ_pq) f_q on ρ₀ ⊕ ρ₁ features, one channel (GEM-CNN)
    const K = [0.7, 0.2, -0.4, 0.3, 1.1, 0.5, -0.6, 0.8, 0.9];
    const Kself = [0.5, 0, 0, 0, 0.8, -0.3, 0, 0.3, 0.8];
    const rho = (a: number) => [1, 0, 0, 0, Math.cos(a), -Math.sin(a), 0, Math.sin(a), Math.cos(a)];
    const mm = (A: number[], B: number[]) => A.map((_, k) => { const i = Math.floor(k / 3), j = k % 3; return A[i * 3]! * B[j]! + A[i * 3 + 1]! * B[3 + j]! + A[i * 3 + 2]! * B[6 + j]!; });
    const conv = (rotate: boolean) => (f: Tensor, geo: GaugeGeometry): Tensor => {
      const V = geo.vertices, out = new Float64Array(V * 3), deg = new Float64Array(V);
      for (let k = 0; k < geo.senders.length; k++) {
        const q = geo.senders[k]!, p = geo.receivers[k]!, th = geo.theta[k]!, g = geo.transport[k]!;
        // self-loops (r = 0) use an intertwiner of ρ₀ ⊕ ρ₁ (it commutes with every rotation)
        const M = q === p ? Kself : rotate ? mm(mm(rho(th), K), rho(g - th)) : mm(K, rho(g));
        for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) out[p * 3 + i]! += M[i * 3 + j]! * f.data[q * 3 + j]!;
        deg[p]!++;
      }
      for (let p = 0; p < V; p++) for (let i = 0; i < 3; i++) out[p * 3 + i]! /= Math.max(1, deg[p]!);
      return fromData(out, [V, 3]);
    };
    expect(assertGaugeEquivariant(conv(true), { maxOrderIn: 1, maxOrderOut: 1, channels: 1 }).ok).toBe(true);
    const r = failure(() => assertGaugeEquivariant(conv(false), { maxOrderIn: 1, maxOrderOut: 1, channels: 1 }));
    expect(r.fields.find((f) => f.field === 'ρ_0')!.relative).toBeGreaterThan(1e-3);
  });
});

describe('mutation suite: the harness never passes by mistake', () => {
  const G = SO3();
  const spec = { group: G, in: parseRep('2V', G), out: V(G) };
  const sum = (x: Tensor) => x.slice([null, [0, 3]]).add(x.slice([null, [3, 6]]));

  it('a correct model still passes (so the checks below are not always-failing)', () => {
    const r = assertEquivariant(sum, spec);
    expect([r.ok, r.verdict]).toEqual([true, 'equivariant']);
    expect(r.elements.filter((e) => !e.skipped).length).toBeGreaterThan(3);
  });

  it('data whose width does not match the declared rep is a ShapeError naming the rep and both shapes', () => {
    const bad = randn(new Rng(1), [4, 5], { dtype: 'float64' });
    expect(() => equivarianceError(sum, { ...spec, data: [bad] })).toThrow(ShapeError);
    expect(() => equivarianceError(sum, { ...spec, data: [bad] })).toThrow(/spec\.data\[0\] \(ρ = 2V of SO\(3\), width 6\): expected \[\.\.\., 6\], got \[4,5\]/);
    // the wrong number of inputs, too
    expect(() => equivarianceError(sum, { ...spec, data: [bad, bad] })).toThrow(/spec\.data has 2 values but the model takes 1 inputs/);
  });

  it('a model whose output width is wrong is a ShapeError (it used to skip every element and pass)', () => {
    const first2 = (x: Tensor) => x.slice([null, [0, 2]]);
    expect(() => equivarianceError(first2, spec)).toThrow(ShapeError);
    expect(() => equivarianceError(first2, spec)).toThrow(/output 0 of the model \(ρ = V of SO\(3\), width 3\): expected \[\.\.\., 3\], got \[3,2\]/);
    // an output whose shape changes only under g is also named
    let calls = 0;
    const flaky = (x: Tensor) => (calls++ === 0 ? sum(x) : sum(x).slice([[0, 2]]));
    expect(() => equivarianceError(flaky, spec)).toThrow(ShapeError);
  });

  it('wrong dtypes are DTypeErrors: int32 data, int32 outputs, float32 outputs checked in float64', () => {
    const ints = fromData(new Int32Array(18), [3, 6]);
    expect(() => equivarianceError(sum, { ...spec, data: [ints] })).toThrow(DTypeError);
    const intOut = (x: Tensor) => fromData(new Int32Array(x.shape[0]! * 3), [x.shape[0]!, 3]);
    expect(() => equivarianceError(intOut, spec)).toThrow(DTypeError);
    const f32 = (x: Tensor) => sum(x).cast('float32');
    expect(() => equivarianceError(f32, { ...spec, dtype: 'float64' })).toThrow(/returned float32 \[3,3\] while it is checked in float64/);
    // in 'auto' mode such a model is checked in float32 instead, with a note
    const r = equivarianceError(f32, spec);
    expect([r.ok, r.dtype]).toEqual([true, 'float32']);
    expect(r.diagnoses.map((d) => d.kind)).toContain('dtype');
  });

  it('NaN or Inf outputs (and inputs) are a NonFiniteError', () => {
    const nan = (x: Tensor) => sum(x).mul(NaN);
    expect(() => equivarianceError(nan, spec)).toThrow(NonFiniteError);
    expect(() => equivarianceError(nan, spec)).toThrow(/output 0 of the model \(ρ = V of SO\(3\)\): 9 of 9 values of field "V" are NaN/);
    const inf = fromData(Float64Array.from({ length: 6 }, (_, i) => (i === 2 ? Infinity : i)), [1, 6]);
    expect(() => equivarianceError(sum, { ...spec, data: [inf] })).toThrow(NonFiniteError);
  });

  it('the wrong number of outputs is a ShapeError naming the declared actions', () => {
    expect(() => equivarianceError((x: Tensor) => [sum(x), sum(x)], spec)).toThrow(ShapeError);
    expect(() => equivarianceError((x: Tensor) => [sum(x), sum(x)], spec)).toThrow(/returned 2 outputs .* but 1 output action is declared \(ρ = V of SO\(3\)\)/);
    expect(() => equivarianceError((x: Tensor) => [sum(x)], { ...spec, out: [V(G), V(G)] })).toThrow(ShapeError);
  });

  it('a rep of another group dimension than the group is a ShapeError', () => {
    expect(() => equivarianceError(sum, { group: SO2(), in: parseRep('2V', G), out: V(G) })).toThrow(/reads 3×3 group elements but the group SO\(2\) acts on R\^2/);
  });

  it('an action error other than UnsupportedElementError propagates instead of skipping the element', () => {
    const throwing: Action = { ...repAction(V(G)), act: () => { throw new ValueError('boom'); } };
    expect(() => equivarianceError((x: Tensor) => x, { group: G, in: throwing, out: V(G) })).toThrow(/boom/);
  });

  it('a report whose every element is skipped fails (inconclusive)', () => {
    const blur = (x: Tensor) => x.mul(2);
    const r = equivarianceError(blur, { group: SO2(), in: gridAction(), out: gridAction(), elements: { only: true, extra: [rotation2(Math.PI / 6)] } });
    expect(r.elements.every((e) => e.skipped)).toBe(true);
    expect([r.ok, r.verdict]).toEqual([false, 'inconclusive']);
    expect(r.diagnoses[0]!.kind).toBe('vacuous');
    expect(() => assertEquivariant(blur, { group: SO2(), in: gridAction(), out: gridAction(), elements: { only: true, extra: [rotation2(Math.PI / 6)] } })).toThrow(/INCONCLUSIVE/);
    // the skip itself is an UnsupportedElementError
    expect(() => gridAction().act({ label: '', kind: 'custom', g: rotation2(0.5), seed: 1, translate: false, permute: false, shift: false, gauge: false }, randn(new Rng(0), [1, 4, 4]))).toThrow(UnsupportedElementError);
  });

  it('checks with no elements, no fields or empty outputs fail instead of passing vacuously', () => {
    // no group and nothing to permute: no element at all
    const none = equivarianceError((x: Tensor) => x, { group: null, in: invariantAction(), out: invariantAction() });
    expect([none.ok, none.verdict]).toEqual([false, 'inconclusive']);
    expect(none.diagnoses[0]!.message).toMatch(/no group element was checked/);
    // spec.elements selected none
    expect(equivarianceError(sum, { ...spec, elements: { only: true } }).ok).toBe(false);
    // an output action without fields compares nothing
    const noFields = equivarianceError((x: Tensor) => x, { group: G, in: V(G), out: { ...repAction(V(G)), fields: () => [] } });
    expect([noFields.ok, noFields.verdict]).toEqual([false, 'inconclusive']);
    expect(noFields.diagnoses[0]!.message).toMatch(/no output value was compared/);
    // an empty output
    const empty = equivarianceError((x: Tensor) => x.slice([[0, 0], [0, 3]]), spec);
    expect(empty.ok).toBe(false);
    // geometry as an output is never compared
    expect(equivarianceError((g: GaugeGeometry) => g, { in: gaugeGeometryAction(), out: gaugeGeometryAction() }).ok).toBe(false);
  });

  it('algebraic checks and gradcheck fail on malformed or empty inputs instead of passing', () => {
    const G = SO3();
    // a basis whose size is not a multiple of |out|·|in| is a ShapeError
    expect(() => checkBasis(new Float64Array(10), V(G), V(G))).toThrow(ShapeError);
    expect(() => checkBasis({ Q: new Float64Array(9), dim: 2 }, V(G), V(G))).toThrow(/Q has 9 entries, not N × dim/);
    // the identity basis of V → V passes (the check is not always-failing)
    const I = new Float64Array(9);
    for (let i = 0; i < 3; i++) I[i * 4] = 1 / Math.sqrt(3);
    expect(checkBasis(I, V(G), V(G), 1).ok).toBe(true);
    // gradcheck with only empty inputs compares nothing
    const empty = tensor(new Float64Array(0), { shape: [0], dtype: 'float64', requiresGrad: true });
    expect(() => gradcheck((a) => a.mul(2), [empty])).toThrow(/nothing to check/);
    // a failing assertGradcheck is a named GradcheckError
    const x = tensor([0.3, -1.2], { dtype: 'float64', requiresGrad: true });
    const wrongGrad = (a: Tensor) => a.detach().square().add(a.mul(0));
    expect(() => assertGradcheck(wrongGrad, [x])).toThrow(GradcheckError);
    expect(assertGradcheck((a: Tensor) => a.square(), [x]).ok).toBe(true);
  });

  it('an async model with a wrong output width is a ShapeError too', async () => {
    const model = async (x: Tensor) => x.slice([null, [0, 2]]).cast('float32');
    await expect(equivarianceErrorAsync(model, (x: Tensor) => sum(x).cast('float32'), { ...spec, dtype: 'float32' })).rejects.toThrow(ShapeError);
  });
});

/** The report of an assertion that must fail. */
function failure(f: () => unknown): EquivarianceReport {
  try {
    f();
  } catch (e) {
    if (e instanceof EquivarianceError) {
      expect(e.report.ok).toBe(false);
      return e.report;
    }
    throw e;
  }
  throw new Error('expected an EquivarianceError');
}
