/**
 * Micro-benchmark for the JS reference backend's elementwise, reduction, scan and layout kernels
 * (single-threaded): median ms per call at 10M float32, 10M float64 and 1M int32 elements, into a
 * fresh output (allocated inside the timed call, as the tensor layer does) and into a preallocated one.
 *
 * Run: `npx tsx bench/micro/js-kernels.ts [--quick] [--reps <n>] [--before <src dir>] [--only <op,...>]`.
 * `--before` names the `src` directory of another checkout (e.g. the commit before a kernel change):
 * its JS backend is timed side by side with this one, and the columns give both and their ratio.
 * Every kernel is first run on all three dtypes at a small size, as in a program that mixes dtypes,
 * so kernels whose loops are shared between dtypes are timed with the polymorphic code they run in
 * real use. Sizes: multiples of 20 000 (the warm-up size) that 1000 and 10 000 divide.
 */
import { jsBackend } from '../../src/backend/js/backend.js';
import { specialiseStats } from '../../src/backend/js/specialise.js';
import type { DType, Kernel, KernelTensor, TypedArray } from '../../src/backend/types.js';
import { allocArray, sizeOf } from '../../src/backend/types.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const argOf = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const beforeDir = argOf('--before');
const only = argOf('--only')?.split(',');
const REPS = Number(argOf('--reps') ?? (quick ? 3 : 7));

/** One benchmark case: the kernel name, the inputs' shapes for `n` elements, the output's shape and dtype, attrs. */
interface Case {
  name: string;
  op: string;
  dtypes: readonly DType[];
  inputs: (n: number) => number[][];
  out: (n: number) => number[];
  outDtype?: (d: DType) => DType;
  /** The first input holds 0/1 (where's condition). */
  cond?: boolean;
  attrs?: (n: number) => Record<string, unknown>;
}

const ALL: readonly DType[] = ['float32', 'float64', 'int32'];
const FLOAT: readonly DType[] = ['float32', 'float64'];
const W = 1000; // row width of the 2-D cases
const rows = (n: number): number => n / W;

/** Int32Array [start, start + step, …] of length n. */
const iota = (n: number, start: number, step: number): Int32Array => Int32Array.from({ length: n }, (_, i) => start + i * step);

