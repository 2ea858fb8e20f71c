/**
 * erlangen's WebAssembly SIMD kernels (AssemblyScript), the message-passing hot loops of the `cpu`
 * backend: CSR gather-sums (SpMM), per-edge dot products (SDDMM) and segment softmax, for float32
 * (f32x4) and float64 (f64x2). Built by `npm run build:wasm` into src/backend/wasm/binary.ts;
 * src/backend/wasm/kernels.ts holds the contracts (the same as the JS reference kernels of
 * src/backend/js/segment-fused.ts and segment.ts) and calls these.
 *
 * Conventions: every pointer is a byte offset into the module's (imported) memory; `rowptr[S + 1]`
 * is a CSR of segments over positions k, `rows[k]` the row of the input read at position k. A
 * segment's positions are visited in ascending order, so float sums over edges round exactly as
 * the reference's ascending scatter does.
 */

// ------------------------------------------------------------------ generic SIMD helpers

@inline function vzero(): v128 { return i32x4.splat(0); }
@inline function vadd<T>(a: v128, b: v128): v128 { return sizeof<T>() == 4 ? f32x4.add(a, b) : f64x2.add(a, b); }
@inline function vmul<T>(a: v128, b: v128): v128 { return sizeof<T>() == 4 ? f32x4.mul(a, b) : f64x2.mul(a, b); }
@inline function vsplat<T>(x: T): v128 {
  if (sizeof<T>() == 4) return f32x4.splat(<f32>x);
  return f64x2.splat(<f64>x);
}
@inline function hsum<T>(v: v128): T {
  if (sizeof<T>() == 4) {
    return <T>(f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
  }
  return <T>(f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1));
}
@inline function ld32(p: usize, k: i32): i32 { return load<i32>(p + (<usize>k << 2)); }
/** 16 bytes below the worker pool's control slots (at 32768) where prefetching loads are folded (never read). */
const SINK: usize = 32704;

// ------------------------------------------------------------------ index helpers

/** out[k] = gather[perm[k]] for k ∈ [k0, k1) (composes a gather index with a CSR permutation). */
export function compose(gather: usize, perm: usize, k0: i32, k1: i32, out: usize): void {
  for (let k = k0; k < k1; k++) store<i32>(out + (<usize>k << 2), ld32(gather, ld32(perm, k)));
}

function permuteRows<T>(src: usize, C: i32, perm: usize, k0: i32, k1: i32, dst: usize): void {
  const rb = <usize>C * sizeof<T>();
  if (C == 1) {
    for (let k = k0; k < k1; k++) store<T>(dst + <usize>k * rb, load<T>(src + <usize>ld32(perm, k) * rb));
  } else {
    for (let k = k0; k < k1; k++) memory.copy(dst + <usize>k * rb, src + <usize>ld32(perm, k) * rb, rb);
  }
}
/** dst[k, :] = src[perm[k], :] for k ∈ [k0, k1), rows of C values (float32). */
export function permuteRowsF32(src: usize, C: i32, perm: usize, k0: i32, k1: i32, dst: usize): void { permuteRows<f32>(src, C, perm, k0, k1, dst); }
/** dst[k, :] = src[perm[k], :] for k ∈ [k0, k1), rows of C values (float64). */
export function permuteRowsF64(src: usize, C: i32, perm: usize, k0: i32, k1: i32, dst: usize): void { permuteRows<f64>(src, C, perm, k0, k1, dst); }

// ------------------------------------------------------------------ SpMM: gather + (weighted) segment sum

/**
 * Software prefetch for the gather-sums (wasm has no prefetch instruction): load every cache line of
 * the rows at positions [k0, k1) — the next segment's — so that their misses overlap while the
 * current segment is summed from cache. Only for rows of 4 or 2 lines (256 / 128 bytes, e.g. 64 or
 * 32 float32 features), written out flat: a loop over the lines made the whole kernel slower, and
 * the flat form is ≈ 10–15% faster than no prefetch on random graphs (docs/design/wasm-kernels.md).
 * The loaded values are folded into one 16-byte store below the control slots (never read).
 */
function touch4(x: usize, rows: usize, k0: i32, k1: i32): void {
  let d = vzero();
  for (let k = k0; k < k1; k++) {
    const b = x + (<usize>ld32(rows, k) << 8);
    d = v128.or(d, v128.or(v128.or(v128.load(b, 0), v128.load(b, 64)), v128.or(v128.load(b, 128), v128.load(b, 192))));
  }
  v128.store(SINK, d);
}
/** {@link touch4} for rows of 2 lines (128 bytes). */
function touch2(x: usize, rows: usize, k0: i32, k1: i32): void {
  let d = vzero();
  for (let k = k0; k < k1; k++) {
    const b = x + (<usize>ld32(rows, k) << 7);
    d = v128.or(d, v128.or(v128.load(b, 0), v128.load(b, 64)));
  }
  v128.store(SINK, d);
}

/**
 * out[s, h, :] = Σ_{k ∈ [rowptr[s], rowptr[s+1])} w[k, h] · x[rows[k], h, :] for s ∈ [s0, s1), rows
 * of F values in H heads of D = F / H; w = 0 means unweighted (all ones). Register-blocked: 8 vector
 * accumulators (128 bytes of the output row) over the segment's positions, one store.
 */
function gsum<T>(x: usize, F: i32, H: i32, rows: usize, w: usize, rowptr: usize, s0: i32, s1: i32, out: usize): void {
  const rb = <usize>F * sizeof<T>();
  const D = F / H;
  const db = <usize>D * sizeof<T>();
  for (let s = s0; s < s1; s++) {
    const st = ld32(rowptr, s), en = ld32(rowptr, s + 1);
    if (rb == 256 && s + 1 < s1) touch4(x, rows, en, ld32(rowptr, s + 2));
    else if (rb == 128 && s + 1 < s1) touch2(x, rows, en, ld32(rowptr, s + 2));
    const o = out + <usize>s * rb;
    for (let h = 0; h < H; h++) {
      const hb = <usize>h * db;
      let jb: usize = 0;
      for (; jb + 128 <= db; jb += 128) {
        let a0 = vzero(), a1 = vzero(), a2 = vzero(), a3 = vzero(), a4 = vzero(), a5 = vzero(), a6 = vzero(), a7 = vzero();
        for (let k = st; k < en; k++) {
          const b = x + <usize>ld32(rows, k) * rb + hb + jb;
          if (w) {
            const c = vsplat<T>(load<T>(w + (<usize>k * <usize>H + <usize>h) * sizeof<T>()));
            a0 = vadd<T>(a0, vmul<T>(c, v128.load(b, 0))); a1 = vadd<T>(a1, vmul<T>(c, v128.load(b, 16)));
            a2 = vadd<T>(a2, vmul<T>(c, v128.load(b, 32))); a3 = vadd<T>(a3, vmul<T>(c, v128.load(b, 48)));
            a4 = vadd<T>(a4, vmul<T>(c, v128.load(b, 64))); a5 = vadd<T>(a5, vmul<T>(c, v128.load(b, 80)));
            a6 = vadd<T>(a6, vmul<T>(c, v128.load(b, 96))); a7 = vadd<T>(a7, vmul<T>(c, v128.load(b, 112)));
          } else {
            a0 = vadd<T>(a0, v128.load(b, 0)); a1 = vadd<T>(a1, v128.load(b, 16));
            a2 = vadd<T>(a2, v128.load(b, 32)); a3 = vadd<T>(a3, v128.load(b, 48));
            a4 = vadd<T>(a4, v128.load(b, 64)); a5 = vadd<T>(a5, v128.load(b, 80));
            a6 = vadd<T>(a6, v128.load(b, 96)); a7 = vadd<T>(a7, v128.load(b, 112));
          }
        }
        const ob = o + hb + jb;
        v128.store(ob, a0, 0); v128.store(ob, a1, 16); v128.store(ob, a2, 32); v128.store(ob, a3, 48);
        v128.store(ob, a4, 64); v128.store(ob, a5, 80); v128.store(ob, a6, 96); v128.store(ob, a7, 112);
      }
      for (; jb + 16 <= db; jb += 16) {
        let a0 = vzero();
        for (let k = st; k < en; k++) {
          const v = v128.load(x + <usize>ld32(rows, k) * rb + hb + jb);
          a0 = vadd<T>(a0, w ? vmul<T>(vsplat<T>(load<T>(w + (<usize>k * <usize>H + <usize>h) * sizeof<T>())), v) : v);
        }
        v128.store(o + hb + jb, a0);
      }
      for (; jb < db; jb += sizeof<T>()) {
        let a: T = <T>0;
        for (let k = st; k < en; k++) {
          const v = load<T>(x + <usize>ld32(rows, k) * rb + hb + jb);
          a += w ? load<T>(w + (<usize>k * <usize>H + <usize>h) * sizeof<T>()) * v : v;
        }
        store<T>(o + hb + jb, a);
      }
    }
  }
}
/** float32 {@link gsum}. */
export function gsumF32(x: usize, F: i32, H: i32, rows: usize, w: usize, rowptr: usize, s0: i32, s1: i32, out: usize): void {
  gsum<f32>(x, F, H, rows, w, rowptr, s0, s1, out);
}
/** float64 {@link gsum}. */
export function gsumF64(x: usize, F: i32, H: i32, rows: usize, w: usize, rowptr: usize, s0: i32, s1: i32, out: usize): void {
  gsum<f64>(x, F, H, rows, w, rowptr, s0, s1, out);
}

// ------------------------------------------------------------------ SDDMM: per-edge dot products

/** out[e, h] = Σ_d a[ia[e], h, d] · b[ib[e], h, d] for e ∈ [e0, e1), rows of F values in H heads. */
function gdot<T>(a: usize, b: usize, F: i32, H: i32, ia: usize, ib: usize, e0: i32, e1: i32, out: usize): void {
  const rb = <usize>F * sizeof<T>();
  const db = <usize>(F / H) * sizeof<T>();
  for (let e = e0; e < e1; e++) {
    const pa = a + <usize>ld32(ia, e) * rb, pb = b + <usize>ld32(ib, e) * rb;
    for (let h = 0; h < H; h++) {
      const hb = <usize>h * db;
      let acc0 = vzero(), acc1 = vzero();
      let jb: usize = 0;
      for (; jb + 32 <= db; jb += 32) {
        acc0 = vadd<T>(acc0, vmul<T>(v128.load(pa + hb + jb), v128.load(pb + hb + jb)));
        acc1 = vadd<T>(acc1, vmul<T>(v128.load(pa + hb + jb, 16), v128.load(pb + hb + jb, 16)));
      }
      for (; jb + 16 <= db; jb += 16) acc0 = vadd<T>(acc0, vmul<T>(v128.load(pa + hb + jb), v128.load(pb + hb + jb)));
      let r: T = hsum<T>(vadd<T>(acc0, acc1));
      for (; jb < db; jb += sizeof<T>()) r += load<T>(pa + hb + jb) * load<T>(pb + hb + jb);
      store<T>(out + (<usize>e * <usize>H + <usize>h) * sizeof<T>(), r);
    }
  }
}
/** float32 {@link gdot}. */
export function gdotF32(a: usize, b: usize, F: i32, H: i32, ia: usize, ib: usize, e0: i32, e1: i32, out: usize): void {
  gdot<f32>(a, b, F, H, ia, ib, e0, e1, out);
}
/** float64 {@link gdot}. */
export function gdotF64(a: usize, b: usize, F: i32, H: i32, ia: usize, ib: usize, e0: i32, e1: i32, out: usize): void {
  gdot<f64>(a, b, F, H, ia, ib, e0, e1, out);
}

// ------------------------------------------------------------------ segment softmax

/**
 * exp on 4 float32 lanes (Cephes expf: x = n ln 2 + r with n = round(x / ln 2) by the 1.5·2²³
 * magic-add trick, which also yields n's integer bits; a degree-7 polynomial in r; then 2^n as
 * 2^⌊n/2⌋ · 2^(n − ⌊n/2⌋) from exponent bits, so overflow gives +∞ and underflow rounds through
 * the subnormals to 0). Relative error ≈ 1e-7; exp(−∞) = 0; NaN stays NaN.
 */
@inline function expF32x4(v: v128): v128 {
  const magic = f32x4.splat(12582912.0);
  // pmin / pmax (b < a ? b : a) are one x64 instruction each, where min / max take several for
  // their NaN and ±0 rules; with these constant bounds they give the same lanes (a NaN stays NaN)
  let x = f32x4.pmin(v, f32x4.splat(88.8));
  x = f32x4.pmax(x, f32x4.splat(-104.0));
  const t = f32x4.add(f32x4.mul(x, f32x4.splat(1.44269504088896341)), magic);
  const fx = f32x4.sub(t, magic);
  x = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(0.693359375)));
  x = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(-2.12194440e-4)));
  const z = f32x4.mul(x, x);
  let y = f32x4.splat(1.9875691500e-4);
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(1.3981999507e-3));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(8.3334519073e-3));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(4.1665795894e-2));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(1.6666665459e-1));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(5.0000001201e-1));
  y = f32x4.add(f32x4.add(f32x4.mul(y, z), x), f32x4.splat(1.0));
  const n = i32x4.sub(t, i32x4.splat(0x4b400000));
  const n1 = i32x4.shr_s(n, 1), n2 = i32x4.sub(n, n1);
  const bias = i32x4.splat(127);
  return f32x4.mul(f32x4.mul(y, i32x4.shl(i32x4.add(n1, bias), 23)), i32x4.shl(i32x4.add(n2, bias), 23));
}

/**
 * {@link expF32x4}'s constants as float32 — log₂e, the magic 1.5·2²³, ln 2 in two parts, p₀…p₅,
 * 1 — and the bound test's two int32 (the |x| mask, 87.0's bits). Kernels read them once per call
 * into locals ({@link expKonst}) and pass them to {@link expFastF32x4}: V8 rebuilds a v128 constant
 * with three instructions at each use inside a loop, and an exp has thirteen.
 */
const EXP_K = memory.data<f32>([1.44269504088896341, 12582912.0, 0.693359375, -2.12194440e-4, 1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1, 1.0]);
const EXP_BOUND = memory.data<i32>([0x7fffffff, 0x42ae0000]);

/** Constant k of {@link EXP_K} (k < 11) or of {@link EXP_BOUND} (k = 11, 12) as a vector. */
@inline function expKonst(k: i32): v128 {
  return k < 11 ? v128.load32_splat(EXP_K + (<usize>k << 2)) : v128.load32_splat(EXP_BOUND + (<usize>(k - 11) << 2));
}

/**
 * Lanes where {@link expFastF32x4} does not apply: |x| > 87 or NaN (the sign-cleared bits above
 * 87.0's, as integers). `abs`, `lim`: constants 11, 12 of {@link expKonst}.
 */
@inline function expOutside(v: v128, abs: v128, lim: v128): v128 { return i32x4.gt_s(v128.and(v, abs), lim); }

/** Whether any lane of four vectors is outside {@link expFastF32x4}'s range (see {@link expOutside}). */
@inline function expOutside4(a: v128, b: v128, c: v128, d: v128, abs: v128, lim: v128): bool {
  return v128.any_true(v128.or(v128.or(expOutside(a, abs, lim), expOutside(b, abs, lim)), v128.or(expOutside(c, abs, lim), expOutside(d, abs, lim))));
}

/**
 * {@link expF32x4} for lanes with |x| ≤ 87, the same bits: the clamps change nothing there, and
 * e^x ∈ [1.6·10⁻³⁸, 6.1·10³⁷] is a normal float32, so y · 2ⁿ — which {@link expF32x4} forms as two
 * exact scalings — is y's bits plus n in the exponent field; n·2²³ is the magic sum t's bits
 * shifted by 23 (t = 0x4b400000 + n as bits, and 0x4b400000·2²³ ≡ 0 mod 2³²). Two integer ops
 * instead of two clamps, six integer ops and two products: 10M exps 8.9 → 6.9 ms on one thread
 * (with the constants in locals).
 */
@inline function expFastF32x4(v: v128, l2e: v128, magic: v128, c1: v128, c2: v128, p0: v128, p1: v128, p2: v128, p3: v128, p4: v128, p5: v128, one: v128): v128 {
  const t = f32x4.add(f32x4.mul(v, l2e), magic);
  const fx = f32x4.sub(t, magic);
  let x = f32x4.sub(v, f32x4.mul(fx, c1));
  x = f32x4.sub(x, f32x4.mul(fx, c2));
  const z = f32x4.mul(x, x);
  let y = f32x4.add(f32x4.mul(p0, x), p1);
  y = f32x4.add(f32x4.mul(y, x), p2);
  y = f32x4.add(f32x4.mul(y, x), p3);
  y = f32x4.add(f32x4.mul(y, x), p4);
  y = f32x4.add(f32x4.mul(y, x), p5);
  y = f32x4.add(f32x4.add(f32x4.mul(y, z), x), one);
  return i32x4.add(y, i32x4.shl(t, 23));
}

/**
 * exp of one float32 by the same polynomial as {@link expF32x4} (lane 0 of a splat): the scalar
 * tails of the SIMD loops use it, so an element gets the same bits whether it falls in a vector
 * block or in a tail — chunk boundaries (which depend on the thread count) never change results.
 */
@inline function expF32s(x: f32): f32 { return f32x4.extract_lane(expF32x4(f32x4.splat(x)), 0); }

/** t[i] = exp(t[i]) for i ∈ [0, n) (float32, in place). */
function expInPlaceF32(t: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) { const p = t + (<usize>i << 2); v128.store(p, expF32x4(v128.load(p))); }
  for (; i < n; i++) { const p = t + (<usize>i << 2); store<f32>(p, expF32s(load<f32>(p))); } // ≤ 3 left
}

/**
 * Index check: the position of the first id outside [0, S) (or, with `sorted`, the first that
 * decreases), −1 when all are valid. SIMD over 4 ids at a time (unsigned compare catches negatives).
 */
export function firstBadId(ids: usize, n: i32, S: i32, sorted: i32): i32 {
  const lim = i32x4.splat(S);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    if (v128.any_true(i32x4.ge_u(v128.load(ids + (<usize>i << 2)), lim))) break;
  }
  for (; i < n; i++) if (<u32>ld32(ids, i) >= <u32>S) return i;
  if (sorted) for (let j = 1; j < n; j++) if (ld32(ids, j) < ld32(ids, j - 1)) return j;
  // the vector loop broke out on a block with a bad id: the scalar loop above returned it
  return -1;
}

// Segment softmax, single-threaded, in edge order (the per-segment [S, C] state stays in cache):
//   fill m = −∞, s = 0 → max pass → exp-sum pass → reciprocal → scale pass.
// Threaded: the edge passes (exp, scale) are split by edge ranges, the per-segment reductions (max,
// sum) by segment ranges over the CSR (csrMax / csrSum below), each segment on one thread.

function fill<T>(p: usize, n: i32, v: T): void {
  for (let i = 0; i < n; i++) store<T>(p + <usize>i * sizeof<T>(), v);
}
/** p[i] = v for i < n (float32). */
export function fillF32(p: usize, n: i32, v: f32): void { fill<f32>(p, n, v); }
/** p[i] = v for i < n (float64). */
export function fillF64(p: usize, n: i32, v: f64): void { fill<f64>(p, n, v); }

/** m[ids[e], c] = max(m, x[e, c]) for e ∈ [e0, e1) (a NaN wins and stays). */
function segMax<T>(x: usize, C: i32, ids: usize, e0: i32, e1: i32, m: usize): void {
  const sz = sizeof<T>();
  for (let e = e0; e < e1; e++) {
    const so = <usize>ld32(ids, e) * <usize>C, eo = <usize>e * <usize>C;
    for (let c: usize = 0; c < <usize>C; c++) {
      const v = load<T>(x + (eo + c) * sz), pm = m + (so + c) * sz, cur = load<T>(pm);
      store<T>(pm, select<T>(v, cur, v > cur || (v != v && cur == cur))); // branchless: new maxima are unpredictable
    }
  }
}
/** float32 {@link segMax}. */
export function segMaxF32(x: usize, C: i32, ids: usize, e0: i32, e1: i32, m: usize): void { segMax<f32>(x, C, ids, e0, e1, m); }
/** float64 {@link segMax}. */
export function segMaxF64(x: usize, C: i32, ids: usize, e0: i32, e1: i32, m: usize): void { segMax<f64>(x, C, ids, e0, e1, m); }

/**
 * out[e, c] = exp(x[e, c] − m[ids[e], c]) and, unless `sum` is 0, sum[ids[e], c] += out[e, c] for
 * e ∈ [e0, e1) (float32 SIMD exp). Accumulating here is the single-threaded form; the threaded form
 * passes sum = 0 and sums per segment in CSR order ({@link csrSumF32}), which adds the same terms
 * in the same (ascending edge) order, so both give the same bits.
 */
export function expSumF32(x: usize, C: i32, ids: usize, e0: i32, e1: i32, m: usize, out: usize, sum: usize): void {
  if (C == 1) {
    let e = e0;
    for (; e + 4 <= e1; e += 4) {
      const i0 = <usize>ld32(ids, e) << 2, i1 = <usize>ld32(ids, e + 1) << 2, i2 = <usize>ld32(ids, e + 2) << 2, i3 = <usize>ld32(ids, e + 3) << 2;
      let mv = f32x4.splat(load<f32>(m + i0));
      mv = f32x4.replace_lane(mv, 1, load<f32>(m + i1));
      mv = f32x4.replace_lane(mv, 2, load<f32>(m + i2));
      mv = f32x4.replace_lane(mv, 3, load<f32>(m + i3));
      const p = <usize>e << 2;
      v128.store(out + p, expF32x4(f32x4.sub(v128.load(x + p), mv)));
      if (sum) {
        store<f32>(sum + i0, load<f32>(sum + i0) + load<f32>(out + p));
        store<f32>(sum + i1, load<f32>(sum + i1) + load<f32>(out + p, 4));
        store<f32>(sum + i2, load<f32>(sum + i2) + load<f32>(out + p, 8));
        store<f32>(sum + i3, load<f32>(sum + i3) + load<f32>(out + p, 12));
      }
    }
    for (; e < e1; e++) {
      const p = <usize>e << 2, i0 = <usize>ld32(ids, e) << 2;
      const v = expF32s(load<f32>(x + p) - load<f32>(m + i0));
      store<f32>(out + p, v);
      if (sum) store<f32>(sum + i0, load<f32>(sum + i0) + v);
    }
    return;
  }
  for (let e = e0; e < e1; e++) {
    const so = <usize>ld32(ids, e) * <usize>C, eo = <usize>e * <usize>C;
    for (let c: usize = 0; c < <usize>C; c++) store<f32>(out + ((eo + c) << 2), load<f32>(x + ((eo + c) << 2)) - load<f32>(m + ((so + c) << 2)));
  }
  expInPlaceF32(out + (<usize>e0 * <usize>C << 2), (e1 - e0) * C);
  if (sum) for (let e = e0; e < e1; e++) {
    const so = <usize>ld32(ids, e) * <usize>C, eo = <usize>e * <usize>C;
    for (let c: usize = 0; c < <usize>C; c++) { const ps = sum + ((so + c) << 2); store<f32>(ps, load<f32>(ps) + load<f32>(out + ((eo + c) << 2))); }
  }
}
/** float64 exp-sum pass (scalar `Math.exp`, ≤ 1 ulp; `sum` = 0: exp only, see {@link expSumF32}). */
export function expSumF64(x: usize, C: i32, ids: usize, e0: i32, e1: i32, m: usize, out: usize, sum: usize): void {
  for (let e = e0; e < e1; e++) {
    const so = <usize>ld32(ids, e) * <usize>C, eo = <usize>e * <usize>C;
    for (let c: usize = 0; c < <usize>C; c++) {
      const v = Math.exp(load<f64>(x + ((eo + c) << 3)) - load<f64>(m + ((so + c) << 3)));
      store<f64>(out + ((eo + c) << 3), v);
      if (sum) { const ps = sum + ((so + c) << 3); store<f64>(ps, load<f64>(ps) + v); }
    }
  }
}

/** p[i] = 1 / p[i] for i < n. */
function recip<T>(p: usize, n: i32): void {
  for (let i = 0; i < n; i++) { const q = p + <usize>i * sizeof<T>(); store<T>(q, <T>1 / load<T>(q)); }
}
/** float32 {@link recip}. */
export function recipF32(p: usize, n: i32): void { recip<f32>(p, n); }
/** float64 {@link recip}. */
export function recipF64(p: usize, n: i32): void { recip<f64>(p, n); }

/** out[e, c] *= r[ids[e], c] for e ∈ [e0, e1) (r: reciprocals of the sums; ≤ 1 ulp from the quotient). */
function scale<T>(C: i32, ids: usize, e0: i32, e1: i32, out: usize, r: usize): void {
  const sz = sizeof<T>();
  let e = e0;
  if (sz == 4 && C == 1) {
    for (; e + 4 <= e1; e += 4) {
      let rv = f32x4.splat(load<f32>(r + (<usize>ld32(ids, e) << 2)));
      rv = f32x4.replace_lane(rv, 1, load<f32>(r + (<usize>ld32(ids, e + 1) << 2)));
      rv = f32x4.replace_lane(rv, 2, load<f32>(r + (<usize>ld32(ids, e + 2) << 2)));
      rv = f32x4.replace_lane(rv, 3, load<f32>(r + (<usize>ld32(ids, e + 3) << 2)));
      const p = out + (<usize>e << 2);
      v128.store(p, f32x4.mul(v128.load(p), rv));
    }
  }
  for (; e < e1; e++) {
    const so = <usize>ld32(ids, e) * <usize>C, eo = <usize>e * <usize>C;
    for (let c: usize = 0; c < <usize>C; c++) { const po = out + (eo + c) * sz; store<T>(po, load<T>(po) * load<T>(r + (so + c) * sz)); }
  }
}
/** float32 {@link scale}. */
export function scaleF32(C: i32, ids: usize, e0: i32, e1: i32, out: usize, r: usize): void { scale<f32>(C, ids, e0, e1, out, r); }
/** float64 {@link scale}. */
export function scaleF64(C: i32, ids: usize, e0: i32, e1: i32, out: usize, r: usize): void { scale<f64>(C, ids, e0, e1, out, r); }

/** dot[ids[e], c] += g[e, c] · y[e, c] for e ∈ [e0, e1) (first pass of the softmax gradient). */
function gradDot<T>(y: usize, g: usize, C: i32, ids: usize, e0: i32, e1: i32, dot: usize): void {
  const sz = sizeof<T>();
  for (let e = e0; e < e1; e++) {
    const so = <usize>ld32(ids, e) * <usize>C, eo = <usize>e * <usize>C;
    for (let c: usize = 0; c < <usize>C; c++) {
      const pd = dot + (so + c) * sz, p = (eo + c) * sz;
      store<T>(pd, load<T>(pd) + load<T>(g + p) * load<T>(y + p));
    }
  }
}
/** float32 {@link gradDot}. */
export function gradDotF32(y: usize, g: usize, C: i32, ids: usize, e0: i32, e1: i32, dot: usize): void { gradDot<f32>(y, g, C, ids, e0, e1, dot); }
/** float64 {@link gradDot}. */
export function gradDotF64(y: usize, g: usize, C: i32, ids: usize, e0: i32, e1: i32, dot: usize): void { gradDot<f64>(y, g, C, ids, e0, e1, dot); }

