/**
 * `TensorProduct`: e3nn's parametrised tensor product of two irreps features (Thomas et al.,
 * "Tensor field networks", arXiv:1802.08219; Geiger & Smidt, "e3nn", arXiv:2207.09453), with the
 * connection modes, weights (internal, external shared or per sample) and normalisations of
 * `e3nn.o3.TensorProduct`. See docs/design/tensor-products.md.
 * @module
 */
import { Tensor, concat, fromData, matmul, normal, zeros } from '../../tensor/index.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import { Module } from '../module.js';
import { floatDType } from '../parameter.js';
import type { FloatDType } from '../parameter.js';
import { cgBlock } from './cg-blocks.js';
import { Irreps, irrepDim, irrepName } from './irreps.js';
import type { IrrepsLike } from './irreps.js';

/** How the multiplicities of a path are connected (e3nn's `connection_mode`). */
export type ConnectionMode = 'uvw' | 'uvu' | 'uvv' | 'uuw' | 'uuu' | 'uvuv' | 'u<vw';

const MODES: readonly ConnectionMode[] = ['uvw', 'uvu', 'uvv', 'uuw', 'uuu', 'uvuv', 'u<vw'];

/** A path: e3nn's `(i_in1, i_in2, i_out, connection_mode, has_weight, path_weight)`. */
export type InstructionLike =
  | readonly [number, number, number, ConnectionMode, boolean, number?]
  | { readonly i1: number; readonly i2: number; readonly out: number; readonly mode: ConnectionMode; readonly hasWeight: boolean; readonly pathWeight?: number };

/** A validated path with its normalisation coefficient and the place of its weights. */
export interface Instruction {
  readonly i1: number;
  readonly i2: number;
  readonly out: number;
  readonly mode: ConnectionMode;
  readonly hasWeight: boolean;
  /** The user's path weight (before normalisation). */
  readonly pathWeight: number;
  /** √α, the factor the path's output is multiplied by (normalisations and path weight). */
  readonly coefficient: number;
  /** Shape of this path's weights ([] without weight). */
  readonly pathShape: readonly number[];
  /** Offset of this path's weights in the flat weight vector. */
  readonly weightOffset: number;
}

/** e3nn's `irrep_normalization`. */
export type IrrepNormalization = 'component' | 'norm' | 'none';
/** e3nn's `path_normalization`. */
export type PathNormalization = 'element' | 'path' | 'none';

/** Options of {@link TensorProduct}. */
export interface TensorProductOptions {
  /** Draws the internal weights, N(0, 1) as in e3nn (required when the weights are internal). */
  rng?: Rng;
  /** Element type of the internal weights and CG blocks (default float32). */
  dtype?: FloatDType;
  /** `component` (default): unit-variance components out for unit-variance components in; `norm`: unit-norm irreps. */
  irrepNormalization?: IrrepNormalization;
  /** `element` (default): fan-in counted in products; `path`: in paths. */
  pathNormalization?: PathNormalization;
  /** Weights are one vector for all samples (default true). */
  sharedWeights?: boolean;
  /** Weights are a learned parameter of the module (default: sharedWeights and some path has weights). */
  internalWeights?: boolean;
  /** Variances of the blocks of input 1 (default 1 each). */
  in1Var?: readonly number[];
  /** Variances of the blocks of input 2 (default 1 each). */
  in2Var?: readonly number[];
  /** Target variances of the output blocks (default 1 each). */
  outVar?: readonly number[];
  /**
   * Contraction order of the shared-weight `uvw` paths: `auto` (default) contracts W first with the
   * input whose irrep is smallest when that beats contracting the CG product first (the W-product
   * costs B·m₁m₂m_o·min(d₁, d₂) instead of B·m₁m₂m_o·d₃); `cg-first` always does the CG product first.
   */
  contraction?: 'auto' | 'cg-first';
}

/** Flat indices u·m + v of the pairs u < v, in row-major order (e3nn's `u<v`). */
function upperPairs(m: number): Int32Array {
  const out: number[] = [];
  for (let u = 0; u < m; u++) for (let v = u + 1; v < m; v++) out.push(u * m + v);
  return Int32Array.from(out);
}

