/**
 * Steerable kernel bases on a pixel grid (Weiler & Cesa, "General E(2)-Equivariant Steerable
 * CNNs", NeurIPS 2019, arXiv:1911.08251; docs/design/steerable.md).
 *
 * A steerable kernel K: R² → R^{c_out×c_in} satisfies K(g·x) = ρ_out(g) K(x) ρ_in(g)⁻¹. It is
 * parametrised by Gaussian rings (radius rᵢ, width σᵢ) times angular harmonics cos kφ, sin kφ up
 * to a band limit per ring. On one ring with frequency k the harmonics Y_k = (cos kφ, sin kφ)
 * satisfy Y_k(g·x) = ψ_k(g) Y_k(x) with ψ_k(R(θ)F^s) = R(kθ)F^s (F = diag(1, −1) the flip
 * φ ↦ −φ); writing K(x) = Σ_m T_m Y_{k,m}(x), the constraint is exactly T ∈ Hom_G(ρ_in, ρ_out ⊗ ψ_k)
 * (ψ_k is orthogonal, so ψ_k* = ψ_k), which erlangen's solver returns as an orthonormal basis for
 * finite groups (C(n), D(n)) and for SO(2)/O(2) (Lie algebra plus reflection).
 * @module
 */
import type { Group } from '../../group/index.js';
import { planarIrrep, tensorProduct } from '../../rep/index.js';
import type { Rep } from '../../rep/index.js';
import { BasisCache, equivariantBasis } from '../../solver/index.js';
import type { TermPair } from '../../solver/index.js';
import { ShapeError, SizeError, ValueError } from '../../util/index.js';

/** Families whose plane action a steerable kernel basis supports: C(n), D(n), SO(2), O(2) (Weiler & Cesa 2019, arXiv:1911.08251). */
export function isPlanarGroup(group: Group): boolean {
  const f = group.family.name, n = group.family.params[0];
  return group.d === 2 && (f === 'C' || f === 'D' || ((f === 'SO' || f === 'O') && n === 2));
}

/**
 * ψ_k: the representation of a planar group on the angular harmonics of frequency k of one ring,
 * (cos kφ, sin kφ) for k ≥ 1 (the trivial 1-dim rep for k = 0), defined by Y_k(g·x) = ψ_k(g) Y_k(x)
 * (Weiler & Cesa 2019, §2.5). Its leaf is named `angular<k>`.
 */
export function angularRep(group: Group, k: number): Rep {
  if (!Number.isInteger(k) || k < 0) throw new ValueError(`angularRep: the frequency must be an integer ≥ 0, got ${k}`);
  if (!isPlanarGroup(group)) throw new ValueError(`angularRep: ${group.key} does not act on the plane as rotations/reflections (expected C(n), D(n), SO(2) or O(2))`);
  return planarIrrep(group, 0, k, k === 0 ? 1 : 2, `angular${k}`);
}

/** Ring layout and band limit of a steerable kernel basis (Weiler & Cesa 2019, arXiv:1911.08251); defaults in docs/design/steerable.md. */
export interface KernelBasisOptions {
  /** Odd kernel side k (the filter is k×k). */
  kernelSize: number;
  /** Ring radii in pixels (default 0, 1, …, (k−1)/2). */
  rings?: readonly number[];
  /** Gaussian ring widths σᵢ in pixels: one number for all rings or one per ring (default 0.6, 0.4 on the outermost ring, 0.005 on a ring of radius 0). */
  sigma?: number | readonly number[];
  /**
   * Global band limit: the largest angular frequency on any ring (default 2). Frequencies ≥ 3 alias
   * with lower ones on the square lattice (k and k ± 4 are indistinguishable to its C4 symmetry) and
   * leave a resolution-independent error under 45° rotations; see docs/design/steerable.md.
   */
  maxFrequency?: number;
  /**
   * Band limit per ring: the largest frequency on a ring of radius r is ⌊cutoff·r⌋ (a number), or
   * ⌊cutoff(r)⌋ (a function); a ring of radius 0 has only frequency 0. Default 2 (so r = 1 → k ≤ 2,
   * r = 2 → k ≤ 4), well below the ≈πr angular Nyquist limit of a ring of ≈2πr pixels.
   */
  frequencyCutoff?: number | ((r: number) => number);
  /** Explicit cache of solved ring bases (default: none). */
  cache?: SteerableBasisCache;
}