/** out[e, c] = y · (g − dot[ids[e], c]) for e ∈ [e0, e1) (second pass of the softmax gradient). */
function gradOut<T>(y: usize, g: usize, C: i32, ids: usize, e0: i32, e1: i32, dot: usize, out: usize): void {
  const sz = sizeof<T>();
  for (let e = e0; e < e1; e++) {
    const so = <usize>ld32(ids, e) * <usize>C, eo = <usize>e * <usize>C;
    for (let c: usize = 0; c < <usize>C; c++) {
      const p = (eo + c) * sz;
      store<T>(out + p, load<T>(y + p) * (load<T>(g + p) - load<T>(dot + (so + c) * sz)));
    }
  }
}
/** float32 {@link gradOut}. */
export function gradOutF32(y: usize, g: usize, C: i32, ids: usize, e0: i32, e1: i32, dot: usize, out: usize): void { gradOut<f32>(y, g, C, ids, e0, e1, dot, out); }
/** float64 {@link gradOut}. */
export function gradOutF64(y: usize, g: usize, C: i32, ids: usize, e0: i32, e1: i32, dot: usize, out: usize): void { gradOut<f64>(y, g, C, ids, e0, e1, dot, out); }

// ------------------------------------------------------------------ per-segment reductions in CSR order

// The threaded segment softmax (and its gradient) reduce over segments with these: each segment is
// reduced by exactly one thread, over its edges in ascending order (the CSR is stable), starting
// from the same initial value as the single-threaded edge-order passes — so the result is the
// single-threaded one bit for bit, whatever the thread count or the chunk schedule.

/** m[s, c] = max over the edges k of segment s of x[perm[k], c] (−∞ if empty; the first NaN wins, as in {@link segMax}) for s ∈ [s0, s1). */
function csrMax<T>(x: usize, C: i32, perm: usize, rowptr: usize, s0: i32, s1: i32, m: usize): void {
  const sz = sizeof<T>();
  for (let s = s0; s < s1; s++) {
    const st = ld32(rowptr, s), en = ld32(rowptr, s + 1);
    for (let c: usize = 0; c < <usize>C; c++) {
      let cur: T = <T>-Infinity;
      for (let k = st; k < en; k++) {
        const v = load<T>(x + (<usize>ld32(perm, k) * <usize>C + c) * sz);
        cur = select<T>(v, cur, v > cur || (v != v && cur == cur));
      }
      store<T>(m + (<usize>s * <usize>C + c) * sz, cur);
    }
  }
}
/** float32 {@link csrMax}. */
export function csrMaxF32(x: usize, C: i32, perm: usize, rowptr: usize, s0: i32, s1: i32, m: usize): void { csrMax<f32>(x, C, perm, rowptr, s0, s1, m); }
/** float64 {@link csrMax}. */
export function csrMaxF64(x: usize, C: i32, perm: usize, rowptr: usize, s0: i32, s1: i32, m: usize): void { csrMax<f64>(x, C, perm, rowptr, s0, s1, m); }

/**
 * out[s, c] = 0 + Σ over the edges k of segment s, ascending, of a[perm[k], c] (· b[perm[k], c]
 * when b ≠ 0) for s ∈ [s0, s1): the softmax's exp sums (b = 0) and its gradient's Σ g·y.
 */
function csrSum<T>(a: usize, b: usize, C: i32, perm: usize, rowptr: usize, s0: i32, s1: i32, out: usize): void {
  const sz = sizeof<T>();
  for (let s = s0; s < s1; s++) {
    const st = ld32(rowptr, s), en = ld32(rowptr, s + 1);
    for (let c: usize = 0; c < <usize>C; c++) {
      let acc: T = <T>0;
      if (b) {
        for (let k = st; k < en; k++) { const p = (<usize>ld32(perm, k) * <usize>C + c) * sz; acc += load<T>(b + p) * load<T>(a + p); }
      } else {
        for (let k = st; k < en; k++) acc += load<T>(a + (<usize>ld32(perm, k) * <usize>C + c) * sz);
      }
      store<T>(out + (<usize>s * <usize>C + c) * sz, acc);
    }
  }
}
/** float32 {@link csrSum}. */
export function csrSumF32(a: usize, b: usize, C: i32, perm: usize, rowptr: usize, s0: i32, s1: i32, out: usize): void { csrSum<f32>(a, b, C, perm, rowptr, s0, s1, out); }
/** float64 {@link csrSum}. */
export function csrSumF64(a: usize, b: usize, C: i32, perm: usize, rowptr: usize, s0: i32, s1: i32, out: usize): void { csrSum<f64>(a, b, C, perm, rowptr, s0, s1, out); }

// ------------------------------------------------------------------ GEMM (float32, float64)

/** Columns of a packed B sliver: 32 bytes of T (8 float32, 4 float64), two vectors. */
@inline function gemmNB<T>(): i32 { return 32 / sizeof<T>(); }

/**
 * Pack rows [i0, i0 + mc) × depth [k0, k0 + kc) of op(A) (M×K, row stride `lda`; A is K×M when
 * `transA`, then `lda` is its row stride) into slivers of 4 rows:
 * dst[(s·kc + k)·4 + r] = op(A)[i0 + 4s + r, k0 + k], zero-padded past M (elements of T).
 */
function packA<T>(a: usize, transA: i32, lda: i32, M: i32, i0: i32, mc: i32, k0: i32, kc: i32, dst: usize): void {
  const sh = shiftOf<T>(), ks = <usize>2 + sh; // a depth step of a sliver: 4 elements
  const slivers = (mc + 3) >> 2;
  for (let s = 0; s < slivers; s++) {
    for (let r = 0; r < 4; r++) {
      const i = i0 + (s << 2) + r;
      const d = dst + ((<usize>s * <usize>kc) << ks) + (<usize>r << sh);
      if (i >= i0 + mc || i >= M) {
        for (let k = 0; k < kc; k++) store<T>(d + (<usize>k << ks), <T>0);
      } else if (transA) {
        for (let k = 0; k < kc; k++) store<T>(d + (<usize>k << ks), load<T>(a + ((<usize>(k0 + k) * <usize>lda + <usize>i) << sh)));
      } else {
        const row = a + ((<usize>i * <usize>lda + <usize>k0) << sh);
        for (let k = 0; k < kc; k++) store<T>(d + (<usize>k << ks), load<T>(row + (<usize>k << sh)));
      }
    }
  }
}

/**
 * Pack all of op(B) (K×N; B is N×K when `transB`) into slivers of NB = {@link gemmNB} columns over
 * the full depth: dst[(t·K + k)·NB + c] = op(B)[k, NB·t + c], zero-padded past N (32 bytes per
 * depth step). Slivers [t0, t1).
 */
@inline function packB<T>(b: usize, transB: i32, K: i32, N: i32, t0: i32, t1: i32, dst: usize): void {
  const sh = shiftOf<T>(), NB = gemmNB<T>();
  for (let t = t0; t < t1; t++) {
    for (let c = 0; c < NB; c++) {
      const j = t * NB + c;
      const d = dst + ((<usize>t * <usize>K) << 5) + (<usize>c << sh);
      if (j >= N) {
        for (let k = 0; k < K; k++) store<T>(d + (<usize>k << 5), <T>0);
      } else if (transB) {
        const row = b + ((<usize>j * <usize>K) << sh);
        for (let k = 0; k < K; k++) store<T>(d + (<usize>k << 5), load<T>(row + (<usize>k << sh)));
      } else {
        for (let k = 0; k < K; k++) store<T>(d + (<usize>k << 5), load<T>(b + ((<usize>k * <usize>N + <usize>j) << sh)));
      }
    }
  }
}
/** {@link packB} of float32 (slivers of 8 columns). */
export function packBF32(b: usize, transB: i32, K: i32, N: i32, t0: i32, t1: i32, dst: usize): void { packB<f32>(b, transB, K, N, t0, t1, dst); }
/** {@link packB} of float64 (slivers of 4 columns). */
export function packBF64(b: usize, transB: i32, K: i32, N: i32, t0: i32, t1: i32, dst: usize): void { packB<f64>(b, transB, K, N, t0, t1, dst); }

/**
 * C rows [i0, i1) (row stride N) (+)= op(A) · op(B) with B packed by {@link packBF32} at `pb`;
 * `pa` is this thread's scratch for one packed A block (MC·KC floats) and `tile` for 32 floats.
 * Blocked over K (KC = 256) and M (MC = 64); a 4×8 register tile of f32x4 accumulators.
 */
export function gemmF32(a: usize, transA: i32, pb: usize, c: usize, M: i32, K: i32, N: i32, i0: i32, i1: i32, accumulate: i32, pa: usize, tile: usize): void {
  gemmCore<f32>(a, transA, transA ? M : K, pb, c, N, M, K, N, i0, i1, accumulate, pa, tile);
}
/**
 * {@link gemmF32} for float64: B packed by {@link packBF64}, `pa` for MC·KC doubles, `tile` for 16;
 * a 4×4 register tile of f64x2 accumulators, the same blocking, so each element of C is one sum
 * over k in a fixed order (blocks of KC, ascending k within each).
 */
export function gemmF64(a: usize, transA: i32, pb: usize, c: usize, M: i32, K: i32, N: i32, i0: i32, i1: i32, accumulate: i32, pa: usize, tile: usize): void {
  gemmCore<f64>(a, transA, transA ? M : K, pb, c, N, M, K, N, i0, i1, accumulate, pa, tile);
}

/**
 * {@link gemmF32} with explicit row strides: `lda` of A (as stored) and `ldc` of C. The
 * convolution kernels call it on blocks of their im2col matrices.
 */
function gemmCore<T>(a: usize, transA: i32, lda: i32, pb: usize, c: usize, ldc: i32, M: i32, K: i32, N: i32, i0: i32, i1: i32, accumulate: i32, pa: usize, tile: usize): void {
  for (let k0 = 0; k0 < K; k0 += GEMM_KC) {
    const kc = min(GEMM_KC, K - k0);
    const acc = k0 > 0 || accumulate != 0;
    for (let ib = i0; ib < i1; ib += GEMM_MC) {
      const mc = min(GEMM_MC, i1 - ib);
      packA<T>(a, transA, lda, M, ib, mc, k0, kc, pa);
      gemmBlock<T>(pa, kc, pb + (<usize>k0 << 5), K, c, ldc, N, ib, mc, i1, acc, tile);
    }
  }
}

/** Depth block (KC) and row block (MC) of the GEMM; the sums over k are grouped by KC. */
const GEMM_KC = 256, GEMM_MC = 64;

/**
 * Pack row slivers [s0, s1) (4 rows each) of A (M×K, row stride `lda`, not transposed) over the
 * whole depth, for {@link gemmPacked}: per depth block k0 (of {@link GEMM_KC}) the slivers of that
 * block, dst[k0·Mp + (s·kc + k)·4 + r] = A[4s + r, k0 + k] (Mp = M rounded up to 4; zero past M;
 * elements of T) — the same slivers {@link packA} writes, laid out once for every row block.
 */
function packAFull<T>(a: usize, lda: i32, M: i32, K: i32, s0: i32, s1: i32, dst: usize): void {
  const sh = shiftOf<T>(), ks = <usize>2 + sh, Mp = ((M + 3) >> 2) << 2;
  for (let k0 = 0; k0 < K; k0 += GEMM_KC) {
    const kc = min(GEMM_KC, K - k0);
    const blk = dst + ((<usize>k0 * <usize>Mp) << sh);
    for (let s = s0; s < s1; s++) {
      for (let r = 0; r < 4; r++) {
        const i = (s << 2) + r;
        const d = blk + ((<usize>s * <usize>kc) << ks) + (<usize>r << sh);
        if (i >= M) {
          for (let k = 0; k < kc; k++) store<T>(d + (<usize>k << ks), <T>0);
        } else {
          const row = a + ((<usize>i * <usize>lda + <usize>k0) << sh);
          for (let k = 0; k < kc; k++) store<T>(d + (<usize>k << ks), load<T>(row + (<usize>k << sh)));
        }
      }
    }
  }
}
/** {@link packAFull} of float32. */
export function packAFullF32(a: usize, lda: i32, M: i32, K: i32, s0: i32, s1: i32, dst: usize): void { packAFull<f32>(a, lda, M, K, s0, s1, dst); }
/** {@link packAFull} of float64. */
export function packAFullF64(a: usize, lda: i32, M: i32, K: i32, s0: i32, s1: i32, dst: usize): void { packAFull<f64>(a, lda, M, K, s0, s1, dst); }

/**
 * C rows [0, M) (row stride ldc) = A · op(B) with A packed whole by {@link packAFull} at `pa`
 * and B by the convolution's packing at `pb` (depth K): {@link gemmCore} without the per-block
 * packing of A — the same blocks, register tile and order of the sums, so the same bits.
 */
function gemmPacked<T>(pa: usize, pb: usize, c: usize, ldc: i32, M: i32, K: i32, N: i32, tile: usize): void {
  const sh = shiftOf<T>(), ks = <usize>2 + sh, Mp = ((M + 3) >> 2) << 2;
  for (let k0 = 0; k0 < K; k0 += GEMM_KC) {
    const kc = min(GEMM_KC, K - k0);
    const blk = pa + ((<usize>k0 * <usize>Mp) << sh);
    for (let ib = 0; ib < M; ib += GEMM_MC) {
      const mc = min(GEMM_MC, M - ib);
      gemmBlock<T>(blk + ((<usize>(ib >> 2) * <usize>kc) << ks), kc, pb + (<usize>k0 << 5), K, c, ldc, N, ib, mc, M, k0 > 0, tile);
    }
  }
}

/**
 * One packed block of the GEMM: C rows [ib, ib + mc) (+)= A-block (slivers of 4 rows at `pa`,
 * depth kc) · B (slivers of NB = {@link gemmNB} columns of depth K at `bp`, already offset to the
 * block's depth), on a 4×NB register tile of eight vector accumulators (f32x4: 4×8, f64x2: 4×4);
 * rows past `i1` and columns past N are not stored.
 */
@inline function gemmBlock<T>(pa: usize, kc: i32, bp0: usize, K: i32, c: usize, ldc: i32, N: i32, ib: i32, mc: i32, i1: i32, acc: bool, tile: usize): void {
  const sh = shiftOf<T>(), ks = <usize>2 + sh, NB = gemmNB<T>();
  const slivers = (N + NB - 1) / NB;
  for (let t = 0; t < slivers; t++) {
    const bp = bp0 + ((<usize>t * <usize>K) << 5);
    const nr = min(NB, N - t * NB);
    for (let s = 0; s < ((mc + 3) >> 2); s++) {
      const ap = pa + ((<usize>s * <usize>kc) << ks);
      let c00 = vzero(), c01 = vzero(), c10 = vzero(), c11 = vzero(), c20 = vzero(), c21 = vzero(), c30 = vzero(), c31 = vzero();
      for (let k = 0; k < kc; k++) {
        const b0 = v128.load(bp + (<usize>k << 5)), b1 = v128.load(bp + (<usize>k << 5), 16);
        const ak = ap + (<usize>k << ks); // broadcast loads (one instruction each) instead of extract + splat
        let a0: v128, a1: v128, a2: v128, a3: v128;
        if (sizeof<T>() == 4) {
          a0 = v128.load32_splat(ak); a1 = v128.load32_splat(ak, 4);
          a2 = v128.load32_splat(ak, 8); a3 = v128.load32_splat(ak, 12);
        } else {
          a0 = v128.load64_splat(ak); a1 = v128.load64_splat(ak, 8);
          a2 = v128.load64_splat(ak, 16); a3 = v128.load64_splat(ak, 24);
        }
        c00 = vadd<T>(c00, vmul<T>(a0, b0)); c01 = vadd<T>(c01, vmul<T>(a0, b1));
        c10 = vadd<T>(c10, vmul<T>(a1, b0)); c11 = vadd<T>(c11, vmul<T>(a1, b1));
        c20 = vadd<T>(c20, vmul<T>(a2, b0)); c21 = vadd<T>(c21, vmul<T>(a2, b1));
        c30 = vadd<T>(c30, vmul<T>(a3, b0)); c31 = vadd<T>(c31, vmul<T>(a3, b1));
      }
      const i = ib + (s << 2);
      const mr = min(4, i1 - i);
      const cp = c + ((<usize>i * <usize>ldc + <usize>(t * NB)) << sh);
      const rs = <usize>ldc << sh;
      if (mr == 4 && nr == NB) {
        if (acc) {
          c00 = vadd<T>(c00, v128.load(cp)); c01 = vadd<T>(c01, v128.load(cp, 16));
          c10 = vadd<T>(c10, v128.load(cp + rs)); c11 = vadd<T>(c11, v128.load(cp + rs, 16));
          c20 = vadd<T>(c20, v128.load(cp + 2 * rs)); c21 = vadd<T>(c21, v128.load(cp + 2 * rs, 16));
          c30 = vadd<T>(c30, v128.load(cp + 3 * rs)); c31 = vadd<T>(c31, v128.load(cp + 3 * rs, 16));
        }
        v128.store(cp, c00); v128.store(cp, c01, 16);
        v128.store(cp + rs, c10); v128.store(cp + rs, c11, 16);
        v128.store(cp + 2 * rs, c20); v128.store(cp + 2 * rs, c21, 16);
        v128.store(cp + 3 * rs, c30); v128.store(cp + 3 * rs, c31, 16);
      } else {
        v128.store(tile, c00); v128.store(tile, c01, 16); v128.store(tile, c10, 32); v128.store(tile, c11, 48);
        v128.store(tile, c20, 64); v128.store(tile, c21, 80); v128.store(tile, c30, 96); v128.store(tile, c31, 112);
        for (let r = 0; r < mr; r++) {
          for (let q = 0; q < nr; q++) {
            const p = cp + <usize>r * rs + (<usize>q << sh);
            const v = load<T>(tile + ((<usize>(r * NB + q)) << sh));
            store<T>(p, acc ? load<T>(p) + v : v);
          }
        }
      }
    }
  }
}

// ------------------------------------------------------------------ convolutions (float32, float64)

// Geometry block (int32 at `geo`), written by src/backend/wasm/kernels.ts:
// [0] C [1] H [2] W [3] O [4] kh [5] kw [6] sh [7] sw [8] ph [9] pw [10] dh [11] dw [12] Ho [13] Wo
// [14] groups [15] Cg [16] Og [17] Kc = Cg·kh·kw [18] P = Ho·Wo [19] NC (columns per block, a
// multiple of 8) [20] blocks per image [21] images per weight-gradient chunk.
@inline function gi(geo: usize, i: i32): i32 { return load<i32>(geo + (<usize>i << 2)); }

/** Bytes of a convolution thread's packed A block (64×256 elements of T), before its 128-byte tile and its own buffers. */
@inline function convPA<T>(): usize { return <usize>(GEMM_MC * GEMM_KC) << shiftOf<T>(); }
const CONV_TILE: usize = 128;

/**
 * im2col of output columns [p0, p0 + nc) of one image-group (channels at `xi`), written straight
 * into the packed-B layout of {@link gemmCore}: dst[(t·Kc + k)·NB + c] = col[k, p0 + NB·t + c],
 * zero past nc (NB = {@link gemmNB}: 8 float32, 4 float64; 32 bytes per depth step). Stride-1
 * slivers inside one output row and inside the image are copied as two vectors; others element by
 * element.
 */
function im2colPack<T>(geo: usize, xi: usize, p0: i32, nc: i32, dst: usize): void {
  const H = gi(geo, 1), W = gi(geo, 2), kh = gi(geo, 4), kw = gi(geo, 5), sh = gi(geo, 6), sw = gi(geo, 7);
  const ph = gi(geo, 8), pw = gi(geo, 9), dh = gi(geo, 10), dw = gi(geo, 11), Wo = gi(geo, 13), Kc = gi(geo, 17);
  const es = shiftOf<T>(), NB = gemmNB<T>();
  const slivers = (nc + NB - 1) / NB, khw = kh * kw;
  for (let k = 0; k < Kc; k++) {
    const ci = k / khw, r = k - ci * khw, i = r / kw, j = r - (r / kw) * kw;
    const plane = xi + ((<usize>ci * <usize>H * <usize>W) << es);
    let oy = p0 / Wo, ox = p0 - oy * Wo;
    for (let t = 0; t < slivers; t++) {
      const d = dst + ((<usize>t * <usize>Kc + <usize>k) << 5);
      const cnt = min(NB, nc - t * NB);
      const y = oy * sh - ph + i * dh;
      if (cnt == NB && sw == 1 && ox + NB <= Wo) {
        const xx = ox - pw + j * dw;
        if (<u32>y >= <u32>H) {
          v128.store(d, vzero()); v128.store(d, vzero(), 16);
        } else {
          const row = plane + ((<usize>y * <usize>W) << es);
          if (xx >= 0 && xx + NB <= W) {
            const s = row + (<usize>xx << es);
            v128.store(d, v128.load(s)); v128.store(d, v128.load(s, 16), 16);
          } else {
            for (let c = 0; c < NB; c++) {
              const xc = xx + c;
              store<T>(d + (<usize>c << es), <u32>xc < <u32>W ? load<T>(row + (<usize>xc << es)) : <T>0);
            }
          }
        }
        ox += NB;
        if (ox == Wo) { ox = 0; oy++; }
      } else {
        for (let c = 0; c < NB; c++) {
          let v: T = <T>0;
          if (c < cnt) {
            const yy = oy * sh - ph + i * dh, xc = ox * sw - pw + j * dw;
            if (<u32>yy < <u32>H && <u32>xc < <u32>W) v = load<T>(plane + ((<usize>yy * <usize>W + <usize>xc) << es));
            ox++;
            if (ox == Wo) { ox = 0; oy++; }
          }
          store<T>(d + (<usize>c << es), v);
        }
      }
    }
  }
}

/**
 * Forward convolution of work units [u0, u1) (unit = (image n, group g, column block b), in that
 * nesting): out[n, g·Og + o, p] = Σ_k w[g·Og + o, k] · col[k, p] with k in ascending order in T
 * (the GEMM's order). `w` is the weight packed by {@link packAFull}, group after group
 * (Mp·Kc elements each, Mp = Og rounded up to 4): packed once per call, not once per column block.
 * Units write disjoint outputs, so any split gives the same bits. Scratch: the tile, then the
 * packed im2col block.
 */
function conv2d<T>(geo: usize, x: usize, w: usize, out: usize, u0: i32, u1: i32, scratch: usize): void {
  const C = gi(geo, 0), H = gi(geo, 1), W = gi(geo, 2), O = gi(geo, 3), G = gi(geo, 14), Cg = gi(geo, 15), Og = gi(geo, 16);
  const Kc = gi(geo, 17), P = gi(geo, 18), NC = gi(geo, 19), NB = gi(geo, 20);
  const es = shiftOf<T>();
  const tile = scratch, pb = scratch + CONV_TILE;
  const wg = <usize>(((Og + 3) >> 2) << 2) * <usize>Kc << es;
  for (let u = u0; u < u1; u++) {
    const b = u % NB, ng = u / NB, g = ng % G, n = ng / G;
    const p0 = b * NC, nc = min(NC, P - p0);
    const xi = x + ((<usize>(n * C + g * Cg) * <usize>H * <usize>W) << es);
    im2colPack<T>(geo, xi, p0, nc, pb);
    const c = out + ((<usize>(n * O + g * Og) * <usize>P + <usize>p0) << es);
    gemmPacked<T>(w + <usize>g * wg, pb, c, P, Og, Kc, nc, tile);
  }
}
/** {@link conv2d} in float32. */
export function conv2dF32(geo: usize, x: usize, w: usize, out: usize, u0: i32, u1: i32, scratch: usize): void { conv2d<f32>(geo, x, w, out, u0, u1, scratch); }
/** {@link conv2d} in float64. */
export function conv2dF64(geo: usize, x: usize, w: usize, out: usize, u0: i32, u1: i32, scratch: usize): void { conv2d<f64>(geo, x, w, out, u0, u1, scratch); }

/**
 * Adds col[k, q] (row stride nc, columns = output positions [p0, p0 + nc)) into the image-group's
 * input gradient dx (col2im), k ascending, positions ascending: a fixed order per element.
 */
function col2imAdd<T>(geo: usize, col: usize, p0: i32, nc: i32, dx: usize): void {
  const H = gi(geo, 1), W = gi(geo, 2), kh = gi(geo, 4), kw = gi(geo, 5), sh = gi(geo, 6), sw = gi(geo, 7);
  const ph = gi(geo, 8), pw = gi(geo, 9), dh = gi(geo, 10), dw = gi(geo, 11), Wo = gi(geo, 13), Kc = gi(geo, 17);
  const es = shiftOf<T>(), VL = 16 / sizeof<T>(); // elements per vector
  const khw = kh * kw;
  for (let k = 0; k < Kc; k++) {
    const ci = k / khw, r = k - ci * khw, i = r / kw, j = r - (r / kw) * kw;
    const plane = dx + ((<usize>ci * <usize>H * <usize>W) << es);
    const src = col + ((<usize>k * <usize>nc) << es);
    let q = 0, oy = p0 / Wo, ox = p0 - oy * Wo;
    while (q < nc) {
      const seg = min(Wo - ox, nc - q); // output columns [ox, ox + seg) of row oy
      const y = oy * sh - ph + i * dh;
      if (<u32>y < <u32>H) {
        const row = plane + ((<usize>y * <usize>W) << es);
        if (sw == 1) {
          const off = j * dw - pw; // xx = ox + off
          const lo = max(ox, -off), hi = min(ox + seg, W - off);
          let o = lo;
          for (; o + VL <= hi; o += VL) {
            const dp = row + (<usize>(o + off) << es), sp = src + (<usize>(q + o - ox) << es);
            v128.store(dp, vadd<T>(v128.load(dp), v128.load(sp)));
          }
          for (; o < hi; o++) {
            const dp = row + (<usize>(o + off) << es);
            store<T>(dp, load<T>(dp) + load<T>(src + (<usize>(q + o - ox) << es)));
          }
        } else {
          for (let o = ox; o < ox + seg; o++) {
            const xc = o * sw - pw + j * dw;
            if (<u32>xc < <u32>W) {
              const dp = row + (<usize>xc << es);
              store<T>(dp, load<T>(dp) + load<T>(src + (<usize>(q + o - ox) << es)));
            }
          }
        }
      }
      q += seg;
      ox += seg;
      if (ox == Wo) { ox = 0; oy++; }
    }
  }
}

/**
 * Gradient w.r.t. the input for work units [u0, u1) (unit = (image n, group g)): per column block,
 * col = W_gᵀ · gy[n, g-block] (in T, the GEMM's order over o), then col2im into dx[n, g] —
 * zeroed first; blocks ascending. A unit owns its part of dx, so any split gives the same bits.
 * Scratch: the packed A block ({@link convPA} bytes), the tile, the packed gy block (NC·Og
 * elements), then col (NC·Kc elements).
 */
