/**
 * `Gate`: e3nn's gated nonlinearity on irreps features (Weiler et al., "3D steerable CNNs",
 * arXiv:1807.02547; e3nn's `nn.Gate`).
 * @module
 */
import { Tensor, concat } from '../../tensor/index.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import { Module } from '../module.js';
import { Irreps, irrepDim, irrepName } from './irreps.js';
import type { IrrepsLike, MulIrrep } from './irreps.js';
import { resolveActivation } from './scalar-activation.js';
import type { ResolvedActivation, ScalarActivation } from './scalar-activation.js';

/** Options of {@link Gate}. */
export interface GateOptions {
  /** Scale each activation to E[act(z)²] = 1 for z ~ N(0, 1), as e3nn does (default true). */
  normalize2mom?: boolean;
}

function perBlock(who: string, what: string, irreps: Irreps, acts: ScalarActivation | readonly ScalarActivation[], normalize: boolean): ResolvedActivation[] {
  const list = Array.isArray(acts) ? acts : irreps.blocks.map(() => acts as ScalarActivation);
  if (list.length !== irreps.length) throw new ValueError(`${who}: ${what} needs one activation per block of ${irreps} (${irreps.length}), got ${list.length}`);
  return irreps.blocks.map((b, i) => {
    if (b.ir.l !== 0) throw new ValueError(`${who}: ${what} must be scalars (0e/0o), got ${irrepName(b.ir)} in ${irreps}`);
    const a = resolveActivation(list[i]!, normalize, who);
    if (b.ir.p === -1 && a.parity === 0) throw new ValueError(`${who}: the activation of the odd scalars ${b.mul}x0o in ${what} must be even or odd (e.g. tanh, abs), or the output would not be equivariant under parity`);
    return a;
  });
}

/**
 * Gate: the input is scalars ⊕ gates ⊕ gated (in this order). Output: act(scalars) ⊕ (act_g(gates)
 * ⊙ gated), each gated irrep copy multiplied by its own gate scalar. Equivariant because the
 * activations act on scalars only and a scalar times an irrep is that irrep. Parity: an odd
 * scalar (0o) through an odd activation stays 0o, through an even one becomes 0e (anything else
 * is rejected); a gated irrep's parity is multiplied by its gate's parity after the activation.
 * Activations are normalised to unit second moment (e3nn's `normalize2mom`) unless disabled.
 *
 * @example
 * ```ts
 * const gate = new Gate('8x0e', 'silu', '4x0e', 'sigmoid', '2x1o+2x2e');
 * gate.irrepsIn;  // 8x0e+4x0e+2x1o+2x2e
 * gate.irrepsOut; // 8x0e+2x1o+2x2e
 * ```
 */
export class Gate extends Module {
  /** Input irreps: scalars + gates + gated. */
  readonly irrepsIn: Irreps;
  /** Output irreps: activated scalars + gated. */
  readonly irrepsOut: Irreps;
  readonly irrepsScalars: Irreps;
  readonly irrepsGates: Irreps;
  readonly irrepsGated: Irreps;
  private readonly actScalars: ResolvedActivation[];
  private readonly actGates: ResolvedActivation[];