/** One resolved ring of a steerable kernel basis: Gaussian profile exp(−(r − radius)²/2σ²) (Weiler & Cesa 2019, arXiv:1911.08251). */
export interface RingSpec {
  /** Radius in pixels. */
  readonly radius: number;
  /** Width σ in pixels. */
  readonly sigma: number;
  /** Frequencies 0 … maxFrequency on this ring. */
  readonly maxFrequency: number;
}

/** A sampled basis kernel's origin: its ring, angular frequency and solver column (Weiler & Cesa 2019, arXiv:1911.08251). */
export interface BasisLabel {
  /** Index into the rings. */
  readonly ring: number;
  /** Angular frequency k. */
  readonly frequency: number;
  /** Column of the solved Hom_G(ρ_in, ρ_out ⊗ ψ_k). */
  readonly column: number;
}

/**
 * The kernel basis of one pair of sum terms (input term `inTerm` with `inMult` copies of an
 * `inSize`-dim summand, output term `outTerm`): `basis` is [dim, outSize, inSize, k, k] row-major,
 * shared by every pair of copies, so the layer has outMult·inMult·dim coefficients here (Weiler & Cesa 2019, arXiv:1911.08251).
 */
export interface SteerablePair extends Omit<TermPair, 'basis'> {
  /** Number of sampled basis kernels for one pair of copies. */
  readonly dim: number;
  /** Dimension of the analytic (continuous) solution before sampling (Σ over rings and frequencies of dim Hom_G(ρ_in, ρ_out ⊗ ψ_k)). */
  readonly analyticDim: number;
  /** [dim, outSize, inSize, k, k], each kernel of unit Frobenius norm. */
  readonly basis: Float64Array;
  /** Ring, frequency and solution index of each sampled kernel. */
  readonly labels: readonly BasisLabel[];
}

/**
 * An explicit cache of solved ring bases keyed by canonical rep keys: `Hom_G(a, b ⊗ ψ_k)` solutions
 * (through the solver's {@link BasisCache}) and sampled pair bases keyed by
 * `"<in key>-><out key>|<ring layout>"`. Nothing is cached globally (Weiler & Cesa 2019, arXiv:1911.08251).
 */
export class SteerableBasisCache {
  /** The solver's cache of Hom_G(a, b ⊗ ψ_k). */
  readonly solver = new BasisCache();
  private readonly sampled = new Map<string, { dim: number; analyticDim: number; basis: Float64Array; labels: BasisLabel[] }>();
  /** Sampled-basis cache hits. */
  hits = 0;
  /** Sampled-basis cache misses. */
  misses = 0;
  /** Look up a sampled pair basis. */
  get(key: string): { dim: number; analyticDim: number; basis: Float64Array; labels: BasisLabel[] } | undefined {
    const v = this.sampled.get(key);
    if (v) this.hits++;
    else this.misses++;
    return v;
  }
  /** Store a sampled pair basis. */
  set(key: string, v: { dim: number; analyticDim: number; basis: Float64Array; labels: BasisLabel[] }): void {
    this.sampled.set(key, v);
  }
  /** Number of stored sampled pair bases. */
  get size(): number {
    return this.sampled.size;
  }
}

