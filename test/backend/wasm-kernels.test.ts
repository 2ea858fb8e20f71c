/**
 * The WebAssembly SIMD kernels (wasm/kernels.ts → src/backend/wasm): loaded in Node, equal to the
 * JS reference kernels on random graphs of every row width (vector blocks, vector tails, scalar
 * tails), both dtypes, heads, unsorted ids and empty segments; and the committed binary is built
 * from the committed source.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createWasmBackend, jsBackend, wasmAvailable, type KernelTensor, type TypedArray, type DType } from '../../src/backend/index.js';
import { MAX_CHUNKS, WasmMemoryError, claimChunks, claimNext, splitCsr, splitRange, wasmRuntime, wasmThreads } from '../../src/backend/wasm/runtime.js';
import { availableParallelism } from 'node:os';
import { KERNELS_SOURCE_SHA256 } from '../../src/backend/wasm/binary.js';
import { Rng } from '../../src/util/rng.js';

const wasm = createWasmBackend({ minWork: 0, minGemm: 0, parallelMinWork: 0 });
const kt = (data: TypedArray, shape: number[], dtype: DType): KernelTensor => ({ data, shape, dtype });

function run(backend: typeof jsBackend, op: string, inputs: KernelTensor[], out: { shape: number[]; dtype: DType }, attrs: object): TypedArray {
  const n = out.shape.reduce((a, b) => a * b, 1);
  const o = out.dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  backend.kernels[op]!(inputs, [kt(o, out.shape, out.dtype)], attrs);
  return o;
}

function graph(rng: Rng, R: number, S: number, E: number): { g: Int32Array; s: Int32Array } {
  const g = new Int32Array(E), s = new Int32Array(E);
  for (let e = 0; e < E; e++) { g[e] = rng.int(R); s[e] = rng.int(S - 1); } // the last segment stays empty
  return { g, s };
}

function floats(rng: Rng, n: number, dtype: DType): Float32Array | Float64Array {
  const a = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal() * 3;
  return a;
}

/** A copy of a with element i moved up by one unit in the last place. */
function f32ulp(a: Float32Array, i: number): Float32Array {
  const c = a.slice();
  new Uint32Array(c.buffer)[i]! += 1;
  return c;
}

function expectClose(got: TypedArray, want: TypedArray, tol: number): void {
  expect(got.length).toBe(want.length);
  let err = 0, scale = 1;
  for (let i = 0; i < want.length; i++) {
    if (Number.isNaN(want[i]!) && Number.isNaN(got[i]!)) continue;
    err = Math.max(err, Math.abs(got[i]! - want[i]!));
    scale = Math.max(scale, Math.abs(want[i]!));
  }
  expect(err / scale).toBeLessThanOrEqual(tol);
}

