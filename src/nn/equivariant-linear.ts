/**
 * `EquivariantLinear`: the linear layer generated from a symmetry spec (group, repIn, repOut).
 * EMLP §4 (Finzi, Welling, Wilson, ICML 2021, arXiv:2104.09459); docs/design/equivariant-layers.md.
 * @module
 */
import type { Group } from '../group/index.js';
import { Scalar } from '../rep/index.js';
import type { Rep } from '../rep/index.js';
import { equivariantBasis, explainEmpty } from '../solver/index.js';
import type { BasisCache, InvariantBasis } from '../solver/index.js';
import { Tensor, concat, matmul, noGrad, normal, zeros } from '../tensor/index.js';
import { ContractError, ShapeError, ValueError, fmtShape } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { commonGroup, constTensor, placedTerms } from './equivariant-common.js';
import type { EquivariantModule, PlacedTerm } from './equivariant-common.js';
import { Module } from './module.js';
import { floatDType } from './parameter.js';
import type { FloatDType, Parameter } from './parameter.js';

/** Options of `EquivariantLinear`. */
export interface EquivariantLinearOptions {
  /** Source of the initial coefficients (required). */
  rng: Rng;
  /** Element type of parameters and basis constants (default float32). */
  dtype?: FloatDType;
  /** Learn an equivariant bias b ∈ Hom_G(Scalar, repOut) (default true). */
  bias?: boolean;
  /** Solver cache shared between layers (bases are keyed by canonical rep keys). */
  cache?: BasisCache;
  /**
   * When Hom_G(repIn, repOut) = 0: `false` (default) throws a ContractError with the solver's
   * explanation; `true` builds the zero map (plus the bias, if any).
   */
  allowEmpty?: boolean;
}

/** One (output term, input term) block of a structured Hom basis. */
interface PairBlock {
  readonly out: PlacedTerm;
  readonly inp: PlacedTerm;
  /** dim Hom_G(inp.rep, out.rep). */
  readonly k: number;
  /** Basis of the pair, transposed: [k, outSize·inSize]. */
  readonly Qt: Tensor | null;
  /** Parameter name of the coefficients [outMult·inMult, k]. */
  readonly param: string;
}

/** Qᵀ of an N×k row-major basis: [k, N]. */
function transposeRows(Q: Float64Array, N: number, k: number): Float64Array {
  const t = new Float64Array(k * N);
  for (let r = 0; r < N; r++) for (let c = 0; c < k; c++) t[c * N + r] = Q[r * k + c]!;
  return t;
}

/**
 * Weight matrices of Hom_G(repIn, repOut) in block form: W is assembled from the solved basis of
 * each distinct summand pair, W_{(co,p),(ci,q)} = Σ_t Q^{ab}_{(p,q),t} c^{ab}_{co,ci,t}, so
 * the dense N×r basis Q of the whole space is never materialised (only the N = |out|·|in|
 * weights themselves, plus one small basis per distinct pair of summands).
 */
export class HomStructure {
  /** The blocks, output terms outer, input terms inner. */
  readonly blocks: readonly PairBlock[];
  /** Total dimension r = Σ mult_out·mult_in·k over blocks. */
  readonly dim: number;
  private readonly outTerms: PlacedTerm[];
  private readonly inTerms: PlacedTerm[];

  constructor(readonly repIn: Rep, readonly repOut: Rep, dtype: FloatDType, prefix: string, cache?: BasisCache) {
    this.outTerms = placedTerms(repOut);
    this.inTerms = placedTerms(repIn);
    // the solver's term pairs (each distinct summand pair solved once); here each distinct basis
    // becomes one transposed constant Qᵀ [k, outSize·inSize]
    const B = equivariantBasis(repIn, repOut, cache ? { cache } : {});
    const consts = new Map<InvariantBasis, Tensor | null>();
    const blocks: PairBlock[] = [];
    let dim = 0;
    for (const p of B.pairs) {
      const k = p.basis.dim;
      let Qt = consts.get(p.basis);
      if (Qt === undefined) {
        Qt = k > 0 ? constTensor(transposeRows(p.basis.Q, p.basis.n, k), [k, p.basis.n], dtype) : null;
        consts.set(p.basis, Qt);
      }
      blocks.push({ out: this.outTerms[p.outTerm]!, inp: this.inTerms[p.inTerm]!, k, Qt, param: `${prefix}${p.outTerm}_${p.inTerm}` });
      dim += k * p.outMult * p.inMult;
    }
    this.blocks = blocks;
    this.dim = dim;
  }

