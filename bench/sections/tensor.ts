/**
 * Tensor section (issue 2, item 9): matmul, conv2d, attention-sized batched matmul, elementwise
 * ops, reductions and the row-wise softmax, logSoftmax and layerNorm, all float32, side by side with PyTorch and TF.js. Before the ops it measures
 * the machine's limits (issue 17, item 4; docs/design/bench-limits.md) — STREAM copy and triad
 * bandwidth, the single-thread wasm SIMD peak and the achievable GEMM rate of erlangen's wasm kernel
 * at 256×256×256 — and the report
 * gives every op's GB/s or GFLOP/s as a percentage of them.
 * @module
 */
import {
  add, compile, conv2d, exp, layerNorm, logSoftmax, matmul, max, mul, noGrad, randn, relu, softmax, sum, type Tensor,
} from '../../src/tensor/index.js';
import { Rng } from '../../src/util/rng.js';
import { C } from '../../src/group/index.js';
import { regular } from '../../src/rep/index.js';
import { R2Conv } from '../../src/grid/index.js';
import {
  backendByName, createWasmBackend, createWasmRuntime, resolveKernel, wasmAvailable, wasmThreads, type KernelTensor, type WasmArena,
} from '../../src/backend/index.js';
import { computePeak, machineLimits, streamBandwidth, wasmSimdPeak, type MachineLimits } from '../lib/limits.js';
import type { TfModule } from '../peers/tfjs.js';
import type { Case, OpSpec, Section, SectionOptions } from '../lib/types.js';

type TfTensor = ReturnType<TfModule['tensor']>;

/** Timing plan: [warmup, repeats, budget ms] for a full run and for `--quick`. */
interface Plan { full: [number, number, number]; quick: [number, number, number] }

const HUGE: Plan = { full: [1, 5, 20_000], quick: [1, 3, 1_500] };
const LARGE: Plan = { full: [2, 9, 10_000], quick: [1, 3, 1_000] };
const STREAM: Plan = { full: [2, 11, 8_000], quick: [1, 5, 500] };

function spec(o: Omit<OpSpec, 'warmup' | 'repeats' | 'budgetMs' | 'minRepeats'>, plan: Plan, quick: boolean): OpSpec {
  const [warmup, repeats, budgetMs] = quick ? plan.quick : plan.full;
  return { ...o, warmup, repeats, budgetMs, minRepeats: quick ? 1 : 3 };
}

const N10M = 10_000_000;

