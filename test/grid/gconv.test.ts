/**
 * G-CNNs on the lattice (Cohen & Welling 2016): the p4/p4m point groups and their regular
 * representation, the action on feature maps, lifting and group convolutions against a direct
 * evaluation of the paper's correlation, exact equivariance through the harness (float64 ≤ 1e-12,
 * float32 ≤ 1e-5), broken layers that must fail, pooling, gradients and parameter counts.
 */
import { describe, expect, it } from 'vitest';
import { C, D, SO2 } from '../../src/group/index.js';
import { rotation2 } from '../../src/group/matrices.js';
import {
  GroupConv2d, GroupPool, LiftingConv2d, actOnLatticeFeatures, groupPool, latticeFibre, latticeMatrixGroup, latticePointGroup,
  latticePool2d, latticeRegularRep, regularPermutation, stackedFilterIndex,
} from '../../src/grid/index.js';
import type { LatticeGroupName } from '../../src/grid/index.js';
import { regular } from '../../src/rep/index.js';
import { conv2d, fromData, indexSelect, randn } from '../../src/tensor/index.js';
import type { Tensor } from '../../src/tensor/index.js';
import { DTypeError, Rng, ShapeError, ValueError } from '../../src/util/index.js';
import { assertEquivariant, equivarianceError, gradcheck, gridAction, makeElement, rotatedGridAction } from '../../src/testing/index.js';

const groups: LatticeGroupName[] = ['p4', 'p4m'];
const orderOf = (g: LatticeGroupName) => (g === 'p4' ? 4 : 8);
const f64 = { dtype: 'float64' as const };

/** 2×2 products and inverses written out (independent of the library's tables). */
const mm = (a: ArrayLike<number>, b: ArrayLike<number>) => [a[0]! * b[0]! + a[1]! * b[2]!, a[0]! * b[1]! + a[1]! * b[3]!, a[2]! * b[0]! + a[3]! * b[2]!, a[2]! * b[1]! + a[3]! * b[3]!];
const inv2 = (a: ArrayLike<number>) => [a[0]!, a[2]!, a[1]!, a[3]!]; // orthogonal
const same = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).every((v, i) => Math.abs(v - b[i]!) < 1e-9);

/**
 * The paper's correlation on G evaluated directly: out[o, g, t] = b[o] + Σ_{c, s, p} f[c, s, p]·ψ[o, c, h_g⁻¹·s, h_g⁻¹(p − t)],
 * looping over output group elements g and input positions p; coordinates x = j, y = −i.
 */
