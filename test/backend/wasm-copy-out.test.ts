/**
 * Outputs copied out chunk by chunk while the kernel runs (`WasmArena.parallelChunksOut`): a kernel
 * writing a plain array (an eager op's output, outside the wasm memory) computes into scratch, and
 * the calling thread copies every finished chunk out while the workers compute the others. Checked
 * on 1, 2 and 4 threads for every kernel that does it: the same bits as the same call writing a
 * resident output in place (no copy), over several rounds of fresh inputs (a chunk copied before it
 * was computed would carry the previous round's values); the output copied exactly once, in
 * chunk-sized pieces that tile it when threaded (in any order: each thread's block of chunks is
 * copied as it finishes; one piece at the end on one thread); the copy counted.
 */
import { describe, expect, it } from 'vitest';
import type { Kernel, KernelTensor } from '../../src/backend/index.js';
import type { WasmArena } from '../../src/backend/wasm/runtime.js';
import { Rng } from '../../src/util/rng.js';
import { firstDiff, threadTables } from './wasm-test-helpers.js';

type F = Float32Array | Float64Array;

const kt = (data: F, shape: number[]): KernelTensor => ({ data, shape, dtype: data instanceof Float64Array ? 'float64' : 'float32' });
const size = (s: number[]): number => s.reduce((a, b) => a * b, 1);

/** A copy of `src` in runtime `rt`'s memory (a block of its heap: read and written in place). */
function residentIn(rt: WasmArena, src: F): F {
  const off = rt.heap.alloc(Math.max(src.byteLength, 64));
  const v = src instanceof Float64Array ? new Float64Array(rt.memory.buffer, off, src.length) : new Float32Array(rt.memory.buffer, off, src.length);
  v.set(src);
  return v;
}

function uniform(rng: Rng, n: number, f64: boolean, lo = -3, hi = 3): F {
  const d = f64 ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = lo + (hi - lo) * rng.uniform();
  return d;
}

/** A plain output whose `set` calls are recorded as [offset, length]. */
function recorded(like: F, n: number, calls: [number, number][]): F {
  const o = like instanceof Float64Array ? new Float64Array(n) : new Float32Array(n);
  o.fill(7);
  const base = Object.getPrototypeOf(o) as { set: (s: ArrayLike<number>, off?: number) => void };
  Object.defineProperty(o, 'set', {
    value(src: ArrayLike<number>, off = 0) { calls.push([off, src.length]); base.set.call(this, src, off); },
  });
  return o;
}

interface Case {
  op: string;
  /** Input arrays and shapes of one round. */
  inputs: (rng: Rng) => [F, number[]][];
  outputs: number[][];
  attrs: object;
  /** Outputs copied in chunks (the others — layer norm's statistics, its weight gradients — as a whole). */
  chunked: number[];
}

const R = 96, L = 250, N = R * L;
const f32 = (lo = -3, hi = 3) => (rng: Rng): F => uniform(rng, N, false, lo, hi);
const cases: Case[] = [
  { op: 'relu', inputs: (g) => [[f32()(g), [R, L]]], outputs: [[R, L]], attrs: {}, chunked: [0] },
  { op: 'relu', inputs: (g) => [[uniform(g, N, true), [R, L]]], outputs: [[R, L]], attrs: {}, chunked: [0] },
  { op: 'tanh', inputs: (g) => [[f32()(g), [R, L]]], outputs: [[R, L]], attrs: {}, chunked: [0] },
  { op: 'exp', inputs: (g) => [[f32()(g), [R, L]]], outputs: [[R, L]], attrs: {}, chunked: [0] },
  { op: 'sigmoid', inputs: (g) => [[f32()(g), [R, L]]], outputs: [[R, L]], attrs: {}, chunked: [0] },
  { op: 'silu', inputs: (g) => [[f32()(g), [R, L]]], outputs: [[R, L]], attrs: {}, chunked: [0] },
  { op: 'siluGrad', inputs: (g) => [[f32()(g), [R, L]], [f32()(g), [R, L]]], outputs: [[R, L]], attrs: {}, chunked: [0] },
  { op: 'add', inputs: (g) => [[f32()(g), [R, L]], [f32()(g), [R, L]]], outputs: [[R, L]], attrs: {}, chunked: [0] },
  // a row broadcast ([L] against [R, L]: chunks of whole rows) and a column block ([R, 1])
  { op: 'mul', inputs: (g) => [[f32()(g), [R, L]], [uniform(g, L, false), [L]]], outputs: [[R, L]], attrs: {}, chunked: [0] },
  { op: 'sub', inputs: (g) => [[uniform(g, R, false), [R, 1]], [f32()(g), [R, L]]], outputs: [[R, L]], attrs: {}, chunked: [0] },
  { op: 'where', inputs: (g) => [[f32(-1, 1)(g), [R, L]], [f32()(g), [R, L]], [f32()(g), [R, L]]], outputs: [[R, L]], attrs: {}, chunked: [0] },
  { op: 'clamp', inputs: (g) => [[uniform(g, N, true), [R, L]]], outputs: [[R, L]], attrs: { lo: -0.5, hi: 1 }, chunked: [0] },
  { op: 'softmax', inputs: (g) => [[f32(-20, 20)(g), [R, L]]], outputs: [[R, L]], attrs: { axis: 1 }, chunked: [0] },
  { op: 'logSoftmax', inputs: (g) => [[f32(-20, 20)(g), [R, L]]], outputs: [[R, L]], attrs: { axis: 1 }, chunked: [0] },
  { op: 'logSoftmaxGrad', inputs: (g) => [[f32(-9, -1)(g), [R, L]], [f32()(g), [R, L]]], outputs: [[R, L]], attrs: { axis: 1 }, chunked: [0] },
  { op: 'softmaxGrad', inputs: (g) => [[f32(0, 0.01)(g), [R, L]], [f32()(g), [R, L]]], outputs: [[R, L]], attrs: { axis: 1 }, chunked: [0] },
  {
    op: 'layerNorm', inputs: (g) => [[f32()(g), [R, L]], [uniform(g, L, false), [L]], [uniform(g, L, false), [L]]],
    outputs: [[R, L], [R], [R]], attrs: { size: L, eps: 1e-5, hasWeight: true, hasBias: true }, chunked: [0],
  },
  {
    op: 'batchNorm', inputs: (g) => [[uniform(g, N, false), [8, 12, L]], [uniform(g, 12, false), [12]], [uniform(g, 12, false), [12]]],
    outputs: [[8, 12, L], [12], [12]], attrs: { eps: 1e-5, hasWeight: true, hasBias: true }, chunked: [0],
  },
  {
    op: 'batchNormGrad', inputs: (g) => [[uniform(g, N, false), [8, 12, L]], [uniform(g, 12, false), [12]], [uniform(g, 12, false, 0.5, 2), [12]], [uniform(g, N, false), [8, 12, L]], [uniform(g, 12, false), [12]]],
    outputs: [[8, 12, L], [12], [12]], attrs: { eps: 1e-5, hasWeight: true }, chunked: [0],
  },
  {
    op: 'layerNormGrad', inputs: (g) => [[f32()(g), [R, L]], [uniform(g, R, false), [R]], [uniform(g, R, false, 0.5, 2), [R]], [f32()(g), [R, L]], [uniform(g, L, false), [L]]],
    outputs: [[R, L], [L], [L]], attrs: { size: L, hasWeight: true }, chunked: [0],
  },
];

