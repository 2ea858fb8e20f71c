/**
 * Attention: `scaledDotProductAttention` and `MultiheadAttention` (Vaswani et al., "Attention Is
 * All You Need", NeurIPS 2017, {@link https://arxiv.org/abs/1706.03762 | arXiv:1706.03762}),
 * with PyTorch's mask conventions. Without positional encodings attention is permutation
 * equivariant in the queries and invariant to a joint permutation of keys and values, which is
 * what the set layers (`SAB`, `ISAB`, `PMA`, `TransformerEncoderLayer`) build on.
 *
 * Fully masked rows: a query whose keys are all masked gets attention weights 0 (not the NaN of
 * a softmax over −∞) and therefore an attended value of 0; `MultiheadAttention` returns exactly 0
 * for such a query row (the out-projection bias is not added).
 * @module
 */
import { fromData, matmul, where } from '../tensor/index.js';
import type { Tensor } from '../tensor/index.js';
import { ShapeError, ValueError, fmtShape } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { Dropout } from './dropout.js';
import { xavierUniform } from './init.js';
import { Linear } from './linear.js';
import { Module } from './module.js';
import type { FloatDType } from './parameter.js';

/** Options of {@link scaledDotProductAttention}. */
export interface ScaledDotProductOptions {
  /**
   * Blocked positions, broadcastable to the scores [..., Lq, Lk] and with last axis Lk: nonzero
   * entries may not be attended. Read on the host (it carries no gradient).
   */
  mask?: Tensor | null;
  /** Additive bias broadcastable to the scores [..., Lq, Lk] (may be −∞; gradients flow into it). */
  bias?: Tensor | null;
  /** Multiplier of QKᵀ (default 1/√d_k). */
  scale?: number;
  /** Applied to the attention weights after the softmax (e.g. dropout in training). */
  dropout?: ((p: Tensor) => Tensor) | null;
}

/** Result of {@link scaledDotProductAttention}. */
export interface AttentionResult {
  /** softmax(s·QKᵀ + bias) V: [..., Lq, d_v]. */
  output: Tensor;
  /** The attention weights [..., Lq, Lk] (rows sum to 1, or are all 0 when fully masked). */
  weights: Tensor;
  /**
   * 1 where the query row is fully masked, shaped like the mask with last axis 1 ([..., Rq, 1]),
   * or null when no row is fully masked.
   */
  fullyMasked: Tensor | null;
}

/**
 * Rows of a host-read mask (last axis Lk) that are entirely blocked: a 0/1 tensor shaped like the
 * mask with last axis 1, or null when there are none.
 */
function fullyMaskedRows(mask: Tensor): Tensor | null {
  const d = mask.data;
  const lk = mask.shape[mask.ndim - 1]!;
  const rows = lk === 0 ? 0 : d.length / lk;
  const out = new Float64Array(rows);
  let any = false;
  for (let r = 0; r < rows; r++) {
    let all = true;
    for (let j = 0; j < lk; j++) {
      if (d[r * lk + j] === 0) { all = false; break; }
    }
    if (all) { out[r] = 1; any = true; }
  }
  if (!any) return null;
  return fromData(out, [...mask.shape.slice(0, -1), 1]);
}