function naiveGConv(name: LatticeGroupName, f: Tensor, psi: Tensor, bias: Tensor | null, pad: number, stride = 1, dil = 1): Float64Array {
  const els = latticePointGroup(name).elements, n = els.length;
  const [O, Cin, Hin, k] = psi.shape as [number, number, number, number];
  const [, S] = f.shape as [number, number, number, number];
  const B = f.shape[0]!, side = f.shape[2]!, cc = (k - 1) / 2;
  const out = Math.floor((side + 2 * pad - dil * (k - 1) - 1) / stride) + 1;
  const y = new Float64Array(B * O * n * out * out), fv = f.data, pv = psi.data;
  const slot = (m: ArrayLike<number>) => els.findIndex((e) => same(e, m));
  expect(S).toBe(Cin * Hin);
  for (let b = 0; b < B; b++) {
    for (let o = 0; o < O; o++) {
      for (let g = 0; g < n; g++) {
        const gi = inv2(els[g]!);
        for (let ti = 0; ti < out; ti++) {
          for (let tj = 0; tj < out; tj++) {
            const i0 = ti * stride - pad, j0 = tj * stride - pad; // top-left input pixel of the receptive field
            let acc = bias ? bias.data[o]! : 0;
            for (let c = 0; c < Cin; c++) {
              for (let s = 0; s < Hin; s++) {
                const s2 = Hin === 1 ? 0 : slot(mm(gi, els[s]!));
                for (let pi = 0; pi < side; pi++) {
                  for (let pj = 0; pj < side; pj++) {
                    const di = (pi - i0) / dil, dj = (pj - j0) / dil;
                    if (!Number.isInteger(di) || !Number.isInteger(dj)) continue;
                    const ux = dj - cc, uy = cc - di; // p − t in kernel units, centred
                    const vx = gi[0]! * ux + gi[1]! * uy, vy = gi[2]! * ux + gi[3]! * uy; // h⁻¹(p − t)
                    const a = cc - vy, bb = vx + cc;
                    if (a < 0 || a >= k || bb < 0 || bb >= k) continue;
                    acc += fv[((b * S + c * Hin + s) * side + pi) * side + pj]! * pv[(((o * Cin + c) * Hin + s2) * k + a) * k + bb]!;
                  }
                }
              }
            }
            y[(((b * O + o) * n + g) * out + ti) * out + tj] = acc;
          }
        }
      }
    }
  }
  return y;
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe('the point groups of p4 and p4m', () => {
  it.each(groups)('%s: closed, with inverses, h_k = R^(k mod 4) F^(k div 4)', (name) => {
    const H = latticePointGroup(name), n = H.order;
    expect(n).toBe(orderOf(name));
    expect(Array.from(H.elements[1]!)).toEqual([0, -1, 1, 0]);
    if (name === 'p4m') expect(Array.from(H.elements[4]!)).toEqual([-1, 0, 0, 1]);
    for (let i = 0; i < n; i++) {
      expect(H.mul[i * n + H.inv[i]!]).toBe(0);
      for (let j = 0; j < n; j++) expect(same(H.elements[H.mul[i * n + j]!]!, mm(H.elements[i]!, H.elements[j]!))).toBe(true);
    }
    expect(new Set(H.mul).size).toBe(n);
    expect(Array.from(regularPermutation(name, H.elements[1]!))).toEqual(name === 'p4' ? [1, 2, 3, 0] : [1, 2, 3, 0, 5, 6, 7, 4]);
    if (name === 'p4m') expect(Array.from(regularPermutation(name, Float64Array.of(-1, 0, 0, 1)))).toEqual([4, 7, 6, 5, 0, 3, 2, 1]);
  });

  it('p4: the regular rep in the layout order is regular(C(4))', () => {
    const G = C(4), mine = latticeRegularRep('p4'), cat = regular(G);
    for (const g of G.elements()) expect(Array.from(mine.rho(g))).toEqual(Array.from(cat.rho(g)));
  });

  it('p4m: the regular rep is regular(D(4)) with its basis relabelled (D(4) enumerates in its own order)', () => {
    const G = D(4), H = latticePointGroup('p4m'), mine = latticeRegularRep('p4m'), cat = regular(G);
    const P = H.elements.map((e) => G.indexOf(e)); // my slot k is the catalog's slot P[k]
    expect(new Set(P).size).toBe(8);
    expect(P.some((p, k) => p !== k)).toBe(true); // the orders differ, so regular(D(4)) alone is the wrong fibre for this layout
    for (const g of G.elements()) {
      const a = mine.rho(g), b = cat.rho(g);
      for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) expect(a[i * 8 + j]).toBe(b[P[i]! * 8 + P[j]!]);
    }
  });

  it.each(groups)('%s: actOnLatticeFeatures agrees with the harness gridAction with fibre latticeFibre, and is a left action', (name) => {
    const G = latticeMatrixGroup(name), n = orderOf(name), rng = new Rng(5);
    const x = randn(rng, [2, 3 * n, 6, 6], f64);
    const act = gridAction({ fibre: latticeFibre(name, 3) });
    for (const g of G.elements()) {
      expect(maxDiff(actOnLatticeFeatures(x, name, g).data, act.act(makeElement(g), x).data)).toBe(0);
    }
    const [a, b] = [G.elements()[1]!, G.elements()[G.order - 1]!];
    const ab = Float64Array.from(mm(a, b));
    const lhs = actOnLatticeFeatures(actOnLatticeFeatures(x, name, b), name, a);
    expect(maxDiff(lhs.data, actOnLatticeFeatures(x, name, ab).data)).toBe(0);
    // slot k of feature c moves to slot h·h_k: with h = R, slot 0 (identity) lands in slot 1
    const one = new Float64Array(n * 9); one[4] = 1; // channel 0 = (c 0, slot 0), centre pixel of 3×3
    const moved = actOnLatticeFeatures(fromData(one, [n, 3, 3]), name, latticePointGroup(name).elements[1]!);
    expect(moved.data[9 + 4]).toBe(1);
    expect(() => actOnLatticeFeatures(randn(rng, [3, 4, 4]), name, a)).toThrow(ShapeError);
    expect(() => actOnLatticeFeatures(randn(rng, [n, 4, 4]), name, Float64Array.of(0.8, -0.6, 0.6, 0.8))).toThrow(ValueError);
  });
});

