/**
 * Elementwise primitives with broadcasting, and their gradient rules.
 * @module
 */
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../util/errors.js';
import { apply, applyInto, type OutOptions } from '../engine.js';
import type { BackwardCtx, OpDef } from '../op-def.js';
import { asOp, broadcastShapes, describe, requireTensor } from '../shape-util.js';
import { Tensor } from '../tensor.js';
import { asTensor, cast, requireFloat, requireSameDType, sumToShape } from './base.js';

type Rule = (ctx: BackwardCtx<{ alpha?: number }>) => Tensor;

function unaryOp(name: string, rule?: Rule, saved?: readonly number[]): OpDef<{ alpha?: number }> {
  return {
    name,
    saved,
    infer: ([x]) => {
      requireFloat(name, x!);
      return [{ shape: x!.shape, dtype: x!.dtype }];
    },
    backward: rule ? (ctx) => [rule(ctx)] : undefined,
  };
}

const x0 = (c: BackwardCtx<unknown>): Tensor => c.inputs[0]!;
const y0 = (c: BackwardCtx<unknown>): Tensor => c.outputs[0]!;
const SQRT1_2PI = 1 / Math.sqrt(2 * Math.PI);

const U = {
  neg: unaryOp('neg', (c) => neg(c.grad), []),
  abs: unaryOp('abs', (c) => mul(c.grad, sign(x0(c)))),
  sign: unaryOp('sign', (c) => mul(c.grad, 0)),
  exp: unaryOp('exp', (c) => mul(c.grad, y0(c)), [1]),
  log: unaryOp('log', (c) => div(c.grad, x0(c))),
  log1p: unaryOp('log1p', (c) => div(c.grad, add(x0(c), 1))),
  expm1: unaryOp('expm1', (c) => mul(c.grad, add(y0(c), 1))),
  sqrt: unaryOp('sqrt', (c) => div(c.grad, mul(y0(c), 2))),
  rsqrt: unaryOp('rsqrt', (c) => mul(c.grad, mul(powScalar(y0(c), 3), -0.5))),
  sin: unaryOp('sin', (c) => mul(c.grad, cos(x0(c)))),
  cos: unaryOp('cos', (c) => neg(mul(c.grad, sin(x0(c))))),
  tanh: unaryOp('tanh', (c) => mul(c.grad, sub(1, square(y0(c))))),
  sigmoid: unaryOp('sigmoid', (c) => mul(c.grad, mul(y0(c), sub(1, y0(c))))),
  relu: unaryOp('relu', (c) => mul(c.grad, step(x0(c)))),
  leakyRelu: unaryOp('leakyRelu', (c) => {
    const a = c.attrs.alpha!;
    return mul(c.grad, add(mul(step(x0(c)), 1 - a), a));
  }),
  elu: unaryOp('elu', (c) => {
    const a = c.attrs.alpha!;
    const s = step(x0(c));
    return mul(c.grad, add(s, mul(sub(1, s), add(y0(c), a))));
  }),
  gelu: unaryOp('gelu', (c) => {
    const x = x0(c);
    const cdf = mul(add(erf(mul(x, Math.SQRT1_2)), 1), 0.5);
    const pdf = mul(exp(mul(square(x), -0.5)), SQRT1_2PI);
    return mul(c.grad, add(cdf, mul(x, pdf)));
  }),
  silu: unaryOp('silu', (c) => siluGrad(x0(c), c.grad)),
  softplus: unaryOp('softplus', (c) => mul(c.grad, sigmoid(x0(c)))),
  erf: unaryOp('erf', (c) => mul(c.grad, mul(exp(neg(square(x0(c)))), 2 / Math.sqrt(Math.PI)))),
  reciprocal: unaryOp('reciprocal', (c) => neg(mul(c.grad, square(y0(c))))),
  square: unaryOp('square', (c) => mul(c.grad, mul(x0(c), 2))),
  step: unaryOp('step'),
  powScalar: unaryOp('powScalar', (c) => {
    const a = c.attrs.alpha!;
    return mul(c.grad, mul(powScalar(x0(c), a - 1), a));
  }),
};