  constructor(
    irrepsScalars: IrrepsLike, actScalars: ScalarActivation | readonly ScalarActivation[],
    irrepsGates: IrrepsLike, actGates: ScalarActivation | readonly ScalarActivation[],
    irrepsGated: IrrepsLike, opts: GateOptions = {},
  ) {
    super();
    const who = 'Gate';
    const norm = opts.normalize2mom ?? true;
    this.irrepsScalars = Irreps.of(irrepsScalars);
    this.irrepsGates = Irreps.of(irrepsGates);
    this.irrepsGated = Irreps.of(irrepsGated);
    if (this.irrepsGates.numIrreps !== this.irrepsGated.numIrreps) throw new ValueError(`${who}: ${this.irrepsGates.numIrreps} gates (${this.irrepsGates}) for ${this.irrepsGated.numIrreps} gated irreps (${this.irrepsGated}); they must match`);
    this.actScalars = perBlock(who, 'irrepsScalars', this.irrepsScalars, actScalars, norm);
    this.actGates = perBlock(who, 'irrepsGates', this.irrepsGates, actGates, norm);
    this.irrepsIn = this.irrepsScalars.concat(this.irrepsGates).concat(this.irrepsGated);
    const scalarsOut: MulIrrep[] = this.irrepsScalars.blocks.map((b, i) => ({ mul: b.mul, ir: { l: 0, p: b.ir.p === 1 ? 1 : (this.actScalars[i]!.parity as 1 | -1) } }));
    // parity of each gate copy after its activation
    const gateParity: number[] = [];
    this.irrepsGates.blocks.forEach((b, i) => { for (let u = 0; u < b.mul; u++) gateParity.push(b.ir.p === 1 ? 1 : this.actGates[i]!.parity); });
    const gatedOut: MulIrrep[] = [];
    let c = 0;
    for (const b of this.irrepsGated.blocks) {
      for (let u = 0; u < b.mul; u++, c++) {
        const p = (b.ir.p * gateParity[c]!) as 1 | -1;
        const last = gatedOut[gatedOut.length - 1];
        if (last && last.ir.l === b.ir.l && last.ir.p === p && u > 0) gatedOut[gatedOut.length - 1] = { mul: last.mul + 1, ir: last.ir };
        else gatedOut.push({ mul: 1, ir: { l: b.ir.l, p } });
      }
    }
    this.irrepsOut = new Irreps([...scalarsOut, ...gatedOut]).simplify();
  }

  /**
   * @param x [..., irrepsIn.dim]
   * @returns [..., irrepsOut.dim]
   */
  forward(x: Tensor): Tensor {
    if (!(x instanceof Tensor)) throw new ValueError('Gate: x must be a Tensor');
    if (x.ndim < 1 || x.shape[x.ndim - 1] !== this.irrepsIn.dim) throw new ShapeError(`Gate: input ${fmtShape(x.shape)} must end in ${this.irrepsIn.dim} features (${this.irrepsIn})`);
    if (x.dtype !== 'float32' && x.dtype !== 'float64') throw new DTypeError(`Gate: input must be float32 or float64, got ${x.dtype}`);
    const lead = x.shape.slice(0, -1);
    const B = lead.reduce((a, b) => a * b, 1);
    const x2 = x.reshape([B, this.irrepsIn.dim]);
    const parts: Tensor[] = [];
    let off = 0;
    const take = (n: number): Tensor => { const t = x2.slice([null, [off, off + n]]); off += n; return t; };
    this.irrepsScalars.blocks.forEach((b, i) => { if (b.mul > 0) parts.push(this.actScalars[i]!.f(take(b.mul))); });
    const gates = this.irrepsGates.blocks.filter((b) => b.mul > 0).map((b) => {
      const i = this.irrepsGates.blocks.indexOf(b);
      return this.actGates[i]!.f(take(b.mul));
    });
    if (this.irrepsGated.dim > 0) {
      const g = gates.length === 1 ? gates[0]! : concat(gates, 1); // [B, numGated]
      let c = 0;
      for (const b of this.irrepsGated.blocks) {
        if (b.mul === 0) continue;
        const d = irrepDim(b.ir);
        const v = take(b.mul * d).reshape([B, b.mul, d]);
        const gb = g.slice([null, [c, c + b.mul]]).reshape([B, b.mul, 1]);
        parts.push(v.mul(gb).reshape([B, b.mul * d]));
        c += b.mul;
      }
    }
    const y = parts.length === 1 ? parts[0]! : concat(parts, 1);
    return y.reshape([...lead, this.irrepsOut.dim]);
  }

  extraRepr(): string {
    return `${this.irrepsIn} → ${this.irrepsOut}`;
  }
}