/** Resolve the ring radii, widths and band limits (see {@link KernelBasisOptions}) (Weiler & Cesa 2019, arXiv:1911.08251). */
export function resolveRings(opts: KernelBasisOptions): RingSpec[] {
  const ks = opts.kernelSize;
  if (!Number.isInteger(ks) || ks < 1 || ks % 2 === 0) throw new ValueError(`steerableKernelBasis: kernelSize must be an odd positive integer, got ${ks}`);
  const half = (ks - 1) / 2;
  const radii = opts.rings ?? Array.from({ length: half + 1 }, (_, i) => i);
  if (radii.length === 0 || radii.some((r) => !(r >= 0) || !Number.isFinite(r))) throw new ValueError(`steerableKernelBasis: ring radii must be finite and ≥ 0, got [${radii.join(', ')}]`);
  const sig = opts.sigma;
  if (Array.isArray(sig) && sig.length !== radii.length) throw new ShapeError(`steerableKernelBasis: ${sig.length} widths sigma for ${radii.length} rings`);
  const cutoff = opts.frequencyCutoff ?? 2;
  const fco = typeof cutoff === 'function' ? cutoff : (r: number) => cutoff * r;
  const maxF = opts.maxFrequency ?? 2;
  if (!(maxF >= 0)) throw new ValueError(`steerableKernelBasis: maxFrequency must be ≥ 0, got ${maxF}`);
  return radii.map((r, i) => {
    const s = typeof sig === 'number' ? sig : Array.isArray(sig) ? (sig as readonly number[])[i]! : r === 0 ? 0.005 : i === radii.length - 1 ? 0.4 : 0.6;
    if (!(s > 0)) throw new ValueError(`steerableKernelBasis: ring widths must be > 0, got ${s}`);
    const f = r === 0 ? 0 : Math.max(0, Math.floor(Math.min(maxF, fco(r)) + 1e-9));
    return { radius: r, sigma: s, maxFrequency: f };
  });
}

/**
 * The angular-radial profile of (ring, frequency) sampled on the k×k grid: [d_k, k·k] with d_k = 1
 * (k = 0) or 2 (cos kφ, sin kφ). Pixel (a, b) is the plane point x = b − c, y = c − a (c = (k−1)/2),
 * the convention of src/grid/action.ts; at x = 0 harmonics of frequency > 0 are 0 (Weiler & Cesa 2019, arXiv:1911.08251).
 */
export function sampleRing(kernelSize: number, ring: RingSpec, k: number): Float64Array {
  const c = (kernelSize - 1) / 2, P = kernelSize * kernelSize, d = k === 0 ? 1 : 2;
  const out = new Float64Array(d * P);
  for (let a = 0; a < kernelSize; a++) {
    for (let b = 0; b < kernelSize; b++) {
      const x = b - c, y = c - a, r = Math.hypot(x, y), p = a * kernelSize + b;
      const g = Math.exp(-((r - ring.radius) ** 2) / (2 * ring.sigma * ring.sigma));
      if (k === 0) out[p] = g;
      else if (r > 0) {
        const phi = Math.atan2(y, x);
        out[p] = g * Math.cos(k * phi);
        out[P + p] = g * Math.sin(k * phi);
      }
    }
  }
  return out;
}

/** Norm below which a sampled kernel counts as aliased away (dropped), relative to its profile. */
const SAMPLED_ZERO = 1e-6;

function ringKey(kernelSize: number, rings: readonly RingSpec[]): string {
  return `${kernelSize}|${rings.map((r) => `${r.radius}:${r.sigma}:${r.maxFrequency}`).join(',')}`;
}

/**
 * The sampled basis for one pair of summands a → b: for every ring and frequency k, solve
 * Hom_G(a, b ⊗ ψ_k) with {@link equivariantBasis}, and turn each solution T (rows o·d_k + m,
 * columns i) into the kernel K_{o,i}(x) = Σ_m T[o·d_k + m, i] · G_ring(|x|) Y_{k,m}(x) (Weiler & Cesa 2019, arXiv:1911.08251).
 */