/** −x */ export const neg = (x: Tensor, opts?: OutOptions): Tensor => applyInto(U.neg, [x], {}, opts);
/** |x| */ export const abs = (x: Tensor, opts?: OutOptions): Tensor => applyInto(U.abs, [x], {}, opts);
/** sign(x) ∈ {−1, 0, 1} (gradient 0). */ export const sign = (x: Tensor, opts?: OutOptions): Tensor => applyInto(U.sign, [x], {}, opts);
/** eˣ */ export const exp = (x: Tensor, opts?: OutOptions): Tensor => applyInto(U.exp, [x], {}, opts);
/** ln x */ export const log = (x: Tensor, opts?: OutOptions): Tensor => applyInto(U.log, [x], {}, opts);
/** ln(1 + x), accurate near 0. */ export const log1p = (x: Tensor, opts?: OutOptions): Tensor => applyInto(U.log1p, [x], {}, opts);
/** eˣ − 1, accurate near 0. */ export const expm1 = (x: Tensor, opts?: OutOptions): Tensor => applyInto(U.expm1, [x], {}, opts);
/** √x */ export const sqrt = (x: Tensor, opts?: OutOptions): Tensor => applyInto(U.sqrt, [x], {}, opts);
/** 1/√x */ export const rsqrt = (x: Tensor, opts?: OutOptions): Tensor => applyInto(U.rsqrt, [x], {}, opts);
/** sin x */ export const sin = (x: Tensor, opts?: OutOptions): Tensor => applyInto(U.sin, [x], {}, opts);
/** cos x */ export const cos = (x: Tensor, opts?: OutOptions): Tensor => applyInto(U.cos, [x], {}, opts);
/** tanh x */ export const tanh = (x: Tensor, opts?: OutOptions): Tensor => applyInto(U.tanh, [x], {}, opts);
/** σ(x) = 1/(1 + e^{−x}) */ export const sigmoid = (x: Tensor, opts?: OutOptions): Tensor => applyInto(U.sigmoid, [x], {}, opts);
/** max(x, 0) */ export const relu = (x: Tensor, opts?: OutOptions): Tensor => applyInto(U.relu, [x], {}, opts);
/** x for x > 0, αx otherwise (default α = 0.01). */
export const leakyRelu = (x: Tensor, alpha = 0.01, opts?: OutOptions): Tensor => applyInto(U.leakyRelu, [x], { alpha }, opts);
/** x for x > 0, α(eˣ − 1) otherwise (default α = 1). */
export const elu = (x: Tensor, alpha = 1, opts?: OutOptions): Tensor => applyInto(U.elu, [x], { alpha }, opts);
/** How {@link gelu} evaluates Φ: exactly ('none', erf-based) or by the tanh approximation. */
export type GeluApproximate = 'none' | 'tanh';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * GELU x·Φ(x) (Hendrycks & Gimpel 2016, arXiv:1606.08415), `torch.nn.functional.gelu`. The default
 * `approximate = 'none'` is exact (erf-based); `'tanh'` is the approximation
 *
 *   GELU(x) ≈ ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))),
 *
 * composed of differentiable primitives (its gradient is that of the formula, as torch's).
 * `approximate` may also be given as torch's keyword, `gelu(x, { approximate: 'tanh' })`.
 * @throws ValueError for another `approximate`
 */
export function gelu(x: Tensor, approximate: GeluApproximate | { approximate?: GeluApproximate } = 'none'): Tensor {
  requireTensor('gelu', 'x', x);
  if (typeof approximate === 'object' && approximate !== null) approximate = approximate.approximate ?? 'none';
  if (approximate === 'none') return apply(U.gelu, [x]);
  if (approximate !== 'tanh') throw new ValueError(`gelu: approximate must be 'none' or 'tanh', got ${describe(approximate)}`);
  return asOp('gelu', () => {
    const inner = mul(add(x, mul(powScalar(x, 3), 0.044715)), SQRT_2_OVER_PI);
    return mul(mul(x, 0.5), add(tanh(inner), 1));
  });
}
/** SiLU / swish x·σ(x). */ export const silu = (x: Tensor, opts?: OutOptions): Tensor => applyInto(U.silu, [x], {}, opts);
/**
 * softplus, `torch.nn.functional.softplus`: (1/β)·ln(1 + e^{βx}), and x itself where βx exceeds
 * `threshold` (the linear regime, for numerical stability; defaults β = 1, threshold = 20 as
 * torch). The gradient is σ(βx) below the threshold and 1 above it, as torch's. With
 * `threshold = Infinity` the smooth formula is used everywhere. Also `softplus(x, { beta, threshold })`.
 * @throws ValueError for β ≤ 0 (or not finite) or a NaN threshold
 */
export function softplus(x: Tensor, beta: number | { beta?: number; threshold?: number } = 1, threshold = 20): Tensor {
  requireTensor('softplus', 'x', x);
  if (typeof beta === 'object' && beta !== null) ({ beta = 1, threshold = 20 } = beta);
  if (typeof beta !== 'number' || !(beta > 0 && beta < Infinity)) throw new ValueError(`softplus: beta must be a positive finite number, got ${describe(beta)}`);
  if (typeof threshold !== 'number' || Number.isNaN(threshold)) throw new ValueError(`softplus: threshold must be a number, got ${describe(threshold)}`);
  if (beta === 1 && threshold === Infinity) return apply(U.softplus, [x]);
  return asOp('softplus', () => {
    const bx = beta === 1 ? x : mul(x, beta);
    const y = beta === 1 ? apply(U.softplus, [bx]) : div(apply(U.softplus, [bx]), beta);
    return threshold === Infinity ? y : where(gt(bx, threshold), x, y);
  });
}
/** Error function. */ export const erf = (x: Tensor, opts?: OutOptions): Tensor => applyInto(U.erf, [x], {}, opts);
/** 1/x */ export const reciprocal = (x: Tensor, opts?: OutOptions): Tensor => applyInto(U.reciprocal, [x], {}, opts);
/** x² */ export const square = (x: Tensor, opts?: OutOptions): Tensor => applyInto(U.square, [x], {}, opts);
/** Heaviside step 1[x > 0] (gradient 0). */ export const step = (x: Tensor, opts?: OutOptions): Tensor => applyInto(U.step, [x], {}, opts);
/** xᵃ for a constant exponent a. */ export const powScalar = (x: Tensor, a: number, opts?: OutOptions): Tensor => applyInto(U.powScalar, [x], { alpha: a }, opts);

function binaryOp(name: string, rule?: (c: BackwardCtx<unknown>) => [Tensor | null, Tensor | null], saved?: readonly number[]): OpDef {
  return {
    name,
    saved,
    infer: ([a, b]) => {
      requireFloat(name, a!, b!);
      const dtype = requireSameDType(name, a!, b!);
      return [{ shape: broadcastShapes(name, a!.shape, b!.shape), dtype }];
    },
    backward: rule
      ? (c) => {
          const [ga, gb] = rule(c);
          return [ga && c.needs[0] ? sumToShape(ga, c.inputs[0]!.shape) : null, gb && c.needs[1] ? sumToShape(gb, c.inputs[1]!.shape) : null];
        }
      : undefined,
  };
}

const a0 = (c: BackwardCtx<unknown>): Tensor => c.inputs[0]!;
const b0 = (c: BackwardCtx<unknown>): Tensor => c.inputs[1]!;

const B = {
  add: binaryOp('add', (c) => [c.grad, c.grad], []),
  sub: binaryOp('sub', (c) => [c.grad, neg(c.grad)], []),
  mul: binaryOp('mul', (c) => [c.needs[0] ? mul(c.grad, b0(c)) : null, c.needs[1] ? mul(c.grad, a0(c)) : null]),
  div: binaryOp('div', (c) => [
    c.needs[0] ? div(c.grad, b0(c)) : null,
    c.needs[1] ? neg(div(mul(c.grad, a0(c)), square(b0(c)))) : null,
  ]),
  pow: binaryOp('pow', (c) => {
    const a = a0(c), b = b0(c);
    return [
      c.needs[0] ? mul(c.grad, mul(b, pow(a, sub(b, 1)))) : null,
      c.needs[1] ? mul(c.grad, mul(y0(c), where(gt(a, 0), log(where(gt(a, 0), a, 1)), 0))) : null,
    ];
  }),
  maximum: binaryOp('maximum', (c) => {
    const m = add(gt(a0(c), b0(c)), mul(eq(a0(c), b0(c)), 0.5));
    return [mul(c.grad, m), mul(c.grad, sub(1, m))];
  }),
  minimum: binaryOp('minimum', (c) => {
    const m = add(lt(a0(c), b0(c)), mul(eq(a0(c), b0(c)), 0.5));
    return [mul(c.grad, m), mul(c.grad, sub(1, m))];
  }),
  eq: binaryOp('eq'),
  ne: binaryOp('ne'),
  lt: binaryOp('lt'),
  le: binaryOp('le'),
  gt: binaryOp('gt'),
  ge: binaryOp('ge'),
};

type Operand = Tensor | number;

/** Throw a DTypeError naming `op` unless `v` is a Tensor or a number. */
function checkOperand(op: string, name: string, v: unknown): void {
  if (!(v instanceof Tensor) && typeof v !== 'number') throw new DTypeError(`${op}: operand ${name} must be a Tensor or a number, got ${describe(v)}`);
}

function bin(op: OpDef, a: Operand, b: Operand, opts?: OutOptions): Tensor {
  checkOperand(op.name, 'a', a);
  checkOperand(op.name, 'b', b);
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) throw new DTypeError(`${op.name}: at least one operand must be a Tensor`);
  const ta = a instanceof Tensor ? a : asTensor(a, b as Tensor);
  const tb = b instanceof Tensor ? b : asTensor(b, ta);
  return applyInto(op, [ta, tb], {}, opts);
}

