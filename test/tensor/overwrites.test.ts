/**
 * Ops listed in OVERWRITES (src/tensor/buffer-pool.ts) write every element of their outputs, so
 * their eager outputs are taken without clearing — a reused resident or pooled block, or in Node
 * `Buffer.allocUnsafeSlow` memory (src/backend/types.ts `allocOpOutput`) — and compiled plans skip
 * clearing them. Checked here: with `Buffer.allocUnsafeSlow` returning memory filled with a poison
 * pattern (resident storage and the pool off, so every large output comes from it), forward and
 * backward passes over every listed op give the bits they give with zeroed memory, on the default
 * (wasm-accelerated) backend and the JS reference, float32 and float64; and the pass does run every
 * listed op.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  abs, add, backward, batchNorm, clamp, cos, div, dropout, elu, eq, exp, expm1, fromData, ge, gelu, gt, layerNorm, le, leakyRelu,
  log, log1p, logSoftmax, logsumexp, lt, matmul, maximum, minimum, mul, ne, neg, pow, powScalar, reciprocal, relu, rsqrt, sign,
  silu, sin, softmax, sqrt, square, step, sub, sum, tanh, variance, sigmoid, erf, where, type Tensor,
} from '../../src/tensor/index.js';
import { OVERWRITES, clearBufferPool, bufferPoolLimit, setBufferPoolLimit } from '../../src/tensor/buffer-pool.js';
import { trace } from '../../src/tensor/trace.js';
import { allocOpOutput } from '../../src/backend/types.js';
import { residentLimit, setResidentLimit } from '../../src/backend/wasm/resident.js';
import { getBackend, setBackend } from '../../src/backend/registry.js';
import { jsBackend, type Kernel } from '../../src/backend/index.js';
import { Rng } from '../../src/util/rng.js';

type AllocUnsafe = (n: number) => Uint8Array;
const B = Buffer as unknown as { allocUnsafeSlow: AllocUnsafe };
const realAlloc = B.allocUnsafeSlow;
/** Memory every byte of which is 0xA5: float32 −2.87·10⁻¹⁶, float64 −1.4·10⁻¹²⁹ — no op's result. */
let poisonedCalls = 0;
const poisoned: AllocUnsafe = (n) => { poisonedCalls++; return realAlloc(n).fill(0xa5); };
const zeroed: AllocUnsafe = (n) => realAlloc(n).fill(0);

const R = 128, C = 160; // 20480 elements: 80 KiB in float32, above the 64 KiB from which outputs skip clearing

/** Every op of OVERWRITES, forward and backward; returns the outputs and the leaves' gradients. */
function pass(x: Tensor, y: Tensor, w: Tensor, g: Tensor): Tensor[] {
  const pos = add(abs(x), 0.5);
  const u = [
    neg(x), sign(x), exp(x), log(pos), log1p(pos), expm1(x), sqrt(pos), rsqrt(pos), sin(x), cos(x), tanh(x), relu(x),
    leakyRelu(x, 0.1), elu(x), gelu(x), silu(x), reciprocal(pos), square(x), step(x), powScalar(pos, 1.5), sigmoid(x), erf(x),
  ];
  const b = [add(x, y), sub(x, y), mul(x, y), div(x, add(abs(y), 1)), pow(pos, y), maximum(x, y), minimum(x, y), where(gt(x, 0), x, y)];
  const c = [eq(x, y), ne(x, y), lt(x, y), le(x, y), gt(x, y), ge(x, y)];
  const mm = matmul(x, w);
  const d = dropout(x, 0.3, new Rng(3));
  const sm = softmax(x, -1), lsm = logSoftmax(x, -1);
  const ln = layerNorm(x, [C], g, g);
  const cl = clamp(x, -0.5, 0.5), vr = variance(x, [1]), lse = logsumexp(x, [1]);
  const bn = batchNorm(x, null, null, g, g, { training: true });
  const all = [...u, ...b, ...c, mm, d, sm, lsm, ln, cl, vr, lse, bn];
  // a scalar of every differentiable result (the comparisons are not), so backward runs every gradient rule
  let loss = sum(mul(mm, mm));
  for (const t of [...u, ...b, d, sm, lsm, ln, cl, vr, lse, bn]) loss = add(loss, sum(mul(t, t)));
  backward(loss);
  return [...all, x.grad!, y.grad!, w.grad!, g.grad!];
}

