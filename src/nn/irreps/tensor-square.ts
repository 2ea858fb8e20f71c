/**
 * `TensorSquare`: the fully connected tensor product of a feature with itself, each unordered pair
 * of copies counted once (e3nn's `o3.TensorSquare` with `irreps_out`).
 * @module
 */
import type { Tensor } from '../../tensor/index.js';
import { Module } from '../module.js';
import { Irreps, irrepDim, irrepProduct, sameIrrep } from './irreps.js';
import type { IrrepsLike } from './irreps.js';
import { TensorProduct } from './tensor-product.js';
import type { InstructionLike, IrrepNormalization, TensorProductOptions } from './tensor-product.js';

/**
 * Fully connected square x ⊗ x → irrepsOut with learned weights, e3nn's instruction set: blocks
 * i₁ < i₂ connected `uvw`; a block with itself `u<vw` (pairs u < v, when mul > 1) plus `uuw`
 * (u = v) for even output l only (x_u ⊗ x_u has no odd-l part: the CG tensor of l₃ odd is
 * antisymmetric in l₁ = l₂). e3nn's path weights replace the irrep normalisation:
 * `component`: d₃ off the diagonal, d₃/(d₁ + 2) for l₃ = 0 and d₃/2 otherwise on it; `norm`:
 * d₁d₂, d₃d₁ for l₃ = 0 and d₁(d₁ + 2)/2 otherwise. The input is simplified first.
 *
 * @example
 * ```ts
 * const sq = new TensorSquare('4x0e+2x1o', '3x0e+2x2e', { rng: new Rng(0) });
 * sq.call(x); // [..., 13]
 * ```
 */
export class TensorSquare extends Module<[Tensor, Tensor?], Tensor> {
  /** The underlying tensor product (input irreps simplified, both sides the same). */
  readonly tp: TensorProduct;
  /** The (simplified) input irreps. */
  readonly irrepsIn: Irreps;
  /** The output irreps. */
  readonly irrepsOut: Irreps;

  constructor(irrepsIn: IrrepsLike, irrepsOut: IrrepsLike, opts: TensorProductOptions = {}) {
    const inp = Irreps.of(irrepsIn).simplify();
    const out = Irreps.of(irrepsOut);
    const norm: IrrepNormalization = opts.irrepNormalization ?? 'component';
    const ins: InstructionLike[] = [];
    inp.blocks.forEach((b1, i1) => inp.blocks.forEach((b2, i2) => out.blocks.forEach((bo, o) => {
      if (i2 < i1 || !irrepProduct(b1.ir, b2.ir).some((ir) => sameIrrep(ir, bo.ir))) return;
      const d1 = irrepDim(b1.ir), d2 = irrepDim(b2.ir), d3 = irrepDim(bo.ir);
      const off = norm === 'component' ? d3 : norm === 'norm' ? d1 * d2 : 1;
      if (i1 < i2) { ins.push([i1, i2, o, 'uvw', true, off]); return; }
      if (b1.mul > 1) ins.push([i1, i1, o, 'u<vw', true, off]);
      if (bo.ir.l % 2 === 0) {
        const diag = norm === 'component' ? (bo.ir.l === 0 ? d3 / (d1 + 2) : d3 / 2) : norm === 'norm' ? (bo.ir.l === 0 ? d3 * d1 : (d1 * (d1 + 2)) / 2) : 1;
        ins.push([i1, i1, o, 'uuw', true, diag]);
      }
    })));
    super();
    this.irrepsIn = inp;
    this.irrepsOut = out;
    this.tp = this.registerModule('tp', new TensorProduct(inp, inp, out, ins, { ...opts, irrepNormalization: 'none' }, 'TensorSquare'));
  }

  /** Number of weights (see {@link TensorProduct.weightNumel}). */
  get weightNumel(): number {
    return this.tp.weightNumel;
  }

  /**
   * @param x [..., irrepsIn.dim]
   * @param weight external weights when not internal (see {@link TensorProduct.forward})
   */
  forward(x: Tensor, weight?: Tensor): Tensor {
    return this.tp.forward(x, x, weight);
  }
}