/** a + b (broadcasting). */ export const add = (a: Operand, b: Operand, opts?: OutOptions): Tensor => bin(B.add, a, b, opts);
/** a − b */ export const sub = (a: Operand, b: Operand, opts?: OutOptions): Tensor => bin(B.sub, a, b, opts);
/** a · b (elementwise) */ export const mul = (a: Operand, b: Operand, opts?: OutOptions): Tensor => bin(B.mul, a, b, opts);
/** a / b */ export const div = (a: Operand, b: Operand, opts?: OutOptions): Tensor => bin(B.div, a, b, opts);
/** aᵇ */ export const pow = (a: Operand, b: Operand, opts?: OutOptions): Tensor => (typeof b === 'number' && a instanceof Tensor ? (opts?.out ? powScalar(a, b, opts) : asOp('pow', () => powScalar(a, b))) : bin(B.pow, a, b, opts));
/** Elementwise maximum (NaN propagates). */ export const maximum = (a: Operand, b: Operand, opts?: OutOptions): Tensor => bin(B.maximum, a, b, opts);
/** Elementwise minimum (NaN propagates). */ export const minimum = (a: Operand, b: Operand, opts?: OutOptions): Tensor => bin(B.minimum, a, b, opts);
/** 1 where a = b else 0 (same float dtype; no gradient). */ export const eq = (a: Operand, b: Operand, opts?: OutOptions): Tensor => bin(B.eq, a, b, opts);
/** 1 where a ≠ b */ export const ne = (a: Operand, b: Operand, opts?: OutOptions): Tensor => bin(B.ne, a, b, opts);
/** 1 where a < b */ export const lt = (a: Operand, b: Operand, opts?: OutOptions): Tensor => bin(B.lt, a, b, opts);
/** 1 where a ≤ b */ export const le = (a: Operand, b: Operand, opts?: OutOptions): Tensor => bin(B.le, a, b, opts);
/** 1 where a > b */ export const gt = (a: Operand, b: Operand, opts?: OutOptions): Tensor => bin(B.gt, a, b, opts);
/** 1 where a ≥ b */ export const ge = (a: Operand, b: Operand, opts?: OutOptions): Tensor => bin(B.ge, a, b, opts);

