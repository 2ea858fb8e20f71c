/**
 * gpu.js kernel sources and a compiled-kernel cache for the aggregation loops, written gather-style
 * over a host-built CSR (no atomics): one thread per output element loops over its segment.
 *
 * Sources are strings (gpu.js's `createKernel(source: string)`), so no transpiler or coverage
 * instrumentation can change what gpu.js parses. Every loop uses an integer counter from 0 (the
 * WGSL codegen rejects `k++` on an inferred-f32 counter) and the kernel's `loopMaxIterations` is
 * set to at least the maximum degree (gpu.js silently truncates data-dependent loops at the cap,
 * default 1000, on every backend).
 * @module
 */
import { GPU, Input } from 'gpu.js';
import type { IKernelRunShortcut, KernelOutput, KernelVariable } from 'gpu.js';

/**
 * Kernel kinds: segment sum, its edge-weighted forms (one weight per edge, or per edge and head;
 * weights in CSR order), the arg row of segment
 * max/min, the row gather, and the five passes of segment softmax and its gradient — segment max
 * (`segmax`, NaN-propagating), segment Σ exp(x − m) (`expsum`), per-row exp(x − m)/Σ (`softnorm`),
 * segment Σ y·g (`dot`) and per-row y·(g − Σ) (`softgrad`), and the per-row, per-head dot product
 * of two row-aligned inputs (`rowdot`), the last pass of `gatherDot` after two `gather` launches (a
 * single SDDMM kernel indexing both inputs through their own index arrays read the wrong rows in
 * gpu.js 2.24's cpu mode, so the rows are gathered first).
 */
export type GpuKernelKind = 'sum' | 'wsum' | 'argmax' | 'argmin' | 'gather' | 'segmax' | 'expsum' | 'softnorm' | 'dot' | 'softgrad' | 'rowdot' | 'hwsum' | 'so2gather' | 'so2segsum';

/**
 * Sources, 2-D variant (`output [F, S]`, thread.x = feature so webasm's SIMD quads run along the
 * contiguous features) and 1-D variant (`output [S]`, for F = 1). `x` is passed as an
 * `Input(data, [F, N])` so `x[row][f]` is addressed in i32 (exact for any row < 2^24) rather than
 * as one f32 flat index (inexact above 2^24 elements).
 */
