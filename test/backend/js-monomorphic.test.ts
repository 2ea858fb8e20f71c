/**
 * The JS backend's per-(op, dtype) loop copies (src/backend/js/specialise.ts) compute exactly what
 * naive scalar references performing the same operations in the same order compute: every
 * elementwise op (unary, binary on every broadcasting path, where, cast, siluGrad), every reduction
 * path (trailing rows, leading axes, transposed axes; sum's four accumulators, max/min's four
 * lanes), argmax/argmin, cumsum/cumprod, permute (blocked transpose, strided, block rows), expand,
 * concat, copy, dimMap and its scatter, in float32, float64 and int32, on special values (NaN of both signs, ±0, ±∞,
 * subnormals), odd lengths and broadcasting shapes. The same holds when code generation is refused,
 * both simulated in process and for real in a child process run with Node's
 * `--disallow-code-generation-from-strings` (as under a strict CSP).
 *
 * Values are compared bit for bit, except that any NaN matches any NaN: JavaScript leaves a NaN's
 * bit pattern to the engine, and V8 may swap the operands of a commutative `+`/`*` (x86 then returns
 * the first operand's NaN), so two NaN operands of different signs can give either one in any code,
 * old kernels included.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { BINARY_FNS, UNARY_FNS } from '../../src/backend/js/elementwise.js';
import { jsBackend } from '../../src/backend/js/backend.js';
import { Specialised, kindOf, setCodegen, specialiseStats } from '../../src/backend/js/specialise.js';
import type { DType } from '../../src/backend/types.js';
import { sizeOf } from '../../src/backend/types.js';
import { Rng } from '../../src/util/rng.js';
import { DTYPES, battery, broadcastFrom, digest, firstMismatch, reference, runKernel, sum4, tensor, type KCase } from './js-monomorphic-cases.js';

const K = jsBackend.kernels;

/** Run the kernel and the reference; report the first differing element. */
function check(c: KCase): void {
  const got = runKernel(K, c), want = reference(c);
  const i = firstMismatch(got, want);
  const shapes = c.ins.map((t) => `${t.dtype}[${t.shape.join(',')}]`).join(' ');
  expect(i, `${c.op} ${shapes} → ${c.out.dtype}[${c.out.shape.join(',')}] ${JSON.stringify(c.attrs)}: element ${i} = ${got[i]}, want ${want[i]}`).toBe(-1);
}

const dim = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 7 }) }, { weight: 1, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 30, max: 90 }) });
const shape = (minLength: number, maxLength: number): fc.Arbitrary<number[]> => fc.array(dim, { minLength, maxLength }).filter((s) => sizeOf(s) <= 20_000);
const dtype = fc.constantFrom<DType>(...DTYPES);
const seed = fc.integer({ min: 1, max: 2 ** 30 });
const bshape = fc.record({ drop: fc.integer({ min: 0, max: 4 }), ones: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }) });
const RUNS = { numRuns: 200 };