/**
 * SiLU's vector–Jacobian product as one op: g · σ(x) · (1 + x(1 − σ(x))) — one kernel pass instead
 * of six elementwise ops. Differentiable (double backward): ∂/∂g = σ(1 + x(1 − σ)) and
 * ∂/∂x = g · σ(1 − σ)(2 + x(1 − 2σ)), composed from primitives.
 */
const siluGradOp: OpDef = {
  name: 'siluGrad',
  infer: ([x, g]) => {
    requireFloat('siluGrad', x!, g!);
    const dtype = requireSameDType('siluGrad', x!, g!);
    if (x!.shape.length !== g!.shape.length || x!.shape.some((d, i) => d !== g!.shape[i])) {
      throw new ShapeError(`siluGrad: x ${fmtShape(x!.shape)} and g ${fmtShape(g!.shape)} must have the same shape`);
    }
    return [{ shape: x!.shape, dtype }];
  },
  backward: ({ grad, inputs, needs }) => {
    const [x, g] = inputs as [Tensor, Tensor];
    const s = sigmoid(x);
    return [
      needs[0] ? mul(mul(grad, g), mul(mul(s, sub(1, s)), add(mul(x, sub(1, mul(s, 2))), 2))) : null,
      needs[1] ? mul(grad, mul(s, add(mul(x, sub(1, s)), 1))) : null,
    ];
  },
};

