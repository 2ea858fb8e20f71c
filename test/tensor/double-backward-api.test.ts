/**
 * grad() / backward({ createGraph }) semantics and what double backward is for: Hessian–vector
 * products against analytic Hessians, a third derivative, forces F = −∂E/∂x of a pair potential
 * against the analytic forces, training on a force loss against finite differences, the compiled
 * plan (trace / runPlan) and the wasm backend against the JS reference.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  Tensor, tensor, uniform, randn, grad, backward, trace, runPlan, noGrad,
  add, sub, mul, sum, square, powScalar, tanh, matmul, softmax, logsumexp, exp, sin, indexSelect, reshape, mean, cast,
} from '../../src/tensor/index.js';
import { GradError, ShapeError, Rng } from '../../src/util/index.js';
import { createWasmBackend, jsBackend, registerBackend, setBackend, getBackend } from '../../src/backend/index.js';

const f64 = (data: number[] | Float64Array, shape?: number[], requiresGrad = false): Tensor =>
  tensor(Array.from(data), { dtype: 'float64', shape, requiresGrad });
const rnd = (seed: number, shape: number[], requiresGrad = true): Tensor =>
  uniform(new Rng(seed), shape, -1, 1, { dtype: 'float64', requiresGrad });
const arr = (t: Tensor): number[] => Array.from(t.data);
function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number): void {
  expect(a.length).toBe(b.length);
  let err = 0, scale = 1e-300;
  for (let i = 0; i < a.length; i++) { err = Math.max(err, Math.abs(a[i]! - b[i]!)); scale = Math.max(scale, Math.abs(b[i]!)); }
  expect(err / Math.max(scale, 1), `max abs error ${err}`).toBeLessThan(tol);
}
/** Hessian–vector product H v of a scalar f(x) by double backward. */
function hvp(f: (x: Tensor) => Tensor, x0: Tensor, v: Tensor): Tensor {
  const x = new Tensor(Float64Array.from(x0.data), x0.shape, 'float64', true);
  const [g] = grad(f(x), x, { createGraph: true });
  return grad(g!, x, { gradOutputs: v })[0]!;
}

describe('grad(): the gradients without touching .grad', () => {
  it('vector–Jacobian products for several outputs and inputs, with gradOutputs', () => {
    const a = f64([1, 2, 3], [3], true), b = f64([0.5, -1, 2], [3], true);
    const y1 = mul(a, b), y2 = sum(mul(a, a));
    const u = f64([1, 0, -1]);
    const [ga, gb] = grad([y1, y2], [a, b], { gradOutputs: [u, null] });
    expect(arr(ga!)).toEqual([0.5 + 2, 0 + 4, -2 + 6]); // u⊙b + 2a
    expect(arr(gb!)).toEqual([1, 0, -3]); // u⊙a
    expect(a.grad).toBeNull();
    expect(b.grad).toBeNull();
    expect(ga!.requiresGrad).toBe(false); // no createGraph: plain values
  });

  it('a non-leaf input gets the gradient flowing into it; the part of the graph below it is skipped', () => {
    const x = f64([1, 2], [2], true);
    const h = mul(x, 3);
    const y = sum(square(h));
    const [gh] = grad(y, h);
    expect(arr(gh!)).toEqual([6, 12]);
    const [gx, gh2] = grad(y, [x, h]);
    expect(arr(gx!)).toEqual([18, 36]);
    expect(arr(gh2!)).toEqual([6, 12]);
  });

  it('unused inputs: a GradError, or null / zeros with allowUnused / materializeGrads', () => {
    const x = f64([1, 2], [2], true), z = f64([5], [1], true);
    const y = sum(square(x));
    expect(() => grad(y, [x, z])).toThrow(GradError);
    expect(() => grad(y, [x, z])).toThrow(/input 1 \[1\] is not used in the graph/);
    expect(grad(y, [x, z], { allowUnused: true })[1]).toBeNull();
    expect(arr(grad(y, [x, z], { materializeGrads: true })[1]!)).toEqual([0]);
  });

  it('bad arguments are named errors', () => {
    const x = f64([1, 2], [2], true);
    const y = mul(x, x);
    expect(() => grad(y, x)).toThrow(/grad: called on a tensor of shape \[2\] without an upstream gradient/);
    expect(() => grad(y, x, { gradOutputs: f64([1, 2, 3]) })).toThrow(ShapeError);
    expect(() => grad(y, f64([1]))).toThrow(/input 0 \[1\] does not require grad/);
    expect(() => grad(f64([1]), x)).toThrow(/output 0 \[1\] does not require grad/);
    expect(() => grad([y, y], x, { gradOutputs: [f64([1, 1])] })).toThrow(/1 upstream gradients for 2 outputs/);
    expect(() => grad([], x)).toThrow(GradError);
  });

  it('hooks run (and may replace the gradient); retainGrad is not filled', () => {
    const x = f64([1, 2], [2], true);
    const h = mul(x, 2).retainGrad();
    const seen: number[][] = [];
    h.registerHook((g) => { seen.push(arr(g)); return mul(g, 10); });
    const [gx] = grad(sum(square(h)), x);
    expect(seen).toEqual([[4, 8]]);
    expect(arr(gx!)).toEqual([80, 160]);
    expect(h.grad).toBeNull();
  });

  it('in-place modification is caught in the second backward too', () => {
    const x = f64([0.5, 1.5], [2], true);
    const w = f64([1, 2], [2], true);
    const e = exp(mul(x, w)); // exp saves its output
    const [g] = grad(sum(e), x, { createGraph: true });
    w.assign([3, 4]); // mul(x, w) saved w: differentiating g again must refuse
    expect(() => grad(sum(g!), x)).toThrow(/modified in place/);
  });
});

