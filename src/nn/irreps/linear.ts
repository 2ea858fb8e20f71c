/**
 * Irreps `Linear`: equivariant linear map between irreps features, mixing the multiplicities of
 * each irrep type (e3nn's `o3.Linear`).
 * @module
 */
import { Tensor, concat, normal, zeros } from '../../tensor/index.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import { Module } from '../module.js';
import { floatDType } from '../parameter.js';
import type { FloatDType } from '../parameter.js';
import { Irreps, irrepDim, sameIrrep } from './irreps.js';
import type { IrrepsLike } from './irreps.js';

/** Options of {@link IrrepsLinear}. */
export interface IrrepsLinearOptions {
  /** Draws the weights, N(0, 1) as in e3nn (required). */
  rng: Rng;
  /** Element type (default float32). */
  dtype?: FloatDType;
  /** `element` (default): divide by √(Σ mul_in over the paths into an output); `path`: by √(mul_in · paths). */
  pathNormalization?: 'element' | 'path';
  /** Learn a bias on the 0e outputs (default false, as e3nn), initialised to 0. */
  biases?: boolean;
}

/** One path of the linear map: input block → output block of the same irrep. */
export interface LinearPath {
  readonly iIn: number;
  readonly iOut: number;
  /** Normalisation factor of the path. */
  readonly coefficient: number;
  /** Offset of its [mul_in, mul_out] weights in the flat weight. */
  readonly weightOffset: number;
}

/**
 * y_o = Σ_{paths i → o} c_i · W_i x_i (+ b_o on 0e outputs): for every pair of an input and an
 * output block carrying the same irrep, W_i [mul_in, mul_out] acts on the multiplicity index
 * (y[w, m] = c Σ_u W[u, w] x[u, m]), which commutes with D^l and so is equivariant; blocks of
 * different irreps are never mixed. c = 1/√(Σ_{paths into o} mul_in) (`element`) or
 * 1/√(mul_in·#paths) (`path`): unit-variance outputs from unit-variance inputs with N(0, 1)
 * weights (e3nn). weightNumel = Σ_paths mul_in·mul_out; outputs without a path are zero.
 * (Named `IrrepsLinear` in the package root, `Linear` being the dense layer.)
 *
 * @example
 * ```ts
 * const lin = new IrrepsLinear('4x0e+2x1o', '3x0e+5x1o', { rng: new Rng(0) }); // 4·3 + 2·5 = 22 weights
 * ```
 */
export class IrrepsLinear extends Module<[Tensor, Tensor?], Tensor> {
  /** Input irreps. */
  readonly irrepsIn: Irreps;
  /** Output irreps. */
  readonly irrepsOut: Irreps;
  /** The paths. */
  readonly paths: readonly LinearPath[];
  /** Number of weights. */
  readonly weightNumel: number;
  /** Number of biases (Σ mul of the 0e outputs, or 0). */
  readonly biasNumel: number;

  constructor(irrepsIn: IrrepsLike, irrepsOut: IrrepsLike, opts: IrrepsLinearOptions) {
    super();
    if (!opts?.rng) throw new ValueError('IrrepsLinear: opts.rng is required (all randomness goes through an explicit Rng)');
    const pathNorm = opts.pathNormalization ?? 'element';
    if (pathNorm !== 'element' && pathNorm !== 'path') throw new ValueError(`IrrepsLinear: pathNormalization must be 'element' or 'path', got ${String(pathNorm)}`);
    const dtype = floatDType('IrrepsLinear', opts.dtype);
    this.irrepsIn = Irreps.of(irrepsIn);
    this.irrepsOut = Irreps.of(irrepsOut);
    const paths: LinearPath[] = [];
    let off = 0;
    this.irrepsOut.blocks.forEach((bo, o) => {
      const ins = this.irrepsIn.blocks.map((b, i) => ({ b, i })).filter(({ b }) => sameIrrep(b.ir, bo.ir) && b.mul > 0);
      const fan = ins.reduce((a, { b }) => a + b.mul, 0);
      for (const { b, i } of ins) {
        const c = pathNorm === 'element' ? 1 / Math.sqrt(fan) : 1 / Math.sqrt(b.mul * ins.length);
        paths.push({ iIn: i, iOut: o, coefficient: c, weightOffset: off });
        off += b.mul * bo.mul;
      }
    });
    this.paths = paths;
    this.weightNumel = off;
    if (off > 0) this.registerParameter('weight', normal(opts.rng, [off], 0, 1, { dtype }));
    this.biasNumel = opts.biases ? this.irrepsOut.blocks.reduce((a, b) => a + (b.ir.l === 0 && b.ir.p === 1 ? b.mul : 0), 0) : 0;
    if (this.biasNumel > 0) this.registerParameter('bias', zeros([this.biasNumel], { dtype }));
  }

