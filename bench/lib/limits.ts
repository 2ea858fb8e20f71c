/**
 * Machine limits measured by the bench itself (issue 17, item 4), against which a section reports
 * each op's achieved rate as a percentage (docs/design/bench-limits.md):
 *
 * - memory bandwidth, STREAM-like (McCalpin's STREAM copy and triad), in this Node process on one
 *   thread: *copy* `b.set(a)` (TypedArray.prototype.set, a memmove in V8) and *triad*
 *   `a[i] = b[i] + s·c[i]` (a plain JS loop over Float32Arrays), over arrays far larger than the
 *   caches, best of several runs. Bytes counted as STREAM counts them: copy 2 × array, triad
 *   3 × array (no write-allocate traffic).
 * - float32 compute: the single-thread wasm SIMD peak, measured with a hand-assembled module of
 *   independent f32x4 multiply-add chains (`wasmSimdPeak`), and the achievable rate of a
 *   compute-bound, cache-resident call given by the section (`computePeak`; the tensor section uses
 *   erlangen's wasm GEMM at 256×256×256).
 * @module
 */

/** One measured limit; `rate` is in GB/s (`bandwidth`) or GFLOP/s (`flops`). */
export interface Limit {
  readonly kind: 'bandwidth' | 'flops';
  readonly rate: number;
  /** What was measured, e.g. `STREAM triad 3×80 MB, JS loop, 1 thread`. */
  readonly what: string;
}

/** The limits of a section: `bandwidth` and `flops` are the references for the % column. */
export interface MachineLimits {
  readonly bandwidth?: Limit;
  readonly flops?: Limit;
  /** Every measured figure, for the header lines (the references included). */
  readonly all: readonly Limit[];
}

/** Best (largest) value of `runs` timings of `f`, as `work / ms / 1e6` (GB/s or GFLOP/s for bytes or flops). */
function bestRate(runs: number, work: number, f: () => void): number {
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    f();
    best = Math.min(best, performance.now() - t0);
  }
  return work / (best * 1e6);
}

/**
 * STREAM copy and triad over three Float32Arrays of `mb` megabytes each (written once before
 * timing, so that every page is faulted in), best of `runs`. Returns both limits; the larger is
 * the bandwidth reference.
 */
export function streamBandwidth(opts: { mb: number; runs: number }): Limit[] {
  const n = Math.floor((opts.mb * 1e6) / 4);
  const a = new Float32Array(n), b = new Float32Array(n), c = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = 1;
    b[i] = 2;
    c[i] = (i & 1023) * 1e-3;
  }
  const bytes = 4 * n;
  const copy = bestRate(opts.runs, 2 * bytes, () => { b.set(a); });
  const s = 3;
  const triad = bestRate(opts.runs, 3 * bytes, () => {
    for (let i = 0; i < n; i++) a[i] = b[i]! + s * c[i]!;
  });
  if (!Number.isFinite(a[n - 1]!)) throw new Error('stream triad produced a non-finite value'); // keeps the loop live
  const mb = `${opts.mb} MB`;
  return [
    { kind: 'bandwidth', rate: copy, what: `STREAM copy b.set(a) (TypedArray.prototype.set), 2 arrays of ${mb}, 1 thread, best of ${opts.runs}` },
    { kind: 'bandwidth', rate: triad, what: `STREAM triad a = b + s·c (JS loop over Float32Array), 3 arrays of ${mb}, 1 thread, best of ${opts.runs}` },
  ];
}

/**
 * Achievable compute: `call()` does `flopsPerCall` float32 operations; it is called `inner` times
 * per timing, best of `runs` timings (after one untimed warm-up timing).
 */
export function computePeak(opts: { what: string; flopsPerCall: number; inner: number; runs: number; call: () => void }): Limit {
  const many = (): void => { for (let i = 0; i < opts.inner; i++) opts.call(); };
  many();
  const rate = bestRate(opts.runs, opts.flopsPerCall * opts.inner, many);
  return { kind: 'flops', rate, what: `${opts.what}, ${opts.inner} calls per timing, best of ${opts.runs}` };
}

/** The references: those given, else the fastest bandwidth and the fastest compute figure of `all`. */
export function machineLimits(all: readonly Limit[], refs: { bandwidth?: Limit; flops?: Limit } = {}): MachineLimits {
  const best = (k: Limit['kind']): Limit | undefined => all.filter((l) => l.kind === k).sort((x, y) => y.rate - x.rate)[0];
  const bandwidth = refs.bandwidth ?? best('bandwidth'), flops = refs.flops ?? best('flops');
  return { ...(bandwidth ? { bandwidth } : {}), ...(flops ? { flops } : {}), all };
}