describe('backward({ createGraph })', () => {
  it('the accumulated .grad is differentiable; a second backward accumulates', () => {
    const x = f64([0.3, -0.8], [2], true);
    backward(sum(powScalar(x, 3)), undefined, { createGraph: true });
    const g = x.grad!;
    expect(g.requiresGrad).toBe(true);
    close(arr(g), [3 * 0.09, 3 * 0.64], 1e-15);
    const [h] = grad(sum(g), x); // Σ 3x² → 6x
    close(arr(h!), [1.8, -4.8], 1e-15);
    const sq = mul(x, x).retainGrad(); // a retained non-leaf gradient is differentiable too
    backward(sum(powScalar(sq, 2)), undefined, { createGraph: true }); // ∂/∂sq = 2sq, ∂/∂x += 4x³
    expect(sq.grad!.requiresGrad).toBe(true);
    close(arr(grad(sum(sq.grad!), x)[0]!), [4 * 0.3, -4 * 0.8], 1e-15); // ∂/∂x Σ 2x² = 4x
    x.grad = g;
    sum(sin(x)).backward(undefined, { createGraph: true });
    close(arr(x.grad!), [0.27 + Math.cos(0.3), 1.92 + Math.cos(-0.8)], 1e-15);
  });

  it('one gradient reaching two leaves is not shared by their .grad fields (owned-gradient rule), and each is differentiable', () => {
    const a = f64([1, 2], [2], true), b = f64([3, 4], [2], true);
    const s = add(a, b);
    backward(sum(square(s)), undefined, { createGraph: true });
    expect(a.grad).not.toBe(b.grad);
    expect(arr(a.grad!)).toEqual([8, 12]);
    a.grad!.data[0] = 99;
    expect(arr(b.grad!)).toEqual([8, 12]);
    const [hb] = grad(sum(b.grad!), [b]); // ∂/∂b Σ 2(a + b) = 2
    expect(arr(hb!)).toEqual([2, 2]);
  });
});

