/**
 * Seeded parameter initialisation, in place (PyTorch's `torch.nn.init` semantics). Every random
 * initialiser takes an explicit `Rng`. Fans follow PyTorch: for a weight of shape
 * [out, in, k₁, k₂, …], fan_in = in·∏k and fan_out = out·∏k.
 * @module
 */
import type { Tensor } from '../tensor/index.js';
import { ShapeError, ValueError, DTypeError, fmtShape } from '../util/errors.js';
import type { Rng } from '../util/rng.js';

/** Nonlinearity names understood by `calculateGain`. */
export type Nonlinearity =
  | 'linear' | 'identity' | 'conv1d' | 'conv2d' | 'conv3d' | 'convTranspose1d' | 'convTranspose2d' | 'convTranspose3d'
  | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'leaky_relu' | 'selu';

/** Which fan a Kaiming initialiser preserves the variance of. */
export type FanMode = 'fanIn' | 'fanOut' | 'fan_in' | 'fan_out';

function floatData(op: string, t: Tensor): Float32Array | Float64Array {
  const d = t.data;
  if (d instanceof Int32Array) throw new DTypeError(`init.${op}: expected a float tensor, got int32 ${fmtShape(t.shape)}`);
  return d as Float32Array | Float64Array;
}

/**
 * The recommended gain for a nonlinearity (PyTorch's table): 1 for linear/conv/sigmoid, 5/3 for
 * tanh, √2 for relu, √(2 / (1 + slope²)) for leaky relu (slope default 0.01), 3/4 for selu.
 * @param nonlinearity the name
 * @param param the negative slope of leaky relu
 * @returns the gain
 * @example
 * ```ts
 * calculateGain('relu'); // 1.4142…
 * ```
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'identity': case 'sigmoid':
    case 'conv1d': case 'conv2d': case 'conv3d': case 'convTranspose1d': case 'convTranspose2d': case 'convTranspose3d':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leakyRelu': case 'leaky_relu': {
      const s = param ?? 0.01;
      if (!Number.isFinite(s)) throw new ValueError(`calculateGain: negative slope ${s} is not a finite number`);
      return Math.sqrt(2 / (1 + s * s));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new ValueError(`calculateGain: unsupported nonlinearity '${nonlinearity as string}'`);
  }
}

/**
 * fan_in and fan_out of a weight shape [out, in, …kernel] (needs at least 2 dimensions).
 * @param shape the weight's shape
 * @returns `{ fanIn, fanOut }`
 * @example
 * ```ts
 * calculateFans([16, 8, 3, 3]); // { fanIn: 72, fanOut: 144 }
 * ```
 */
export function calculateFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) throw new ShapeError(`init: fan in and fan out need a tensor with at least 2 dimensions, got ${fmtShape(shape)}`);
  let receptive = 1;
  for (let i = 2; i < shape.length; i++) receptive *= shape[i]!;
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}

/**
 * Fill with U(low, high).
 * @param t the tensor to overwrite (any shape)
 * @returns `t`
 * @example
 * ```ts
 * uniformInit(w, new Rng(0), -0.1, 0.1);
 * ```
 */
export function uniformInit(t: Tensor, rng: Rng, low = 0, high = 1): Tensor {
  rng.fillUniform(floatData('uniform', t), low, high);
  return t;
}

/**
 * Fill with N(mean, std²).
 * @returns `t`
 * @example
 * ```ts
 * normalInit(w, new Rng(0), 0, 0.02);
 * ```
 */
export function normalInit(t: Tensor, rng: Rng, mean = 0, std = 1): Tensor {
  if (!(std >= 0)) throw new ValueError(`init.normal: std must be non-negative, got ${std}`);
  rng.fillNormal(floatData('normal', t), mean, std);
  return t;
}

/**
 * Fill with a constant.
 * @returns `t`
 * @example
 * ```ts
 * constantInit(b, 0.1);
 * ```
 */
export function constantInit(t: Tensor, value: number): Tensor {
  floatData('constant', t).fill(value);
  return t;
}

/** Fill with zeros; returns `t`. @example `zerosInit(b)` */
export function zerosInit(t: Tensor): Tensor {
  return constantInit(t, 0);
}

/** Fill with ones; returns `t`. @example `onesInit(gamma)` */
export function onesInit(t: Tensor): Tensor {
  return constantInit(t, 1);
}

/**
 * Xavier/Glorot uniform (Glorot & Bengio, "Understanding the difficulty of training deep
 * feedforward neural networks", AISTATS 2010): U(±a) with a = gain·√(6 / (fan_in + fan_out)).
 * @param t weight [out, in, …]
 * @returns `t`
 * @example
 * ```ts
 * xavierUniform(w, rng, { gain: calculateGain('tanh') });
 * ```
 */
export function xavierUniform(t: Tensor, rng: Rng, opts: { gain?: number } = {}): Tensor {
  const { fanIn, fanOut } = calculateFans(t.shape);
  const a = (opts.gain ?? 1) * Math.sqrt(6 / (fanIn + fanOut));
  return uniformInit(t, rng, -a, a);
}

/**
 * Xavier/Glorot normal: N(0, σ²) with σ = gain·√(2 / (fan_in + fan_out)).
 * @param t weight [out, in, …]
 * @returns `t`
 * @example
 * ```ts
 * xavierNormal(w, rng);
 * ```
 */
export function xavierNormal(t: Tensor, rng: Rng, opts: { gain?: number } = {}): Tensor {
  const { fanIn, fanOut } = calculateFans(t.shape);
  return normalInit(t, rng, 0, (opts.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut)));
}

