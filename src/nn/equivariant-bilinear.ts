/**
 * `EquivariantBilinear`: EMLP's quadratic layer with input-dependent equivariant weights
 * (Finzi, Welling, Wilson, ICML 2021, arXiv:2104.09459; "BiLinear"; docs/design/equivariant-layers.md).
 * @module
 */
import type { Group } from '../group/index.js';
import { isScalar, tensorProduct, dualRep } from '../rep/index.js';
import type { Rep } from '../rep/index.js';
import { Tensor, concat, matmul, normal, zeros } from '../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { commonGroup, fieldCopies, placedTerms } from './equivariant-common.js';
import type { EquivariantModule } from './equivariant-common.js';
import { Module } from './module.js';
import { floatDType } from './parameter.js';
import type { FloatDType } from './parameter.js';

/** Options of `EquivariantBilinear`. */
export interface EquivariantBilinearOptions {
  /** Chooses the input copies feeding each weight type and the initial θ (required). */
  rng: Rng;
  /** Element type (default float32). */
  dtype?: FloatDType;
  /** Output scale (default 0.1, as in EMLP). */
  scale?: number;
  /**
   * Initial θ entries are N(0, (thetaGain)²/F) with F the number of products summed into an
   * output entry (default gain 1; EMLP's reference code draws N(0, 1), i.e. gain √F).
   */
  thetaGain?: number;
  /**
   * Contraction order of every term pair: `'auto'` (default) picks the cheaper one per pair;
   * `'x'` / `'theta'` force one (same result up to rounding; for tests and benchmarks).
   */
  order?: 'auto' | 'x' | 'theta';
}

interface SigmaGroup {
  readonly key: string;
  readonly size: number;
  /** Feature indices of the n chosen input copies, [n·size]. */
  readonly xIdx: Int32Array;
  readonly n: number;
}

interface PairTerm {
  /** Index into sigmas. */
  readonly sigma: number;
  /** Output term index. */
  readonly outTerm: number;
  readonly mo: number;
  readonly bs: number;
  readonly mi: number;
  readonly as: number;
  /** Feature indices of the input term, [mi·as]. */
  readonly inIdx: Int32Array;
  /** θ for this term pair: [mo, mi·n] (row co, column ci·n + j). */
  readonly param: string;
  /**
   * Contraction order: `'x'` contracts X_σ with the input first (Z, then θ), `'theta'` contracts
   * θ with the input first (U, then X_σ); chosen at construction by a multiply-add count.
   */
  readonly order: 'x' | 'theta';
}

/** Relative cost of copying one element (a permute) against one multiply-add, for `order`. */
const COPY_COST = 3;

/**
 * Per-sample cost of the two contraction orders of a term pair (multiply-adds plus weighted
 * copies): X-first is n·bs·as·mi + bs·mi·n·mo, θ-first is as·mi·mo·n + mo·n·as·bs.
 */
function pairOrder(mo: number, bs: number, mi: number, as: number, n: number): 'x' | 'theta' {
  const costX = n * bs * as * mi + bs * mi * n * mo + COPY_COST * (n * bs * mi + (bs > 1 ? bs * mo : 0));
  const costT = as * mi * mo * n + mo * n * as * bs + COPY_COST * (as > 1 ? as * mi + as * mo * n + n * bs * as : 0);
  return costT < costX ? 'theta' : 'x';
}

/**
 * Bilinear (quadratic) equivariant layer y = s · W(x) x, s = 0.1. The weight rep
 * ρ_W = ρ_out ⊗ ρ_in* is split into its summand blocks σ = b ⊗ a* (one per output copy of b
 * and input copy of a); for every non-scalar σ that also occurs among the input's summands
 * (n_σ copies), n = min(n_σ, dim σ) of those copies X_σ (n × dim σ) are fixed at construction
 * (random choice) and each σ-block of vec W is filled with a row of θ_σ X_σ, θ_σ ∈ R^{m_σ×n}
 * learned; all other blocks are 0. Equivariant because each σ-block of W is filled with vectors
 * transforming as σ: W(ρ_in(g)x) = ρ_out(g) W(x) ρ_in(g)⁻¹.
 * Parameters: Σ_σ m_σ·min(n_σ, dim σ), initialised N(0, 1/F_o) with F_o the number of products
 * summed into an entry of output term o (EMLP's code draws N(0, 1); with this toolkit's
 * variance-preserving `EquivariantLinear` that made the quadratic term dominate, compounding over
 * the blocks, and held-out predictions on inputs larger than the training ones exploded:
 * Inertia test MSE 1.6e4 at n = 100). Degree-2 structure: a V^2 output from a V input needs a
 * V^3 (= V^2 ⊗ V*) field among the inputs. (EMLP, Finzi, Welling, Wilson, ICML 2021,
 * arXiv:2104.09459, `emlp.nn.BiLinear`.) W(x) is never materialised: per pair of summand terms
 * (b ← a) the layer computes Z_{j,p,ci} = Σ_q (X_j)_{pq} x_{ci,q} and y_{co,p} = Σ_{ci,j} θ_{co,(ci,j)} Z_{j,p,ci}.
 */