function normalise(x: InstructionLike): { i1: number; i2: number; out: number; mode: ConnectionMode; hasWeight: boolean; pathWeight: number } {
  if (Array.isArray(x)) {
    const [i1, i2, out, mode, hasWeight, pathWeight] = x as readonly [number, number, number, ConnectionMode, boolean, number?];
    return { i1, i2, out, mode, hasWeight, pathWeight: pathWeight ?? 1 };
  }
  const o = x as Exclude<InstructionLike, readonly unknown[]>;
  return { i1: o.i1, i2: o.i2, out: o.out, mode: o.mode, hasWeight: o.hasWeight, pathWeight: o.pathWeight ?? 1 };
}

/**
 * The tensor product of irreps features x₁ (irrepsIn1) and x₂ (irrepsIn2) into irrepsOut along
 * the given paths, as e3nn defines it. A path (i₁, i₂, o, mode) with irreps l₁ ⊗ l₂ → l₃ (parity
 * p₁p₂ = p₃, |l₁ − l₂| ≤ l₃ ≤ l₁ + l₂) contributes
 *
 *   z_{uvk} = √α · Σ_{ij} C^{l₁l₂l₃}_{ijk} x₁[u, i] x₂[v, j]   (‖C‖_F = 1)
 *
 * mixed over the multiplicities by the mode: `uvw` out[w] = Σ_{uv} W_{uvw} z_{uv}; `uvu`
 * out[u] = Σ_v W_{uv} z_{uv}; `uvv` out[v] = Σ_u W_{uv} z_{uv}; `uuw` out[w] = Σ_u W_{uw} z_{uu};
 * `uuu` out[u] = W_u z_{uu}; `uvuv` out[(u, v)] = W_{uv} z_{uv}; `u<vw` (squares) out[w] =
 * Σ_{u<v} W_{(uv)w} z_{uv} (no W without weight). Paths into
 * the same output block are summed. α = (`component`: d₃; `norm`: d₁d₂) · outVar · pathWeight / x,
 * with x = Σ over the paths into the same output of in1Var·in2Var·n (`element`) or
 * in1Var·in2Var·n·(number of those paths) (`path`), n the number of products summed per output
 * entry (uvw: mul₁mul₂; uvu: mul₂; uvv, uuw: mul₁; uuu, uvuv: 1; u<vw: mul₁(mul₁ − 1)/2) — e3nn's formulas.
 *
 * Contraction per path on the small dense CG block (never the Kronecker product of the inputs):
 * [B·mul₁, d₁]·C[d₁, d₂d₃], then a batched product with x₂ [B, mul₂, d₂], then the mode's mixing;
 * shared-weight `uvw` paths with min(d₁, d₂) < d₃ contract W with the smaller input first (see
 * {@link TensorProductOptions.contraction}).
 *
 * @example
 * ```ts
 * const tp = new TensorProduct('2x0e+1x1o', '1x1o', '2x1o+1x0e', [[0, 0, 0, 'uvw', true], [1, 0, 1, 'uvw', true]], { rng: new Rng(0) });
 * ```
 */
export class TensorProduct extends Module<[Tensor, Tensor, Tensor?], Tensor> {
  /** First input irreps. */
  readonly irrepsIn1: Irreps;
  /** Second input irreps. */
  readonly irrepsIn2: Irreps;
  /** Output irreps. */
  readonly irrepsOut: Irreps;
  /** The validated paths. */
  readonly instructions: readonly Instruction[];
  /** Number of weights per sample (or in all, with shared weights). */
  readonly weightNumel: number;
  /** Weights are shared by all samples. */
  readonly sharedWeights: boolean;
  /** Weights are the module's parameter `weight`. */
  readonly internalWeights: boolean;
  private readonly name: string;
  private readonly cg = new Map<string, Tensor>();
  private readonly contraction: 'auto' | 'cg-first';

