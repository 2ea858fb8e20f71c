/**
 * Set Transformer (Lee et al., "Set Transformer: A Framework for Attention-based
 * Permutation-Invariant Neural Networks", ICML 2019, {@link https://arxiv.org/abs/1810.00825 | arXiv:1810.00825}):
 * the multihead attention block `MAB`, the set attention block `SAB`, the induced set attention
 * block `ISAB`, pooling by multihead attention `PMA`, and the `SetTransformer` model.
 *
 * Two variants (docs/design/equivariant-layers.md):
 * - `'paper'` (default), the paper's equations:
 *   MAB(X, Y) = LN(H + rFF(H)), H = LN(X + Multihead(X, Y, Y)), with the standard
 *   `MultiheadAttention` (per-head scale 1/√d_h, output projection W_O); PMA_k(Z) = MAB(S, rFF(Z)).
 * - `'reference'`, the authors' code (`juho-lee/set_transformer/modules.py`), for parity with
 *   their numbers: Q = fc_q(X), K = fc_k(Y), V = fc_v(Y), heads split along features,
 *   Aⱼ = softmax(QⱼKⱼᵀ/√dim_V) (full dim_V, not per head), O = [Qⱼ + AⱼVⱼ]ⱼ (residual on the
 *   projected query, no W_O); O ← LN₀(O); O ← O + ReLU(fc_o(O)); O ← LN₁(O) — LayerNorm off by
 *   default there (`layerNorm: false` reproduces it); PMA_k(Z) = MAB(S, Z) (no rFF).
 *
 * Padded sets: every block takes a padding mask [B, n] (nonzero = padded element); padded
 * elements are never attended to, so the valid rows of a padded batch equal the per-set results.
 * @module
 */
import { zeros } from '../tensor/index.js';
import type { Tensor } from '../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { MultiheadAttention, scaledDotProductAttention } from './attention.js';
import { xavierUniform } from './init.js';
import { Linear } from './linear.js';
import { Module } from './module.js';
import { LayerNorm } from './normalization.js';
import { floatDType } from './parameter.js';
import type { FloatDType, Parameter } from './parameter.js';

/** Which MAB formula to use. */
export type SetTransformerVariant = 'paper' | 'reference';

/** Options shared by the Set Transformer blocks. */
export interface SetBlockOptions {
  /** Source of the initial weights. */
  rng: Rng;
  /** `'paper'` (default) or `'reference'` (the authors' code; see the module docs). */
  variant?: SetTransformerVariant;
  /** Use the LayerNorms (default true for `'paper'`, false for `'reference'` as in the authors' code). */
  layerNorm?: boolean;
  /** Hidden width of the paper variant's rFF (default dimV). */
  dimFeedforward?: number;
  /** Element type (default float32). */
  dtype?: FloatDType;
}

function checkMask(op: string, mask: Tensor | null | undefined, B: number, n: number): void {
  if (mask && (mask.ndim !== 2 || mask.shape[0] !== B || mask.shape[1] !== n)) {
    throw new ShapeError(`${op}: mask ${fmtShape(mask.shape)} must be [B, n] = [${B}, ${n}]`);
  }
}

function check3(op: string, x: Tensor, d: number): void {
  if (x.ndim !== 3 || x.shape[2] !== d) throw new ShapeError(`${op}: expected [B, n, ${d}], got ${fmtShape(x.shape)}`);
}

/**
 * Multihead attention block (Lee et al. 2019, {@link https://arxiv.org/abs/1810.00825 | arXiv:1810.00825}, Eq. 6–7):
 *
 *   MAB(X, Y) = LN(H + rFF(H)),  H = LN(X + Multihead(X, Y, Y)),
 *
 * rFF(H) = W₂ ReLU(W₁H + b₁) + b₂ row-wise. X [B, n, dimQ] attends to Y [B, m, dimK]; when
 * dimQ ≠ dimV the paper variant first maps X to dimV with a linear layer `inProj` (the paper
 * leaves this implicit). Equivariant in the rows of X, invariant to permutations of Y.
 * See the module docs for the `'reference'` variant.
 *
 * @example
 * ```ts
 * const mab = new MAB(8, 8, 16, 4, { rng: new Rng(0) });
 * mab.call(x, y, mask); // x [B, n, 8], y [B, m, 8], mask [B, m] → [B, n, 16]
 * ```
 */