describe('Hessian–vector products against analytic Hessians', () => {
  it('quadratic form xᵀAx: H = A + Aᵀ (every column)', () => {
    const n = 4;
    const A = rnd(11, [n, n], false);
    const x0 = rnd(12, [n], false);
    const f = (x: Tensor): Tensor => matmul(x, matmul(A, x));
    for (let j = 0; j < n; j++) {
      const e = f64(Array.from({ length: n }, (_, i) => (i === j ? 1 : 0)));
      const col = Array.from({ length: n }, (_, i) => A.data[i * n + j]! + A.data[j * n + i]!);
      close(arr(hvp(f, x0, e)), col, 1e-14);
    }
  });

  it('logsumexp: H = diag(p) − ppᵀ', () => {
    const x0 = rnd(13, [5], false), v = rnd(14, [5], false);
    const p = noGrad(() => arr(softmax(x0)));
    const pv = p.reduce((s, pi, i) => s + pi * v.data[i]!, 0);
    close(arr(hvp((x) => logsumexp(x), x0, v)), p.map((pi, i) => pi * v.data[i]! - pi * pv), 1e-14);
  });

  it('cᵀ softmax(x): H_ij = s_i(δ_ij − s_j)(c_i − s̄) − s_i s_j (c_j − s̄)', () => {
    const x0 = rnd(15, [4], false), v = rnd(16, [4], false), c = rnd(17, [4], false);
    const s = noGrad(() => arr(softmax(x0)));
    const cc = arr(c);
    const sbar = s.reduce((t, si, i) => t + si * cc[i]!, 0);
    const Hv = s.map((si, i) => {
      let acc = 0;
      for (let j = 0; j < 4; j++) acc += (si * ((i === j ? 1 : 0) - s[j]!) * (cc[i]! - sbar) - si * s[j]! * (cc[j]! - sbar)) * v.data[j]!;
      return acc;
    });
    close(arr(hvp((x) => sum(mul(c, softmax(x))), x0, v)), Hv, 1e-14);
  });

  it('Σ wᵢ tanh(xᵢ): H = diag(−2 wᵢ tanh xᵢ (1 − tanh² xᵢ))', () => {
    const x0 = rnd(18, [6], false), v = rnd(19, [6], false), w = rnd(20, [6], false);
    const want = arr(x0).map((xi, i) => { const t = Math.tanh(xi); return -2 * w.data[i]! * t * (1 - t * t) * v.data[i]!; });
    close(arr(hvp((x) => sum(mul(w, tanh(x))), x0, v)), want, 1e-14);
  });
});

describe('higher derivatives', () => {
  it("p(x) = 2x⁴ − 3x³ + x − 5: p', p'', p''' and p'''' by repeated grad", () => {
    const xs = [-1.3, 0.2, 2.5];
    const x = f64(xs, [3], true);
    const p = sum(add(sub(mul(powScalar(x, 4), 2), mul(powScalar(x, 3), 3)), sub(x, 5)));
    const [d1] = grad(p, x, { createGraph: true });
    const [d2] = grad(sum(d1!), x, { createGraph: true });
    const [d3] = grad(sum(d2!), x, { createGraph: true });
    const [d4] = grad(sum(d3!), x);
    close(arr(d1!), xs.map((t) => 8 * t ** 3 - 9 * t * t + 1), 1e-14);
    close(arr(d2!), xs.map((t) => 24 * t * t - 18 * t), 1e-14);
    close(arr(d3!), xs.map((t) => 48 * t - 18), 1e-14);
    close(arr(d4!), [48, 48, 48], 1e-14);
  });
});

/** Lennard-Jones energy of positions x [N, 3] from tensor ops: 4ε Σ_{i<j} ((σ²/r²)⁶ − (σ²/r²)³). */
function ljEnergy(x: Tensor, eps: Tensor, sigma: Tensor): Tensor {
  const N = x.shape[0]!;
  const I: number[] = [], J: number[] = [];
  for (let i = 0; i < N; i++) for (let j = i + 1; j < N; j++) { I.push(i); J.push(j); }
  const d = sub(indexSelect(x, 0, I), indexSelect(x, 0, J));
  const s6 = powScalar(mul(square(sigma), powScalar(sum(square(d), 1), -1)), 3);
  return mul(mul(eps, 4), sum(sub(square(s6), s6)));
}
/** Analytic LJ forces (σ = 1, ε = 1): F_i = Σ_j 24 (2 r⁻¹⁴ − r⁻⁸) (x_i − x_j). */
function ljForces(x: ArrayLike<number>, N: number): number[] {
  const F = new Array<number>(3 * N).fill(0);
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) {
    if (i === j) continue;
    const dx = [0, 1, 2].map((k) => x[3 * i + k]! - x[3 * j + k]!);
    const r2 = dx[0]! ** 2 + dx[1]! ** 2 + dx[2]! ** 2;
    const c = 24 * (2 * r2 ** -7 - r2 ** -4);
    for (let k = 0; k < 3; k++) F[3 * i + k] = F[3 * i + k]! + c * dx[k]!;
  }
  return F;
}
/** A slightly perturbed cube of 8 atoms at spacing 1.12. */
function cluster(seed: number): Float64Array {
  const r = new Rng(seed), out: number[] = [];
  for (let a = 0; a < 8; a++) for (let k = 0; k < 3; k++) out.push(((a >> k) & 1) * 1.12 + 0.05 * r.normal());
  return Float64Array.from(out);
}