describe('lifting and group convolutions against the paper\'s correlation', () => {
  const cases = [
    { pad: 1, stride: 1, dil: 1, side: 7, k: 3 },
    { pad: 2, stride: 2, dil: 2, side: 8, k: 3 },
    { pad: 0, stride: 1, dil: 1, side: 6, k: 2 },
  ];
  it.each(groups)('%s: LiftingConv2d and GroupConv2d = direct loop over g to 1e-12', (name) => {
    const rng = new Rng(2), n = orderOf(name);
    for (const { pad, stride, dil, side, k } of cases) {
      const lift = new LiftingConv2d(2, 3, k, { group: name, padding: pad, stride, dilation: dil, rng, dtype: 'float64' });
      const gc = new GroupConv2d(2, 3, k, { group: name, padding: pad, stride, dilation: dil, rng, dtype: 'float64' });
      rng.fillNormal(lift.bias!.data as Float64Array);
      rng.fillNormal(gc.bias!.data as Float64Array);
      const x = randn(rng, [2, 2, side, side], f64), f = randn(rng, [2, 2 * n, side, side], f64);
      expect(maxDiff(lift.call(x).data, naiveGConv(name, x, lift.weight, lift.bias, pad, stride, dil))).toBeLessThan(1e-12);
      expect(maxDiff(gc.call(f).data, naiveGConv(name, f, gc.weight, gc.bias, pad, stride, dil))).toBeLessThan(1e-12);
    }
  });

  it.each(groups)('%s: free parameters C_out·C_in·|H|·k² + C_out, and the bias is shared over the group axis', (name) => {
    const n = orderOf(name), rng = new Rng(0);
    expect(new GroupConv2d(5, 6, 3, { group: name, rng }).numParameters()).toBe(6 * 5 * n * 9 + 6);
    expect(new GroupConv2d(5, 6, 3, { group: name, rng, bias: false }).numParameters()).toBe(6 * 5 * n * 9);
    expect(new LiftingConv2d(5, 6, 3, { group: name, rng }).numParameters()).toBe(6 * 5 * 9 + 6);
    const gc = new GroupConv2d(2, 3, 3, { group: name, rng, dtype: 'float64' });
    expect(gc.stackedWeight().shape).toEqual([3 * n, 2 * n, 3, 3]);
    const b = gc.bias!.data as Float64Array;
    b.set([1, 2, 3]);
    expect(Array.from(gc.stackedBias()!.data)).toEqual([1, 2, 3].flatMap((v) => new Array(n).fill(v)));
    // He init: std √(2/fanIn), fanIn = C_in·|H|·k²
    const big = new GroupConv2d(16, 16, 3, { group: name, rng: new Rng(1), dtype: 'float64' });
    const w = Array.from(big.weight.data as Float64Array), std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    expect(Math.abs(std / Math.sqrt(2 / (16 * n * 9)) - 1)).toBeLessThan(0.05);
    const same1 = new GroupConv2d(2, 2, 3, { group: name, rng: new Rng(9) }), same2 = new GroupConv2d(2, 2, 3, { group: name, rng: new Rng(9) });
    expect(Array.from(same1.weight.data)).toEqual(Array.from(same2.weight.data));
  });

  it('rejects bad arguments and inputs with named errors', () => {
    const rng = new Rng(0);
    expect(() => new GroupConv2d(2, 2, 4, { rng, padding: 'same' })).toThrow(/GroupConv2d: padding 'same' needs an odd kernel/);
    expect(() => new GroupConv2d(2, 2, 3, { rng, group: 'p6' as never })).toThrow(ValueError);
    expect(() => new GroupConv2d(2, 2, 3, {} as never)).toThrow(/rng is required/);
    expect(() => new LiftingConv2d(2, 2, 3, { rng, dtype: 'int32' as never })).toThrow(DTypeError);
    const gc = new GroupConv2d(2, 2, 3, { rng, group: 'p4m' });
    expect(() => gc.call(randn(rng, [1, 8, 5, 5]))).toThrow(/GroupConv2d: expected 16 input channels \(2·8, the p4m group axis\), got \[1,8,5,5\]/);
    expect(() => gc.call(randn(rng, [1, 16, 5, 5], f64))).toThrow(DTypeError);
    expect(() => groupPool(randn(rng, [6, 4, 4]), 'p4')).toThrow(ShapeError);
    expect(() => latticePool2d(randn(rng, [1, 2, 7, 7]), 2)).toThrow(/multiple of 2/);
  });
});

