/**
 * Tracing: run a function once on symbolic tensors of fixed shapes and record every kernel call
 * (forward and, if the function calls backward, the backward pass) into a `Plan`. A plan can be
 * replayed on any backend; the GPU executors of later issues run plans as device pipelines.
 * @module
 */
import type { Backend, DType } from '../backend/types.js';
import { getBackend } from '../backend/registry.js';
import { ValueError, fmtShape } from '../util/errors.js';
import { type Recorder, type TraceStep, executeOp, setRecorder } from './engine.js';
import { Tensor } from './tensor.js';

/** Shape and dtype of a traced input. */
export interface InputSpec {
  shape: readonly number[];
  dtype?: DType;
  requiresGrad?: boolean;
}

/** A recorded computation. */
export interface Plan {
  /** Symbolic input placeholders, in call order. */
  readonly inputs: readonly Tensor[];
  /** Recorded op calls, in execution order. */
  readonly steps: readonly TraceStep[];
  /** Symbolic (or constant) outputs of the function. */
  readonly outputs: readonly Tensor[];
  /** Concrete tensors the plan reads (parameters, constants), captured by reference. */
  readonly constants: readonly Tensor[];
  /**
   * The leaves whose `.grad` the traced function set (it called backward), with the symbolic
   * gradient each held at the end of the trace; `compile` hands the concrete ones back.
   */
  readonly leafGrads?: ReadonlyMap<Tensor, Tensor>;
}

/**
 * Trace `fn` on symbolic inputs. Ops record instead of execute; reading values (`.data`,
 * `.item()`) throws, which is how data-dependent host code is detected.
 *
 * @example
 * ```ts
 * const plan = trace((x) => [model.forward(x)], [{ shape: [8, 4] }]);
 * const [y] = runPlan(plan, [xBatch]);
 * ```
 */
export function trace(fn: (...inputs: Tensor[]) => Tensor[] | Tensor, specs: readonly InputSpec[]): Plan {
  const inputs = specs.map((s) => new Tensor(null, s.shape, s.dtype ?? 'float32', s.requiresGrad ?? false));
  const rec: Recorder = { steps: [], touchedLeaves: new Map() };
  const prev = setRecorder(rec);
  let outs: Tensor[];
  const leafGrads = new Map<Tensor, Tensor>();
  try {
    const r = fn(...inputs);
    outs = Array.isArray(r) ? r : [r];
    for (const leaf of rec.touchedLeaves.keys()) if (leaf.grad) leafGrads.set(leaf, leaf.grad);
  } finally {
    setRecorder(prev);
    for (const [leaf, g] of rec.touchedLeaves) leaf.grad = g;
  }
  const produced = new Set<Tensor>(inputs);
  const constants = new Set<Tensor>();
  for (const s of rec.steps) {
    for (const t of s.inputs) if (!produced.has(t) && !t.isSymbolic) constants.add(t);
    for (const t of s.outputs) produced.add(t);
  }
  return { inputs, steps: rec.steps, outputs: outs, constants: [...constants], leafGrads };
}

/** Execute a plan on concrete inputs (default: the active backend) and return its outputs. */
export function runPlan(plan: Plan, inputs: readonly Tensor[], backend: Backend = getBackend()): Tensor[] {
  if (inputs.length !== plan.inputs.length) throw new ValueError(`runPlan: expected ${plan.inputs.length} inputs, got ${inputs.length}`);
  const env = new Map<Tensor, Tensor>();
  plan.inputs.forEach((p, i) => {
    const x = inputs[i]!;
    if (x.dtype !== p.dtype || x.shape.length !== p.shape.length || x.shape.some((d, j) => d !== p.shape[j])) {
      throw new ValueError(`runPlan: input ${i} is ${x.dtype} ${fmtShape(x.shape)}, the plan was traced for ${p.dtype} ${fmtShape(p.shape)}`);
    }
    env.set(p, x);
  });
  const resolve = (t: Tensor): Tensor => {
    const v = env.get(t);
    if (v) return v;
    if (t.isSymbolic) throw new ValueError(`runPlan: a symbolic tensor ${fmtShape(t.shape)} has no value (was it created outside the trace?)`);
    return t;
  };
  for (const s of plan.steps) {
    const outs = executeOp(s.op, s.inputs.map(resolve), s.attrs, backend);
    s.outputs.forEach((o, i) => env.set(o, outs[i]!));
  }
  return plan.outputs.map(resolve);
}
