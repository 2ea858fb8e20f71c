/**
 * Gradient checking: compare the analytic gradients computed by erlangen's autograd with numeric
 * ones from central differences, in float64 — first derivatives (`gradcheck`) and second
 * derivatives through double backward (`gradgradcheck`).
 * @module
 */
import { Tensor, backward, concat, enableGrad, grad, isGradEnabled, noGrad, reshape, uniform } from '../tensor/index.js';
import { DTypeError, Rng, ShapeError, ValueError, fmtShape } from '../util/index.js';
import { GradcheckError } from './errors.js';

/** Options of {@link gradcheck}. */
export interface GradcheckOptions {
  /** Step of the central difference (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-8). An element passes when |analytic − numeric| ≤ atol + rtol·|numeric|. */
  atol?: number;
  /** Relative tolerance (default 1e-6). */
  rtol?: number;
  /**
   * The upstream gradient u: the checked scalar is Σ out·u. A float64 tensor of the output's shape,
   * or `'random'` (the default): uniform in [−1, 1) from `rng`, so that no direction of the output
   * is weighted zero by accident (a constant upstream makes e.g. softmax's gradient vanish).
   */
  upstream?: Tensor | 'random';
  /** Generator of the random upstream (default `new Rng(0)`). */
  rng?: Rng;
}

/** The worst element of one input. */
export interface GradcheckWorst {
  /** Row-major index of the element. */
  flatIndex: number;
  /** Gradient from backward. */
  analytic: number;
  /** Gradient from central differences. */
  numeric: number;
}

/** Result for one input that requires grad. */
export interface GradcheckInputReport {
  /** Position of the input in the `inputs` array. */
  index: number;
  /** Its shape. */
  shape: readonly number[];
  /** max |analytic − numeric| over its elements (NaN if any gradient is not finite). */
  maxAbsError: number;
  /** max |analytic − numeric| / max(|analytic|, |numeric|) over its elements. */
  maxRelError: number;
  /** Elements outside the tolerance. */
  failures: number;
  /** The element with the largest excess over the tolerance (or the largest error when all pass); null for an empty input. */
  worst: GradcheckWorst | null;
}

/** Result of {@link gradcheck}. */
export interface GradcheckReport {
  /** Every element of every checked input is within tolerance (and finite). */
  ok: boolean;
  /** Largest absolute error over all checked inputs. */
  maxAbsError: number;
  /** Largest relative error over all checked inputs. */
  maxRelError: number;
  /** One entry per input with `requiresGrad`, in input order. */
  perInput: GradcheckInputReport[];
  /** The tolerances used. */
  tolerance: { eps: number; atol: number; rtol: number };
}

function requireFloat64(what: string, t: Tensor): void {
  if (t.dtype !== 'float64') {
    throw new DTypeError(`gradcheck: ${what} is ${t.dtype} ${fmtShape(t.shape)}; gradients are checked in float64 (use .cast('float64'))`);
  }
}

/** Σ out·u in float64 (plain loop, no autograd). */
function dot(out: Tensor, u: Float64Array): number {
  const d = out.data;
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i]! * u[i]!;
  return s;
}

function callFn(fn: (...inputs: Tensor[]) => Tensor, xs: Tensor[]): Tensor {
  const out = fn(...xs);
  if (!(out instanceof Tensor)) throw new ValueError('gradcheck: fn must return a Tensor');
  return out;
}