function conv2dGradInput<T>(geo: usize, gy: usize, w: usize, dx: usize, u0: i32, u1: i32, scratch: usize): void {
  const C = gi(geo, 0), H = gi(geo, 1), W = gi(geo, 2), O = gi(geo, 3), G = gi(geo, 14), Cg = gi(geo, 15), Og = gi(geo, 16);
  const Kc = gi(geo, 17), P = gi(geo, 18), NC = gi(geo, 19);
  const es = shiftOf<T>(), VL = 16 / sizeof<T>();
  const pa = scratch, tile = scratch + convPA<T>(), pb = tile + CONV_TILE;
  const col = pb + ((<usize>NC * <usize>Og) << es);
  for (let u = u0; u < u1; u++) {
    const g = u % G, n = u / G;
    const dxi = dx + ((<usize>(n * C + g * Cg) * <usize>H * <usize>W) << es);
    const hw = Cg * H * W;
    let e = 0;
    for (; e + VL <= hw; e += VL) v128.store(dxi + (<usize>e << es), vzero());
    for (; e < hw; e++) store<T>(dxi + (<usize>e << es), <T>0);
    const gyi = gy + ((<usize>(n * O + g * Og) * <usize>P) << es);
    for (let p0 = 0; p0 < P; p0 += NC) {
      const nc = min(NC, P - p0);
      packBStrided<T>(gyi + (<usize>p0 << es), P, Og, nc, pb);
      gemmCore<T>(w + ((<usize>g * <usize>Og * <usize>Kc) << es), 1, Kc, pb, col, nc, Kc, Og, nc, 0, Kc, 0, pa, tile);
      col2imAdd<T>(geo, col, p0, nc, dxi);
    }
  }
}
/** {@link conv2dGradInput} in float32. */
export function conv2dGradInputF32(geo: usize, gy: usize, w: usize, dx: usize, u0: i32, u1: i32, scratch: usize): void { conv2dGradInput<f32>(geo, gy, w, dx, u0, u1, scratch); }
/** {@link conv2dGradInput} in float64. */
export function conv2dGradInputF64(geo: usize, gy: usize, w: usize, dx: usize, u0: i32, u1: i32, scratch: usize): void { conv2dGradInput<f64>(geo, gy, w, dx, u0, u1, scratch); }

/**
 * Pack B (K×N, row stride ldb, not transposed) into slivers of NB = {@link gemmNB} columns over
 * depth K: dst[(t·K + k)·NB + c] = B[k, NB·t + c], zero past N.
 */
function packBStrided<T>(b: usize, ldb: i32, K: i32, N: i32, dst: usize): void {
  const es = shiftOf<T>(), NB = gemmNB<T>();
  const slivers = (N + NB - 1) / NB;
  for (let t = 0; t < slivers; t++) {
    const cnt = min(NB, N - t * NB);
    for (let k = 0; k < K; k++) {
      const d = dst + ((<usize>t * <usize>K + <usize>k) << 5), s = b + ((<usize>k * <usize>ldb + <usize>(t * NB)) << es);
      if (cnt == NB) {
        v128.store(d, v128.load(s)); v128.store(d, v128.load(s, 16), 16);
      } else {
        for (let c = 0; c < NB; c++) store<T>(d + (<usize>c << es), c < cnt ? load<T>(s + (<usize>c << es)) : <T>0);
      }
    }
  }
}

/**
 * im2col of output columns [p0, p0 + nc) in the packed layout of op(B) = colᵀ (nc × Kc):
 * dst[(t·nc + q)·NB + c] = col[NB·t + c, p0 + q], zero for NB·t + c ≥ Kc.
 */
function im2colPackT<T>(geo: usize, xi: usize, p0: i32, nc: i32, dst: usize): void {
  const H = gi(geo, 1), W = gi(geo, 2), kh = gi(geo, 4), kw = gi(geo, 5), sh = gi(geo, 6), sw = gi(geo, 7);
  const ph = gi(geo, 8), pw = gi(geo, 9), dh = gi(geo, 10), dw = gi(geo, 11), Wo = gi(geo, 13), Kc = gi(geo, 17);
  const es = shiftOf<T>(), NB = gemmNB<T>();
  const khw = kh * kw, KP = ((Kc + NB - 1) / NB) * NB;
  for (let k = 0; k < KP; k++) {
    const t = k / NB, c = k - t * NB;
    const base = dst + ((<usize>t * <usize>nc) << 5) + (<usize>c << es);
    if (k >= Kc) {
      for (let q = 0; q < nc; q++) store<T>(base + (<usize>q << 5), <T>0);
      continue;
    }
    const ci = k / khw, r = k - ci * khw, i = r / kw, j = r - (r / kw) * kw;
    const plane = xi + ((<usize>ci * <usize>H * <usize>W) << es);
    let q = 0, oy = p0 / Wo, ox = p0 - oy * Wo;
    while (q < nc) {
      const seg = min(Wo - ox, nc - q);
      const y = oy * sh - ph + i * dh;
      if (<u32>y >= <u32>H) {
        for (let o = 0; o < seg; o++) store<T>(base + (<usize>(q + o) << 5), <T>0);
      } else {
        const row = plane + ((<usize>y * <usize>W) << es);
        for (let o = 0; o < seg; o++) {
          const xc = (ox + o) * sw - pw + j * dw;
          store<T>(base + (<usize>(q + o) << 5), <u32>xc < <u32>W ? load<T>(row + (<usize>xc << es)) : <T>0);
        }
      }
      q += seg;
      ox += seg;
      if (ox == Wo) { ox = 0; oy++; }
    }
  }
}

/**
 * Gradient w.r.t. the weight, images [n0, n1) — one chunk of `geo[21]` images, whose partial sum
 * goes to part + (n0 / geo[21])·O·Kc elements: Σ over its images (ascending) and column blocks
 * (ascending) of gy[n, g] · colᵀ, in T. The chunks depend on the shape only, and the caller
 * adds the partials in chunk order, so the result does not depend on the thread count.
 * Scratch: the packed A block, the tile, then the packed colᵀ block.
 */
function conv2dGradWeight<T>(geo: usize, x: usize, gy: usize, part: usize, n0: i32, n1: i32, scratch: usize): void {
  const C = gi(geo, 0), H = gi(geo, 1), W = gi(geo, 2), O = gi(geo, 3), G = gi(geo, 14), Cg = gi(geo, 15), Og = gi(geo, 16);
  const Kc = gi(geo, 17), P = gi(geo, 18), NC = gi(geo, 19), B = gi(geo, 21);
  const es = shiftOf<T>();
  const pa = scratch, tile = scratch + convPA<T>(), pb = tile + CONV_TILE;
  const dw = part + ((<usize>(n0 / B) * <usize>O * <usize>Kc) << es);
  for (let n = n0; n < n1; n++) {
    for (let g = 0; g < G; g++) {
      const xi = x + ((<usize>(n * C + g * Cg) * <usize>H * <usize>W) << es);
      const gyi = gy + ((<usize>(n * O + g * Og) * <usize>P) << es);
      for (let p0 = 0; p0 < P; p0 += NC) {
        const nc = min(NC, P - p0);
        im2colPackT<T>(geo, xi, p0, nc, pb);
        const acc = n > n0 || p0 > 0 ? 1 : 0;
        gemmCore<T>(gyi + (<usize>p0 << es), 0, P, pb, dw + ((<usize>g * <usize>Og * <usize>Kc) << es), Kc, Og, nc, Kc, 0, Og, acc, pa, tile);
      }
    }
  }
}
/** {@link conv2dGradWeight} in float32. */
export function conv2dGradWeightF32(geo: usize, x: usize, gy: usize, part: usize, n0: i32, n1: i32, scratch: usize): void { conv2dGradWeight<f32>(geo, x, gy, part, n0, n1, scratch); }
/** {@link conv2dGradWeight} in float64. */
export function conv2dGradWeightF64(geo: usize, x: usize, gy: usize, part: usize, n0: i32, n1: i32, scratch: usize): void { conv2dGradWeight<f64>(geo, x, gy, part, n0, n1, scratch); }

/** dst[i] = Σ_r src[r·stride + i] over r = 0 … count − 1 in that order, for i ∈ [i0, i1) (elements of T). */
function sumParts<T>(src: usize, count: i32, stride: i32, i0: i32, i1: i32, dst: usize): void {
  const es = shiftOf<T>(), VL = 16 / sizeof<T>();
  const sb = <usize>stride << es;
  let i = i0;
  for (; i + VL <= i1; i += VL) {
    const p = <usize>i << es;
    let acc = v128.load(src + p);
    for (let r = 1; r < count; r++) acc = vadd<T>(acc, v128.load(src + <usize>r * sb + p));
    v128.store(dst + p, acc);
  }
  for (; i < i1; i++) {
    const p = <usize>i << es;
    let acc = load<T>(src + p);
    for (let r = 1; r < count; r++) acc += load<T>(src + <usize>r * sb + p);
    store<T>(dst + p, acc);
  }
}
/** {@link sumParts} of float32. */
export function sumPartsF32(src: usize, count: i32, stride: i32, i0: i32, i1: i32, dst: usize): void { sumParts<f32>(src, count, stride, i0, i1, dst); }
/** {@link sumParts} of float64. */
export function sumPartsF64(src: usize, count: i32, stride: i32, i0: i32, i1: i32, dst: usize): void { sumParts<f64>(src, count, stride, i0, i1, dst); }

// ------------------------------------------------------------------ float32 transcendental maps

/** σ(x) = 1 / (1 + e^{−x}) on 4 lanes (0 below −88, 1 above 88, NaN stays NaN). */
@inline function sigmoidF32x4(v: v128): v128 {
  const one = f32x4.splat(1.0);
  return f32x4.div(one, f32x4.add(one, expF32x4(f32x4.neg(v))));
}

/** exp (op 0), σ (1) or SiLU x · σ(x) (2) of 4 lanes. */
@inline function expFamilyF32x4(op: i32, v: v128): v128 {
  return op == 0 ? expF32x4(v) : op == 1 ? sigmoidF32x4(v) : f32x4.mul(v, sigmoidF32x4(v));
}

/** {@link expFamilyF32x4} by {@link expFastF32x4} (|x| ≤ 87 in every lane): the same bits. */
@inline function expFamilyFastF32x4(op: i32, v: v128, l2e: v128, magic: v128, c1: v128, c2: v128, p0: v128, p1: v128, p2: v128, p3: v128, p4: v128, p5: v128, one: v128): v128 {
  if (op == 0) return expFastF32x4(v, l2e, magic, c1, c2, p0, p1, p2, p3, p4, p5, one);
  const sv = f32x4.div(one, f32x4.add(one, expFastF32x4(f32x4.neg(v), l2e, magic, c1, c2, p0, p1, p2, p3, p4, p5, one)));
  return op == 1 ? sv : f32x4.mul(v, sv);
}

/**
 * out[i] = f(x[i]) for i ∈ [i0, i1), f of {@link expFamilyF32x4} (`op` a constant at each call, so
 * each export is its own loop). Four independent vectors a step: the polynomial is one long
 * dependency chain per vector, and four in flight keep the SIMD units busy (10M exps: 9.3 → 7.1 ms
 * on one thread). The tail takes lane 0 of the vector formula, so an element's bits never depend
 * on where a chunk boundary falls.
 */
@inline function expFamilyF32(op: i32, x: usize, i0: i32, i1: i32, out: usize): void {
  const l2e = expKonst(0), magic = expKonst(1), c1 = expKonst(2), c2 = expKonst(3), p0 = expKonst(4), p1 = expKonst(5);
  const p2 = expKonst(6), p3 = expKonst(7), p4 = expKonst(8), p5 = expKonst(9), one = expKonst(10), abs = expKonst(11), lim = expKonst(12);
  let i = i0;
  for (; i + 16 <= i1; i += 16) {
    const p = <usize>i << 2;
    const va = v128.load(x + p), vb = v128.load(x + p, 16), vc = v128.load(x + p, 32), vd = v128.load(x + p, 48);
    // each branch stores its own results: a merge of four vectors spills them (V8)
    if (expOutside4(va, vb, vc, vd, abs, lim)) {
      v128.store(out + p, expFamilyF32x4(op, va));
      v128.store(out + p, expFamilyF32x4(op, vb), 16);
      v128.store(out + p, expFamilyF32x4(op, vc), 32);
      v128.store(out + p, expFamilyF32x4(op, vd), 48);
    } else {
      v128.store(out + p, expFamilyFastF32x4(op, va, l2e, magic, c1, c2, p0, p1, p2, p3, p4, p5, one));
      v128.store(out + p, expFamilyFastF32x4(op, vb, l2e, magic, c1, c2, p0, p1, p2, p3, p4, p5, one), 16);
      v128.store(out + p, expFamilyFastF32x4(op, vc, l2e, magic, c1, c2, p0, p1, p2, p3, p4, p5, one), 32);
      v128.store(out + p, expFamilyFastF32x4(op, vd, l2e, magic, c1, c2, p0, p1, p2, p3, p4, p5, one), 48);
    }
  }
  for (; i + 4 <= i1; i += 4) { const p = <usize>i << 2; v128.store(out + p, expFamilyF32x4(op, v128.load(x + p))); }
  for (; i < i1; i++) { const p = <usize>i << 2; store<f32>(out + p, f32x4.extract_lane(expFamilyF32x4(op, f32x4.splat(load<f32>(x + p))), 0)); }
}

// ------------------------------------------------------------------ float64 exp family

/**
 * exp on 2 float64 lanes, within one ulp of the correctly rounded value: x clamped to
 * [−746, 709.8] (`f64x2.min` / `max`: a NaN stays NaN), k = round(x·log₂e), r = x − k·ln2_hi −
 * k·ln2_lo (Cody–Waite: ln2_hi has 21 trailing zero bits, so k·ln2_hi and the first difference are
 * exact; |r| ≤ 0.347), e^r = 1 + (r + r²·P(r)) with P the Taylor polynomial 1/2! + r/3! + … +
 * r¹¹/13! (truncation < 5·10⁻¹⁸ relative), then 2^k as 2^⌊k/2⌋ · 2^(k − ⌊k/2⌋) from exponent bits,
 * so e^x overflows to +∞ above 709.78 and rounds once through the subnormals to 0 below −708.4.
 * exp(±0) = 1, exp(−∞) = 0, exp(+∞) = +∞.
 */
@inline function expF64x2(v: v128): v128 {
  const x = f64x2.max(f64x2.min(v, f64x2.splat(709.8)), f64x2.splat(-746.0));
  const kf = f64x2.nearest(f64x2.mul(x, f64x2.splat(1.4426950408889634)));
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(kf, f64x2.splat(6.93147180369123816490e-01))), f64x2.mul(kf, f64x2.splat(1.90821492927058770002e-10)));
  const y = f64x2.add(f64x2.splat(1.0), expm1Reduced(r));
  const k = i32x4.trunc_sat_f64x2_s_zero(kf); // k in lanes 0, 1 (a NaN lane gives 0: y is NaN then)
  const k1 = i32x4.shr_s(k, 1), k2 = i32x4.sub(k, k1);
  const bias = i64x2.splat(1023);
  const s1 = i64x2.shl(i64x2.add(i64x2.extend_low_i32x4_s(k1), bias), 52), s2 = i64x2.shl(i64x2.add(i64x2.extend_low_i32x4_s(k2), bias), 52);
  return f64x2.mul(f64x2.mul(y, s1), s2);
}

/** e^r − 1 = r + r²·P(r) for the reduced |r| ≤ 0.347 of {@link expF64x2} (P: Taylor terms 1/2! … r¹¹/13!). */
@inline function expm1Reduced(r: v128): v128 {
  let q = f64x2.splat(1.0 / 6227020800.0); // 1/13!
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 479001600.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 39916800.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 3628800.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 362880.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 40320.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 5040.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 720.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 120.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 24.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 6.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(0.5));
  return f64x2.add(r, f64x2.mul(f64x2.mul(r, r), q));
}

/**
 * e^x − 1 on 2 float64 lanes for |x| ≤ 44: x = k·ln 2 + r as in {@link expF64x2}, then
 * (2^k − 1) + 2^k·(e^r − 1) — 2^k − 1 is exact for |k| ≤ 52, so no digits cancel near 0 (k = 0
 * gives e^r − 1 itself).
 */
@inline function expm1F64x2(x: v128): v128 {
  const kf = f64x2.nearest(f64x2.mul(x, f64x2.splat(1.4426950408889634)));
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(kf, f64x2.splat(6.93147180369123816490e-01))), f64x2.mul(kf, f64x2.splat(1.90821492927058770002e-10)));
  const k = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(kf));
  const sc = i64x2.shl(i64x2.add(k, i64x2.splat(1023)), 52);
  return f64x2.add(f64x2.sub(sc, f64x2.splat(1.0)), f64x2.mul(sc, expm1Reduced(r)));
}

/**
 * tanh on 2 float64 lanes, fdlibm's split: with a = |x|, 1 − 2/(expm1(2a) + 2) for a ≥ 1,
 * −t/(t + 2) with t = expm1(−2a) below (no cancellation near 0), 1 from a ≥ 22; the sign of x
 * copied onto the result (tanh(−0) = −0, tanh(±∞) = ±1, NaN stays NaN).
 */
@inline function tanhF64x2(v: v128): v128 {
  const a = f64x2.abs(v), one = f64x2.splat(1.0), two = f64x2.splat(2.0);
  const ac = f64x2.min(a, f64x2.splat(22.0)); // expm1's range; a NaN stays NaN
  const t1 = expm1F64x2(f64x2.add(ac, ac)), t2 = expm1F64x2(f64x2.neg(f64x2.add(ac, ac)));
  const z1 = f64x2.sub(one, f64x2.div(two, f64x2.add(t1, two))), z2 = f64x2.div(f64x2.neg(t2), f64x2.add(t2, two));
  let z = v128.bitselect(z1, z2, f64x2.ge(a, one));
  z = v128.bitselect(one, z, f64x2.ge(a, f64x2.splat(22.0)));
  const signBit = i64x2.splat(0x8000000000000000);
  return v128.or(v128.andnot(z, signBit), v128.and(v, signBit)); // |z| with x's sign
}

/** out[i] = tanh(x[i]) for i ∈ [i0, i1) (float64, {@link tanhF64x2}); a last odd element by lane 0 of a splat. */
export function tanhF64(x: usize, i0: i32, i1: i32, out: usize): void {
  let i = i0;
  for (; i + 2 <= i1; i += 2) { const p = <usize>i << 3; v128.store(out + p, tanhF64x2(v128.load(x + p))); }
  if (i < i1) { const p = <usize>i << 3; store<f64>(out + p, f64x2.extract_lane(tanhF64x2(f64x2.splat(load<f64>(x + p))), 0)); }
}

/**
 * exp (op 0), σ (1) or SiLU x · σ(x) (2) of 2 float64 lanes, σ as the reference computes it: with
 * e = exp(−|x|), 1 / (1 + e) for x ≥ 0 and e / (1 + e) below (no overflow, and the lower tail keeps
 * its digits down to the subnormals).
 */
@inline function expFamilyF64x2(op: i32, v: v128): v128 {
  if (op == 0) return expF64x2(v);
  const one = f64x2.splat(1.0);
  const e = expF64x2(f64x2.neg(f64x2.abs(v))), d = f64x2.add(one, e);
  const s = v128.bitselect(f64x2.div(one, d), f64x2.div(e, d), f64x2.ge(v, f64x2.splat(0)));
  return op == 1 ? s : f64x2.mul(v, s);
}

/**
 * out[i] = f(x[i]) for i ∈ [i0, i1), f of {@link expFamilyF64x2}, four vectors a step (the
 * polynomial is one dependency chain per vector); a last odd element by lane 0 of a splat, the
 * same formula, so chunk boundaries never change a result.
 */
@inline function expFamilyF64(op: i32, x: usize, i0: i32, i1: i32, out: usize): void {
  let i = i0;
  for (; i + 8 <= i1; i += 8) {
    const p = <usize>i << 3;
    const va = v128.load(x + p), vb = v128.load(x + p, 16), vc = v128.load(x + p, 32), vd = v128.load(x + p, 48);
    v128.store(out + p, expFamilyF64x2(op, va));
    v128.store(out + p, expFamilyF64x2(op, vb), 16);
    v128.store(out + p, expFamilyF64x2(op, vc), 32);
    v128.store(out + p, expFamilyF64x2(op, vd), 48);
  }
  for (; i + 2 <= i1; i += 2) { const p = <usize>i << 3; v128.store(out + p, expFamilyF64x2(op, v128.load(x + p))); }
  for (; i < i1; i++) { const p = <usize>i << 3; store<f64>(out + p, f64x2.extract_lane(expFamilyF64x2(op, f64x2.splat(load<f64>(x + p))), 0)); }
}

/**
 * out[i] = (g[i] · σ(x[i])) · (1 + x[i] · (1 − σ(x[i]))) for i ∈ [i0, i1): SiLU's vector–Jacobian
 * product in float64, σ of {@link expFamilyF64x2}, the reference's order of operations; a last odd
 * element by lane 0 of a splat (the same formula).
 */
export function siluGradF64(x: usize, g: usize, i0: i32, i1: i32, out: usize): void {
  const one = f64x2.splat(1.0);
  let i = i0;
  for (; i + 2 <= i1; i += 2) {
    const p = <usize>i << 3, v = v128.load(x + p), sv = expFamilyF64x2(1, v);
    v128.store(out + p, f64x2.mul(f64x2.mul(v128.load(g + p), sv), f64x2.add(one, f64x2.mul(v, f64x2.sub(one, sv)))));
  }
  if (i < i1) {
    const p = <usize>i << 3, v = f64x2.splat(load<f64>(x + p)), sv = expFamilyF64x2(1, v);
    store<f64>(out + p, f64x2.extract_lane(f64x2.mul(f64x2.mul(f64x2.splat(load<f64>(g + p)), sv), f64x2.add(one, f64x2.mul(v, f64x2.sub(one, sv)))), 0));
  }
}

/**
 * Natural log on 2 float64 lanes, fdlibm's method: x = 2^k · m with m ∈ [√2/2, √2) (subnormals
 * scaled by 2⁵⁴ first), f = m − 1, s = f / (2 + f), log(1 + f) = f − (f²/2 − s·(f²/2 + R(s²))) with
 * R fdlibm's degree-7 polynomial in s² (its coefficients Lg1…Lg7), and k·ln 2 added in two parts
 * (ln2_hi has trailing zero bits). log(0) = −∞, log(x < 0) = NaN, log(+∞) = +∞, NaN stays NaN.
 */
@inline function logF64x2(v: v128): v128 {
  const one = f64x2.splat(1.0);
  const sub = f64x2.lt(v, f64x2.splat(2.2250738585072014e-308)); // subnormal, zero, negative (NaN lanes: false)
  const xs = v128.bitselect(f64x2.mul(v, f64x2.splat(18014398509481984.0)), v, sub); // · 2⁵⁴
  let k = i64x2.sub(i64x2.shr_u(xs, 52), i64x2.splat(1023));
  k = i64x2.sub(k, v128.and(sub, i64x2.splat(54)));
  let m = v128.or(v128.and(xs, i64x2.splat(0x000fffffffffffff)), i64x2.splat(0x3ff0000000000000)); // [1, 2)
  const big = f64x2.ge(m, f64x2.splat(1.4142135623730951));
  m = v128.bitselect(f64x2.mul(m, f64x2.splat(0.5)), m, big);
  k = i64x2.sub(k, big); // a true mask is −1: k + 1
  const f = f64x2.sub(m, one);
  const s = f64x2.div(f, f64x2.add(f64x2.splat(2.0), f));
  const z = f64x2.mul(s, s), w = f64x2.mul(z, z);
  const t1 = f64x2.mul(w, f64x2.add(f64x2.splat(3.999999999940941908e-01), f64x2.mul(w, f64x2.add(f64x2.splat(2.222219843214978396e-01), f64x2.mul(w, f64x2.splat(1.531383769920937332e-01))))));
  const t2 = f64x2.mul(z, f64x2.add(f64x2.splat(6.666666666666735130e-01), f64x2.mul(w, f64x2.add(f64x2.splat(2.857142874366239149e-01), f64x2.mul(w, f64x2.add(f64x2.splat(1.818357216161805012e-01), f64x2.mul(w, f64x2.splat(1.479819860511658591e-01))))))));
  const R = f64x2.add(t2, t1), hfsq = f64x2.mul(f64x2.splat(0.5), f64x2.mul(f, f));
  const kf = f64x2.convert_low_i32x4_s(i32x4.shuffle(k, k, 0, 2, 0, 2)); // |k| < 1100: the low words
  let r = f64x2.sub(f64x2.mul(kf, f64x2.splat(6.93147180369123816490e-01)),
    f64x2.sub(f64x2.sub(hfsq, f64x2.add(f64x2.mul(s, f64x2.add(hfsq, R)), f64x2.mul(kf, f64x2.splat(1.90821492927058770002e-10)))), f));
  r = v128.bitselect(f64x2.splat(-Infinity), r, f64x2.eq(v, f64x2.splat(0)));
  r = v128.bitselect(f64x2.splat(NaN), r, v128.or(f64x2.lt(v, f64x2.splat(0)), f64x2.ne(v, v)));
  return v128.bitselect(f64x2.splat(Infinity), r, f64x2.eq(v, f64x2.splat(Infinity)));
}

/** out[i] = log(x[i]) for i ∈ [i0, i1) (float64, {@link logF64x2}); a last odd element by lane 0 of a splat. */
export function logF64(x: usize, i0: i32, i1: i32, out: usize): void {
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const p = <usize>i << 3;
    const a = v128.load(x + p), b = v128.load(x + p, 16);
    v128.store(out + p, logF64x2(a));
    v128.store(out + p, logF64x2(b), 16);
  }
  for (; i + 2 <= i1; i += 2) { const p = <usize>i << 3; v128.store(out + p, logF64x2(v128.load(x + p))); }
  if (i < i1) { const p = <usize>i << 3; store<f64>(out + p, f64x2.extract_lane(logF64x2(f64x2.splat(load<f64>(x + p))), 0)); }
}

/** out[i] = exp(x[i]) for i ∈ [i0, i1) (float64, within one ulp; in place allowed). */
export function expF64(x: usize, i0: i32, i1: i32, out: usize): void { expFamilyF64(0, x, i0, i1, out); }
/** out[i] = σ(x[i]) for i ∈ [i0, i1) (float64). */
export function sigmoidF64(x: usize, i0: i32, i1: i32, out: usize): void { expFamilyF64(1, x, i0, i1, out); }
/** out[i] = x[i] · σ(x[i]) for i ∈ [i0, i1) (float64 SiLU). */
export function siluF64(x: usize, i0: i32, i1: i32, out: usize): void { expFamilyF64(2, x, i0, i1, out); }

/** out[i] = exp(x[i]) for i ∈ [i0, i1) (float32, ≈ 1e-7 relative; in place allowed). */
export function expF32(x: usize, i0: i32, i1: i32, out: usize): void { expFamilyF32(0, x, i0, i1, out); }

/** out[i] = σ(x[i]) for i ∈ [i0, i1) (float32). */
export function sigmoidF32(x: usize, i0: i32, i1: i32, out: usize): void { expFamilyF32(1, x, i0, i1, out); }

/** out[i] = x[i] · σ(x[i]) for i ∈ [i0, i1) (float32 SiLU). */
export function siluF32(x: usize, i0: i32, i1: i32, out: usize): void { expFamilyF32(2, x, i0, i1, out); }