function inputs(dtype: 'float32' | 'float64'): Tensor[] {
  const rng = new Rng(7);
  const f = (n: number, shape: number[]): Tensor => {
    const a = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
    for (let i = 0; i < n; i++) a[i] = rng.normal();
    return fromData(a, shape, { requiresGrad: true });
  };
  return [f(R * C, [R, C]), f(R * C, [R, C]), f(C * C, [C, C]), f(C, [C])];
}

const bits = (t: Tensor): Uint8Array => new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength).slice();

describe('ops that overwrite their outputs (OVERWRITES): outputs taken without clearing', () => {
  const limit = residentLimit(), pool = bufferPoolLimit(), backend = getBackend().name;
  beforeAll(() => { setResidentLimit(0); setBufferPoolLimit(0); clearBufferPool(); });
  afterAll(() => { B.allocUnsafeSlow = realAlloc; setResidentLimit(limit); setBufferPoolLimit(pool); setBackend(backend); });

  it('the pass runs every op of OVERWRITES (traced)', () => {
    const plan = trace((x, y, w, g) => pass(x!, y!, w!, g!), [R, C, C, 1].map((_, i) => ({ shape: i < 2 ? [R, C] : i === 2 ? [C, C] : [C], requiresGrad: true })));
    const ran = new Set(plan.steps.map((s) => s.op.name));
    expect([...OVERWRITES].filter((op) => !ran.has(op))).toEqual([]);
  });

  it('the poison reaches op outputs: an uncleared output holds it', () => {
    B.allocUnsafeSlow = poisoned;
    const a = allocOpOutput('float32', R * C, false), z = allocOpOutput('float32', R * C, true);
    B.allocUnsafeSlow = realAlloc;
    expect(new Uint8Array(a.buffer, a.byteOffset, 8)).toEqual(new Uint8Array(8).fill(0xa5));
    expect(z.every((v) => v === 0)).toBe(true);
  });

  it('the comparison fails for a kernel that leaves part of its output unwritten', () => {
    setBackend('js');
    const kernels = jsBackend.kernels as Record<string, Kernel>, real = kernels.neg!;
    kernels.neg = ([x], [o]) => { for (let i = 0; i < o!.data.length >> 1; i++) o!.data[i] = -x!.data[i]!; };
    try {
      B.allocUnsafeSlow = zeroed;
      const want = bits(neg(inputs('float32')[0]!));
      B.allocUnsafeSlow = poisoned;
      const got = bits(neg(inputs('float32')[0]!));
      expect(Buffer.from(got).equals(Buffer.from(want))).toBe(false);
    } finally {
      kernels.neg = real;
      B.allocUnsafeSlow = realAlloc;
    }
  });

  for (const be of ['cpu', 'js']) {
    for (const dtype of ['float32', 'float64'] as const) {
      it(`forward and backward: the same bits over poisoned and zeroed memory (${be}, ${dtype})`, () => {
        setBackend(be);
        B.allocUnsafeSlow = zeroed;
        const want = pass(...(inputs(dtype) as [Tensor, Tensor, Tensor, Tensor])).map(bits);
        B.allocUnsafeSlow = poisoned;
        const calls = poisonedCalls;
        const got = pass(...(inputs(dtype) as [Tensor, Tensor, Tensor, Tensor])).map(bits);
        B.allocUnsafeSlow = realAlloc;
        expect(poisonedCalls - calls).toBeGreaterThan(40); // the outputs of the [128, 160] ops and their gradients
        const bad = got.map((b, i) => (Buffer.from(b).equals(Buffer.from(want[i]!)) ? -1 : i)).filter((i) => i >= 0);
        expect(bad).toEqual([]);
      });
    }
  }
});