/** Percentage of the section's limit reached by an op running `ms` (flops against the compute limit, else bytes against bandwidth). */
export function pctOfLimit(limits: MachineLimits | undefined, op: { flops?: number; bytes?: number }, ms: number | null): number | undefined {
  if (!limits || ms == null || ms <= 0) return undefined;
  if (op.flops !== undefined && limits.flops) return (100 * op.flops) / (ms * 1e6) / limits.flops.rate;
  if (op.bytes !== undefined && limits.bandwidth) return (100 * op.bytes) / (ms * 1e6) / limits.bandwidth.rate;
  return undefined;
}

/** Unsigned LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

const f32Bytes = (x: number): number[] => [...new Uint8Array(new Float32Array([x]).buffer)];

/**
 * A wasm module exporting `peak(iters: i32) → f32`: `chains` independent f32x4 accumulators, each
 * updated `iters` times by a ← a·m + c — `f32x4.mul` then `f32x4.add` (8 flops per update), or one
 * `f32x4.relaxed_madd` (relaxed SIMD; a fused multiply-add where the CPU has one, 8 flops) — and the
 * lanes summed at the end (so nothing is dead). m = 0.999999, c = 1e-6: the values stay at 1, no
 * denormals, no overflow.
 */
function simdPeakModule(chains: number, fma: boolean): Uint8Array<ArrayBuffer> {
  const V128 = 0x7b, SIMD = 0xfd;
  const simd = (op: number): number[] => [SIMD, ...uleb(op)];
  const get = (i: number): number[] => [0x20, ...uleb(i)], set = (i: number): number[] => [0x21, ...uleb(i)];
  const splat = (x: number): number[] => [0x43, ...f32Bytes(x), ...simd(0x13)];
  const acc = (k: number): number => 1 + k, M = 1 + chains, Cc = 2 + chains;
  const code: number[] = [];
  for (let k = 0; k < chains; k++) code.push(...splat(1 + k * 1e-3), ...set(acc(k)));
  code.push(...splat(0.999999), ...set(M), ...splat(1e-6), ...set(Cc));
  code.push(0x02, 0x40, 0x03, 0x40); // block, loop
  code.push(...get(0), 0x45, 0x0d, 0x01); // if iters == 0: break
  for (let k = 0; k < chains; k++) {
    if (fma) code.push(...get(acc(k)), ...get(M), ...get(Cc), ...simd(0x105)); // f32x4.relaxed_madd(a, m, c)
    else code.push(...get(acc(k)), ...get(M), ...simd(0xe6), ...get(Cc), ...simd(0xe4)); // f32x4.add(f32x4.mul(a, m), c)
    code.push(...set(acc(k)));
  }
  code.push(...get(0), 0x41, 0x01, 0x6b, ...set(0), 0x0c, 0x00, 0x0b, 0x0b); // iters -= 1; continue; end loop, block
  code.push(...get(acc(0)));
  for (let k = 1; k < chains; k++) code.push(...get(acc(k)), ...simd(0xe4));
  code.push(...simd(0x1f), 0x00, 0x0b); // f32x4.extract_lane 0; end
  const body = [0x01, ...uleb(chains + 2), V128, ...code];
  const section = (id: number, content: number[]): number[] => [id, ...uleb(content.length), ...content];
  const name = [...'peak'].map((ch) => ch.charCodeAt(0));
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [0x01, 0x60, 0x01, 0x7f, 0x01, 0x7d]), // (i32) → f32
    ...section(3, [0x01, 0x00]),
    ...section(7, [0x01, name.length, ...name, 0x00, 0x00]),
    ...section(10, [0x01, ...uleb(body.length), ...body]),
  ]);
}

/**
 * The single-thread wasm SIMD float32 peak, measured: the module of `simdPeakModule` with 12
 * independent chains (enough to cover the latency of the mul+add or fma on two pipes), `iters`
 * updates per call, best of `runs` calls. Two figures: `f32x4.mul` + `f32x4.add`, and
 * `f32x4.relaxed_madd` where the engine validates relaxed SIMD. This is what wasm code on one
 * thread can reach (128-bit vectors), not the CPU's native AVX peak.
 */
export function wasmSimdPeak(opts: { iters: number; runs: number }): Limit[] {
  const out: Limit[] = [];
  const chains = 12;
  for (const fma of [false, true]) {
    const bytes = simdPeakModule(chains, fma);
    if (!WebAssembly.validate(bytes)) continue; // relaxed SIMD unavailable
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes));
    const peak = inst.exports.peak as (iters: number) => number;
    let sink = peak(1000); // compiled and warmed
    const rate = bestRate(opts.runs, 8 * chains * opts.iters, () => { sink += peak(opts.iters); });
    if (!Number.isFinite(sink)) throw new Error('wasm SIMD peak: non-finite accumulator');
    out.push({
      kind: 'flops', rate,
      what: `wasm SIMD peak: ${chains} independent f32x4 chains a ← ${fma ? 'relaxed_madd(a, m, c)' : 'a·m + c (f32x4.mul, f32x4.add)'}, 1 thread, best of ${opts.runs}`,
    });
  }
  return out;
}
