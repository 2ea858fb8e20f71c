/**
 * Transformer encoder (Vaswani et al., "Attention Is All You Need", NeurIPS 2017,
 * {@link https://arxiv.org/abs/1706.03762 | arXiv:1706.03762}): `TransformerEncoderLayer`
 * (post-norm by default like PyTorch, pre-norm with `normFirst`; Xiong et al., "On Layer
 * Normalization in the Transformer Architecture", {@link https://arxiv.org/abs/2002.04745 | arXiv:2002.04745})
 * and `TransformerEncoder`, a stack of layers. Without positional encodings both are
 * permutation equivariant over the sequence axis, i.e. set layers.
 * @module
 */
import type { Tensor } from '../tensor/index.js';
import { ValueError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { activation } from './activation.js';
import type { ActivationName } from './activation.js';
import { MultiheadAttention } from './attention.js';
import type { AttentionMasks } from './attention.js';
import type { TensorModule } from './container.js';
import { Dropout } from './dropout.js';
import { Linear } from './linear.js';
import { Module } from './module.js';
import { LayerNorm } from './normalization.js';
import type { FloatDType } from './parameter.js';

/** Options of {@link TransformerEncoderLayer}. */
export interface TransformerEncoderLayerOptions {
  /** Source of the initial weights and dropout masks. */
  rng: Rng;
  /** Dropout probability (attention weights, both residual branches, inside the FFN); default 0.1 (PyTorch). */
  dropout?: number;
  /** Activation of the feed-forward block: a name or a factory (default `'relu'`). */
  activation?: ActivationName | (() => TensorModule);
  /** Pre-norm (LayerNorm before each sub-block) instead of post-norm (default false, as PyTorch). */
  normFirst?: boolean;
  /** ε of the LayerNorms (default 1e-5). */
  layerNormEps?: number;
  /** Biases in the linear layers and LayerNorms (default true). */
  bias?: boolean;
  /** Element type (default float32). */
  dtype?: FloatDType;
}

/**
 * One Transformer encoder block, PyTorch's `nn.TransformerEncoderLayer` (batch first):
 *
 *   post-norm (default): x ← LN₁(x + SA(x));  x ← LN₂(x + FF(x))
 *   pre-norm (`normFirst`): x ← x + SA(LN₁(x));  x ← x + FF(LN₂(x))
 *
 * with SA(x) = Dropout(MHA(x, x, x)) and FF(x) = Dropout(W₂ Dropout(act(W₁x + b₁)) + b₂).
 * Permutation equivariant over the sequence axis (no positional encodings are added).
 *
 * @example
 * ```ts
 * const layer = new TransformerEncoderLayer(32, 4, 64, { rng: new Rng(0), dropout: 0 });
 * const y = layer.call(x, { keyPaddingMask: pad }); // x [B, n, 32], pad [B, n] → y [B, n, 32]
 * ```
 */
export class TransformerEncoderLayer extends Module<[Tensor, AttentionMasks?], Tensor> {
  /** Model width. */
  readonly dModel: number;
  /** Pre-norm. */
  readonly normFirst: boolean;

  /**
   * @param dModel model width
   * @param numHeads attention heads (divides dModel)
   * @param dimFeedforward hidden width of the feed-forward block
   */
  constructor(dModel: number, numHeads: number, dimFeedforward: number, opts: TransformerEncoderLayerOptions) {
    super();
    if (!opts?.rng) throw new ValueError('TransformerEncoderLayer: opts.rng is required (all randomness goes through an explicit Rng)');
    const p = opts.dropout ?? 0.1;
    const bias = opts.bias ?? true;
    const dtype = opts.dtype;
    this.dModel = dModel;
    this.normFirst = opts.normFirst ?? false;
    this.registerModule('selfAttn', new MultiheadAttention(dModel, numHeads, { rng: opts.rng, dropout: p, bias, dtype }));
    this.registerModule('linear1', new Linear(dModel, dimFeedforward, { rng: opts.rng, bias, dtype }));
    this.registerModule('linear2', new Linear(dimFeedforward, dModel, { rng: opts.rng, bias, dtype }));
    const act = opts.activation ?? 'relu';
    this.registerModule('activation', typeof act === 'function' ? act() : activation(act));
    const ln = { eps: opts.layerNormEps ?? 1e-5, bias, dtype };
    this.registerModule('norm1', new LayerNorm(dModel, ln));
    this.registerModule('norm2', new LayerNorm(dModel, ln));
    this.registerModule('dropout', new Dropout(p, { rng: opts.rng.fork() }));
    this.registerModule('dropout1', new Dropout(p, { rng: opts.rng.fork() }));
    this.registerModule('dropout2', new Dropout(p, { rng: opts.rng.fork() }));
  }

  /** The self-attention block. */
  get selfAttn(): MultiheadAttention { return this.getModule('selfAttn') as MultiheadAttention; }

  private m(name: string): TensorModule { return this.getModule(name) as TensorModule; }

  private sa(x: Tensor, masks: AttentionMasks): Tensor {
    return this.m('dropout1').call(this.selfAttn.call(x, x, x, masks));
  }

  private ff(x: Tensor): Tensor {
    const h = this.m('dropout').call(this.m('activation').call(this.m('linear1').call(x)));
    return this.m('dropout2').call(this.m('linear2').call(h));
  }

  /**
   * @param src [B, n, dModel]
   * @param masks key padding mask [B, n] (1 = pad) and/or attention mask [n, n]
   * @returns [B, n, dModel]
   */
  forward(src: Tensor, masks: AttentionMasks = {}): Tensor {
    const n1 = this.m('norm1'), n2 = this.m('norm2');
    if (this.normFirst) {
      const x = src.add(this.sa(n1.call(src), masks));
      return x.add(this.ff(n2.call(x)));
    }
    const x = n1.call(src.add(this.sa(src, masks)));
    return n2.call(x.add(this.ff(x)));
  }

  extraRepr(): string {
    return `dModel=${this.dModel}, normFirst=${this.normFirst}`;
  }
}

/** Options of {@link TransformerEncoder}. */
export interface TransformerEncoderOptions {
  /** A module applied after the last layer (e.g. a LayerNorm for pre-norm stacks). */
  norm?: TensorModule | null;
}

/**
 * A stack of encoder layers, x ← layer_k(… layer_1(x)), optionally followed by a final norm
 * (PyTorch's `nn.TransformerEncoder`). Layers come from a factory so none share parameters.
 *
 * @example
 * ```ts
 * const rng = new Rng(0);
 * const enc = new TransformerEncoder((i) => new TransformerEncoderLayer(32, 4, 64, { rng, dropout: 0 }), 3);
 * const y = enc.call(x, { keyPaddingMask: pad }); // [B, n, 32]
 * ```
 */
export class TransformerEncoder extends Module<[Tensor, AttentionMasks?], Tensor> {
  /** Number of layers. */
  readonly numLayers: number;

  /**
   * @param layer factory called with the layer index 0 … numLayers − 1
   * @param numLayers number of layers (≥ 1)
   */
  constructor(layer: (index: number) => TransformerEncoderLayer, numLayers: number, opts: TransformerEncoderOptions = {}) {
    super();
    if (!Number.isInteger(numLayers) || numLayers < 1) throw new ValueError(`TransformerEncoder: numLayers must be a positive integer, got ${numLayers}`);
    this.numLayers = numLayers;
    for (let i = 0; i < numLayers; i++) this.registerModule(String(i), layer(i));
    if (opts.norm) this.registerModule('norm', opts.norm);
  }

  /** The layer at `i`. */
  layer(i: number): TransformerEncoderLayer {
    return this.getModule(String(i)) as TransformerEncoderLayer;
  }

  /**
   * @param src [B, n, dModel]
   * @param masks passed to every layer
   * @returns [B, n, dModel]
   */
  forward(src: Tensor, masks: AttentionMasks = {}): Tensor {
    let x = src;
    for (let i = 0; i < this.numLayers; i++) x = this.layer(i).call(x, masks);
    const norm = this.namedChildren().find(([k]) => k === 'norm')?.[1] as TensorModule | undefined;
    return norm ? norm.call(x) : x;
  }

  extraRepr(): string {
    return `numLayers=${this.numLayers}`;
  }
}
