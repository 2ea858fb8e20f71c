import { describe, expect, it } from 'vitest';
import { gemm, type FloatArray } from '../../src/backend/js/gemm.js';

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

/** Small deterministic PRNG (mulberry32) so failures are reproducible. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case {
  M: number; K: number; N: number;
  transA: boolean; transB: boolean; accumulate: boolean;
  aOff: number; bOff: number; cOff: number;
}

const GUARD = 12345.5;

/**
 * Runs `gemm` on random data placed at offsets inside larger arrays (guard values around them)
 * and compares with a naive float64 triple loop. Tolerance is relative to Σ|a||b| (+|c| when
 * accumulating), scaled by K and the dtype's epsilon.
 */
function check(ctor: Ctor, cs: Case, rand: () => number): void {
  const { M, K, N, transA, transB, accumulate, aOff, bOff, cOff } = cs;
  const tail = 3;
  const a = new ctor(aOff + M * K + tail).fill(GUARD);
  const b = new ctor(bOff + K * N + tail).fill(GUARD);
  const c = new ctor(cOff + M * N + tail).fill(GUARD);
  for (let i = 0; i < M * K; i++) a[aOff + i] = rand() * 2 - 1;
  for (let i = 0; i < K * N; i++) b[bOff + i] = rand() * 2 - 1;
  // Without accumulate, C's old contents must be ignored entirely (NaN included).
  for (let i = 0; i < M * N; i++) c[cOff + i] = accumulate ? rand() * 2 - 1 : NaN;
  const c0 = Float64Array.from(c);

  gemm(a, aOff, transA, b, bOff, transB, c, cOff, M, K, N, accumulate);

  const eps = ctor === Float32Array ? 1.2e-7 : 2.3e-16;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0, abs = 0;
      for (let k = 0; k < K; k++) {
        const av = transA ? a[aOff + k * M + i]! : a[aOff + i * K + k]!;
        const bv = transB ? b[bOff + j * K + k]! : b[bOff + k * N + j]!;
        s += av * bv;
        abs += Math.abs(av * bv);
      }
      const old = c0[cOff + i * N + j]!;
      if (accumulate) { s += old; abs += Math.abs(old); }
      const got = c[cOff + i * N + j]!;
      const tol = 4 * (K + 2) * eps * abs + 1e-300;
      if (!(Math.abs(got - s) <= tol)) {
        throw new Error(
          `${ctor.name} ${JSON.stringify(cs)}: C[${i},${j}] = ${got}, expected ${s} (tol ${tol})`,
        );
      }
    }
  }
  // Nothing outside the C window may change.
  for (let i = 0; i < cOff; i++) expect(c[i]).toBe(GUARD);
  for (let i = cOff + M * N; i < c.length; i++) expect(c[i]).toBe(GUARD);
}

const TRANS: [boolean, boolean][] = [[false, false], [false, true], [true, false], [true, true]];
const DTYPES: Ctor[] = [Float32Array, Float64Array];

/** Shapes covering the direct path, the blocked path, block-size remainders and degenerate dims. */
const SHAPES: [number, number, number][] = [
  [0, 0, 0], [0, 3, 4], [3, 0, 4], [3, 4, 0], [1, 1, 1], [1, 7, 1], [1, 1, 9], [9, 1, 1],
  // direct path (M·N·K < 256), incl. the row-axpy branch (N ≥ 16, B not transposed)
  [2, 3, 4], [4, 4, 4], [5, 5, 5], [2, 3, 20], [3, 2, 40],
  // packed path with ragged edges in M and N (not multiples of the 4×4 register tile)
  [6, 6, 6], [8, 8, 8], [17, 13, 19], [16, 16, 16], [33, 1, 33], [2, 2, 70], [70, 2, 2],
  [33, 34, 35], [37, 40, 41], [64, 64, 64], [66, 9, 67], [2, 200, 90], [90, 200, 2], [3, 100, 110],
  // K > KC (256): several K blocks, accumulation across them
  [9, 300, 15], [6, 513, 11],
  // M > MC (128)
  [131, 20, 14],
  // N > NC (2048)
  [5, 4, 2051],
  // single row / column but large (direct path)
  [1, 300, 200], [200, 300, 1], [1, 2000, 20],
];