describe('JS kernels: per-dtype loop copies against naive references (property)', () => {
  it('unary ops, every dtype, odd lengths, special values', () => {
    fc.assert(fc.property(fc.constantFrom(...Object.keys(UNARY_FNS)), dtype, fc.integer({ min: 0, max: 131 }), fc.constantFrom(0.01, 0.3, -0.5, 1.5, 2, 3), seed, (op, d, n, alpha, s) => {
      check({ op, ins: [tensor(new Rng(s), d, [n])], out: { shape: [n], dtype: d }, attrs: { alpha } });
    }), RUNS);
  });

  it('binary ops on every path: same shape, scalar right, scalar left, general broadcasting', () => {
    fc.assert(fc.property(fc.constantFrom(...Object.keys(BINARY_FNS)), dtype, shape(0, 4), bshape, bshape, fc.constantFrom('bcast', 'same', 'right', 'left'), seed, (op, d, out, ba, bb, path, s) => {
      const rng = new Rng(s);
      const sa = path === 'left' ? [] : path === 'bcast' ? broadcastFrom(out, ba.drop, ba.ones) : out;
      const sb = path === 'right' ? [] : path === 'bcast' ? broadcastFrom(out, bb.drop, bb.ones) : out;
      check({ op, ins: [tensor(rng, d, sa), tensor(rng, d, sb)], out: { shape: out, dtype: d }, attrs: {} });
    }), RUNS);
  });

  it('where (condition of any dtype, NaN and −0 conditions included), cast between every dtype pair, siluGrad', () => {
    fc.assert(fc.property(dtype, dtype, shape(0, 4), bshape, bshape, bshape, seed, (cd, d, out, bc, ba, bb, s) => {
      const rng = new Rng(s);
      const ins = [tensor(rng, cd, broadcastFrom(out, bc.drop, bc.ones)), tensor(rng, d, broadcastFrom(out, ba.drop, ba.ones)), tensor(rng, d, broadcastFrom(out, bb.drop, bb.ones))];
      check({ op: 'where', ins, out: { shape: out, dtype: d }, attrs: {} });
      check({ op: 'cast', ins: [tensor(rng, cd, out)], out: { shape: out, dtype: d }, attrs: {} });
      check({ op: 'siluGrad', ins: [tensor(rng, d, out), tensor(rng, d, out)], out: { shape: out, dtype: d }, attrs: {} });
    }), RUNS);
  });

  it('reductions over any axes (trailing rows, leading axes, transposed), argmax/argmin', () => {
    fc.assert(fc.property(fc.constantFrom('sum', 'prod', 'max', 'min'), dtype, shape(1, 4), fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), seed, (op, d, sh, pick, s) => {
      const rng = new Rng(s);
      const axes = sh.map((_, i) => i).filter((i) => pick[i]);
      const out = sh.filter((_, i) => !axes.includes(i));
      const x = tensor(rng, d, sh);
      check({ op, ins: [x], out: { shape: out, dtype: d }, attrs: { axes } });
      const axis = rng.int(sh.length);
      if (sh[axis] === 0) return;
      for (const arg of ['argmax', 'argmin']) check({ op: arg, ins: [x], out: { shape: sh.filter((_, i) => i !== axis), dtype: 'int32' }, attrs: { axis } });
    }), RUNS);
  });

  it('cumsum (forward and reverse) and cumprod along any axis', () => {
    fc.assert(fc.property(fc.constantFrom('cumsum', 'cumprod'), dtype, shape(1, 4), fc.boolean(), seed, (op, d, sh, reverse, s) => {
      const rng = new Rng(s);
      const axis = rng.int(sh.length);
      check({ op, ins: [tensor(rng, d, sh)], out: { shape: sh, dtype: d }, attrs: op === 'cumsum' ? { axis, reverse } : { axis } });
    }), RUNS);
  });

  it('permute (any permutation: blocked 2-D transpose, strided rows, whole-row blocks), expand, concat, copy', () => {
    fc.assert(fc.property(dtype, shape(0, 4), bshape, fc.integer({ min: 1, max: 3 }), seed, (d, sh, bx, parts, s) => {
      const rng = new Rng(s);
      const perm = sh.map((_, i) => i);
      for (let i = perm.length - 1; i > 0; i--) { const j = rng.int(i + 1); [perm[i], perm[j]] = [perm[j]!, perm[i]!]; }
      const x = tensor(rng, d, sh);
      check({ op: 'permute', ins: [x], out: { shape: perm.map((p) => sh[p]!), dtype: d }, attrs: { perm } });
      check({ op: 'expand', ins: [tensor(rng, d, broadcastFrom(sh, bx.drop, bx.ones))], out: { shape: sh, dtype: d }, attrs: {} });
      check({ op: 'copy', ins: [x], out: { shape: sh, dtype: d }, attrs: {} });
      if (sh.length === 0) return;
      const axis = rng.int(sh.length);
      const ins = Array.from({ length: parts }, () => tensor(rng, d, sh.map((n, i) => (i === axis ? rng.int(5) : n))));
      check({ op: 'concat', ins, out: { shape: sh.map((n, i) => (i === axis ? ins.reduce((t, a) => t + a.shape[axis]!, 0) : n)), dtype: d }, attrs: { axis } });
    }), RUNS);
  });

  it('dimMap (slice, flip, roll, gathers with repeats) and its scatter adjoint (duplicates accumulate; zero and non-zero fill)', () => {
    const mapsArb = shape(0, 4).chain((sh) => fc.tuple(fc.constant(sh), fc.tuple(...sh.map((n) => (n === 0
      ? fc.constant<number[]>([])
      : fc.oneof(
        fc.array(fc.integer({ min: 0, max: n - 1 }), { maxLength: 7 }),
        fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: 80 })).map(([s0, len]) => Array.from({ length: Math.min(len, n - s0) }, (_, j) => s0 + j)),
        fc.constant(Array.from({ length: n }, (_, j) => n - 1 - j)),
      ))))));
    fc.assert(fc.property(dtype, mapsArb, fc.constantFrom(0, 2, -0.5), seed, (d, [sh, ms], fill, s) => {
      const rng = new Rng(s);
      const maps = ms.map((m) => Int32Array.from(m));
      const mshape = ms.map((m) => m.length);
      check({ op: 'dimMap', ins: [tensor(rng, d, sh)], out: { shape: mshape, dtype: d }, attrs: { maps } });
      check({ op: 'dimMapScatter', ins: [tensor(rng, d, mshape)], out: { shape: sh, dtype: d }, attrs: { maps, fill } });
    }), RUNS);
  });

  it('the fixed battery (every op and dtype) matches, and its loops were compiled copies, not the shared fallback', () => {
    for (const c of battery(11)) check(c);
    const st = specialiseStats();
    expect(st.forbidden).toBe(false);
    expect(st.fallbacks).toBe(0);
    expect(st.compiled).toBeGreaterThan(100);
  });
});

