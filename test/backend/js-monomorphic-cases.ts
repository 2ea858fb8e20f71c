/**
 * Shared by test/backend/js-monomorphic.test.ts and its child process: kernel cases for the JS
 * backend's elementwise, reduction, scan and layout kernels, naive scalar references that perform
 * the kernels' operations in the kernels' order (one output element at a time, from multi-indices),
 * data rich in special values, and a bit-for-bit comparison.
 */
import { UNARY_FNS, BINARY_FNS } from '../../src/backend/js/elementwise.js';
import { sigmoid } from '../../src/backend/js/math.js';
import type { DType, Kernel, KernelTensor, TypedArray } from '../../src/backend/types.js';
import { allocArray, sizeOf } from '../../src/backend/types.js';
import { Rng } from '../../src/util/rng.js';

/** One kernel call: op, inputs, the output's shape and dtype, attrs. */
export interface KCase {
  op: string;
  ins: KernelTensor[];
  out: { shape: number[]; dtype: DType };
  attrs: Record<string, unknown>;
}

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];

const SPECIAL_F32 = [0, -0, NaN, Infinity, -Infinity, 1e-45, -1e-45, 1.1754942e-38, -5.877472e-39, 3.4e38, -3.4e38, 1, -1, 0.5, 2];
const SPECIAL_F64 = [0, -0, NaN, Infinity, -Infinity, 5e-324, -5e-324, 2.2250738585072e-308, -1e-310, 1e308, -1e308, 1, -1, 0.5, 2];
const SPECIAL_I32 = [0, 1, -1, 2, 2147483647, -2147483648, 65536, -65537];

const TIES = [0, -0, 1, -1, 2];

/**
 * n values of dtype `d`, drawn in one of three modes picked at random: about a third special values
 * (NaN of both signs, ±0, ±∞, subnormals, extremes) and the rest random; random values of mixed
 * magnitudes only (where rounding shows the order of operations); or few distinct values (0, −0, ±1,
 * 2: ties and signed zeros).
 */
export function values(rng: Rng, d: DType, n: number): TypedArray {
  const a = allocArray(d, n);
  const special = d === 'float32' ? SPECIAL_F32 : d === 'float64' ? SPECIAL_F64 : SPECIAL_I32;
  const mode = rng.uniform(), pSpecial = mode < 0.5 ? 0.35 : 0;
  for (let i = 0; i < n; i++) {
    if (mode >= 0.8) a[i] = TIES[rng.int(TIES.length)]!;
    else if (rng.uniform() < pSpecial) a[i] = special[rng.int(special.length)]!;
    else if (d === 'int32') a[i] = rng.int(2001) - 1000;
    else a[i] = rng.normal() * 10 ** (rng.int(9) - 4);
  }
  if (d !== 'int32') {
    // give some NaNs the sign bit (as x86 produces for 0/0)
    const w = new Int32Array(a.buffer, a.byteOffset, a.byteLength >> 2);
    for (let i = 0; i < n; i++) {
      if (a[i] === a[i] || rng.uniform() < 0.5) continue;
      if (d === 'float32') w[i] = 0xffc00000 | 0;
      else w[2 * i + 1] = 0xfff80000 | 0;
    }
  }
  return a;
}

/** Row-major strides. */
function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) s[d] = s[d + 1]! * shape[d + 1]!;
  return s;
}

/** The multi-index of flat index i in `shape`. */
function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d]!;
    i = Math.floor(i / shape[d]!);
  }
  return idx;
}

/** Flat offset in an operand of shape `shape` broadcast to the output multi-index `idx`. */
function bcastOffset(idx: readonly number[], shape: readonly number[]): number {
  const st = strides(shape), off = idx.length - shape.length;
  let p = 0;
  for (let d = 0; d < shape.length; d++) if (shape[d] !== 1) p += idx[d + off]! * st[d]!;
  return p;
}