/** Options of the Kaiming initialisers (PyTorch defaults: a = 0, fan_in, leaky relu). */
export interface KaimingOptions {
  /** Negative slope of the leaky relu that follows (default 0). */
  a?: number;
  /** Preserve the variance in the forward pass (`fanIn`, default) or the backward pass (`fanOut`). */
  mode?: FanMode;
  /** The nonlinearity that follows (default `leakyRelu`). */
  nonlinearity?: Nonlinearity;
}

function kaimingStd(op: string, shape: readonly number[], opts: KaimingOptions): number {
  const { fanIn, fanOut } = calculateFans(shape);
  const mode = opts.mode ?? 'fanIn';
  if (mode !== 'fanIn' && mode !== 'fan_in' && mode !== 'fanOut' && mode !== 'fan_out') throw new ValueError(`init.${op}: mode must be 'fanIn' or 'fanOut', got '${mode as string}'`);
  const fan = mode === 'fanIn' || mode === 'fan_in' ? fanIn : fanOut;
  if (fan === 0) throw new ShapeError(`init.${op}: zero fan for shape ${fmtShape(shape)}`);
  return calculateGain(opts.nonlinearity ?? 'leakyRelu', opts.a ?? 0) / Math.sqrt(fan);
}

/**
 * Kaiming/He uniform (He et al., "Delving Deep into Rectifiers", ICCV 2015, arXiv:1502.01852):
 * U(±b) with b = gain·√(3 / fan). With a = √5 this is PyTorch's Linear/Conv default U(±1/√fan_in).
 * @param t weight [out, in, …]
 * @returns `t`
 * @example
 * ```ts
 * kaimingUniform(w, rng, { nonlinearity: 'relu' });
 * ```
 */
export function kaimingUniform(t: Tensor, rng: Rng, opts: KaimingOptions = {}): Tensor {
  const b = Math.sqrt(3) * kaimingStd('kaimingUniform', t.shape, opts);
  return uniformInit(t, rng, -b, b);
}

/**
 * Kaiming/He normal: N(0, σ²) with σ = gain / √fan.
 * @param t weight [out, in, …]
 * @returns `t`
 * @example
 * ```ts
 * kaimingNormal(w, rng, { mode: 'fanOut', nonlinearity: 'relu' });
 * ```
 */
export function kaimingNormal(t: Tensor, rng: Rng, opts: KaimingOptions = {}): Tensor {
  return normalInit(t, rng, 0, kaimingStd('kaimingNormal', t.shape, opts));
}

/**
 * (Semi-)orthogonal initialisation (Saxe et al., "Exact solutions to the nonlinear dynamics of
 * learning in deep linear neural networks", arXiv:1312.6120): the tensor, flattened to
 * [rows = shape[0], cols = ∏ rest], becomes gain·Q with QᵀQ = I (tall) or QQᵀ = I (wide), where Q is
 * the sign-corrected QR factor of a Gaussian matrix (computed in float64 by Gram–Schmidt with
 * re-orthogonalisation).
 * @param t a tensor with at least 2 dimensions
 * @returns `t`
 * @example
 * ```ts
 * orthogonal(w, rng); // w [64, 32]: wᵀw = I
 * ```
 */
export function orthogonal(t: Tensor, rng: Rng, opts: { gain?: number } = {}): Tensor {
  if (t.ndim < 2) throw new ShapeError(`init.orthogonal: only tensors with 2 or more dimensions are supported, got ${fmtShape(t.shape)}`);
  const out = floatData('orthogonal', t);
  const rows = t.shape[0]!;
  const cols = t.size / rows;
  if (t.size === 0) return t;
  const gain = opts.gain ?? 1;
  // Q is m×n with m ≥ n, stored column-major: column j at q[j*m .. j*m+m).
  const m = Math.max(rows, cols), n = Math.min(rows, cols);
  const g = new Float64Array(rows * cols);
  rng.fillNormal(g);
  // The flattened matrix is [rows, cols] row-major; when wide we factor its transpose.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < m; i++) q[j * m + i] = rows >= cols ? g[i * cols + j]! : g[j * cols + i]!;
  }
  for (let j = 0; j < n; j++) {
    const cj = j * m;
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        const ck = k * m;
        let dot = 0;
        for (let i = 0; i < m; i++) dot += q[ck + i]! * q[cj + i]!;
        for (let i = 0; i < m; i++) q[cj + i] = q[cj + i]! - dot * q[ck + i]!;
      }
    }
    let nrm = 0;
    for (let i = 0; i < m; i++) nrm += q[cj + i]! * q[cj + i]!;
    nrm = Math.sqrt(nrm);
    if (nrm === 0) throw new ValueError('init.orthogonal: degenerate random matrix (zero column); try another seed');
    for (let i = 0; i < m; i++) q[cj + i] = q[cj + i]! / nrm;
  }
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[r * cols + c] = gain * (rows >= cols ? q[c * m + r]! : q[r * m + c]!);
  }
  return t;
}

/**
 * All initialisers under PyTorch-like short names (`init.uniform`, `init.kaimingUniform`, …).
 * @example
 * ```ts
 * init.kaimingUniform(linear.weight, rng, { a: Math.sqrt(5) });
 * init.zeros(linear.bias!);
 * ```
 */
export const init = Object.freeze({
  uniform: uniformInit,
  normal: normalInit,
  constant: constantInit,
  zeros: zerosInit,
  ones: onesInit,
  xavierUniform,
  xavierNormal,
  kaimingUniform,
  kaimingNormal,
  orthogonal,
  calculateGain,
  calculateFans,
});
