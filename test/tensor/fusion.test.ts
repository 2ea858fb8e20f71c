/**
 * Elementwise fusion in compiled steps (src/tensor/fusion.ts, src/tensor/compile.ts): fused chains
 * return the eager bits — special values included, float32 and float64, scalar and row operands —
 * and fusion happens only where an intermediate is read by one step, is not returned and has no
 * views. The generated kernel is also compared with the JS reference kernels directly, and that
 * comparison is shown to catch a wrong member.
 */
import { describe, expect, it } from 'vitest';
import {
  type Tensor, abs, add, backward, compile, div, leakyRelu, maximum, minimum, mul, neg, randn, reciprocal, relu, reshape, sqrt, square, step,
  sub, sum, tensor,
} from '../../src/tensor/index.js';
import { FUSE_MIN_ELEMENTS, fusedKernel, type FusedMember } from '../../src/tensor/fusion.js';
import { jsBackend, type KernelTensor } from '../../src/backend/index.js';
import { Rng } from '../../src/util/rng.js';

const SPECIAL = [0, -0, 1, -1, 0.5, -2.5, 3e38, -3e38, 1e-40, -1e-40, 1e-310, Infinity, -Infinity, NaN, 7, -7, 1 / 3, 2 ** 24 + 1, 1e10, -1e-10];

/** The first element where two arrays differ in their bits (-0 ≠ +0; NaN equals NaN), or null. */
function bitDiff(a: ArrayLike<number>, b: ArrayLike<number>): string | null {
  if (a.length !== b.length) return `length ${a.length} ≠ ${b.length}`;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return `[${i}]: ${a[i]} ≠ ${b[i]}`;
  return null;
}

/** Run `f` eagerly, compiled with fusion and compiled without; returns the three outputs' data and the fused compile's stats. */
function threeWays(f: (...xs: Tensor[]) => Tensor[], inputs: Tensor[]) {
  const specs = inputs.map((x) => ({ shape: x.shape, dtype: x.dtype }));
  const eager = f(...inputs).map((t) => t.data.slice());
  const fused = compile(f, { inputs: specs, fuseMinElements: 0 });
  const plain = compile(f, { inputs: specs, fuse: false });
  return {
    eager, stats: fused.stats, plainStats: plain.stats,
    fused: fused.run(...inputs).map((t) => t.data.slice()),
    plain: plain.run(...inputs).map((t) => t.data.slice()),
  };
}