export class MAB extends Module<[Tensor, Tensor, (Tensor | null)?], Tensor> {
  /** Query width. */
  readonly dimQ: number;
  /** Key/value input width. */
  readonly dimK: number;
  /** Output width. */
  readonly dimV: number;
  /** Heads. */
  readonly numHeads: number;
  /** The formula used. */
  readonly variant: SetTransformerVariant;
  /** Whether the LayerNorms are applied. */
  readonly layerNorm: boolean;

  /**
   * @param dimQ width of X (queries)
   * @param dimK width of Y (keys and values)
   * @param dimV output width (divisible by numHeads)
   * @param numHeads heads
   */
  constructor(dimQ: number, dimK: number, dimV: number, numHeads: number, opts: SetBlockOptions) {
    super();
    if (!opts?.rng) throw new ValueError('MAB: opts.rng is required (all randomness goes through an explicit Rng)');
    if (!Number.isInteger(numHeads) || numHeads < 1 || dimV % numHeads !== 0) throw new ValueError(`MAB: numHeads (${numHeads}) must divide dimV (${dimV})`);
    this.dimQ = dimQ;
    this.dimK = dimK;
    this.dimV = dimV;
    this.numHeads = numHeads;
    this.variant = opts.variant ?? 'paper';
    if (this.variant !== 'paper' && this.variant !== 'reference') throw new ValueError(`MAB: variant must be 'paper' or 'reference', got '${String(this.variant)}'`);
    this.layerNorm = opts.layerNorm ?? this.variant === 'paper';
    const { rng, dtype } = opts;
    if (this.variant === 'paper') {
      if (dimQ !== dimV) this.registerModule('inProj', new Linear(dimQ, dimV, { rng, dtype }));
      this.registerModule('attn', new MultiheadAttention(dimV, numHeads, { rng, kDim: dimK, vDim: dimK, dtype }));
      const dff = opts.dimFeedforward ?? dimV;
      this.registerModule('ff1', new Linear(dimV, dff, { rng, dtype }));
      this.registerModule('ff2', new Linear(dff, dimV, { rng, dtype }));
    } else {
      this.registerModule('fcQ', new Linear(dimQ, dimV, { rng, dtype }));
      this.registerModule('fcK', new Linear(dimK, dimV, { rng, dtype }));
      this.registerModule('fcV', new Linear(dimK, dimV, { rng, dtype }));
      this.registerModule('fcO', new Linear(dimV, dimV, { rng, dtype }));
    }
    if (this.layerNorm) {
      this.registerModule('ln0', new LayerNorm(dimV, { dtype }));
      this.registerModule('ln1', new LayerNorm(dimV, { dtype }));
    }
  }

  private lin(name: string): Linear | LayerNorm { return this.getModule(name) as Linear | LayerNorm; }