/** out[i] = g[i] · σ(x[i]) · (1 + x[i] · (1 − σ(x[i]))) for i ∈ [i0, i1): SiLU's vector–Jacobian product (float32). */
export function siluGradF32(x: usize, g: usize, i0: i32, i1: i32, out: usize): void {
  const one = f32x4.splat(1.0);
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const p = <usize>i << 2;
    const v = v128.load(x + p), sv = sigmoidF32x4(v);
    v128.store(out + p, f32x4.mul(v128.load(g + p), f32x4.mul(sv, f32x4.add(one, f32x4.mul(v, f32x4.sub(one, sv))))));
  }
  for (; i < i1; i++) { // one lane of the vector formula: the same bits wherever the chunk boundaries fall
    const p = <usize>i << 2;
    const v = f32x4.splat(load<f32>(x + p)), sv = sigmoidF32x4(v);
    store<f32>(out + p, f32x4.extract_lane(f32x4.mul(f32x4.splat(load<f32>(g + p)), f32x4.mul(sv, f32x4.add(one, f32x4.mul(v, f32x4.sub(one, sv))))), 0));
  }
}

/**
 * [min, max] of x[0 .. n) into out[0], out[1] (NaN if any NaN): decides whether a segment softmax
 * may shift by the global max instead of each segment's (see `expSumShift`).
 */
function minMax<T>(x: usize, n: i32, out: usize): void {
  const sz = sizeof<T>();
  let lo: T = <T>Infinity, hi: T = <T>-Infinity;
  let i = 0;
  if (sz == 4) {
    let vlo = f32x4.splat(Infinity), vhi = f32x4.splat(-Infinity);
    for (; i + 4 <= n; i += 4) { const v = v128.load(x + (<usize>i << 2)); vlo = f32x4.min(vlo, v); vhi = f32x4.max(vhi, v); }
    lo = <T>min(min(f32x4.extract_lane(vlo, 0), f32x4.extract_lane(vlo, 1)), min(f32x4.extract_lane(vlo, 2), f32x4.extract_lane(vlo, 3)));
    hi = <T>max(max(f32x4.extract_lane(vhi, 0), f32x4.extract_lane(vhi, 1)), max(f32x4.extract_lane(vhi, 2), f32x4.extract_lane(vhi, 3)));
  }
  for (; i < n; i++) { const v = load<T>(x + <usize>i * sz); lo = min(lo, v); hi = max(hi, v); }
  store<T>(out, lo);
  store<T>(out + sz, hi);
}
/** float32 {@link minMax}. */
export function minMaxF32(x: usize, n: i32, out: usize): void { minMax<f32>(x, n, out); }
/** float64 {@link minMax}. */
export function minMaxF64(x: usize, n: i32, out: usize): void { minMax<f64>(x, n, out); }

/**
 * out[e, c] = exp(x[e, c] − shift) and sum[ids[e], c] += out[e, c] for e ∈ [e0, e1), with one
 * global `shift` (read from memory at `pshift`): the softmax's shift invariance makes this equal
 * to the per-segment-max form whenever max − min of x is small enough that nothing overflows or
 * underflows to 0 (checked by the caller), and it saves the max pass and its scattered stores.
 * `sum` = 0: exp only (the threaded form, see {@link expSumF32}).
 */
export function expSumShiftF32(x: usize, C: i32, ids: usize, e0: i32, e1: i32, pshift: usize, out: usize, sum: usize): void {
  const sh = f32x4.splat(load<f32>(pshift));
  let i = e0 * C;
  const i1 = e1 * C;
  for (; i + 4 <= i1; i += 4) { const p = <usize>i << 2; v128.store(out + p, expF32x4(f32x4.sub(v128.load(x + p), sh))); }
  for (; i < i1; i++) { const p = <usize>i << 2; store<f32>(out + p, expF32s(load<f32>(x + p) - load<f32>(pshift))); }
  if (sum) for (let e = e0; e < e1; e++) {
    const so = <usize>ld32(ids, e) * <usize>C, eo = <usize>e * <usize>C;
    for (let c: usize = 0; c < <usize>C; c++) { const ps = sum + ((so + c) << 2); store<f32>(ps, load<f32>(ps) + load<f32>(out + ((eo + c) << 2))); }
  }
}
/** float64 {@link expSumShiftF32}. */
export function expSumShiftF64(x: usize, C: i32, ids: usize, e0: i32, e1: i32, pshift: usize, out: usize, sum: usize): void {
  const sh = load<f64>(pshift);
  for (let e = e0; e < e1; e++) {
    const so = <usize>ld32(ids, e) * <usize>C, eo = <usize>e * <usize>C;
    for (let c: usize = 0; c < <usize>C; c++) {
      const v = Math.exp(load<f64>(x + ((eo + c) << 3)) - sh);
      store<f64>(out + ((eo + c) << 3), v);
      if (sum) { const ps = sum + ((so + c) << 3); store<f64>(ps, load<f64>(ps) + v); }
    }
  }
}

// ------------------------------------------------------------------ CSR of segment ids

/**
 * Validate ids against [0, S) and fingerprint them (4-lane FNV-1a-style hash, lanes folded): −1
 * when an id is out of range, else a non-negative hash (a cached CSR is only served for ids with
 * the same fingerprint, so ids changed in place get a new CSR).
 */
export function fingerprint(ids: usize, n: i32, S: i32): i32 {
  const lim = i32x4.splat(S), prime = i32x4.splat(16777619);
  let h = i32x4.splat(<i32>0x811c9dc5), bad = vzero();
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(ids + (<usize>i << 2));
    bad = v128.or(bad, i32x4.ge_u(v, lim));
    h = i32x4.mul(v128.xor(h, v), prime);
  }
  if (v128.any_true(bad)) return -1;
  let r = i32x4.extract_lane(h, 0) ^ (i32x4.extract_lane(h, 1) * 31) ^ (i32x4.extract_lane(h, 2) * 961) ^ (i32x4.extract_lane(h, 3) * 29791);
  for (; i < n; i++) {
    const v = ld32(ids, i);
    if (<u32>v >= <u32>S) return -1;
    r = (r ^ v) * 16777619;
  }
  return (r ^ n) & 0x7fffffff;
}

/** CSR of valid ids (counting sort, stable): rowptr[S + 1], perm[k] = the k-th edge in segment order; `cursor` is scratch of S ints. */
export function buildCsr(ids: usize, n: i32, S: i32, rowptr: usize, perm: usize, cursor: usize): void {
  memory.fill(rowptr, 0, (<usize>S + 1) << 2);
  for (let e = 0; e < n; e++) { const p = rowptr + ((<usize>ld32(ids, e) + 1) << 2); store<i32>(p, load<i32>(p) + 1); }
  for (let s = 0; s < S; s++) store<i32>(rowptr + ((<usize>s + 1) << 2), ld32(rowptr, s + 1) + ld32(rowptr, s));
  memory.copy(cursor, rowptr, <usize>S << 2);
  for (let e = 0; e < n; e++) {
    const pc = cursor + (<usize>ld32(ids, e) << 2), k = load<i32>(pc);
    store<i32>(pc, k + 1);
    store<i32>(perm + (<usize>k << 2), e);
  }
}

// ------------------------------------------------------------------ SO(2) transport (GEM-CNN)

// Rows of F = C·B features, B = 2L + 1, per block [a₀, c₁, s₁, …, c_L, s_L]; per edge a coefficient
// row t = [t₀, γ₁, σ₁, …, γ_L, σ_L] acting as a₀ ↦ t₀a₀, c ↦ γc − σs, s ↦ σc + γs (the spec is
// src/backend/js/so2.ts). Vectorised as out[f] = P[f]·x[f] + Q[f]·x[partner(f)] with partner f + 1
// on cosine lanes and f − 1 on sine lanes (two unaligned loads and a bitselect), and out[f] = P[f]·x[f]
// on a₀ lanes (a bitselect, so no 0·x term touches them). P and Q repeat with period W = 4B
// (a multiple of the vector width), expanded per edge into per-thread scratch: [P W][Q W][cos mask W][a₀ mask W].
// Products and sums round in T as the reference's do (γc + (−σ)s is γc − σs exactly; no FMA).

function so2Masks<T>(L: i32, s: usize): void {
  const B = 2 * L + 1, W = 4 * B;
  const mc = s + <usize>(2 * W) * sizeof<T>(), ma = s + <usize>(3 * W) * sizeof<T>();
  for (let f = 0; f < W; f++) {
    const j = f % B;
    const c: i64 = j > 0 && (j & 1) == 1 ? -1 : 0, a: i64 = j == 0 ? -1 : 0;
    if (sizeof<T>() == 4) {
      store<i32>(mc + (<usize>f << 2), <i32>c); store<i32>(ma + (<usize>f << 2), <i32>a);
    } else {
      store<i64>(mc + (<usize>f << 3), c); store<i64>(ma + (<usize>f << 3), a);
    }
  }
}

@inline function so2Expand<T>(t: usize, L: i32, s: usize): void {
  const B = 2 * L + 1, W = 4 * B, eb = sizeof<T>();
  const q = s + <usize>W * eb;
  const t0 = load<T>(t);
  for (let r = 0; r < 4; r++) {
    const b = <usize>(r * B);
    store<T>(s + b * eb, t0); store<T>(q + b * eb, <T>0);
    for (let l = 1; l <= L; l++) {
      const g = load<T>(t + <usize>(2 * l - 1) * eb), sn = load<T>(t + <usize>(2 * l) * eb);
      const ic = (b + <usize>(2 * l - 1)) * eb;
      store<T>(s + ic, g); store<T>(q + ic, -sn);
      store<T>(s + ic + eb, g); store<T>(q + ic + eb, sn);
    }
  }
}

/**
 * o[0 .. F) (+)= R(t) x[0 .. F) with P, Q, masks in scratch `s` (see above). Vectors by phase: the
 * P, Q and masks of a phase are loaded once and applied to every period of the row.
 */
@inline function so2Row<T>(x: usize, F: i32, B: i32, s: usize, o: usize, acc: bool): void {
  const W = 4 * B, eb = sizeof<T>(), VL = 16 / <i32>eb;
  const qp = s + <usize>W * eb, mc = s + <usize>(2 * W) * eb, ma = s + <usize>(3 * W) * eb;
  const nv = F - F % VL; // elements covered by whole vectors
  for (let p = 0; p < W && p < nv; p += VL) {
    const pb = <usize>p * eb;
    const P = v128.load(s + pb), Q = v128.load(qp + pb), MC = v128.load(mc + pb), MA = v128.load(ma + pb);
    for (let f = p; f < nv; f += W) {
      const xb = x + <usize>f * eb;
      const v = v128.load(xb);
      const partner = v128.bitselect(v128.load(xb + eb), v128.load(xb - eb), MC);
      const px = vmul<T>(P, v);
      let r = v128.bitselect(px, vadd<T>(px, vmul<T>(Q, partner)), MA);
      const ob = o + <usize>f * eb;
      if (acc) r = vadd<T>(v128.load(ob), r);
      v128.store(ob, r);
    }
  }
  for (let f = nv; f < F; f++) {
    const j = f % B, pb = <usize>(f % W) * eb;
    const xv = load<T>(x + <usize>f * eb);
    const px: T = load<T>(s + pb) * xv;
    let r: T = px;
    if (j > 0) r = px + load<T>(qp + pb) * load<T>(x + <usize>((j & 1) == 1 ? f + 1 : f - 1) * eb);
    const ob = o + <usize>f * eb;
    store<T>(ob, acc ? load<T>(ob) + r : r);
  }
}

function so2Gather<T>(x: usize, F: i32, L: i32, idx: usize, coef: usize, k0: i32, k1: i32, out: usize, scratch: usize): void {
  const B = 2 * L + 1, rb = <usize>F * sizeof<T>(), tb = <usize>B * sizeof<T>();
  so2Masks<T>(L, scratch);
  for (let k = k0; k < k1; k++) {
    so2Expand<T>(coef + <usize>k * tb, L, scratch);
    so2Row<T>(x + <usize>ld32(idx, k) * rb, F, B, scratch, out + <usize>k * rb, false);
  }
}
/** out[k] = R(coef[k]) x[idx[k]] for k ∈ [k0, k1) (float32); `scratch`: this thread's 16·(2L+1)·4 bytes. */
export function so2GatherF32(x: usize, F: i32, L: i32, idx: usize, coef: usize, k0: i32, k1: i32, out: usize, scratch: usize): void { so2Gather<f32>(x, F, L, idx, coef, k0, k1, out, scratch); }
/** {@link so2GatherF32} for float64. */
export function so2GatherF64(x: usize, F: i32, L: i32, idx: usize, coef: usize, k0: i32, k1: i32, out: usize, scratch: usize): void { so2Gather<f64>(x, F, L, idx, coef, k0, k1, out, scratch); }

/** R(t) x at the vector at `xb` with P, Q of its phase at `pp`, `qp` and the phase's masks (see above). */
@inline function so2Lane<T>(xb: usize, pp: usize, qp: usize, mc: v128, ma: v128): v128 {
  const eb = sizeof<T>();
  const v = v128.load(xb);
  const partner = v128.bitselect(v128.load(xb + eb), v128.load(xb - eb), mc);
  const px = vmul<T>(v128.load(pp), v);
  return v128.bitselect(px, vadd<T>(px, vmul<T>(v128.load(qp), partner)), ma);
}

/** The scalar form of {@link so2Lane} at element f (in-block offset j, phase ph). */
@inline function so2Term<T>(x: usize, f: i32, j: i32, ph: i32, pp: usize, qp: usize): T {
  const eb = sizeof<T>();
  const px: T = load<T>(pp + <usize>ph * eb) * load<T>(x + <usize>f * eb);
  if (j == 0) return px;
  return px + load<T>(qp + <usize>ph * eb) * load<T>(x + <usize>((j & 1) == 1 ? f + 1 : f - 1) * eb);
}

/** Edges per block of the segment sum: their rows are read together (independent loads in flight). */
const SO2_BLOCK = 4;

// Segment sum: a segment's edges in blocks of SO2_BLOCK; per vector of the output row, the block's
// terms are added in edge order (the reference's order) to the running sum. Scratch: [mc W][ma W],
// then per block slot [P W][Q W] (so2Scratch in src/backend/wasm/kernels.ts: 10·W elements).
function so2SegSum<T>(m: usize, F: i32, L: i32, coef: usize, perm: usize, rowptr: usize, s0: i32, s1: i32, out: usize, scratch: usize): void {
  const B = 2 * L + 1, W = 4 * B, eb = sizeof<T>(), VL = 16 / <i32>eb;
  const rb = <usize>F * eb, tb = <usize>B * eb, wb = <usize>W * eb;
  const mcp = scratch, map = scratch + wb, slots = scratch + 2 * wb, slotb = 2 * wb;
  // the masks in the layout so2Masks writes ([P][Q][mc][ma]), shifted so that mc, ma land at the start
  so2Masks<T>(L, scratch - 2 * wb);
  const nv = F - F % VL;
  for (let s = s0; s < s1; s++) {
    const o = out + <usize>s * rb;
    memory.fill(o, 0, rb);
    const en = ld32(rowptr, s + 1);
    for (let k0 = ld32(rowptr, s); k0 < en; k0 += SO2_BLOCK) {
      const nb = min(SO2_BLOCK, en - k0);
      for (let j = 0; j < nb; j++) {
        const e = <usize>ld32(perm, k0 + j);
        so2Expand<T>(coef + e * tb, L, slots + <usize>j * slotb);
      }
      const r0 = m + <usize>ld32(perm, k0) * rb;
      const r1 = nb > 1 ? m + <usize>ld32(perm, k0 + 1) * rb : r0;
      const r2 = nb > 2 ? m + <usize>ld32(perm, k0 + 2) * rb : r0;
      const r3 = nb > 3 ? m + <usize>ld32(perm, k0 + 3) * rb : r0;
      for (let p = 0; p < W && p < nv; p += VL) {
        const pb = <usize>p * eb;
        const MC = v128.load(mcp + pb), MA = v128.load(map + pb);
        const p0 = slots + pb, p1 = p0 + slotb, p2 = p1 + slotb, p3 = p2 + slotb;
        for (let f = p; f < nv; f += W) {
          const fb = <usize>f * eb, ob = o + fb;
          let acc = vadd<T>(v128.load(ob), so2Lane<T>(r0 + fb, p0, p0 + wb, MC, MA));
          if (nb > 1) acc = vadd<T>(acc, so2Lane<T>(r1 + fb, p1, p1 + wb, MC, MA));
          if (nb > 2) acc = vadd<T>(acc, so2Lane<T>(r2 + fb, p2, p2 + wb, MC, MA));
          if (nb > 3) acc = vadd<T>(acc, so2Lane<T>(r3 + fb, p3, p3 + wb, MC, MA));
          v128.store(ob, acc);
        }
      }
      for (let f = nv; f < F; f++) {
        const j = f % B, ph = f % W, ob = o + <usize>f * eb;
        let a = load<T>(ob) + so2Term<T>(r0, f, j, ph, slots, slots + wb);
        if (nb > 1) a += so2Term<T>(r1, f, j, ph, slots + slotb, slots + slotb + wb);
        if (nb > 2) a += so2Term<T>(r2, f, j, ph, slots + 2 * slotb, slots + 2 * slotb + wb);
        if (nb > 3) a += so2Term<T>(r3, f, j, ph, slots + 3 * slotb, slots + 3 * slotb + wb);
        store<T>(ob, a);
      }
    }
  }
}
/**
 * out[s] = Σ_{k ∈ [rowptr[s], rowptr[s+1])} R(coef[perm[k]]) m[perm[k]] for s ∈ [s0, s1), in CSR
 * (ascending edge) order (float32); `scratch`: this thread's 40·(2L+1)·4 bytes.
 */
export function so2SegSumF32(m: usize, F: i32, L: i32, coef: usize, perm: usize, rowptr: usize, s0: i32, s1: i32, out: usize, scratch: usize): void { so2SegSum<f32>(m, F, L, coef, perm, rowptr, s0, s1, out, scratch); }
/** {@link so2SegSumF32} for float64. */
export function so2SegSumF64(m: usize, F: i32, L: i32, coef: usize, perm: usize, rowptr: usize, s0: i32, s1: i32, out: usize, scratch: usize): void { so2SegSum<f64>(m, F, L, coef, perm, rowptr, s0, s1, out, scratch); }

// ------------------------------------------------------------------ elementwise maps and reductions
// (src/backend/wasm/elementwise.ts). Elementwise results do not depend on how [0, n) is chunked:
// every element is computed alone, and the scalar tails run the vector code on a splat (lane 0).
// Op codes, shared with src/backend/wasm/elementwise.ts:
//   unary  0 neg, 1 abs, 2 relu, 3 step, 4 square, 5 sqrt, 6 reciprocal, 7 rsqrt, 8 tanh, 9 log,
//          10 gelu (8–10: float32 only; float64 has no loop for them)
//   binary 0 add, 1 sub, 2 mul, 3 div, 4 maximum, 5 minimum, 6 eq, 7 ne, 8 lt, 9 le, 10 gt, 11 ge
//   reduce 0 sum, 1 max, 2 min

@inline function lane0<T>(v: v128): T {
  if (sizeof<T>() == 4) return <T>f32x4.extract_lane(v, 0);
  return <T>f64x2.extract_lane(v, 0);
}

/**
 * tanh of 4 float32 lanes (Cephes `tanhf`): x + x³·P(x²) for |x| < 0.625, else
 * sign(x)·(1 − 2 / (e^{2|x|} + 1)) with {@link expF32x4} (which saturates: ±1 for large |x|);
 * ±0 and NaN pass through. A few ulp.
 */
@inline function tanhF32x4(x: v128): v128 {
  const ax = f32x4.abs(x), z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  const one = f32x4.splat(1);
  const e = expF32x4(f32x4.add(ax, ax));
  const big = f32x4.sub(one, f32x4.div(f32x4.splat(2), f32x4.add(e, one)));
  const signed = v128.or(big, v128.and(x, i32x4.splat(0x80000000))); // big ≥ 0: copy the sign of x
  const r = v128.bitselect(small, signed, f32x4.lt(ax, f32x4.splat(0.625)));
  return v128.bitselect(x, r, f32x4.eq(x, f32x4.splat(0))); // tanh(−0) = −0 (the polynomial gives +0)
}

/**
 * Natural log of 4 float32 lanes (Cephes `logf`): x = m·2^e with m ∈ [√½, √2), log(m) by a degree-9
 * polynomial in m − 1, e·ln 2 in two parts; subnormals scaled by 2^23 first; log(±0) = −∞,
 * log(x < 0) = NaN, log(+∞) = +∞, NaN stays NaN. About 1 ulp.
 */