describe('elementwise fusion in compiled steps', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    it(`every fusable op, on special values, returns the eager bits (${dtype})`, () => {
      const n = SPECIAL.length;
      const xs = SPECIAL.flatMap((a) => SPECIAL.map(() => a)), ys = SPECIAL.flatMap(() => SPECIAL);
      const x = tensor(xs, { dtype, shape: [n, n] }), y = tensor(ys, { dtype, shape: [n, n] });
      const chains: [string, (a: Tensor, b: Tensor) => Tensor][] = [
        ['add→neg', (a, b) => neg(add(a, b))], ['sub→abs→sqrt', (a, b) => sqrt(abs(sub(a, b)))], ['mul→neg→square', (a, b) => square(neg(mul(a, b)))],
        ['div→square', (a, b) => square(div(a, b))], ['mul→reciprocal', (a, b) => reciprocal(mul(a, b))],
        ['sqrt(a)·b + a', (a, b) => add(mul(sqrt(a), b), a)], ['(a+a)²', (a) => square(add(a, a))],
      ];
      for (const [name, f] of chains) {
        const r = threeWays((a, b) => [f(a!, b!)], [x, y]);
        expect(r.stats.fusedKernels, name).toBe(1);
        expect(r.plainStats.fusedKernels, name).toBe(0);
        expect(bitDiff(r.fused[0]!, r.eager[0]!), `${name} fused vs eager`).toBeNull();
        expect(bitDiff(r.plain[0]!, r.eager[0]!), `${name} unfused vs eager`).toBeNull();
      }
    });
  }

  it('scalar and row (bias) operands fuse; the fused step of a small MLP with backward matches eager', () => {
    const rng = new Rng(3);
    const x = randn(rng, [64, 48], { dtype: 'float32' }), b = randn(rng, [48], { dtype: 'float32' }), s = tensor([1.5], { dtype: 'float32' });
    const r = threeWays((a, bias, sc) => [sqrt(abs(add(mul(a!, sc!), bias!))), sub(square(a!), reshape(bias!, [1, 48]))], [x, b, s]);
    expect(r.stats.fusedKernels).toBe(2);
    r.eager.forEach((e, i) => expect(bitDiff(r.fused[i]!, e)).toBeNull());
    // a training step: forward chains and the backward pass's elementwise rules
    const w = randn(rng, [48, 48], { dtype: 'float32', requiresGrad: true });
    const stepFn = (a: Tensor): Tensor[] => {
      const h = abs(add(mul(a, 0.5), b));
      const loss = sum(square(sub(mul(h, w.sum()), 1)));
      backward(loss);
      return [loss];
    };
    const eagerLoss = stepFn(x)[0]!.item();
    const eagerGrad = w.grad!.data.slice();
    w.grad = null;
    const c = compile(stepFn, { inputs: [{ shape: [64, 48], dtype: 'float32' }], fuseMinElements: 0 });
    expect(c.stats.fusedKernels).toBeGreaterThan(0);
    expect(c.run(x)[0]!.item()).toBe(eagerLoss);
    expect(bitDiff(w.grad!.data, eagerGrad)).toBeNull();
  });

  it('does not fuse an intermediate read by two steps, a returned one, or across a non-row broadcast', () => {
    const rng = new Rng(4);
    const x = randn(rng, [32, 16], { dtype: 'float64' }), col = randn(rng, [32, 1], { dtype: 'float64' });
    const shared = threeWays((a) => { const y = mul(a!, a!); return [add(y, 1), sub(y, 2)]; }, [x]);
    expect(shared.stats.fusedKernels).toBe(0);
    const returned = threeWays((a) => { const y = mul(a!, 3); return [y, neg(y)]; }, [x]);
    expect(returned.stats.fusedKernels).toBe(0);
    const column = threeWays((a, c) => [neg(add(a!, c!))], [x, col]); // [32,1] against [32,16]: not a row
    expect(column.stats.fusedKernels).toBe(0);
    // branchy ops (relu, step, leakyRelu, maximum, minimum) never fuse: the SIMD kernels run them branch-free
    const branchy = threeWays((a) => [relu(mul(a!, 2)), step(add(a!, 1)), leakyRelu(sub(a!, 1), 0.1), maximum(neg(a!), a!), minimum(square(a!), a!)], [x]);
    expect(branchy.stats.fusedKernels).toBe(0);
    for (const r of [shared, returned, column, branchy]) r.eager.forEach((e, i) => expect(bitDiff(r.fused[i]!, e)).toBeNull());
    // and small outputs are not fused by default (below FUSE_MIN_ELEMENTS)
    const small = compile((a) => [neg(add(a!, 1))], { inputs: [{ shape: [32, 16], dtype: 'float64' }] });
    expect(small.stats.fusedKernels).toBe(0);
    const large = compile((a) => [neg(add(a!, 1))], { inputs: [{ shape: [FUSE_MIN_ELEMENTS], dtype: 'float32' }] });
    expect(large.stats.fusedKernels).toBe(1);
  });

  it('the generated kernel equals the reference kernels op by op, and that comparison catches a wrong member', () => {
    const rng = new Rng(5);
    const n = 1000;
    const kt = (d: Float32Array): KernelTensor => ({ data: d, shape: [n], dtype: 'float32' });
    const a = randn(rng, [n], { dtype: 'float32' }).data as Float32Array, b = randn(rng, [n], { dtype: 'float32' }).data as Float32Array;
    a.set([NaN, -0, Infinity, -Infinity, 1e-40], 0);
    const ref = (ops: [string, number][]): Float32Array => { // add(a,b) then unary ops, via the JS reference kernels
      let cur = new Float32Array(n);
      jsBackend.kernels.add!([kt(a), kt(b)], [kt(cur)], {});
      for (const [op, alpha] of ops) {
        const next = new Float32Array(n);
        jsBackend.kernels[op]!([kt(cur)], [kt(next)], { alpha });
        cur = next;
      }
      return cur;
    };
    const chain: [string, number][] = [['abs', 0], ['sqrt', 0], ['neg', 0], ['reciprocal', 0], ['square', 0]];
    const members = (first: string): FusedMember[] => [
      { op: first, args: [{ ext: 0, read: 'full' }, { ext: 1, read: 'full' }] },
      ...chain.map(([op], i): FusedMember => ({ op, args: [{ member: i }] })),
    ];
    const run = (first: string): Float32Array => {
      const out = new Float32Array(n);
      fusedKernel('float32', members(first), 2)!([kt(a), kt(b)], [kt(out)], null);
      return out;
    };
    expect(bitDiff(run('add'), ref(chain))).toBeNull();
    expect(bitDiff(run('sub'), ref(chain))).not.toBeNull();
  });
});