/**
 * Check the gradient of `fn` at `inputs` against central differences.
 *
 * The analytic gradient of the scalar L = Σ fn(inputs)·u (u the upstream gradient) w.r.t. every
 * input with `requiresGrad` comes from `backward`; the numeric one perturbs each element in turn:
 * ∂L/∂xᵢ ≈ (L(x + ε eᵢ) − L(x − ε eᵢ)) / 2ε. The inputs themselves are not modified (the check
 * runs on copies), and `fn` must be deterministic (seed any randomness inside it).
 *
 * @param fn the function under test; it may close over other (constant) tensors.
 * @param inputs float64 tensors; those with `requiresGrad` are checked.
 * @returns a report; see {@link assertGradcheck} for the throwing variant.
 * @throws DTypeError if an input, the output or the upstream is not float64.
 *
 * @example
 * ```ts
 * import { tensor, mul, sin } from 'erlangen';
 * import { gradcheck } from 'erlangen/testing';
 *
 * const x = tensor([0.3, -1.2, 2.0], { dtype: 'float64', requiresGrad: true });
 * const report = gradcheck((a) => mul(sin(a), a), [x]);
 * report.ok;          // true
 * report.maxAbsError; // ~1e-10
 * ```
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], opts: GradcheckOptions = {}): GradcheckReport {
  const eps = opts.eps ?? 1e-6;
  const atol = opts.atol ?? 1e-8;
  const rtol = opts.rtol ?? 1e-6;
  if (!(eps > 0)) throw new ValueError(`gradcheck: eps must be positive, got ${eps}`);
  if (!(atol >= 0) || !(rtol >= 0)) throw new ValueError(`gradcheck: tolerances must be non-negative, got atol=${atol}, rtol=${rtol}`);
  inputs.forEach((t, i) => requireFloat64(`input ${i}`, t));
  const checked = inputs.map((t, i) => (t.requiresGrad ? i : -1)).filter((i) => i >= 0);
  if (checked.length === 0) throw new ValueError('gradcheck: no input has requiresGrad; nothing to check');
  if (checked.every((i) => inputs[i]!.size === 0)) throw new ValueError(`gradcheck: the inputs with requiresGrad are empty (${checked.map((i) => fmtShape(inputs[i]!.shape)).join(', ')}); nothing to check`);

  // Analytic: fresh leaves with copies of the data, so the caller's tensors and their .grad stay untouched.
  const leaves = inputs.map((t) => new Tensor(Float64Array.from(t.data), t.shape, 'float64', t.requiresGrad));
  const out = callFn(fn, leaves);
  requireFloat64('the output of fn', out);
  let u: Tensor;
  if (opts.upstream === undefined || opts.upstream === 'random') {
    u = uniform(opts.rng ?? new Rng(0), out.shape, -1, 1, { dtype: 'float64' });
  } else {
    u = opts.upstream;
    requireFloat64('the upstream gradient', u);
    if (u.shape.length !== out.shape.length || u.shape.some((d, i) => d !== out.shape[i])) {
      throw new ShapeError(`gradcheck: upstream ${fmtShape(u.shape)} does not match the output ${fmtShape(out.shape)}`);
    }
  }
  if (out.requiresGrad) backward(out, u);
  const ud = Float64Array.from(u.data);

  // Numeric: central differences on separate copies, without recording a graph.
  const probes = inputs.map((t) => new Tensor(Float64Array.from(t.data), t.shape, 'float64', false));
  const evalAt = (): number => noGrad(() => dot(callFn(fn, probes), ud));

  const perInput: GradcheckInputReport[] = [];
  for (const index of checked) {
    const g = leaves[index]!.grad;
    const analytic = g ? g.data : new Float64Array(leaves[index]!.size);
    perInput.push(compareElements(index, inputs[index]!.shape, analytic, probes[index]!.data, evalAt, eps, atol, rtol));
  }
  return summarize(perInput, eps, atol, rtol);
}

/**
 * Central differences of `evalAt` over each element of `p` (perturbed in place and restored),
 * compared with `analytic`: the per-input part of a gradcheck report.
 */
