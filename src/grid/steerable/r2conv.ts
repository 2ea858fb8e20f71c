/**
 * R2Conv: the steerable convolution between feature fields on the plane (escnn's `R2Conv`;
 * Weiler & Cesa, "General E(2)-Equivariant Steerable CNNs", NeurIPS 2019, arXiv:1911.08251).
 * The filter is Σ_j w_j B_j over the sampled steerable kernel basis, expanded at every forward
 * (differentiable in w) and applied with `conv2d`; the bias lives in the invariant subspace of ρ_out.
 * @module
 */
import type { Group } from '../../group/index.js';
import { Module } from '../../nn/module.js';
import { floatDType } from '../../nn/parameter.js';
import type { FloatDType } from '../../nn/parameter.js';
import { Scalar, parseRep } from '../../rep/index.js';
import type { Rep } from '../../rep/index.js';
import { equivariantBasis } from '../../solver/index.js';
import type { EquivariantBasis } from '../../solver/index.js';
import { Tensor, concat, conv2d, fromData, zeros } from '../../tensor/index.js';
import { Rng, ShapeError, ValueError, fmtShape } from '../../util/index.js';
import { expandFilter, steerableKernelBasis } from './basis.js';
import type { KernelBasisOptions, SteerableBasisCache, SteerableKernelBasis } from './basis.js';

/**
 * A field type: a representation of a planar group G ∈ {C(n), D(n), SO(2), O(2)} acting on the
 * channel axis, given as a Rep or in the rep grammar, e.g. `'4x regular + 2x 1'` for C(8)
 * (Weiler & Cesa 2019, §2.2).
 */
export type FieldType = Rep | string;

/** Resolve a field type to a Rep of `group` (strings go through `parseRep`) (Weiler & Cesa 2019, arXiv:1911.08251). */
export function fieldType(group: Group, t: FieldType): Rep {
  if (typeof t === 'string') return parseRep(t, group);
  if (t.group.key !== group.key) throw new ValueError(`fieldType: ${t} is a rep of ${t.group.key}, expected ${group.key}`);
  return t;
}

/** Options of {@link R2Conv} (Weiler & Cesa 2019, arXiv:1911.08251): the ring layout of {@link KernelBasisOptions} and the convolution's. */
export interface R2ConvOptions extends Omit<KernelBasisOptions, 'kernelSize'> {
  /** Zero padding on each side (default dilation·(k − 1)/2: same size for stride 1). */
  padding?: number;
  /** Stride (default 1). */
  stride?: number;
  /** Dilation (default 1). */
  dilation?: number;
  /** Learn a bias in the invariant subspace of ρ_out (trivial fields; the constant on regular/quotient fields). Default true. */
  bias?: boolean;
  /** Parameter dtype (default float32). */
  dtype?: FloatDType;
  /** Generator of the initial weights (default `new Rng(0)`). */
  rng?: Rng;
  /** Shared basis cache. */
  cache?: SteerableBasisCache;
}

/** Weight and bias of a plain `conv2d` equal to a steerable convolution (see {@link R2Conv.export}) (Weiler & Cesa 2019, arXiv:1911.08251). */
export interface ExportedConv {
  /** [c_out, c_in, k, k]. */
  weight: Tensor;
  /** [c_out] or null. */
  bias: Tensor | null;
  /** conv2d padding. */
  padding: number;
  /** conv2d stride. */
  stride: number;
  /** conv2d dilation. */
  dilation: number;
}

/**
 * Steerable convolution from fields of type ρ_in to fields of type ρ_out: y = conv2d(x, Σ_j w_j B_j)
 * + b, equivariant under the rotations (and reflections) of G on the plane when the action on the
 * pixels is exact (90° rotations and flips), and up to discretisation for other angles.
 * @example
 * ```ts
 * const G = C(8);
 * const conv = new R2Conv(G, '3x 1', '4x regular', 5, { dtype: 'float64' });
 * const y = conv.call(x); // x: [N, 3, H, W] → y: [N, 32, H, W]
 * ```
 */
export class R2Conv extends Module {
  /** The symmetry group. */
  readonly group: Group;
  /** Input field type ρ_in. */
  readonly repIn: Rep;
  /** Output field type ρ_out. */
  readonly repOut: Rep;
  /** Filter side k. */
  readonly kernelSize: number;
  /** conv2d padding. */
  readonly padding: number;
  /** conv2d stride. */
  readonly stride: number;
  /** conv2d dilation. */
  readonly dilation: number;
  /** The sampled kernel basis. */
  readonly basis: SteerableKernelBasis;
  /** Basis of the bias (Hom_G(trivial, ρ_out)), or null without bias. */
  readonly biasBasis: EquivariantBasis | null;
  private tensors = new Map<string, (Tensor | null)[]>();
  private biasQ = new Map<string, Tensor>();

  constructor(group: Group, inType: FieldType, outType: FieldType, kernelSize: number, opts: R2ConvOptions = {}) {
    super();
    this.group = group;
    this.repIn = fieldType(group, inType);
    this.repOut = fieldType(group, outType);
    this.kernelSize = kernelSize;
    this.basis = steerableKernelBasis(this.repIn, this.repOut, { ...opts, kernelSize });
    this.stride = opts.stride ?? 1;
    this.dilation = opts.dilation ?? 1;
    this.padding = opts.padding ?? (this.dilation * (kernelSize - 1)) / 2;
    const dt = floatDType('R2Conv', opts.dtype);
    if (this.basis.dim === 0) throw new ValueError(`R2Conv: no equivariant kernel from ${this.repIn} to ${this.repOut} under ${group.key} with kernel size ${kernelSize} (every ring/frequency pair has an empty Hom space)`);
    const rng = opts.rng ?? new Rng(0);
    // He-like init: unit-norm basis kernels, so E‖filter‖² = var·dim; aim at var(entry) = 2/(c_in·k²)
    const std = Math.sqrt((2 * this.repOut.size) / this.basis.dim);
    const w = new Float64Array(this.basis.dim);
    rng.fillNormal(w);
    for (let i = 0; i < w.length; i++) w[i]! *= std;
    this.registerParameter('weights', fromData(dt === 'float64' ? w : Float32Array.from(w), [this.basis.dim]));
    this.biasBasis = (opts.bias ?? true) ? equivariantBasis(Scalar(group), this.repOut) : null;
    if (this.biasBasis && this.biasBasis.dim > 0) this.registerParameter('bias', zeros([this.biasBasis.dim], { dtype: dt }));
  }