describe('outputs copied out chunk by chunk while the kernel runs', () => {
  for (const [T, kernels, rt] of threadTables()) {
    for (const c of cases) {
      const dt = c.inputs(new Rng(0))[0]![0] instanceof Float64Array ? 'float64' : 'float32';
      it(`${c.op} (${dt}) on ${T} thread${T > 1 ? 's' : ''}: the bits of the in-place call, copied once${T > 1 ? ', in chunks' : ''}`, () => {
        const k = kernels[c.op] as Kernel;
        const rng = new Rng(T * 100 + c.op.length);
        for (let round = 0; round < 3; round++) {
          const ins = c.inputs(rng);
          // in place: inputs and outputs resident (nothing copied)
          const like = ins[0]![0];
          const resIns = ins.map(([d, s]) => kt(residentIn(rt, d), s));
          const resOuts = c.outputs.map((s) => residentIn(rt, (like instanceof Float64Array ? new Float64Array(size(s)) : new Float32Array(size(s))).fill(7)));
          const c0 = { ...rt.copyStats() };
          k(resIns, resOuts.map((o, i) => kt(o, c.outputs[i]!)), c.attrs);
          expect(rt.copyStats()).toEqual(c0);
          // resident inputs, plain outputs: computed in scratch and copied out
          const calls = c.outputs.map((): [number, number][] => []);
          const plain = c.outputs.map((s, i) => recorded(like, size(s), calls[i]!));
          k(resIns, plain.map((o, i) => kt(o, c.outputs[i]!)), c.attrs);
          const c1 = rt.copyStats();
          expect(c1.inBytes).toBe(c0.inBytes);
          // every output written by the kernel's own scratch is counted once (the weight and bias
          // gradients of layer and batch norm are summed here from float64 partials: not a copy)
          const copied = c.op.endsWith('NormGrad') ? plain[0]!.byteLength : plain.reduce((b, o) => b + o.byteLength, 0);
          expect(c1.outBytes - c0.outBytes).toBe(copied);
          for (let i = 0; i < plain.length; i++) {
            expect(firstDiff(plain[i]!, resOuts[i]!, true), `${c.op} output ${i}, round ${round}`).toBeNull();
          }
          for (const i of c.chunked) {
            const pieces = calls[i]!, n = plain[i]!.length;
            // the pieces tile the output, each element copied once
            let at = 0;
            for (const [off, len] of [...pieces].sort((x, y) => x[0] - y[0])) {
              expect(off).toBe(at);
              at += len;
            }
            expect(at).toBe(n);
            if (T === 1) expect(pieces.length).toBe(1); // one thread: one copy after the kernel
            else expect(pieces.length).toBeGreaterThan(T); // one piece per chunk, several chunks per thread
          }
          for (const o of [...resIns.map((t) => t.data), ...resOuts]) rt.heap.free(o.byteOffset);
        }
      });
    }
  }
});