function compareElements(index: number, shape: readonly number[], analytic: ArrayLike<number>, p: { [k: number]: number; length: number }, evalAt: () => number, eps: number, atol: number, rtol: number): GradcheckInputReport {
  let maxAbs = 0, maxRel = 0, failures = 0, worstExcess = -Infinity;
  let worst: GradcheckWorst | null = null;
  for (let k = 0; k < p.length; k++) {
    const x0 = p[k]!;
    p[k] = x0 + eps;
    const fp = evalAt();
    p[k] = x0 - eps;
    const fm = evalAt();
    p[k] = x0;
    const numeric = (fp - fm) / (2 * eps);
    const a = analytic[k]!;
    const abs = Math.abs(a - numeric);
    const finite = Number.isFinite(a) && Number.isFinite(numeric);
    const scale = Math.max(Math.abs(a), Math.abs(numeric));
    const rel = scale > 0 ? abs / scale : 0;
    const excess = finite ? abs - (atol + rtol * Math.abs(numeric)) : Infinity;
    if (!finite) maxAbs = NaN;
    else if (abs > maxAbs) maxAbs = abs;
    if (finite && rel > maxRel) maxRel = rel;
    if (excess > 0) failures++;
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = { flatIndex: k, analytic: a, numeric };
    }
  }
  return { index, shape, maxAbsError: maxAbs, maxRelError: maxRel, failures, worst };
}

function summarize(perInput: GradcheckInputReport[], eps: number, atol: number, rtol: number): GradcheckReport {
  const ok = perInput.every((r) => r.failures === 0);
  const maxAbsError = perInput.some((r) => Number.isNaN(r.maxAbsError)) ? NaN : Math.max(0, ...perInput.map((r) => r.maxAbsError));
  const maxRelError = Math.max(0, ...perInput.map((r) => r.maxRelError));
  return { ok, maxAbsError, maxRelError, perInput, tolerance: { eps, atol, rtol } };
}

/**
 * Check the gradient of a scalar `loss()` w.r.t. tensors it reads but does not take as arguments —
 * typically a module's parameters (`model.parameters()`) — against central differences. The
 * analytic gradients come from {@link grad} (the tensors' `.grad` is left alone); the numeric ones
 * perturb each parameter element **in place** and restore it, so `loss` must read the parameters'
 * current values on every call and be deterministic (seed any randomness, e.g. dropout, inside it,
 * or use eval mode).
 *
 * @param params float64 tensors with `requiresGrad` (a module's parameters).
 * @param loss recomputes the scalar loss from the current parameter values.
 * @returns a report with one entry per parameter (`index` = position in `params`).
 * @throws DTypeError for a parameter or loss that is not float64; ValueError for an empty list, a
 *   parameter without `requiresGrad`, or a loss that is not a scalar.
 *
 * @example
 * ```ts
 * import { Linear, mseLoss, randn, Rng } from 'erlangen';
 * import { paramGradcheck } from 'erlangen/testing';
 *
 * const rng = new Rng(0);
 * const lin = new Linear(3, 2, { rng, dtype: 'float64' });
 * const x = randn(rng, [4, 3], { dtype: 'float64' }), y = randn(rng, [4, 2], { dtype: 'float64' });
 * paramGradcheck(lin.parameters(), () => mseLoss(lin.call(x), y)).ok; // true
 * ```
 */