  constructor(irrepsIn1: IrrepsLike, irrepsIn2: IrrepsLike, irrepsOut: IrrepsLike, instructions: readonly InstructionLike[], opts: TensorProductOptions = {}, name = 'TensorProduct') {
    super();
    this.name = name;
    this.contraction = opts.contraction ?? 'auto';
    if (this.contraction !== 'auto' && this.contraction !== 'cg-first') throw new ValueError(`${name}: contraction must be 'auto' or 'cg-first', got ${String(this.contraction)}`);
    this.irrepsIn1 = Irreps.of(irrepsIn1);
    this.irrepsIn2 = Irreps.of(irrepsIn2);
    this.irrepsOut = Irreps.of(irrepsOut);
    const dtype = floatDType(name, opts.dtype);
    const irrepNorm = opts.irrepNormalization ?? 'component';
    const pathNorm = opts.pathNormalization ?? 'element';
    if (!['component', 'norm', 'none'].includes(irrepNorm)) throw new ValueError(`${name}: irrepNormalization must be 'component', 'norm' or 'none', got ${String(irrepNorm)}`);
    if (!['element', 'path', 'none'].includes(pathNorm)) throw new ValueError(`${name}: pathNormalization must be 'element', 'path' or 'none', got ${String(pathNorm)}`);
    const vars = (v: readonly number[] | undefined, n: number, what: string): number[] => {
      if (v === undefined) return new Array<number>(n).fill(1);
      if (v.length !== n || v.some((x) => !(x >= 0))) throw new ValueError(`${name}: ${what} must hold ${n} variances ≥ 0, got [${v.join(', ')}]`);
      return [...v];
    };
    const in1Var = vars(opts.in1Var, this.irrepsIn1.length, 'in1Var');
    const in2Var = vars(opts.in2Var, this.irrepsIn2.length, 'in2Var');
    const outVar = vars(opts.outVar, this.irrepsOut.length, 'outVar');
    const raw = instructions.map((x, n) => {
      const r = normalise(x);
      const b1 = this.irrepsIn1.blocks[r.i1], b2 = this.irrepsIn2.blocks[r.i2], bo = this.irrepsOut.blocks[r.out];
      if (!b1 || !b2 || !bo) throw new ValueError(`${name}: instruction ${n} (${r.i1}, ${r.i2}, ${r.out}) indexes blocks outside ${this.irrepsIn1} ⊗ ${this.irrepsIn2} → ${this.irrepsOut}`);
      if (!MODES.includes(r.mode)) throw new ValueError(`${name}: instruction ${n}: connection mode must be one of ${MODES.join(', ')}, got ${String(r.mode)}`);
      const what = `${name}: instruction ${n} (${b1.mul}x${irrepName(b1.ir)} ⊗ ${b2.mul}x${irrepName(b2.ir)} → ${bo.mul}x${irrepName(bo.ir)}, ${r.mode})`;
      if (b1.ir.p * b2.ir.p !== bo.ir.p) throw new ValueError(`${what}: parity ${b1.ir.p}·${b2.ir.p} ≠ ${bo.ir.p}`);
      if (bo.ir.l < Math.abs(b1.ir.l - b2.ir.l) || bo.ir.l > b1.ir.l + b2.ir.l) throw new ValueError(`${what}: l = ${bo.ir.l} is not in |l₁ − l₂|…l₁ + l₂`);
      if (!Number.isFinite(r.pathWeight)) throw new ValueError(`${what}: pathWeight must be finite, got ${r.pathWeight}`);
      const m1 = b1.mul, m2 = b2.mul, mo = bo.mul;
      const bad = (cond: boolean, msg: string): void => { if (cond) throw new ValueError(`${what}: ${msg}`); };
      switch (r.mode) {
        case 'uvw': bad(!r.hasWeight, "mode 'uvw' needs weights"); break;
        case 'uvu': bad(mo !== m1, `mode 'uvu' needs mul_out = mul₁ (${mo} ≠ ${m1})`); break;
        case 'uvv': bad(mo !== m2, `mode 'uvv' needs mul_out = mul₂ (${mo} ≠ ${m2})`); break;
        case 'uuw': bad(m1 !== m2, `mode 'uuw' needs mul₁ = mul₂ (${m1} ≠ ${m2})`); bad(!r.hasWeight && mo !== 1, "mode 'uuw' without weights needs mul_out = 1"); break;
        case 'uuu': bad(m1 !== m2 || m1 !== mo, `mode 'uuu' needs mul₁ = mul₂ = mul_out (${m1}, ${m2}, ${mo})`); break;
        case 'uvuv': bad(mo !== m1 * m2, `mode 'uvuv' needs mul_out = mul₁·mul₂ (${mo} ≠ ${m1 * m2})`); break;
        case 'u<vw': bad(m1 !== m2 || !r.hasWeight, "mode 'u<vw' needs mul₁ = mul₂ and weights"); bad(r.i1 !== r.i2 || !this.irrepsIn1.equals(this.irrepsIn2), "mode 'u<vw' is for the square of one input block"); break;
      }
      const pathShape = !r.hasWeight ? [] : { uvw: [m1, m2, mo], uvu: [m1, m2], uvv: [m1, m2], uuw: [m1, mo], uuu: [m1], uvuv: [m1, m2], 'u<vw': [(m1 * (m2 - 1)) / 2, mo] }[r.mode];
      return { ...r, pathShape };
    });
    const numElements = (r: (typeof raw)[number]): number => {
      const m1 = this.irrepsIn1.blocks[r.i1]!.mul, m2 = this.irrepsIn2.blocks[r.i2]!.mul;
      return { uvw: m1 * m2, uvu: m2, uvv: m1, uuw: m1, uuu: 1, uvuv: 1, 'u<vw': (m1 * (m2 - 1)) / 2 }[r.mode];
    };
    let offset = 0;
    this.instructions = raw.map((r) => {
      const d1 = irrepDim(this.irrepsIn1.blocks[r.i1]!.ir), d2 = irrepDim(this.irrepsIn2.blocks[r.i2]!.ir), d3 = irrepDim(this.irrepsOut.blocks[r.out]!.ir);
      let alpha = irrepNorm === 'component' ? d3 : irrepNorm === 'norm' ? d1 * d2 : 1;
      const same = raw.filter((s) => s.out === r.out);
      let x = 1;
      if (pathNorm === 'element') x = same.reduce((a, s) => a + in1Var[s.i1]! * in2Var[s.i2]! * numElements(s), 0);
      else if (pathNorm === 'path') x = in1Var[r.i1]! * in2Var[r.i2]! * numElements(r) * same.length;
      if (x > 0) alpha /= x;
      alpha *= outVar[r.out]! * r.pathWeight;
      const size = r.pathShape.reduce((a, b) => a * b, 1);
      const ins: Instruction = { ...r, coefficient: Math.sqrt(alpha), weightOffset: r.hasWeight ? offset : -1 };
      if (r.hasWeight) offset += size;
      return ins;
    });
    this.weightNumel = offset;
    this.sharedWeights = opts.sharedWeights ?? true;
    this.internalWeights = opts.internalWeights ?? (this.sharedWeights && offset > 0);
    if (this.internalWeights && !this.sharedWeights) throw new ValueError(`${name}: internal weights are shared (sharedWeights: false needs internalWeights: false)`);
    if (this.internalWeights && offset > 0) {
      if (!opts.rng) throw new ValueError(`${name}: opts.rng is required for internal weights (all randomness goes through an explicit Rng)`);
      this.registerParameter('weight', normal(opts.rng, [offset], 0, 1, { dtype }));
    }
  }