@inline function logF32x4(x: v128): v128 {
  const sub = f32x4.lt(x, f32x4.splat(1.17549435e-38));
  const xs = v128.bitselect(f32x4.mul(x, f32x4.splat(8388608.0)), x, sub);
  let e = i32x4.sub(i32x4.shr_u(xs, 23), i32x4.splat(126));
  e = i32x4.sub(e, v128.and(sub, i32x4.splat(23)));
  let m = v128.or(v128.and(xs, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000)); // [0.5, 1)
  const lo = f32x4.lt(m, f32x4.splat(0.707106781186547524));
  e = i32x4.add(e, lo); // (lo is −1 where true)
  m = f32x4.sub(f32x4.add(m, v128.and(m, lo)), f32x4.splat(1));
  const z = f32x4.mul(m, m);
  let y = f32x4.splat(7.0376836292e-2);
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(-1.1514610310e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(1.1676998740e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(-1.2420140846e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(1.4249322787e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(-1.6668057665e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(2.0000714765e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(-2.4999993993e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(3.3333331174e-1));
  y = f32x4.mul(f32x4.mul(y, m), z);
  const fe = f32x4.convert_i32x4_s(e);
  y = f32x4.add(y, f32x4.mul(fe, f32x4.splat(-2.12194440e-4)));
  y = f32x4.sub(y, f32x4.mul(z, f32x4.splat(0.5)));
  let r = f32x4.add(f32x4.add(m, y), f32x4.mul(fe, f32x4.splat(0.693359375)));
  r = v128.bitselect(f32x4.splat(-Infinity), r, f32x4.eq(x, f32x4.splat(0)));
  r = v128.bitselect(x, r, f32x4.eq(x, f32x4.splat(Infinity)));
  return v128.bitselect(f32x4.splat(NaN), r, v128.or(f32x4.lt(x, f32x4.splat(0)), f32x4.ne(x, x)));
}

/**
 * GELU x·Φ(x) of 4 float32 lanes, Φ(x) = ½(1 + erf(x/√2)) = ½·erfc(−x/√2): for |x/√2| < ½ erf by its
 * Maclaurin series (8 terms, truncation < 1e-11); beyond, erfc(z) = e^{−z²}·R(z), R a degree-9
 * polynomial in t = 1 / (1 + z/2) (least squares on [0.45, 10], 3e-9 relative; 3e-7 evaluated in
 * float32), taken as Φ = erfc/2 for x < 0 (no cancellation in the lower tail) and 1 − erfc/2 above;
 * erfc = 0 for z > 9.5 (so gelu(−∞) = NaN, as the reference's −∞·0). NaN stays NaN, ±0 stays ±0.
 */
@inline function geluF32x4(x: v128): v128 {
  const zs = f32x4.mul(x, f32x4.splat(0.7071067811865476)), z = f32x4.abs(zs), z2 = f32x4.mul(zs, zs);
  let s = f32x4.splat(-1.4925650248187594e-5); // erf(z)/z as a series in z²
  s = f32x4.add(f32x4.mul(s, z2), f32x4.splat(1.2055332626914605e-4));
  s = f32x4.add(f32x4.mul(s, z2), f32x4.splat(-8.548327023163438e-4));
  s = f32x4.add(f32x4.mul(s, z2), f32x4.splat(5.223977845162153e-3));
  s = f32x4.add(f32x4.mul(s, z2), f32x4.splat(-2.686617150902748e-2));
  s = f32x4.add(f32x4.mul(s, z2), f32x4.splat(1.1283791810274124e-1));
  s = f32x4.add(f32x4.mul(s, z2), f32x4.splat(-3.7612637877464294e-1));
  s = f32x4.add(f32x4.mul(s, z2), f32x4.splat(1.128379225730896));
  const half = f32x4.splat(0.5);
  const phiSmall = f32x4.add(half, f32x4.mul(half, f32x4.mul(s, zs)));
  const t = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), f32x4.mul(z, half)));
  let r = f32x4.splat(-0.07496034212914045);
  r = f32x4.add(f32x4.mul(r, t), f32x4.splat(0.353566938742456));
  r = f32x4.add(f32x4.mul(r, t), f32x4.splat(-0.6152602046179071));
  r = f32x4.add(f32x4.mul(r, t), f32x4.splat(0.4109099318562416));
  r = f32x4.add(f32x4.mul(r, t), f32x4.splat(-0.1111362324031258));
  r = f32x4.add(f32x4.mul(r, t), f32x4.splat(0.23673257960537872));
  r = f32x4.add(f32x4.mul(r, t), f32x4.splat(0.23445347894720492));
  r = f32x4.add(f32x4.mul(r, t), f32x4.splat(0.28370732239498275));
  r = f32x4.add(f32x4.mul(r, t), f32x4.splat(0.2819739119950312));
  r = f32x4.add(f32x4.mul(r, t), f32x4.splat(3.964935286981941e-6));
  let erfc = f32x4.mul(expF32x4(f32x4.neg(z2)), r);
  erfc = v128.andnot(erfc, f32x4.gt(z, f32x4.splat(9.5)));
  const he = f32x4.mul(half, erfc);
  const phiBig = v128.bitselect(he, f32x4.sub(f32x4.splat(1), he), f32x4.lt(x, f32x4.splat(0)));
  return f32x4.mul(x, v128.bitselect(phiSmall, phiBig, f32x4.lt(z, half)));
}

/**
 * One unary op on a vector, with the reference's special values (src/backend/js/elementwise.ts):
 * relu keeps x where x > 0 or x is NaN and gives +0 elsewhere (relu(−0) = +0); step is 1 where
 * x > 0, else +0 (NaN included); rsqrt of a float32 is 1 / √x in float64, rounded once, as the
 * reference computes it.
 */
@inline function ewUnary<T>(op: i32, x: v128): v128 {
  if (sizeof<T>() == 4) {
    switch (op) {
      case 0: return f32x4.neg(x);
      case 1: return f32x4.abs(x);
      case 2: return v128.and(x, v128.or(f32x4.gt(x, f32x4.splat(0)), f32x4.ne(x, x)));
      case 3: return v128.and(f32x4.gt(x, f32x4.splat(0)), f32x4.splat(1));
      case 4: return f32x4.mul(x, x);
      case 5: return f32x4.sqrt(x);
      case 6: return f32x4.div(f32x4.splat(1), x);
      case 8: return tanhF32x4(x);
      case 9: return logF32x4(x);
      case 10: return geluF32x4(x);
      default: {
        const one = f64x2.splat(1);
        const lo = f64x2.div(one, f64x2.sqrt(f64x2.promote_low_f32x4(x)));
        const hi = f64x2.div(one, f64x2.sqrt(f64x2.promote_low_f32x4(i8x16.shuffle(x, x, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7))));
        return i8x16.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
      }
    }
  }
  switch (op) {
    case 0: return f64x2.neg(x);
    case 1: return f64x2.abs(x);
    case 2: return v128.and(x, v128.or(f64x2.gt(x, f64x2.splat(0)), f64x2.ne(x, x)));
    case 3: return v128.and(f64x2.gt(x, f64x2.splat(0)), f64x2.splat(1));
    case 4: return f64x2.mul(x, x);
    case 5: return f64x2.sqrt(x);
    case 6: return f64x2.div(f64x2.splat(1), x);
    default: return f64x2.div(f64x2.splat(1), f64x2.sqrt(x));
  }
}

/**
 * One binary op on vectors, with the reference's special values: maximum / minimum give NaN when
 * either side is NaN, else `a > b ? a : b` (`a < b ? a : b`), so equal zeros give b; comparisons
 * give 1 or +0 (NaN compares unequal to everything).
 */
@inline function ewBinary<T>(op: i32, a: v128, b: v128): v128 {
  if (sizeof<T>() == 4) {
    const one = f32x4.splat(1);
    switch (op) {
      case 0: return f32x4.add(a, b);
      case 1: return f32x4.sub(a, b);
      case 2: return f32x4.mul(a, b);
      case 3: return f32x4.div(a, b);
      case 4: return v128.bitselect(a, b, v128.or(f32x4.gt(a, b), f32x4.ne(a, a)));
      case 5: return v128.bitselect(a, b, v128.or(f32x4.lt(a, b), f32x4.ne(a, a)));
      case 6: return v128.and(f32x4.eq(a, b), one);
      case 7: return v128.and(f32x4.ne(a, b), one);
      case 8: return v128.and(f32x4.lt(a, b), one);
      case 9: return v128.and(f32x4.le(a, b), one);
      case 10: return v128.and(f32x4.gt(a, b), one);
      default: return v128.and(f32x4.ge(a, b), one);
    }
  }
  const one = f64x2.splat(1);
  switch (op) {
    case 0: return f64x2.add(a, b);
    case 1: return f64x2.sub(a, b);
    case 2: return f64x2.mul(a, b);
    case 3: return f64x2.div(a, b);
    case 4: return v128.bitselect(a, b, v128.or(f64x2.gt(a, b), f64x2.ne(a, a)));
    case 5: return v128.bitselect(a, b, v128.or(f64x2.lt(a, b), f64x2.ne(a, a)));
    case 6: return v128.and(f64x2.eq(a, b), one);
    case 7: return v128.and(f64x2.ne(a, b), one);
    case 8: return v128.and(f64x2.lt(a, b), one);
    case 9: return v128.and(f64x2.le(a, b), one);
    case 10: return v128.and(f64x2.gt(a, b), one);
    default: return v128.and(f64x2.ge(a, b), one);
  }
}

/** out[i] = op(x[i]) for i ∈ [i0, i1) (`op` a constant after inlining: one loop per op). */
@inline function mapLoop<T>(op: i32, x: usize, i0: i32, i1: i32, out: usize): void {
  const L = 16 / sizeof<T>(), sh = <usize>(sizeof<T>() == 4 ? 2 : 3);
  let i = i0;
  for (; i + 2 * L <= i1; i += 2 * L) {
    const p = <usize>i << sh;
    v128.store(out + p, ewUnary<T>(op, v128.load(x + p)));
    v128.store(out + p, ewUnary<T>(op, v128.load(x + p, 16)), 16);
  }
  for (; i < i1; i++) { const p = <usize>i << sh; store<T>(out + p, lane0<T>(ewUnary<T>(op, vsplat<T>(load<T>(x + p))))); }
}
function mapAny<T>(op: i32, x: usize, i0: i32, i1: i32, out: usize): void {
  switch (op) {
    case 0: mapLoop<T>(0, x, i0, i1, out); break;
    case 1: mapLoop<T>(1, x, i0, i1, out); break;
    case 2: mapLoop<T>(2, x, i0, i1, out); break;
    case 3: mapLoop<T>(3, x, i0, i1, out); break;
    case 4: mapLoop<T>(4, x, i0, i1, out); break;
    case 5: mapLoop<T>(5, x, i0, i1, out); break;
    case 6: mapLoop<T>(6, x, i0, i1, out); break;
    case 7: mapLoop<T>(7, x, i0, i1, out); break;
    case 8: if (sizeof<T>() == 4) mapLoop<T>(8, x, i0, i1, out); break;
    case 9: if (sizeof<T>() == 4) mapLoop<T>(9, x, i0, i1, out); break;
    default: if (sizeof<T>() == 4) mapLoop<T>(10, x, i0, i1, out);
  }
}
/** out[i] = op(x[i]) for i ∈ [i0, i1), float32 (op codes above; `out` may be `x`). */
export function mapF32(op: i32, x: usize, i0: i32, i1: i32, out: usize): void { mapAny<f32>(op, x, i0, i1, out); }
/** {@link mapF32} for float64. */
export function mapF64(op: i32, x: usize, i0: i32, i1: i32, out: usize): void { mapAny<f64>(op, x, i0, i1, out); }

/**
 * out[j] = op(a[j], b[j]) for j < n, where a side with `va` (`vb`) false is the one element at
 * `pa` (`pb`), broadcast (both flags constants after inlining).
 */
@inline function binRow<T>(op: i32, pa: usize, va: bool, pb: usize, vb: bool, n: i32, po: usize): void {
  const L = 16 / sizeof<T>(), sh = <usize>(sizeof<T>() == 4 ? 2 : 3);
  const sa = vsplat<T>(load<T>(pa)), sb = vsplat<T>(load<T>(pb));
  let j = 0;
  for (; j + 2 * L <= n; j += 2 * L) {
    const p = <usize>j << sh;
    v128.store(po + p, ewBinary<T>(op, va ? v128.load(pa + p) : sa, vb ? v128.load(pb + p) : sb));
    v128.store(po + p, ewBinary<T>(op, va ? v128.load(pa + p, 16) : sa, vb ? v128.load(pb + p, 16) : sb), 16);
  }
  for (; j < n; j++) {
    const p = <usize>j << sh;
    store<T>(po + p, lane0<T>(ewBinary<T>(op, va ? vsplat<T>(load<T>(pa + p)) : sa, vb ? vsplat<T>(load<T>(pb + p)) : sb)));
  }
}

/** {@link binRow} for each op (`va`, `vb` constants): one loop per op, chosen once per row. */
@inline function binRowOps<T>(op: i32, pa: usize, va: bool, pb: usize, vb: bool, n: i32, po: usize): void {
  switch (op) {
    case 0: binRow<T>(0, pa, va, pb, vb, n, po); break;
    case 1: binRow<T>(1, pa, va, pb, vb, n, po); break;
    case 2: binRow<T>(2, pa, va, pb, vb, n, po); break;
    case 3: binRow<T>(3, pa, va, pb, vb, n, po); break;
    case 4: binRow<T>(4, pa, va, pb, vb, n, po); break;
    case 5: binRow<T>(5, pa, va, pb, vb, n, po); break;
    case 6: binRow<T>(6, pa, va, pb, vb, n, po); break;
    case 7: binRow<T>(7, pa, va, pb, vb, n, po); break;
    case 8: binRow<T>(8, pa, va, pb, vb, n, po); break;
    case 9: binRow<T>(9, pa, va, pb, vb, n, po); break;
    case 10: binRow<T>(10, pa, va, pb, vb, n, po); break;
    default: binRow<T>(11, pa, va, pb, vb, n, po);
  }
}
function binVV<T>(op: i32, pa: usize, pb: usize, n: i32, po: usize): void { binRowOps<T>(op, pa, true, pb, true, n, po); }
function binVS<T>(op: i32, pa: usize, pb: usize, n: i32, po: usize): void { binRowOps<T>(op, pa, true, pb, false, n, po); }
function binSV<T>(op: i32, pa: usize, pb: usize, n: i32, po: usize): void { binRowOps<T>(op, pa, false, pb, true, n, po); }

/**
 * The broadcasting forms of a binary op (`mode`): 0 same shape, over elements [i0, i1);
 * 1 b a scalar; 2 a a scalar (elements); over rows [i0, i1) of N elements: 3 b one row of N
 * (b[j]), 4 a one row, 5 b one element per row, cycling with period `mid` (b[r mod mid]: [M, 1]
 * with mid = M, or a middle block such as a [1, C, 1, 1] bias), 6 a one element per row likewise.
 */
function binAny<T>(op: i32, mode: i32, a: usize, b: usize, N: i32, mid: i32, i0: i32, i1: i32, out: usize): void {
  const sh = <usize>(sizeof<T>() == 4 ? 2 : 3);
  const e0 = <usize>i0 << sh;
  switch (mode) {
    case 0: binVV<T>(op, a + e0, b + e0, i1 - i0, out + e0); break;
    case 1: binVS<T>(op, a + e0, b, i1 - i0, out + e0); break;
    case 2: binSV<T>(op, a, b + e0, i1 - i0, out + e0); break;
    case 3: for (let r = i0; r < i1; r++) { const o = (<usize>r * <usize>N) << sh; binVV<T>(op, a + o, b, N, out + o); } break;
    case 4: for (let r = i0; r < i1; r++) { const o = (<usize>r * <usize>N) << sh; binVV<T>(op, a, b + o, N, out + o); } break;
    case 5: for (let r = i0; r < i1; r++) { const o = (<usize>r * <usize>N) << sh; binVS<T>(op, a + o, b + (<usize>(r % mid) << sh), N, out + o); } break;
    default: for (let r = i0; r < i1; r++) { const o = (<usize>r * <usize>N) << sh; binSV<T>(op, a + (<usize>(r % mid) << sh), b + o, N, out + o); }
  }
}
/** out = op(a, b) in broadcasting form `mode` over [i0, i1) (see {@link binAny}), float32; `out` may be a or b when not broadcast. */
export function binF32(op: i32, mode: i32, a: usize, b: usize, N: i32, mid: i32, i0: i32, i1: i32, out: usize): void { binAny<f32>(op, mode, a, b, N, mid, i0, i1, out); }
/** {@link binF32} for float64. */
export function binF64(op: i32, mode: i32, a: usize, b: usize, N: i32, mid: i32, i0: i32, i1: i32, out: usize): void { binAny<f64>(op, mode, a, b, N, mid, i0, i1, out); }

/** out[i] = c[i] ≠ 0 ? a[i] : b[i] over [i0, i1), `va` / `vb` false: a / b one element (constants after inlining). */
@inline function whereLoop<T>(c: usize, a: usize, va: bool, b: usize, vb: bool, i0: i32, i1: i32, out: usize): void {
  const L = 16 / sizeof<T>(), sh = <usize>(sizeof<T>() == 4 ? 2 : 3), z = vsplat<T>(<T>0);
  const sa = vsplat<T>(load<T>(a)), sb = vsplat<T>(load<T>(b));
  let i = i0;
  for (; i + L <= i1; i += L) {
    const p = <usize>i << sh;
    const m = sizeof<T>() == 4 ? f32x4.ne(v128.load(c + p), z) : f64x2.ne(v128.load(c + p), z);
    v128.store(out + p, v128.bitselect(va ? v128.load(a + p) : sa, vb ? v128.load(b + p) : sb, m));
  }
  for (; i < i1; i++) {
    const p = <usize>i << sh;
    store<T>(out + p, load<T>(c + p) != <T>0 ? load<T>(va ? a + p : a) : load<T>(vb ? b + p : b));
  }
}
function whereAny<T>(c: usize, a: usize, b: usize, mode: i32, i0: i32, i1: i32, out: usize): void {
  switch (mode) {
    case 0: whereLoop<T>(c, a, true, b, true, i0, i1, out); break;
    case 1: whereLoop<T>(c, a, false, b, true, i0, i1, out); break;
    case 2: whereLoop<T>(c, a, true, b, false, i0, i1, out); break;
    default: whereLoop<T>(c, a, false, b, false, i0, i1, out);
  }
}
/**
 * out[i] = c[i] ≠ 0 ? a[i] : b[i] for i ∈ [i0, i1) (float32; NaN ≠ 0 picks a); `mode` bit 0: a is
 * one element, bit 1: b is one element (broadcast).
 */
export function whereF32(c: usize, a: usize, b: usize, mode: i32, i0: i32, i1: i32, out: usize): void { whereAny<f32>(c, a, b, mode, i0, i1, out); }
/** {@link whereF32} for float64. */
export function whereF64(c: usize, a: usize, b: usize, mode: i32, i0: i32, i1: i32, out: usize): void { whereAny<f64>(c, a, b, mode, i0, i1, out); }

/** The extreme of m and the lanes of v, lane 0 first (first wins among equals). */
@inline function foldLanes<T>(mx: bool, m: f64, v: v128): f64 {
  if (sizeof<T>() == 4) {
    const a = <f64>f32x4.extract_lane(v, 0), b = <f64>f32x4.extract_lane(v, 1), c = <f64>f32x4.extract_lane(v, 2), d = <f64>f32x4.extract_lane(v, 3);
    if (mx ? a > m : a < m) m = a;
    if (mx ? b > m : b < m) m = b;
    if (mx ? c > m : c < m) m = c;
    if (mx ? d > m : d < m) m = d;
    return m;
  }
  const a = f64x2.extract_lane(v, 0), b = f64x2.extract_lane(v, 1);
  if (mx ? a > m : a < m) m = a;
  if (mx ? b > m : b < m) m = b;
  return m;
}

/**
 * Sum (op 0), max (1) or min (2) of x[i0, i1) as a float64. Float32 sums: while a whole block of
 * 32 remains, the block at b = i0 + 32k is added in float32 as a two-level tree per lane j ∈ 0…3,
 * q_j = (x[b+j] + x[b+4+j]) + (x[b+8+j] + x[b+12+j]) and r_j the same at b + 16 (each element
 * passes two float32 roundings), and q₀ q₁ → s₀, q₂ q₃ → s₁, r₀ r₁ → s₂, r₂ r₃ → s₃ are widened to
 * float64 into four f64x2 accumulators; then, while a whole block of 8 remains, element
 * i + j is widened into accumulator ⌊j / 2⌋, lane j mod 2; then s = (s₀ + s₁) + (s₂ + s₃) lane by
 * lane, lane 0 + lane 1, and the tail added in order. So |ŝ − Σx| ≤ (2u + u²)·Σ|x| + (the float64
 * accumulation's ≈ n·2⁻⁵³·Σ|x|), u = 2⁻²⁴ (docs/design/wasm-kernels.md, "The float32 sum").
 * Float64 sums: blocks of 8, two elements per accumulator, the same combination. Max / min: `pmax`
 * / `pmin` lanes and a NaN flag (any NaN gives NaN).
 */
@inline function reduceRangeOp<T>(op: i32, x: usize, i0: i32, i1: i32): f64 {
  const sh = <usize>(sizeof<T>() == 4 ? 2 : 3);
  let i = i0;
  if (op == 0) {
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
    if (sizeof<T>() == 4) {
      for (; i + 32 <= i1; i += 32) {
        const p = x + (<usize>i << sh);
        const q = f32x4.add(f32x4.add(v128.load(p), v128.load(p, 16)), f32x4.add(v128.load(p, 32), v128.load(p, 48)));
        const r = f32x4.add(f32x4.add(v128.load(p, 64), v128.load(p, 80)), f32x4.add(v128.load(p, 96), v128.load(p, 112)));
        s0 = f64x2.add(s0, f64x2.promote_low_f32x4(q));
        s1 = f64x2.add(s1, promoteHigh(q));
        s2 = f64x2.add(s2, f64x2.promote_low_f32x4(r));
        s3 = f64x2.add(s3, promoteHigh(r));
      }
      for (; i + 8 <= i1; i += 8) {
        const p = x + (<usize>i << sh);
        const v0 = v128.load(p), v1 = v128.load(p, 16);
        s0 = f64x2.add(s0, f64x2.promote_low_f32x4(v0));
        s1 = f64x2.add(s1, f64x2.promote_low_f32x4(i8x16.shuffle(v0, v0, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7)));
        s2 = f64x2.add(s2, f64x2.promote_low_f32x4(v1));
        s3 = f64x2.add(s3, f64x2.promote_low_f32x4(i8x16.shuffle(v1, v1, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7)));
      }
    } else {
      for (; i + 8 <= i1; i += 8) {
        const p = x + (<usize>i << sh);
        s0 = f64x2.add(s0, v128.load(p));
        s1 = f64x2.add(s1, v128.load(p, 16));
        s2 = f64x2.add(s2, v128.load(p, 32));
        s3 = f64x2.add(s3, v128.load(p, 48));
      }
    }
    const s = f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3));
    let t = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
    for (; i < i1; i++) t += <f64>load<T>(x + (<usize>i << sh));
    return t;
  }
  const L = 16 / sizeof<T>();
  const mx = op == 1;
  let m0 = vsplat<T>(<T>(mx ? -Infinity : Infinity)), m1 = m0, nan = vzero();
  for (; i + 2 * L <= i1; i += 2 * L) {
    const p = x + (<usize>i << sh);
    const v0 = v128.load(p), v1 = v128.load(p, 16);
    if (sizeof<T>() == 4) {
      m0 = mx ? f32x4.pmax(m0, v0) : f32x4.pmin(m0, v0);
      m1 = mx ? f32x4.pmax(m1, v1) : f32x4.pmin(m1, v1);
      nan = v128.or(nan, v128.or(f32x4.ne(v0, v0), f32x4.ne(v1, v1)));
    } else {
      m0 = mx ? f64x2.pmax(m0, v0) : f64x2.pmin(m0, v0);
      m1 = mx ? f64x2.pmax(m1, v1) : f64x2.pmin(m1, v1);
      nan = v128.or(nan, v128.or(f64x2.ne(v0, v0), f64x2.ne(v1, v1)));
    }
  }
  if (v128.any_true(nan)) return NaN;
  let m: f64 = mx ? -Infinity : Infinity;
  m = foldLanes<T>(mx, m, m0);
  m = foldLanes<T>(mx, m, m1);
  for (; i < i1; i++) {
    const v = <f64>load<T>(x + (<usize>i << sh));
    if (v != v) return NaN;
    if (mx ? v > m : v < m) m = v;
  }
  return m;
}

/** {@link reduceRangeOp} with one loop per op. */
function reduceRange<T>(op: i32, x: usize, i0: i32, i1: i32): f64 {
  return op == 0 ? reduceRangeOp<T>(0, x, i0, i1) : op == 1 ? reduceRangeOp<T>(1, x, i0, i1) : reduceRangeOp<T>(2, x, i0, i1);
}

/**
 * Fixed-size chunk partials of a row reduction: chunk c ∈ [c0, c1) is chunk k = c mod `cpr` of
 * row r = ⌊c / cpr⌋, elements [r·len + k·CH, r·len + min(len, (k+1)·CH)); parts[c] (float64) is
 * its sum / max / min (see {@link reduceRange}). The chunks depend on the shape only, so the
 * caller's in-order combination gives the same bits for any thread count.
 */
@inline function reducePartsAny<T>(op: i32, x: usize, len: i32, CH: i32, cpr: i32, c0: i32, c1: i32, parts: usize): void {
  for (let c = c0; c < c1; c++) {
    const r = c / cpr, k = c - r * cpr;
    const base = r * len, s = base + k * CH, e = base + min(len, (k + 1) * CH);
    store<f64>(parts + (<usize>c << 3), reduceRange<T>(op, x, s, e));
  }
}
/** Chunk partials of a sum (op 0), max (1) or min (2), float32 (see {@link reducePartsAny}). */
export function reducePartsF32(op: i32, x: usize, len: i32, CH: i32, cpr: i32, c0: i32, c1: i32, parts: usize): void { reducePartsAny<f32>(op, x, len, CH, cpr, c0, c1, parts); }
/** {@link reducePartsF32} for float64. */
export function reducePartsF64(op: i32, x: usize, len: i32, CH: i32, cpr: i32, c0: i32, c1: i32, parts: usize): void { reducePartsAny<f64>(op, x, len, CH, cpr, c0, c1, parts); }

/** out[r] = sum / max / min of row r of `len` elements, r ∈ [r0, r1) (one {@link reduceRange} per row). */
@inline function reduceRowsAny<T>(op: i32, x: usize, len: i32, r0: i32, r1: i32, out: usize): void {
  const sh = <usize>(sizeof<T>() == 4 ? 2 : 3);
  for (let r = r0; r < r1; r++) {
    const s = r * len, e = s + len;
    store<T>(out + (<usize>r << sh), <T>reduceRange<T>(op, x, s, e));
  }
}
/** Row sums / maxima / minima (op 0 / 1 / 2) of x[R, len] for rows [r0, r1), float32. */
export function reduceRowsF32(op: i32, x: usize, len: i32, r0: i32, r1: i32, out: usize): void { reduceRowsAny<f32>(op, x, len, r0, r1, out); }
/** {@link reduceRowsF32} for float64. */
export function reduceRowsF64(op: i32, x: usize, len: i32, r0: i32, r1: i32, out: usize): void { reduceRowsAny<f64>(op, x, len, r0, r1, out); }

/** The first i ∈ [i0, i1) with x[i] = m (the first NaN when m is NaN), −1 if none. */
@inline function firstIndexAny<T>(x: usize, i0: i32, i1: i32, m: f64): i32 {
  const L = 16 / sizeof<T>(), sh = <usize>(sizeof<T>() == 4 ? 2 : 3), nan = m != m;
  const mv = vsplat<T>(<T>m);
  let i = i0;
  for (; i + L <= i1; i += L) {
    const v = v128.load(x + (<usize>i << sh));
    const hit = sizeof<T>() == 4 ? (nan ? f32x4.ne(v, v) : f32x4.eq(v, mv)) : (nan ? f64x2.ne(v, v) : f64x2.eq(v, mv));
    if (v128.any_true(hit)) break;
  }
  for (; i < i1; i++) { const v = <f64>load<T>(x + (<usize>i << sh)); if (nan ? v != v : v == m) return i; }
  return -1;
}
/** {@link firstIndexAny} for float32 (argmax / argmin: the first position of the extreme). */
export function firstIndexF32(x: usize, i0: i32, i1: i32, m: f64): i32 { return firstIndexAny<f32>(x, i0, i1, m); }
/** {@link firstIndexAny} for float64. */
export function firstIndexF64(x: usize, i0: i32, i1: i32, m: f64): i32 { return firstIndexAny<f64>(x, i0, i1, m); }

/**
 * out[r] (int32) = the position in row r of its first maximum (op 1) or minimum (op 2), or of its
 * first NaN when it has one — the reference's argmax / argmin — for rows [r0, r1) of x[R, len].
 */
@inline function argRowsAny<T>(op: i32, x: usize, len: i32, r0: i32, r1: i32, out: usize): void {
  for (let r = r0; r < r1; r++) {
    const s = r * len, e = s + len;
    const m = reduceRange<T>(op, x, s, e);
    store<i32>(out + (<usize>r << 2), firstIndexAny<T>(x, s, e, m) - s);
  }
}
/** Row argmax (op 1) / argmin (op 2) of float32 x[R, len], rows [r0, r1). */
export function argRowsF32(op: i32, x: usize, len: i32, r0: i32, r1: i32, out: usize): void { argRowsAny<f32>(op, x, len, r0, r1, out); }
/** {@link argRowsF32} for float64. */
export function argRowsF64(op: i32, x: usize, len: i32, r0: i32, r1: i32, out: usize): void { argRowsAny<f64>(op, x, len, r0, r1, out); }

/**
 * Sums over the leading axes, out[j] = Σ_i x[i·W + j] for columns j ∈ [j0, j1), adding rows in
 * ascending i into the output element with rounding after each addition (`T` arithmetic) — the
 * reference's order (src/backend/js/reduce.ts, its leading-axis sum), so its bits, for any split of
 * the columns.
 */
@inline function colSumAny<T>(x: usize, rows: i32, W: i32, j0: i32, j1: i32, out: usize): void {
  const L = 16 / sizeof<T>(), sh = <usize>(sizeof<T>() == 4 ? 2 : 3);
  for (let j = j0; j < j1; j++) store<T>(out + (<usize>j << sh), <T>0);
  for (let b = j0; b < j1; b += 256) { // 256 columns at a time: the block of out stays in L1
    const e = min(j1, b + 256);
    for (let i = 0; i < rows; i++) {
      const row = x + ((<usize>i * <usize>W) << sh);
      let j = b;
      for (; j + L <= e; j += L) {
        const p = <usize>j << sh;
        v128.store(out + p, sizeof<T>() == 4 ? f32x4.add(v128.load(out + p), v128.load(row + p)) : f64x2.add(v128.load(out + p), v128.load(row + p)));
      }
      for (; j < e; j++) { const p = <usize>j << sh; store<T>(out + p, load<T>(out + p) + load<T>(row + p)); }
    }
  }
}
/** Leading-axis sums of float32 x[rows, W] for columns [j0, j1) (see {@link colSumAny}). */
export function colSumF32(x: usize, rows: i32, W: i32, j0: i32, j1: i32, out: usize): void { colSumAny<f32>(x, rows, W, j0, j1, out); }
/** {@link colSumF32} for float64. */
export function colSumF64(x: usize, rows: i32, W: i32, j0: i32, j1: i32, out: usize): void { colSumAny<f64>(x, rows, W, j0, j1, out); }
/**
 * Sums over a middle block of axes: x as [B, rows, W], out[b, j] = Σ_i x[b, i, j] for b ∈ [b0, b1),
 * each batch by {@link colSumAny} (rows added in ascending order; float64 — float32 accumulates in
 * float64, see {@link colSumBatchF32}).
 */
@inline function colSumBatchAny<T>(x: usize, rows: i32, W: i32, b0: i32, b1: i32, out: usize): void {
  const sh = <usize>(sizeof<T>() == 4 ? 2 : 3);
  for (let b = b0; b < b1; b++) colSumAny<T>(x + ((<usize>b * <usize>rows * <usize>W) << sh), rows, W, 0, W, out + ((<usize>b * <usize>W) << sh));
}
/**
 * Column sums of float32 x[rows, W] accumulated in float64 (as the reference's row sums are) and
 * rounded once: 16 columns (one cache line a row) at a time in eight f64x2 accumulators, rows in
 * ascending order; the last W mod 16 columns one by one.
 */
function colSumWideF32(x: usize, rows: i32, W: i32, out: usize): void {
  const rs = <usize>W << 2;
  let j = 0;
  for (; j + 16 <= W; j += 16) {
    let a0 = f64x2.splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    let p = x + (<usize>j << 2);
    for (let i = 0; i < rows; i++, p += rs) {
      const v0 = v128.load(p), v1 = v128.load(p, 16), v2 = v128.load(p, 32), v3 = v128.load(p, 48);
      a0 = f64x2.add(a0, f64x2.promote_low_f32x4(v0));
      a1 = f64x2.add(a1, f64x2.promote_low_f32x4(i8x16.shuffle(v0, v0, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7)));
      a2 = f64x2.add(a2, f64x2.promote_low_f32x4(v1));
      a3 = f64x2.add(a3, f64x2.promote_low_f32x4(i8x16.shuffle(v1, v1, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7)));
      a4 = f64x2.add(a4, f64x2.promote_low_f32x4(v2));
      a5 = f64x2.add(a5, f64x2.promote_low_f32x4(i8x16.shuffle(v2, v2, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7)));
      a6 = f64x2.add(a6, f64x2.promote_low_f32x4(v3));
      a7 = f64x2.add(a7, f64x2.promote_low_f32x4(i8x16.shuffle(v3, v3, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7)));
    }
    const o = out + (<usize>j << 2);
    v128.store(o, i8x16.shuffle(f32x4.demote_f64x2_zero(a0), f32x4.demote_f64x2_zero(a1), 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23));
    v128.store(o, i8x16.shuffle(f32x4.demote_f64x2_zero(a2), f32x4.demote_f64x2_zero(a3), 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23), 16);
    v128.store(o, i8x16.shuffle(f32x4.demote_f64x2_zero(a4), f32x4.demote_f64x2_zero(a5), 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23), 32);
    v128.store(o, i8x16.shuffle(f32x4.demote_f64x2_zero(a6), f32x4.demote_f64x2_zero(a7), 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23), 48);
  }
  for (; j < W; j++) {
    let t: f64 = 0;
    let p = x + (<usize>j << 2);
    for (let i = 0; i < rows; i++, p += rs) t += <f64>load<f32>(p);
    store<f32>(out + (<usize>j << 2), <f32>t);
  }
}
/** Middle-axes sums of float32 x[B, rows, W] for batches [b0, b1), accumulated in float64 ({@link colSumWideF32}). */
export function colSumBatchF32(x: usize, rows: i32, W: i32, b0: i32, b1: i32, out: usize): void {
  for (let b = b0; b < b1; b++) colSumWideF32(x + ((<usize>b * <usize>rows * <usize>W) << 2), rows, W, out + ((<usize>b * <usize>W) << 2));
}
/** {@link colSumBatchF32} for float64. */
export function colSumBatchF64(x: usize, rows: i32, W: i32, b0: i32, b1: i32, out: usize): void { colSumBatchAny<f64>(x, rows, W, b0, b1, out); }

/**
 * Column maxima (op 1) / minima (op 2) of x as [B, rows, W] for batches [b0, b1): out[b, j] over
 * the rows in ascending order, a NaN sticking once seen (NaN wins, as in the reference); rows = 0
 * gives −∞ / +∞. When the extreme is a zero of both signs, the first one seen is kept.
 */
@inline function colExtremeAny<T>(op: i32, x: usize, rows: i32, W: i32, b0: i32, b1: i32, out: usize): void {
  const L = 16 / sizeof<T>(), sh = <usize>(sizeof<T>() == 4 ? 2 : 3), mx = op == 1;
  for (let b = b0; b < b1; b++) {
    const xb = x + ((<usize>b * <usize>rows * <usize>W) << sh), ob = out + ((<usize>b * <usize>W) << sh);
    for (let j = 0; j < W; j++) store<T>(ob + (<usize>j << sh), <T>(mx ? -Infinity : Infinity));
    for (let c = 0; c < W; c += 256) { // 256 columns at a time: the block of out stays in L1
      const e = min(W, c + 256);
      for (let i = 0; i < rows; i++) {
        const row = xb + ((<usize>i * <usize>W) << sh);
        let j = c;
        for (; j + L <= e; j += L) {
          const p = <usize>j << sh, v = v128.load(row + p), m = v128.load(ob + p);
          // take v where it is more extreme or NaN, unless m is already NaN
          const take = sizeof<T>() == 4
            ? v128.andnot(v128.or(mx ? f32x4.gt(v, m) : f32x4.lt(v, m), f32x4.ne(v, v)), f32x4.ne(m, m))
            : v128.andnot(v128.or(mx ? f64x2.gt(v, m) : f64x2.lt(v, m), f64x2.ne(v, v)), f64x2.ne(m, m));
          v128.store(ob + p, v128.bitselect(v, m, take));
        }
        for (; j < e; j++) {
          const p = <usize>j << sh, v = load<T>(row + p), m = load<T>(ob + p);
          if (m == m && ((mx ? v > m : v < m) || v != v)) store<T>(ob + p, v);
        }
      }
    }
  }
}
/** Column max (op 1) / min (op 2) of float32 x[B, rows, W], batches [b0, b1) (see {@link colExtremeAny}). */
export function colExtremeF32(op: i32, x: usize, rows: i32, W: i32, b0: i32, b1: i32, out: usize): void { if (op == 1) colExtremeAny<f32>(1, x, rows, W, b0, b1, out); else colExtremeAny<f32>(2, x, rows, W, b0, b1, out); }
/** {@link colExtremeF32} for float64. */
export function colExtremeF64(op: i32, x: usize, rows: i32, W: i32, b0: i32, b1: i32, out: usize): void { if (op == 1) colExtremeAny<f64>(1, x, rows, W, b0, b1, out); else colExtremeAny<f64>(2, x, rows, W, b0, b1, out); }

// ------------------------------------------------------------------ softmax / log-softmax rows

/** Lanes 2 and 3 of a float32 vector promoted to float64. */
@inline function promoteHigh(v: v128): v128 {
  return f64x2.promote_low_f32x4(i8x16.shuffle(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7));
}

/**
 * The minimum of the row {@link rowMaxF32} scanned last (meaningful when its maximum is not NaN): a
 * global, so one per instance, and each thread has its own instance.
 */
let rowMinF32: f32 = 0;

/**
 * The maximum of float32 x[0, L) by pmax lanes (one instruction), NaN if any element is NaN; the
 * minimum (pmin lanes) goes to {@link rowMinF32}.
 */
@inline function rowMaxF32(xr: usize, L: i32): f32 {
  let mv = f32x4.splat(-Infinity), lv = f32x4.splat(Infinity), nanv = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= L; j += 4) {
    const v = v128.load(xr + (<usize>j << 2));
    mv = f32x4.pmax(mv, v);
    lv = f32x4.pmin(lv, v);
    nanv = v128.or(nanv, f32x4.ne(v, v));
  }
  let m = max<f32>(max<f32>(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), max<f32>(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
  let l = min<f32>(min<f32>(f32x4.extract_lane(lv, 0), f32x4.extract_lane(lv, 1)), min<f32>(f32x4.extract_lane(lv, 2), f32x4.extract_lane(lv, 3)));
  if (v128.any_true(nanv)) m = NaN;
  for (; j < L; j++) { const v = load<f32>(xr + (<usize>j << 2)); m = max<f32>(m, v); l = min<f32>(l, v); }
  rowMinF32 = l;
  return m;
}

/**
 * Σ exp(x − m) over float32 x[0, L) by {@link expF32x4}, in float64 (two f64x2 accumulators over
 * the vector blocks, then the tail in order); with `keep`, each exponential is also written to
 * orow; with `fast` (every x − m within ±87), the vector blocks take {@link expFastF32x4} (the
 * same bits). `keep` and `fast` are constants after inlining.
 */
@inline function rowExpSumF32(xr: usize, L: i32, m: f32, keep: bool, fast: bool, orow: usize): f64 {
  const ms = f32x4.splat(m);
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
  let j = 0;
  // the exps of four vectors at a time (independent chains, as in expF32), added in the same
  // order as one vector at a time
  const l2e = expKonst(0), magic = expKonst(1), c1 = expKonst(2), c2 = expKonst(3), p0 = expKonst(4), p1 = expKonst(5);
  const p2 = expKonst(6), p3 = expKonst(7), p4 = expKonst(8), p5 = expKonst(9), one = expKonst(10);
  for (; j + 16 <= L; j += 16) {
    const p = <usize>j << 2;
    const d0 = f32x4.sub(v128.load(xr + p), ms), d1 = f32x4.sub(v128.load(xr + p, 16), ms);
    const d2 = f32x4.sub(v128.load(xr + p, 32), ms), d3 = f32x4.sub(v128.load(xr + p, 48), ms);
    const e0 = fast ? expFastF32x4(d0, l2e, magic, c1, c2, p0, p1, p2, p3, p4, p5, one) : expF32x4(d0);
    const e1 = fast ? expFastF32x4(d1, l2e, magic, c1, c2, p0, p1, p2, p3, p4, p5, one) : expF32x4(d1);
    const e2 = fast ? expFastF32x4(d2, l2e, magic, c1, c2, p0, p1, p2, p3, p4, p5, one) : expF32x4(d2);
    const e3 = fast ? expFastF32x4(d3, l2e, magic, c1, c2, p0, p1, p2, p3, p4, p5, one) : expF32x4(d3);
    if (keep) {
      v128.store(orow + p, e0);
      v128.store(orow + p, e1, 16);
      v128.store(orow + p, e2, 32);
      v128.store(orow + p, e3, 48);
    }
    s0 = f64x2.add(s0, f64x2.promote_low_f32x4(e0));
    s1 = f64x2.add(s1, promoteHigh(e0));
    s0 = f64x2.add(s0, f64x2.promote_low_f32x4(e1));
    s1 = f64x2.add(s1, promoteHigh(e1));
    s0 = f64x2.add(s0, f64x2.promote_low_f32x4(e2));
    s1 = f64x2.add(s1, promoteHigh(e2));
    s0 = f64x2.add(s0, f64x2.promote_low_f32x4(e3));
    s1 = f64x2.add(s1, promoteHigh(e3));
  }
  for (; j + 4 <= L; j += 4) {
    const p = <usize>j << 2;
    const e = expF32x4(f32x4.sub(v128.load(xr + p), ms));
    if (keep) v128.store(orow + p, e);
    s0 = f64x2.add(s0, f64x2.promote_low_f32x4(e));
    s1 = f64x2.add(s1, promoteHigh(e));
  }
  let s: f64 = (f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s1, 0)) + (f64x2.extract_lane(s0, 1) + f64x2.extract_lane(s1, 1));
  for (; j < L; j++) {
    const p = <usize>j << 2;
    const e = expF32s(load<f32>(xr + p) - m);
    if (keep) store<f32>(orow + p, e);
    s += <f64>e;
  }
  return s;
}

/**
 * Softmax (op 0) or log-softmax (op 1) of the float32 rows [r0, r1) of x[rows, L] into out (which
 * may be x): m = the row's maximum (f32.max: NaN wins; log-softmax shifts by 0 where m = ±∞),
 * e = exp(x − m) by {@link expF32x4}, s = Σ e in float64 (two f64x2 accumulators per vector
 * block, then the tail in order) rounded to float32; softmax stores e / s, log-softmax
 * x − (log s + m) with log s and the sum rounded to float32, as the reference rounds them. Each
 * row is computed alone, so results never depend on how rows are split across threads.
 */
export function softmaxRowsF32(op: i32, x: usize, L: i32, r0: i32, r1: i32, out: usize): void {
  for (let r = r0; r < r1; r++) {
    const xr = x + ((<usize>r * <usize>L) << 2), orow = out + ((<usize>r * <usize>L) << 2);
    const mx = rowMaxF32(xr, L);
    let m = mx;
    if (op == 1 && (m == Infinity || m == -Infinity)) m = 0;
    // x − m within ±87 for the whole row (false for NaN): rounding is monotonic, so the extremes' differences bound the rest
    const fast = rowMinF32 - m >= -87 && mx - m <= 87;
    const s = op == 0 ? (fast ? rowExpSumF32(xr, L, m, true, true, orow) : rowExpSumF32(xr, L, m, true, false, orow))
      : (fast ? rowExpSumF32(xr, L, m, false, true, orow) : rowExpSumF32(xr, L, m, false, false, orow));
    const s32 = <f32>s;
    let j = 0;
    if (op == 0) {
      const sv = f32x4.splat(s32);
      for (; j + 4 <= L; j += 4) { const p = <usize>j << 2; v128.store(orow + p, f32x4.div(v128.load(orow + p), sv)); }
      for (; j < L; j++) { const p = <usize>j << 2; store<f32>(orow + p, load<f32>(orow + p) / s32); }
    } else {
      const lr = <f32>(<f32>Math.log(<f64>s32) + m);
      const rv = f32x4.splat(lr);
      for (; j + 4 <= L; j += 4) { const p = <usize>j << 2; v128.store(orow + p, f32x4.sub(v128.load(xr + p), rv)); }
      for (; j < L; j++) { const p = <usize>j << 2; store<f32>(orow + p, load<f32>(xr + p) - lr); }
    }
  }
}

/**
 * out = g − exp(y) · S over the 16-lane blocks of a row of {@link logSoftmaxGradRowsF32}, four
 * independent exps a step (as in expF32); with `fast` (a constant: every y within ±87) by
 * {@link expFastF32x4}.
 */
@inline function logSoftmaxGradBlocks(yr: usize, gr: usize, orow: usize, L: i32, sv: v128, fast: bool, l2e: v128, magic: v128, c1: v128, c2: v128, p0: v128, p1: v128, p2: v128, p3: v128, p4: v128, p5: v128, one: v128): void {
  for (let j = 0; j + 16 <= L; j += 16) {
    const p = <usize>j << 2;
    const y0 = v128.load(yr + p), y1 = v128.load(yr + p, 16), y2 = v128.load(yr + p, 32), y3 = v128.load(yr + p, 48);
    const e0 = fast ? expFastF32x4(y0, l2e, magic, c1, c2, p0, p1, p2, p3, p4, p5, one) : expF32x4(y0);
    const e1 = fast ? expFastF32x4(y1, l2e, magic, c1, c2, p0, p1, p2, p3, p4, p5, one) : expF32x4(y1);
    const e2 = fast ? expFastF32x4(y2, l2e, magic, c1, c2, p0, p1, p2, p3, p4, p5, one) : expF32x4(y2);
    const e3 = fast ? expFastF32x4(y3, l2e, magic, c1, c2, p0, p1, p2, p3, p4, p5, one) : expF32x4(y3);
    v128.store(orow + p, f32x4.sub(v128.load(gr + p), f32x4.mul(e0, sv)));
    v128.store(orow + p, f32x4.sub(v128.load(gr + p, 16), f32x4.mul(e1, sv)), 16);
    v128.store(orow + p, f32x4.sub(v128.load(gr + p, 32), f32x4.mul(e2, sv)), 32);
    v128.store(orow + p, f32x4.sub(v128.load(gr + p, 48), f32x4.mul(e3, sv)), 48);
  }
}

/**
 * Log-softmax's gradient on the float32 rows [r0, r1) of [rows, L]: out = g − exp(y) · S with
 * S = Σ g in float64 rounded to float32 and exp(y) by {@link expF32x4}, its product with S
 * rounded to float32 (out may be g).
 */
export function logSoftmaxGradRowsF32(y: usize, g: usize, L: i32, r0: i32, r1: i32, out: usize): void {
  const l2e = expKonst(0), magic = expKonst(1), c1 = expKonst(2), c2 = expKonst(3), p0 = expKonst(4), p1 = expKonst(5);
  const p2 = expKonst(6), p3 = expKonst(7), p4 = expKonst(8), p5 = expKonst(9), one = expKonst(10), abs = expKonst(11), lim = expKonst(12);
  for (let r = r0; r < r1; r++) {
    const off = (<usize>r * <usize>L) << 2, yr = y + off, gr = g + off, orow = out + off;
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0), out4 = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= L; j += 4) {
      const v = v128.load(gr + (<usize>j << 2));
      s0 = f64x2.add(s0, f64x2.promote_low_f32x4(v));
      s1 = f64x2.add(s1, promoteHigh(v));
      out4 = v128.or(out4, expOutside(v128.load(yr + (<usize>j << 2)), abs, lim));
    }
    let s: f64 = (f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s1, 0)) + (f64x2.extract_lane(s0, 1) + f64x2.extract_lane(s1, 1));
    for (; j < L; j++) s += <f64>load<f32>(gr + (<usize>j << 2));
    const S = <f32>s, sv = f32x4.splat(S);
    // the vector blocks below cover [0, 16⌊L/16⌋), within the lanes tested above
    if (v128.any_true(out4)) logSoftmaxGradBlocks(yr, gr, orow, L, sv, false, l2e, magic, c1, c2, p0, p1, p2, p3, p4, p5, one);
    else logSoftmaxGradBlocks(yr, gr, orow, L, sv, true, l2e, magic, c1, c2, p0, p1, p2, p3, p4, p5, one);
    j = L & ~15;
    for (; j + 4 <= L; j += 4) {
      const p = <usize>j << 2;
      v128.store(orow + p, f32x4.sub(v128.load(gr + p), f32x4.mul(expF32x4(v128.load(yr + p)), sv)));
    }
    for (; j < L; j++) { const p = <usize>j << 2; store<f32>(orow + p, load<f32>(gr + p) - expF32s(load<f32>(yr + p)) * S); }
  }
}