const SOURCES: Record<GpuKernelKind, { d2: string; d1: string }> = {
  sum: segmentSumSource('x', (at) => at('r')),
  wsum: segmentSumSource('w, x', (at) => `w[st + j] * ${at('r')}`),
  // per-head weights: feature f belongs to head ⌊f / D⌋, its weight at w[k·H + h] (dims = [H, D])
  hwsum: segmentSumSource('w, dims, x', (at) => `w[(st + j) * dims[0] + h] * ${at('r')}`, () => 'const h = Math.floor(this.thread.x / dims[1]);'),
  // returns the winning row (−1 for an empty segment); the host reads the value from the data.
  // Reference semantics: the first NaN wins, otherwise the first strictly larger (smaller) value.
  argmax: extremeSources('>'),
  argmin: extremeSources('<'),
  gather: variants((seg, at) => `function (idx, x) {
  return ${at(`idx[${seg}]`)};
}`),
  // segment softmax, pass 1: the segment's max (the reference's: the first NaN wins; 0 when empty)
  segmax: variants((seg, at) => `function (rowptr, perm, x) {
  const st = rowptr[${seg}];
  const deg = rowptr[${seg} + 1] - st;
  let best = 0;
  for (let j = 0; j < deg; j++) {
    const v = ${at('perm[st + j]')};
    if (j == 0 || v > best || (v != v && best == best)) {
      best = v;
    }
  }
  return best;
}`),
  // pass 2: Σ exp(x − m) over the segment (m: [S] or [C, S] from pass 1)
  expsum: segmentSumSource('x, m', (at) => `Math.exp(${at('r')} - mx)`, (at, seg) => `const mx = ${at(seg, 'm')};`),
  // pass 3, one thread per row: exp(x − m[id]) / Σ[id]
  softnorm: variants((row, at) => `function (ids, x, m, sum) {
  const s = ids[${row}];
  return Math.exp(${at(row)} - ${at('s', 'm')}) / ${at('s', 'sum')};
}`),
  // gradient, pass 1: Σ y·g over the segment
  dot: segmentSumSource('y, g', (at) => `${at('r', 'y')} * ${at('r', 'g')}`),
  // gradient, pass 2, one thread per row: y·(g − Σ[id])
  softgrad: variants((row, at) => `function (ids, y, g, dot) {
  const s = ids[${row}];
  return ${at(row, 'y')} * (${at(row, 'g')} - ${at('s', 'dot')});
}`),
  // SO(2) transport (src/backend/js/so2.ts): rows of F = C·B features (B = 2L + 1 = dims[0]), the
  // per-edge coefficient rows [t₀, γ₁, σ₁, …] flat in `coef` (read at e·B + j, exact below 2^24).
  // Feature f has in-block offset j: a₀ (j = 0) ↦ t₀a₀; cosine lanes (odd j) γc − σs with the sine at
  // f + 1; sine lanes (even j > 0) σc + γs with the cosine at f − 1. Rotating gather, output [F, E]:
  so2gather: {
    d2: `function (idx, coef, dims, x) {
  const B = dims[0];
  const f = this.thread.x;
  const k = this.thread.y;
  const r = idx[k];
  const j = f - Math.floor(f / B) * B;
  const h = Math.floor(j / 2);
  const t = k * B + j;
  if (j == 0) {
    return coef[t] * x[r][f];
  }
  if (j - 2 * h == 1) {
    return coef[t] * x[r][f] - coef[t + 1] * x[r][f + 1];
  }
  return coef[t] * x[r][f - 1] + coef[t - 1] * x[r][f];
}`,
    d1: 'function (idx, coef, dims, x) {\n  return coef[this.thread.x] * x[idx[this.thread.x]];\n}',
  },
  // rotating segment sum over the CSR of the ids (ascending edges), output [F, S]
  so2segsum: {
    d2: `function (rowptr, perm, coef, dims, m) {
  const B = dims[0];
  const f = this.thread.x;
  const st = rowptr[this.thread.y];
  const deg = rowptr[this.thread.y + 1] - st;
  const j = f - Math.floor(f / B) * B;
  const h = Math.floor(j / 2);
  let acc = 0;
  for (let q = 0; q < deg; q++) {
    const e = perm[st + q];
    const t = e * B + j;
    if (j == 0) {
      acc += coef[t] * m[e][f];
    } else if (j - 2 * h == 1) {
      acc += coef[t] * m[e][f] - coef[t + 1] * m[e][f + 1];
    } else {
      acc += coef[t] * m[e][f - 1] + coef[t - 1] * m[e][f];
    }
  }
  return acc;
}`,
    d1: `function (rowptr, perm, coef, dims, m) {
  const st = rowptr[this.thread.x];
  const deg = rowptr[this.thread.x + 1] - st;
  let acc = 0;
  for (let q = 0; q < deg; q++) {
    const e = perm[st + q];
    acc += coef[e] * m[e];
  }
  return acc;
}`,
  },
  // Σ_d a[e][h·D + d] · b[e][h·D + d] for row-aligned [E, F] inputs a, b and dims = [D]. The output
  // is [F, E] (only the first column of each head is nonzero; the host picks them): gpu.js 2.24's
  // cpu mode reads a 2-D input with the output's row width, so the two must match.
  rowdot: {
    d2: `function (a, b, dims) {
  const D = dims[0];
  const x = this.thread.x;
  const h = Math.floor(x / D);
  if (x - h * D != 0) {
    return 0;
  }
  let acc = 0;
  for (let d = 0; d < D; d++) {
    acc += a[this.thread.y][x + d] * b[this.thread.y][x + d];
  }
  return acc;
}`,
    // (rows of one value, D = 1: the plain product; the planner sends F = 1 to the reference)
    d1: `function (a, b) {
  return a[this.thread.x] * b[this.thread.x];
}`,
  },
};

