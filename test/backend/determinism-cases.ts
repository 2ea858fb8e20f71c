/**
 * Inputs for the determinism checks (test/backend/determinism.test.ts and the child process it
 * starts): every kernel the wasm runtime splits across threads, on inputs large enough to be split
 * into many chunks, and a digest (SHA-256 of the output bytes) per case.
 */
import { createHash } from 'node:crypto';
import type { DType, Kernel, KernelTensor, TypedArray } from '../../src/backend/index.js';
import { Rng } from '../../src/util/rng.js';

/** One kernel call: op, inputs, output shapes (dtype of the first input) and attributes. */
export interface Case {
  name: string;
  op: string;
  inputs: KernelTensor[];
  outputs: number[][];
  attrs: object;
}

const kt = (data: TypedArray, shape: number[], dtype: DType): KernelTensor => ({ data, shape, dtype });

function floats(rng: Rng, n: number, dtype: DType, scale: number): Float32Array | Float64Array {
  const a = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal() * scale;
  return a;
}

function uniform(rng: Rng, n: number, dtype: DType, lo: number, hi: number): Float32Array | Float64Array {
  const a = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * rng.uniform();
  return a;
}

/** Every threaded wasm kernel on float32 and (where it has a float64 form) float64 inputs. */
export function determinismCases(): Case[] {
  const out: Case[] = [];
  for (const dtype of ['float32', 'float64'] as const) {
    const rng = new Rng(dtype === 'float32' ? 101 : 202);
    const R = 700, S = 601, E = 5003; // odd sizes: chunk boundaries fall inside SIMD blocks
    const g = new Int32Array(E).map(() => rng.int(R)), s = new Int32Array(E).map(() => rng.int(S - 1)); // last segment empty
    const gi = kt(g, [E], 'int32'), si = kt(s, [E], 'int32');
    for (const F of [1, 7, 64]) {
      const x = kt(floats(rng, R * F, dtype, 3), [R, F], dtype);
      out.push({ name: `gatherSegmentSum F=${F} ${dtype}`, op: 'gatherSegmentSum', inputs: [x, gi, si], outputs: [[S, F]], attrs: { numSegments: S } });
      const xe = kt(floats(rng, E * F, dtype, 3), [E, F], dtype);
      out.push({ name: `segmentSum F=${F} ${dtype}`, op: 'segmentSum', inputs: [xe, si], outputs: [[S, F]], attrs: { numSegments: S, sorted: false } });
    }
    for (const [H, D] of [[1, 16], [4, 8]] as const) {
      const F = H * D;
      const x = kt(floats(rng, R * F, dtype, 3), [R, F], dtype), w = kt(floats(rng, E * H, dtype, 1), [E, H], dtype);
      out.push({ name: `gatherSegmentWeightedSum H=${H} ${dtype}`, op: 'gatherSegmentWeightedSum', inputs: [x, w, gi, si], outputs: [[S, F]], attrs: { numSegments: S, heads: H } });
      const b = kt(floats(rng, S * F, dtype, 3), [S, F], dtype);
      out.push({ name: `gatherDot H=${H} ${dtype}`, op: 'gatherDot', inputs: [b, x, si, gi], outputs: [[E, H]], attrs: { heads: H } });
    }
    // SO(2) transport (GEM-CNN): rotating gather and rotating segment sum, L = 1 and 2, odd channel counts
    for (const [L, C] of [[1, 3], [2, 16]] as const) {
      const F = C * (2 * L + 1), B = 2 * L + 1;
      const coef = kt(floats(rng, E * B, dtype, 1), [E, B], dtype);
      const x = kt(floats(rng, R * F, dtype, 3), [R, F], dtype), m = kt(floats(rng, E * F, dtype, 3), [E, F], dtype);
      out.push({ name: `so2Gather L=${L} C=${C} ${dtype}`, op: 'so2Gather', inputs: [x, gi, coef], outputs: [[E, F]], attrs: { maxOrder: L } });
      out.push({ name: `so2SegmentSum L=${L} C=${C} ${dtype}`, op: 'so2SegmentSum', inputs: [m, coef, si], outputs: [[S, F]], attrs: { maxOrder: L, numSegments: S } });
    }
    // segment softmax: a narrow score range (the global-shift path) and a wide one with −∞ and a
    // NaN (the per-segment-max path), one and three columns; its gradient
    const wide = dtype === 'float32' ? 40 : 200;
    for (const C of [1, 3]) {
      for (const kind of ['narrow', 'wide'] as const) {
        const sc = kind === 'narrow' ? uniform(rng, E * C, dtype, -4, 4) : floats(rng, E * C, dtype, wide);
        if (kind === 'wide') { sc[5] = -Infinity; sc[17] = NaN; sc[40] = 1e4; }
        const x = kt(sc, [E, C], dtype);
        out.push({ name: `segmentSoftmax ${kind} C=${C} ${dtype}`, op: 'segmentSoftmax', inputs: [x, si], outputs: [[E, C]], attrs: { numSegments: S, sorted: false } });
      }
      const y = kt(uniform(rng, E * C, dtype, 0, 1), [E, C], dtype), gy = kt(floats(rng, E * C, dtype, 1), [E, C], dtype);
      out.push({ name: `segmentSoftmaxGrad C=${C} ${dtype}`, op: 'segmentSoftmaxGrad', inputs: [y, gy, si], outputs: [[E, C]], attrs: { numSegments: S, sorted: false } });
    }
  }
  // GEMM (row blocks over the threads; float32 and float64), convolutions (on the GEMM; float32
  // and float64), maps
  const rng = new Rng(303), d = 'float32' as const;
  out.push({ name: 'matmul', op: 'matmul', inputs: [kt(floats(rng, 301 * 70, d, 1), [301, 70], d), kt(floats(rng, 70 * 37, d, 1), [70, 37], d)], outputs: [[301, 37]], attrs: { transA: false, transB: false } });
  out.push({ name: 'matmul transposed, K > 256', op: 'matmul', inputs: [kt(floats(rng, 300 * 257, d, 1), [300, 257], d), kt(floats(rng, 33 * 300, d, 1), [33, 300], d)], outputs: [[257, 33]], attrs: { transA: true, transB: true } });
  for (const [tA, tB] of [[false, false], [true, true]]) { // the float64 GEMM (4×4 tile of f64x2), K > 256
    const dd = 'float64' as const, A = tA ? [300, 257] : [257, 300], B = tB ? [33, 300] : [300, 33];
    out.push({ name: `matmul float64 ${tA ? 'transposed' : 'plain'}`, op: 'matmul', inputs: [kt(floats(rng, 257 * 300, dd, 1), A, dd), kt(floats(rng, 300 * 33, dd, 1), B, dd)], outputs: [[257, 33]], attrs: { transA: tA, transB: tB } });
  }
  // convolutions: work units of (image, group, column block) for the forward and (image, group)
  // for the input gradient; for the weight gradient fixed chunks of images whose partial sums are
  // added in chunk order (37 images: 12 chunks of 3 and one of 1). The last case has three column
  // blocks per image (K = 27 → 1208 columns a block, 61 · 57 = 3477 columns).
  const convCases: [string, number[], number[], { stride: [number, number]; padding: [number, number]; dilation: [number, number]; groups: number }][] = [
    ['3×3 p1', [4, 5, 19, 17], [6, 5, 3, 3], { stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 1 }],
    ['37 images, stride 2, dilation 2, groups 2', [37, 6, 13, 11], [4, 3, 3, 2], { stride: [2, 1], padding: [2, 1], dilation: [2, 2], groups: 2 }],
    ['several column blocks per image', [2, 3, 61, 57], [5, 3, 3, 3], { stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 1 }],
    // 5×5: the forward's weight packed once over two depth blocks (K = 325 > 256) and two row
    // blocks (70 = 64 + 6 outputs, the last sliver half empty); then 5×5 per group (5 outputs a group)
    ['5×5 p2, K > 256, 70 outputs', [3, 13, 20, 18], [70, 13, 5, 5], { stride: [1, 1], padding: [2, 2], dilation: [1, 1], groups: 1 }],
    ['5×5 p2, groups 2', [2, 12, 15, 14], [10, 6, 5, 5], { stride: [1, 1], padding: [2, 2], dilation: [1, 1], groups: 2 }],
  ];
  // the float32 cases draw from `rng`, the float64 ones (the f64x2 tile, slivers of 4 columns)
  // from a generator of their own, so that adding them left the float32 inputs as they were
  const rng64 = new Rng(404);
  for (const [dc, r, suffix] of [[d, rng, ''], ['float64', rng64, ' float64']] as const) {
    for (const [label, xs, ws, at] of convCases) {
      const [N, C, H, W] = xs as [number, number, number, number], [O, , kh, kw] = ws as [number, number, number, number];
      const Ho = Math.floor((H + 2 * at.padding[0] - at.dilation[0] * (kh - 1) - 1) / at.stride[0]) + 1;
      const Wo = Math.floor((W + 2 * at.padding[1] - at.dilation[1] * (kw - 1) - 1) / at.stride[1]) + 1;
      const ys = [N, O, Ho, Wo];
      const size = (s: number[]): number => s.reduce((a, b) => a * b, 1);
      const cx = kt(floats(r, size(xs), dc, 1), xs, dc), cw = kt(floats(r, size(ws), dc, 1), ws, dc), cg = kt(floats(r, size(ys), dc, 1), ys, dc);
      out.push({ name: `conv2d ${label}${suffix}`, op: 'conv2d', inputs: [cx, cw], outputs: [ys], attrs: at });
      out.push({ name: `conv2dGradInput ${label}${suffix}`, op: 'conv2dGradInput', inputs: [cg, cw], outputs: [[N, C, H, W]], attrs: at });
      out.push({ name: `conv2dGradWeight ${label}${suffix}`, op: 'conv2dGradWeight', inputs: [cx, cg], outputs: [ws], attrs: at });
    }
  }
  const n = 10_007, xm = kt(floats(rng, n, d, 4), [n], d), gm = kt(floats(rng, n, d, 1), [n], d);
  for (const op of ['exp', 'sigmoid', 'silu']) out.push({ name: op, op, inputs: [xm], outputs: [[n]], attrs: {} });
  out.push({ name: 'siluGrad', op: 'siluGrad', inputs: [xm, gm], outputs: [[n]], attrs: {} });
  { // row kernels: softmax's gradient (float32), variance over the last axis, batch norm
    const rs = [97, 103], ym = kt(uniform(rng, 97 * 103, d, 0, 0.05), rs, d), gr = kt(floats(rng, 97 * 103, d, 1), rs, d);
    out.push({ name: 'softmaxGrad rows', op: 'softmaxGrad', inputs: [ym, gr], outputs: [rs], attrs: { axis: 1 } });
    // the column kernels: softmax family along a middle axis (a partial last unit of columns), logsumexp over a middle block
    const cs = [5, 41, 67], cx = kt(floats(rng, 5 * 41 * 67, d, 4), cs, d), cg = kt(floats(rng, 5 * 41 * 67, d, 1), cs, d);
    for (const op of ['softmax', 'logSoftmax']) out.push({ name: `${op} columns`, op, inputs: [cx], outputs: [cs], attrs: { axis: 1 } });
    for (const op of ['softmaxGrad', 'logSoftmaxGrad']) out.push({ name: `${op} columns`, op, inputs: [cx, cg], outputs: [cs], attrs: { axis: 1 } });
    out.push({ name: 'logsumexp columns', op: 'logsumexp', inputs: [cx], outputs: [[5, 67]], attrs: { axes: [1] } });
    out.push({ name: 'variance columns', op: 'variance', inputs: [cx], outputs: [[5, 67]], attrs: { axes: [1], correction: 1 } });
    for (const op of ['argmax', 'argmin']) out.push({ name: `${op} columns`, op, inputs: [cx], outputs: [[5, 67]], attrs: { axis: 1 } });
    // a kept axis between reduced ones: a permuted copy (split by runs), then rows
    const ss = [3, 7, 11, 131], sx = kt(floats(rng, 3 * 7 * 11 * 131, d, 2), ss, d);
    for (const op of ['sum', 'max', 'logsumexp']) out.push({ name: `${op} split axes`, op, inputs: [sx], outputs: [[7, 131]], attrs: { axes: [0, 2] } });
    out.push({ name: 'variance split axes', op: 'variance', inputs: [sx], outputs: [[7, 131]], attrs: { axes: [0, 2], correction: 1 } });
    out.push({ name: 'variance rows', op: 'variance', inputs: [gr], outputs: [[97]], attrs: { axes: [1], correction: 1 } });
    const bs = [6, 13, 131], bx = kt(floats(rng, 6 * 13 * 131, d, 2), bs, d), bg = kt(floats(rng, 6 * 13 * 131, d, 1), bs, d);
    const bw = kt(floats(rng, 13, d, 1), [13], d), bb = kt(floats(rng, 13, d, 1), [13], d);
    const bmu = kt(floats(rng, 13, d, 0.1), [13], d), bva = kt(uniform(rng, 13, d, 0.5, 2), [13], d);
    out.push({ name: 'batchNorm', op: 'batchNorm', inputs: [bx, bw, bb], outputs: [bs, [13], [13]], attrs: { eps: 1e-5, hasWeight: true, hasBias: true } });
    out.push({ name: 'batchNormGrad', op: 'batchNormGrad', inputs: [bx, bmu, bva, bg, bw], outputs: [bs, [13], [13]], attrs: { eps: 1e-5, hasWeight: true } });
  }
  // elementwise maps and reductions (src/backend/wasm/elementwise.ts): sums over fixed chunks of
  // 2^15 elements (a long row: 3 chunks and a tail), rows shorter than a chunk, maps and broadcasts
  for (const dt of ['float32', 'float64'] as const) {
    const r2 = new Rng(dt === 'float32' ? 404 : 505), L = 3 * 32768 + 5, M = 301, N = 37;
    const long = kt(floats(r2, L, dt, 3), [L], dt), mat = kt(floats(r2, M * N, dt, 3), [M, N], dt);
    const wide = kt(floats(r2, 2 * 40_001, dt, 3), [2, 40_001], dt);
    for (const op of ['sum', 'max', 'min']) {
      out.push({ name: `${op} all ${dt}`, op, inputs: [long], outputs: [[]], attrs: { axes: [0] } });
      out.push({ name: `${op} rows ${dt}`, op, inputs: [mat], outputs: [[M]], attrs: { axes: [1] } });
      out.push({ name: `${op} long rows ${dt}`, op, inputs: [wide], outputs: [[2]], attrs: { axes: [1] } });
    }
    out.push({ name: `sum leading axis ${dt}`, op: 'sum', inputs: [mat], outputs: [[N]], attrs: { axes: [0] } });
    out.push({ name: `sum middle axis ${dt}`, op: 'sum', inputs: [kt(mat.data, [7, 43, N], dt)], outputs: [[7, N]], attrs: { axes: [1] } });
    out.push({ name: `sum outer and inner axes ${dt}`, op: 'sum', inputs: [kt(mat.data, [7, 43, N], dt)], outputs: [[43]], attrs: { axes: [0, 2] } });
    out.push({ name: `max outer and inner axes ${dt}`, op: 'max', inputs: [kt(mat.data, [7, 43, N], dt)], outputs: [[43]], attrs: { axes: [0, 2] } });
    out.push({ name: `variance outer and inner axes ${dt}`, op: 'variance', inputs: [kt(mat.data, [7, 43, N], dt)], outputs: [[43]], attrs: { axes: [0, 2], correction: 1 } });
    out.push({ name: `max leading axis ${dt}`, op: 'max', inputs: [mat], outputs: [[N]], attrs: { axes: [0] } });
    out.push({ name: `min middle axis ${dt}`, op: 'min', inputs: [kt(mat.data, [7, 43, N], dt)], outputs: [[7, N]], attrs: { axes: [1] } });
    const y = kt(floats(r2, M * N, dt, 3), [M, N], dt), row = kt(floats(r2, N, dt, 1), [N], dt), col = kt(floats(r2, M, dt, 1), [M, 1], dt);
    for (const op of dt === 'float32' ? ['relu', 'sqrt', 'rsqrt', 'reciprocal', 'tanh', 'log', 'gelu'] : ['relu', 'sqrt', 'rsqrt', 'reciprocal', 'log', 'tanh']) out.push({ name: `${op} ${dt}`, op, inputs: [mat], outputs: [[M, N]], attrs: {} });
    out.push({ name: `add ${dt}`, op: 'add', inputs: [mat, y], outputs: [[M, N]], attrs: {} });
    out.push({ name: `mul row ${dt}`, op: 'mul', inputs: [mat, row], outputs: [[M, N]], attrs: {} });
    out.push({ name: `maximum col ${dt}`, op: 'maximum', inputs: [col, y], outputs: [[M, N]], attrs: {} });
    out.push({ name: `add middle block ${dt}`, op: 'add', inputs: [kt(floats(r2, 7 * M * N, dt, 1), [7, M, N], dt), col], outputs: [[7, M, N]], attrs: {} });
    out.push({ name: `where ${dt}`, op: 'where', inputs: [y, mat, y], outputs: [[M, N]], attrs: {} });
    out.push({ name: `where scalar ${dt}`, op: 'where', inputs: [y, mat, kt(floats(r2, 1, dt, 1), [], dt)], outputs: [[M, N]], attrs: {} });
  }
  return out;
}

/** Run one case on a kernel table; the outputs' bytes. */
export function runCase(kernels: Readonly<Record<string, Kernel>>, c: Case): Uint8Array[] {
  const dtype = c.inputs[0]!.dtype;
  const outs = c.outputs.map((shape) => kt(dtype === 'float32' ? new Float32Array(shape.reduce((a, b) => a * b, 1)) : new Float64Array(shape.reduce((a, b) => a * b, 1)), shape, dtype));
  kernels[c.op]!(c.inputs, outs, c.attrs);
  return outs.map((o) => new Uint8Array(o.data.buffer, o.data.byteOffset, o.data.byteLength));
}

/** SHA-256 (hex) of a case's output bytes. */
export function digest(bytes: readonly Uint8Array[]): string {
  const h = createHash('sha256');
  for (const b of bytes) h.update(b);
  return h.digest('hex');
}