// ------------------------------------------------------------------ rows and channels of float32 / float64: variance, layer norm, batch norm
//
// Each kernel below is one generic body over the element type T (f32 or f64), exported once per
// type. Values are read four at a time as two f64x2 — elements [0, 1] and [2, 3] — (float32:
// promoted from one vector; float64: two vectors), computed in float64 and written back the same
// way (float32: demoted, rounded once), so both types run the same float64 arithmetic.

/** log₂ of T's size: the shift from an element index to a byte offset. */
@inline function shiftOf<T>(): usize { return sizeof<T>() == 4 ? 2 : 3; }
/** Elements 0 and 1 of the four at p, as float64. */
@inline function lo4<T>(p: usize): v128 { return sizeof<T>() == 4 ? f64x2.promote_low_f32x4(v128.load(p)) : v128.load(p); }
/** Elements 2 and 3 of the four at p, as float64. */
@inline function hi4<T>(p: usize): v128 { return sizeof<T>() == 4 ? promoteHigh(v128.load(p)) : v128.load(p, 16); }

/**
 * Σ of x[0, L) of type T in float64: four f64x2 accumulators over 8-element blocks (elements
 * 8k + {0, 1} → a₀, {2, 3} → a₁, {4, 5} → a₂, {6, 7} → a₃), (a₀ + a₁) + (a₂ + a₃), the two lanes,
 * then the tail in order.
 */
@inline function rowSum<T>(x: usize, L: i32): f64 {
  const sh = shiftOf<T>();
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
  let j = 0;
  for (; j + 8 <= L; j += 8) {
    const p = x + (<usize>j << sh), q = p + (<usize>4 << sh);
    a0 = f64x2.add(a0, lo4<T>(p));
    a1 = f64x2.add(a1, hi4<T>(p));
    a2 = f64x2.add(a2, lo4<T>(q));
    a3 = f64x2.add(a3, hi4<T>(q));
  }
  const t = f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3));
  let s = f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
  for (; j < L; j++) s += <f64>load<T>(x + (<usize>j << sh));
  return s;
}

/** Σ (x − m)² of x[0, L) of type T in float64 (the blocking of {@link rowSum}). */
@inline function rowSqDev<T>(x: usize, L: i32, m: f64): f64 {
  const sh = shiftOf<T>(), mv = f64x2.splat(m);
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
  let j = 0;
  for (; j + 8 <= L; j += 8) {
    const p = x + (<usize>j << sh), q = p + (<usize>4 << sh);
    const d0 = f64x2.sub(lo4<T>(p), mv), d1 = f64x2.sub(hi4<T>(p), mv), d2 = f64x2.sub(lo4<T>(q), mv), d3 = f64x2.sub(hi4<T>(q), mv);
    a0 = f64x2.add(a0, f64x2.mul(d0, d0));
    a1 = f64x2.add(a1, f64x2.mul(d1, d1));
    a2 = f64x2.add(a2, f64x2.mul(d2, d2));
    a3 = f64x2.add(a3, f64x2.mul(d3, d3));
  }
  const t = f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3));
  let s = f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
  for (; j < L; j++) { const d = <f64>load<T>(x + (<usize>j << sh)) - m; s += d * d; }
  return s;
}
/** Store four float64 values (lo: elements 0, 1; hi: 2, 3) as T at p (float32: rounded once). */
@inline function store4<T>(p: usize, lo: v128, hi: v128): void {
  if (sizeof<T>() == 4) {
    v128.store(p, i8x16.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23));
  } else {
    v128.store(p, lo);
    v128.store(p, hi, 16);
  }
}

/**
 * Variance of the rows [r0, r1) of x[rows, L] (T = f32 / f64): μ = Σx / L, then Σ(x − μ)² in
 * float64 ({@link rowSum} / {@link rowSqDev}, the reference's two passes in lane order), divided by
 * the float64 at `pden` (L − correction, at least 0: Σ/0 as the reference) and rounded once into
 * out[row].
 */
@inline function varianceRows<T>(x: usize, L: i32, pden: usize, r0: i32, r1: i32, out: usize): void {
  const den = load<f64>(pden), sh = shiftOf<T>();
  for (let r = r0; r < r1; r++) {
    const xr = x + ((<usize>r * <usize>L) << sh);
    store<T>(out + (<usize>r << sh), <T>(rowSqDev<T>(xr, L, rowSum<T>(xr, L) / <f64>L) / den));
  }
}
export function varianceRowsF32(x: usize, L: i32, pden: usize, r0: i32, r1: i32, out: usize): void { varianceRows<f32>(x, L, pden, r0, r1, out); }
export function varianceRowsF64(x: usize, L: i32, pden: usize, r0: i32, r1: i32, out: usize): void { varianceRows<f64>(x, L, pden, r0, r1, out); }

/**
 * Layer norm of the rows [r0, r1) of x[rows, L] (T = f32 / f64): μ = Σx / L, σ² = Σ(x − μ)² / L
 * (float64, {@link rowSum} / {@link rowSqDev}), r = 1 / √(σ² + ε) with ε the float64 at `peps`,
 * and y = (x − μ) · r · w + b evaluated in float64 (f64x2) and rounded once, as the JS reference
 * evaluates it; w / b are skipped where the pointer is 0. mu[row] and rs[row] get μ and r.
 */
@inline function layerNormRows<T>(x: usize, w: usize, b: usize, L: i32, peps: usize, r0: i32, r1: i32, y: usize, mu: usize, rs: usize): void {
  const eps = load<f64>(peps), sh = shiftOf<T>();
  for (let r = r0; r < r1; r++) {
    const off = (<usize>r * <usize>L) << sh, xr = x + off, yr = y + off;
    const m = rowSum<T>(xr, L) / <f64>L;
    const rr = 1 / Math.sqrt(rowSqDev<T>(xr, L, m) / <f64>L + eps);
    store<T>(mu + (<usize>r << sh), <T>m);
    store<T>(rs + (<usize>r << sh), <T>rr);
    const mv = f64x2.splat(m), rv = f64x2.splat(rr);
    let j = 0;
    for (; j + 4 <= L; j += 4) {
      const p = <usize>j << sh;
      let lo = f64x2.mul(f64x2.sub(lo4<T>(xr + p), mv), rv);
      let hi = f64x2.mul(f64x2.sub(hi4<T>(xr + p), mv), rv);
      if (w) { lo = f64x2.mul(lo, lo4<T>(w + p)); hi = f64x2.mul(hi, hi4<T>(w + p)); }
      if (b) { lo = f64x2.add(lo, lo4<T>(b + p)); hi = f64x2.add(hi, hi4<T>(b + p)); }
      store4<T>(yr + p, lo, hi);
    }
    for (; j < L; j++) {
      const p = <usize>j << sh;
      let v = (<f64>load<T>(xr + p) - m) * rr;
      if (w) v *= <f64>load<T>(w + p);
      if (b) v += <f64>load<T>(b + p);
      store<T>(yr + p, <T>v);
    }
  }
}
export function layerNormRowsF32(x: usize, w: usize, b: usize, L: i32, peps: usize, r0: i32, r1: i32, y: usize, mu: usize, rs: usize): void { layerNormRows<f32>(x, w, b, L, peps, r0, r1, y, mu, rs); }
export function layerNormRowsF64(x: usize, w: usize, b: usize, L: i32, peps: usize, r0: i32, r1: i32, y: usize, mu: usize, rs: usize): void { layerNormRows<f64>(x, w, b, L, peps, r0, r1, y, mu, rs); }

/**
 * Layer norm's backward on the rows [r0, r1) of [rows, L] (T = f32 / f64), a chunk of `CR` rows
 * (the caller's chunks start at multiples of CR): with x̂ = (x − μ) · r and a = g · w (g where
 * w = 0), gx = r · (a − mean(a) − x̂ · mean(a · x̂)) per row, in float64 and rounded once; and the
 * chunk's partial sums Σ g · x̂ and Σ g over its rows, in ascending row order, into float64 slots
 * parts[(r0 / CR) · 2L + j] and [… + L + j]. The caller adds the chunks' partials in chunk order,
 * so the weight and bias gradients do not depend on the thread count.
 */
@inline function layerNormGradRows<T>(x: usize, mu: usize, rs: usize, g: usize, w: usize, L: i32, CR: i32, r0: i32, r1: i32, gx: usize, parts: usize): void {
  const sh = shiftOf<T>();
  const pw = parts + ((<usize>(r0 / CR) * <usize>L * 2) << 3), pb = pw + (<usize>L << 3);
  for (let j = 0; j < L; j++) { store<f64>(pw + (<usize>j << 3), 0); store<f64>(pb + (<usize>j << 3), 0); }
  for (let r = r0; r < r1; r++) {
    const off = (<usize>r * <usize>L) << sh, xr = x + off, gr = g + off, or = gx + off;
    const m = <f64>load<T>(mu + (<usize>r << sh)), rr = <f64>load<T>(rs + (<usize>r << sh));
    let c1: f64 = 0, c2: f64 = 0;
    for (let j = 0; j < L; j++) {
      const p = <usize>j << sh, gj = <f64>load<T>(gr + p), xh = (<f64>load<T>(xr + p) - m) * rr;
      const a = w ? gj * <f64>load<T>(w + p) : gj;
      c1 += a;
      c2 += a * xh;
      const q = <usize>j << 3;
      store<f64>(pw + q, load<f64>(pw + q) + gj * xh);
      store<f64>(pb + q, load<f64>(pb + q) + gj);
    }
    c1 /= <f64>L;
    c2 /= <f64>L;
    for (let j = 0; j < L; j++) {
      const p = <usize>j << sh, xh = (<f64>load<T>(xr + p) - m) * rr;
      const gj = <f64>load<T>(gr + p), a = w ? gj * <f64>load<T>(w + p) : gj;
      store<T>(or + p, <T>(rr * (a - c1 - xh * c2)));
    }
  }
}
export function layerNormGradRowsF32(x: usize, mu: usize, rs: usize, g: usize, w: usize, L: i32, CR: i32, r0: i32, r1: i32, gx: usize, parts: usize): void { layerNormGradRows<f32>(x, mu, rs, g, w, L, CR, r0, r1, gx, parts); }
export function layerNormGradRowsF64(x: usize, mu: usize, rs: usize, g: usize, w: usize, L: i32, CR: i32, r0: i32, r1: i32, gx: usize, parts: usize): void { layerNormGradRows<f64>(x, mu, rs, g, w, L, CR, r0, r1, gx, parts); }

/**
 * Σ over n and s of x viewed as [N, C, S] (T = f32 / f64), for the kept indices [c0, c1): each
 * [n, c] block of S by {@link rowSum}, the blocks added in ascending n in float64, rounded once into
 * out[c] — a sum over leading and trailing axes together (a channel statistic of [N, C, H, W]).
 */
