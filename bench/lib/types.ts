/**
 * Shared types of the benchmark runner. A *section* (tensor, graph, …) declares a list of ops and
 * how to build each op for erlangen and for every peer; the runner (./runner.ts) times them all the
 * same way and the reporter (./report.ts) prints the table or the JSON lines.
 * @module
 */
import type { TfModule } from '../peers/tfjs.js';
import type { MachineLimits } from './limits.js';

/** One benchmarked operation. Everything but `label` travels as JSON to the Python peer. */
export interface OpSpec {
  /** Stable id used in the JSON output, e.g. `matmul_1024`. */
  readonly id: string;
  /** Human-readable description for the table, e.g. `matmul 1024×1024·1024×1024`. */
  readonly label: string;
  /** Dispatch key for the peers (`matmul`, `conv2d`, `unary`, …); `params` are its arguments. */
  readonly kind: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** Floating-point operations per call, where that is meaningful (GFLOP/s column). */
  readonly flops?: number;
  /** Bytes read + written per call (GB/s column) for memory-bound ops. */
  readonly bytes?: number;
  /** Untimed calls before timing. */
  readonly warmup: number;
  /** Timed calls (the median is reported)… */
  readonly repeats: number;
  /** …but stop early once this many milliseconds of timed calls have been spent (≥ `minRepeats`). */
  readonly budgetMs: number;
  readonly minRepeats: number;
}

/** A prepared op: inputs allocated, `run()` computes the result (and forces it, for lazy peers). */
export interface Case {
  run(): void | Promise<void>;
  /** Frees the inputs (tfjs tensors); optional. */
  dispose?(): void;
}

/** Options every section gets. */
export interface SectionOptions {
  readonly quick: boolean;
}

/**
 * A benchmark section. Add a new one in ../sections/index.ts. Each op is run for every erlangen
 * backend (`erlangen-<backend>`), then by the peers the section supports.
 */
export interface Section {
  /** Name for `--only` (e.g. `tensor`). */
  readonly name: string;
  readonly title: string;
  ops(opts: SectionOptions): OpSpec[];
  /** Build an op on erlangen (the active backend is set by the runner). */
  erlangen(op: OpSpec): Case;
  /** Build an op on TF.js (`tf` is @tensorflow/tfjs-core with the backend already selected); null: not supported. */
  tfjs?(tf: TfModule, op: OpSpec, backend: 'cpu' | 'wasm'): Case | null;
  /**
   * The PyTorch peer: a Python script (path relative to the repository root) that reads
   * `{section, threads, ops}` as JSON and prints one JSON result per line (see peers/torch_bench.py).
   */
  readonly torch?: { readonly script: string; readonly threads: readonly number[] };
  /**
   * Measure the machine's limits (./limits.ts) before the ops run; the report then prints them at
   * the top and every op's rate as a percentage of them.
   */
  limits?(opts: SectionOptions): MachineLimits;
  /** Extra lines printed under the section's table (e.g. whether a target was met), from the measurements. */
  notes?(get: (op: string, impl: string) => Measurement | undefined, erlangenImpls: readonly string[], peers: readonly string[]): string[];
}

/** One measured (op, impl) pair. */
export interface Measurement {
  readonly section: string;
  readonly op: string;
  readonly impl: string;
  /** Median wall time of one call in milliseconds; null when the impl failed on this op. */
  readonly median_ms: number | null;
  /** Fastest timed call (less sensitive than the median to other processes on a busy machine). */
  readonly min_ms?: number;
  readonly runs: number;
  readonly error?: string;
}

/** A peer that could not run at all, and why. */
export interface PeerStatus {
  readonly impl: string;
  readonly ok: boolean;
  readonly detail: string;
}