export function paramGradcheck(params: readonly Tensor[], loss: () => Tensor, opts: Omit<GradcheckOptions, 'upstream' | 'rng'> = {}): GradcheckReport {
  const eps = opts.eps ?? 1e-6;
  const atol = opts.atol ?? 1e-8;
  const rtol = opts.rtol ?? 1e-6;
  if (!(eps > 0)) throw new ValueError(`paramGradcheck: eps must be positive, got ${eps}`);
  if (!(atol >= 0) || !(rtol >= 0)) throw new ValueError(`paramGradcheck: tolerances must be non-negative, got atol=${atol}, rtol=${rtol}`);
  if (params.length === 0) throw new ValueError('paramGradcheck: no parameters to check');
  params.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new ValueError(`paramGradcheck: parameter ${i} is not a Tensor`);
    if (t.dtype !== 'float64') throw new DTypeError(`paramGradcheck: parameter ${i} is ${t.dtype} ${fmtShape(t.shape)}; gradients are checked in float64`);
    if (!t.requiresGrad) throw new ValueError(`paramGradcheck: parameter ${i} ${fmtShape(t.shape)} does not require grad`);
  });
  const scalar = (): Tensor => {
    const l = loss();
    if (!(l instanceof Tensor)) throw new ValueError('paramGradcheck: loss must return a Tensor');
    if (l.dtype !== 'float64') throw new DTypeError(`paramGradcheck: the loss is ${l.dtype}; gradients are checked in float64`);
    if (l.size !== 1) throw new ValueError(`paramGradcheck: the loss must be a scalar, got ${fmtShape(l.shape)}`);
    return l;
  };
  const analytic = enableGrad(() => grad([scalar()], params, { allowUnused: true }));
  const evalAt = (): number => noGrad(() => scalar().data[0]!);
  const perInput = params.map((p, i) =>
    compareElements(i, p.shape, analytic[i]?.data ?? new Float64Array(p.size), p.data as Float64Array, evalAt, eps, atol, rtol));
  return summarize(perInput, eps, atol, rtol);
}

/** {@link paramGradcheck} that throws a GradcheckError with the formatted report when it fails. */
export function assertParamGradcheck(params: readonly Tensor[], loss: () => Tensor, opts: Omit<GradcheckOptions, 'upstream' | 'rng'> & { label?: string } = {}): GradcheckReport {
  const report = paramGradcheck(params, loss, opts);
  if (!report.ok) throw new GradcheckError(formatGradcheckReport(report, opts.label ?? 'paramGradcheck'));
  return report;
}

function multiIndex(flat: number, shape: readonly number[]): string {
  const idx: number[] = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d]!;
    idx[d] = flat % n;
    flat = Math.floor(flat / n);
  }
  return `[${idx.join(',')}]`;
}

/** A human-readable, multi-line description of a gradcheck report. */
export function formatGradcheckReport(report: GradcheckReport, label = 'gradcheck'): string {
  const { eps, atol, rtol } = report.tolerance;
  const lines = [
    `${label}: ${report.ok ? 'passed' : 'FAILED'} (max abs error ${report.maxAbsError.toExponential(3)}, max rel error ${report.maxRelError.toExponential(3)}; ` +
      `eps=${eps}, atol=${atol}, rtol=${rtol})`,
  ];
  for (const r of report.perInput) {
    const w = r.worst;
    const where = w ? ` worst at ${multiIndex(w.flatIndex, r.shape)} (flat ${w.flatIndex}): analytic ${w.analytic}, numeric ${w.numeric}` : '';
    lines.push(`  input ${r.index} ${fmtShape(r.shape)}: ${r.failures} element(s) out of tolerance, max abs error ${r.maxAbsError.toExponential(3)};${where}`);
  }
  return lines.join('\n');
}

/**
 * {@link gradcheck}, throwing a {@link GradcheckError} with a readable report when the gradients disagree.
 *
 * @example
 * ```ts
 * const w = randn(new Rng(1), [3, 2], { dtype: 'float64', requiresGrad: true });
 * assertGradcheck((a) => tanh(matmul(a, a.T)), [w]);
 * ```
 */
export function assertGradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], opts: GradcheckOptions & { label?: string } = {}): GradcheckReport {
  const report = gradcheck(fn, inputs, opts);
  if (!report.ok) throw new GradcheckError(formatGradcheckReport(report, opts.label));
  return report;
}

/** Options of {@link gradgradcheck}. */
export interface GradgradcheckOptions extends GradcheckOptions {
  /**
   * The vector v of the vector–Jacobian product that is differentiated: a float64 tensor of the
   * output's shape, or `'random'` (the default, uniform in [−1, 1) from `rng`). It is checked as an
   * input too (the last entry of the report's `perInput`).
   */
  gradOutputs?: Tensor | 'random';
}