function tensorOps({ quick }: SectionOptions): OpSpec[] {
  const mm = (id: string, label: string, a: number[], b: number[], plan: Plan): OpSpec => {
    const m = a[a.length - 2]!, k = a[a.length - 1]!, n = b[b.length - 1]!;
    const batch = a.slice(0, -2).reduce((x, y) => x * y, 1);
    return spec({ id, label, kind: 'matmul', params: { a, b }, flops: 2 * batch * m * n * k }, plan, quick);
  };
  const conv = { x: [32, 16, 32, 32], w: [32, 16, 3, 3], padding: 1 };
  return [
    mm('matmul_1024', 'matmul 1024×1024 · 1024×1024', [1024, 1024], [1024, 1024], HUGE),
    mm('matmul_100000x64', 'matmul 100000×64 · 64×64', [100_000, 64], [64, 64], LARGE),
    spec({
      id: 'conv2d_b32_16to32_3x3_32x32', label: 'conv2d N32 16→32 3×3 p1 32×32', kind: 'conv2d', params: conv,
      flops: 2 * 32 * 32 * 32 * 32 * 16 * 3 * 3,
    }, LARGE, quick),
    // conv2d's backward on the same shape: input gradient, weight gradient, and both (one
    // autograd backward); the output gradient is given
    ...(['input', 'weight', 'both'] as const).map((which) => spec({
      id: `conv2d_b32_16to32_3x3_32x32_grad_${which}`,
      label: `conv2d backward (${which === 'both' ? 'input + weight grads' : `${which} grad`})`,
      kind: 'conv2d_grad', params: { ...conv, which },
      flops: (which === 'both' ? 2 : 1) * 2 * 32 * 32 * 32 * 32 * 16 * 3 * 3,
    }, LARGE, quick)),
    // a steerable C8 layer, 16 regular fields → 16 regular fields (128 channels), 3×3 and 5×5: the
    // filter expanded from its basis, then conv2d — what escnn does at run time. The PyTorch peer
    // does the same expansion (coefficients [256, dim] · basis [dim, 8·8·k²]) with F.conv2d.
    ...[3, 5].map((k) => {
      const dim = steerableDim(k);
      return spec({
        id: `steerable_c8_16reg_${k}x${k}`, label: `steerable C8 16 regular → 16 regular ${k}×${k}, N8 32×32`, kind: 'steerable',
        params: { k, dim, x: [8, 128, 32, 32] }, flops: 2 * 8 * 128 * 128 * k * k * 32 * 32,
      }, LARGE, quick);
    }),
    mm('attn_qk_b8h8s256d32', 'attention Q·Kᵀ [8,8,256,32]·[8,8,32,256]', [8, 8, 256, 32], [8, 8, 32, 256], LARGE),
    mm('attn_av_b8h8s256d32', 'attention A·V [8,8,256,256]·[8,8,256,32]', [8, 8, 256, 256], [8, 8, 256, 32], LARGE),
    ...(['add', 'mul'] as const).map((fn) =>
      spec({ id: `${fn}_10m`, label: `${fn} 10M ${fn === 'add' ? '+' : '×'} 10M`, kind: 'binary', params: { fn, shape: [N10M] }, bytes: 12 * N10M }, STREAM, quick)),
    ...(['exp', 'relu'] as const).map((fn) =>
      spec({ id: `${fn}_10m`, label: `${fn} 10M`, kind: 'unary', params: { fn, shape: [N10M] }, bytes: 8 * N10M }, STREAM, quick)),
    // the same maps in a compiled step: the output is a planned buffer, written again every run (no
    // fresh pages); PyTorch's peer writes into a preallocated output (out=; relu: clamp_min(·, 0, out=))
    ...(['add', 'mul'] as const).map((fn) =>
      spec({ id: `${fn}_10m_compiled`, label: `${fn} 10M ${fn === 'add' ? '+' : '×'} 10M, compiled (torch: out=)`, kind: 'binary', params: { fn, shape: [N10M], compiled: true }, bytes: 12 * N10M }, STREAM, quick)),
    ...(['exp', 'relu'] as const).map((fn) =>
      spec({ id: `${fn}_10m_compiled`, label: `${fn} 10M, compiled (torch: out=)`, kind: 'unary', params: { fn, shape: [N10M], compiled: true }, bytes: 8 * N10M }, STREAM, quick)),
    // eager ops writing a given tensor (out=: no allocation, a resident output written in place);
    // PyTorch's peer likewise (out=)
    ...(['add', 'mul'] as const).map((fn) =>
      spec({ id: `${fn}_10m_out`, label: `${fn} 10M ${fn === 'add' ? '+' : '×'} 10M, eager out=`, kind: 'binary', params: { fn, shape: [N10M], out: true }, bytes: 12 * N10M }, STREAM, quick)),
    ...(['exp', 'relu'] as const).map((fn) =>
      spec({ id: `${fn}_10m_out`, label: `${fn} 10M, eager out=`, kind: 'unary', params: { fn, shape: [N10M], out: true }, bytes: 8 * N10M }, STREAM, quick)),
    // eager ops whose results the loop disposes (`using y = op(…)`: Tensor.dispose at the end of
    // the block, docs/design/memory.md "Stated lifetimes"); PyTorch's peer runs the plain eager op
    // (its result is freed when the next one replaces it), TF.js's frees the result (tf.tidy +
    // dispose) without reading it back
    ...(['add', 'mul'] as const).map((fn) =>
      spec({ id: `${fn}_10m_using`, label: `${fn} 10M ${fn === 'add' ? '+' : '×'} 10M, eager, result disposed (using)`, kind: 'binary', params: { fn, shape: [N10M], using: true }, bytes: 12 * N10M }, STREAM, quick)),
    ...(['exp', 'relu'] as const).map((fn) =>
      spec({ id: `${fn}_10m_using`, label: `${fn} 10M, eager, result disposed (using)`, kind: 'unary', params: { fn, shape: [N10M], using: true }, bytes: 8 * N10M }, STREAM, quick)),
    spec({ id: 'sum_10m', label: 'sum 10M → scalar', kind: 'reduce', params: { fn: 'sum', shape: [N10M], axes: null }, bytes: 4 * N10M }, STREAM, quick),
    spec({ id: 'sum_lastaxis_10000x1000', label: 'sum [10000,1000] over last axis', kind: 'reduce', params: { fn: 'sum', shape: [10_000, 1000], axes: [-1] }, bytes: 4 * N10M + 4 * 10_000 }, STREAM, quick),
    spec({ id: 'max_10m', label: 'max 10M → scalar', kind: 'reduce', params: { fn: 'max', shape: [N10M], axes: null }, bytes: 4 * N10M }, STREAM, quick),
    // row-wise normalisations over the last axis of [10000, 1000]. `bytes` counts the compulsory
    // memory traffic, x read once and y written once (8 B per element): a row is 4 KB, so the
    // passes a kernel makes over it (max, exp-sum and normalise; mean, variance and normalise)
    // after the first read are served from cache, not memory. layerNorm's weight and bias
    // ([1000] each, 8 KB) are added once.
    ...(['softmax', 'logsoftmax'] as const).map((fn) => spec({
      id: `${fn}_lastaxis_10000x1000`, label: `${fn === 'softmax' ? 'softmax' : 'logSoftmax'} [10000,1000] over last axis`,
      kind: 'softmax', params: { fn, shape: [10_000, 1000], axis: -1 }, bytes: 8 * N10M,
    }, STREAM, quick)),
    spec({
      id: 'layernorm_10000x1000', label: 'layerNorm [10000,1000] over last axis, weight + bias (TF.js: composite from tf.moments)',
      kind: 'layernorm', params: { shape: [10_000, 1000], eps: 1e-5 }, bytes: 8 * N10M + 8 * 1000,
    }, STREAM, quick),
    ...(['softmax', 'logsoftmax'] as const).map((fn) => spec({
      id: `${fn}_lastaxis_10000x1000_using`, label: `${fn === 'softmax' ? 'softmax' : 'logSoftmax'} [10000,1000] over last axis, result disposed (using)`,
      kind: 'softmax', params: { fn, shape: [10_000, 1000], axis: -1, using: true }, bytes: 8 * N10M,
    }, STREAM, quick)),
    spec({
      id: 'layernorm_10000x1000_using', label: 'layerNorm [10000,1000] over last axis, weight + bias, result disposed (using)',
      kind: 'layernorm', params: { shape: [10_000, 1000], eps: 1e-5, using: true }, bytes: 8 * N10M + 8 * 1000,
    }, STREAM, quick),
  ];
}

