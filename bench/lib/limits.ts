/**
 * Machine limits measured by the bench itself (issue 17, item 4), against which a section reports
 * each op's achieved rate as a percentage (docs/design/bench-limits.md):
 *
 * - memory bandwidth, STREAM-like (McCalpin's STREAM copy and triad), in this Node process on one
 *   thread: *copy* `b.set(a)` (TypedArray.prototype.set, a memmove in V8) and *triad*
 *   `a[i] = b[i] + s·c[i]` (a plain JS loop over Float32Arrays), over arrays far larger than the
 *   caches, best of several runs. Bytes counted as STREAM counts them: copy 2 × array, triad
 *   3 × array (no write-allocate traffic).
 * - achievable float32 compute: the best GFLOP/s of a compute-bound, cache-resident call given by
 *   the section (the tensor section uses erlangen's wasm GEMM at 256×256×256).
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

/** The references: the fastest bandwidth and the fastest compute figure of `all`. */
export function machineLimits(all: readonly Limit[]): MachineLimits {
  const best = (k: Limit['kind']): Limit | undefined => all.filter((l) => l.kind === k).sort((x, y) => y.rate - x.rate)[0];
  const bandwidth = best('bandwidth'), flops = best('flops');
  return { ...(bandwidth ? { bandwidth } : {}), ...(flops ? { flops } : {}), all };
}

/** Percentage of the section's limit reached by an op running `ms` (flops against the compute limit, else bytes against bandwidth). */
export function pctOfLimit(limits: MachineLimits | undefined, op: { flops?: number; bytes?: number }, ms: number | null): number | undefined {
  if (!limits || ms == null || ms <= 0) return undefined;
  if (op.flops !== undefined && limits.flops) return (100 * op.flops) / (ms * 1e6) / limits.flops.rate;
  if (op.bytes !== undefined && limits.bandwidth) return (100 * op.bytes) / (ms * 1e6) / limits.bandwidth.rate;
  return undefined;
}