/** The four-lane sum of the kernels: lanes j mod 4, the tail (len mod 4) into lane 0, (s0 + s1) + (s2 + s3). */
export function sum4(row: readonly number[]): number {
  const s = [0, 0, 0, 0];
  const body = row.length - (row.length % 4);
  for (let j = 0; j < body; j++) s[j % 4]! += row[j]!;
  for (let j = body; j < row.length; j++) s[0]! += row[j]!;
  return (s[0]! + s[1]!) + (s[2]! + s[3]!);
}

/** max (sgn 1) / min (sgn −1) of the kernels: four lanes of `v > m` over sgn·x, the tail into lane 0, Math.max of the lanes; any NaN gives NaN. */
function extreme4(row: readonly number[], sgn: number): number {
  const m = [-Infinity, -Infinity, -Infinity, -Infinity];
  let nan = false;
  const body = row.length - (row.length % 4);
  for (let j = 0; j < row.length; j++) {
    const v = sgn * row[j]!, lane = j < body ? j % 4 : 0;
    if (v > m[lane]!) m[lane] = v;
    if (v !== v) nan = true;
  }
  return nan ? NaN : sgn * Math.max(m[0]!, m[1]!, m[2]!, m[3]!);
}

/** argmax / argmin of the kernels: the first index wins on ties, the first NaN wins. */
function argOf(row: readonly number[], max: boolean): number {
  let best = 0, bv = row[0]!;
  for (let j = 1; j < row.length; j++) {
    if (bv !== bv) break;
    const v = row[j]!;
    if (max ? v > bv || v !== v : v < bv || v !== v) { bv = v; best = j; }
  }
  return best;
}

/** The rows (reduced elements in row-major order over the reduced axes) of x for each kept multi-index. */
function reducedRows(x: KernelTensor, axes: readonly number[]): number[][] {
  const shape = x.shape, st = strides(shape);
  const keep = shape.map((_, d) => d).filter((d) => !axes.includes(d));
  const kShape = keep.map((d) => shape[d]!), rShape = axes.map((d) => shape[d]!);
  const rows: number[][] = [];
  for (let i = 0; i < sizeOf(kShape); i++) {
    const ki = unravel(i, kShape), row: number[] = [];
    for (let j = 0; j < sizeOf(rShape); j++) {
      const ri = unravel(j, rShape);
      let p = 0;
      keep.forEach((d, k) => (p += ki[k]! * st[d]!));
      axes.forEach((d, k) => (p += ri[k]! * st[d]!));
      row.push(x.data[p]!);
    }
    rows.push(row);
  }
  return rows;
}