export class EquivariantBilinear extends Module implements EquivariantModule {
  /** The symmetry group. */
  readonly group: Group;
  /** Output scale s. */
  readonly scale: number;
  private readonly sigmas: SigmaGroup[];
  private readonly pairs: PairTerm[];
  private readonly outSizes: number[];
  /** Number of entries of W(x) that can be nonzero. */
  private readonly total: number;
  private readonly dtype: FloatDType;

  constructor(readonly repIn: Rep, readonly repOut: Rep, opts: EquivariantBilinearOptions) {
    super();
    if (!opts?.rng) throw new ValueError('EquivariantBilinear: opts.rng is required');
    this.group = commonGroup('EquivariantBilinear', repIn, repOut);
    this.dtype = floatDType('EquivariantBilinear', opts.dtype);
    this.scale = opts.scale ?? 0.1;
    const rng = opts.rng;
    const xCopies = new Map<string, number[]>();
    for (const c of fieldCopies(repIn)) {
      if (isScalar(c.rep)) continue;
      const l = xCopies.get(c.rep.key) ?? [];
      l.push(c.offset);
      xCopies.set(c.rep.key, l);
    }
    const sigmas: SigmaGroup[] = [];
    const sigmaIndex = new Map<string, number>();
    const pairs: PairTerm[] = [];
    let filled = 0;
    const outTerms = placedTerms(repOut);
    const termIdx = new Map<number, Int32Array>();
    outTerms.forEach((o, oi) => {
      placedTerms(repIn).forEach((a, ai) => {
        const sigma = tensorProduct([o.rep, dualRep(a.rep)]);
        if (isScalar(sigma) || !xCopies.has(sigma.key)) return;
        let si = sigmaIndex.get(sigma.key);
        if (si === undefined) {
          const offs = xCopies.get(sigma.key)!;
          const size = sigma.size;
          const n = Math.min(offs.length, size);
          const perm = rng.permutation(offs.length);
          const xIdx = new Int32Array(n * size);
          for (let j = 0; j < n; j++) for (let e = 0; e < size; e++) xIdx[j * size + e] = offs[perm[j]!]! + e;
          si = sigmas.length;
          sigmas.push({ key: sigma.key, size, xIdx, n });
          sigmaIndex.set(sigma.key, si);
        }
        let inIdx = termIdx.get(ai);
        if (!inIdx) { inIdx = Int32Array.from({ length: a.mult * a.rep.size }, (_, i) => a.offset + i); termIdx.set(ai, inIdx); }
        const param = `theta${oi}_${ai}`;
        const n = sigmas[si]!.n;
        const order = opts.order === 'x' || opts.order === 'theta' ? opts.order : pairOrder(o.mult, o.rep.size, a.mult, a.rep.size, n);
        pairs.push({ sigma: si, outTerm: oi, mo: o.mult, bs: o.rep.size, mi: a.mult, as: a.rep.size, inIdx, param, order });
        filled += o.mult * a.mult * sigma.size;
      });
    });
    // θ init: N(0, 1/F_o), F_o = Σ_pairs→o mi·n, the number of products summed into each output
    // entry, so 0.1·W(x)x stays ~0.1× the input scale (EMLP's N(0, 1) makes the quadratic term
    // dominate and its test predictions explode on inputs larger than the training ones).
    const fan = new Map<number, number>();
    for (const p of pairs) fan.set(p.outTerm, (fan.get(p.outTerm) ?? 0) + p.mi * sigmas[p.sigma]!.n);
    const gain = opts.thetaGain ?? 1;
    for (const p of pairs) {
      const std = gain / Math.sqrt(fan.get(p.outTerm)!);
      this.registerParameter(p.param, normal(rng, [p.mo, p.mi * sigmas[p.sigma]!.n], 0, std, { dtype: this.dtype }));
    }
    this.sigmas = sigmas;
    this.pairs = pairs;
    this.outSizes = outTerms.map((o) => o.mult * o.rep.size);
    this.total = filled;
  }