  /**
   * @param x queries [B, n, dimQ]
   * @param y keys/values [B, m, dimK]
   * @param mask [B, m], nonzero = padded element of Y (optional)
   * @returns [B, n, dimV]
   */
  forward(x: Tensor, y: Tensor, mask: Tensor | null = null): Tensor {
    check3('MAB', x, this.dimQ);
    check3('MAB', y, this.dimK);
    if (x.shape[0] !== y.shape[0]) throw new ShapeError(`MAB: batch sizes differ: ${fmtShape(x.shape)} vs ${fmtShape(y.shape)}`);
    checkMask('MAB', mask, y.shape[0]!, y.shape[1]!);
    const ln = (name: string, t: Tensor): Tensor => (this.layerNorm ? this.lin(name).call(t) : t);
    if (this.variant === 'paper') {
      const xq = this.dimQ === this.dimV ? x : this.lin('inProj').call(x);
      const attn = this.getModule('attn') as MultiheadAttention;
      const h = ln('ln0', xq.add(attn.call(xq, y, y, { keyPaddingMask: mask })));
      const ff = this.lin('ff2').call(this.lin('ff1').call(h).relu());
      return ln('ln1', h.add(ff));
    }
    const [B, n] = x.shape as [number, number];
    const m = y.shape[1]!;
    const h = this.numHeads, dh = this.dimV / h;
    const split = (t: Tensor, L: number): Tensor => t.reshape([B, L, h, dh]).permute([0, 2, 1, 3]);
    const q = split(this.lin('fcQ').call(x), n);
    const k = split(this.lin('fcK').call(y), m);
    const v = split(this.lin('fcV').call(y), m);
    const blocked = mask ? mask.reshape([B, 1, 1, m]) : null;
    const a = scaledDotProductAttention(q, k, v, { mask: blocked, scale: 1 / Math.sqrt(this.dimV) });
    let o = q.add(a.output).permute([0, 2, 1, 3]).reshape([B, n, this.dimV]);
    o = ln('ln0', o);
    o = o.add(this.lin('fcO').call(o).relu());
    return ln('ln1', o);
  }

  extraRepr(): string {
    return `dimQ=${this.dimQ}, dimK=${this.dimK}, dimV=${this.dimV}, numHeads=${this.numHeads}, variant=${this.variant}, layerNorm=${this.layerNorm}`;
  }
}

/**
 * Set attention block (Lee et al. 2019, {@link https://arxiv.org/abs/1810.00825 | arXiv:1810.00825}, Eq. 8):
 * SAB(X) = MAB(X, X). Permutation equivariant; O(n²) in the set size.
 *
 * @example
 * ```ts
 * const sab = new SAB(3, 16, 4, { rng: new Rng(0) });
 * sab.call(x, pad); // x [B, n, 3], pad [B, n] → [B, n, 16]
 * ```
 */
export class SAB extends Module<[Tensor, (Tensor | null)?], Tensor> {
  /**
   * @param dimIn element width
   * @param dimOut output width (divisible by numHeads)
   * @param numHeads heads
   */
  constructor(dimIn: number, dimOut: number, numHeads: number, opts: SetBlockOptions) {
    super();
    this.registerModule('mab', new MAB(dimIn, dimIn, dimOut, numHeads, opts));
  }

  /** The block MAB(X, X). */
  get mab(): MAB { return this.getModule('mab') as MAB; }

  /**
   * @param x [B, n, dimIn]
   * @param mask [B, n], nonzero = padded element (optional)
   * @returns [B, n, dimOut]
   */
  forward(x: Tensor, mask: Tensor | null = null): Tensor {
    return this.mab.call(x, x, mask);
  }
}

function learned(shape: number[], rng: Rng, dtype: FloatDType | undefined): Tensor {
  return xavierUniform(zeros(shape, { dtype: floatDType('Set Transformer', dtype) }), rng);
}

/**
 * Induced set attention block (Lee et al. 2019, {@link https://arxiv.org/abs/1810.00825 | arXiv:1810.00825}, Eq. 9–10):
 *
 *   ISAB_m(X) = MAB(X, H),  H = MAB(I, X),
 *
 * with m learned inducing points I [m, dimOut]; O(nm) instead of O(n²). Permutation equivariant.
 *
 * @example
 * ```ts
 * const isab = new ISAB(3, 16, 4, 8, { rng: new Rng(0) });
 * isab.call(x, pad); // x [B, n, 3] → [B, n, 16]
 * ```
 */