export function pairKernelBasis(a: Rep, b: Rep, kernelSize: number, rings: readonly RingSpec[], cache?: SteerableBasisCache): { dim: number; analyticDim: number; basis: Float64Array; labels: BasisLabel[] } {
  const key = `${a.key}->${b.key}|${ringKey(kernelSize, rings)}`;
  const hit = cache?.get(key);
  if (hit) return hit;
  const G = a.group, P = kernelSize * kernelSize, no = b.size, ni = a.size, blk = no * ni * P;
  const kernels: Float64Array[] = [];
  const labels: BasisLabel[] = [];
  let analyticDim = 0;
  const solverOpts = cache ? { cache: cache.solver } : {};
  rings.forEach((ring, ri) => {
    for (let k = 0; k <= ring.maxFrequency; k++) {
      const psi = angularRep(G, k), dk = psi.size;
      const sol = equivariantBasis(a, tensorProduct([b, psi]), solverOpts);
      analyticDim += sol.dim;
      if (sol.dim === 0) continue;
      const Q = sol.Q, Y = sampleRing(kernelSize, ring, k);
      for (let col = 0; col < sol.dim; col++) {
        const K = new Float64Array(blk);
        for (let o = 0; o < no; o++) {
          for (let i = 0; i < ni; i++) {
            const base = (o * ni + i) * P;
            for (let m = 0; m < dk; m++) {
              const t = Q[((o * dk + m) * ni + i) * sol.dim + col]!;
              if (t === 0) continue;
              for (let p = 0; p < P; p++) K[base + p]! += t * Y[m * P + p]!;
            }
          }
        }
        let nrm = 0;
        for (let e = 0; e < blk; e++) nrm += K[e]! * K[e]!;
        nrm = Math.sqrt(nrm);
        // the profile's own norm bounds what an unaliased kernel can have
        let prof = 0;
        for (let e = 0; e < Y.length; e++) prof += Y[e]! * Y[e]!;
        if (nrm <= SAMPLED_ZERO * Math.sqrt(prof / dk)) continue;
        for (let e = 0; e < blk; e++) K[e]! /= nrm;
        kernels.push(K);
        labels.push({ ring: ri, frequency: k, column: col });
      }
    }
  });
  const basis = new Float64Array(kernels.length * blk);
  kernels.forEach((K, j) => basis.set(K, j * blk));
  const res = { dim: kernels.length, analyticDim, basis, labels };
  cache?.set(key, res);
  return res;
}

/** A steerable kernel basis between two field types, in blocks of sum-term pairs (Weiler & Cesa 2019, arXiv:1911.08251). */
export interface SteerableKernelBasis {
  /** Input field type ρ_in. */
  readonly repIn: Rep;
  /** Output field type ρ_out. */
  readonly repOut: Rep;
  /** Filter side k. */
  readonly kernelSize: number;
  /** The rings used. */
  readonly rings: readonly RingSpec[];
  /** One entry per (output term, input term), output terms outer. */
  readonly pairs: readonly SteerablePair[];
  /** Total number of coefficients Σ outMult·inMult·dim over the pairs. */
  readonly dim: number;
}

/**
 * The steerable kernel basis for convolutions from fields of type `repIn` to fields of type
 * `repOut` (Weiler & Cesa 2019, arXiv:1911.08251, §2.5–2.6), sampled on the k×k pixel grid.
 * Throws a ValueError for groups other than C(n), D(n), SO(2), O(2) or reps of different groups.
 * @example
 * ```ts
 * const G = C(4);
 * const B = steerableKernelBasis(regular(G), regular(G), { kernelSize: 5 });
 * ```
 */
export function steerableKernelBasis(repIn: Rep, repOut: Rep, opts: KernelBasisOptions): SteerableKernelBasis {
  if (repIn.group.key !== repOut.group.key) throw new ValueError(`steerableKernelBasis: field types of different groups ${repIn.group.key} and ${repOut.group.key}`);
  if (!isPlanarGroup(repIn.group)) throw new ValueError(`steerableKernelBasis: ${repIn.group.key} is not a planar group (expected C(n), D(n), SO(2) or O(2))`);
  const rings = resolveRings(opts);
  const pairs: SteerablePair[] = [];
  let total = 0, outOffset = 0;
  repOut.terms().forEach((to, i) => {
    let inOffset = 0;
    repIn.terms().forEach((ti, j) => {
      const s = pairKernelBasis(ti.rep, to.rep, opts.kernelSize, rings, opts.cache);
      pairs.push({ outTerm: i, inTerm: j, outOffset, inOffset, outMult: to.mult, inMult: ti.mult, outSize: to.rep.size, inSize: ti.rep.size, ...s });
      total += to.mult * ti.mult * s.dim;
      inOffset += ti.mult * ti.rep.size;
    });
    outOffset += to.mult * to.rep.size;
  });
  return { repIn, repOut, kernelSize: opts.kernelSize, rings, pairs, dim: total };
}