describe('Specialised: the per-dtype table of loop copies', () => {
  const factory = (k: number) => (a: Float64Array) => a[0]! * k;

  it('compiles one copy per class combination, lazily, and caches it; each copy is distinct code bound to the env', () => {
    const t = new Specialised('test:scale', factory, [3]);
    const c0 = specialiseStats().compiled;
    const f0 = t.get(0);
    expect(specialiseStats().compiled).toBe(c0 + 1);
    expect(t.get(0)).toBe(f0);
    expect(specialiseStats().compiled).toBe(c0 + 1);
    const f1 = t.get(1);
    expect(f1).not.toBe(f0);
    expect(specialiseStats().compiled).toBe(c0 + 2);
    expect(f0(new Float64Array([2]))).toBe(6);
    expect(f1(new Float64Array([2]))).toBe(6);
  });

  it('kindOf numbers the three array classes 0, 1, 2', () => {
    expect([new Float32Array(1), new Float64Array(1), new Int32Array(1)].map(kindOf)).toEqual([0, 1, 2]);
  });

  it('a factory whose text fails standalone (a free variable read when it runs) falls back for that table only, code generation staying allowed', () => {
    const outer = 5;
    const t = new Specialised('test:free-variable', () => { const m = outer; return (a: Float64Array) => a[0]! * m; }, []);
    const fb = specialiseStats().fallbacks;
    expect(t.get(0)(new Float64Array([2]))).toBe(10); // the copy threw ReferenceError (outer); this is the factory itself
    expect(specialiseStats().fallbacks).toBe(fb + 1);
    expect(specialiseStats().forbidden).toBe(false);
  });
});