describe('wasm SIMD kernels', () => {
  it('load in Node, with a worker pool on multi-core machines', () => {
    expect(wasmAvailable()).toBe(true);
    expect(wasmThreads()).toBeGreaterThanOrEqual(1);
    if (availableParallelism() > 1) expect(wasmThreads()).toBeGreaterThan(1);
  });

  it('a call beyond the 4 GiB of wasm32 memory raises WasmMemoryError (the kernels then run the JS reference)', () => {
    const a = wasmRuntime()!;
    a.reset();
    expect(() => a.alloc(5 * 2 ** 30)).toThrow(WasmMemoryError);
    a.reset();
    expect(a.alloc(16)).toBeGreaterThan(0);
  });

  it('split work into balanced ranges', () => {
    expect(splitRange(10, 3)).toEqual([[0, 3], [3, 6], [6, 10]]);
    expect(splitRange(2, 4)).toEqual([[0, 1], [1, 2]]);
    expect(splitRange(0, 2)).toEqual([[0, 0]]);
    // segments 0..4 with 1, 7, 0, 1, 1 positions: the split falls after segment 1 (8 of 10)
    expect(splitCsr(Int32Array.from([0, 1, 8, 8, 9, 10]), 2)).toEqual([[0, 2], [2, 5]]);
    expect(splitCsr(Int32Array.from([0, 0, 0]), 2)).toEqual([[0, 2]]);
  });

  it('a chunked call runs every chunk once across the threads, beforeOwn once', () => {
    const a = wasmRuntime()!;
    const n = 3000, rng = new Rng(5);
    const gather = new Int32Array(n).map(() => rng.int(1 << 20)), perm = new Int32Array(n).map((_, i) => (i * 7) % n);
    for (const parts of [1, 2, 17, MAX_CHUNKS]) {
      a.reset();
      const pg = a.put(gather), pp = a.put(perm), po = a.alloc(n * 4);
      new Int32Array(a.memory.buffer, po, n).fill(-1);
      let before = 0;
      a.parallelChunks('compose', [pg, pp, 0, 0, po], 2, splitRange(n, parts), () => { before++; });
      const out = new Int32Array(n);
      a.get(po, out);
      expect(before).toBe(1);
      expect(Array.from(out)).toEqual(Array.from(perm, (p) => gather[p]!));
    }
    expect(() => a.parallelChunks('compose', [0, 0, 0, 0, 0], 2, splitRange(MAX_CHUNKS + 1, MAX_CHUNKS + 1))).toThrow(/more than/);
  });

  it('chunk claims: each thread its own block first, in order, then the others\' unclaimed chunks; every chunk exactly once', () => {
    /** Block counters [P, next₀, …] as the caller sets them: block u starts at ⌊n·u/P⌋. */
    const counters = (n: number, P: number): Int32Array => Int32Array.from([P, ...Array.from({ length: P }, (_, u) => Math.floor((n * u) / P))]);
    const claims = (S: Int32Array, n: number, me: number): number[] => {
      const got: number[] = [];
      claimChunks(S, n, S[0]!, me, (c) => got.push(c));
      return got;
    };
    // one thread alone: its block (1: chunks 3–5 of 10 over 3 blocks), then block 2, then block 0
    expect(claims(counters(10, 3), 10, 1)).toEqual([3, 4, 5, 6, 7, 8, 9, 0, 1, 2]);
    // threads one after another: each finds only what the earlier ones left
    let S = counters(10, 3);
    expect(claims(S, 10, 2)).toEqual([6, 7, 8, 9, 0, 1, 2, 3, 4, 5]);
    expect(claims(S, 10, 0)).toEqual([]);
    // interleaved: thread 1 runs to the end from inside thread 0's third chunk; thread 0 then stops
    for (const [n, P] of [[10, 2], [7, 3], [1, 1], [2, 4], [MAX_CHUNKS, 4], [5, 5]] as const) {
      S = counters(n, P);
      const seen = new Int32Array(n), order0: number[] = [];
      let order1: number[] = [], k = 0;
      claimChunks(S, n, P, 0, (c) => {
        seen[c]!++;
        order0.push(c);
        if (++k === 3 && P > 1) { order1 = claims(S, n, 1); for (const d of order1) seen[d]!++; }
      });
      expect(Array.from(seen), `n ${n}, P ${P}`).toEqual(new Array(n).fill(1));
      const b1 = Math.floor(n / P);
      expect(order0.slice(0, Math.min(3, b1)), `n ${n}, P ${P}`).toEqual([0, 1, 2].slice(0, Math.min(3, b1)));
      if (P > 1 && b1 >= 3) expect(order1[0], `n ${n}, P ${P}: thread 1 starts with its own block`).toBe(b1);
    }
    // claimNext (the copying caller's claims, one at a time): the same order as claimChunks, then −1
    // for good; interleaved with another thread's claimChunks, every chunk still once
    for (const [n, P] of [[10, 2], [7, 3], [1, 1], [2, 4], [MAX_CHUNKS, 4]] as const) {
      const one: number[] = [];
      S = counters(n, P);
      for (let c = claimNext(S, n, P, 0); c >= 0; c = claimNext(S, n, P, 0)) one.push(c);
      expect(claimNext(S, n, P, 0)).toBe(-1);
      expect(one).toEqual(claims(counters(n, P), n, 0));
      S = counters(n, P);
      const seen = new Int32Array(n);
      for (let k = 0, c = claimNext(S, n, P, 0); c >= 0; k++, c = claimNext(S, n, P, 0)) {
        seen[c]!++;
        if (k === 2 && P > 1) for (const d of claims(S, n, P - 1)) seen[d]!++;
      }
      expect(Array.from(seen), `n ${n}, P ${P}`).toEqual(new Array(n).fill(1));
    }
    // a claimer that ignores the block ends (every thread takes from its own counter to n) runs chunks twice
    const greedy = (T: Int32Array, n: number, P: number, me: number, run: (c: number) => void): void => {
      for (let c = Atomics.add(T, 1 + me, 1); c < n; c = Atomics.add(T, 1 + me, 1)) run(c);
      void P;
    };
    S = counters(10, 2);
    const twice = new Int32Array(10);
    greedy(S, 10, 2, 0, (c) => twice[c]!++);
    greedy(S, 10, 2, 1, (c) => twice[c]!++);
    expect(Array.from(twice)).not.toEqual(new Array(10).fill(1));
  });

  it('a chunked call whose caller is late: the workers take over its block (stealing in the workers\' copy of the claims)', () => {
    const a = wasmRuntime()!;
    if (a.threads < 2) return;
    const n = 4000, T = a.threads, rng = new Rng(7);
    const gather = new Int32Array(n).map(() => rng.int(1000)), perm = new Int32Array(n).map((_, i) => (i * 13) % n);
    a.reset();
    const pg = a.put(gather), pp = a.put(perm), stride = n * 4, po = a.alloc(stride * T);
    const copies = new Int32Array(a.memory.buffer, po, n * T).fill(-1);
    const allWritten = (): boolean => { for (let k = 0; k < n; k++) { let w = false; for (let t = 0; t < T && !w; t++) w = copies[t * n + k] !== -1; if (!w) return false; } return true; };
    // the caller waits (up to 10 s) until every position is written, so it claims nothing itself
    a.parallelChunks('compose', [pg, pp, 0, 0, po], 2, splitRange(n, 64), () => { const until = Date.now() + 10_000; while (!allWritten() && Date.now() < until); }, { pos: 4, stride });
    for (let k = 0; k < n; k++) {
      expect(copies[k], `position ${k}: not the caller's`).toBe(-1);
      expect(Array.from({ length: T - 1 }, (_, t) => copies[(t + 1) * n + k]!).filter((v) => v !== -1)).toEqual([gather[perm[k]!]!]);
    }
  });

  it('workers that never wake up: the caller withdraws their jobs and runs the work itself (a child process; a caller that waits for them hangs until the timeout)', () => {
    // A pool of slots no worker serves stands for workers the scheduler never runs. The calls must
    // return with every chunk, every list and every copied-out chunk right, and leave no job posted.
    const script = `
      import { WasmArena, WorkerPool, createWasmRuntime, splitRange } from './src/backend/wasm/runtime.ts';
      const rt = createWasmRuntime(1);
      const names = Object.keys(rt.k).filter((k) => typeof rt.k[k] === 'function');
      const pool = WorkerPool.unserved(rt.memory, names, 3);
      const a = new WasmArena(rt.memory, rt.k, pool);
      const n = 3000, gather = new Int32Array(n).map((_, i) => (i * 7919) % 1000), perm = new Int32Array(n).map((_, i) => (i * 7) % n);
      const want = Array.from(perm, (p) => gather[p]);
      const results = {};
      for (let round = 0; round < 2; round++) {
        a.reset();
        const pg = a.put(gather), pp = a.put(perm), po = a.alloc(n * 4);
        new Int32Array(a.memory.buffer, po, n).fill(-1);
        a.parallelChunks('compose', [pg, pp, 0, 0, po], 2, splitRange(n, 17));
        results['chunks' + round] = Array.from(new Int32Array(a.memory.buffer, po, n));
        new Int32Array(a.memory.buffer, po, n).fill(-1);
        a.parallel('compose', splitRange(n, 4).map(([k0, k1]) => [pg, pp, k0, k1, po]));
        results['lists' + round] = Array.from(new Int32Array(a.memory.buffer, po, n));
        const o = new Int32Array(n).fill(-1);
        a.parallelChunksOut('compose', [pg, pp, 0, 0, po], 2, splitRange(n, 17), po, o, 1);
        results['out' + round] = Array.from(o);
      }
      const states = [0, 1, 2].map((w) => Atomics.load(new Int32Array(rt.memory.buffer, 32768 + w * 128, 32), 0));
      console.log(JSON.stringify({ ok: Object.values(results).every((r) => JSON.stringify(r) === JSON.stringify(want)), states }));
    `;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8', timeout: 30_000, env: { ...process.env, ERLANGEN_WASM_THREADS: '1' },
    });
    const res = JSON.parse(out.trim().split('\n').pop()!) as { ok: boolean; states: number[] };
    expect(res.ok).toBe(true);
    expect(res.states).toEqual([0, 0, 0]);
  }, 60_000);

  it('a chunked call hands each thread its own copy of a per-thread argument (scratch at base + t·stride)', () => {
    const a = wasmRuntime()!;
    const n = 4000, T = a.threads, rng = new Rng(6);
    const gather = new Int32Array(n).map(() => rng.int(1000)), perm = new Int32Array(n).map((_, i) => (i * 11) % n);
    a.reset();
    const pg = a.put(gather), pp = a.put(perm), stride = n * 4, po = a.alloc(stride * T);
    new Int32Array(a.memory.buffer, po, n * T).fill(-1);
    a.parallelChunks('compose', [pg, pp, 0, 0, po], 2, splitRange(n, 64), undefined, { pos: 4, stride });
    const copies = new Int32Array(n * T);
    a.get(po, copies);
    for (let k = 0; k < n; k++) {
      const written = Array.from({ length: T }, (_, t) => copies[t * n + k]!).filter((v) => v !== -1);
      expect(written).toEqual([gather[perm[k]!]!]); // exactly one thread wrote position k, into its own copy
    }
  });

  it('single-threaded (ERLANGEN_WASM_THREADS=1: no workers; in Node a shared memory, for resident storage) in a child process', () => {
    const script = `
      import { wasmThreads } from './src/backend/wasm/runtime.ts';
      import { fromData, gatherSegmentSum, segmentSoftmax, matmul, randn } from './src/index.ts';
      import { Rng } from './src/util/rng.ts';
      import { setBackend } from './src/backend/index.ts';
      const rng = new Rng(3), E = 5000, N = 700;
      const s = new Int32Array(E).map(() => rng.int(N)), r = new Int32Array(E).map(() => rng.int(N));
      const x = randn(rng, [N, 16]), sc = randn(rng, [E, 2]), a = randn(rng, [64, 48]), b = randn(rng, [48, 40]);
      const f = () => [gatherSegmentSum(x, s, r, N), segmentSoftmax(sc, r, N), matmul(a, b)];
      const got = f(); setBackend('js'); const want = f();
      const err = Math.max(...got.map((g, i) => g.sub(want[i]).abs().max().item()));
      console.log(JSON.stringify({ threads: wasmThreads(), err }));
    `;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8', env: { ...process.env, ERLANGEN_WASM_THREADS: '1' },
    });
    const res = JSON.parse(out.trim().split('\n').pop()!) as { threads: number; err: number };
    expect(res.threads).toBe(1);
    expect(res.err).toBeLessThan(1e-5);
  }, 60_000);

  for (const dtype of ['float32', 'float64'] as const) {
    const exact = 0; // sums over edges round exactly like the reference's ascending scatter
    const tol = dtype === 'float32' ? 2e-6 : 1e-14;
    it(`gatherSegmentSum and segmentSum equal the reference bit for bit (${dtype}, F = 1…100)`, () => {
      const rng = new Rng(11);
      for (const F of [1, 2, 3, 4, 5, 7, 8, 16, 31, 32, 33, 64, 100]) {
        const R = 37, S = 23, E = 301;
        const { g, s } = graph(rng, R, S, E);
        const x = kt(floats(rng, R * F, dtype), [R, F], dtype);
        const gi = kt(g, [E], 'int32'), si = kt(s, [E], 'int32');
        const out = { shape: [S, F], dtype };
        expectClose(run(wasm, 'gatherSegmentSum', [x, gi, si], out, { numSegments: S }), run(jsBackend, 'gatherSegmentSum', [x, gi, si], out, { numSegments: S }), exact);
        const xe = kt(floats(rng, E * F, dtype), [E, F], dtype);
        expectClose(run(wasm, 'segmentSum', [xe, si], out, { numSegments: S, sorted: false }), run(jsBackend, 'segmentSum', [xe, si], out, { numSegments: S, sorted: false }), exact);
      }
    });
    it(`gatherSegmentWeightedSum and gatherDot equal the reference (${dtype}, scalar and per-head weights)`, () => {
      const rng = new Rng(12);
      for (const [H, D] of [[1, 1], [1, 5], [1, 64], [2, 3], [4, 8], [3, 33]] as const) {
        const F = H * D, R = 29, S = 19, E = 257;
        const { g, s } = graph(rng, R, S, E);
        const x = kt(floats(rng, R * F, dtype), H === 1 ? [R, F] : [R, H, D], dtype);
        const w = kt(floats(rng, E * H, dtype), [E, H], dtype);
        const gi = kt(g, [E], 'int32'), si = kt(s, [E], 'int32');
        const attrs = { numSegments: S, heads: H };
        const out = { shape: [S, F], dtype };
        expectClose(run(wasm, 'gatherSegmentWeightedSum', [x, w, gi, si], out, attrs), run(jsBackend, 'gatherSegmentWeightedSum', [x, w, gi, si], out, attrs), tol);
        const b = kt(floats(rng, S * F, dtype), H === 1 ? [S, F] : [S, H, D], dtype);
        const dout = { shape: [E, H], dtype };
        expectClose(run(wasm, 'gatherDot', [b, x, si, gi], dout, { heads: H }), run(jsBackend, 'gatherDot', [b, x, si, gi], dout, { heads: H }), tol * 10);
      }
    });
    it(`segmentSoftmax and its gradient equal the reference (${dtype}; −∞, NaN, large scores)`, () => {
      const rng = new Rng(13);
      for (const C of [1, 2, 3, 5, 8]) {
        const N = 211, S = 17;
        const { s } = graph(rng, 1, S, N);
        const x = floats(rng, N * C, dtype);
        const special = C !== 3; // C = 3: scores of small range, the global-shift fast path
        if (special) { x[3] = -Infinity; x[7] = 80; x[8] = -80; x[11] = 1e4; }
        else for (let i = 0; i < x.length; i++) x[i] = x[i]! / 3;
        if (C === 2) x[20] = NaN;
        const xs = kt(x, [N, C], dtype), si = kt(s, [N], 'int32');
        const out = { shape: [N, C], dtype };
        const attrs = { numSegments: S, sorted: false };
        const y = run(jsBackend, 'segmentSoftmax', [xs, si], out, attrs);
        // which path ran: the global-shift pass for a small range, the per-segment max otherwise
        const arena = wasmRuntime()!, calls: string[] = [];
        const orig = arena.parallelChunks.bind(arena);
        arena.parallelChunks = (name, ...rest) => { calls.push(name); orig(name, ...rest); };
        try {
          expectClose(run(wasm, 'segmentSoftmax', [xs, si], out, attrs), y, tol);
        } finally {
          arena.parallelChunks = orig;
        }
        const suffix = dtype === 'float32' ? 'F32' : 'F64';
        expect(calls.includes(`expSumShift${suffix}`)).toBe(!special);
        expect(calls.includes(`segMax${suffix}`) || calls.includes(`csrMax${suffix}`)).toBe(special); // one thread / several
        const gy = kt(floats(rng, N * C, dtype), [N, C], dtype), ys = kt(y, [N, C], dtype);
        expectClose(run(wasm, 'segmentSoftmaxGrad', [ys, gy, si], out, attrs), run(jsBackend, 'segmentSoftmaxGrad', [ys, gy, si], out, attrs), tol * 10);
      }
    });
  }

  for (const dtype of ['float32', 'float64'] as const) it(`${dtype} GEMM equals the reference (odd sizes, transposes, broadcast batches, K blocks)`, () => {
    const rng = new Rng(dtype === 'float32' ? 14 : 114);
    const shapes: [number[], number[], boolean, boolean][] = [
      [[1, 1], [1, 1], false, false], [[5, 3], [3, 7], false, false], [[9, 17], [17, 13], false, false],
      [[33, 300], [300, 9], false, false], [[70, 20], [20, 70], false, true], [[20, 70], [20, 40], true, false],
      [[11, 6], [13, 11], true, true], [[3, 6, 5], [5, 10], false, false], [[2, 1, 4, 9], [3, 9, 8], false, false],
      [[37, 600], [600, 23], false, false], [[600, 37], [23, 600], true, true],
    ];
    for (const [as, bs, tA, tB] of shapes) {
      const r = as.length, M = tA ? as[r - 1]! : as[r - 2]!, N = tB ? bs[bs.length - 2]! : bs[bs.length - 1]!;
      const batch = as.length > 2 || bs.length > 2 ? (as.length > bs.length ? as : bs).slice(0, -2).map((d, i, arr) => {
        const other = (as.length > bs.length ? bs : as).slice(0, -2);
        const od = other[i - (arr.length - other.length)] ?? 1;
        return Math.max(d, od);
      }) : [];
      const x = kt(floats(rng, as.reduce((p, q) => p * q, 1), dtype), as, dtype);
      const y = kt(floats(rng, bs.reduce((p, q) => p * q, 1), dtype), bs, dtype);
      const out = { shape: [...batch, M, N], dtype };
      const attrs = { transA: tA, transB: tB };
      const got = run(wasm, 'matmul', [x, y], out, attrs), want = run(jsBackend, 'matmul', [x, y], out, attrs);
      if (dtype === 'float32') expectClose(got, want, 1e-5);
      else expect(Array.from(got), `[${as}]·[${bs}] ${tA} ${tB}`).toEqual(Array.from(want)); // the reference's sums in its order (blocks of 256 along k): its bits
    }
  });

  it('float32 exp, sigmoid and SiLU equal the reference to ≈ 1e-7 (incl. ±∞, NaN, ±100, tails)', () => {
    const rng = new Rng(15);
    for (const n of [1, 3, 4, 7, 1000]) {
      const x = floats(rng, n, 'float32');
      if (n >= 7) { x[0] = Infinity; x[1] = -Infinity; x[2] = NaN; x[3] = 100; x[4] = -100; x[5] = 88.5; x[6] = -87.9; }
      for (const op of ['exp', 'sigmoid', 'silu']) {
        const want = run(jsBackend, op, [kt(x, [n], 'float32')], { shape: [n], dtype: 'float32' }, {});
        const got = run(wasm, op, [kt(x, [n], 'float32')], { shape: [n], dtype: 'float32' }, {});
        for (let i = 0; i < n; i++) {
          const w = want[i]!, g = got[i]!;
          if (Number.isNaN(w)) { expect(Number.isNaN(g)).toBe(true); continue; }
          if (!Number.isFinite(w) || Math.abs(w) > 3e38) { expect(g === w || (op === 'exp' && Math.abs(g) > 1e38)).toBe(true); continue; }
          expect(Math.abs(g - w)).toBeLessThanOrEqual(4e-7 * Math.abs(w) + 1e-38);
        }
      }
    }
  });

  /**
   * Run float64 `op` on the wasm backend over x and compare each result with `ref` in ulps (the
   * distance of their bits; both have one sign, a zero's included, or the check fails): throws past
   * `max`, returns the worst distance. A NaN from `ref` must be a NaN.
   */
  function worstUlps(op: string, x: Float64Array, ref: (v: number) => number, max: bigint): bigint {
    const n = x.length, got = run(wasm, op, [kt(x, [n], 'float64')], { shape: [n], dtype: 'float64' }, {}) as Float64Array;
    const gb = new BigInt64Array(got.buffer), w = new Float64Array(1), wb = new BigInt64Array(w.buffer);
    let worst = 0n;
    for (let i = 0; i < n; i++) {
      w[0] = ref(x[i]!);
      if (Number.isNaN(w[0])) { expect(got[i], `${op}(${x[i]})`).toBeNaN(); continue; }
      expect(Object.is(Math.sign(got[i]!), Math.sign(w[0])), `${op}(${x[i]}) = ${got[i]}: the sign of ${w[0]} (of a zero too)`).toBe(true);
      const d = gb[i]! > wb[0]! ? gb[i]! - wb[0]! : wb[0]! - gb[i]!;
      if (d > worst) worst = d;
      if (d > max) throw new Error(`${op}(${x[i]}) = ${got[i]}, the reference gives ${w[0]}`);
    }
    return worst;
  }
  it('the ulp check fails on a result one ulp off, or a zero of the other sign', () => {
    const x = Float64Array.of(0.5, 2, -0);
    expect(() => worstUlps('tanh', x, (v) => (v === 2 ? Math.tanh(v) * (1 + 2 ** -50) : Math.tanh(v)), 1n)).toThrow(/the reference gives/);
    expect(() => worstUlps('tanh', x, (v) => (Object.is(v, -0) ? 0 : Math.tanh(v)), 8n)).toThrow(/sign/);
  });

  it('float64 exp within one ulp of Math.exp (10⁵ points over [−746, 710], the overflow and subnormal edges, specials); σ, SiLU and its gradient within 4 ulp of the reference', () => {
    const rng = new Rng(16);
    const pts: number[] = [0, -0, 1, -1, 0.5, Math.LN2, -Math.LN2, 1e-300, -1e-300, 5e-324, -5e-324, Infinity, -Infinity, NaN, 709.782712893384, 709.7827128933841, 709.79, 709.8, 710, 1000,
      -708.3964185322641, -708.4, -709.08956571282405, -744.4400719213812, -745.1332191019411, -745.1332191019412, -745.14, -746, -800, 88.7, -103.9];
    for (let k = -1074; k <= 1023; k += 7) pts.push(k * Math.LN2, k * Math.LN2 + 1e-9, k * Math.LN2 * (1 + 1e-15)); // near the rounding points of k
    for (let i = 0; i < 50_000; i++) pts.push(-746 + 1456 * rng.uniform());
    for (let i = 0; i < 20_000; i++) pts.push(rng.normal() * 3, -708 - 37.2 * rng.uniform()); // the common range; the subnormal results
    const n = pts.length, x = Float64Array.from(pts);
    expect(worstUlps('exp', x, Math.exp, 1n)).toBe(1n); // the bound is reached, so the check can see a one-ulp difference
    const up = Float64Array.from(x, () => rng.normal()); // the upstream gradient of siluGrad
    for (const op of ['sigmoid', 'silu', 'siluGrad']) {
      const ins = op === 'siluGrad' ? [kt(x, [n], 'float64'), kt(up, [n], 'float64')] : [kt(x, [n], 'float64')];
      const want = run(jsBackend, op, ins, { shape: [n], dtype: 'float64' }, {});
      const g = run(wasm, op, ins, { shape: [n], dtype: 'float64' }, {});
      for (let i = 0; i < n; i++) {
        if (Number.isNaN(want[i])) { expect(g[i], `${op}(${x[i]})`).toBeNaN(); continue; }
        if (!Number.isFinite(want[i])) { expect(g[i], `${op}(${x[i]})`).toBe(want[i]); continue; }
        // below x ≈ −708, e^x is subnormal: one ulp of it is 5e-324 absolute, times |x| in SiLU;
        // SiLU's gradient g·σ·(1 + x(1 − σ)) crosses zero (x ≈ −1.28): an absolute term on the scale of |g|·(1 + |x|)
        const sub = 4 * 5e-324 * Math.max(1, Math.abs(x[i]!)), grad = op === 'siluGrad' ? 8 * 2 ** -53 * Math.abs(up[i]!) * (1 + Math.abs(x[i]!)) : 0;
        if (Math.abs(g[i]! - want[i]!) > 4 * 2 ** -53 * Math.abs(want[i]!) + sub * (op === 'siluGrad' ? Math.abs(up[i]!) + 1 : 1) + grad) throw new Error(`${op}(${x[i]}) = ${g[i]}, the reference gives ${want[i]}`);
      }
    }
  });

  it('float64 log within one ulp of Math.log (every binade, near 1 and √2, subnormals, specials)', () => {
    const rng = new Rng(17);
    const pts: number[] = [0, -0, 1, -1, 2, 0.5, Math.SQRT2, Math.SQRT1_2, Math.E, 5e-324, -5e-324, 2.2250738585072014e-308, 2.225073858507201e-308,
      Number.MAX_VALUE, Infinity, -Infinity, NaN, 1 + 2 ** -52, 1 - 2 ** -53, 1.4142135623730951, 1.414213562373095, 0.7071067811865476];
    for (let e = -1074; e <= 1023; e++) pts.push(2 ** e, 2 ** e * (1 + rng.uniform()));
    for (let i = 0; i < 20_000; i++) pts.push(1 + (rng.uniform() - 0.5) * 2 ** -Math.floor(rng.uniform() * 40), Math.exp(rng.normal() * 50));
    const n = pts.length, x = Float64Array.from(pts);
    const got = run(wasm, 'log', [kt(x, [n], 'float64')], { shape: [n], dtype: 'float64' }, {}) as Float64Array;
    const gb = new BigInt64Array(got.buffer), w = new Float64Array(1), wb = new BigInt64Array(w.buffer);
    for (let i = 0; i < n; i++) {
      w[0] = Math.log(x[i]!);
      if (Number.isNaN(w[0])) { expect(got[i], `log(${x[i]})`).toBeNaN(); continue; }
      if (!Number.isFinite(w[0])) { expect(got[i], `log(${x[i]})`).toBe(w[0]); continue; }
      // ulps apart: the same sign compares bits; opposite signs only around 0 (log 1 = 0)
      const d = Math.sign(got[i]!) === Math.sign(w[0]) || got[i] === 0 || w[0] === 0 ? (gb[i]! > wb[0]! ? gb[i]! - wb[0]! : wb[0]! - gb[i]!) : 1n << 62n;
      if (!(d <= 1n || Math.abs(got[i]! - w[0]) <= 5e-324)) throw new Error(`log(${x[i]}) = ${got[i]}, Math.log gives ${w[0]}`);
    }
  });

  it('float64 tanh within 4 ulp of Math.tanh (near 0, the a = 1 and a = 22 switches, subnormals, specials)', () => {
    const rng = new Rng(18);
    const pts: number[] = [0, -0, 1, -1, 0.5, 22, -22, 21.999999, 22.000001, 0.9999999999999999, 1.0000000000000002, 5e-324, -5e-324, 1e-300, -1e-20, 2 ** -28,
      Infinity, -Infinity, NaN, 19.06, 0.3466, -0.6931];
    for (let e = -60; e <= 5; e++) pts.push(2 ** e * (1 + rng.uniform()), -(2 ** e) * (1 + rng.uniform()));
    for (let i = 0; i < 20_000; i++) pts.push(rng.normal() * 3, (rng.uniform() - 0.5) * 60, (rng.uniform() - 0.5) * 2 ** -Math.floor(rng.uniform() * 50));
    expect(worstUlps('tanh', Float64Array.from(pts), Math.tanh, 4n)).toBeGreaterThan(0n); // not the reference under another name (measured worst: 3 ulp)
  });

  it('exp, σ, SiLU, the softmax rows and logsumexp: the direct exponent formula (|x| ≤ 87) gives the bits of the clamped one', () => {
    // the kernels take a 16-lane block by the direct formula when every lane is within ±87, else by
    // the clamped one: the same values with an outlier every 8 lanes (every block has one) must
    // keep their bits
    const rng = new Rng(22), n = 4096, L = 256;
    const edge = [87, -87, 86.99999, -86.99999, 0, -0, 1e-40, -1e-40, 0.3465736, -0.3465736];
    const base = new Float32Array(n), poisoned = new Float32Array(n);
    for (let i = 0; i < n; i++) base[i] = i < edge.length ? edge[i]! : (rng.uniform() * 2 - 1) * 87;
    const outliers = [100, -100, NaN, Infinity, -Infinity, 87.00001, -87.00001, 3e38];
    for (let i = 0; i < n; i++) poisoned[i] = i % 8 === 7 ? outliers[(i >> 3) % outliers.length]! : base[i]!;
    const sameBits = (a: TypedArray, b: TypedArray, skip: (i: number) => boolean, what: string): void => {
      const ia = new Uint32Array(a.buffer, a.byteOffset, a.length), ib = new Uint32Array(b.buffer, b.byteOffset, b.length);
      for (let i = 0; i < a.length; i++) if (!skip(i) && ia[i] !== ib[i]) throw new Error(`${what}: element ${i} (x = ${base[i]}): ${a[i]} vs ${b[i]}`);
    };
    for (const op of ['exp', 'sigmoid', 'silu']) {
      const f = (x: Float32Array): TypedArray => run(wasm, op, [kt(x, [n], 'float32')], { shape: [n], dtype: 'float32' }, {});
      sameBits(f(base), f(poisoned), (i) => i % 8 === 7, op);
    }
    // rows: x ∈ [m − 20, m] (m the row's maximum) and, every 8 lanes, m − 86.5 — its exponential
    // (3·10⁻³⁸) vanishes in float64 sums of terms ≥ 2·10⁻⁹, as the outlier −1000's 0 does
    const R = n / L, xr = new Float32Array(n);
    for (let i = 0; i < n; i++) xr[i] = rng.uniform() * 20;
    for (let r = 0; r < R; r++) {
      let m = -Infinity;
      for (let j = 0; j < L; j++) if (j % 8 !== 7) m = Math.max(m, xr[r * L + j]!);
      for (let j = 7; j < L; j += 8) xr[r * L + j] = m - 86.5;
    }
    const xp = xr.map((v, i) => (i % 8 === 7 ? -1000 : v));
    const rows = (op: string, ins: Float32Array[]): TypedArray => run(wasm, op, ins.map((d) => kt(d, [R, L], 'float32')), { shape: [R, L], dtype: 'float32' }, { axis: 1 });
    sameBits(rows('softmax', [xr]), rows('softmax', [xp]), (i) => i % 8 === 7, 'softmax');
    sameBits(rows('logSoftmax', [xr]), rows('logSoftmax', [xp]), (i) => i % 8 === 7, 'logSoftmax');
    const lse = (x: Float32Array): TypedArray => run(wasm, 'logsumexp', [kt(x, [R, L], 'float32')], { shape: [R], dtype: 'float32' }, { axes: [1] });
    sameBits(lse(xr), lse(xp), () => false, 'logsumexp');
    // log-softmax's gradient g − exp(y)·Σg: the outliers of y change no sum
    const y = new Float32Array(n).map(() => -rng.uniform() * 87), yp = y.map((v, i) => (i % 8 === 7 ? -1000 : v));
    const g = new Float32Array(n).map(() => rng.uniform() - 0.5);
    sameBits(rows('logSoftmaxGrad', [y, g]), rows('logSoftmaxGrad', [yp, g]), (i) => i % 8 === 7, 'logSoftmaxGrad');
    // the check can fail: a value one ulp off is reported
    const e = f32ulp(rows('softmax', [xr]) as Float32Array, 5);
    expect(() => sameBits(rows('softmax', [xr]), e, () => false, 'softmax')).toThrow(/element 5/);
  });

  it('falls back to the reference, with its named errors, on bad indices', () => {
    const x = kt(new Float32Array(8), [4, 2], 'float32');
    const out = [kt(new Float32Array(4), [2, 2], 'float32')];
    expect(() => wasm.kernels.gatherSegmentSum!([x, kt(new Int32Array([0, 9]), [2], 'int32'), kt(new Int32Array([0, 1]), [2], 'int32')], out, { numSegments: 2 })).toThrow(/gather index 9/);
    expect(() => wasm.kernels.segmentSoftmax!([x, kt(new Int32Array([0, 1, 5, 0]), [4], 'int32')], [kt(new Float32Array(8), [4, 2], 'float32')], { numSegments: 2 })).toThrow(/segment id 5/);
  });

  it('the committed binary is built from the committed source (scripts/build-wasm.mjs --check)', () => {
    const src = readFileSync(new URL('../../wasm/kernels.ts', import.meta.url), 'utf8');
    expect(createHash('sha256').update(src).digest('hex')).toBe(KERNELS_SOURCE_SHA256);
    const out = execFileSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], { encoding: 'utf8' });
    expect(out).toMatch(/up to date/);
  }, 60_000);
});