const shapeOf = (v: unknown): number[] => v as number[];

/** The steerable C8 bench layer: 16 regular fields in and out, k×k, no bias. */
function steerableLayer(k: number, rng: Rng): R2Conv {
  const G = C(8), fields = regular(G).times(16);
  return new R2Conv(G, fields, fields, k, { rng, bias: false });
}

/** Basis kernels per pair of regular C8 fields of the bench layer (its coefficients / 16²). */
function steerableDim(k: number): number {
  return steerableLayer(k, new Rng(0)).parameters().reduce((n, q) => n + q.size, 0) / 256;
}

function erlangenCase(op: OpSpec): Case {
  const rng = new Rng(1234);
  const r = (s: unknown): Tensor => randn(rng, shapeOf(s), { dtype: 'float32' });
  const p = op.params;
  let f: () => Tensor;
  switch (op.kind) {
    case 'matmul': {
      const a = r(p.a), b = r(p.b);
      f = () => matmul(a, b);
      break;
    }
    case 'conv2d': {
      const x = r(p.x), w = r(p.w), padding = p.padding as number;
      f = () => conv2d(x, w, null, { padding });
      break;
    }
    case 'conv2d_grad': {
      // the gradient kernels autograd runs for conv2d (conv2dGradInput / conv2dGradWeight of the
      // active backend), each with a fresh output as the op would allocate
      const xs = shapeOf(p.x), ws = shapeOf(p.w), pad = p.padding as number;
      const ys = [xs[0]!, ws[0]!, xs[2]! + 2 * pad - ws[2]! + 1, xs[3]! + 2 * pad - ws[3]! + 1];
      const kt = (t: Tensor): KernelTensor => ({ data: t.data as Float32Array, shape: [...t.shape], dtype: 'float32' });
      const x = kt(r(xs)), w = kt(r(ws)), gy = kt(r(ys));
      const attrs = { stride: [1, 1], padding: [pad, pad], dilation: [1, 1], groups: 1 };
      const size = (s: number[]): number => s.reduce((a, b) => a * b, 1);
      const gIn = (): void => resolveKernel('conv2dGradInput')([gy, w], [{ data: new Float32Array(size(xs)), shape: xs, dtype: 'float32' }], attrs);
      const gW = (): void => resolveKernel('conv2dGradWeight')([x, gy], [{ data: new Float32Array(size(ws)), shape: ws, dtype: 'float32' }], attrs);
      const run = p.which === 'input' ? gIn : p.which === 'weight' ? gW : () => { gIn(); gW(); };
      return { run };
    }
    case 'steerable': {
      const layer = steerableLayer(p.k as number, rng), x = r(p.x);
      f = () => layer.call(x);
      break;
    }
    case 'binary': {
      const a = r(p.shape), b = r(p.shape);
      const g = p.fn === 'add' ? add : mul;
      if (p.compiled) {
        const step = compile((u, v) => [g(u!, v!)], { inputs: [{ shape: a.shape }, { shape: b.shape }] });
        return { run: () => { step.run(a, b); } };
      }
      if (p.out) {
        const out = r(p.shape);
        return { run: () => { noGrad(() => g(a, b, { out })); } };
      }
      f = () => g(a, b);
      break;
    }
    case 'unary': {
      const x = r(p.shape);
      const g = p.fn === 'exp' ? exp : relu;
      if (p.compiled) {
        const step = compile((u) => [g(u!)], { inputs: [{ shape: x.shape }] });
        return { run: () => { step.run(x); } };
      }
      if (p.out) {
        const out = r(p.shape);
        return { run: () => { noGrad(() => g(x, { out })); } };
      }
      f = () => g(x);
      break;
    }
    case 'reduce': {
      const x = r(p.shape);
      const axes = (p.axes as number[] | null) ?? undefined;
      f = p.fn === 'sum' ? () => sum(x, axes) : () => max(x, axes);
      break;
    }
    case 'softmax': {
      const x = r(p.shape), axis = p.axis as number;
      f = p.fn === 'softmax' ? () => softmax(x, axis) : () => logSoftmax(x, axis);
      break;
    }
    case 'layernorm': {
      const shape = shapeOf(p.shape), n = shape[shape.length - 1]!, eps = p.eps as number;
      const x = r(shape), w = r([n]), b = r([n]);
      f = () => layerNorm(x, [n], w, b, eps);
      break;
    }
    default:
      throw new Error(`tensor bench: unknown op kind ${op.kind}`);
  }
  if (p.using) return { run: () => { noGrad(() => { using y = f(); void y; }); } };
  return { run: () => { noGrad(f); } };
}