describe.each(['float64', 'float32'] as const)('exact equivariance through the harness (%s)', (dtype) => {
  const tol = dtype === 'float64' ? 1e-12 : 1e-5;
  const check = (model: unknown, spec: object) => {
    const r = assertEquivariant(model as never, { dtype, seed: 4, ...spec });
    expect(r.ok).toBe(true);
    expect(r.worst!.relative).toBeLessThanOrEqual(tol);
    return r;
  };

  it.each(groups.flatMap((g) => [[g, 9], [g, 8]] as const))('%s, side %i: zero-padded \'same\' lifting and group convs under rotations/flips about the centre', (name, side) => {
    const G = latticeMatrixGroup(name), rng = new Rng(3);
    const lift = new LiftingConv2d(2, 3, 3, { group: name, padding: 'same', rng, dtype });
    rng.fillNormal(lift.bias!.data as Float64Array);
    check(lift, { group: G, in: gridAction({ channels: 2, resolution: side }), out: gridAction({ fibre: latticeFibre(name, 3) }) });
    const gc = new GroupConv2d(3, 2, 5, { group: name, padding: 'same', dilation: 2, rng, dtype });
    check(gc, { group: G, in: gridAction({ fibre: latticeFibre(name, 3), resolution: side }), out: gridAction({ fibre: latticeFibre(name, 2) }) });
  });

  it('p4: the catalog\'s regular(C(4)) is the fibre too; valid (unpadded) convolutions and even kernels with symmetric padding are equivariant', () => {
    const G = C(4), rng = new Rng(7);
    const gc = new GroupConv2d(2, 2, 3, { group: 'p4', rng, dtype });
    check(gc, { group: G, in: gridAction({ fibre: regular(G).times(2), resolution: 8 }), out: gridAction({ fibre: regular(G).times(2) }) });
    // an even kernel with symmetric padding: the receptive fields are centred on half pixels, the output grid (side + 1) is still symmetric
    const even = new LiftingConv2d(1, 2, 2, { group: 'p4m', padding: 1, rng, dtype });
    const r = check(even, { group: D(4), in: gridAction({ channels: 1, resolution: 7 }), out: gridAction({ fibre: latticeFibre('p4m', 2) }) });
    expect(r.elements.length).toBeGreaterThan(0);
  });

  it.each(groups)('%s: circular padding is also equivariant to circular shifts (p4/p4m with translations)', (name) => {
    const G = latticeMatrixGroup(name), rng = new Rng(6);
    const lift = new LiftingConv2d(1, 2, 3, { group: name, padding: 1, paddingMode: 'circular', rng, dtype });
    const gc = new GroupConv2d(2, 2, 3, { group: name, padding: 1, paddingMode: 'circular', rng, dtype });
    const net = (x: Tensor) => gc.call(lift.call(x));
    const r = check(net, { group: G, in: gridAction({ channels: 1, shifts: true }), out: gridAction({ fibre: latticeFibre(name, 2), shifts: true }) });
    expect(r.elements.some((e) => e.kind === 'shift' && !e.failed)).toBe(true);
  });

  it.each(groups)('%s: lift → group conv → group pool → 2×2 pool is invariant on an even grid', (name) => {
    const G = latticeMatrixGroup(name), rng = new Rng(8);
    const lift = new LiftingConv2d(1, 2, 3, { group: name, padding: 'same', rng, dtype });
    const gc = new GroupConv2d(2, 2, 3, { group: name, padding: 'same', rng, dtype });
    const pool = new GroupPool(name, 'max');
    const net = (x: Tensor) => latticePool2d(pool.call(gc.call(lift.call(x).relu())), 2, 'max');
    check(net, { group: G, in: gridAction({ channels: 1, resolution: 8 }), out: gridAction({ channels: 2 }) });
    const meanNet = (x: Tensor) => latticePool2d(groupPool(lift.call(x), name, 'mean'), 2, 'mean');
    check(meanNet, { group: G, in: gridAction({ channels: 1, resolution: 8 }), out: gridAction({ channels: 2 }) });
  });
});