const CASES: Case[] = [
  ...['neg', 'abs', 'square', 'relu'].map((op) => ({ name: op, op, dtypes: ALL, inputs: (n: number) => [[n]], out: (n: number) => [n] })),
  ...['exp', 'sqrt', 'sigmoid', 'step'].map((op) => ({ name: op, op, dtypes: FLOAT, inputs: (n: number) => [[n]], out: (n: number) => [n] })),
  { name: 'add same', op: 'add', dtypes: ALL, inputs: (n) => [[n], [n]], out: (n) => [n] },
  { name: 'mul same', op: 'mul', dtypes: ALL, inputs: (n) => [[n], [n]], out: (n) => [n] },
  { name: 'maximum same', op: 'maximum', dtypes: ALL, inputs: (n) => [[n], [n]], out: (n) => [n] },
  { name: 'gt same', op: 'gt', dtypes: FLOAT, inputs: (n) => [[n], [n]], out: (n) => [n] },
  { name: 'mul scalar', op: 'mul', dtypes: ALL, inputs: (n) => [[n], []], out: (n) => [n] },
  { name: 'pow scalar', op: 'pow', dtypes: FLOAT, inputs: (n) => [[n], []], out: (n) => [n] },
  { name: 'sub scalar-left', op: 'sub', dtypes: ALL, inputs: (n) => [[], [n]], out: (n) => [n] },
  { name: 'add [R,1000]+[1000]', op: 'add', dtypes: ALL, inputs: (n) => [[rows(n), W], [W]], out: (n) => [rows(n), W] },
  { name: 'mul [R,1000]*[R,1]', op: 'mul', dtypes: ALL, inputs: (n) => [[rows(n), W], [rows(n), 1]], out: (n) => [rows(n), W] },
  { name: 'add [R,4]+[4]', op: 'add', dtypes: FLOAT, inputs: (n) => [[n / 4, 4], [4]], out: (n) => [n / 4, 4] },
  { name: 'where', op: 'where', dtypes: ALL, cond: true, inputs: (n) => [[n], [n], [n]], out: (n) => [n] },
  { name: 'cast → int32', op: 'cast', dtypes: FLOAT, inputs: (n) => [[n]], out: (n) => [n], outDtype: () => 'int32' },
  { name: 'siluGrad', op: 'siluGrad', dtypes: FLOAT, inputs: (n) => [[n], [n]], out: (n) => [n] },
  { name: 'sum all', op: 'sum', dtypes: ALL, inputs: (n) => [[n]], out: () => [], attrs: () => ({ axes: [0] }) },
  { name: 'sum rows [R,1000]→[R]', op: 'sum', dtypes: ALL, inputs: (n) => [[rows(n), W]], out: (n) => [rows(n)], attrs: () => ({ axes: [1] }) },
  { name: 'sum axis 0 [R,1000]→[1000]', op: 'sum', dtypes: ALL, inputs: (n) => [[rows(n), W]], out: () => [W], attrs: () => ({ axes: [0] }) },
  { name: 'sum axis 1 [10,1000,R/1e4] (transpose)', op: 'sum', dtypes: ALL, inputs: (n) => [[10, W, n / 1e4]], out: (n) => [10, n / 1e4], attrs: () => ({ axes: [1] }) },
  { name: 'prod all', op: 'prod', dtypes: FLOAT, inputs: (n) => [[n]], out: () => [], attrs: () => ({ axes: [0] }) },
  { name: 'max all', op: 'max', dtypes: ALL, inputs: (n) => [[n]], out: () => [], attrs: () => ({ axes: [0] }) },
  { name: 'min rows [R,1000]', op: 'min', dtypes: FLOAT, inputs: (n) => [[rows(n), W]], out: (n) => [rows(n)], attrs: () => ({ axes: [1] }) },
  { name: 'argmax rows [R,1000]', op: 'argmax', dtypes: ALL, inputs: (n) => [[rows(n), W]], out: (n) => [rows(n)], outDtype: () => 'int32', attrs: () => ({ axis: 1 }) },
  { name: 'cumsum rows [R,1000]', op: 'cumsum', dtypes: ALL, inputs: (n) => [[rows(n), W]], out: (n) => [rows(n), W], attrs: () => ({ axis: 1 }) },
  { name: 'cumprod axis 0 [R,1000]', op: 'cumprod', dtypes: FLOAT, inputs: (n) => [[rows(n), W]], out: (n) => [rows(n), W], attrs: () => ({ axis: 0 }) },
  { name: 'transpose [R,1000]', op: 'permute', dtypes: ALL, inputs: (n) => [[rows(n), W]], out: (n) => [W, rows(n)], attrs: () => ({ perm: [1, 0] }) },
  { name: 'permute [R/10,10,100] (1,0,2)', op: 'permute', dtypes: ALL, inputs: (n) => [[n / 1000, 10, 100]], out: (n) => [10, n / 1000, 100], attrs: () => ({ perm: [1, 0, 2] }) },
  { name: 'permute [100,R/100,10] (2,0,1)', op: 'permute', dtypes: FLOAT, inputs: (n) => [[100, n / 1000, 10]], out: (n) => [10, 100, n / 1000], attrs: () => ({ perm: [2, 0, 1] }) },
  { name: 'expand [1000]→[R,1000]', op: 'expand', dtypes: ALL, inputs: () => [[W]], out: (n) => [rows(n), W] },
  { name: 'expand [R,1]→[R,1000]', op: 'expand', dtypes: FLOAT, inputs: (n) => [[rows(n), 1]], out: (n) => [rows(n), W] },
  { name: 'cumsum axis 0 [R,1000]', op: 'cumsum', dtypes: FLOAT, inputs: (n) => [[rows(n), W]], out: (n) => [rows(n), W], attrs: () => ({ axis: 0 }) },
  { name: 'slice [R,1000]→[R,500] (dimMap)', op: 'dimMap', dtypes: ALL, inputs: (n) => [[rows(n), W]], out: (n) => [rows(n), W / 2], attrs: (n) => ({ maps: [iota(rows(n), 0, 1), iota(W / 2, 100, 1)] }) },
  { name: 'flip last axis [R,1000] (dimMap)', op: 'dimMap', dtypes: FLOAT, inputs: (n) => [[rows(n), W]], out: (n) => [rows(n), W], attrs: (n) => ({ maps: [iota(rows(n), 0, 1), iota(W, W - 1, -1)] }) },
  { name: 'pad [R,1000]→[R,1002] (dimMapScatter)', op: 'dimMapScatter', dtypes: FLOAT, inputs: (n) => [[rows(n), W]], out: (n) => [rows(n), W + 2], attrs: (n) => ({ maps: [iota(rows(n), 0, 1), iota(W, 1, 1)], fill: 0 }) },
  { name: 'concat 2×[R,500] axis 1', op: 'concat', dtypes: ALL, inputs: (n) => [[rows(n), W / 2], [rows(n), W / 2]], out: (n) => [rows(n), W], attrs: () => ({ axis: 1 }) },
];