/**
 * Scaled dot-product attention: A = softmax(s·QKᵀ + bias, masked), output = A V, with s = 1/√d_k
 * by default; batched over all leading axes (batched matmul).
 *
 * Masked scores are set to −∞ before the softmax. A query row whose keys are all masked has
 * weights 0 and output 0 (documented convention; a plain softmax would give NaN).
 *
 * @param q queries [..., Lq, d_k]
 * @param k keys [..., Lk, d_k]
 * @param v values [..., Lk, d_v]
 * @returns the output [..., Lq, d_v], the weights [..., Lq, Lk] and the fully masked rows
 * @example
 * ```ts
 * const { output, weights } = scaledDotProductAttention(q, k, v); // q [B, h, Lq, d], k, v [B, h, Lk, d]
 * ```
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, opts: ScaledDotProductOptions = {}): AttentionResult {
  if (q.ndim < 2 || k.ndim < 2 || v.ndim < 2) throw new ShapeError(`scaledDotProductAttention: q, k, v need at least 2 axes, got ${fmtShape(q.shape)}, ${fmtShape(k.shape)}, ${fmtShape(v.shape)}`);
  const dk = q.shape[q.ndim - 1]!;
  const lk = k.shape[k.ndim - 2]!;
  if (k.shape[k.ndim - 1] !== dk) throw new ShapeError(`scaledDotProductAttention: q ${fmtShape(q.shape)} and k ${fmtShape(k.shape)} differ in the feature axis`);
  if (v.shape[v.ndim - 2] !== lk) throw new ShapeError(`scaledDotProductAttention: k ${fmtShape(k.shape)} and v ${fmtShape(v.shape)} differ in length`);
  const scale = opts.scale ?? 1 / Math.sqrt(dk);
  let s = matmul(q, k, { transB: true }).mul(scale);
  if (opts.bias) s = s.add(opts.bias.dtype === s.dtype ? opts.bias : opts.bias.cast(s.dtype));
  let full: Tensor | null = null;
  if (opts.mask) {
    const m = opts.mask;
    if (m.ndim < 1 || m.shape[m.ndim - 1] !== lk) throw new ShapeError(`scaledDotProductAttention: mask ${fmtShape(m.shape)} must end in Lk = ${lk}`);
    s = where(m, -Infinity, s);
    full = fullyMaskedRows(m);
    if (full) s = where(full, 0, s);
  }
  let p = s.softmax(-1);
  if (full) p = where(full, 0, p);
  if (opts.dropout) p = opts.dropout(p);
  return { output: matmul(p, v), weights: p, fullyMasked: full };
}

/** Options of {@link MultiheadAttention}. */
export interface MultiheadAttentionOptions {
  /** Source of the initial weights (and of the dropout masks). */
  rng: Rng;
  /** Dropout probability on the attention weights in training (default 0). */
  dropout?: number;
  /** Learn biases in the four projections (default true). */
  bias?: boolean;
  /** Feature size of the key input (default dModel). */
  kDim?: number;
  /** Feature size of the value input (default dModel). */
  vDim?: number;
  /** Element type (default float32). */
  dtype?: FloatDType;
}

/** Masks of {@link MultiheadAttention.forward}. */
export interface AttentionMasks {
  /**
   * [B, Lk]: nonzero (1) marks a padded key that no query may attend to (PyTorch's
   * `key_padding_mask` convention).
   */
  keyPaddingMask?: Tensor | null;
  /**
   * [Lq, Lk] or [B, Lq, Lk]: an int32 tensor is boolean (nonzero = may not attend, PyTorch's
   * boolean `attn_mask`); a float tensor is added to the scores (use −∞ to block).
   */
  attnMask?: Tensor | null;
}

/** Output of {@link MultiheadAttention.attend}. */
export interface MultiheadAttentionResult {
  /** [B, Lq, dModel]. */
  output: Tensor;
  /** Per-head attention weights [B, numHeads, Lq, Lk]. */
  weights: Tensor;
}

/**
 * Multi-head attention (Vaswani et al. 2017, {@link https://arxiv.org/abs/1706.03762 | arXiv:1706.03762}):
 *
 *   MHA(Q, K, V) = [O₁ … O_h] W_Oᵀ + b_O,  O_j = softmax((Q W_jᵠ)(K W_jᴷ)ᵀ / √d_h) V W_jⱽ,
 *
 * with d_h = dModel / numHeads; the heads are one batched matmul over [B, h, L, d_h]. Layout and
 * initialisation follow PyTorch (`xavier_uniform_` projections, zero biases); the four
 * projections are `Linear` children `qProj`, `kProj`, `vProj`, `outProj`.
 *
 * Without positional information the layer is permutation equivariant:
 * MHA(PX, PX, PX) = P·MHA(X, X, X), and MHA(Q, PK, PV) = MHA(Q, K, V).
 * A query whose keys are all masked gets output exactly 0.
 *
 * @example
 * ```ts
 * const mha = new MultiheadAttention(16, 4, { rng: new Rng(0) });
 * const y = mha.call(x, x, x, { keyPaddingMask: pad }); // x [B, n, 16], pad [B, n] → y [B, n, 16]
 * ```
 */