  /** The flat weights (Σ_paths mul_in·mul_out), null when there is no path. */
  get weight(): Tensor | null {
    return this.maybeParameter('weight');
  }

  /**
   * @param x [..., irrepsIn.dim]
   * @param weight optional external weights [weightNumel] used instead of the parameter (same layout)
   * @returns [..., irrepsOut.dim]
   */
  forward(x: Tensor, weight?: Tensor): Tensor {
    if (!(x instanceof Tensor)) throw new ValueError('IrrepsLinear: x must be a Tensor');
    if (x.ndim < 1 || x.shape[x.ndim - 1] !== this.irrepsIn.dim) throw new ShapeError(`IrrepsLinear: input ${fmtShape(x.shape)} must end in ${this.irrepsIn.dim} features (${this.irrepsIn})`);
    const dtype = x.dtype;
    if (dtype !== 'float32' && dtype !== 'float64') throw new DTypeError(`IrrepsLinear: input must be float32 or float64, got ${dtype}`);
    if (weight !== undefined && (!(weight instanceof Tensor) || weight.ndim !== 1 || weight.shape[0] !== this.weightNumel)) {
      throw new ShapeError(`IrrepsLinear: external weight must be [${this.weightNumel}], got ${weight instanceof Tensor ? fmtShape(weight.shape) : typeof weight}`);
    }
    const W = weight ?? this.maybeParameter('weight');
    if (W && W.dtype !== dtype) throw new DTypeError(`IrrepsLinear: input is ${dtype} but the weights are ${W.dtype}`);
    const lead = x.shape.slice(0, -1);
    const B = lead.reduce((a, b) => a * b, 1);
    const x2 = x.reshape([B, this.irrepsIn.dim]);
    const bias = this.maybeParameter('bias');
    let biasOff = 0;
    const parts = this.irrepsOut.blocks.map((bo, o) => {
      const d = irrepDim(bo.ir);
      const ps = this.paths.filter((p) => p.iOut === o);
      const isScalar = bo.ir.l === 0 && bo.ir.p === 1;
      let y: Tensor;
      if (ps.length === 0 || bo.mul === 0) {
        y = zeros([B, bo.mul * d], { dtype });
      } else {
        // stack the inputs' copies: [B, Σ mul_in, d] and the scaled weights [Σ mul_in, mul_out]
        const xs = ps.map((p) => {
          const [s, e] = this.irrepsIn.slice(p.iIn);
          return x2.slice([null, [s, e]]).reshape([B, this.irrepsIn.blocks[p.iIn]!.mul, d]);
        });
        const ws = ps.map((p) => {
          const mi = this.irrepsIn.blocks[p.iIn]!.mul;
          return W!.slice([[p.weightOffset, p.weightOffset + mi * bo.mul]]).reshape([mi, bo.mul]).mul(p.coefficient);
        });
        const xc = xs.length === 1 ? xs[0]! : concat(xs, 1);
        const wc = ws.length === 1 ? ws[0]! : concat(ws, 0);
        const mi = xc.shape[1]!;
        y = d === 1 ? xc.reshape([B, mi]).matmul(wc) : xc.permute([0, 2, 1]).reshape([B * d, mi]).matmul(wc).reshape([B, d, bo.mul]).permute([0, 2, 1]).reshape([B, bo.mul * d]);
      }
      if (bias && isScalar && bo.mul > 0) {
        y = y.add(bias.slice([[biasOff, biasOff + bo.mul]]));
        biasOff += bo.mul;
      }
      return y;
    }).filter((t) => t.shape[1]! > 0);
    const y = parts.length === 0 ? zeros([B, 0], { dtype }) : parts.length === 1 ? parts[0]! : concat(parts, 1);
    return y.reshape([...lead, this.irrepsOut.dim]);
  }

  extraRepr(): string {
    return `${this.irrepsIn} → ${this.irrepsOut} | ${this.weightNumel} weights${this.biasNumel ? ` | ${this.biasNumel} biases` : ''}`;
  }
}
