/**
 * `ElementwiseTensorProduct`: copy u of input 1 times copy u of input 2, no weights (e3nn's
 * `o3.ElementwiseTensorProduct`).
 * @module
 */
import { ValueError } from '../../util/errors.js';
import { Irreps, irrepName, irrepProduct, sameIrrep } from './irreps.js';
import type { Irrep, IrrepsLike, MulIrrep } from './irreps.js';
import { TensorProduct } from './tensor-product.js';
import type { InstructionLike, TensorProductOptions } from './tensor-product.js';

/**
 * Split the blocks of two irreps with the same number of copies so that block b of each covers
 * the same copies (e3nn's alignment of `ElementwiseTensorProduct`).
 */
export function alignIrreps(a: Irreps, b: Irreps, who: string): [MulIrrep[], MulIrrep[]] {
  const A = a.simplify().blocks.map((x) => ({ ...x })), B = b.simplify().blocks.map((x) => ({ ...x }));
  if (a.numIrreps !== b.numIrreps) throw new ValueError(`${who}: ${a} and ${b} must have the same number of irrep copies (${a.numIrreps} ≠ ${b.numIrreps})`);
  const outA: MulIrrep[] = [], outB: MulIrrep[] = [];
  let i = 0, j = 0;
  while (i < A.length && j < B.length) {
    const m = Math.min(A[i]!.mul, B[j]!.mul);
    outA.push({ mul: m, ir: A[i]!.ir });
    outB.push({ mul: m, ir: B[j]!.ir });
    A[i] = { mul: A[i]!.mul - m, ir: A[i]!.ir };
    B[j] = { mul: B[j]!.mul - m, ir: B[j]!.ir };
    if (A[i]!.mul === 0) i++;
    if (B[j]!.mul === 0) j++;
  }
  return [outA, outB];
}

/** Options of {@link ElementwiseTensorProduct}. */
export interface ElementwiseTensorProductOptions extends TensorProductOptions {
  /** Keep only these output irreps (e3nn's `filter_ir_out`), e.g. `['0e', '1o']`. */
  filterIrOut?: readonly (Irrep | string)[];
}

/**
 * Elementwise tensor product: for each copy u, out = √α · C(x₁_u, x₂_u) into every irrep of
 * ir₁ ⊗ ir₂ (optionally filtered), `uuu` without weights. The inputs need the same number of
 * copies; their blocks are split to align (the layout is unchanged). Output: for each aligned
 * block (mul, ir₁, ir₂), one block mul × ir per ir in ir₁ ⊗ ir₂.
 *
 * @example
 * ```ts
 * const tp = new ElementwiseTensorProduct('4x0e+2x1o', '4x0e+2x1e'); // out 4x0e+2x0o+2x1o+2x2o
 * ```
 */
export class ElementwiseTensorProduct extends TensorProduct {
  constructor(irrepsIn1: IrrepsLike, irrepsIn2: IrrepsLike, opts: ElementwiseTensorProductOptions = {}) {
    const who = 'ElementwiseTensorProduct';
    const [a, b] = alignIrreps(Irreps.of(irrepsIn1), Irreps.of(irrepsIn2), who);
    const filter = opts.filterIrOut?.map((f) => (typeof f === 'string' ? Irreps.parse(f).blocks[0]!.ir : f));
    const out: MulIrrep[] = [];
    const ins: InstructionLike[] = [];
    a.forEach((ba, i) => {
      for (const ir of irrepProduct(ba.ir, b[i]!.ir)) {
        if (filter && !filter.some((f) => sameIrrep(f, ir))) continue;
        ins.push([i, i, out.length, 'uuu', false, 1]);
        out.push({ mul: ba.mul, ir });
      }
    });
    if (filter && out.length === 0) throw new ValueError(`${who}: no output irrep of ${irrepsIn1} ⊗ ${irrepsIn2} passes the filter [${filter.map(irrepName).join(', ')}]`);
    super(new Irreps(a), new Irreps(b), new Irreps(out), ins, opts, who);
  }
}
