/**
 * DeepSets (Zaheer et al., "Deep Sets", NeurIPS 2017, {@link https://arxiv.org/abs/1703.06114 | arXiv:1703.06114}):
 * the invariant model ρ(pool_i φ(x_i)) and the permutation-equivariant layer
 * f(X) = XΛ + 𝟙 pool(X)Γ + 𝟙bᵀ, whose form is the S(n) basis of Hom(V, V) = span{I, 𝟙𝟙ᵀ} that
 * erlangen's solver computes ({@link deepSetsSolverBasis}), applied channel-wise.
 *
 * Sets are batched as [B, n, F] with an optional padding mask [B, n] (nonzero = padded element,
 * the convention of `MultiheadAttention`'s `keyPaddingMask`); padded elements never enter a pool.
 * @module
 */
import { S } from '../group/index.js';
import { V } from '../rep/index.js';
import { equivariantBasis } from '../solver/index.js';
import { where, zeros } from '../tensor/index.js';
import type { Tensor } from '../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import type { TensorModule } from './container.js';
import { uniformInit } from './init.js';
import { Module } from './module.js';
import { floatDType } from './parameter.js';
import type { FloatDType, Parameter } from './parameter.js';

/** A permutation-invariant pooling over the set axis. */
export type SetPool = 'sum' | 'mean' | 'max';

function checkPool(op: string, pool: string): SetPool {
  if (pool !== 'sum' && pool !== 'mean' && pool !== 'max') throw new ValueError(`${op}: pool must be 'sum', 'mean' or 'max', got '${pool}'`);
  return pool;
}

function checkMask(op: string, x: Tensor, mask: Tensor | null | undefined): void {
  if (mask && (mask.ndim !== 2 || mask.shape[0] !== x.shape[0] || mask.shape[1] !== x.shape[1])) {
    throw new ShapeError(`${op}: mask ${fmtShape(mask.shape)} must be [B, n] for the set ${fmtShape(x.shape)}`);
  }
}

/**
 * Pool a batch of sets over the element axis: Σᵢ xᵢ, (1/|X|) Σᵢ xᵢ or maxᵢ xᵢ (per feature),
 * skipping padded elements. An empty set (all padded, or n = 0) pools to 0 for every pool.
 *
 * @param x [B, n, F]
 * @param pool `'sum'`, `'mean'` or `'max'`
 * @param mask [B, n], nonzero marks a padded element (optional)
 * @returns [B, F]
 * @example
 * ```ts
 * setPool(tensor([[[1], [5], [9]]]), 'max', tensor([[0, 0, 1]])); // [[5]]
 * ```
 */
export function setPool(x: Tensor, pool: SetPool, mask?: Tensor | null): Tensor {
  if (x.ndim !== 3) throw new ShapeError(`setPool: expected a batch of sets [B, n, F], got ${fmtShape(x.shape)}`);
  checkPool('setPool', pool);
  checkMask('setPool', x, mask);
  const [B, n, F] = x.shape as [number, number, number];
  if (n === 0) return zeros([B, F], { dtype: x.dtype });
  if (!mask) return pool === 'sum' ? x.sum(1) : pool === 'mean' ? x.mean(1) : x.max(1);
  const pad = (mask.dtype === x.dtype ? mask : mask.cast(x.dtype)).ne(0).reshape([B, n, 1]);
  if (pool === 'max') {
    const m = where(pad, -Infinity, x).max(1);
    const empty = pad.sum(1).eq(n); // [B, 1]
    return where(empty, 0, m);
  }
  const s = where(pad, 0, x).sum(1);
  if (pool === 'sum') return s;
  const count = pad.neg().add(1).sum(1).maximum(1); // [B, 1], ≥ 1 so empty sets give 0
  return s.div(count);
}

/** The S(n) basis of Hom(V, V) as the solver returns it, in DeepSets terms. */
export interface DeepSetsBasis {
  /** Dimension of the space of S(n)-equivariant linear maps Rⁿ → Rⁿ (2 for n ≥ 2). */
  dim: number;
  /** Each solver basis matrix Wₖ written as αₖ I + βₖ 𝟙𝟙ᵀ: the pairs [αₖ, βₖ]. */
  coefficients: [number, number][];
  /** max |Wₖ − αₖI − βₖ𝟙𝟙ᵀ| over k and entries (≈ 1e-16: the basis lies in span{I, 𝟙𝟙ᵀ}). */
  residual: number;
  /** |det [αₖ βₖ]|: nonzero when the basis spans all of span{I, 𝟙𝟙ᵀ}. */
  spanDet: number;
}

