/**
 * The weights of one recurrent layer and direction, with PyTorch's names, layout and default
 * initialisation, and the input projection they define.
 * @module
 */
import { type Tensor, matmul, zeros } from '../../tensor/index.js';
import { ValueError } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import { uniformInit } from '../init.js';
import type { Module } from '../module.js';
import type { FloatDType, Parameter } from '../parameter.js';
import type { RecurrentKind } from './kind.js';

/** The four tensors of one layer and direction (biases null without bias). */
export interface RecurrentWeights {
  /** W_ih [G·H, I]. */
  readonly wIh: Parameter;
  /** W_hh [G·H, H]. */
  readonly wHh: Parameter;
  /** b_ih [G·H] or null. */
  readonly bIh: Parameter | null;
  /** b_hh [G·H] or null. */
  readonly bHh: Parameter | null;
}

/** Throw a ValueError unless `n` is a positive integer. */
export function checkPositive(where: string, name: string, n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new ValueError(`${where}: ${name} must be a positive integer, got ${String(n)}`);
  return n;
}

/**
 * Register `weight_ih{suffix}`, `weight_hh{suffix}` (and `bias_ih{suffix}`, `bias_hh{suffix}`) on
 * `m`, in that order, each drawn U(±1/√H) from `rng` (PyTorch's `RNNBase.reset_parameters`).
 */
export function registerWeights(m: Module<any[], any>, kind: RecurrentKind, suffix: string, inputSize: number, hiddenSize: number, bias: boolean, rng: Rng, dtype: FloatDType): void {
  const G = kind.gates * hiddenSize, bound = 1 / Math.sqrt(hiddenSize);
  const u = (shape: number[]): Tensor => uniformInit(zeros(shape, { dtype }), rng, -bound, bound);
  m.registerParameter(`weight_ih${suffix}`, u([G, inputSize]));
  m.registerParameter(`weight_hh${suffix}`, u([G, hiddenSize]));
  if (bias) {
    m.registerParameter(`bias_ih${suffix}`, u([G]));
    m.registerParameter(`bias_hh${suffix}`, u([G]));
  }
}

/** The registered weights of `suffix` (read from the registry, so loading and `toDType` keep them current). */
export function getWeights(m: Module<any[], any>, suffix: string): RecurrentWeights {
  return {
    wIh: m.getParameter(`weight_ih${suffix}`),
    wHh: m.getParameter(`weight_hh${suffix}`),
    bIh: m.maybeParameter(`bias_ih${suffix}`),
    bHh: m.maybeParameter(`bias_hh${suffix}`),
  };
}

/** The bias added to the input projection: b_ih + b_hh when the kind folds b_hh, else b_ih (or null). */
export function projectionBias(kind: RecurrentKind, w: RecurrentWeights): Tensor | null {
  if (!w.bIh) return null;
  return kind.foldHiddenBias && w.bHh ? w.bIh.add(w.bHh) : w.bIh;
}

/** x·W_ihᵀ + bias for x [N, I] → [N, G·H]. */
export function project(x: Tensor, wIh: Tensor, bias: Tensor | null): Tensor {
  const y = matmul(x, wIh, { transB: true });
  return bias ? y.add(bias) : y;
}