type At = (row: string, name?: string) => string;

/**
 * A kernel that sums `term` over its segment's CSR positions (`r` = the row at position st + j),
 * after the per-thread declaration `pre`: arguments (rowptr, perm, …params).
 */
function segmentSumSource(params: string, term: (at: At) => string, pre: (at: At, seg: string) => string = () => ''): { d2: string; d1: string } {
  return variants((seg, at) => `function (rowptr, perm, ${params}) {
  const st = rowptr[${seg}];
  const deg = rowptr[${seg} + 1] - st;
  ${pre(at, seg)}
  let acc = 0;
  for (let j = 0; j < deg; j++) {
    const r = perm[st + j];
    acc += ${term(at)};
  }
  return acc;
}`);
}

/**
 * Both variants of a source: `seg` is the thread coordinate of the segment (or row) — y for the 2-D
 * [F, S] output, x for the 1-D one — and `at(row, name)` reads argument `name` (default `x`) at a
 * row, and at the thread's feature in 2-D.
 */
function variants(src: (seg: string, at: At) => string): { d2: string; d1: string } {
  return {
    d2: src('this.thread.y', (row, name = 'x') => `${name}[${row}][this.thread.x]`),
    d1: src('this.thread.x', (row, name = 'x') => `${name}[${row}]`),
  };
}

/** The arg row of a segment max (`>`) or min (`<`). */
function extremeSources(cmp: '>' | '<'): { d2: string; d1: string } {
  return variants((seg, at) => `function (rowptr, perm, x) {
  const st = rowptr[${seg}];
  const deg = rowptr[${seg} + 1] - st;
  let best = 0;
  let arg = -1;
  for (let j = 0; j < deg; j++) {
    const r = perm[st + j];
    const v = ${at('r')};
    if (j == 0 || v ${cmp} best || (v != v && best == best)) {
      best = v;
      arg = r;
    }
  }
  return arg;
}`);
}

/**
 * A 2-D source ([F, S] output, thread.x = feature, thread.y = row) rewritten for a 1-D output of
 * F·S threads: an extra last argument `flatDims = [F]`, and the thread's row and feature recovered
 * from its flat index (the +0.5 keeps the float division off an exact integer boundary).
 */
export function flattened(src: string): string {
  const m = /^function \(([^)]*)\) \{\n/.exec(src);
  if (!m) throw new Error(`flattened: unexpected kernel source header: ${src.slice(0, 40)}`);
  const body = src.slice(m[0].length).replaceAll('this.thread.x', 'flatX').replaceAll('this.thread.y', 'flatY');
  return `function (${m[1]}, flatDims) {
  const flatY = Math.floor((this.thread.x + 0.5) / flatDims[0]);
  const flatX = this.thread.x - flatY * flatDims[0];
${body}`;
}

/** The gpu.js modes this module can drive. */
export type GpuJsMode = 'webasm' | 'cpu' | 'webgpu' | 'webgl2';

/** True where gpu.js can create a WebGL2 context (browsers with WebGL2; never in Node, where headless-gl is not used). */
export function webgl2Supported(): boolean {
  try {
    return GPU.isWebGL2Supported === true;
  } catch {
    return false;
  }
}

/** Round a loop bound up to a power of two (≥ 1), so few kernel variants cover all degrees. */
export function loopCap(maxDegree: number): number {
  let c = 1;
  while (c < maxDegree) c *= 2;
  return c;
}

/**
 * A lazily created gpu.js instance with a cache of compiled kernels keyed by (kind, variant, loop
 * cap). Kernels are dynamic in output and argument sizes; gpu.js (webasm) additionally caches one
 * module per size signature (LRU of 8), so a training loop with fixed shapes compiles once.
 */
export class GpuKernelCache {
  private gpuInstance: GPU | null = null;
  private readonly kernels = new Map<string, IKernelRunShortcut>();
  /** Number of gpu.js kernels created (for tests and the bench). */
  compiled = 0;

