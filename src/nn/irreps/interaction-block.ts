/**
 * `InteractionBlock`: a NequIP-style interaction block (Batzner et al., "E(3)-equivariant graph
 * neural networks for data-efficient and accurate interatomic potentials", arXiv:2101.03164).
 * @module
 */
import type { Tensor } from '../../tensor/index.js';
import type { IndexLike } from '../../tensor/index.js';
import { ValueError } from '../../util/errors.js';
import { Module } from '../module.js';
import { Gate } from './gate.js';
import { Irreps } from './irreps.js';
import type { IrrepsLike, MulIrrep } from './irreps.js';
import { IrrepsLinear } from './linear.js';
import { PointConvolution } from './point-convolution.js';
import type { PointConvolutionOptions } from './point-convolution.js';

/**
 * The Gate that outputs `irrepsHidden`: its scalars (0e through silu, 0o through tanh) pass
 * activated, every non-scalar copy gets its own gate (0e through sigmoid), e3nn's usual choice.
 */
export function gateFor(irrepsHidden: IrrepsLike): Gate {
  const h = Irreps.of(irrepsHidden);
  const scalars: MulIrrep[] = h.blocks.filter((b) => b.ir.l === 0);
  const gated: MulIrrep[] = h.blocks.filter((b) => b.ir.l > 0);
  const nGates = gated.reduce((a, b) => a + b.mul, 0);
  return new Gate(
    new Irreps(scalars), scalars.map((b) => (b.ir.p === 1 ? 'silu' : 'tanh')),
    nGates ? `${nGates}x0e` : '', nGates ? ['sigmoid'] : [],
    new Irreps(gated),
  );
}

/**
 * NequIP interaction: h ← Gate(Linear₂(Conv(Linear₁(h), pos))) + SC(h), with Linear₁ mixing the
 * input copies, Conv a {@link PointConvolution} into the Gate's input irreps, Linear₂ mixing the
 * convolution's output, the Gate producing `irrepsHidden`'s scalars and gated irreps, and SC the
 * identity when the input irreps equal the output ones (residual), else an irreps Linear
 * (self-connection). Every part is E(3)-equivariant, so the block is.
 *
 * @example
 * ```ts
 * const block = new InteractionBlock('8x0e', '8x0e+4x1o+4x1e', { rng: new Rng(0), sh: 2 });
 * const h = block.call(x, pos, src, dst);
 * ```
 */
export class InteractionBlock extends Module<[Tensor, Tensor, IndexLike, IndexLike], Tensor> {
  readonly irrepsIn: Irreps;
  readonly irrepsOut: Irreps;
  readonly linear1: IrrepsLinear;
  readonly conv: PointConvolution;
  readonly linear2: IrrepsLinear;
  readonly gate: Gate;
  /** Self-connection (null: identity residual). */
  readonly selfConnection: IrrepsLinear | null;

  constructor(irrepsIn: IrrepsLike, irrepsHidden: IrrepsLike, opts: PointConvolutionOptions) {
    super();
    if (!opts?.rng) throw new ValueError('InteractionBlock: opts.rng is required (all randomness goes through an explicit Rng)');
    this.irrepsIn = Irreps.of(irrepsIn);
    this.gate = this.registerModule('gate', gateFor(irrepsHidden));
    this.irrepsOut = this.gate.irrepsOut;
    const lopts = { rng: opts.rng, ...(opts.dtype ? { dtype: opts.dtype } : {}) };
    this.linear1 = this.registerModule('linear1', new IrrepsLinear(this.irrepsIn, this.irrepsIn, lopts));
    this.conv = this.registerModule('conv', new PointConvolution(this.irrepsIn, this.gate.irrepsIn, opts));
    this.linear2 = this.registerModule('linear2', new IrrepsLinear(this.conv.irrepsOut, this.gate.irrepsIn, lopts));
    this.selfConnection = this.irrepsIn.equals(this.irrepsOut) ? null : this.registerModule('selfConnection', new IrrepsLinear(this.irrepsIn, this.irrepsOut, lopts));
  }

  /**
   * @param x [N, irrepsIn.dim]
   * @param pos [N, 3]
   * @param src edge sources [E]
   * @param dst edge targets [E]
   * @returns [N, irrepsOut.dim]
   */
  forward(x: Tensor, pos: Tensor, src: IndexLike, dst: IndexLike): Tensor {
    const h = this.gate.call(this.linear2.call(this.conv.call(this.linear1.call(x), pos, src, dst)));
    return h.add(this.selfConnection ? this.selfConnection.call(x) : x);
  }

  extraRepr(): string {
    return `${this.irrepsIn} → ${this.irrepsOut}`;
  }
}
