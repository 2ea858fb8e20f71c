/**
 * The shape of a primitive op: output-shape inference, and the backward rule next to it.
 * @module
 */
import type { DType, Kernel } from '../backend/types.js';
import type { Tensor } from './tensor.js';

/** Shape and dtype of a tensor, known without its data. */
export interface Meta {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** What a backward rule receives. */
export interface BackwardCtx<A> {
  /** The op's inputs (forward values). */
  readonly inputs: readonly Tensor[];
  /** The op's outputs; `outputs[0]` is the differentiable one. */
  readonly outputs: readonly Tensor[];
  /** Gradient of the loss w.r.t. `outputs[0]`. */
  readonly grad: Tensor;
  /** The op's attributes. */
  readonly attrs: A;
  /** Which inputs need a gradient (rules may skip the others). */
  readonly needs: readonly boolean[];
}

/**
 * A primitive op. Primitives are the closed set that kernels implement; every other function is
 * a composition of primitives and needs no gradient rule of its own.
 */
export interface OpDef<A = any> {
  /** Kernel name in the registry. */
  readonly name: string;
  /** Output metas from input metas and attributes; throws ShapeError/DTypeError on bad input. */
  infer(inputs: readonly Meta[], attrs: A): Meta[];
  /** Gradients w.r.t. each input, built from ops (null where there is none). */
  backward?(ctx: BackwardCtx<A>): (Tensor | null)[];
  /** The output shares the input's storage (reshape). */
  readonly alias?: boolean;
  /**
   * Which tensors the backward rule reads the values of, as positions in `[...inputs, ...outputs]`
   * (default: all). Only these are checked for in-place modification before the rule runs; an op
   * whose gradient needs only shapes (add, sum, reshape, …) lists none, an indexing op its index.
   */
  readonly saved?: readonly number[];
  /**
   * Set (to the reason) on an op whose backward rule is not itself differentiable (e.g. a fused
   * gradient kernel without a rule of its own). Under `createGraph` the engine then runs the rule
   * without recording and marks its gradients so that differentiating them again raises a
   * `GradError` naming the op, instead of silently returning a zero second derivative.
   */
  readonly notTwiceDifferentiable?: string;
  /**
   * A kernel that runs on the host for every backend, instead of the registry's kernel of `name`:
   * for stateful or stochastic primitives whose state lives on the host (the dropout mask reads a
   * seeded `Rng`, the batch-norm running-statistics update writes module buffers). Replaying a
   * plan runs it again, so the state advances on every run (docs/design/compiled-steps.md).
   */
  readonly hostKernel?: Kernel;
  /**
   * Inputs the kernel writes in place, as input positions: the engine bumps their version after
   * the kernel ran (an in-place update such as the running statistics of batch norm).
   */
  readonly mutates?: readonly number[];
}