/**
 * Solve for the S(n)-equivariant linear maps of V = Rⁿ (permutation representation) with the
 * solver and express them in the basis {I, 𝟙𝟙ᵀ}. This is the justification of
 * `DeepSetsEquivariant`: per channel pair the layer is λI + γ𝟙𝟙ᵀ, i.e. XΛ + 𝟙𝟙ᵀXΓ.
 *
 * @param n set size used for the solve (≥ 2; the answer is the same for every n ≥ 2)
 * @example
 * ```ts
 * deepSetsSolverBasis(5).dim; // 2
 * ```
 */
export function deepSetsSolverBasis(n = 5): DeepSetsBasis {
  if (!Number.isInteger(n) || n < 2) throw new ValueError(`deepSetsSolverBasis: n must be an integer ≥ 2, got ${n}`);
  const G = S(n);
  const basis = equivariantBasis(V(G), V(G));
  const coefficients: [number, number][] = [];
  let residual = 0;
  for (let k = 0; k < basis.dim; k++) {
    const c = new Float64Array(basis.dim);
    c[k] = 1;
    const W = basis.apply(c);
    let diag = 0, off = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i === j) diag += W[i * n + j]!;
        else off += W[i * n + j]!;
      }
    }
    const beta = off / (n * (n - 1));
    const alpha = diag / n - beta;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) residual = Math.max(residual, Math.abs(W[i * n + j]! - (i === j ? alpha : 0) - beta));
    coefficients.push([alpha, beta]);
  }
  const [a0, a1] = coefficients[0] ?? [0, 0];
  const [b0, b1] = coefficients[1] ?? [0, 0];
  return { dim: basis.dim, coefficients, residual, spanDet: Math.abs(a0 * b1 - a1 * b0) };
}

/** Options of {@link DeepSets}. */
export interface DeepSetsOptions {
  /** Pooling over the set (default `'sum'`). */
  pool?: SetPool;
}

/**
 * The invariant DeepSets model (Zaheer et al. 2017, {@link https://arxiv.org/abs/1703.06114 | arXiv:1703.06114}, Thm. 2):
 *
 *   f(X) = ρ(pool_{x ∈ X} φ(x)),  pool ∈ {Σ, mean, max},
 *
 * with φ applied to every element (row-wise) and ρ to the pooled vector. Invariant to any
 * permutation of the elements; padded elements (mask) are excluded from the pool.
 *
 * @example
 * ```ts
 * const rng = new Rng(0);
 * const net = new DeepSets(new MLP([1, 32, 32], { rng }), new MLP([32, 32, 1], { rng }), { pool: 'sum' });
 * const y = net.call(x, pad); // x [B, n, 1], pad [B, n] → y [B, 1]
 * ```
 */
export class DeepSets extends Module<[Tensor, (Tensor | null)?], Tensor> {
  /** The pooling. */
  readonly pool: SetPool;

  /**
   * @param phi element encoder [B, n, F] → [B, n, H] (row-wise)
   * @param rho set decoder [B, H] → [B, out]
   */
  constructor(phi: TensorModule, rho: TensorModule, opts: DeepSetsOptions = {}) {
    super();
    this.pool = checkPool('DeepSets', opts.pool ?? 'sum');
    this.registerModule('phi', phi);
    this.registerModule('rho', rho);
  }

  /** φ. */
  get phi(): TensorModule { return this.getModule('phi') as TensorModule; }
  /** ρ. */
  get rho(): TensorModule { return this.getModule('rho') as TensorModule; }

  /**
   * @param x [B, n, F]
   * @param mask [B, n], nonzero = padded element (optional)
   * @returns ρ's output, [B, out]
   */
  forward(x: Tensor, mask: Tensor | null = null): Tensor {
    if (x.ndim !== 3) throw new ShapeError(`DeepSets: expected a batch of sets [B, n, F], got ${fmtShape(x.shape)}`);
    return this.rho.call(setPool(this.phi.call(x), this.pool, mask));
  }

  extraRepr(): string {
    return `pool=${this.pool}`;
  }
}

/** Options of {@link DeepSetsEquivariant}. */
export interface DeepSetsEquivariantOptions {
  /** Source of the initial weights. */
  rng: Rng;
  /** The pool in the 𝟙 pool(X)Γ term (default `'sum'`: exactly the solver's basis; `'mean'` rescales it; `'max'` is the paper's nonlinear variant). */
  pool?: SetPool;
  /** Learn the bias b (default true). */
  bias?: boolean;
  /** Element type (default float32). */
  dtype?: FloatDType;
}

