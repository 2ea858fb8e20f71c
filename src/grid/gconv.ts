/**
 * Group convolutions on the pixel lattice (G-CNNs) of Cohen & Welling, "Group Equivariant
 * Convolutional Networks", ICML 2016 (arXiv:1602.07576): the lifting convolution Z² → p4/p4m and the
 * group convolution p4 → p4 / p4m → p4m. One learned filter bank is transformed by every point-group
 * element h (spatial rotation/flip of the k×k grid about its centre, and for group convolutions the
 * regular-representation permutation of its input group axis), the copies are stacked into one
 * conv2d weight and applied in a single convolution. 90° rotations and flips permute kernel pixels
 * exactly, so the layer is equivariant up to floating-point rounding. Feature-map layout and action:
 * src/grid/lattice-group.ts and docs/design/gcnn.md.
 * @module
 */
import { Module, normalInit } from '../nn/index.js';
import type { FloatDType, Parameter } from '../nn/index.js';
import { concat, conv2d, indexSelect, slice, zeros } from '../tensor/index.js';
import type { Tensor } from '../tensor/index.js';
import type { Rng } from '../util/index.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../util/index.js';
import { checkLatticeGroup, filterTransformIndex, latticePointGroup } from './lattice-group.js';
import type { LatticeGroupName } from './lattice-group.js';

/** Options of {@link LiftingConv2d} and {@link GroupConv2d} (Cohen & Welling 2016, arXiv:1602.07576). */
export interface GroupConvOptions {
  /** `'p4'` (default) or `'p4m'`. */
  group?: LatticeGroupName;
  /** Source of the initial filters (required: all randomness is explicit). */
  rng: Rng;
  /** Stride (default 1). Rotations about the grid centre commute with stride s only when s divides (size − 1). */
  stride?: number;
  /** Zero or circular padding on each side, or `'same'` (odd kernels: dilation·(k − 1)/2); default 0. */
  padding?: number | 'same';
  /** `'zeros'` (default) or `'circular'` (periodic images: then the layer also commutes with circular shifts). */
  paddingMode?: 'zeros' | 'circular';
  /** Dilation (default 1). */
  dilation?: number;
  /** Learn a bias, one per output channel shared over the group axis (default true). */
  bias?: boolean;
  /** `'he'` (default): N(0, 2/fanIn); `'glorot'`: N(0, 2/(fanIn + fanOut)); fanIn = C_in·|H_in|·k², fanOut = C_out·|H|·k². */
  init?: 'he' | 'glorot';
  /** Element type of the parameters (default float32). */
  dtype?: FloatDType;
}

function positive(op: string, name: string, n: number, min = 1): number {
  if (!Number.isInteger(n) || n < min) throw new ValueError(`${op}: ${name} must be an integer ≥ ${min}, got ${String(n)}`);
  return n;
}

/**
 * The index map that stacks the transformed copies of a filter bank ψ [O, I, |H_in|, k, k] into a
 * conv2d weight [O·|H|, I·|H_in|, k, k]: weight.flat[q] = ψ.flat[map[q]], with
 * weight[o·|H| + g, i·|H_in| + s] = (L_{h_g} ψ)[o, i, s] (Cohen & Welling 2016, eq. 10 and section 7).
 */
export function stackedFilterIndex(name: LatticeGroupName, outChannels: number, inChannels: number, inGroup: number, k: number): Int32Array {
  const H = latticePointGroup(name), n = H.order, per = inGroup * k * k;
  const out = new Int32Array(outChannels * n * inChannels * per);
  for (let g = 0; g < n; g++) {
    const src = filterTransformIndex(name, g, [outChannels * inChannels, inGroup, k, k]);
    for (let o = 0; o < outChannels; o++) {
      for (let i = 0; i < inChannels; i++) {
        const to = ((o * n + g) * inChannels + i) * per, from = (o * inChannels + i) * per;
        out.set(src.subarray(from, from + per), to);
      }
    }
  }
  return out;
}

/**
 * Wrap-around padding of the last two axes by p, differentiable (for circular convolutions, under which
 * the layers of Cohen & Welling 2016 also commute with circular shifts). Throws a ShapeError when p exceeds the grid.
 */
export function circularPad2d(x: Tensor, p: number): Tensor {
  if (p === 0) return x;
  const [h, w] = [x.shape[x.ndim - 2]!, x.shape[x.ndim - 1]!];
  if (p > h || p > w) throw new ShapeError(`circularPad2d: padding ${p} exceeds the grid ${h}×${w} of ${fmtShape(x.shape)}`);
  const lead = new Array(x.ndim - 2).fill(null);
  const rows = concat([slice(x, [...lead, [h - p, h]]), x, slice(x, [...lead, [0, p]])], x.ndim - 2);
  return concat([slice(rows, [...lead, null, [w - p, w]]), rows, slice(rows, [...lead, null, [0, p]])], x.ndim - 1);
}

