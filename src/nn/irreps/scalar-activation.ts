/**
 * Scalar activations for irreps features: parity of an activation (even / odd / neither) and
 * e3nn's second-moment normalisation (`normalize2mom`), so that act(z), z ~ N(0, 1), has
 * E[act(z)²] = 1.
 * @module
 */
import { Tensor, abs, fromData, gelu, relu, sigmoid, silu, softplus, tanh } from '../../tensor/index.js';
import { ValueError } from '../../util/errors.js';

/** A scalar activation: a name or an elementwise tensor function. */
export type ScalarActivation = 'silu' | 'tanh' | 'sigmoid' | 'relu' | 'gelu' | 'softplus' | 'abs' | 'identity' | ((t: Tensor) => Tensor);

/** The elementwise function of an activation name. */
export function activationFunction(a: ScalarActivation, who: string): (t: Tensor) => Tensor {
  if (typeof a === 'function') return a;
  switch (a) {
    case 'silu': return silu;
    case 'tanh': return tanh;
    case 'sigmoid': return sigmoid;
    case 'relu': return relu;
    case 'gelu': return gelu;
    case 'softplus': return softplus;
    case 'abs': return abs;
    case 'identity': return (t) => t;
    default: throw new ValueError(`${who}: unknown activation '${String(a)}' (use silu, tanh, sigmoid, relu, gelu, softplus, abs, identity or a function)`);
  }
}

const GRID = 4001;
const SPAN = 12;

function grid(): Float64Array {
  return Float64Array.from({ length: GRID }, (_, i) => -SPAN + (2 * SPAN * i) / (GRID - 1));
}

/**
 * E[f(z)²] for z ~ N(0, 1) by the trapezoidal rule on [−12, 12] (4001 points; the Gaussian tail
 * beyond is below 1e−30), the second moment e3nn's `normalize2mom` divides by (it uses Monte Carlo).
 */
export function secondMoment(f: (t: Tensor) => Tensor): number {
  const z = grid();
  const y = f(fromData(z, [GRID])).data as Float64Array;
  const h = (2 * SPAN) / (GRID - 1);
  let s = 0;
  for (let i = 0; i < GRID; i++) {
    const w = (i === 0 || i === GRID - 1 ? 0.5 : 1) * h * Math.exp(-0.5 * z[i]! ** 2) / Math.sqrt(2 * Math.PI);
    s += w * y[i]! ** 2;
  }
  return s;
}

/** Parity of f on the grid: 1 if even, −1 if odd, 0 if neither (relative tolerance 1e−9). */
export function activationParity(f: (t: Tensor) => Tensor): 1 | -1 | 0 {
  const z = grid();
  const y = f(fromData(z, [GRID])).data as Float64Array;
  let scale = 0, even = 0, odd = 0;
  for (let i = 0; i < GRID; i++) {
    const a = y[i]!, b = y[GRID - 1 - i]!;
    scale = Math.max(scale, Math.abs(a));
    even = Math.max(even, Math.abs(a - b));
    odd = Math.max(odd, Math.abs(a + b));
  }
  if (even <= 1e-9 * Math.max(scale, 1e-300)) return 1;
  if (odd <= 1e-9 * Math.max(scale, 1e-300)) return -1;
  return 0;
}

/** A resolved activation: the function scaled to unit second moment (when asked) and its parity. */
export interface ResolvedActivation {
  readonly f: (t: Tensor) => Tensor;
  readonly parity: 1 | -1 | 0;
  readonly scale: number;
}

/** Resolve an activation: f → c·f with c = 1/√E[f(z)²] when `normalize`, and its parity. */
export function resolveActivation(a: ScalarActivation, normalize: boolean, who: string): ResolvedActivation {
  const f = activationFunction(a, who);
  const parity = activationParity(f);
  const m = secondMoment(f);
  if (!(m > 0) || !Number.isFinite(m)) throw new ValueError(`${who}: activation has second moment ${m} under N(0, 1); it cannot be normalised`);
  const scale = normalize ? 1 / Math.sqrt(m) : 1;
  return { f: scale === 1 ? f : (t) => f(t).mul(scale), parity, scale };
}