/** g · SiLU′(x) = g · σ(x)(1 + x(1 − σ(x))), SiLU's backward in one op (x and g of one shape). */
export function siluGrad(x: Tensor, g: Tensor): Tensor {
  requireTensor('siluGrad', 'x', x);
  requireTensor('siluGrad', 'g', g);
  return apply(siluGradOp, [x, g]);
}

const whereOp: OpDef = {
  name: 'where',
  infer: ([c, a, b]) => {
    requireFloat('where', c!, a!, b!);
    const dtype = requireSameDType('where', a!, b!);
    return [{ shape: broadcastShapes('where', c!.shape, a!.shape, b!.shape), dtype }];
  },
  backward: ({ grad, inputs, needs }) => {
    const [c, a, b] = inputs as [Tensor, Tensor, Tensor];
    // Select with a constant 0 (not grad·0, which would turn an Inf/NaN upstream into NaN in the unselected branch).
    return [
      null,
      needs[1] ? sumToShape(where(c, grad, 0), a.shape) : null,
      needs[2] ? sumToShape(where(c, 0, grad), b.shape) : null,
    ];
  },
};

/** cond ≠ 0 ? a : b, elementwise with broadcasting (no gradient w.r.t. cond). */
export function where(cond: Tensor, a: Operand, b: Operand, opts?: OutOptions): Tensor {
  requireTensor('where', 'cond', cond);
  if (!(cond instanceof Tensor)) throw new DTypeError(`where: cond must be a Tensor, got ${describe(cond)}`);
  checkOperand('where', 'a', a);
  checkOperand('where', 'b', b);
  const like = a instanceof Tensor ? a : b instanceof Tensor ? b : cond;
  const ta = asTensor(a, like), tb = asTensor(b, like);
  const c = cond.dtype === ta.dtype ? cond : cast(cond, ta.dtype); // a recorded op: no host read of cond
  return applyInto(whereOp, [c, ta, tb], {}, opts);
}

/**
 * `clamp` as one primitive (one pass, where the composition of comparisons and `where` made four).
 * Gradient: g where lo ≤ x ≤ hi (the bounds included, and NaN passes), 0 outside — written with
 * comparisons and `where`, so its own derivative is 0 almost everywhere.
 */
const clampOp: OpDef<{ lo: number; hi: number }> = {
  name: 'clamp',
  infer: ([x]) => {
    requireFloat('clamp', x!);
    return [{ shape: x!.shape, dtype: x!.dtype }];
  },
  backward: ({ grad, inputs: [x], attrs: { lo, hi } }) => {
    let g = grad;
    if (lo !== -Infinity) g = where(lt(x!, lo), 0, g);
    if (hi !== Infinity) g = where(gt(x!, hi), 0, g);
    return [g];
  },
};

/**
 * Clamp into [lo, hi] (either bound may be omitted): x < lo → lo, x > hi → hi, else x (NaN stays
 * NaN); the bounds are compared in the tensor's dtype. Gradient 1 inside, including the bounds.
 * @throws ValueError for a NaN or non-number bound or lo > hi; DTypeError for an int32 tensor
 */
export function clamp(x: Tensor, lo?: number | null, hi?: number | null, opts?: OutOptions): Tensor {
  requireTensor('clamp', 'x', x);
  if (!(x instanceof Tensor)) throw new DTypeError(`clamp: x must be a Tensor, got ${describe(x)}`);
  for (const [name, v] of [['lower', lo], ['upper', hi]] as const) {
    if (v != null && (typeof v !== 'number' || Number.isNaN(v))) throw new ValueError(`clamp: ${name} bound must be a number (not NaN), got ${describe(v)}`);
  }
  if (lo != null && hi != null && lo > hi) throw new ValueError(`clamp: lower bound ${lo} exceeds upper bound ${hi}`);
  return applyInto(clampOp, [x], { lo: lo ?? -Infinity, hi: hi ?? Infinity }, opts);
}