  private readonly castCache = new Map<Tensor, Tensor>();

  /** A block's basis Qᵀ [k, b·a] in `dtype` (cast once and cached). */
  private basisIn(b: PairBlock, dtype: FloatDType): Tensor {
    const q = b.Qt!;
    if (q.dtype === dtype) return q;
    let c = this.castCache.get(q);
    if (!c || c.dtype !== dtype) {
      c = noGrad(() => q.cast(dtype));
      this.castCache.set(q, c);
    }
    return c;
  }

  /**
   * Assemble W [|out|, |in|] from the block coefficients (`coeff(block)` gives the
   * [outMult·inMult, k] coefficient tensor of a block with k > 0).
   */
  assemble(coeff: (b: PairBlock) => Tensor, dtype: FloatDType): Tensor {
    // The coefficients decide the dtype (a module converted with toDType keeps working): the
    // float64 basis is cast once per dtype and cached.
    const first = this.blocks.find((b) => b.k > 0 && b.Qt);
    if (first) dtype = coeff(first).dtype as FloatDType;
    const rows: Tensor[] = [];
    let bi = 0;
    for (const o of this.outTerms) {
      const row: Tensor[] = [];
      for (const a of this.inTerms) {
        const b = this.blocks[bi++]!;
        const R = o.mult * o.rep.size, Cn = a.mult * a.rep.size;
        if (b.k === 0 || !b.Qt) {
          row.push(zeros([R, Cn], { dtype }));
          continue;
        }
        const blk = matmul(coeff(b), this.basisIn(b, dtype)) // [mo·mi, b·a]
          .reshape([o.mult, a.mult, o.rep.size, a.rep.size])
          .permute([0, 2, 1, 3])
          .reshape([R, Cn]);
        row.push(blk);
      }
      rows.push(row.length === 1 ? row[0]! : concat(row, 1));
    }
    return rows.length === 1 ? rows[0]! : concat(rows, 0);
  }
}

/**
 * Equivariant linear layer y = W x + b with W ∈ Hom_G(repIn, repOut) and b ∈ Hom_G(Scalar, repOut):
 *
 *   W = reshape(Q_W c),  b = Q_b c_b,   ρ_out(g) W = W ρ_in(g)  and  ρ_out(g) b = b  ∀g ∈ G,
 *
 * with Q_W, Q_b orthonormal bases from the solver (`equivariantBasis`) and c, c_b the learned
 * coefficients (EMLP, Finzi, Welling, Wilson, ICML 2021, arXiv:2104.09459, §4; the paper's
 * projected form W = reshape(P_W vec W̃) spans the same space).
 *
 * Structure: the basis is solved and stored once per distinct pair of summands (a → b) of the
 * two direct sums, and W is assembled from the per-pair bases on each forward pass, so the dense
 * N×r basis of the whole space is never materialised (memory O(N + Σ_pairs |a||b|k_ab) rather
 * than O(N·r)). A single summand pair (e.g. SO(3) V → V⊗V) uses that pair's dense basis.
 *
 * Initialisation (variance preserving): coefficients of the pair a → b are N(0, σ²) with
 * σ² = |b| / (k_ab · F_b), F_b the number of input copies that can reach b, so each output entry
 * has unit variance for unit-variance inputs; bias coefficients are N(0, 0.01).
 *
 * When Hom_G(repIn, repOut) = 0 the constructor throws a ContractError carrying the solver's
 * explanation (or builds the zero map with `allowEmpty`).
 *
 * @example
 * ```ts
 * const G = SO(3);
 * const lin = new EquivariantLinear(V(G), parseRep('V^2', G), { rng: new Rng(0), dtype: 'float64' });
 * const y = lin.call(randn(rng, [8, 3], { dtype: 'float64' })); // [8, 9]
 * ```
 */