  private basisTensors(dtype: string): (Tensor | null)[] {
    let t = this.tensors.get(dtype);
    if (!t) {
      const P = this.kernelSize * this.kernelSize;
      t = this.basis.pairs.map((p) => (p.dim === 0 ? null : fromData(dtype === 'float64' ? p.basis : Float32Array.from(p.basis), [p.dim, p.outSize * p.inSize * P])));
      this.tensors.set(dtype, t);
    }
    return t;
  }

  /**
   * The filter Σ_j w_j B_j as a [c_out, c_in, k, k] tensor, differentiable in the coefficients
   * (default: the layer's `weights`; any [dim] tensor, e.g. for gradcheck).
   */
  filter(w: Tensor = this.getParameter('weights')): Tensor {
    if (!(w instanceof Tensor) || w.ndim !== 1 || w.shape[0] !== this.basis.dim) {
      throw new ShapeError(`R2Conv.filter: expected coefficients [${this.basis.dim}], got ${w instanceof Tensor ? fmtShape(w.shape) : typeof w}`);
    }
    const ts = this.basisTensors(w.dtype), k = this.kernelSize;
    const rows: Tensor[] = [];
    let off = 0, pi = 0;
    const nIn = this.repIn.terms().length;
    for (let o = 0; o < this.repOut.terms().length; o++) {
      const cols: Tensor[] = [];
      for (let i = 0; i < nIn; i++, pi++) {
        const p = this.basis.pairs[pi]!, B = ts[pi];
        const shape = [p.outMult * p.outSize, p.inMult * p.inSize, k, k];
        if (!B) {
          cols.push(zeros(shape, { dtype: w.dtype }));
          continue;
        }
        const n = p.outMult * p.inMult * p.dim;
        const wp = (n === w.shape[0] ? w : w.slice([[off, off + n]])).reshape([p.outMult * p.inMult, p.dim]);
        off += n;
        cols.push(wp.matmul(B).reshape([p.outMult, p.inMult, p.outSize, p.inSize, k, k]).permute([0, 2, 1, 3, 4, 5]).reshape(shape));
      }
      rows.push(cols.length === 1 ? cols[0]! : concat(cols, 1));
    }
    return rows.length === 1 ? rows[0]! : concat(rows, 0);
  }

  /** The bias vector [c_out] = Q_bias · b (zero on non-invariant directions), or null. */
  biasVector(): Tensor | null {
    const b = this.maybeParameter('bias');
    if (!b || !this.biasBasis) return null;
    let Q = this.biasQ.get(b.dtype);
    if (!Q) {
      const q = this.biasBasis.Q;
      Q = fromData(b.dtype === 'float64' ? Float64Array.from(q) : Float32Array.from(q), [this.repOut.size, this.biasBasis.dim]);
      this.biasQ.set(b.dtype, Q);
    }
    return Q.matmul(b.reshape([this.biasBasis.dim, 1])).reshape([this.repOut.size]);
  }

  /**
   * @param x [N, c_in, H, W] (or [c_in, H, W])
   * @returns [N, c_out, H', W'] (or [c_out, H', W'])
   */
  forward(x: Tensor): Tensor {
    const c = this.repIn.size;
    if (!(x instanceof Tensor) || (x.ndim !== 3 && x.ndim !== 4) || x.shape[x.ndim - 3] !== c) {
      throw new ShapeError(`R2Conv: expected [N, ${c}, H, W] or [${c}, H, W] (field type ${this.repIn}), got ${x instanceof Tensor ? fmtShape(x.shape) : typeof x}`);
    }
    const x4 = x.ndim === 3 ? x.reshape([1, ...x.shape]) : x;
    const y = conv2d(x4, this.filter(), this.biasVector(), { padding: this.padding, stride: this.stride, dilation: this.dilation });
    return x.ndim === 3 ? y.reshape(y.shape.slice(1)) : y;
  }

  /**
   * A plain convolution with the same outputs (escnn's `R2Conv.export`): the expanded filter and
   * bias, detached, in the weights' dtype. `conv2d(x, e.weight, e.bias, e)` equals `this.call(x)`.
   */
  export(): ExportedConv {
    const w = this.getParameter('weights');
    const F = expandFilter(this.basis, Float64Array.from(w.data as ArrayLike<number>));
    const k = this.kernelSize;
    const weight = fromData(w.dtype === 'float64' ? F : Float32Array.from(F), [this.repOut.size, this.repIn.size, k, k]);
    const bv = this.biasVector();
    const bias = bv ? fromData(bv.dtype === 'float64' ? Float64Array.from(bv.data as ArrayLike<number>) : Float32Array.from(bv.data as ArrayLike<number>), [this.repOut.size]) : null;
    return { weight, bias, padding: this.padding, stride: this.stride, dilation: this.dilation };
  }

  extraRepr(): string {
    return `${this.group.key}: ${this.repIn} → ${this.repOut}, k=${this.kernelSize}, dim=${this.basis.dim}`;
  }
}
