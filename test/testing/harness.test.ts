/** The equivariance harness: actions, tolerances, diagnoses, algebraic checks, matchers, arbitraries. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { C, D, O3, SO3, diag } from '../../src/group/index.js';
import { det } from '../../src/linalg/index.js';
import { EquivariantLinear } from '../../src/nn/equivariant-linear.js';
import { V, parseRep, regular } from '../../src/rep/index.js';
import { equivariantBasis } from '../../src/solver/index.js';
import { Tensor, fromData } from '../../src/tensor/index.js';
import { Rng } from '../../src/util/index.js';
import {
  TOL_FLOAT32, TOL_FLOAT64, assertInvariant, checkBasis, checkGroup, checkRep, equivarianceError, formatCheckReport, formatReport,
  graphAction, gridAction, makeArbitraries, makeElement, pointCloudAction, positionsAction, registerMatchers, repAction,
} from '../../src/testing/index.js';
import type { EquivarianceMatchers, PointCloud } from '../../src/testing/index.js';

declare module 'vitest' {
  interface Assertion<T = any> extends EquivarianceMatchers<T> {}
}
registerMatchers(expect);

/** EGNN-style update on positions [N, 3]: x_i + Σ_j (x_i − x_j)·tanh(|x_i − x_j|²): E(3)-equivariant. */
function egnn(useAbsolute: boolean) {
  return (x: Tensor): Tensor => {
    const n = x.shape[0]!, a = x.data, y = Float64Array.from(a);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let d2 = 0;
        for (let k = 0; k < 3; k++) d2 += (a[i * 3 + k]! - a[j * 3 + k]!) ** 2;
        for (let k = 0; k < 3; k++) y[i * 3 + k]! += 0.1 * (a[i * 3 + k]! - a[j * 3 + k]!) * Math.tanh(d2);
      }
      if (useAbsolute) { let r = 0; for (let k = 0; k < 3; k++) r += a[i * 3 + k]! ** 2; for (let k = 0; k < 3; k++) y[i * 3 + k]! += 0.01 * a[i * 3 + k]! * r; }
    }
    return fromData(y, x.shape);
  };
}

