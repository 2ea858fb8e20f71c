/**
 * Aggregation kernels (issue 5, item 3): segment-sum forward, its backward (a row gather), segment
 * max, and the fused gather + sum (SpMM), at N = 100k nodes, E = 1M edges, F = 64, random
 * receivers, float32. Paths: the JS reference kernels, the plain-JS CSR kernels
 * (src/backend/js/segment-csr.ts), gpu.js webasm and gpu.js cpu (src/backend/gpu).
 *
 * Standalone: `npx tsx bench/sections/aggregation-kernels.ts [--quick] [--json] [--no-cpu]`.
 * Prints one JSON line per (op, impl) with `--json`, else a table. Timings are wall-clock, min and
 * median of the repeats after one warm-up call (the warm-up is reported as `first_ms`: it includes
 * gpu.js compilation and the CSR build), plus `cpu_min_ms`, the least process CPU time (user +
 * system) of a repeat, which is less sensitive to other processes sharing the cores.
 * @module
 */
import { jsBackend, type Kernel, type KernelTensor, type DType } from '../../src/backend/index.js';
import { createGpuBackend } from '../../src/backend/gpu/index.js';
import { GpuKernelCache, asInput, call, copyResult, loopCap } from '../../src/backend/gpu/kernels.js';
import { buildCsr, csrGatherSegmentSumInto, csrKernels, segmentCsr } from '../../src/backend/js/segment-csr.js';

const argv = new Set(process.argv.slice(2));
const quick = argv.has('--quick');
const json = argv.has('--json');
const N = quick ? 20_000 : 100_000, E = quick ? 200_000 : 1_000_000, F = 64;
const REPEATS = quick ? 3 : 7;

function mulberry32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = mulberry32(2024);
const receivers = new Int32Array(E), senders = new Int32Array(E);
for (let e = 0; e < E; e++) { receivers[e] = Math.floor(rnd() * N); senders[e] = Math.floor(rnd() * N); }
const messages = new Float32Array(E * F);
for (let i = 0; i < messages.length; i++) messages[i] = rnd() - 0.5;
const nodes = new Float32Array(N * F);
for (let i = 0; i < nodes.length; i++) nodes[i] = rnd() - 0.5;

const kt = (shape: number[], data: Float32Array | Int32Array, dtype: DType): KernelTensor => ({ shape, data, dtype });
const recvT = kt([E], receivers, 'int32');
const msgT = kt([E, F], messages, 'float32');
const nodeT = kt([N, F], nodes, 'float32');
const outNF = kt([N, F], new Float32Array(N * F), 'float32');
const argNF = kt([N, F], new Int32Array(N * F), 'int32');
const outEF = kt([E, F], new Float32Array(E * F), 'float32');
const segAttrs = { numSegments: N, sorted: false };

interface Row { op: string; impl: string; first_ms: number; min_ms: number; median_ms: number; cpu_min_ms: number; runs: number; max_abs_err?: number }
const rows: Row[] = [];

function time(op: string, impl: string, fn: () => void, check?: () => number, repeats = REPEATS): void {
  let t = performance.now();
  fn();
  const first = performance.now() - t;
  const err = check?.();
  const ts: number[] = [], cs: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const c = process.cpuUsage();
    t = performance.now();
    fn();
    ts.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cs.push((d.user + d.system) / 1000);
  }
  ts.sort((a, b) => a - b);
  cs.sort((a, b) => a - b);
  const r3 = (x: number): number => Number(x.toFixed(1));
  const row: Row = { op, impl, first_ms: r3(first), min_ms: r3(ts[0]!), median_ms: r3(ts[Math.floor(ts.length / 2)]!), cpu_min_ms: r3(cs[0]!), runs: repeats };
  if (err !== undefined) row.max_abs_err = Number(err.toExponential(2));
  rows.push(row);
  if (json) console.log(JSON.stringify({ section: 'graph-kernels', ...row }));
  else console.log(`${op.padEnd(14)} ${impl.padEnd(22)} first ${String(row.first_ms).padStart(8)}  min ${String(row.min_ms).padStart(8)}  median ${String(row.median_ms).padStart(8)}  cpu ${String(row.cpu_min_ms).padStart(8)} ms${err !== undefined ? `  err ${row.max_abs_err}` : ''}`);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