function tfjsCase(tf: TfModule, op: OpSpec): Case | null {
  const inputs: TfTensor[] = [];
  let seed = 1234;
  const r = (s: unknown): TfTensor => {
    const t = tf.randomNormal(shapeOf(s), 0, 1, 'float32', seed++);
    inputs.push(t);
    return t;
  };
  const p = op.params;
  let f: () => TfTensor;
  switch (op.kind) {
    case 'matmul': {
      const a = r(p.a), b = r(p.b);
      f = () => tf.matMul(a, b);
      break;
    }
    case 'conv2d': {
      // TF.js's native layout: NHWC input, HWIO filter; 'same' = padding 1 for a 3×3 stride-1 kernel.
      const [n, c, h, w] = shapeOf(p.x) as [number, number, number, number];
      const [o, ci, kh, kw] = shapeOf(p.w) as [number, number, number, number];
      if (p.padding !== (kh - 1) / 2 || kh !== kw) return null;
      type T4 = ReturnType<TfModule['tensor4d']>;
      const x = r([n, h, w, c]) as T4, filt = r([kh, kw, ci, o]) as T4;
      f = () => tf.conv2d(x, filt, 1, 'same');
      break;
    }
    case 'conv2d_grad': {
      // TF.js's gradient kernels (NHWC / HWIO): Conv2DBackpropInput and Conv2DBackpropFilter, where
      // the backend has them (tfjs-backend-wasm 4.x has no Conv2DBackpropFilter: no weight or
      // combined case there)
      const [n, c, h, w] = shapeOf(p.x) as [number, number, number, number];
      const [o, ci, kh, kw] = shapeOf(p.w) as [number, number, number, number];
      if (p.padding !== (kh - 1) / 2 || kh !== kw) return null;
      const needIn = p.which !== 'weight', needW = p.which !== 'input';
      const has = (k: string): boolean => tf.getKernel(k, tf.getBackend()) !== undefined;
      if ((needIn && !has('Conv2DBackpropInput')) || (needW && !has('Conv2DBackpropFilter'))) return null;
      const x = r([n, h, w, c]), filt = r([kh, kw, ci, o]), dy = r([n, h, w, o]);
      const common = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined };
      const gIn = (): TfTensor => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: filt }, { ...common, inputShape: [n, h, w, c] } as never);
      const gW = (): TfTensor => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...common, filterShape: [kh, kw, ci, o] } as never);
      const outs = (): TfTensor[] => (needIn ? [gIn()] : []).concat(needW ? [gW()] : []);
      return {
        run: () => { for (const y of outs()) { y.dataSync(); y.dispose(); } },
        dispose: () => { for (const t of inputs) t.dispose(); },
      };
    }
    case 'binary': {
      if (p.compiled || p.out) return null; // no compiled or out= form in TF.js
      const a = r(p.shape), b = r(p.shape);
      f = p.fn === 'add' ? () => tf.add(a, b) : () => tf.mul(a, b);
      break;
    }
    case 'unary': {
      if (p.compiled || p.out) return null;
      const x = r(p.shape);
      f = p.fn === 'exp' ? () => tf.exp(x) : () => tf.relu(x);
      break;
    }
    case 'reduce': {
      const x = r(p.shape);
      const axes = (p.axes as number[] | null) ?? undefined;
      f = p.fn === 'sum' ? () => tf.sum(x, axes) : () => tf.max(x, axes);
      break;
    }
    case 'softmax': {
      // tf.softmax / tf.logSoftmax take the axis as their second argument (-1: the last one)
      const x = r(p.shape), axis = p.axis as number;
      f = p.fn === 'softmax' ? () => tf.softmax(x, axis) : () => tf.logSoftmax(x, axis);
      break;
    }
    case 'layernorm': {
      // tfjs-core has no functional layer norm: a composite of tf.moments over the last axis,
      // y = (x − mean)·rsqrt(var + eps)·w + b (biased variance, as erlangen and PyTorch); its
      // intermediates are freed by the tf.tidy around every call
      const shape = shapeOf(p.shape), n = shape[shape.length - 1]!, eps = p.eps as number;
      const x = r(shape), w = r([n]), b = r([n]);
      f = () => {
        const { mean, variance } = tf.moments(x, -1, true);
        return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), w), b);
      };
      break;
    }
    default:
      return null;
  }
  if (p.using) return { run: () => { tf.tidy(f).dispose(); }, dispose: () => { for (const t of inputs) t.dispose(); } }; // the backends run kernels synchronously
  return {
    run: () => {
      const y = tf.tidy(f);
      y.dataSync(); // forces execution (and, on wasm, copies the result out of the wasm heap)
      y.dispose();
    },
    dispose: () => { for (const t of inputs) t.dispose(); },
  };
}