describe('equivariance harness', () => {
  it('documents its tolerances: float64 1e-12, float32 1e-5', () => {
    expect(TOL_FLOAT64).toBe(1e-12);
    expect(TOL_FLOAT32).toBe(1e-5);
    const G = SO3();
    const lin64 = new EquivariantLinear(V(G), parseRep('V^2', G), { rng: new Rng(0), dtype: 'float64' });
    const r64 = equivarianceError(lin64);
    expect([r64.dtype, r64.tol, r64.ok]).toEqual(['float64', 1e-12, true]);
    const lin32 = new EquivariantLinear(V(G), parseRep('V^2', G), { rng: new Rng(0) });
    const r32 = equivarianceError(lin32, { dtype: 'float32' });
    expect([r32.dtype, r32.tol, r32.ok]).toEqual(['float32', 1e-5, true]);
    expect(r32.worst!.relative).toBeGreaterThan(1e-12); // float32 rounding is visible…
    // …and a 1e-8 perturbation passes float32's tolerance but not float64's
    const W = lin64.weight();
    const tiny = (x: Tensor) => { const y = x.matmul(W.T); const v = Float64Array.from(y.data); v[0]! += 1e-8 * x.data[1]!; return fromData(v, y.shape); };
    const spec = { group: G, in: V(G), out: parseRep('V^2', G) };
    expect(equivarianceError(tiny, spec).ok).toBe(false);
    expect(equivarianceError(tiny, { ...spec, tol: TOL_FLOAT32 }).ok).toBe(true);
  });

  it('keeps a module\'s own parameters after checking it in float64', () => {
    const G = SO3();
    const lin = new EquivariantLinear(V(G), V(G), { rng: new Rng(0) });
    const before = lin.parameters();
    equivarianceError(lin);
    expect(lin.parameters()).toEqual(before);
    expect(lin.parameters().every((p, i) => p === before[i] && p.dtype === 'float32')).toBe(true);
  });

  it('checks E(3) point clouds with translations and diagnoses absolute-position use', () => {
    const spec = { group: O3(), in: positionsAction(3), out: positionsAction(3) };
    expect(equivarianceError(egnn(false), spec).ok).toBe(true);
    const r = equivarianceError(egnn(true), spec);
    expect(r.ok).toBe(false);
    expect(r.diagnoses.map((d) => d.kind)).toContain('translation');
  });

  it('reports per field of a point cloud and finds degenerate inputs', () => {
    const G = SO3();
    const act = pointCloudAction(3, { positions: 'positions', velocities: V(G), charge: 'invariant' });
    const model = (p: PointCloud): PointCloud => ({ positions: p.positions!, velocities: p.velocities!.mul(2), charge: p.charge! });
    const r = equivarianceError(model, { group: G, in: act, out: act });
    expect(r.ok).toBe(true);
    expect(r.fields.map((f) => f.field).sort()).toEqual(['charge', 'positions', 'velocities V']);
    const same = fromData(new Float64Array([1, 2, 3, 1, 2, 3]), [2, 3]);
    const d = equivarianceError(egnn(false), { group: G, in: positionsAction(3), out: positionsAction(3), data: [same] });
    const msgs = d.diagnoses.filter((x) => x.kind === 'degenerate-input').map((x) => x.message).join('\n');
    expect(msgs).toMatch(/fewer than d \+ 1 points/);
    expect(msgs).toMatch(/coincident/);
  });

  it('reports elements outside the declared group without counting them', () => {
    const G = SO3();
    const refl = makeElement(diag([-1, 1, 1]), { label: 'mirror x', kind: 'custom' });
    const cross = (x: Tensor) => { const a = x.data; return fromData(new Float64Array([a[1]! * a[5]! - a[2]! * a[4]!, a[2]! * a[3]! - a[0]! * a[5]!, a[0]! * a[4]! - a[1]! * a[3]!]), [1, 3]); };
    const r = equivarianceError(cross, { group: G, in: parseRep('2V', G), out: V(G), data: [fromData(new Float64Array([1, 2, 3, -1, 0.5, 2]), [1, 6])], elements: { extra: [refl] } });
    expect(r.ok).toBe(true);
    const out = r.diagnoses.find((x) => x.kind === 'outside-group');
    expect(out?.message).toMatch(/"mirror x" \(det = -1/);
    expect(out?.message).toMatch(/they do fail/);
    expect(formatReport(r)).toMatch(/not in group/);
  });

  it('acts on grids with a regular fibre rep (C4 lifting-style channel permutation)', () => {
    const G = C(4);
    // rotate each of 4 channels' roles: output channel k = input image; channels permute with ρ_reg
    const stack = (x: Tensor) => fromData(Float64Array.from({ length: 4 * x.size }, (_, i) => x.data[i % x.size]!), [4, ...x.shape.slice(1)]);
    const r = equivarianceError(stack, { group: G, in: gridAction({ shifts: true }), out: gridAction({ fibre: regular(G), shifts: true }) });
    expect(r.ok).toBe(true);
    expect(r.elements.some((e) => e.kind === 'shift')).toBe(true);
  });

  it('assertInvariant and the matchers', () => {
    const G = O3();
    const norm = (x: Tensor) => x.square().sum(-1);
    expect(assertInvariant(norm, { group: G, in: V(G) }).ok).toBe(true);
    expect(norm).toBeInvariant({ group: G, in: V(G) });
    const G2 = D(4);
    const lin = new EquivariantLinear(V(G2), V(G2), { rng: new Rng(2), dtype: 'float64' });
    expect(lin).toBeEquivariant();
    expect((x: Tensor) => x.square()).not.toBeEquivariant({ group: G2, in: V(G2), out: V(G2) });
    expect(() => expect((x: Tensor) => x.square()).toBeEquivariant({ group: G2, in: V(G2), out: V(G2) })).toThrow(/NOT EQUIVARIANT/);
    const g = graphAction();
    expect((x: { nodes: Tensor }) => x.nodes.sum(0)).toBeInvariant({ in: g });
  });
});

describe('algebraic checks', () => {
  it('checkGroup, checkRep, checkBasis', () => {
    for (const G of [SO3(), O3(), D(4)]) expect(checkGroup(G).ok, formatCheckReport(checkGroup(G))).toBe(true);
    const G = SO3();
    const rep = parseRep('V + V^2', G);
    expect(checkRep(rep).ok).toBe(true);
    const B = equivariantBasis(V(G), parseRep('V^2', G));
    expect(checkBasis(B, V(G), parseRep('V^2', G), 1).ok).toBe(true);
    const wrong = checkBasis(B, V(G), parseRep('V^2', G), 2);
    expect(wrong.items.find((i) => i.name === 'dimension')!.ok).toBe(false);
    const junk = Float64Array.from({ length: 27 }, (_, i) => (i === 0 ? 1 : 0));
    const bad = checkBasis(junk, V(G), parseRep('V^2', G));
    expect(bad.items.find((i) => i.name.startsWith('CQ'))!.ok).toBe(false);
    expect(formatCheckReport(bad)).toMatch(/FAIL CQ = 0/);
  });
});

describe('fast-check arbitraries', () => {
  const arb = makeArbitraries(fc);
  it('group elements are members, reps are homomorphisms, graphs are valid', () => {
    fc.assert(fc.property(arb.groupElement(SO3()), (g) => Math.abs(det(g) - 1) < 1e-9), { numRuns: 10, seed: 1 });
    fc.assert(fc.property(arb.rep(D(4), { maxSize: 8 }), (r) => checkRep(r).ok), { numRuns: 8, seed: 2 });
    fc.assert(fc.property(arb.graph({ maxNodes: 5 }), (g) => g.senders.every((s) => s < g.nodes.shape[0]!) && g.edges!.shape[0] === g.senders.length), { numRuns: 10, seed: 3 });
    fc.assert(fc.property(arb.mesh(), (m) => m.faces.every((f) => f < m.positions.length / 3)), { numRuns: 5, seed: 4 });
  });
  it('a rep action is equivariant-consistent on random point clouds', () => {
    const G = SO3();
    fc.assert(fc.property(arb.pointCloud({ minPoints: 4, maxPoints: 6 }), (x) =>
      equivarianceError((p: Tensor) => p.mul(2), { group: G, in: repAction(V(G)), out: repAction(V(G)), data: [x], elements: { random: 1 } }).ok), { numRuns: 5, seed: 5 });
  });
});