/** The naive reference result of a case. */
export function reference(c: KCase): TypedArray {
  const r = allocArray(c.out.dtype, sizeOf(c.out.shape));
  const oShape = c.out.shape;
  const [x, y, z] = c.ins;
  const uf = UNARY_FNS[c.op], bf = BINARY_FNS[c.op];
  if (uf) {
    const al = (c.attrs.alpha as number | undefined) ?? 0;
    for (let i = 0; i < r.length; i++) r[i] = uf(x!.data[i]!, al);
  } else if (bf) {
    for (let i = 0; i < r.length; i++) {
      const idx = unravel(i, oShape);
      r[i] = bf(x!.data[bcastOffset(idx, x!.shape)]!, y!.data[bcastOffset(idx, y!.shape)]!);
    }
  } else {
    switch (c.op) {
      case 'where':
        for (let i = 0; i < r.length; i++) {
          const idx = unravel(i, oShape);
          r[i] = x!.data[bcastOffset(idx, x!.shape)] !== 0 ? y!.data[bcastOffset(idx, y!.shape)]! : z!.data[bcastOffset(idx, z!.shape)]!;
        }
        break;
      case 'cast':
        for (let i = 0; i < r.length; i++) r[i] = c.out.dtype === 'int32' ? Math.trunc(x!.data[i]!) : x!.data[i]!;
        break;
      case 'siluGrad':
        for (let i = 0; i < r.length; i++) {
          const v = x!.data[i]!, s = sigmoid(v);
          r[i] = y!.data[i]! * s * (1 + v * (1 - s));
        }
        break;
      case 'sum': case 'prod': case 'max': case 'min': {
        const axes = c.attrs.axes as number[], nd = x!.shape.length;
        if (c.op === 'sum' && axes.length > 0 && axes.length < nd && axes.every((a, i) => a === i)) {
          // leading axes: out[j] += x[i, j] in order of i, rounded to the output's dtype at each step
          const width = r.length, len = x!.data.length / Math.max(width, 1);
          for (let j = 0; j < width; j++) for (let i = 0; i < len; i++) r[j]! += x!.data[i * width + j]!;
          break;
        }
        reducedRows(x!, axes).forEach((row, i) => {
          r[i] = c.op === 'sum' ? sum4(row) : c.op === 'prod' ? row.reduce((p, v) => p * v, 1) : extreme4(row, c.op === 'max' ? 1 : -1);
        });
        break;
      }
      case 'argmax': case 'argmin':
        reducedRows(x!, [c.attrs.axis as number]).forEach((row, i) => (r[i] = argOf(row, c.op === 'argmax')));
        break;
      case 'cumsum': case 'cumprod': {
        const ax = c.attrs.axis as number, rev = c.attrs.reverse === true, shape = x!.shape, st = strides(shape);
        for (let i = 0; i < r.length; i++) {
          const idx = unravel(i, shape);
          if (idx[ax] !== 0) continue; // one scan per line along the axis
          let acc = c.op === 'cumprod' ? 1 : 0;
          for (let s = 0; s < shape[ax]!; s++) {
            const k = rev ? shape[ax]! - 1 - s : s, p = i + k * st[ax]!;
            acc = c.op === 'cumprod' ? acc * x!.data[p]! : acc + x!.data[p]!;
            r[p] = acc;
          }
        }
        break;
      }
      case 'permute': {
        const perm = c.attrs.perm as number[], xs = strides(x!.shape);
        for (let i = 0; i < r.length; i++) {
          const idx = unravel(i, oShape);
          let p = 0;
          perm.forEach((pd, k) => (p += idx[k]! * xs[pd]!));
          r[i] = x!.data[p]!;
        }
        break;
      }
      case 'expand':
        for (let i = 0; i < r.length; i++) r[i] = x!.data[bcastOffset(unravel(i, oShape), x!.shape)]!;
        break;
      case 'concat': {
        const ax = c.attrs.axis as number;
        for (let i = 0; i < r.length; i++) {
          const idx = unravel(i, oShape);
          let k = idx[ax]!, t = 0;
          while (k >= c.ins[t]!.shape[ax]!) k -= c.ins[t++]!.shape[ax]!;
          const src = c.ins[t]!;
          const sidx = idx.slice();
          sidx[ax] = k;
          r[i] = src.data[bcastOffset(sidx, src.shape)]!;
        }
        break;
      }
      case 'dimMap': {
        const maps = c.attrs.maps as Int32Array[], xs = strides(x!.shape);
        for (let i = 0; i < r.length; i++) {
          const idx = unravel(i, oShape);
          let p = 0;
          maps.forEach((m, d) => (p += m[idx[d]!]! * xs[d]!));
          r[i] = x!.data[p]!;
        }
        break;
      }
      case 'dimMapScatter': {
        // r = fill, mapped positions set to 0 first (when fill ≠ 0), then r[map(i)] += g[i] in row-major order of g
        const maps = c.attrs.maps as Int32Array[], fill = c.attrs.fill as number, os = strides(oShape);
        const pos = (i: number): number => unravel(i, x!.shape).reduce((p, k, d) => p + maps[d]![k]! * os[d]!, 0);
        r.fill(fill);
        if (x!.shape.length === 0) { r[0] = x!.data[0]!; break; } // a 0-d gradient is assigned, not added
        if (fill !== 0) for (let i = 0; i < x!.data.length; i++) r[pos(i)] = 0;
        for (let i = 0; i < x!.data.length; i++) r[pos(i)]! += x!.data[i]!;
        break;
      }
      case 'copy':
        for (let i = 0; i < r.length; i++) r[i] = x!.data[i]!;
        break;
      default:
        throw new Error(`no reference for ${c.op}`);
    }
  }
  return r;
}