/**
 * The permutation-equivariant DeepSets layer (Zaheer et al. 2017, {@link https://arxiv.org/abs/1703.06114 | arXiv:1703.06114}, §2.2 / Lemma 3):
 *
 *   f(X) = X Λ + 𝟙 pool(X) Γ + 𝟙 bᵀ,   X ∈ R^{n×in}, Λ, Γ ∈ R^{in×out}, b ∈ R^{out}.
 *
 * With pool = Σ this is every linear S(n)-equivariant map V⊗R^{in} → V⊗R^{out}: the solver's
 * basis of Hom_{S(n)}(V, V) is {I, 𝟙𝟙ᵀ} (dim 2, {@link deepSetsSolverBasis}), used channel-wise
 * with coefficient matrices Λ (of I) and Γ (of 𝟙𝟙ᵀ). Mean and max pools keep equivariance
 * (the paper's max variant is XΛ − 𝟙 maxpool(X)Γ; the sign is absorbed in Γ).
 * With a mask, padded elements are excluded from the pool and their output rows are 0.
 * Λ, Γ, b are initialised U(±1/√in).
 *
 * @example
 * ```ts
 * const layer = new DeepSetsEquivariant(3, 8, { rng: new Rng(0), pool: 'mean' });
 * const y = layer.call(x, pad); // x [B, n, 3], pad [B, n] → y [B, n, 8]
 * ```
 */
export class DeepSetsEquivariant extends Module<[Tensor, (Tensor | null)?], Tensor> {
  /** Input channels. */
  readonly inFeatures: number;
  /** Output channels. */
  readonly outFeatures: number;
  /** Pool of the 𝟙 pool(X)Γ term. */
  readonly pool: SetPool;

  /**
   * @param inFeatures channels of each element
   * @param outFeatures output channels
   */
  constructor(inFeatures: number, outFeatures: number, opts: DeepSetsEquivariantOptions) {
    super();
    for (const [k, v] of [['inFeatures', inFeatures], ['outFeatures', outFeatures]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ValueError(`DeepSetsEquivariant: ${k} must be a positive integer, got ${v}`);
    }
    if (!opts?.rng) throw new ValueError('DeepSetsEquivariant: opts.rng is required (all randomness goes through an explicit Rng)');
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.pool = checkPool('DeepSetsEquivariant', opts.pool ?? 'sum');
    const dtype = floatDType('DeepSetsEquivariant', opts.dtype);
    const bound = 1 / Math.sqrt(inFeatures);
    this.registerParameter('lambda', uniformInit(zeros([inFeatures, outFeatures], { dtype }), opts.rng, -bound, bound));
    this.registerParameter('gamma', uniformInit(zeros([inFeatures, outFeatures], { dtype }), opts.rng, -bound, bound));
    if (opts.bias ?? true) this.registerParameter('bias', uniformInit(zeros([outFeatures], { dtype }), opts.rng, -bound, bound));
  }

  /** Λ [in, out], the coefficient of I. */
  get lambda(): Parameter { return this.getParameter('lambda'); }
  /** Γ [in, out], the coefficient of 𝟙𝟙ᵀ (or of 𝟙 pool). */
  get gamma(): Parameter { return this.getParameter('gamma'); }
  /** b [out], or null. */
  get bias(): Parameter | null { return this.maybeParameter('bias'); }

  /**
   * @param x [B, n, in] (or one set [n, in])
   * @param mask [B, n], nonzero = padded element (optional)
   * @returns [B, n, out] (or [n, out]); padded rows are 0
   */
  forward(x: Tensor, mask: Tensor | null = null): Tensor {
    if (x.ndim === 2) return this.forward(x.unsqueeze(0), mask ? mask.reshape([1, ...mask.shape]) : null).squeeze(0);
    if (x.ndim !== 3 || x.shape[2] !== this.inFeatures) {
      throw new ShapeError(`DeepSetsEquivariant: expected [B, n, ${this.inFeatures}], got ${fmtShape(x.shape)}`);
    }
    const [B] = x.shape as [number];
    const pooled = setPool(x, this.pool, mask).matmul(this.gamma).reshape([B, 1, this.outFeatures]);
    let y = x.matmul(this.lambda).add(pooled);
    const b = this.bias;
    if (b) y = y.add(b);
    if (mask) y = where((mask.dtype === y.dtype ? mask : mask.cast(y.dtype)).ne(0).reshape([B, x.shape[1]!, 1]), 0, y);
    return y;
  }

  extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, pool=${this.pool}, bias=${this.bias !== null}`;
  }
}