export class EquivariantLinear extends Module implements EquivariantModule {
  /** The symmetry group. */
  readonly group: Group;
  /** Weight structure (blocks per summand pair). */
  readonly weightBasis: HomStructure;
  /** Bias structure (Hom_G(Scalar, repOut)), or null without bias. */
  readonly biasBasis: HomStructure | null;
  /** Parameter dtype. */
  readonly dtype: FloatDType;

  constructor(readonly repIn: Rep, readonly repOut: Rep, opts: EquivariantLinearOptions) {
    super();
    if (!opts?.rng) throw new ValueError('EquivariantLinear: opts.rng is required (all randomness goes through an explicit Rng)');
    this.group = commonGroup('EquivariantLinear', repIn, repOut);
    const dtype = floatDType('EquivariantLinear', opts.dtype);
    this.dtype = dtype;
    const ws = new HomStructure(repIn, repOut, dtype, 'w', opts.cache);
    if (ws.dim === 0 && !opts.allowEmpty) {
      throw new ContractError(`EquivariantLinear: no equivariant linear map ${repIn} → ${repOut} for ${this.group.key}: ${explainEmpty(repIn, repOut)}`);
    }
    this.weightBasis = ws;
    // F_b: input copies with a nonzero block into each output term
    const fanIn = new Map<number, number>();
    for (const b of ws.blocks) if (b.k > 0) fanIn.set(b.out.offset, (fanIn.get(b.out.offset) ?? 0) + b.inp.mult);
    for (const b of ws.blocks) {
      if (b.k === 0) continue;
      const std = Math.sqrt(b.out.rep.size / (b.k * fanIn.get(b.out.offset)!));
      this.registerParameter(b.param, normal(opts.rng, [b.out.mult * b.inp.mult, b.k], 0, std, { dtype }));
    }
    this.biasBasis = null;
    if (opts.bias ?? true) {
      const bs = new HomStructure(Scalar(this.group), repOut, dtype, 'b', opts.cache);
      if (bs.dim > 0) {
        this.biasBasis = bs;
        for (const b of bs.blocks) if (b.k > 0) this.registerParameter(b.param, normal(opts.rng, [b.out.mult, b.k], 0, 0.1, { dtype }));
      }
    }
  }

  /** Number of free weight coefficients r = dim Hom_G(repIn, repOut). */
  get basisDim(): number {
    return this.weightBasis.dim;
  }

  /** The weight matrix W [repOut.size, repIn.size] (differentiable in the coefficients). */
  weight(): Tensor {
    return this.weightBasis.assemble((b) => this.getParameter(b.param), this.dtype);
  }

  /** The bias b [repOut.size], or null. */
  bias(): Tensor | null {
    if (!this.biasBasis) return null;
    return this.biasBasis.assemble((b) => this.getParameter(b.param), this.dtype).reshape([this.repOut.size]);
  }

  /** Coefficient parameters (weights then biases). */
  coefficients(): Parameter[] {
    return this.parameters();
  }

  /**
   * @param x [..., repIn.size]
   * @returns [..., repOut.size]
   */
  forward(x: Tensor): Tensor {
    const nin = this.repIn.size, nout = this.repOut.size;
    if (x.ndim < 1 || x.shape[x.ndim - 1] !== nin) throw new ShapeError(`EquivariantLinear: input ${fmtShape(x.shape)} must end in ${nin} features (${this.repIn})`);
    const lead = x.shape.slice(0, -1);
    const m = lead.reduce((a, b) => a * b, 1);
    let y = matmul(x.reshape([m, nin]), this.weight(), { transB: true });
    const b = this.bias();
    if (b) y = y.add(b);
    return y.reshape([...lead, nout]);
  }

  extraRepr(): string {
    return `${this.repIn} → ${this.repOut} of ${this.group.key}, basis dim=${this.basisDim}, bias=${this.biasBasis !== null}`;
  }
}