describe('the comparison itself', () => {
  it('fails on a corrupted output: one flipped bit in one element, for every dtype', () => {
    for (const d of DTYPES) {
      const c: KCase = { op: 'add', ins: [tensor(new Rng(3), d, [5, 7]), tensor(new Rng(4), d, [7])], out: { shape: [5, 7], dtype: d }, attrs: {} };
      const got = runKernel(K, c), want = reference(c);
      expect(firstMismatch(got, want)).toBe(-1);
      let k = 0;
      while (got[k] !== got[k]) k++; // a non-NaN element
      const bytes = new Uint8Array(got.buffer, got.byteOffset + k * got.BYTES_PER_ELEMENT, 1);
      bytes[0]! ^= 1; // the lowest mantissa (or integer) bit
      expect(firstMismatch(got, want)).toBe(k);
    }
  });

  it('fails when the order of operations differs: a left-to-right sum is not the kernels’ four-lane sum', () => {
    const x = new Float64Array([1e100, 1, -1e100, 1]);
    const c: KCase = { op: 'sum', ins: [{ data: x, shape: [4], dtype: 'float64' }], out: { shape: [], dtype: 'float64' }, attrs: { axes: [0] } };
    const got = runKernel(K, c);
    expect(got[0]).toBe(sum4([...x])); // (1e100 + (−1e100)) + (1 + 1)… lanes: (1e100 + 1) + (−1e100 + 1) = 0
    expect(got[0]).toBe(0);
    const leftToRight = new Float64Array([x.reduce((s, v) => s + v, 0)]);
    expect(leftToRight[0]).toBe(1);
    expect(firstMismatch(got, leftToRight)).toBe(0);
  });

  it('tells ±0 apart and float32 rounding apart', () => {
    expect(firstMismatch(new Float64Array([0]), new Float64Array([-0]))).toBe(0);
    expect(firstMismatch(new Float32Array([1 + 2 ** -23]), new Float32Array([1]))).toBe(0);
    expect(firstMismatch(new Float32Array([NaN, 1]), new Float32Array([-NaN, 1]))).toBe(-1);
    expect(firstMismatch(new Float32Array([NaN]), new Float32Array([0]))).toBe(0);
  });
});

describe('without code generation (strict CSP)', () => {
  afterAll(() => setCodegen());

  it('refused in process: every kernel falls back to the shared loops and gives the same results', () => {
    const compiledDigests = battery(5).map((c) => digest(runKernel(K, c)));
    const before = specialiseStats();
    setCodegen(() => { throw new EvalError('Code generation from strings disallowed for this context'); });
    try {
      const cs = battery(5);
      for (const c of cs) check(c);
      expect(cs.map((c) => digest(runKernel(K, c)))).toEqual(compiledDigests);
      const st = specialiseStats();
      expect(st.forbidden).toBe(true);
      expect(st.fallbacks).toBeGreaterThan(before.fallbacks + 100);
      expect(st.compiled).toBe(before.compiled);
    } finally {
      setCodegen();
    }
    // restored: the next calls compile copies again
    runKernel(K, battery(6)[0]!);
    expect(specialiseStats().forbidden).toBe(false);
    expect(specialiseStats().compiled).toBe(before.compiled + 1);
  });

  it('refused for real (node --disallow-code-generation-from-strings): same digests as the compiled copies here', () => {
    const child = fileURLToPath(new URL('./js-monomorphic-child.ts', import.meta.url));
    const out = execFileSync(process.execPath, ['--disallow-code-generation-from-strings', '--import', 'tsx', child], { encoding: 'utf8' });
    const res = JSON.parse(out.trim().split('\n').pop()!) as { evalRefused: boolean; stats: ReturnType<typeof specialiseStats>; digests: string[] };
    expect(res.evalRefused).toBe(true);
    expect(res.stats.forbidden).toBe(true);
    expect(res.stats.compiled).toBe(0);
    expect(res.digests).toEqual(battery(9).map((c) => digest(runKernel(K, c))));
  }, 120_000);
});