/** Shared machinery of the lifting and group convolutions. */
abstract class LatticeConvBase extends Module<[Tensor], Tensor> {
  /** The lattice group of the output. */
  readonly group: LatticeGroupName;
  /** |H|: 4 (p4) or 8 (p4m). */
  readonly groupOrder: number;
  /** Input feature channels (per input group element for a group convolution). */
  readonly inChannels: number;
  /** Output feature channels per group element (the output has outChannels·|H| channels). */
  readonly outChannels: number;
  /** Kernel side k. */
  readonly kernelSize: number;
  /** Stride. */
  readonly stride: number;
  /** Padding per side. */
  readonly padding: number;
  /** `'zeros'` or `'circular'`. */
  readonly paddingMode: 'zeros' | 'circular';
  /** Dilation. */
  readonly dilation: number;
  private readonly inGroup: number;
  private readonly index: Int32Array;
  private readonly biasIndex: Int32Array;
  private readonly op: string;

  protected constructor(op: string, inGroupLifting: boolean, inChannels: number, outChannels: number, kernelSize: number, opts: GroupConvOptions) {
    super();
    this.op = op;
    if (!opts?.rng) throw new ValueError(`${op}: opts.rng is required (all randomness goes through an explicit Rng)`);
    this.group = checkLatticeGroup(op, opts.group ?? 'p4');
    this.groupOrder = latticePointGroup(this.group).order;
    this.inChannels = positive(op, 'inChannels', inChannels);
    this.outChannels = positive(op, 'outChannels', outChannels);
    this.kernelSize = positive(op, 'kernelSize', kernelSize);
    this.stride = positive(op, 'stride', opts.stride ?? 1);
    this.dilation = positive(op, 'dilation', opts.dilation ?? 1);
    const mode = opts.paddingMode ?? 'zeros';
    if (mode !== 'zeros' && mode !== 'circular') throw new ValueError(`${op}: paddingMode must be 'zeros' or 'circular', got ${String(mode)}`);
    this.paddingMode = mode;
    if (opts.padding === 'same') {
      if (kernelSize % 2 === 0) throw new ValueError(`${op}: padding 'same' needs an odd kernel (a centred kernel), got kernelSize ${kernelSize}`);
      this.padding = (this.dilation * (kernelSize - 1)) / 2;
    } else {
      this.padding = positive(op, 'padding', opts.padding ?? 0, 0);
    }
    this.inGroup = inGroupLifting ? 1 : this.groupOrder;
    const dtype = opts.dtype ?? 'float32';
    if (dtype !== 'float32' && dtype !== 'float64') throw new DTypeError(`${op}: dtype must be 'float32' or 'float64', got '${String(dtype)}'`);
    const k2 = kernelSize * kernelSize, fanIn = inChannels * this.inGroup * k2, fanOut = outChannels * this.groupOrder * k2;
    const init = opts.init ?? 'he';
    if (init !== 'he' && init !== 'glorot') throw new ValueError(`${op}: init must be 'he' or 'glorot', got ${String(init)}`);
    const std = init === 'he' ? Math.sqrt(2 / fanIn) : Math.sqrt(2 / (fanIn + fanOut));
    this.registerParameter('weight', normalInit(zeros([outChannels, inChannels, this.inGroup, kernelSize, kernelSize], { dtype }), opts.rng, 0, std));
    if (opts.bias ?? true) this.registerParameter('bias', zeros([outChannels], { dtype }));
    this.index = stackedFilterIndex(this.group, outChannels, inChannels, this.inGroup, kernelSize);
    this.biasIndex = Int32Array.from({ length: outChannels * this.groupOrder }, (_, q) => Math.floor(q / this.groupOrder));
  }

  /** The learned filter bank ψ [C_out, C_in, |H_in|, k, k] (|H_in| = 1 for lifting). */
  get weight(): Parameter {
    return this.getParameter('weight');
  }

  /** The bias [C_out] (shared over the group axis), or null. */
  get bias(): Parameter | null {
    return this.maybeParameter('bias');
  }

  /** The stacked conv2d weight [C_out·|H|, C_in·|H_in|, k, k]: every filter transformed by every h ∈ H (differentiable in ψ). */
  stackedWeight(): Tensor {
    const k = this.kernelSize;
    return indexSelect(this.weight.reshape([-1]), 0, this.index).reshape([this.outChannels * this.groupOrder, this.inChannels * this.inGroup, k, k]);
  }

