/**
 * Micro-benchmark for the JS backend's `gemm` (single-threaded).
 *
 * Run: `npx tsx bench/micro/gemm-micro.ts` (optionally `--quick` for fewer repetitions).
 * Prints GFLOP/s (2·M·N·K per call / best wall time) for the shapes that dominate training.
 */
import { gemm, type FloatArray } from '../../src/backend/js/gemm.js';

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

interface Case {
  name: string;
  M: number; K: number; N: number;
  transA?: boolean; transB?: boolean;
  /** Number of independent matmuls per timed call (batched). */
  batch?: number;
  dtype: Ctor;
}

const quick = process.argv.includes('--quick');

function rand(ctor: Ctor, n: number): FloatArray {
  const x = new ctor(n);
  for (let i = 0; i < n; i++) x[i] = Math.random() * 2 - 1;
  return x;
}

function bench(cs: Case): void {
  const { M, K, N, dtype } = cs;
  const batch = cs.batch ?? 1;
  const transA = cs.transA ?? false, transB = cs.transB ?? false;
  const a = rand(dtype, batch * M * K);
  const b = rand(dtype, batch * K * N);
  const c = new dtype(batch * M * N);
  const flops = 2 * M * N * K * batch;
  const call = (): void => {
    for (let t = 0; t < batch; t++) {
      gemm(a, t * M * K, transA, b, t * K * N, transB, c, t * M * N, M, K, N, false);
    }
  };
  // Warm up (JIT) and size a round to at least ~150 ms; report the best round. The best (not the
  // mean) is used because this is a throughput ceiling and the machine may be shared.
  let reps = 1;
  let t0 = performance.now();
  call();
  let dt = performance.now() - t0;
  while (dt < 150) {
    reps *= 2;
    t0 = performance.now();
    for (let r = 0; r < reps; r++) call();
    dt = performance.now() - t0;
  }
  let best = dt / reps;
  const rounds = quick ? 2 : 6;
  for (let round = 0; round < rounds; round++) {
    t0 = performance.now();
    for (let r = 0; r < reps; r++) call();
    best = Math.min(best, (performance.now() - t0) / reps);
  }
  const gflops = flops / (best * 1e-3) / 1e9;
  const label = `${cs.name} [${dtype === Float32Array ? 'f32' : 'f64'}]`;
  console.log(`${label.padEnd(44)} ${gflops.toFixed(2).padStart(6)} GFLOP/s  (${best.toFixed(2)} ms/call)`);
}

const cases: Case[] = [
  { name: 'matmul 1024x1024x1024', M: 1024, K: 1024, N: 1024, dtype: Float32Array },
  { name: 'matmul 1024x1024x1024', M: 1024, K: 1024, N: 1024, dtype: Float64Array },
  { name: 'linear 100000x64 · 64x64', M: 100000, K: 64, N: 64, dtype: Float32Array },
  { name: 'linear 100000x64 · (64x64)ᵀ', M: 100000, K: 64, N: 64, transB: true, dtype: Float32Array },
  { name: 'conv im2col 32x144 · 144x1024 (x32 imgs)', M: 32, K: 144, N: 1024, batch: 32, dtype: Float32Array },
  { name: 'conv dW 32x1024 · (144x1024)ᵀ (x32)', M: 32, K: 1024, N: 144, transB: true, batch: 32, dtype: Float32Array },
  { name: 'conv dX (32x144)ᵀ · 32x1024 (x32)', M: 144, K: 32, N: 1024, transA: true, batch: 32, dtype: Float32Array },
  { name: 'attn QKᵀ 256x32 · (256x32)ᵀ (x64)', M: 256, K: 32, N: 256, transB: true, batch: 64, dtype: Float32Array },
  { name: 'attn 256x32 · 32x256 (x64)', M: 256, K: 32, N: 256, batch: 64, dtype: Float32Array },
  { name: 'attn PV 256x256 · 256x32 (x64)', M: 256, K: 256, N: 32, batch: 64, dtype: Float32Array },
  { name: 'small 16x16x16', M: 16, K: 16, N: 16, batch: 256, dtype: Float32Array },
];

console.log(`gemm micro-benchmark (node ${process.version})`);
for (const cs of cases) bench(cs);