  /** `flatten2d`: run 2-D kernels flattened (default: in `webgl2` mode only; see {@link flat2d}). */
  constructor(readonly mode: GpuJsMode, private readonly flatten2d = mode === 'webgl2') {}

  /** The gpu.js instance, created on first use. */
  get gpu(): GPU {
    if (!this.gpuInstance) this.gpuInstance = new GPU({ mode: this.mode });
    return this.gpuInstance;
  }

  /**
   * Whether 2-D kernels run flattened: WebGL2 maps a 2-D output [F, S] to an F × S texture, and S
   * (rows: vertices, edges) passes the texture size limit (8192 on SwiftShader) on real meshes,
   * while a 1-D output of F·S threads is packed into a near-square texture.
   */
  get flat2d(): boolean {
    return this.flatten2d;
  }

  /**
   * Run one launch: its kernel (flattened where {@link flat2d}: one thread per output element,
   * the row-major result the same as the 2-D one's rows), sized to `output`.
   */
  launch(kind: GpuKernelKind, oneD: boolean, cap: number, output: readonly number[], args: readonly (Float32Array | Int32Array | Input)[]): KernelOutput {
    const k = this.kernel(kind, oneD, cap);
    if (!oneD && this.flat2d) {
      k.setOutput([output[0]! * output[1]!]);
      return call(k, ...args, Int32Array.of(output[0]!));
    }
    k.setOutput([...output]);
    return call(k, ...args);
  }

  /** The compiled kernel for `kind`, 1-D (F = 1) or 2-D, looping at most `cap` times. */
  kernel(kind: GpuKernelKind, oneD: boolean, cap: number): IKernelRunShortcut {
    const key = `${kind}|${oneD ? 1 : 2}|${cap}`;
    let k = this.kernels.get(key);
    if (!k) {
      const src = oneD ? SOURCES[kind].d1 : this.flat2d ? flattened(SOURCES[kind].d2) : SOURCES[kind].d2;
      k = this.gpu.createKernel(src, { output: [1], dynamicOutput: true, dynamicArguments: true, tactic: 'precision' });
      k.setLoopMaxIterations(Math.max(1, cap));
      this.kernels.set(key, k);
      this.compiled++;
    }
    return k;
  }

  /** Destroy every kernel and the gpu.js instance (a later call recreates them). */
  async dispose(): Promise<void> {
    this.kernels.clear();
    const g = this.gpuInstance;
    this.gpuInstance = null;
    if (g) await g.destroy();
  }
}

/** Wrap a flat row-major array as a gpu.js [rows, F] input (`x[row][f]`). */
export function asInput(data: Float32Array | Int32Array, rows: number, F: number): Input {
  return new Input(data as unknown as number[], F === 1 ? [rows] : [F, rows]);
}

/**
 * Copy a gpu.js result (a Float32Array for 1-D outputs, an array of row views for 2-D ones) into
 * `out` (an Int32Array target converts the float rows, e.g. arg rows, exactly below 2^24).
 */
export function copyResult(result: KernelOutput, out: Float32Array | Int32Array): void {
  if (result instanceof Float32Array) {
    out.set(result.length === out.length ? result : result.subarray(0, out.length));
    return;
  }
  const rows = result as unknown as Float32Array[];
  const first = rows[0];
  if (!first) return;
  const W = first.length;
  // webasm returns row views into one slice: copy it in one go
  const last = rows[rows.length - 1]!;
  if (last.buffer === first.buffer && last.byteOffset === first.byteOffset + (rows.length - 1) * W * 4) {
    out.set(new Float32Array(first.buffer, first.byteOffset, rows.length * W));
    return;
  }
  for (let y = 0; y < rows.length; y++) out.set(rows[y]!, y * W);
}

/** Call a kernel with typed-array / Input arguments (gpu.js's typings predate Int32Array inputs). */
export function call(k: IKernelRunShortcut, ...args: (Float32Array | Int32Array | Input)[]): KernelOutput {
  return k(...(args as unknown as KernelVariable[]));
}