  /** Number of weight types σ that are filled (0 means the layer outputs zeros). */
  get activeTypes(): number {
    return this.sigmas.length;
  }

  /**
   * @param x [..., repIn.size]
   * @returns [..., repOut.size]
   */
  forward(x: Tensor): Tensor {
    const nin = this.repIn.size, nout = this.repOut.size;
    if (x.ndim < 1 || x.shape[x.ndim - 1] !== nin) throw new ShapeError(`EquivariantBilinear: input ${fmtShape(x.shape)} must end in ${nin} features (${this.repIn})`);
    const lead = x.shape.slice(0, -1);
    const m = lead.reduce((a, b) => a * b, 1);
    if (this.sigmas.length === 0) return zeros([...lead, nout], { dtype: x.dtype === 'float64' ? 'float64' : 'float32' });
    const dt = x.dtype === 'float64' ? 'float64' : 'float32';
    const x2 = x.reshape([m, nin]);
    const X = this.sigmas.map((s) => x2.indexSelect(1, s.xIdx)); // [m, n·size]
    const acc: (Tensor | null)[] = this.outSizes.map(() => null);
    const xin = new Map<Int32Array, Tensor>(); // input term slices, shared by the pairs of a term
    for (const p of this.pairs) {
      const n = this.sigmas[p.sigma]!.n;
      let xa = xin.get(p.inIdx);
      if (!xa) { xa = x2.indexSelect(1, p.inIdx); xin.set(p.inIdx, xa); } // [m, mi·as]
      const theta = this.getParameter(p.param); // [mo, mi·n], column ci·n + j
      let yp: Tensor; // [m, mo·bs], entry (co, p)
      if (p.order === 'x') {
        // Z[b, j, p, ci] = Σ_q X_j[b, (p, q)] x_a[b, ci, q]; y[b, co, p] = Σ_{ci,j} θ[co, (ci, j)] Z[b, j, p, ci]
        const Z = matmul(X[p.sigma]!.reshape([m, n * p.bs, p.as]), xa.reshape([m, p.mi, p.as]), { transB: true }); // [m, n·bs, mi]
        if (p.bs === 1) {
          yp = matmul(Z.permute([0, 2, 1]).reshape([m, p.mi * n]), theta, { transB: true }); // [m, mo]
        } else {
          yp = matmul(Z.reshape([m, n, p.bs, p.mi]).permute([0, 2, 3, 1]).reshape([m * p.bs, p.mi * n]), theta, { transB: true }) // [m·bs, mo]
            .reshape([m, p.bs, p.mo]).permute([0, 2, 1]).reshape([m, p.mo * p.bs]);
        }
      } else {
        // U[b, q, co, j] = Σ_ci x_a[b, ci, q] θ[co, (ci, j)]; y[b, co, p] = Σ_{j,q} U[b, q, co, j] X_j[b, (p, q)]
        const thetaT = theta.reshape([p.mo, p.mi, n]).permute([1, 0, 2]).reshape([p.mi, p.mo * n]); // [mi, mo·n]
        const xaT = p.as === 1 ? xa : xa.reshape([m, p.mi, p.as]).permute([0, 2, 1]).reshape([m * p.as, p.mi]);
        const U = matmul(xaT, thetaT); // [m·as, mo·n]
        if (p.as === 1) {
          yp = matmul(U.reshape([m, p.mo, n]), X[p.sigma]!.reshape([m, n, p.bs])).reshape([m, p.mo * p.bs]);
        } else {
          const A = U.reshape([m, p.as, p.mo, n]).permute([0, 2, 3, 1]).reshape([m, p.mo, n * p.as]); // [b, co, (j, q)]
          const B = X[p.sigma]!.reshape([m, n, p.bs, p.as]).permute([0, 2, 1, 3]).reshape([m, p.bs, n * p.as]); // [b, p, (j, q)]
          yp = matmul(A, B, { transB: true }).reshape([m, p.mo * p.bs]);
        }
      }
      const prev = acc[p.outTerm];
      acc[p.outTerm] = prev ? prev.add(yp) : yp;
    }
    const parts = acc.map((t, i) => t ?? zeros([m, this.outSizes[i]!], { dtype: dt }));
    const y = parts.length === 1 ? parts[0]! : concat(parts, 1);
    return y.mul(this.scale).reshape([...lead, nout]);
  }

  extraRepr(): string {
    return `${this.repIn} → ${this.repOut} of ${this.group.key}, weight types=${this.sigmas.length}, filled=${this.total}`;
  }
}