describe('what is not equivariant is caught', () => {
  const name = 'p4m', n = 8, G = latticeMatrixGroup(name);

  it('filters not rotated, or the group axis not permuted, fail the harness', () => {
    const rng = new Rng(12);
    const gc = new GroupConv2d(2, 2, 3, { group: name, padding: 'same', rng, dtype: 'float64' });
    const psi = gc.weight, W = gc.stackedWeight().data as Float64Array, k = 3;
    // (a) the same unrotated filter in every output slot
    const flat = Float64Array.from({ length: W.length }, (_, q) => {
      const [o, g, rest] = [Math.floor(q / (n * 2 * n * 9)), Math.floor(q / (2 * n * 9)) % n, q % (2 * n * 9)];
      void g;
      return psi.data[o * 2 * n * 9 + rest]!;
    });
    // (b) rotated spatially, but the input group axis left in place: undo the slot permutation of the stacked weight
    const H = latticePointGroup(name), noPerm = new Float64Array(W.length);
    for (let o = 0; o < 2; o++) {
      for (let g = 0; g < n; g++) {
        for (let c = 0; c < 2; c++) {
          for (let s = 0; s < n; s++) {
            const t = H.mul[g * n + s]!; // slot s of ψ went to slot g·s
            const from = (((o * n + g) * 2 + c) * n + t) * k * k, to = (((o * n + g) * 2 + c) * n + s) * k * k;
            noPerm.set(W.subarray(from, from + k * k), to);
          }
        }
      }
    }
    const spec = { group: G, in: gridAction({ fibre: latticeFibre(name, 2), resolution: 7 }), out: gridAction({ fibre: latticeFibre(name, 2) }), seed: 1 };
    expect(equivarianceError((x: Tensor) => gc.call(x), spec).ok).toBe(true);
    for (const w of [flat, noPerm]) {
      const weight = fromData(w, [2 * n, 2 * n, 3, 3]);
      const r = equivarianceError((x: Tensor) => conv2d(x.reshape([1, ...x.shape]), weight, null, { padding: 1 }).reshape([2 * n, x.shape[1]!, x.shape[2]!]), spec);
      expect(r.ok).toBe(false);
      expect(r.worst!.relative).toBeGreaterThan(1e-2);
    }
    // and the regular rep of D(4) in the catalog's order is the wrong fibre for this layout
    const wrong = equivarianceError((x: Tensor) => gc.call(x), { ...spec, in: gridAction({ fibre: regular(G).times(2), resolution: 7 }), out: gridAction({ fibre: regular(G).times(2) }) });
    expect(wrong.ok).toBe(false);
  });

  it('strided convolutions commute with rotations about the centre only when the stride divides side − 1', () => {
    const rng = new Rng(13);
    const gc = new LiftingConv2d(1, 2, 3, { group: 'p4', padding: 'same', stride: 2, rng, dtype: 'float64' });
    const spec = (side: number) => ({ group: C(4), in: gridAction({ channels: 1, resolution: side }), out: gridAction({ fibre: latticeFibre('p4', 2) }) });
    expect(equivarianceError(gc, spec(9)).ok).toBe(true);
    expect(equivarianceError(gc, spec(8)).ok).toBe(false);
  });

  it('zero-padded convolutions are not shift-equivariant; 2×2 pooling commutes with even shifts only', () => {
    const rng = new Rng(14);
    const lift = new LiftingConv2d(1, 1, 3, { group: 'p4', padding: 'same', rng, dtype: 'float64' });
    expect(equivarianceError(lift, { group: C(4), in: gridAction({ channels: 1, shifts: true }), out: gridAction({ fibre: latticeFibre('p4', 1), shifts: true }) }).ok).toBe(false);
    const x = randn(rng, [1, 2, 8, 8], f64);
    const shift = (t: Tensor, d: number) => actOnLatticeFeatures(t, 'p4', null, { shift: [d, d], domain: 'plane' });
    const pool = (t: Tensor) => latticePool2d(t, 2, 'max');
    expect(maxDiff(pool(shift(x, 2)).data, shift(pool(x), 1).data)).toBe(0);
    expect(maxDiff(pool(shift(x, 1)).data, shift(pool(x), 1).data)).toBeGreaterThan(1e-3);
  });

  it('a p4 layer under a 45° rotation (not a lattice symmetry): exact action skips it, interpolated action reports discretisation', () => {
    const rng = new Rng(15);
    const lift = new LiftingConv2d(1, 1, 3, { group: 'p4', padding: 'same', rng, dtype: 'float64' });
    const inv = (x: Tensor) => groupPool(lift.call(x), 'p4', 'mean');
    const r45 = rotation2(Math.PI / 4);
    const exact = equivarianceError(inv, { group: SO2(), in: gridAction({ channels: 1 }), out: gridAction({ channels: 1 }), elements: { only: true, extra: [r45] } });
    expect(exact.ok).toBe(false);
    expect(exact.verdict).toBe('inconclusive');
    const r = equivarianceError(inv, { group: SO2(), in: rotatedGridAction({ channels: 1 }), out: rotatedGridAction({ channels: 1 }), elements: { only: true, extra: [r45] } });
    expect(r.verdict).toBe('discretisation');
    expect(r.ok).toBe(true);
    expect(r.resolutions![1]!.relative).toBeLessThan(r.resolutions![0]!.relative / 4);
    // the limit of the study: a plain asymmetric 3×3 convolution (no symmetry at all) is also called
    // discretisation, since any fixed small kernel tends to a multiple of the identity as the image
    // is refined; it only shrinks more slowly (order ≈ 1 against ≈ 3 for the p4 invariant)
    const w = fromData(Float64Array.of(1, 2, 0, 0, 1, 0, -1, 0, 3), [1, 1, 3, 3]);
    const plain = equivarianceError((x: Tensor) => conv2d(x.reshape([1, ...x.shape]), w, null, { padding: 1 }).reshape(x.shape), { group: SO2(), in: rotatedGridAction({ channels: 1 }), out: rotatedGridAction({ channels: 1 }), elements: { only: true, extra: [r45] } });
    expect(plain.verdict).toBe('discretisation');
    expect(plain.resolutions![1]!.relative).toBeGreaterThan(10 * r.resolutions![1]!.relative);
  });
});