@inline function sumOuterInner<T>(x: usize, N: i32, C: i32, S: i32, c0: i32, c1: i32, out: usize): void {
  const sh = shiftOf<T>();
  for (let c = c0; c < c1; c++) {
    let s: f64 = 0;
    for (let n = 0; n < N; n++) s += rowSum<T>(x + ((<usize>(n * C + c) * <usize>S) << sh), S);
    store<T>(out + (<usize>c << sh), <T>s);
  }
}
export function sumOuterInnerF32(x: usize, N: i32, C: i32, S: i32, c0: i32, c1: i32, out: usize): void { sumOuterInner<f32>(x, N, C, S, c0, c1, out); }
export function sumOuterInnerF64(x: usize, N: i32, C: i32, S: i32, c0: i32, c1: i32, out: usize): void { sumOuterInner<f64>(x, N, C, S, c0, c1, out); }

/**
 * μ = Σx / (N·S) and Σ(x − μ)² over n and s of channel c of x viewed as [N, C, S], in float64: each
 * [n, c] block by {@link rowSum} / {@link rowSqDev}, the block sums added in ascending n (the
 * reference's order of blocks). Returns Σ(x − μ)² and leaves μ in `channelMean`.
 */
let channelMean: f64 = 0;
@inline function channelSqDev<T>(x: usize, N: i32, C: i32, S: i32, c: i32): f64 {
  const sh = shiftOf<T>(), M = <f64>N * <f64>S;
  let s: f64 = 0;
  for (let n = 0; n < N; n++) s += rowSum<T>(x + ((<usize>(n * C + c) * <usize>S) << sh), S);
  const m = s / M;
  let q: f64 = 0;
  for (let n = 0; n < N; n++) q += rowSqDev<T>(x + ((<usize>(n * C + c) * <usize>S) << sh), S, m);
  channelMean = m;
  return q;
}

/**
 * Variance over n and s of x viewed as [N, C, S] (T = f32 / f64) for the kept indices [c0, c1):
 * Σ(x − μ)² ({@link channelSqDev}) divided by the float64 at `pden`, rounded once into out[c].
 */
@inline function varianceOuterInner<T>(x: usize, N: i32, C: i32, S: i32, pden: usize, c0: i32, c1: i32, out: usize): void {
  const den = load<f64>(pden), sh = shiftOf<T>();
  for (let c = c0; c < c1; c++) store<T>(out + (<usize>c << sh), <T>(channelSqDev<T>(x, N, C, S, c) / den));
}
export function varianceOuterInnerF32(x: usize, N: i32, C: i32, S: i32, pden: usize, c0: i32, c1: i32, out: usize): void { varianceOuterInner<f32>(x, N, C, S, pden, c0, c1, out); }
export function varianceOuterInnerF64(x: usize, N: i32, C: i32, S: i32, pden: usize, c0: i32, c1: i32, out: usize): void { varianceOuterInner<f64>(x, N, C, S, pden, c0, c1, out); }

// ------------------------------------------------------------------ batch norm (training)

/**
 * Batch-norm statistics of channels [c0, c1) of x viewed as [N, C, S] (T = f32 / f64):
 * μ = Σx / (N·S) and σ² = Σ(x − μ)² / (N·S) by {@link channelSqDev}; μ and σ² rounded into mu[c],
 * va[c], and the float64 μ and r = 1 / √(σ² + ε) (ε the float64 at `peps`) into st[2c], st[2c + 1]
 * for {@link batchNormApply}.
 */
@inline function batchNormStats<T>(x: usize, N: i32, C: i32, S: i32, peps: usize, c0: i32, c1: i32, mu: usize, va: usize, st: usize): void {
  const eps = load<f64>(peps), M = <f64>N * <f64>S, sh = shiftOf<T>();
  for (let c = c0; c < c1; c++) {
    const q = channelSqDev<T>(x, N, C, S, c), m = channelMean;
    store<T>(mu + (<usize>c << sh), <T>m);
    store<T>(va + (<usize>c << sh), <T>(q / M));
    store<f64>(st + (<usize>c << 4), m);
    store<f64>(st + (<usize>c << 4), 1 / Math.sqrt(q / M + eps), 8);
  }
}
export function batchNormStatsF32(x: usize, N: i32, C: i32, S: i32, peps: usize, c0: i32, c1: i32, mu: usize, va: usize, st: usize): void { batchNormStats<f32>(x, N, C, S, peps, c0, c1, mu, va, st); }
export function batchNormStatsF64(x: usize, N: i32, C: i32, S: i32, peps: usize, c0: i32, c1: i32, mu: usize, va: usize, st: usize): void { batchNormStats<f64>(x, N, C, S, peps, c0, c1, mu, va, st); }

/**
 * y = (x − μ) · a + o over the [n, c] blocks [u0, u1) of x[N, C, S] (T = f32 / f64; block u is
 * channel u mod C), in float64 and rounded once, with μ, r from st (float64 pairs per channel),
 * a = r · γ[c] (r without a weight) and o = β[c] (0 without a bias, still added: the reference's
 * arithmetic, −0 included).
 */
@inline function batchNormApply<T>(x: usize, w: usize, b: usize, C: i32, S: i32, st: usize, u0: i32, u1: i32, y: usize): void {
  const sh = shiftOf<T>();
  for (let u = u0; u < u1; u++) {
    const c = u % C, off = (<usize>u * <usize>S) << sh, xr = x + off, yr = y + off;
    const m = load<f64>(st + (<usize>c << 4)), r = load<f64>(st + (<usize>c << 4), 8);
    const a = w ? r * <f64>load<T>(w + (<usize>c << sh)) : r, o: f64 = b ? <f64>load<T>(b + (<usize>c << sh)) : 0;
    const mv = f64x2.splat(m), av = f64x2.splat(a), ov = f64x2.splat(o);
    let j = 0;
    for (; j + 4 <= S; j += 4) {
      const p = <usize>j << sh;
      store4<T>(yr + p, f64x2.add(f64x2.mul(f64x2.sub(lo4<T>(xr + p), mv), av), ov), f64x2.add(f64x2.mul(f64x2.sub(hi4<T>(xr + p), mv), av), ov));
    }
    for (; j < S; j++) { const p = <usize>j << sh; store<T>(yr + p, <T>((<f64>load<T>(xr + p) - m) * a + o)); }
  }
}
export function batchNormApplyF32(x: usize, w: usize, b: usize, C: i32, S: i32, st: usize, u0: i32, u1: i32, y: usize): void { batchNormApply<f32>(x, w, b, C, S, st, u0, u1, y); }
export function batchNormApplyF64(x: usize, w: usize, b: usize, C: i32, S: i32, st: usize, u0: i32, u1: i32, y: usize): void { batchNormApply<f64>(x, w, b, C, S, st, u0, u1, y); }

/**
 * The channel sums of batch norm's backward for channels [c0, c1) (T = f32 / f64): Σg and
 * Σ g·(x − μ)·r (float64, each product (g · (x − μ)) · r as the reference evaluates it; per block
 * in lanes, blocks added in ascending n), with μ, r from st, into sums[2c], sums[2c + 1].
 */
@inline function batchNormGradStats<T>(x: usize, g: usize, N: i32, C: i32, S: i32, st: usize, c0: i32, c1: i32, sums: usize): void {
  const sh = shiftOf<T>();
  for (let c = c0; c < c1; c++) {
    const m = load<f64>(st + (<usize>c << 4)), r = load<f64>(st + (<usize>c << 4), 8);
    const mv = f64x2.splat(m), rv = f64x2.splat(r);
    let sg: f64 = 0, sx: f64 = 0;
    for (let n = 0; n < N; n++) {
      const off = (<usize>(n * C + c) * <usize>S) << sh, xr = x + off, gr = g + off;
      let a0 = f64x2.splat(0), a1 = f64x2.splat(0), q0 = f64x2.splat(0), q1 = f64x2.splat(0);
      let j = 0;
      for (; j + 4 <= S; j += 4) {
        const p = <usize>j << sh, gl = lo4<T>(gr + p), gh = hi4<T>(gr + p);
        a0 = f64x2.add(a0, gl);
        a1 = f64x2.add(a1, gh);
        q0 = f64x2.add(q0, f64x2.mul(f64x2.mul(gl, f64x2.sub(lo4<T>(xr + p), mv)), rv));
        q1 = f64x2.add(q1, f64x2.mul(f64x2.mul(gh, f64x2.sub(hi4<T>(xr + p), mv)), rv));
      }
      const at = f64x2.add(a0, a1), qt = f64x2.add(q0, q1);
      let a = f64x2.extract_lane(at, 0) + f64x2.extract_lane(at, 1), q = f64x2.extract_lane(qt, 0) + f64x2.extract_lane(qt, 1);
      for (; j < S; j++) {
        const p = <usize>j << sh, gk = <f64>load<T>(gr + p);
        a += gk;
        q += gk * (<f64>load<T>(xr + p) - m) * r;
      }
      sg += a;
      sx += q;
    }
    store<f64>(sums + (<usize>c << 4), sg);
    store<f64>(sums + (<usize>c << 4), sx, 8);
  }
}
export function batchNormGradStatsF32(x: usize, g: usize, N: i32, C: i32, S: i32, st: usize, c0: i32, c1: i32, sums: usize): void { batchNormGradStats<f32>(x, g, N, C, S, st, c0, c1, sums); }
export function batchNormGradStatsF64(x: usize, g: usize, N: i32, C: i32, S: i32, st: usize, c0: i32, c1: i32, sums: usize): void { batchNormGradStats<f64>(x, g, N, C, S, st, c0, c1, sums); }

/**
 * gx = sc · (g − k₁ − (x − μ) · r · k₂) over the [n, c] blocks [u0, u1) of [N, C, S] (T = f32 /
 * f64; float64, rounded once), with μ, r from st and sc, k₁, k₂ from coef (three float64 per channel).
 */
@inline function batchNormGradApply<T>(x: usize, g: usize, C: i32, S: i32, st: usize, coef: usize, u0: i32, u1: i32, gx: usize): void {
  const sh = shiftOf<T>();
  for (let u = u0; u < u1; u++) {
    const c = u % C, off = (<usize>u * <usize>S) << sh, xr = x + off, gr = g + off, orow = gx + off;
    const m = load<f64>(st + (<usize>c << 4)), r = load<f64>(st + (<usize>c << 4), 8);
    const k = coef + <usize>c * 24, sc = load<f64>(k), k1 = load<f64>(k, 8), k2 = load<f64>(k, 16);
    const mv = f64x2.splat(m), rv = f64x2.splat(r), sv = f64x2.splat(sc), k1v = f64x2.splat(k1), k2v = f64x2.splat(k2);
    let j = 0;
    for (; j + 4 <= S; j += 4) {
      const p = <usize>j << sh;
      const lo = f64x2.mul(sv, f64x2.sub(f64x2.sub(lo4<T>(gr + p), k1v), f64x2.mul(f64x2.mul(f64x2.sub(lo4<T>(xr + p), mv), rv), k2v)));
      const hi = f64x2.mul(sv, f64x2.sub(f64x2.sub(hi4<T>(gr + p), k1v), f64x2.mul(f64x2.mul(f64x2.sub(hi4<T>(xr + p), mv), rv), k2v)));
      store4<T>(orow + p, lo, hi);
    }
    for (; j < S; j++) {
      const p = <usize>j << sh;
      store<T>(orow + p, <T>(sc * (<f64>load<T>(gr + p) - k1 - (<f64>load<T>(xr + p) - m) * r * k2)));
    }
  }
}
export function batchNormGradApplyF32(x: usize, g: usize, C: i32, S: i32, st: usize, coef: usize, u0: i32, u1: i32, gx: usize): void { batchNormGradApply<f32>(x, g, C, S, st, coef, u0, u1, gx); }
export function batchNormGradApplyF64(x: usize, g: usize, C: i32, S: i32, st: usize, coef: usize, u0: i32, u1: i32, gx: usize): void { batchNormGradApply<f64>(x, g, C, S, st, coef, u0, u1, gx); }

/**
 * softmax's gradient over float32 rows [r0, r1) of [rows, L]: s = Σ g·y (each product rounded to
 * float32, as the reference stores it, summed in float64 over four f64x2 accumulators of 8-lane
 * blocks, then the tail in order), t = s rounded to float32, gx = y · (g − t) in float32.
 */
export function softmaxGradRowsF32(y: usize, g: usize, L: i32, r0: i32, r1: i32, out: usize): void {
  for (let r = r0; r < r1; r++) {
    const off = (<usize>r * <usize>L) << 2, yr = y + off, gr = g + off, orow = out + off;
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
    let j = 0;
    for (; j + 8 <= L; j += 8) {
      const p = <usize>j << 2;
      const q0 = f32x4.mul(v128.load(gr + p), v128.load(yr + p)), q1 = f32x4.mul(v128.load(gr + p, 16), v128.load(yr + p, 16));
      a0 = f64x2.add(a0, f64x2.promote_low_f32x4(q0));
      a1 = f64x2.add(a1, promoteHigh(q0));
      a2 = f64x2.add(a2, f64x2.promote_low_f32x4(q1));
      a3 = f64x2.add(a3, promoteHigh(q1));
    }
    const t4 = f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3));
    let s = f64x2.extract_lane(t4, 0) + f64x2.extract_lane(t4, 1);
    for (; j < L; j++) { const p = <usize>j << 2; s += <f64>(load<f32>(gr + p) * load<f32>(yr + p)); }
    const t = <f32>s, tv = f32x4.splat(t);
    j = 0;
    for (; j + 4 <= L; j += 4) {
      const p = <usize>j << 2;
      v128.store(orow + p, f32x4.mul(v128.load(yr + p), f32x4.sub(v128.load(gr + p), tv)));
    }
    for (; j < L; j++) { const p = <usize>j << 2; store<f32>(orow + p, load<f32>(yr + p) * (load<f32>(gr + p) - t)); }
  }
}


// ------------------------------------------------------------------ float64 softmax rows

/**
 * Σ exp(x − m) over float64 x[0, L) by {@link expF64x2}: blocks of 8 (four vectors, e₀…e₃ into
 * accumulators s₀…s₃), then pairs into s₀, then ((s₀ + s₁) + (s₂ + s₃)) lane 0 + lane 1, and a
 * last odd element (lane 0 of a splat: the same exp); with `keep` (a constant after inlining) each
 * exponential is also written to orow.
 */
@inline function rowExpSumF64(xr: usize, L: i32, m: f64, keep: bool, orow: usize): f64 {
  const ms = f64x2.splat(m);
  let s0 = f64x2.splat(0), s1 = s0, s2 = s0, s3 = s0;
  let j = 0;
  for (; j + 8 <= L; j += 8) {
    const p = <usize>j << 3;
    const e0 = expF64x2(f64x2.sub(v128.load(xr + p), ms)), e1 = expF64x2(f64x2.sub(v128.load(xr + p, 16), ms));
    const e2 = expF64x2(f64x2.sub(v128.load(xr + p, 32), ms)), e3 = expF64x2(f64x2.sub(v128.load(xr + p, 48), ms));
    if (keep) {
      v128.store(orow + p, e0);
      v128.store(orow + p, e1, 16);
      v128.store(orow + p, e2, 32);
      v128.store(orow + p, e3, 48);
    }
    s0 = f64x2.add(s0, e0);
    s1 = f64x2.add(s1, e1);
    s2 = f64x2.add(s2, e2);
    s3 = f64x2.add(s3, e3);
  }
  for (; j + 2 <= L; j += 2) {
    const p = <usize>j << 3;
    const e = expF64x2(f64x2.sub(v128.load(xr + p), ms));
    if (keep) v128.store(orow + p, e);
    s0 = f64x2.add(s0, e);
  }
  const t = f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3));
  let s = f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
  if (j < L) {
    const p = <usize>j << 3;
    const e = f64x2.extract_lane(expF64x2(f64x2.splat(load<f64>(xr + p) - m)), 0);
    if (keep) store<f64>(orow + p, e);
    s += e;
  }
  return s;
}

/**
 * Softmax (op 0) or log-softmax (op 1) of the float64 rows [r0, r1) of x[rows, L] into out (which
 * may be x), the reference's formula: m = the row's maximum (NaN wins; log-softmax shifts by 0
 * where m = ±∞), e = exp(x − m) by {@link expF64x2}, s = Σ e ({@link rowExpSumF64}); softmax
 * stores e / s, log-softmax x − (log s + m). Each row is computed alone, so results never depend
 * on how rows are split across threads.
 */
export function softmaxRowsF64(op: i32, x: usize, L: i32, r0: i32, r1: i32, out: usize): void {
  for (let r = r0; r < r1; r++) {
    const xr = x + ((<usize>r * <usize>L) << 3), orow = out + ((<usize>r * <usize>L) << 3);
    let m = reduceRange<f64>(1, xr, 0, L);
    if (op == 1 && (m == Infinity || m == -Infinity)) m = 0;
    let j = 0;
    if (op == 0) {
      const sv = f64x2.splat(rowExpSumF64(xr, L, m, true, orow)), s = f64x2.extract_lane(sv, 0);
      for (; j + 2 <= L; j += 2) { const p = <usize>j << 3; v128.store(orow + p, f64x2.div(v128.load(orow + p), sv)); }
      if (j < L) { const p = <usize>j << 3; store<f64>(orow + p, load<f64>(orow + p) / s); }
    } else {
      const lr = Math.log(rowExpSumF64(xr, L, m, false, 0)) + m, rv = f64x2.splat(lr);
      for (; j + 2 <= L; j += 2) { const p = <usize>j << 3; v128.store(orow + p, f64x2.sub(v128.load(xr + p), rv)); }
      if (j < L) { const p = <usize>j << 3; store<f64>(orow + p, load<f64>(xr + p) - lr); }
    }
  }
}

/**
 * out[r] = log Σ exp(x − m) + m over the float64 rows [r0, r1) of x[rows, L], m the row's maximum
 * (NaN wins) shifted by 0 where it is ±∞, as the reference's `logsumexp`.
 */
export function logsumexpRowsF64(x: usize, L: i32, r0: i32, r1: i32, out: usize): void {
  for (let r = r0; r < r1; r++) {
    const xr = x + ((<usize>r * <usize>L) << 3);
    let m = reduceRange<f64>(1, xr, 0, L);
    if (m == Infinity || m == -Infinity) m = 0;
    store<f64>(out + (<usize>r << 3), Math.log(rowExpSumF64(xr, L, m, false, 0)) + m);
  }
}

/**
 * Softmax's gradient on the float64 rows [r0, r1) of [rows, L]: out = y ⊙ (g − s), s = Σ g ⊙ y
 * (four f64x2 accumulators over blocks of 8, (a₀ + a₁) + (a₂ + a₃), the lanes, then the tail in
 * order); out may be g.
 */
export function softmaxGradRowsF64(y: usize, g: usize, L: i32, r0: i32, r1: i32, out: usize): void {
  for (let r = r0; r < r1; r++) {
    const off = (<usize>r * <usize>L) << 3, yr = y + off, gr = g + off, orow = out + off;
    let a0 = f64x2.splat(0), a1 = a0, a2 = a0, a3 = a0;
    let j = 0;
    for (; j + 8 <= L; j += 8) {
      const p = <usize>j << 3;
      a0 = f64x2.add(a0, f64x2.mul(v128.load(gr + p), v128.load(yr + p)));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(gr + p, 16), v128.load(yr + p, 16)));
      a2 = f64x2.add(a2, f64x2.mul(v128.load(gr + p, 32), v128.load(yr + p, 32)));
      a3 = f64x2.add(a3, f64x2.mul(v128.load(gr + p, 48), v128.load(yr + p, 48)));
    }
    const t4 = f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3));
    let s = f64x2.extract_lane(t4, 0) + f64x2.extract_lane(t4, 1);
    for (; j < L; j++) { const p = <usize>j << 3; s += load<f64>(gr + p) * load<f64>(yr + p); }
    const tv = f64x2.splat(s);
    j = 0;
    for (; j + 2 <= L; j += 2) { const p = <usize>j << 3; v128.store(orow + p, f64x2.mul(v128.load(yr + p), f64x2.sub(v128.load(gr + p), tv))); }
    if (j < L) { const p = <usize>j << 3; store<f64>(orow + p, load<f64>(yr + p) * (load<f64>(gr + p) - s)); }
  }
}

/**
 * Log-softmax's gradient on the float64 rows [r0, r1) of [rows, L]: out = g − exp(y) · S, S = Σ g
 * ({@link rowSum}'s order), exp by {@link expF64x2}; out may be g.
 */
export function logSoftmaxGradRowsF64(y: usize, g: usize, L: i32, r0: i32, r1: i32, out: usize): void {
  for (let r = r0; r < r1; r++) {
    const off = (<usize>r * <usize>L) << 3, yr = y + off, gr = g + off, orow = out + off;
    const S = rowSum<f64>(gr, L), sv = f64x2.splat(S);
    let j = 0;
    for (; j + 4 <= L; j += 4) {
      const p = <usize>j << 3;
      const e0 = expF64x2(v128.load(yr + p)), e1 = expF64x2(v128.load(yr + p, 16));
      v128.store(orow + p, f64x2.sub(v128.load(gr + p), f64x2.mul(e0, sv)));
      v128.store(orow + p, f64x2.sub(v128.load(gr + p, 16), f64x2.mul(e1, sv)), 16);
    }
    for (; j + 2 <= L; j += 2) { const p = <usize>j << 3; v128.store(orow + p, f64x2.sub(v128.load(gr + p), f64x2.mul(expF64x2(v128.load(yr + p)), sv))); }
    if (j < L) { const p = <usize>j << 3; store<f64>(orow + p, load<f64>(gr + p) - f64x2.extract_lane(expF64x2(f64x2.splat(load<f64>(yr + p))), 0) * S); }
  }
}

// ------------------------------------------------------------------ softmax family along a middle axis

/*
 * x as [B, L, W], the op along L (softmax / log-softmax / their gradients over any axis but the last,
 * logsumexp over a block of leading or middle axes). Columns are contiguous, so one vector holds
 * 16 / sizeof<T> neighbouring columns (a "unit") and walks down L with stride W: each column's
 * maximum, exps and sums are computed in its own lane, in the reference's order (ascending along
 * L, sums in float64), and the exp is the row kernels' (expF32x4 / expF64x2). A last partial unit
 * runs its columns one at a time through lane 0 of a splat: the same operations, so the same bits
 * as in a full unit. Tasks are units, t ∈ [t0, t1) ↦ batch ⌊t / U⌋, unit t mod U (U = ⌈W / lanes⌉);
 * no result depends on how tasks are split across threads.
 */

/** A unit's vector at p (one element splatted when `one`). */
@inline function cload<T>(p: usize, one: bool): v128 { return one ? vsplat<T>(load<T>(p)) : v128.load(p); }
/** Store a unit's vector at p (lane 0 only when `one`). */
@inline function cstore<T>(p: usize, v: v128, one: bool): void {
  if (!one) v128.store(p, v);
  else if (sizeof<T>() == 4) store<f32>(p, f32x4.extract_lane(v, 0));
  else store<f64>(p, f64x2.extract_lane(v, 0));
}
@inline function cexp<T>(v: v128): v128 { return sizeof<T>() == 4 ? expF32x4(v) : expF64x2(v); }
@inline function csub<T>(a: v128, b: v128): v128 { return sizeof<T>() == 4 ? f32x4.sub(a, b) : f64x2.sub(a, b); }
@inline function cdiv<T>(a: v128, b: v128): v128 { return sizeof<T>() == 4 ? f32x4.div(a, b) : f64x2.div(a, b); }
/** Lane-wise maximum with NaN winning (wasm's max propagates NaN). */
@inline function cmax<T>(a: v128, b: v128): v128 { return sizeof<T>() == 4 ? f32x4.max(a, b) : f64x2.max(a, b); }
/** Lanes of m that are ±∞ set to 0 (the log-softmax / logsumexp shift). */
@inline function cshift<T>(m: v128): v128 {
  if (sizeof<T>() == 4) return v128.andnot(m, f32x4.eq(f32x4.abs(m), f32x4.splat(Infinity)));
  return v128.andnot(m, f64x2.eq(f64x2.abs(m), f64x2.splat(Infinity)));
}
/** The lanes of a float64 sum pair (lo: lanes 0, 1; hi: 2, 3 for float32) rounded to T in one vector. */
@inline function cround<T>(lo: v128, hi: v128): v128 {
  if (sizeof<T>() == 4) return i8x16.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
  return lo;
}
/** Lane-wise T(log t) + m, then rounded to T (float32: the reference rounds the log and the sum). */
@inline function clogPlus<T>(t: v128, m: v128): v128 {
  if (sizeof<T>() == 4) {
    let r = f32x4.splat(0);
    r = f32x4.replace_lane(r, 0, <f32>(<f32>Math.log(<f64>f32x4.extract_lane(t, 0)) + f32x4.extract_lane(m, 0)));
    r = f32x4.replace_lane(r, 1, <f32>(<f32>Math.log(<f64>f32x4.extract_lane(t, 1)) + f32x4.extract_lane(m, 1)));
    r = f32x4.replace_lane(r, 2, <f32>(<f32>Math.log(<f64>f32x4.extract_lane(t, 2)) + f32x4.extract_lane(m, 2)));
    r = f32x4.replace_lane(r, 3, <f32>(<f32>Math.log(<f64>f32x4.extract_lane(t, 3)) + f32x4.extract_lane(m, 3)));
    return r;
  }
  let r = f64x2.splat(0);
  r = f64x2.replace_lane(r, 0, Math.log(f64x2.extract_lane(t, 0)) + f64x2.extract_lane(m, 0));
  r = f64x2.replace_lane(r, 1, Math.log(f64x2.extract_lane(t, 1)) + f64x2.extract_lane(m, 1));
  return r;
}

/**
 * One unit (or one column when `one`) of softmax (op 0), log-softmax (1) or logsumexp (2) along L:
 * m = max (NaN wins; shifted by 0 where ±∞ for ops 1, 2), e = exp(x − m), s = Σ e in float64 in
 * ascending order, t = T(s); softmax stores e, then e / t; log-softmax x − T(T(log t) + m);
 * logsumexp stores T(T(log t) + m) at o (one row of W).
 */
@inline function softmaxColUnit<T>(op: i32, xp: usize, L: i32, st: usize, op_: usize, one: bool): void {
  let m = vsplat<T>(<T>-Infinity);
  for (let l = 0; l < L; l++) m = cmax<T>(m, cload<T>(xp + <usize>l * st, one));
  if (op != 0) m = cshift<T>(m);
  let lo = f64x2.splat(0), hi = lo;
  for (let l = 0; l < L; l++) {
    const e = cexp<T>(csub<T>(cload<T>(xp + <usize>l * st, one), m));
    if (op == 0) cstore<T>(op_ + <usize>l * st, e, one);
    if (sizeof<T>() == 4) { lo = f64x2.add(lo, f64x2.promote_low_f32x4(e)); hi = f64x2.add(hi, promoteHigh(e)); } else lo = f64x2.add(lo, e);
  }
  const t = cround<T>(lo, hi);
  if (op == 0) {
    for (let l = 0; l < L; l++) { const q = op_ + <usize>l * st; cstore<T>(q, cdiv<T>(cload<T>(q, one), t), one); }
  } else if (op == 1) {
    const r = clogPlus<T>(t, m);
    for (let l = 0; l < L; l++) cstore<T>(op_ + <usize>l * st, csub<T>(cload<T>(xp + <usize>l * st, one), r), one);
  } else cstore<T>(op_, clogPlus<T>(t, m), one);
}