  /** The flat weight vector of the paths with weights (internal weights only). */
  get weight(): Tensor | null {
    return this.maybeParameter('weight');
  }

  /** √α·C as [d₁, d₂d₃] (`swap`: as [d₂, d₁d₃], for contracting x₂ first), cached per dtype. */
  private cgTensor(n: number, dtype: FloatDType, swap = false): Tensor {
    const key = `${n}:${dtype}:${swap}`;
    const hit = this.cg.get(key);
    if (hit) return hit;
    const ins = this.instructions[n]!;
    const l1 = this.irrepsIn1.blocks[ins.i1]!.ir.l, l2 = this.irrepsIn2.blocks[ins.i2]!.ir.l, l3 = this.irrepsOut.blocks[ins.out]!.ir.l;
    const d1 = 2 * l1 + 1, d2 = 2 * l2 + 1, d3 = 2 * l3 + 1;
    const dense = cgBlock(l1, l2, l3).dense;
    const c = new Float64Array(dense.length);
    for (let i = 0; i < d1; i++) for (let j = 0; j < d2; j++) for (let k = 0; k < d3; k++) {
      c[swap ? (j * d1 + i) * d3 + k : (i * d2 + j) * d3 + k] = dense[(i * d2 + j) * d3 + k]! * ins.coefficient;
    }
    const t = fromData(dtype === 'float64' ? c : Float32Array.from(c), swap ? [d2, d1 * d3] : [d1, d2 * d3]);
    this.cg.set(key, t);
    return t;
  }