  /** The bias repeated over the group axis [C_out·|H|], or null. */
  stackedBias(): Tensor | null {
    const b = this.bias;
    return b ? indexSelect(b, 0, this.biasIndex) : null;
  }

  /**
   * @param x [B, C_in·|H_in|, H, W] or [C_in·|H_in|, H, W]
   * @returns [B, C_out·|H|, H', W'] (unbatched in, unbatched out)
   */
  forward(x: Tensor): Tensor {
    const op = this.op, want = this.inChannels * this.inGroup;
    if (x.ndim !== 3 && x.ndim !== 4) throw new ShapeError(`${op}: expected [B, ${want}, H, W] or [${want}, H, W], got ${fmtShape(x.shape)}`);
    if (x.shape[x.ndim - 3] !== want) {
      throw new ShapeError(`${op}: expected ${want} input channels (${this.inChannels}${this.inGroup > 1 ? `·${this.inGroup}, the ${this.group} group axis` : ''}), got ${fmtShape(x.shape)}`);
    }
    const w = this.weight;
    if (x.dtype !== w.dtype) throw new DTypeError(`${op}: input ${x.dtype} ${fmtShape(x.shape)} but parameters ${w.dtype}`);
    const batched = x.ndim === 4 ? x : x.reshape([1, ...x.shape]);
    const circular = this.paddingMode === 'circular';
    const xin = circular ? circularPad2d(batched, this.padding) : batched;
    const y = conv2d(xin, this.stackedWeight(), this.stackedBias(), { stride: this.stride, padding: circular ? 0 : this.padding, dilation: this.dilation });
    return x.ndim === 4 ? y : y.reshape(y.shape.slice(1));
  }

  override extraRepr(): string {
    return `${this.group}, ${this.inChannels}→${this.outChannels}, k=${this.kernelSize}, stride=${this.stride}, padding=${this.padding}${this.paddingMode === 'circular' ? ' circular' : ''}, dilation=${this.dilation}, bias=${this.bias !== null}`;
  }
}

/**
 * Lifting convolution Z² → p4 or p4m (Cohen & Welling 2016, eq. 10): [f ⋆ ψ](t, h) = Σ_p Σ_c f_c(p) ψ_c(h⁻¹(p − t)).
 * An image [B, C_in, H, W] becomes a feature map [B, C_out·|H|, H', W'] (channel o·|H| + k holds
 * output o at point-group element h_k, see src/grid/lattice-group.ts). The filters ψ [C_out, C_in, 1, k, k]
 * are rotated (and flipped) exactly and stacked into one conv2d weight. Equivariant to rotations/flips
 * about the grid centre with zero 'same' padding, and also to circular shifts with circular padding.
 * @example
 * ```ts
 * const lift = new LiftingConv2d(3, 8, 3, { group: 'p4', padding: 'same', rng: new Rng(0) });
 * const y = lift.call(x); // x [B, 3, 28, 28] → y [B, 8·4, 28, 28]
 * ```
 */
export class LiftingConv2d extends LatticeConvBase {
  /**
   * @param inChannels channels of the input image
   * @param outChannels output channels per group element
   * @param kernelSize side k of the square filters
   */
  constructor(inChannels: number, outChannels: number, kernelSize: number, opts: GroupConvOptions) {
    super('LiftingConv2d', true, inChannels, outChannels, kernelSize, opts);
  }
}

/**
 * Group convolution p4 → p4 or p4m → p4m (Cohen & Welling 2016, eq. 11):
 * [f ⋆ ψ](t, h) = Σ_{p, s} Σ_c f_c(s, p) ψ_c(h⁻¹s, h⁻¹(p − t)). Input and output are feature maps
 * [B, C·|H|, H, W] in the layout of src/grid/lattice-group.ts; each filter ψ [C_out, C_in, |H|, k, k]
 * is rotated/flipped spatially and its input group axis permuted by the regular representation,
 * and the |H| copies are applied as one conv2d. Free parameters: C_out·C_in·|H|·k² (+ C_out bias).
 * @example
 * ```ts
 * const gc = new GroupConv2d(8, 8, 3, { group: 'p4', padding: 'same', rng: new Rng(1) });
 * const z = gc.call(y); // y [B, 8·4, 28, 28] → z [B, 8·4, 28, 28]
 * ```
 */
export class GroupConv2d extends LatticeConvBase {
  /**
   * @param inChannels input channels per group element (the input has inChannels·|H| channels)
   * @param outChannels output channels per group element
   * @param kernelSize side k of the square filters
   */
  constructor(inChannels: number, outChannels: number, kernelSize: number, opts: GroupConvOptions) {
    super('GroupConv2d', false, inChannels, outChannels, kernelSize, opts);
  }
}