const webasm = createGpuBackend({ mode: 'webasm' });
const cpu = createGpuBackend({ mode: 'cpu' });
const impls: [string, Readonly<Record<string, Kernel>>][] = [
  ['js-reference', jsBackend.kernels],
  ['js-csr', csrKernels],
  ['gpujs-webasm', webasm.kernels],
];
if (!argv.has('--no-cpu')) impls.push(['gpujs-cpu', cpu.kernels]);

// the CSR build alone (counting sort), cold, then the validating cache hit
time('csr_build', 'counting-sort', () => { buildCsr(receivers, N); });
time('csr_build', 'cache-hit(validate)', () => { segmentCsr(receivers, N); });

const refSum = new Float32Array(N * F);
jsBackend.kernels.segmentSum!([msgT, recvT], [kt([N, F], refSum, 'float32')], segAttrs);
for (const [impl, k] of impls) {
  time('segsum_fwd', impl, () => k.segmentSum!([msgT, recvT], [outNF], segAttrs), () => maxAbsDiff(outNF.data, refSum), impl === 'gpujs-cpu' ? 2 : REPEATS);
}
// the same with receivers sorted (edges grouped by receiver, as a CSC-ordered graph stores them)
{
  const sortedRecv = kt([E], receivers.slice().sort(), 'int32');
  const ref = new Float32Array(N * F);
  jsBackend.kernels.segmentSum!([msgT, sortedRecv], [kt([N, F], ref, 'float32')], segAttrs);
  for (const [impl, k] of impls) {
    if (impl === 'gpujs-cpu') continue;
    time('segsum_fwd_sorted', impl, () => k.segmentSum!([msgT, sortedRecv], [outNF], segAttrs), () => maxAbsDiff(outNF.data, ref));
  }
}
const refGather = new Float32Array(E * F);
jsBackend.kernels.indexSelect!([nodeT, recvT], [kt([E, F], refGather, 'float32')], { axis: 0 });
for (const [impl, k] of impls) {
  time('segsum_bwd', impl, () => k.indexSelect!([nodeT, recvT], [outEF], { axis: 0 }), () => maxAbsDiff(outEF.data, refGather), impl === 'gpujs-cpu' ? 2 : REPEATS);
}
const refMax = new Float32Array(N * F), refArg = new Int32Array(N * F);
jsBackend.kernels.segmentMax!([msgT, recvT], [kt([N, F], refMax, 'float32'), kt([N, F], refArg, 'int32')], segAttrs);
for (const [impl, k] of impls) {
  time('segmax_fwd', impl, () => k.segmentMax!([msgT, recvT], [outNF, argNF], segAttrs), () => maxAbsDiff(outNF.data, refMax) + maxAbsDiff(argNF.data, refArg), impl === 'gpujs-cpu' ? 2 : REPEATS);
}

// fused gather + segment sum: out[r] = Σ_{e: recv[e]=r} x[send[e]] (never materialises [E, F])
{
  const csr = segmentCsr(receivers, N)!;
  const cols = new Int32Array(E);
  for (let k = 0; k < E; k++) cols[k] = senders[csr.perm[k]!]!;
  const ref = new Float32Array(N * F);
  for (let e = 0; e < E; e++) { const d = receivers[e]! * F, s = senders[e]! * F; for (let j = 0; j < F; j++) ref[d + j]! += nodes[s + j]!; }
  time('spmm_fwd', 'js-csr', () => csrGatherSegmentSumInto(nodes, F, senders, segmentCsr(receivers, N)!, outNF.data), () => maxAbsDiff(outNF.data, ref));
  const cache = new GpuKernelCache('webasm');
  time('spmm_fwd', 'gpujs-webasm', () => {
    const c = segmentCsr(receivers, N)!;
    const k = cache.kernel('sum', false, loopCap(c.maxDegree));
    k.setOutput([F, N]);
    copyResult(call(k, c.rowptr, cols, asInput(nodes, N, F)), outNF.data as Float32Array);
  }, () => maxAbsDiff(outNF.data, ref));
}

if (!json) console.log(`\nN=${N} E=${E} F=${F}, ${REPEATS} repeats; webasm stats ${JSON.stringify(webasm.stats)}`);
await webasm.dispose();
await cpu.dispose();