describe('gemm', () => {
  it('matches a naive triple loop on many shapes, trans flags, dtypes, offsets', () => {
    const rand = rng(42);
    for (const ctor of DTYPES) {
      for (const [M, K, N] of SHAPES) {
        for (const [transA, transB] of TRANS) {
          for (const accumulate of [false, true]) {
            const off = (): number => Math.floor(rand() * 5);
            check(ctor, { M, K, N, transA, transB, accumulate, aOff: off(), bOff: off(), cOff: off() }, rand);
          }
        }
      }
    }
  });

  it('matches on random shapes', () => {
    const rand = rng(7);
    for (let t = 0; t < 120; t++) {
      const big = t % 3 === 0;
      const dim = (): number => Math.floor(rand() * (big ? 70 : 12));
      const [transA, transB] = TRANS[t % 4]!;
      check(DTYPES[t % 2]!, {
        M: dim(), K: dim(), N: dim(), transA, transB, accumulate: rand() < 0.5,
        aOff: Math.floor(rand() * 7), bOff: Math.floor(rand() * 7), cOff: Math.floor(rand() * 7),
      }, rand);
    }
  });

  it('float64 agrees with the naive loop to ~1e-15 relative', () => {
    const rand = rng(3);
    const M = 40, K = 700, N = 45;
    const a = new Float64Array(M * K).map(() => rand() + 0.5);
    const b = new Float64Array(K * N).map(() => rand() + 0.5);
    const c = new Float64Array(M * N);
    gemm(a, 0, false, b, 0, false, c, 0, M, K, N, false);
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += a[i * K + k]! * b[k * N + j]!;
        expect(Math.abs(c[i * N + j]! - s) / s).toBeLessThan(1e-14);
      }
    }
  });

  it('K = 0 zeroes C without accumulate and leaves it with accumulate', () => {
    for (const ctor of DTYPES) {
      const c = new ctor([1, 2, 3, 4, 5, 6, 7]);
      gemm(new ctor(0), 0, false, new ctor(0), 0, false, c, 1, 2, 0, 3, false);
      expect(Array.from(c)).toEqual([1, 0, 0, 0, 0, 0, 0]);
      const d = new ctor([1, 2, 3]);
      gemm(new ctor(0), 0, false, new ctor(0), 0, false, d, 0, 1, 0, 3, true);
      expect(Array.from(d)).toEqual([1, 2, 3]);
    }
  });

  it('propagates NaN and Infinity (no zero skipping), small and blocked paths', () => {
    for (const ctor of DTYPES) {
      for (const [M, K, N] of [[3, 3, 3], [40, 40, 40]] as const) {
        for (const [transA, transB] of TRANS) {
          const a = new ctor(M * K);
          const b = new ctor(K * N);
          // A is all zero except A(1, 2) = NaN; B(0, 0) = Inf; B(2, 1) = 1.
          const ai = (i: number, k: number): number => (transA ? k * M + i : i * K + k);
          const bi = (k: number, j: number): number => (transB ? j * K + k : k * N + j);
          a[ai(1, 2)] = NaN;
          b[bi(0, 0)] = Infinity;
          const c = new ctor(M * N);
          gemm(a, 0, transA, b, 0, transB, c, 0, M, K, N, false);
          for (let i = 0; i < M; i++) {
            for (let j = 0; j < N; j++) {
              const v = c[i * N + j]!;
              // Row 1 multiplies NaN into every column; column 0 has 0·Inf = NaN for every row.
              if (i === 1 || j === 0) expect(v).toBeNaN();
              else expect(v).toBe(0);
            }
          }
        }
      }
    }
  });

  it('accumulate adds into existing C (including NaN already in C)', () => {
    for (const ctor of DTYPES) {
      const M = 40, K = 30, N = 50;
      const a = new ctor(M * K).fill(1);
      const b = new ctor(K * N).fill(2);
      const c = new ctor(M * N).fill(0.5);
      c[7] = NaN;
      gemm(a, 0, false, b, 0, false, c, 0, M, K, N, true);
      for (let i = 0; i < M * N; i++) {
        if (i === 7) expect(c[i]).toBeNaN();
        else expect(c[i]).toBe(60.5);
      }
    }
  });

  it('batched use with offsets into shared buffers', () => {
    const rand = rng(11);
    for (const ctor of DTYPES) {
      const B = 3, M = 20, K = 33, N = 70;
      const a = new ctor(B * M * K).map(() => rand() - 0.5);
      const b = new ctor(B * K * N).map(() => rand() - 0.5);
      const c = new ctor(B * M * N);
      for (let t = 0; t < B; t++) gemm(a, t * M * K, false, b, t * K * N, false, c, t * M * N, M, K, N, false);
      for (let t = 0; t < B; t++) {
        const cc = new ctor(M * N);
        gemm(a.subarray(t * M * K) as FloatArray, 0, false, b.subarray(t * K * N) as FloatArray, 0, false, cc, 0, M, K, N, false);
        expect(Array.from(c.subarray(t * M * N, (t + 1) * M * N))).toEqual(Array.from(cc));
      }
    }
  });
});