/** Run the case's kernel into a fresh output. */
export function runKernel(kernels: Readonly<Record<string, Kernel>>, c: KCase): TypedArray {
  const out = { data: allocArray(c.out.dtype, sizeOf(c.out.shape)), shape: c.out.shape, dtype: c.out.dtype };
  kernels[c.op]!(c.ins, [out], c.attrs);
  return out.data;
}

/**
 * The first element whose bytes differ between `got` and `want` (of one dtype and length), or −1.
 * A NaN counts as equal to any NaN (see the test file for why); every other value must match bit for bit.
 */
export function firstMismatch(got: TypedArray, want: TypedArray): number {
  if (got.constructor !== want.constructor || got.length !== want.length) return 0;
  const bpe = got.BYTES_PER_ELEMENT;
  const g = new Uint8Array(got.buffer, got.byteOffset, got.byteLength), w = new Uint8Array(want.buffer, want.byteOffset, want.byteLength);
  for (let i = 0; i < got.length; i++) {
    if (got[i] !== got[i] && want[i] !== want[i]) continue;
    for (let b = 0; b < bpe; b++) if (g[i * bpe + b] !== w[i * bpe + b]) return i;
  }
  return -1;
}

/** A tensor of dtype d and shape, with values from rng. */
export function tensor(rng: Rng, d: DType, shape: number[]): KernelTensor {
  return { data: values(rng, d, sizeOf(shape)), shape, dtype: d };
}

/** A shape that broadcasts to `out`: a suffix of it (dropping `drop` leading dims) with the dims where `ones` is set made 1. */
export function broadcastFrom(out: readonly number[], drop: number, ones: readonly boolean[]): number[] {
  return out.slice(Math.min(drop, out.length)).map((n, d) => (ones[d] ? 1 : n));
}

/**
 * A fixed battery of cases for every kernel and dtype (odd lengths, broadcasting, every reduction
 * path, block and strided permutes), from `seed`.
 */
