/**
 * `FullyConnectedTensorProduct`: every allowed path, `uvw`, learned weights (e3nn's
 * `o3.FullyConnectedTensorProduct`).
 * @module
 */
import { Irreps, irrepProduct, sameIrrep } from './irreps.js';
import type { IrrepsLike } from './irreps.js';
import { TensorProduct } from './tensor-product.js';
import type { InstructionLike, TensorProductOptions } from './tensor-product.js';

/** The `uvw` paths of every (i₁, i₂, o) whose output irrep is in ir₁ ⊗ ir₂ (parity included). */
export function fullyConnectedInstructions(in1: Irreps, in2: Irreps, out: Irreps): InstructionLike[] {
  const ins: InstructionLike[] = [];
  in1.blocks.forEach((b1, i1) => in2.blocks.forEach((b2, i2) => out.blocks.forEach((bo, o) => {
    if (irrepProduct(b1.ir, b2.ir).some((ir) => sameIrrep(ir, bo.ir))) ins.push([i1, i2, o, 'uvw', true, 1]);
  })));
  return ins;
}

/**
 * Fully connected tensor product: out_o = Σ_{paths (i₁, i₂) → o} √α · Σ_{uv} W_{uvw} C(x₁[i₁]_u, x₂[i₂]_v),
 * every path allowed by the selection rules, `uvw`; weightNumel = Σ over paths mul₁·mul₂·mul_out.
 * See {@link TensorProduct} for α and the options.
 *
 * @example
 * ```ts
 * const tp = new FullyConnectedTensorProduct('8x0e+8x1o', '0e+1o', '8x0e+8x1o', { rng: new Rng(0) });
 * ```
 */
export class FullyConnectedTensorProduct extends TensorProduct {
  constructor(irrepsIn1: IrrepsLike, irrepsIn2: IrrepsLike, irrepsOut: IrrepsLike, opts: TensorProductOptions = {}) {
    const a = Irreps.of(irrepsIn1), b = Irreps.of(irrepsIn2), c = Irreps.of(irrepsOut);
    super(a, b, c, fullyConnectedInstructions(a, b, c), opts, 'FullyConnectedTensorProduct');
  }
}