export class MultiheadAttention extends Module<[Tensor, Tensor, Tensor, AttentionMasks?], Tensor> {
  /** Model (query and output) width. */
  readonly dModel: number;
  /** Number of heads h. */
  readonly numHeads: number;
  /** Per-head width d_h = dModel / h. */
  readonly headDim: number;
  /** Key input width. */
  readonly kDim: number;
  /** Value input width. */
  readonly vDim: number;
  /** Attention-weight dropout probability. */
  readonly dropoutP: number;

  /**
   * @param dModel query/output width (divisible by numHeads)
   * @param numHeads number of heads
   */
  constructor(dModel: number, numHeads: number, opts: MultiheadAttentionOptions) {
    super();
    if (!Number.isInteger(dModel) || dModel < 1) throw new ValueError(`MultiheadAttention: dModel must be a positive integer, got ${dModel}`);
    if (!Number.isInteger(numHeads) || numHeads < 1 || dModel % numHeads !== 0) {
      throw new ValueError(`MultiheadAttention: numHeads (${numHeads}) must be a positive divisor of dModel (${dModel})`);
    }
    if (!opts?.rng) throw new ValueError('MultiheadAttention: opts.rng is required (all randomness goes through an explicit Rng)');
    this.dModel = dModel;
    this.numHeads = numHeads;
    this.headDim = dModel / numHeads;
    this.kDim = opts.kDim ?? dModel;
    this.vDim = opts.vDim ?? dModel;
    this.dropoutP = opts.dropout ?? 0;
    const lin = { rng: opts.rng, bias: opts.bias ?? true, dtype: opts.dtype };
    const q = this.registerModule('qProj', new Linear(dModel, dModel, lin));
    const k = this.registerModule('kProj', new Linear(this.kDim, dModel, lin));
    const v = this.registerModule('vProj', new Linear(this.vDim, dModel, lin));
    const o = this.registerModule('outProj', new Linear(dModel, dModel, lin));
    for (const l of [q, k, v]) xavierUniform(l.weight, opts.rng);
    for (const l of [q, k, v, o]) l.bias?.data.fill(0);
    if (this.dropoutP > 0) this.registerModule('dropout', new Dropout(this.dropoutP, { rng: opts.rng.fork() }));
  }

  /** Query projection. */
  get qProj(): Linear { return this.getModule('qProj') as Linear; }
  /** Key projection. */
  get kProj(): Linear { return this.getModule('kProj') as Linear; }
  /** Value projection. */
  get vProj(): Linear { return this.getModule('vProj') as Linear; }
  /** Output projection W_O. */
  get outProj(): Linear { return this.getModule('outProj') as Linear; }

  /**
   * @param query [B, Lq, dModel] (or unbatched [Lq, dModel])
   * @param key [B, Lk, kDim]
   * @param value [B, Lk, vDim]
   * @param masks optional key padding mask [B, Lk] and attention mask [Lq, Lk] / [B, Lq, Lk]
   * @returns [B, Lq, dModel]
   */
  forward(query: Tensor, key: Tensor, value: Tensor, masks: AttentionMasks = {}): Tensor {
    return this.attend(query, key, value, masks).output;
  }