function fill(d: DType, shape: number[], cond: boolean, seed: number): TypedArray {
  const a = allocArray(d, sizeOf(shape));
  let s = seed >>> 0;
  for (let i = 0; i < a.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const u = s / 4294967296;
    a[i] = cond ? +(u < 0.5) : d === 'int32' ? Math.floor(u * 200) - 100 : 0.5 + u; // positive: sqrt/log/pow stay finite
  }
  return a;
}

function tensors(c: Case, d: DType, n: number): { ins: KernelTensor[]; outShape: number[]; outDtype: DType; attrs: Record<string, unknown> } {
  const ins = c.inputs(n).map((shape, k) => ({ data: fill(d, shape, c.cond === true && k === 0, 17 + k), shape, dtype: d }));
  return { ins, outShape: c.out(n), outDtype: c.outDtype?.(d) ?? d, attrs: c.attrs?.(n) ?? {} };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/**
 * Median ms of each kernel in `ks` on the case at size n, into a fresh and into a preallocated
 * output; the kernels take turns within each repetition (in alternating order), so that drifts of
 * the machine's load and of the heap's state fall on all of them alike.
 */
function time(ks: Kernel[], c: Case, d: DType, n: number): { fresh: number; pre: number }[] {
  const { ins, outShape, outDtype, attrs } = tensors(c, d, n);
  const size = sizeOf(outShape);
  const pre = { data: allocArray(outDtype, size), shape: outShape, dtype: outDtype };
  const freshT: number[][] = ks.map(() => []), preT: number[][] = ks.map(() => []);
  for (let rep = 0; rep < REPS + 1; rep++) {
    for (let q = 0; q < ks.length; q++) {
      const i = rep % 2 === 0 ? q : ks.length - 1 - q, k = ks[i]!;
      let t0 = performance.now();
      k(ins, [{ data: allocArray(outDtype, size), shape: outShape, dtype: outDtype }], attrs);
      const tf = performance.now() - t0;
      t0 = performance.now();
      k(ins, [pre], attrs);
      const tp = performance.now() - t0;
      if (rep > 0) { freshT[i]!.push(tf); preT[i]!.push(tp); }
    }
  }
  return ks.map((_, i) => ({ fresh: median(freshT[i]!), pre: median(preT[i]!) }));
}

/** Run every kernel on all three dtypes at a small size, as a program that mixes dtypes does. */
function warm(kernels: Readonly<Record<string, Kernel>>): void {
  const calls = CASES.flatMap((c) => ALL.filter((d) => !(c.op === 'cast' && d === 'int32')).map((d) => ({ c, ...tensors(c, d, 20_000) })));
  for (let it = 0; it < 100; it++) {
    for (const { c, ins, outShape, outDtype, attrs } of calls) {
      kernels[c.op]!(ins, [{ data: allocArray(outDtype, sizeOf(outShape)), shape: outShape, dtype: outDtype }], attrs);
    }
  }
}

async function main(): Promise<void> {
  const before = beforeDir ? ((await import(`${beforeDir}/backend/js/backend.ts`)) as { jsBackend: typeof jsBackend }).jsBackend : undefined;
  warm(jsBackend.kernels);
  if (before) warm(before.kernels);
  const f = (x: number): string => x.toFixed(1).padStart(7);
  const head = before
    ? `${'case'.padEnd(38)} ${'dtype'.padEnd(8)} | fresh: before   after  ratio | prealloc: before   after  ratio`
    : `${'case'.padEnd(38)} ${'dtype'.padEnd(8)} |   fresh prealloc`;
  console.log(head);
  for (const c of CASES) {
    if (only && !only.includes(c.op)) continue;
    for (const d of c.dtypes) {
      const n = d === 'int32' ? 1_000_000 : 10_000_000;
      const [now, old] = time(before ? [jsBackend.kernels[c.op]!, before.kernels[c.op]!] : [jsBackend.kernels[c.op]!], c, d, n) as [{ fresh: number; pre: number }, { fresh: number; pre: number } | undefined];
      const label = `${c.name.padEnd(38)} ${d.padEnd(8)}`;
      if (old) {
        console.log(`${label} |   ${f(old.fresh)} ${f(now.fresh)} ${(old.fresh / now.fresh).toFixed(2).padStart(5)}x |   ${f(old.pre)} ${f(now.pre)} ${(old.pre / now.pre).toFixed(2).padStart(5)}x`);
      } else {
        console.log(`${label} | ${f(now.fresh)} ${f(now.pre)}`);
      }
    }
  }
  console.log('loop copies:', specialiseStats());
}

void main();