  /**
   * @param x1 [..., irrepsIn1.dim]
   * @param x2 [..., irrepsIn2.dim] (the same leading shape)
   * @param weight external weights: [weightNumel] (shared) or [..., weightNumel] (per sample);
   *   omitted with internal weights or when no path has weights
   * @returns [..., irrepsOut.dim]
   */
  forward(x1: Tensor, x2: Tensor, weight?: Tensor): Tensor {
    const who = this.name;
    if (!(x1 instanceof Tensor) || !(x2 instanceof Tensor)) throw new ValueError(`${who}: x1 and x2 must be Tensors`);
    if (x1.ndim < 1 || x1.shape[x1.ndim - 1] !== this.irrepsIn1.dim) throw new ShapeError(`${who}: x1 ${fmtShape(x1.shape)} must end in ${this.irrepsIn1.dim} features (${this.irrepsIn1})`);
    if (x2.ndim < 1 || x2.shape[x2.ndim - 1] !== this.irrepsIn2.dim) throw new ShapeError(`${who}: x2 ${fmtShape(x2.shape)} must end in ${this.irrepsIn2.dim} features (${this.irrepsIn2})`);
    const lead = x1.shape.slice(0, -1);
    if (x2.ndim !== x1.ndim || lead.some((s, i) => s !== x2.shape[i])) throw new ShapeError(`${who}: x1 ${fmtShape(x1.shape)} and x2 ${fmtShape(x2.shape)} must have the same leading shape`);
    const dtype = x1.dtype;
    if (dtype !== 'float32' && dtype !== 'float64') throw new DTypeError(`${who}: inputs must be float32 or float64, got ${dtype}`);
    if (x2.dtype !== dtype) throw new DTypeError(`${who}: x1 is ${dtype} but x2 is ${x2.dtype}`);
    const B = lead.reduce((a, b) => a * b, 1);
    let W: Tensor | null = null;
    if (this.weightNumel > 0) {
      if (this.internalWeights) {
        if (weight !== undefined) throw new ValueError(`${who}: the weights are internal; do not pass weight`);
        W = this.getParameter('weight');
      } else {
        if (!(weight instanceof Tensor)) throw new ValueError(`${who}: external weights are required (weight [${this.sharedWeights ? '' : '..., '}${this.weightNumel}])`);
        if (this.sharedWeights) {
          if (weight.ndim !== 1 || weight.shape[0] !== this.weightNumel) throw new ShapeError(`${who}: shared weight must be [${this.weightNumel}], got ${fmtShape(weight.shape)}`);
          W = weight;
        } else {
          if (weight.ndim !== x1.ndim || weight.shape[weight.ndim - 1] !== this.weightNumel || lead.some((s, i) => s !== weight.shape[i])) {
            throw new ShapeError(`${who}: per-sample weight must be [${[...lead, this.weightNumel].join(', ')}], got ${fmtShape(weight.shape)}`);
          }
          W = weight.reshape([B, this.weightNumel]);
        }
      }
      if (W.dtype !== dtype) throw new DTypeError(`${who}: inputs are ${dtype} but the weights are ${W.dtype}`);
    } else if (weight !== undefined) throw new ValueError(`${who}: no path has weights; do not pass weight`);
    const perSample = W !== null && !this.sharedWeights;
    const a1 = x1.reshape([B, this.irrepsIn1.dim]), a2 = x2.reshape([B, this.irrepsIn2.dim]);
    const blocks1 = new Map<number, Tensor>(), blocks2 = new Map<number, Tensor>();
    const block = (x: Tensor, irreps: Irreps, i: number, cache: Map<number, Tensor>): Tensor => {
      let t = cache.get(i);
      if (!t) {
        const [s, e] = irreps.slice(i);
        const b = irreps.blocks[i]!;
        t = (s === 0 && e === irreps.dim ? x : x.slice([null, [s, e]])).reshape([B, b.mul, irrepDim(b.ir)]);
        cache.set(i, t);
      }
      return t;
    };
    const outs: (Tensor | null)[] = this.irrepsOut.blocks.map(() => null);
    this.instructions.forEach((ins, n) => {
      const b1 = this.irrepsIn1.blocks[ins.i1]!, b2 = this.irrepsIn2.blocks[ins.i2]!, bo = this.irrepsOut.blocks[ins.out]!;
      const m1 = b1.mul, m2 = b2.mul, mo = bo.mul, d1 = irrepDim(b1.ir), d2 = irrepDim(b2.ir), dk = irrepDim(bo.ir);
      if (m1 === 0 || m2 === 0 || mo === 0 || ins.coefficient === 0 || B === 0) return;
      const x1b = block(a1, this.irrepsIn1, ins.i1, blocks1), x2b = block(a2, this.irrepsIn2, ins.i2, blocks2);
      let w: Tensor | null = null;
      if (ins.hasWeight && W) {
        const size = ins.pathShape.reduce((a, b) => a * b, 1);
        const s = ins.weightOffset;
        w = perSample ? (size === this.weightNumel ? W : W.slice([null, [s, s + size]])) : size === this.weightNumel ? W : W.slice([[s, s + size]]);
      }
      let y: Tensor; // [B, mo·dk]
      const weightFirst = ins.mode === 'uvw' && !perSample && this.contraction === 'auto' && Math.min(d1, d2) < dk;
      if (weightFirst) {
        // W with the smaller input first: U[b, i, v, w] = Σ_u x1[b, u, i] W[u, v, w] (or x2's), one GEMM,
        // then the other input with the CG block, then a batched [d₃, m·d] × [m·d, m_o] product per sample.
        const first = d1 <= d2 ? 1 : 2;
        const xa = first === 1 ? x1b : x2b, xb = first === 1 ? x2b : x1b;
        const ma = first === 1 ? m1 : m2, mb = first === 1 ? m2 : m1, da = first === 1 ? d1 : d2, db = first === 1 ? d2 : d1;
        const Wm = first === 1 ? w!.reshape([m1, m2 * mo]) : w!.reshape([m1, m2, mo]).permute([1, 0, 2]).reshape([m2, m1 * mo]);
        const xaT = da === 1 ? xa.reshape([B, ma]) : xa.permute([0, 2, 1]).reshape([B * da, ma]);
        const U = matmul(xaT, Wm).reshape([B, da, mb, mo]); // [b, a-component, copy of b, w]
        const UU = da === 1 ? U.reshape([B, mb, mo]) : U.permute([0, 2, 1, 3]).reshape([B, mb * da, mo]);
        // s[b, v, i, k] = Σ_j xb[b, v, j] C[(a-comp i), j, k]: xb [B·mb, db] × C' [db, da·dk]
        const s = matmul(xb.reshape([B * mb, db]), this.cgTensor(n, dtype, first === 1)).reshape([B, mb, da, dk]);
        const ss = dk === 1 ? s.reshape([B, 1, mb * da]) : s.reshape([B, mb * da, dk]).permute([0, 2, 1]);
        const r = matmul(ss, UU); // [B, dk, mo]
        y = dk === 1 ? r : r.permute([0, 2, 1]);
        const yy = y.reshape([B, mo * dk]);
        const prev = outs[ins.out];
        outs[ins.out] = prev ? prev.add(yy) : yy;
        return;
      }
      // first contraction on the dense CG block: t[b, u, j, k] = Σ_i x1[b, u, i] C[i, j, k]
      const t = matmul(x1b.reshape([B * m1, d1]), this.cgTensor(n, dtype)).reshape([B, m1, d2, dk]);
      if (ins.mode === 'uuw' || ins.mode === 'uuu') {
        // z[b, u, k] = Σ_j t[b, u, j, k] x2[b, u, j]
        const z = dk === 1 ? matmul(t.reshape([B * m1, 1, d2]), x2b.reshape([B * m1, d2, 1])).reshape([B, m1, 1]) : t.mul(x2b.reshape([B, m1, d2, 1])).sum(2);
        if (ins.mode === 'uuu') {
          y = w ? z.mul(w.reshape([perSample ? B : 1, m1, 1])) : z;
        } else if (!w) {
          y = z.sum(1);
        } else {
          const zt = dk === 1 ? z.reshape([B, 1, m1]) : z.permute([0, 2, 1]); // [B, dk, m1]
          const r = perSample ? matmul(zt, w.reshape([B, m1, mo])) : matmul(zt.reshape([B * dk, m1]), w.reshape([m1, mo])).reshape([B, dk, mo]);
          y = dk === 1 ? r : r.permute([0, 2, 1]);
        }
      } else {
        // z[b, u, k, v] = Σ_j t[b, u, j, k] x2[b, v, j]
        const tk = dk === 1 ? t.reshape([B, m1, d2]) : t.permute([0, 1, 3, 2]).reshape([B, m1 * dk, d2]);
        const z = matmul(tk, x2b, { transB: true }).reshape([B, m1, dk, m2]);
        const wv = (): Tensor => w!.reshape([perSample ? B : 1, m1, 1, m2]);
        switch (ins.mode) {
          case 'uvw': {
            const zz = z.permute([0, 2, 1, 3]); // [B, dk, m1, m2]
            const r = perSample ? matmul(zz.reshape([B, dk, m1 * m2]), w!.reshape([B, m1 * m2, mo])) : matmul(zz.reshape([B * dk, m1 * m2]), w!.reshape([m1 * m2, mo])).reshape([B, dk, mo]);
            y = dk === 1 ? r : r.permute([0, 2, 1]);
            break;
          }
          case 'u<vw': {
            const P = (m1 * (m1 - 1)) / 2;
            if (P === 0) return;
            const zz = z.permute([0, 2, 1, 3]).reshape([B, dk, m1 * m2]).indexSelect(2, upperPairs(m1)); // [B, dk, P]
            const r = perSample ? matmul(zz, w!.reshape([B, P, mo])) : matmul(zz.reshape([B * dk, P]), w!.reshape([P, mo])).reshape([B, dk, mo]);
            y = dk === 1 ? r : r.permute([0, 2, 1]);
            break;
          }
          case 'uvu': y = (w ? z.mul(wv()) : z).sum(3); break;
          case 'uvv': { const r = (w ? z.mul(wv()) : z).sum(1); y = dk === 1 ? r : r.permute([0, 2, 1]); break; }
          default: { const r = w ? z.mul(wv()) : z; y = dk === 1 ? r : r.permute([0, 1, 3, 2]); }
        }
      }
      const yy = y.reshape([B, mo * dk]);
      const prev = outs[ins.out];
      outs[ins.out] = prev ? prev.add(yy) : yy;
    });
    const parts = outs.map((o, i) => o ?? zeros([B, this.irrepsOut.blocks[i]!.mul * irrepDim(this.irrepsOut.blocks[i]!.ir)], { dtype }));
    const nonEmpty = parts.filter((p) => p.shape[1]! > 0);
    const y = nonEmpty.length === 0 ? zeros([B, 0], { dtype }) : nonEmpty.length === 1 ? nonEmpty[0]! : concat(nonEmpty, 1);
    return y.reshape([...lead, this.irrepsOut.dim]);
  }

  extraRepr(): string {
    const npath = this.instructions.reduce((a, ins) => a + (ins.pathShape.length ? ins.pathShape.reduce((x, y) => x * y, 1) : 1), 0);
    return `${this.irrepsIn1} ⊗ ${this.irrepsIn2} → ${this.irrepsOut} | ${this.instructions.length} paths | ${npath} path elements | ${this.weightNumel} weights`;
  }
}