describe('forces by double backward', () => {
  const one = f64([1]);
  it('F = −∂E/∂x of a pair potential built from tensor ops equals the analytic forces', () => {
    const pos = cluster(3);
    const x = f64(pos, [8, 3], true);
    const [g] = grad(ljEnergy(x, one, one), x);
    close(arr(g!).map((t) => -t), ljForces(pos, 8), 1e-13);
  });

  it('training on a force loss: ∂/∂(ε, σ) of Σ (F(ε, σ) − F*)² matches central differences', () => {
    const pos = cluster(4);
    const target = f64(ljForces(cluster(5), 8), [8, 3]);
    const loss = (e: Tensor, s: Tensor, createGraph: boolean): Tensor => {
      const x = f64(pos, [8, 3], true);
      const [g] = grad(ljEnergy(x, e, s), x, { createGraph });
      return sum(square(add(g!, target))); // F = −g
    };
    const e = f64([0.9], [1], true), s = f64([1.05], [1], true);
    const L = loss(e, s, true);
    backward(L);
    const h = 1e-6;
    const fd = (which: 0 | 1): number => {
      const at = (d: number): number => loss(f64([0.9 + (which === 0 ? d : 0)], [1], true), f64([1.05 + (which === 1 ? d : 0)], [1], true), false).item();
      return (at(h) - at(-h)) / (2 * h);
    };
    const want = [fd(0), fd(1)];
    close([e.grad!.item(), s.grad!.item()], want, 1e-6);
    expect(Math.abs(s.grad!.item())).toBeGreaterThan(1); // a real gradient, not a vanishing one
  });

  it('the compiled plan supports createGraph: trace(force loss + backward) replays to the eager values', () => {
    const e = f64([0.9], [1], true);
    const target = f64(ljForces(cluster(5), 8), [8, 3]);
    const step = (x: Tensor): Tensor[] => {
      const [g] = grad(ljEnergy(x, e, f64([1])), x, { createGraph: true });
      const L = sum(square(add(g!, target)));
      backward(L);
      return [L, e.grad!, g!];
    };
    const plan = trace(step, [{ shape: [8, 3], dtype: 'float64', requiresGrad: true }]);
    expect(e.grad).toBeNull(); // restored after tracing
    const x = f64(cluster(6), [8, 3], true);
    const replay = runPlan(plan, [x]);
    const eager = step(f64(cluster(6), [8, 3], true));
    for (let k = 0; k < 3; k++) expect(arr(replay[k]!)).toEqual(arr(eager[k]!));
  });
});

describe('the wasm backend gives the JS reference second derivatives', () => {
  const name = 'wasm-double-backward';
  const wasm = createWasmBackend({ minWork: 0, minGemm: 0, parallelMinWork: 0, name });
  registerBackend(wasm);
  afterAll(() => setBackend('cpu'));
  /** Force-matching gradient of a 2-layer MLP energy of pair distances w.r.t. its weights, and an HVP. */
  function secondOrder(dtype: 'float32' | 'float64'): number[][] {
    const r = new Rng(7);
    const W1 = cast(randn(r, [1, 16], { dtype: 'float64' }), dtype).requireGrad();
    const W2 = cast(randn(r, [16, 1], { dtype: 'float64' }), dtype).requireGrad();
    const x = cast(f64(cluster(8), [8, 3]), dtype).requireGrad();
    const I: number[] = [], J: number[] = [];
    for (let i = 0; i < 8; i++) for (let j = i + 1; j < 8; j++) { I.push(i); J.push(j); }
    const d = sub(indexSelect(x, 0, I), indexSelect(x, 0, J));
    const rr = reshape(powScalar(sum(square(d), 1), 0.5), [I.length, 1]);
    const E = sum(matmul(tanh(matmul(rr, W1)), W2));
    const [g] = grad(E, x, { createGraph: true });
    const L = mean(square(g!));
    const [gW1, gW2, gx] = grad(L, [W1, W2, x]);
    return [arr(gW1!), arr(gW2!), arr(gx!)];
  }
  for (const dtype of ['float64', 'float32'] as const) {
    it(`${dtype}`, () => {
      setBackend('js');
      const want = secondOrder(dtype);
      setBackend(name);
      expect(getBackend().name).toBe(name);
      const got = secondOrder(dtype);
      setBackend('cpu');
      want.forEach((w, k) => close(got[k]!, w, dtype === 'float64' ? 1e-12 : 2e-4));
    });
  }
  it('the wasm kernels did run (not only the JS fallback), and jsBackend is the reference', () => {
    // float32 matmul (forward, backward and the backward of backward) runs in the wasm GEMM.
    expect(wasm.counts.matmul!.wasm).toBeGreaterThan(0);
    expect(jsBackend.name).toBe('js');
  });
});
