/**
 * GemResNetBlock: the residual block of GEM-CNN (de Haan, Weiler, Cohen & Welling, "Gauge
 * Equivariant Mesh CNNs", ICLR 2021, arXiv:2003.05425, §6): conv → regular nonlinearity → conv,
 * plus a 1×1 gauge-equivariant channel mixing of the input (orders truncated or zero-padded to
 * L_out), then a regular nonlinearity. See docs/design/gem.md.
 * @module
 */
import { Module } from '../../nn/module.js';
import type { FloatDType } from '../../nn/parameter.js';
import type { BasisCache } from '../../solver/index.js';
import type { Tensor } from '../../tensor/index.js';
import { Rng } from '../../util/index.js';
import type { GaugeGeometry } from '../gauge.js';
import { GemConv, GemLinear } from './conv.js';
import { RegularNonlinearity } from './nonlinearity.js';

/** Options of {@link GemResNetBlock} (arXiv:2003.05425). */
export interface GemResNetBlockOptions {
  /** L_in (default 0). */
  maxOrderIn?: number;
  /** L of the hidden features between the convolutions (default max(L_in, L_out)). */
  maxOrderHidden?: number;
  /** L_out (default maxOrderIn). */
  maxOrderOut?: number;
  /** Hidden channels (default channelsOut). */
  channelsHidden?: number;
  /** Radial hat functions of both convolutions (default 2). */
  rings?: number;
  /** Band limit of both convolutions (default Infinity). */
  bandLimit?: number;
  /** Fixed radius normalisation of both convolutions (default per mesh). */
  maxRadius?: number;
  /** Samples N of both regular nonlinearities (default 4·L + 3 for the larger L). */
  samples?: number;
  /** σ of both nonlinearities (default ReLU). */
  activation?: (t: Tensor) => Tensor;
  /** Parameter dtype (default float32). */
  dtype?: FloatDType;
  /** Generator of the initial weights (default `new Rng(0)`). */
  rng?: Rng;
  /** Cache of the solver's Hom spaces. */
  cache?: BasisCache;
}

/**
 * The GEM-CNN residual block (arXiv:2003.05425):
 *
 *     y = σ_N( conv₂(σ_N(conv₁(x)), g) + W x )
 *
 * with conv₁, conv₂ {@link GemConv}s, σ_N {@link RegularNonlinearity}s and W a {@link GemLinear}
 * (intertwiner channel mixing). Exactly gauge equivariant for gauge angles that are multiples of
 * 2π/N (or with a linear σ); otherwise up to the nonlinearity's sampling error.
 * @example
 * ```ts
 * const block = new GemResNetBlock(8, 16, { maxOrderIn: 2, maxOrderOut: 2, samples: 9 });
 * const y = block.call(x, geometry); // [V, 8·5] → [V, 16·5]
 * ```
 */
export class GemResNetBlock extends Module<[Tensor, GaugeGeometry], Tensor> {
  /** Input channels. */
  readonly channelsIn: number;
  /** Output channels. */
  readonly channelsOut: number;
  /** L_in. */
  readonly maxOrderIn: number;
  /** L_out. */
  readonly maxOrderOut: number;
  /** First convolution. */
  readonly conv1: GemConv;
  /** Second convolution. */
  readonly conv2: GemConv;
  /** Residual channel mixing. */
  readonly skip: GemLinear;
  /** Nonlinearity after the first convolution. */
  readonly act1: RegularNonlinearity;
  /** Nonlinearity after the sum. */
  readonly act2: RegularNonlinearity;

  constructor(channelsIn: number, channelsOut: number, opts: GemResNetBlockOptions = {}) {
    super();
    this.channelsIn = channelsIn;
    this.channelsOut = channelsOut;
    const Lin = opts.maxOrderIn ?? 0, Lout = opts.maxOrderOut ?? Lin, Lh = opts.maxOrderHidden ?? Math.max(Lin, Lout);
    this.maxOrderIn = Lin;
    this.maxOrderOut = Lout;
    const hidden = opts.channelsHidden ?? channelsOut, rng = opts.rng ?? new Rng(0);
    const common = {
      rings: opts.rings ?? 2, dtype: opts.dtype, rng,
      ...(opts.bandLimit !== undefined ? { bandLimit: opts.bandLimit } : {}),
      ...(opts.maxRadius !== undefined ? { maxRadius: opts.maxRadius } : {}),
      ...(opts.cache ? { cache: opts.cache } : {}),
    };
    const N = opts.samples ?? 4 * Math.max(Lh, Lout) + 3;
    const nl = { samples: N, ...(opts.activation ? { activation: opts.activation } : {}) };
    this.conv1 = this.registerModule('conv1', new GemConv(channelsIn, hidden, { ...common, maxOrderIn: Lin, maxOrderOut: Lh }));
    this.act1 = this.registerModule('act1', new RegularNonlinearity(Lh, nl));
    this.conv2 = this.registerModule('conv2', new GemConv(hidden, channelsOut, { ...common, maxOrderIn: Lh, maxOrderOut: Lout }));
    this.skip = this.registerModule('skip', new GemLinear(channelsIn, channelsOut, { maxOrderIn: Lin, maxOrderOut: Lout, bias: false, dtype: opts.dtype, rng, ...(opts.cache ? { cache: opts.cache } : {}) }));
    this.act2 = this.registerModule('act2', new RegularNonlinearity(Lout, nl));
  }

  /**
   * @param x [V, C_in·(2L_in+1)]
   * @param geo gauge geometry
   * @returns [V, C_out·(2L_out+1)]
   */
  forward(x: Tensor, geo: GaugeGeometry): Tensor {
    const h = this.act1.call(this.conv1.call(x, geo));
    return this.act2.call(this.conv2.call(h, geo).add(this.skip.call(x)));
  }

  extraRepr(): string {
    return `${this.channelsIn}×ρ≤${this.maxOrderIn} → ${this.channelsOut}×ρ≤${this.maxOrderOut}`;
  }
}