/**
 * Check second derivatives (as `torch.autograd.gradgradcheck`): the vector–Jacobian product
 * G(x, v) = vᵀ ∂fn(x)/∂x — computed by {@link grad} with `createGraph` — is itself gradchecked,
 * w.r.t. every input with `requiresGrad` and w.r.t. v, against central differences of G. The
 * analytic side differentiates the backward pass (double backward, the Hessian–vector product
 * uᵀ ∂²(vᵀfn)/∂x²  plus the mixed term in v); the numeric side only needs first derivatives.
 * The report lists the inputs with `requiresGrad` and then v (at index `inputs.length`).
 *
 * @param fn the function under test (deterministic; it may close over constant tensors).
 * @param inputs float64 tensors; those with `requiresGrad` are checked.
 * @throws DTypeError if an input, the output or v is not float64; GradError if fn's output does not
 *   depend on the inputs at all.
 *
 * @example
 * ```ts
 * const x = tensor([0.3, -1.2, 2.0], { dtype: 'float64', requiresGrad: true });
 * gradgradcheck((a) => mul(sin(a), a), [x]).ok; // true
 * ```
 */
export function gradgradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], opts: GradgradcheckOptions = {}): GradcheckReport {
  inputs.forEach((t, i) => requireFloat64(`input ${i}`, t));
  const diff = inputs.map((t) => t.requiresGrad);
  if (!diff.some(Boolean)) throw new ValueError('gradgradcheck: no input has requiresGrad; nothing to check');
  const rng = opts.rng ?? new Rng(0);
  const shape = noGrad(() => callFn(fn, inputs.map((t) => new Tensor(Float64Array.from(t.data), t.shape, 'float64')))).shape;
  let v: Tensor;
  if (opts.gradOutputs === undefined || opts.gradOutputs === 'random') {
    v = uniform(rng, shape, -1, 1, { dtype: 'float64' });
  } else {
    v = opts.gradOutputs;
    requireFloat64('the upstream gradient v', v);
    if (v.shape.length !== shape.length || v.shape.some((d, i) => d !== shape[i])) {
      throw new ShapeError(`gradgradcheck: gradOutputs ${fmtShape(v.shape)} does not match the output ${fmtShape(shape)}`);
    }
  }
  // G(x, v): the gradients w.r.t. the differentiable inputs, flattened and joined. On the analytic
  // side (grad mode on) they carry a graph; on the numeric side (noGrad) they are plain first derivatives.
  const G = (...args: Tensor[]): Tensor => {
    const createGraph = isGradEnabled();
    const xs = args.slice(0, inputs.length), u = args[inputs.length]!;
    return enableGrad(() => {
      const leaves = xs.map((x, i) => (diff[i] && !x.requiresGrad ? new Tensor(x.data, x.shape, 'float64', true) : x));
      const out = callFn(fn, leaves);
      const wrt = leaves.filter((_, i) => diff[i]);
      const gs = grad(out, wrt, { gradOutputs: u, createGraph, materializeGrads: true });
      const flat = gs.map((g) => reshape(g!, [g!.size]));
      return flat.length === 1 ? flat[0]! : concat(flat, 0);
    });
  };
  const vLeaf = new Tensor(Float64Array.from(v.data), v.shape, 'float64', true);
  return gradcheck(G, [...inputs, vLeaf], { eps: opts.eps, atol: opts.atol ?? 1e-7, rtol: opts.rtol ?? 1e-5, upstream: opts.upstream, rng });
}

/**
 * {@link gradgradcheck}, throwing a {@link GradcheckError} with a readable report when the second
 * derivatives disagree.
 */
export function assertGradgradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], opts: GradgradcheckOptions & { label?: string } = {}): GradcheckReport {
  const report = gradgradcheck(fn, inputs, opts);
  if (!report.ok) throw new GradcheckError(formatGradcheckReport(report, opts.label ?? 'gradgradcheck'));
  return report;
}