export function battery(seed: number): KCase[] {
  const rng = new Rng(seed);
  const cs: KCase[] = [];
  const t = (d: DType, shape: number[]): KernelTensor => tensor(rng, d, shape);
  for (const d of DTYPES) {
    for (const op of Object.keys(UNARY_FNS)) cs.push({ op, ins: [t(d, [37])], out: { shape: [37], dtype: d }, attrs: { alpha: 0.3 } });
    for (const op of Object.keys(BINARY_FNS)) {
      for (const [sa, sb, so] of [[[5, 7], [5, 7], [5, 7]], [[5, 7], [], [5, 7]], [[1], [3, 5], [3, 5]], [[4, 1, 3], [2, 1], [4, 2, 3]], [[], [1, 1], [1, 1]]] as number[][][]) {
        cs.push({ op, ins: [t(d, sa!), t(d, sb!)], out: { shape: so!, dtype: d }, attrs: {} });
      }
    }
    for (const cd of DTYPES) cs.push({ op: 'where', ins: [t(cd, [3, 1]), t(d, [4]), t(d, [3, 4])], out: { shape: [3, 4], dtype: d }, attrs: {} });
    for (const od of DTYPES) cs.push({ op: 'cast', ins: [t(d, [23])], out: { shape: [23], dtype: od }, attrs: {} });
    cs.push({ op: 'siluGrad', ins: [t(d, [19]), t(d, [19])], out: { shape: [19], dtype: d }, attrs: {} });
    for (const op of ['sum', 'prod', 'max', 'min']) {
      for (const [shape, axes, out] of [[[3, 37], [1], [3]], [[37], [0], []], [[6, 5], [0], [5]], [[4, 5, 3], [1], [4, 3]], [[4, 5, 3], [0, 2], [5]], [[2, 3], [0, 1], []]] as number[][][]) {
        cs.push({ op, ins: [t(d, shape!)], out: { shape: out!, dtype: d }, attrs: { axes } });
      }
    }
    for (const op of ['argmax', 'argmin']) {
      cs.push({ op, ins: [t(d, [3, 17])], out: { shape: [3], dtype: 'int32' }, attrs: { axis: 1 } });
      cs.push({ op, ins: [t(d, [9, 4])], out: { shape: [4], dtype: 'int32' }, attrs: { axis: 0 } });
    }
    cs.push({ op: 'cumsum', ins: [t(d, [4, 9])], out: { shape: [4, 9], dtype: d }, attrs: { axis: 1 } });
    cs.push({ op: 'cumsum', ins: [t(d, [4, 9, 2])], out: { shape: [4, 9, 2], dtype: d }, attrs: { axis: 1, reverse: true } });
    cs.push({ op: 'cumprod', ins: [t(d, [5, 3])], out: { shape: [5, 3], dtype: d }, attrs: { axis: 0 } });
    cs.push({ op: 'permute', ins: [t(d, [7, 9])], out: { shape: [9, 7], dtype: d }, attrs: { perm: [1, 0] } });
    cs.push({ op: 'permute', ins: [t(d, [3, 4, 5])], out: { shape: [5, 3, 4], dtype: d }, attrs: { perm: [2, 0, 1] } });
    cs.push({ op: 'permute', ins: [t(d, [3, 2, 70])], out: { shape: [2, 3, 70], dtype: d }, attrs: { perm: [1, 0, 2] } });
    cs.push({ op: 'expand', ins: [t(d, [3, 1])], out: { shape: [2, 3, 5], dtype: d }, attrs: {} });
    cs.push({ op: 'concat', ins: [t(d, [3, 2]), t(d, [3, 5])], out: { shape: [3, 7], dtype: d }, attrs: { axis: 1 } });
    cs.push({ op: 'copy', ins: [t(d, [11])], out: { shape: [11], dtype: d }, attrs: {} });
    const maps = [new Int32Array([2, 0, 2]), new Int32Array([1, 2, 3, 4])];
    cs.push({ op: 'dimMap', ins: [t(d, [3, 6])], out: { shape: [3, 4], dtype: d }, attrs: { maps } });
    cs.push({ op: 'dimMap', ins: [t(d, [3, 6])], out: { shape: [3, 3], dtype: d }, attrs: { maps: [maps[0]!, new Int32Array([5, 0, 3])] } });
    cs.push({ op: 'dimMapScatter', ins: [t(d, [3, 4])], out: { shape: [3, 6], dtype: d }, attrs: { maps, fill: 0 } });
    cs.push({ op: 'dimMapScatter', ins: [t(d, [3, 3])], out: { shape: [3, 6], dtype: d }, attrs: { maps: [maps[0]!, new Int32Array([5, 0, 5])], fill: 2 } });
  }
  return cs;
}

/** A short hex digest of a result's bytes (FNV-1a), NaNs normalised to one pattern (as {@link firstMismatch} treats them). */
export function digest(a: TypedArray): string {
  const c = a.slice();
  for (let i = 0; i < c.length; i++) if (c[i] !== c[i]) c[i] = NaN;
  const b = new Uint8Array(c.buffer);
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i]!, 0x01000193) >>> 0;
  return `${c.constructor.name}:${c.length}:${h.toString(16)}`;
}