/**
 * One unit (or column) of softmax's gradient (op 0: gx = y ⊙ (g − T(Σ T(g·y)))) or log-softmax's
 * (op 1: gx = g − T(T(exp y) · T(Σ g))) along L, sums in float64 in ascending order.
 */
@inline function softmaxGradColUnit<T>(op: i32, yp: usize, gp: usize, L: i32, st: usize, op_: usize, one: bool): void {
  let lo = f64x2.splat(0), hi = lo;
  for (let l = 0; l < L; l++) {
    const g = cload<T>(gp + <usize>l * st, one);
    const q = op == 0 ? vmul<T>(g, cload<T>(yp + <usize>l * st, one)) : g;
    if (sizeof<T>() == 4) { lo = f64x2.add(lo, f64x2.promote_low_f32x4(q)); hi = f64x2.add(hi, promoteHigh(q)); } else lo = f64x2.add(lo, q);
  }
  const t = cround<T>(lo, hi);
  for (let l = 0; l < L; l++) {
    const o = <usize>l * st, y = cload<T>(yp + o, one), g = cload<T>(gp + o, one);
    cstore<T>(op_ + o, op == 0 ? vmul<T>(y, csub<T>(g, t)) : csub<T>(g, vmul<T>(cexp<T>(y), t)), one);
  }
}

/** Tasks [t0, t1) of {@link softmaxColUnit} over x[B, L, W] (out: [B, L, W], or [B, W] for logsumexp). */
@inline function softmaxCols<T>(op: i32, x: usize, L: i32, W: i32, t0: i32, t1: i32, out: usize): void {
  const lanes = 16 / sizeof<T>(), U = (W + lanes - 1) / lanes, sh = shiftOf<T>(), st = <usize>W << sh;
  for (let t = t0; t < t1; t++) {
    const b = t / U, c = (t - b * U) * lanes;
    const xb = x + ((<usize>b * <usize>L * <usize>W) << sh), ob = op == 2 ? out + ((<usize>b * <usize>W) << sh) : out + ((<usize>b * <usize>L * <usize>W) << sh);
    if (c + lanes <= W) softmaxColUnit<T>(op, xb + (<usize>c << sh), L, st, ob + (<usize>c << sh), false);
    else for (let j = c; j < W; j++) softmaxColUnit<T>(op, xb + (<usize>j << sh), L, st, ob + (<usize>j << sh), true);
  }
}
/** Softmax (0), log-softmax (1) or logsumexp (2) along the middle axis of float32 x[B, L, W], tasks [t0, t1). */
export function softmaxColsF32(op: i32, x: usize, L: i32, W: i32, t0: i32, t1: i32, out: usize): void {
  if (op == 0) softmaxCols<f32>(0, x, L, W, t0, t1, out); else if (op == 1) softmaxCols<f32>(1, x, L, W, t0, t1, out); else softmaxCols<f32>(2, x, L, W, t0, t1, out);
}
/** {@link softmaxColsF32} for float64. */
export function softmaxColsF64(op: i32, x: usize, L: i32, W: i32, t0: i32, t1: i32, out: usize): void {
  if (op == 0) softmaxCols<f64>(0, x, L, W, t0, t1, out); else if (op == 1) softmaxCols<f64>(1, x, L, W, t0, t1, out); else softmaxCols<f64>(2, x, L, W, t0, t1, out);
}

/** Tasks [t0, t1) of {@link softmaxGradColUnit} over y, g, out [B, L, W]. */
@inline function softmaxGradCols<T>(op: i32, y: usize, g: usize, L: i32, W: i32, t0: i32, t1: i32, out: usize): void {
  const lanes = 16 / sizeof<T>(), U = (W + lanes - 1) / lanes, sh = shiftOf<T>(), st = <usize>W << sh;
  for (let t = t0; t < t1; t++) {
    const b = t / U, c = (t - b * U) * lanes, off = (<usize>b * <usize>L * <usize>W) << sh;
    if (c + lanes <= W) softmaxGradColUnit<T>(op, y + off + (<usize>c << sh), g + off + (<usize>c << sh), L, st, out + off + (<usize>c << sh), false);
    else for (let j = c; j < W; j++) softmaxGradColUnit<T>(op, y + off + (<usize>j << sh), g + off + (<usize>j << sh), L, st, out + off + (<usize>j << sh), true);
  }
}
/** Softmax's (op 0) or log-softmax's (1) gradient along the middle axis of float32 [B, L, W], tasks [t0, t1); out may be g. */
export function softmaxGradColsF32(op: i32, y: usize, g: usize, L: i32, W: i32, t0: i32, t1: i32, out: usize): void {
  if (op == 0) softmaxGradCols<f32>(0, y, g, L, W, t0, t1, out); else softmaxGradCols<f32>(1, y, g, L, W, t0, t1, out);
}
/** {@link softmaxGradColsF32} for float64. */
export function softmaxGradColsF64(op: i32, y: usize, g: usize, L: i32, W: i32, t0: i32, t1: i32, out: usize): void {
  if (op == 0) softmaxGradCols<f64>(0, y, g, L, W, t0, t1, out); else softmaxGradCols<f64>(1, y, g, L, W, t0, t1, out);
}

/**
 * Variance along the middle axis of x[B, L, W] (T = f32 / f64), tasks [t0, t1) as in
 * {@link softmaxCols}: per column μ = Σx / L, then Σ(x − μ)² in float64, each sum ascending along
 * L in its own lane — the reference's operations in its order, so its bits — divided by the
 * float64 at `pden` and rounded once; out is [B, W].
 */
@inline function varianceCols<T>(x: usize, L: i32, W: i32, pden: usize, t0: i32, t1: i32, out: usize): void {
  const lanes = 16 / sizeof<T>(), U = (W + lanes - 1) / lanes, sh = shiftOf<T>(), st = <usize>W << sh;
  const den = f64x2.splat(load<f64>(pden)), n = f64x2.splat(<f64>L);
  for (let t = t0; t < t1; t++) {
    const b = t / U, c = (t - b * U) * lanes;
    const xb = x + ((<usize>b * <usize>L * <usize>W) << sh), ob = out + ((<usize>b * <usize>W) << sh);
    const j1 = c + lanes <= W ? c + 1 : W; // a full unit at c, or its columns one by one
    for (let j = c; j < j1; j++) {
      const one = c + lanes > W, xp = xb + (<usize>j << sh);
      let slo = f64x2.splat(0), shi = slo;
      for (let l = 0; l < L; l++) {
        const v = cload<T>(xp + <usize>l * st, one);
        if (sizeof<T>() == 4) { slo = f64x2.add(slo, f64x2.promote_low_f32x4(v)); shi = f64x2.add(shi, promoteHigh(v)); } else slo = f64x2.add(slo, v);
      }
      const mlo = f64x2.div(slo, n), mhi = f64x2.div(shi, n);
      let qlo = f64x2.splat(0), qhi = qlo;
      for (let l = 0; l < L; l++) {
        const v = cload<T>(xp + <usize>l * st, one);
        if (sizeof<T>() == 4) {
          const dlo = f64x2.sub(f64x2.promote_low_f32x4(v), mlo), dhi = f64x2.sub(promoteHigh(v), mhi);
          qlo = f64x2.add(qlo, f64x2.mul(dlo, dlo));
          qhi = f64x2.add(qhi, f64x2.mul(dhi, dhi));
        } else {
          const d = f64x2.sub(v, mlo);
          qlo = f64x2.add(qlo, f64x2.mul(d, d));
        }
      }
      cstore<T>(ob + (<usize>j << sh), cround<T>(f64x2.div(qlo, den), f64x2.div(qhi, den)), one);
    }
  }
}
/** Variance along the middle axis of float32 x[B, L, W] (see {@link varianceCols}). */
export function varianceColsF32(x: usize, L: i32, W: i32, pden: usize, t0: i32, t1: i32, out: usize): void { varianceCols<f32>(x, L, W, pden, t0, t1, out); }
/** {@link varianceColsF32} for float64. */
export function varianceColsF64(x: usize, L: i32, W: i32, pden: usize, t0: i32, t1: i32, out: usize): void { varianceCols<f64>(x, L, W, pden, t0, t1, out); }

/**
 * argmax (op 1) / argmin (op 2) along the middle axis of x[B, L, W] (T = f32 / f64) into int32
 * out[B, W], tasks [t0, t1) as in {@link softmaxCols}: per column lane the reference's scan — the
 * best so far starts at l = 0; a later value replaces it when greater (smaller) or NaN; once the best
 * is NaN the lane stops — so the first extreme, or the first NaN, wins: the reference's index.
 */
@inline function argCols<T>(op: i32, x: usize, L: i32, W: i32, t0: i32, t1: i32, out: usize): void {
  const lanes = 16 / sizeof<T>(), U = (W + lanes - 1) / lanes, sh = shiftOf<T>(), st = <usize>W << sh, mx = op == 1;
  for (let t = t0; t < t1; t++) {
    const b = t / U, c = (t - b * U) * lanes;
    const xb = x + ((<usize>b * <usize>L * <usize>W) << sh), ob = out + ((<usize>b * <usize>W) << 2);
    const j1 = c + lanes <= W ? c + 1 : W;
    for (let j = c; j < j1; j++) {
      const one = c + lanes > W, xp = xb + (<usize>j << sh);
      let bv = cload<T>(xp, one), best = vzero();
      for (let l = 1; l < L; l++) {
        const v = cload<T>(xp + <usize>l * st, one);
        if (sizeof<T>() == 4) {
          const upd = v128.andnot(v128.or(mx ? f32x4.gt(v, bv) : f32x4.lt(v, bv), f32x4.ne(v, v)), f32x4.ne(bv, bv));
          bv = v128.bitselect(v, bv, upd);
          best = v128.bitselect(i32x4.splat(l), best, upd);
        } else {
          const upd = v128.andnot(v128.or(mx ? f64x2.gt(v, bv) : f64x2.lt(v, bv), f64x2.ne(v, v)), f64x2.ne(bv, bv));
          bv = v128.bitselect(v, bv, upd);
          best = v128.bitselect(i64x2.splat(<i64>l), best, upd);
        }
      }
      const o = ob + (<usize>j << 2);
      if (sizeof<T>() == 4) { if (one) store<i32>(o, i32x4.extract_lane(best, 0)); else v128.store(o, best); }
      else { store<i32>(o, <i32>i64x2.extract_lane(best, 0)); if (!one) store<i32>(o, <i32>i64x2.extract_lane(best, 1), 4); }
    }
  }
}
/** argmax (op 1) / argmin (op 2) along the middle axis of float32 x[B, L, W] (see {@link argCols}). */
export function argColsF32(op: i32, x: usize, L: i32, W: i32, t0: i32, t1: i32, out: usize): void { if (op == 1) argCols<f32>(1, x, L, W, t0, t1, out); else argCols<f32>(2, x, L, W, t0, t1, out); }
/** {@link argColsF32} for float64. */
export function argColsF64(op: i32, x: usize, L: i32, W: i32, t0: i32, t1: i32, out: usize): void { if (op == 1) argCols<f64>(1, x, L, W, t0, t1, out); else argCols<f64>(2, x, L, W, t0, t1, out); }

// ------------------------------------------------------------------ axis permutation (reductions over any axes)

/**
 * Runs [r0, r1) of a permuted copy: out, of `nd` dimensions dims[0…nd) (int32 at `dims`), is x read
 * with element strides strides[0…nd) (int32 at `strides`) — out[i₀, …, i_{nd−1}] = x[Σ i_k·strides[k]].
 * A run is one index of the first nd − 1 dimensions and all of the last: its x offset is found by
 * nd − 1 divisions, then dims[nd − 1] elements are copied with stride strides[nd − 1]. Values are
 * copied as stored (NaN payloads included), so a reduction of the copy sees x's elements exactly.
 */
@inline function permuteRuns<T>(x: usize, nd: i32, dims: usize, strides: usize, r0: i32, r1: i32, out: usize): void {
  const sh = shiftOf<T>(), D = load<i32>(dims + (<usize>(nd - 1) << 2)), sl = <usize>load<i32>(strides + (<usize>(nd - 1) << 2)) << sh;
  for (let r = r0; r < r1; r++) {
    let rem = r, off: usize = 0;
    for (let k = nd - 2; k >= 0; k--) {
      const d = load<i32>(dims + (<usize>k << 2)), q = rem / d;
      off += <usize>(rem - q * d) * <usize>load<i32>(strides + (<usize>k << 2));
      rem = q;
    }
    let src = x + (off << sh), dst = out + ((<usize>r * <usize>D) << sh);
    for (let j = 0; j < D; j++) { store<T>(dst, load<T>(src)); src += sl; dst += <usize>1 << sh; }
  }
}
/** {@link permuteRuns} of float32 elements. */
export function permuteRunsF32(x: usize, nd: i32, dims: usize, strides: usize, r0: i32, r1: i32, out: usize): void { permuteRuns<f32>(x, nd, dims, strides, r0, r1, out); }
/** {@link permuteRuns} of float64 elements. */
export function permuteRunsF64(x: usize, nd: i32, dims: usize, strides: usize, r0: i32, r1: i32, out: usize): void { permuteRuns<f64>(x, nd, dims, strides, r0, r1, out); }

// ------------------------------------------------------------------ clamp, logsumexp rows

/**
 * out[i] = x < lo ? lo : x > hi ? hi : x for i ∈ [i0, i1), with lo, hi the two values of x's type
 * at `pb` (±∞ for an omitted bound): pmax(x, lo) is `x < lo ? lo : x` and pmin(·, hi) is
 * `hi < · ? hi : ·`, one instruction each — the reference's selections exactly (NaN stays NaN,
 * −0 stays −0). The tail runs the vector code on a splat.
 */
@inline function clampAny<T>(x: usize, pb: usize, i0: i32, i1: i32, out: usize): void {
  const sh = <usize>(sizeof<T>() == 4 ? 2 : 3), L = 16 / sizeof<T>();
  const lo = vsplat<T>(load<T>(pb)), hi = vsplat<T>(load<T>(pb + sizeof<T>()));
  let i = i0;
  for (; i + L <= i1; i += L) {
    const p = <usize>i << sh, v = v128.load(x + p);
    v128.store(out + p, sizeof<T>() == 4 ? f32x4.pmin(f32x4.pmax(v, lo), hi) : f64x2.pmin(f64x2.pmax(v, lo), hi));
  }
  for (; i < i1; i++) {
    const p = <usize>i << sh, v = vsplat<T>(load<T>(x + p));
    if (sizeof<T>() == 4) store<f32>(out + p, f32x4.extract_lane(f32x4.pmin(f32x4.pmax(v, lo), hi), 0));
    else store<f64>(out + p, f64x2.extract_lane(f64x2.pmin(f64x2.pmax(v, lo), hi), 0));
  }
}
/** {@link clampAny} for float32. */
export function clampF32(x: usize, pb: usize, i0: i32, i1: i32, out: usize): void { clampAny<f32>(x, pb, i0, i1, out); }
/** {@link clampAny} for float64. */
export function clampF64(x: usize, pb: usize, i0: i32, i1: i32, out: usize): void { clampAny<f64>(x, pb, i0, i1, out); }

/**
 * logsumexp of the float32 rows [r0, r1) of x[rows, L] into out[row]: the log-softmax pass of
 * {@link softmaxRowsF32} (maximum, shift by 0 where it is ±∞, SIMD exp, float64 sum rounded to
 * float32) without the output pass: out = (log s rounded to float32) + m, rounded.
 */
export function logsumexpRowsF32(x: usize, L: i32, r0: i32, r1: i32, out: usize): void {
  for (let r = r0; r < r1; r++) {
    const xr = x + ((<usize>r * <usize>L) << 2);
    const mx = rowMaxF32(xr, L);
    let m = mx;
    if (m == Infinity || m == -Infinity) m = 0;
    const s = rowMinF32 - m >= -87 && mx - m <= 87 ? rowExpSumF32(xr, L, m, false, true, 0) : rowExpSumF32(xr, L, m, false, false, 0);
    store<f32>(out + (<usize>r << 2), <f32>(<f32>Math.log(<f64><f32>s) + m));
  }
}

// ------------------------------------------------------------------ optimizer updates

/**
 * One Adam / AdamW step on elements [i0, i1) of a parameter p, its gradient g and moments m, v,
 * in place — the arithmetic of src/optim/adam.ts's loops, operation for operation in float64 with
 * the stored values rounded to `T` where the reference stores them, so the same bits. The float64
 * scalars at `sc`: [sgn, wd, b1, b2, c1 = 1 − b1, c2 = 1 − b2, √(1 − b2ᵗ), eps, lr / (1 − b1ᵗ),
 * 1 − lr·wd]. `mode` bit 0: L2 weight decay (d += wd · p); bit 1: decoupled decay first
 * (p ← p · (1 − lr·wd), rounded to `T`, AdamW). Per element:
 *   d = sgn · g (+ wd · p); m = T(m·b1 + c1·d); v = T(v·b2 + (c2·d)·d);
 *   p = T(p − step · (m / (√v / bc2 + eps))).
 */
@inline function adamAny<T>(p: usize, g: usize, m: usize, v: usize, sc: usize, mode: i32, i0: i32, i1: i32): void {
  const sh = <usize>(sizeof<T>() == 4 ? 2 : 3);
  const sgn = load<f64>(sc), wd = load<f64>(sc, 8), b1 = load<f64>(sc, 16), b2 = load<f64>(sc, 24), c1 = load<f64>(sc, 32), c2 = load<f64>(sc, 40);
  const bc2 = load<f64>(sc, 48), eps = load<f64>(sc, 56), step = load<f64>(sc, 64), f = load<f64>(sc, 72);
  const l2 = (mode & 1) != 0, decay = (mode & 2) != 0;
  let i = i0;
  if (sizeof<T>() == 4) { // four elements a step: two f64x2 halves, rounded to float32 where the reference stores
    for (; i + 4 <= i1; i += 4) {
      const o = <usize>i << 2;
      const P = v128.load(p + o), G = v128.load(g + o), M = v128.load(m + o), V = v128.load(v + o);
      const lo = adamF64x2(f64x2.promote_low_f32x4(P), f64x2.promote_low_f32x4(G), f64x2.promote_low_f32x4(M), f64x2.promote_low_f32x4(V), sgn, wd, b1, b2, c1, c2, bc2, eps, step, f, l2, decay, true);
      const mlo = adamM, vlo = adamV;
      const hi = adamF64x2(promoteHigh(P), promoteHigh(G), promoteHigh(M), promoteHigh(V), sgn, wd, b1, b2, c1, c2, bc2, eps, step, f, l2, decay, true);
      v128.store(p + o, join32(lo, hi));
      v128.store(m + o, join32(mlo, adamM));
      v128.store(v + o, join32(vlo, adamV));
    }
  } else {
    for (; i + 2 <= i1; i += 2) {
      const o = <usize>i << 3;
      const P = adamF64x2(v128.load(p + o), v128.load(g + o), v128.load(m + o), v128.load(v + o), sgn, wd, b1, b2, c1, c2, bc2, eps, step, f, l2, decay, false);
      v128.store(p + o, P);
      v128.store(m + o, adamM);
      v128.store(v + o, adamV);
    }
  }
  for (; i < i1; i++) { // the tail: the same operations on one element
    const o = <usize>i << sh;
    let pi = <f64>load<T>(p + o);
    if (decay) pi = <f64><T>(pi * f);
    let d = sgn * <f64>load<T>(g + o);
    if (l2) d = d + wd * pi;
    const mi = <f64><T>(<f64>load<T>(m + o) * b1 + c1 * d);
    const vi = <f64><T>(<f64>load<T>(v + o) * b2 + c2 * d * d);
    store<T>(m + o, <T>mi);
    store<T>(v + o, <T>vi);
    store<T>(p + o, <T>(pi - step * (mi / (Math.sqrt(vi) / bc2 + eps))));
  }
}

/** The new moments of the last {@link adamF64x2} call (its second and third results). */
let adamM = f64x2.splat(0), adamV = f64x2.splat(0);

/** x rounded to float32 and back, per lane (the value a float32 store keeps). */
@inline function round32(x: v128): v128 { return f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(x)); }

/** Two f64x2 halves rounded to float32, as one f32x4 (lo in lanes 0–1, hi in 2–3). */
@inline function join32(lo: v128, hi: v128): v128 {
  return i8x16.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
}

/** {@link adamAny}'s element update on two float64 lanes (`r32`: round stored values to float32); returns p, leaves m, v in adamM, adamV. */
@inline function adamF64x2(P: v128, G: v128, M: v128, V: v128, sgn: f64, wd: f64, b1: f64, b2: f64, c1: f64, c2: f64, bc2: f64, eps: f64, step: f64, f: f64, l2: bool, decay: bool, r32: bool): v128 {
  let p = P;
  if (decay) { p = f64x2.mul(p, f64x2.splat(f)); if (r32) p = round32(p); }
  let d = f64x2.mul(f64x2.splat(sgn), G);
  if (l2) d = f64x2.add(d, f64x2.mul(f64x2.splat(wd), p));
  let m = f64x2.add(f64x2.mul(M, f64x2.splat(b1)), f64x2.mul(f64x2.splat(c1), d));
  let v = f64x2.add(f64x2.mul(V, f64x2.splat(b2)), f64x2.mul(f64x2.mul(f64x2.splat(c2), d), d));
  if (r32) { m = round32(m); v = round32(v); }
  adamM = m;
  adamV = v;
  const denom = f64x2.add(f64x2.div(f64x2.sqrt(v), f64x2.splat(bc2)), f64x2.splat(eps));
  return f64x2.sub(p, f64x2.mul(f64x2.splat(step), f64x2.div(m, denom)));
}
/** {@link adamAny} for float32 tensors (float64 arithmetic, float32 storage). */
export function adamF32(p: usize, g: usize, m: usize, v: usize, sc: usize, mode: i32, i0: i32, i1: i32): void { adamAny<f32>(p, g, m, v, sc, mode, i0, i1); }
/** {@link adamAny} for float64 tensors. */
export function adamF64(p: usize, g: usize, m: usize, v: usize, sc: usize, mode: i32, i0: i32, i1: i32): void { adamAny<f64>(p, g, m, v, sc, mode, i0, i1); }

/**
 * One SGD step on elements [i0, i1) of p with gradient g and momentum buffer b (0 without
 * momentum), in place — src/optim/sgd.ts's loop, operation for operation in float64 with stored
 * values rounded to `T`. Scalars at `sc` (float64): [sgn, wd, μ, 1 − dampening, lr]. `mode` bits:
 * 1 weight decay, 2 momentum, 4 the first step (b ← d), 8 Nesterov. Per element:
 *   d = sgn · g (+ wd · p); b = T(first ? d : μ·b + (1 − τ)·d); d = nesterov ? d + μ·b : b;
 *   p = T(p − lr · d).
 */
@inline function sgdAny<T>(p: usize, g: usize, b: usize, sc: usize, mode: i32, i0: i32, i1: i32): void {
  const L = 16 / sizeof<T>(), sh = <usize>(sizeof<T>() == 4 ? 2 : 3);
  const sgn = load<f64>(sc), wd = load<f64>(sc, 8), mu = load<f64>(sc, 16), damp1 = load<f64>(sc, 24), lr = load<f64>(sc, 32);
  const decay = (mode & 1) != 0, mom = (mode & 2) != 0, first = (mode & 4) != 0, nest = (mode & 8) != 0;
  let i = i0;
  for (; i + L <= i1; i += L) { // float32: two f64x2 halves; float64: one
    const o = <usize>i << sh;
    const P = v128.load(p + o), G = v128.load(g + o), B = mom && !first ? v128.load(b + o) : v128.splat<i32>(0);
    if (sizeof<T>() == 4) {
      const lo = sgdF64x2(f64x2.promote_low_f32x4(P), f64x2.promote_low_f32x4(G), f64x2.promote_low_f32x4(B), sgn, wd, mu, damp1, lr, decay, mom, first, nest, true);
      const blo = sgdB;
      const hi = sgdF64x2(promoteHigh(P), promoteHigh(G), promoteHigh(B), sgn, wd, mu, damp1, lr, decay, mom, first, nest, true);
      v128.store(p + o, join32(lo, hi));
      if (mom) v128.store(b + o, join32(blo, sgdB));
    } else {
      v128.store(p + o, sgdF64x2(P, G, B, sgn, wd, mu, damp1, lr, decay, mom, first, nest, false));
      if (mom) v128.store(b + o, sgdB);
    }
  }
  for (; i < i1; i++) { // the tail: the same operations on one element
    const o = <usize>i << sh;
    const pi = <f64>load<T>(p + o);
    let d = sgn * <f64>load<T>(g + o);
    if (decay) d = d + wd * pi;
    if (mom) {
      const bi = <f64><T>(first ? d : mu * <f64>load<T>(b + o) + damp1 * d);
      store<T>(b + o, <T>bi);
      d = nest ? d + mu * bi : bi;
    }
    store<T>(p + o, <T>(pi - lr * d));
  }
}

/** The new momentum of the last {@link sgdF64x2} call. */
let sgdB = f64x2.splat(0);

/** {@link sgdAny}'s element update on two float64 lanes (`r32`: round stored values to float32); returns p, leaves b in sgdB. */
@inline function sgdF64x2(P: v128, G: v128, B: v128, sgn: f64, wd: f64, mu: f64, damp1: f64, lr: f64, decay: bool, mom: bool, first: bool, nest: bool, r32: bool): v128 {
  let d = f64x2.mul(f64x2.splat(sgn), G);
  if (decay) d = f64x2.add(d, f64x2.mul(f64x2.splat(wd), P));
  if (mom) {
    let b = first ? d : f64x2.add(f64x2.mul(f64x2.splat(mu), B), f64x2.mul(f64x2.splat(damp1), d));
    if (r32) b = round32(b);
    sgdB = b;
    d = nest ? f64x2.add(d, f64x2.mul(f64x2.splat(mu), b)) : b;
  }
  return f64x2.sub(P, f64x2.mul(f64x2.splat(lr), d));
}
/** {@link sgdAny} for float32 tensors (float64 arithmetic, float32 storage). */
export function sgdF32(p: usize, g: usize, b: usize, sc: usize, mode: i32, i0: i32, i1: i32): void {
  // one loop per mode (the flags are constants in each copy: no branches per element)
  switch (mode) {
    case 0: sgdAny<f32>(p, g, b, sc, 0, i0, i1); break;
    case 1: sgdAny<f32>(p, g, b, sc, 1, i0, i1); break;
    case 2: sgdAny<f32>(p, g, b, sc, 2, i0, i1); break;
    case 3: sgdAny<f32>(p, g, b, sc, 3, i0, i1); break;
    default: sgdAny<f32>(p, g, b, sc, mode, i0, i1);
  }
}
/** {@link sgdAny} for float64 tensors. */
export function sgdF64(p: usize, g: usize, b: usize, sc: usize, mode: i32, i0: i32, i1: i32): void {
  switch (mode) {
    case 0: sgdAny<f64>(p, g, b, sc, 0, i0, i1); break;
    case 1: sgdAny<f64>(p, g, b, sc, 1, i0, i1); break;
    case 2: sgdAny<f64>(p, g, b, sc, 2, i0, i1); break;
    case 3: sgdAny<f64>(p, g, b, sc, 3, i0, i1); break;
    default: sgdAny<f64>(p, g, b, sc, mode, i0, i1);
  }
}