describe('gradients (float64 gradcheck)', () => {
  it.each(groups)('%s: lifting and group conv w.r.t. input, filters and bias', (name) => {
    const rng = new Rng(21), n = orderOf(name);
    const gc = new GroupConv2d(1, 2, 3, { group: name, padding: 1, rng, dtype: 'float64' });
    const idx = stackedFilterIndex(name, 2, 1, n, 3), bidx = Int32Array.from({ length: 2 * n }, (_, q) => Math.floor(q / n));
    const fn = (x: Tensor, psi: Tensor, b: Tensor) => conv2d(x, indexSelect(psi.reshape([-1]), 0, idx).reshape([2 * n, n, 3, 3]), indexSelect(b, 0, bidx), { padding: 1 });
    const x = randn(rng, [1, n, 4, 4], { dtype: 'float64', requiresGrad: true });
    const psi = randn(rng, [2, 1, n, 3, 3], { dtype: 'float64', requiresGrad: true }), b = randn(rng, [2], { dtype: 'float64', requiresGrad: true });
    expect(maxDiff(fn(x, gc.weight, gc.bias!).data, gc.call(x).data)).toBe(0);
    expect(gradcheck(fn, [x, psi, b]).ok).toBe(true);
    const lift = new LiftingConv2d(2, 1, 3, { group: name, padding: 'same', paddingMode: 'circular', rng, dtype: 'float64' });
    const xi = randn(rng, [1, 2, 4, 4], { dtype: 'float64', requiresGrad: true });
    expect(gradcheck((t: Tensor) => lift.call(t).square().sum(), [xi]).ok).toBe(true);
    // the parameter gradient reaches ψ through the stacking
    lift.call(xi).sum().backward();
    expect(lift.weight.grad).not.toBeNull();
    expect(Array.from(lift.weight.grad!.data).some((v) => v !== 0)).toBe(true);
  });
});