export class ISAB extends Module<[Tensor, (Tensor | null)?], Tensor> {
  /** Number of inducing points m. */
  readonly numInducing: number;
  /** Output width. */
  readonly dimOut: number;

  /**
   * @param dimIn element width
   * @param dimOut output width (divisible by numHeads)
   * @param numHeads heads
   * @param numInducing inducing points m
   */
  constructor(dimIn: number, dimOut: number, numHeads: number, numInducing: number, opts: SetBlockOptions) {
    super();
    if (!Number.isInteger(numInducing) || numInducing < 1) throw new ValueError(`ISAB: numInducing must be a positive integer, got ${numInducing}`);
    if (!opts?.rng) throw new ValueError('ISAB: opts.rng is required (all randomness goes through an explicit Rng)');
    this.numInducing = numInducing;
    this.dimOut = dimOut;
    this.registerParameter('inducing', learned([numInducing, dimOut], opts.rng, opts.dtype));
    this.registerModule('mab0', new MAB(dimOut, dimIn, dimOut, numHeads, opts));
    this.registerModule('mab1', new MAB(dimIn, dimOut, dimOut, numHeads, opts));
  }

  /** I [m, dimOut]. */
  get inducing(): Parameter { return this.getParameter('inducing'); }

  /**
   * @param x [B, n, dimIn]
   * @param mask [B, n], nonzero = padded element (optional)
   * @returns [B, n, dimOut]
   */
  forward(x: Tensor, mask: Tensor | null = null): Tensor {
    if (x.ndim !== 3) throw new ShapeError(`ISAB: expected [B, n, dimIn], got ${fmtShape(x.shape)}`);
    const i = this.inducing.expand([x.shape[0]!, this.numInducing, this.dimOut]);
    const h = (this.getModule('mab0') as MAB).call(i, x, mask);
    return (this.getModule('mab1') as MAB).call(x, h);
  }

  extraRepr(): string {
    return `numInducing=${this.numInducing}`;
  }
}

/**
 * Pooling by multihead attention (Lee et al. 2019, {@link https://arxiv.org/abs/1810.00825 | arXiv:1810.00825}, Eq. 11):
 *
 *   PMA_k(Z) = MAB(S, rFF(Z)),
 *
 * with k learned seed vectors S [k, dim] and rFF(Z) = ReLU(ZW + b) row-wise (the `'reference'`
 * variant uses MAB(S, Z)). Permutation invariant: [B, n, dim] → [B, k, dim].
 *
 * @example
 * ```ts
 * const pma = new PMA(16, 4, 1, { rng: new Rng(0) });
 * pma.call(z, pad); // z [B, n, 16] → [B, 1, 16]
 * ```
 */
export class PMA extends Module<[Tensor, (Tensor | null)?], Tensor> {
  /** Number of seeds k. */
  readonly numSeeds: number;
  /** Width. */
  readonly dim: number;

  /**
   * @param dim element and output width (divisible by numHeads)
   * @param numHeads heads
   * @param numSeeds seed vectors k (outputs per set)
   */
  constructor(dim: number, numHeads: number, numSeeds: number, opts: SetBlockOptions) {
    super();
    if (!Number.isInteger(numSeeds) || numSeeds < 1) throw new ValueError(`PMA: numSeeds must be a positive integer, got ${numSeeds}`);
    if (!opts?.rng) throw new ValueError('PMA: opts.rng is required (all randomness goes through an explicit Rng)');
    this.numSeeds = numSeeds;
    this.dim = dim;
    this.registerParameter('seeds', learned([numSeeds, dim], opts.rng, opts.dtype));
    if ((opts.variant ?? 'paper') === 'paper') this.registerModule('rff', new Linear(dim, dim, { rng: opts.rng, dtype: opts.dtype }));
    this.registerModule('mab', new MAB(dim, dim, dim, numHeads, opts));
  }