/**
 * The section's machine limits: STREAM copy/triad over 3 × 80 MB (far beyond the 32 MB L3), best
 * of 10 (3 in `--quick`); the single-thread wasm SIMD float32 peak (the % column's compute
 * reference); and erlangen's wasm SIMD GEMM (the `cpu` backend's float32 `matmul`
 * kernel) at 256×256·256×256 — operands 768 KB, cache-resident, compute-bound — called directly
 * with a preallocated output, repeated, best of 7 (3) timings: once on a runtime of its own with
 * one thread, once on the shared runtime's pool (`wasmThreads()` threads, as `matmul` runs).
 */
function tensorLimits({ quick }: SectionOptions): MachineLimits {
  const all = streamBandwidth({ mb: 80, runs: quick ? 3 : 10 });
  const n = 256, rng = new Rng(7);
  const kt = (t: Tensor): KernelTensor => ({ data: t.data as Float32Array, shape: [...t.shape], dtype: 'float32' });
  const a = kt(randn(rng, [n, n], { dtype: 'float32' })), b = kt(randn(rng, [n, n], { dtype: 'float32' }));
  const o: KernelTensor = { data: new Float32Array(n * n), shape: [n, n], dtype: 'float32' };
  const attrs = { transA: false, transB: false };
  const gemm = (threads: number, runtime: WasmArena | null): void => {
    const backend = runtime ? createWasmBackend({ name: `bench-gemm-${threads}t`, runtime, minGemm: 0 }) : backendByName('cpu');
    const k = resolveKernel('matmul', backend);
    all.push(computePeak({
      what: `GEMM: erlangen's wasm SIMD float32 matmul kernel ${n}×${n}·${n}×${n}, ${threads} thread${threads > 1 ? 's' : ''} (cache-resident, compute-bound)`,
      flopsPerCall: 2 * n * n * n, inner: quick ? 5 : 20, runs: quick ? 3 : 7, call: () => { k([a, b], [o], attrs); },
    }));
  };
  const simd = wasmSimdPeak({ iters: quick ? 5_000_000 : 20_000_000, runs: quick ? 3 : 7 });
  all.push(...simd);
  if (wasmAvailable()) {
    const one = createWasmRuntime(1);
    try {
      if (one) gemm(1, one);
    } finally {
      one?.dispose();
    }
    if (wasmThreads() > 1) gemm(wasmThreads(), null);
  }
  // the % column's compute reference: the wasm SIMD peak of one thread (the best of its variants)
  const flops = [...simd].sort((x, y) => y.rate - x.rate)[0];
  return machineLimits(all, flops ? { flops } : {});
}

export const tensorSection: Section = {
  name: 'tensor',
  title: 'Tensor ops (float32)',
  ops: tensorOps,
  limits: tensorLimits,
  erlangen: erlangenCase,
  tfjs: tfjsCase,
  torch: { script: 'bench/peers/torch_bench.py', threads: [1, 2] },
};