/**
 * Expand coefficients w ∈ R^dim (ordered pair by pair, then output copy, input copy, basis kernel)
 * into the dense filter [c_out, c_in, k, k] (float64), without autograd: the reference for
 * {@link R2Conv}'s differentiable expansion and for export (Weiler & Cesa 2019, arXiv:1911.08251).
 */
export function expandFilter(B: SteerableKernelBasis, w: ArrayLike<number>): Float64Array {
  if (w.length !== B.dim) throw new ShapeError(`expandFilter: ${w.length} coefficients for a basis of dim ${B.dim}`);
  const co = B.repOut.size, ci = B.repIn.size, P = B.kernelSize * B.kernelSize;
  const F = new Float64Array(co * ci * P);
  let off = 0;
  for (const p of B.pairs) {
    const blk = p.outSize * p.inSize * P;
    for (let a = 0; a < p.outMult; a++) {
      for (let c = 0; c < p.inMult; c++) {
        for (let j = 0; j < p.dim; j++) {
          const wj = w[off++]!;
          if (wj === 0) continue;
          for (let o = 0; o < p.outSize; o++) {
            for (let i = 0; i < p.inSize; i++) {
              const dst = ((p.outOffset + a * p.outSize + o) * ci + p.inOffset + c * p.inSize + i) * P;
              const src = j * blk + (o * p.inSize + i) * P;
              for (let q = 0; q < P; q++) F[dst + q]! += wj * p.basis[src + q]!;
            }
          }
        }
      }
    }
  }
  return F;
}

/** Largest number of entries {@link denseBasis} materialises. */
export const MAX_DENSE_BASIS = 20_000_000;

/**
 * The basis as one dense tensor [dim, c_out, c_in, k, k] (float64, row-major): basis kernel j is
 * the filter of the coefficient vector e_j (Weiler & Cesa 2019, arXiv:1911.08251). For inspection
 * and small layers; R2Conv never forms it. Throws a SizeError above MAX_DENSE_BASIS entries.
 */
export function denseBasis(B: SteerableKernelBasis): { data: Float64Array; shape: [number, number, number, number, number] } {
  const co = B.repOut.size, ci = B.repIn.size, P = B.kernelSize * B.kernelSize, per = co * ci * P;
  if (B.dim * per > MAX_DENSE_BASIS) throw new SizeError(`denseBasis: [${B.dim}, ${co}, ${ci}, ${B.kernelSize}, ${B.kernelSize}] has more than ${MAX_DENSE_BASIS} entries; use the pair blocks`);
  const data = new Float64Array(B.dim * per);
  let j = 0;
  for (const p of B.pairs) {
    const blk = p.outSize * p.inSize * P;
    for (let a = 0; a < p.outMult; a++) {
      for (let c = 0; c < p.inMult; c++) {
        for (let t = 0; t < p.dim; t++, j++) {
          for (let o = 0; o < p.outSize; o++) {
            for (let i = 0; i < p.inSize; i++) {
              const dst = j * per + ((p.outOffset + a * p.outSize + o) * ci + p.inOffset + c * p.inSize + i) * P;
              data.set(p.basis.subarray(t * blk + (o * p.inSize + i) * P, t * blk + (o * p.inSize + i + 1) * P), dst);
            }
          }
        }
      }
    }
  }
  return { data, shape: [B.dim, co, ci, B.kernelSize, B.kernelSize] };
}