  /** S [k, dim]. */
  get seeds(): Parameter { return this.getParameter('seeds'); }

  /**
   * @param z [B, n, dim]
   * @param mask [B, n], nonzero = padded element (optional)
   * @returns [B, k, dim]
   */
  forward(z: Tensor, mask: Tensor | null = null): Tensor {
    check3('PMA', z, this.dim);
    const s = this.seeds.expand([z.shape[0]!, this.numSeeds, this.dim]);
    const rff = this.namedChildren().find(([k]) => k === 'rff')?.[1] as Linear | undefined;
    const zz = rff ? rff.call(z).relu() : z;
    return (this.getModule('mab') as MAB).call(s, zz, mask);
  }

  extraRepr(): string {
    return `numSeeds=${this.numSeeds}`;
  }
}

/** Options of {@link SetTransformer}. */
export interface SetTransformerOptions extends SetBlockOptions {
  /** Hidden width d (default 128, as in the paper). */
  dimHidden?: number;
  /** Heads (default 4). */
  numHeads?: number;
  /** Encoder blocks (default 2). */
  numEncoderBlocks?: number;
  /** Inducing points per encoder block: > 0 uses ISAB_m, 0 (default) uses SAB. */
  numInducing?: number;
}

/**
 * The Set Transformer (Lee et al. 2019, {@link https://arxiv.org/abs/1810.00825 | arXiv:1810.00825}, §3.3):
 *
 *   Z = Encoder(X) = SAB(SAB(X))  (or ISAB_m blocks),
 *   Decoder(Z) = Linear(SAB(PMA_k(Z))),
 *
 * a permutation-invariant map from a set [B, n, dimInput] to k outputs [B, k, dimOutput].
 *
 * @example
 * ```ts
 * const st = new SetTransformer(1, 1, 1, { rng: new Rng(0), dimHidden: 32, numHeads: 4 });
 * st.call(x, pad); // x [B, n, 1], pad [B, n] → [B, 1, 1]
 * ```
 */
export class SetTransformer extends Module<[Tensor, (Tensor | null)?], Tensor> {
  /** Encoder blocks. */
  readonly numEncoderBlocks: number;

  /**
   * @param dimInput element width
   * @param numOutputs k, the number of PMA seeds (outputs per set)
   * @param dimOutput width of each output
   */
  constructor(dimInput: number, numOutputs: number, dimOutput: number, opts: SetTransformerOptions) {
    super();
    if (!opts?.rng) throw new ValueError('SetTransformer: opts.rng is required (all randomness goes through an explicit Rng)');
    const d = opts.dimHidden ?? 128;
    const h = opts.numHeads ?? 4;
    const nb = opts.numEncoderBlocks ?? 2;
    const m = opts.numInducing ?? 0;
    this.numEncoderBlocks = nb;
    for (let i = 0; i < nb; i++) {
      const dIn = i === 0 ? dimInput : d;
      this.registerModule(`enc${i}`, m > 0 ? new ISAB(dIn, d, h, m, opts) : new SAB(dIn, d, h, opts));
    }
    this.registerModule('pma', new PMA(d, h, numOutputs, opts));
    this.registerModule('sab', new SAB(d, d, h, opts));
    this.registerModule('out', new Linear(d, dimOutput, { rng: opts.rng, dtype: opts.dtype }));
  }

  /**
   * @param x [B, n, dimInput]
   * @param mask [B, n], nonzero = padded element (optional)
   * @returns [B, numOutputs, dimOutput]
   */
  forward(x: Tensor, mask: Tensor | null = null): Tensor {
    let z = x;
    for (let i = 0; i < this.numEncoderBlocks; i++) z = (this.getModule(`enc${i}`) as SAB | ISAB).call(z, mask);
    const p = (this.getModule('pma') as PMA).call(z, mask);
    return (this.getModule('out') as Linear).call((this.getModule('sab') as SAB).call(p));
  }
}