  /** Like `forward`, also returning the per-head attention weights [B, h, Lq, Lk]. */
  attend(query: Tensor, key: Tensor, value: Tensor, masks: AttentionMasks = {}): MultiheadAttentionResult {
    if (query.ndim === 2 && key.ndim === 2 && value.ndim === 2) {
      const kpm = masks.keyPaddingMask ? masks.keyPaddingMask.reshape([1, ...masks.keyPaddingMask.shape]) : null;
      const r = this.attend(query.unsqueeze(0), key.unsqueeze(0), value.unsqueeze(0), { attnMask: masks.attnMask, keyPaddingMask: kpm });
      return { output: r.output.squeeze(0), weights: r.weights.squeeze(0) };
    }
    const [B, Lq, dq] = query.shape as [number, number, number];
    const [Bk, Lk, dk] = key.shape as [number, number, number];
    const [Bv, Lv, dv] = value.shape as [number, number, number];
    if (query.ndim !== 3 || key.ndim !== 3 || value.ndim !== 3 || dq !== this.dModel || dk !== this.kDim || dv !== this.vDim || Bk !== B || Bv !== B || Lv !== Lk) {
      throw new ShapeError(
        `MultiheadAttention: expected query [B, Lq, ${this.dModel}], key [B, Lk, ${this.kDim}], value [B, Lk, ${this.vDim}], got ${fmtShape(query.shape)}, ${fmtShape(key.shape)}, ${fmtShape(value.shape)}`,
      );
    }
    const h = this.numHeads, dh = this.headDim;
    const split = (x: Tensor, L: number): Tensor => x.reshape([B, L, h, dh]).permute([0, 2, 1, 3]);
    const q = split(this.qProj.call(query), Lq);
    const k = split(this.kProj.call(key), Lk);
    const v = split(this.vProj.call(value), Lk);
    const { mask, bias } = this.combineMasks(masks, B, Lq, Lk);
    const drop = this.dropoutP > 0 && this.training ? (p: Tensor) => (this.getModule('dropout') as Dropout).call(p) : null;
    const r = scaledDotProductAttention(q, k, v, { mask, bias, dropout: drop });
    let out = this.outProj.call(r.output.permute([0, 2, 1, 3]).reshape([B, Lq, this.dModel]));
    if (r.fullyMasked) out = where(r.fullyMasked.reshape([r.fullyMasked.shape[0]!, r.fullyMasked.shape[2]!, 1]), 0, out);
    return { output: out, weights: r.weights };
  }

  /** Host mask [B|1, 1, Lq|1, Lk] (nonzero = blocked) and additive bias [B|1, 1, Lq, Lk]. */
  private combineMasks(masks: AttentionMasks, B: number, Lq: number, Lk: number): { mask: Tensor | null; bias: Tensor | null } {
    const kpm = masks.keyPaddingMask ?? null;
    const am = masks.attnMask ?? null;
    if (kpm && (kpm.ndim !== 2 || kpm.shape[0] !== B || kpm.shape[1] !== Lk)) {
      throw new ShapeError(`MultiheadAttention: keyPaddingMask ${fmtShape(kpm.shape)} must be [B, Lk] = [${B}, ${Lk}]`);
    }
    let amB = 1;
    if (am) {
      const ok = (am.ndim === 2 && am.shape[0] === Lq && am.shape[1] === Lk) || (am.ndim === 3 && am.shape[0] === B && am.shape[1] === Lq && am.shape[2] === Lk);
      if (!ok) throw new ShapeError(`MultiheadAttention: attnMask ${fmtShape(am.shape)} must be [Lq, Lk] = [${Lq}, ${Lk}] or [B, Lq, Lk]`);
      amB = am.ndim === 3 ? B : 1;
    }
    if (!kpm && !am) return { mask: null, bias: null };
    const boolMask = am !== null && am.dtype === 'int32';
    const bias = am && !boolMask ? am.reshape([amB, 1, Lq, Lk]) : null;
    // Blocked positions, including −∞ entries of an additive mask (for the fully-masked-row rule).
    const mb = kpm || amB === B ? B : 1;
    const rq = am ? Lq : 1;
    const blocked = new Float64Array(mb * rq * Lk);
    const kd = kpm?.data, ad = am?.data;
    let anyBlocked = false;
    for (let b = 0; b < mb; b++) {
      for (let i = 0; i < rq; i++) {
        for (let j = 0; j < Lk; j++) {
          let x = kd !== undefined && kd[b * Lk + j] !== 0;
          if (!x && ad !== undefined) {
            const a = ad[((amB === 1 ? 0 : b) * Lq + i) * Lk + j]!;
            x = boolMask ? a !== 0 : a === -Infinity;
          }
          if (x) { blocked[(b * rq + i) * Lk + j] = 1; anyBlocked = true; }
        }
      }
    }
    const dtype = this.qProj.weight.dtype;
    const mask = anyBlocked ? fromData(blocked, [mb, 1, rq, Lk]) : null;
    return { mask: mask && dtype !== 'float64' ? mask.cast(dtype) : mask, bias };
  }

  extraRepr(): string {
    return `dModel=${this.dModel}, numHeads=${this.numHeads}, kDim=${this.kDim}, vDim=${this.vDim}, dropout=${this.dropoutP}`;
  }
}
