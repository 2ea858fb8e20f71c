/**
 * Compiled steps: trace a step (forward, backward) once and replay it with a static buffer plan —
 * liveness analysis over the recorded kernel calls, every intermediate placed in a buffer of a
 * size-classed pool, buffers reused once their last reader ran — so that a run allocates no
 * storage at all. The optimizer update runs after each replay on the concrete gradients.
 * docs/design/compiled-steps.md describes the plan.
 * @module
 */
import type { Backend, DType, Kernel, KernelTensor, TypedArray } from '../backend/types.js';
import { getBackend, resolveKernel } from '../backend/registry.js';
import { ValueError, fmtShape } from '../util/errors.js';
import { allocCounted } from './engine.js';
import { OVERWRITES } from './buffer-pool.js';
import { checkedSize } from './shape-util.js';
import { Tensor } from './tensor.js';
import { type InputSpec, type Plan, trace } from './trace.js';

/** What `compile` calls after every run, once the parameters' `.grad` hold this run's gradients. */
export interface StepUpdater {
  /** Apply the update (an `Optimizer` from the optim module). */
  step(): void;
  /** Clear the gradients (called once before tracing, when present). */
  zeroGrad?(): void;
}

/** Options of {@link compile}. */
export interface CompileOptions {
  /** Shapes and dtypes of the step's inputs (a batch of data, targets, …). */
  readonly inputs: readonly InputSpec[];
  /** Run after every replay on the concrete gradients, e.g. an `Adam` optimizer. */
  readonly optimizer?: StepUpdater;
  /** Backend whose kernels run the plan (default: the active one at compile time). */
  readonly backend?: Backend;
}

/** Sizes of a compiled step's buffer plan. */
export interface BufferPlanStats {
  /** Recorded kernel calls (views included). */
  readonly steps: number;
  /** Intermediates that got storage (not views, inputs or constants). */
  readonly intermediates: number;
  /** Pooled buffers the intermediates share. */
  readonly buffers: number;
  /** Bytes of the pooled buffers (size classes: powers of two elements). */
  readonly pooledBytes: number;
  /** Most bytes of intermediates alive at once (the lower bound any plan needs). */
  readonly peakLiveBytes: number;
  /** Bytes of the pinned outputs (returned tensors and parameter gradients), one buffer each. */
  readonly pinnedBytes: number;
  /** Bytes an unplanned replay allocates per run (every intermediate and output afresh). */
  readonly unplannedBytes: number;
}

/** A compiled step: call `run` with concrete inputs of the traced shapes. */
export interface CompiledStep {
  /**
   * Run the step: replay the plan in the planned buffers, set each parameter's `.grad` to this
   * run's gradient, run the optimizer. Returns the step's outputs; they live in pinned buffers
   * that the next run overwrites (clone what you keep across runs).
   */
  run(...inputs: Tensor[]): Tensor[];
  /** The traced plan. */
  readonly plan: Plan;
  /** The buffer plan's sizes. */
  readonly stats: BufferPlanStats;
  /** The parameters whose gradients the step computes, in trace order (inputs with requiresGrad aside). */
  readonly params: readonly Tensor[];
}

/** Storage of one symbolic tensor: a view of a pooled or pinned buffer, an input, or a constant. */
interface Slot {
  /** The kernel argument; `data` is rebound per run for slots rooted in an input. */
  readonly kt: { data: TypedArray; shape: readonly number[]; dtype: DType };
  /** The storage owner (itself unless a view). */
  readonly root: Slot;
  /** The input position the storage comes from, or -1. */
  readonly input: number;
  /** A concrete constant (parameter, buffer) this slot is, or a view of. */
  readonly constant: Tensor | null;
  /** Step index that defines the storage (-1 for inputs and constants). */
  readonly def: number;
  /** Last step index that reads the storage through any view. */
  last: number;
  pinned: boolean;
  /** The user-visible tensor of a pinned slot, created once. */
  tensor: Tensor | null;
}

const sizeClass = (n: number): number => (n <= 1 ? n : 2 ** Math.ceil(Math.log2(n)));
const bytesOf = (dtype: DType): number => (dtype === 'float64' ? 8 : 4);

/**
 * Compile a training step: trace `step` once on symbolic inputs (it runs the forward pass and
 * calls `backward`), plan every intermediate's buffer, and return a {@link CompiledStep} whose
 * `run` replays it with no allocation after the first run. Results equal eager execution bit for
 * bit: the same kernels run in the same order on the same values; dropout masks are drawn from the
 * module's `Rng` at run time and batch-norm running statistics are updated in place on every run.
 *
 * Parameters must have no gradient when compiling (the optimizer's `zeroGrad` is called); each run
 * *sets* their `.grad` to the run's gradient (no accumulation across runs), then runs the optimizer.
 *
 * @example
 * ```ts
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
 * const train = compile((x, y) => {
 *   const loss = mseLoss(model.call(x), y);
 *   loss.backward();
 *   return loss;
 * }, { inputs: [{ shape: [256, 512] }, { shape: [256, 10] }], optimizer: opt });
 * for (const [x, y] of batches) train.run(x, y)[0]!.item();
 * ```
 * @throws ValueError when a parameter already holds a gradient, or the step returns no tensor
 */
export function compile(step: (...inputs: Tensor[]) => Tensor[] | Tensor, opts: CompileOptions): CompiledStep {
  if (!opts || !Array.isArray(opts.inputs)) throw new ValueError('compile: opts.inputs (the input shapes) is required');
  opts.optimizer?.zeroGrad?.();
  const plan = trace(step, opts.inputs);
  const leafGrads = plan.leafGrads ?? new Map<Tensor, Tensor>();
  for (const leaf of leafGrads.keys()) {
    if (leaf.grad !== null) throw new ValueError(`compile: a parameter ${fmtShape(leaf.shape)} already has a gradient; clear it (optimizer.zeroGrad()) before compiling`);
  }
  return buildExecutor(plan, opts.backend ?? getBackend(), opts.optimizer ?? null);
}

function buildExecutor(plan: Plan, backend: Backend, optimizer: StepUpdater | null): CompiledStep {
  const slots = new Map<Tensor, Slot>();
  const inputSlots: Slot[][] = plan.inputs.map(() => []);
  const make = (t: Tensor, root: Slot | null, input: number, constant: Tensor | null, def: number): Slot => {
    const kt = { data: constant ? constant.data : (null as unknown as TypedArray), shape: t.shape, dtype: t.dtype };
    const s = { kt, root: null as unknown as Slot, input, constant, def, last: -1, pinned: false, tensor: constant } as Slot;
    (s as { root: Slot }).root = root ?? s;
    slots.set(t, s);
    if (input >= 0) inputSlots[input]!.push(s);
    return s;
  };
  plan.inputs.forEach((p, i) => make(p, null, i, null, -1));
  const slotOf = (t: Tensor, at: number): Slot => {
    const s = slots.get(t);
    if (s) return s;
    if (t.isSymbolic) throw new ValueError(`compile: step ${at} reads a symbolic tensor ${fmtShape(t.shape)} that no step produced (was it created outside the trace?)`);
    return make(t, null, -1, t, -1);
  };

  // Slots, views and liveness.
  const stepIn: Slot[][] = [], stepOut: Slot[][] = [];
  plan.steps.forEach((st, i) => {
    const ins = st.inputs.map((t) => slotOf(t, i));
    for (const s of ins) s.root.last = Math.max(s.root.last, i);
    stepIn.push(ins);
    stepOut.push(st.outputs.map((t) => {
      if (st.op.alias) {
        const src = ins[0]!.root;
        return make(t, src, src.input, src.constant ? new Tensor(src.constant.data, t.shape, t.dtype) : null, -1);
      }
      return make(t, null, -1, null, i);
    }));
  });
  const outSlots = plan.outputs.map((t) => slotOf(t, plan.steps.length));
  // Gradients of leaves: parameters (constants), and trace inputs created with requiresGrad, whose
  // gradient goes to the tensor passed to `run` in their place.
  const leaves = [...(plan.leafGrads ?? new Map<Tensor, Tensor>()).keys()];
  const gradSlots = leaves.map((p) => slotOf(plan.leafGrads!.get(p)!, plan.steps.length));
  const leafInput = leaves.map((p) => plan.inputs.indexOf(p));
  const params = leaves.filter((_, k) => leafInput[k]! < 0);
  for (const s of [...outSlots, ...gradSlots]) s.root.pinned = true;

  // Linear scan: outputs take a free buffer of their dtype and size class, then the storage whose
  // last reader is this step returns to the pool. An output never shares its step's inputs.
  const free = new Map<string, TypedArray[]>();
  const owner = new Map<Slot, TypedArray>();
  let buffers = 0, pooledBytes = 0, pinnedBytes = 0, live = 0, peakLiveBytes = 0, unplannedBytes = 0, intermediates = 0;
  const release = (s: Slot): void => {
    const buf = owner.get(s)!;
    const key = `${s.kt.dtype}:${buf.length}`;
    (free.get(key) ?? free.set(key, []).get(key)!).push(buf);
    live -= s.kt.data.length * bytesOf(s.kt.dtype);
  };
  plan.steps.forEach((st, i) => {
    for (const s of stepOut[i]!) {
      if (s.root !== s) continue;
      const n = checkedSize(st.op.name, s.kt.shape); // SizeError naming the op before allocating
      intermediates++;
      unplannedBytes += n * bytesOf(s.kt.dtype);
      if (s.pinned) {
        const buf = allocCounted(backend, st.op.name, s.kt.dtype, n);
        pinnedBytes += buf.byteLength;
        s.kt.data = buf;
        continue;
      }
      const cls = sizeClass(n);
      const key = `${s.kt.dtype}:${cls}`;
      let buf = free.get(key)?.pop();
      if (!buf) {
        buf = allocCounted(backend, st.op.name, s.kt.dtype, cls);
        buffers++;
        pooledBytes += buf.byteLength;
      }
      owner.set(s, buf);
      s.kt.data = buf.length === n ? buf : buf.subarray(0, n);
      live += n * bytesOf(s.kt.dtype);
    }
    peakLiveBytes = Math.max(peakLiveBytes, live);
    for (const s of stepOut[i]!) if (s.root === s && !s.pinned && s.last < i) release(s); // never read
    const seen = new Set<Slot>();
    for (const s of stepIn[i]!) {
      const r = s.root;
      if (r.def >= 0 && !r.pinned && r.last === i && !seen.has(r)) {
        seen.add(r);
        release(r);
      }
    }
  });
  // Views of planned storage share its data (fixed); views of inputs are rebound per run.
  for (const s of slots.values()) if (s.root !== s && s.input < 0 && s.constant === null) s.kt.data = s.root.kt.data;
  for (const s of [...outSlots, ...gradSlots]) {
    if (s.tensor === null && s.input < 0) s.tensor = new Tensor(s.kt.data, s.kt.shape, s.kt.dtype);
  }

  const planned = [...new Set([...outSlots, ...gradSlots])].filter((s) => s.input < 0 && s.constant === null);
  const pinnedData = new Set<TypedArray>(planned.map((s) => s.kt.data));

  // Per-step kernel calls, resolved once.
  const kernels: (Kernel | null)[] = plan.steps.map((st) => (st.op.alias ? null : st.op.hostKernel ?? resolveKernel(st.op.name, backend)));
  const kin: KernelTensor[][] = stepIn.map((ins) => ins.map((s) => s.kt));
  const kout: KernelTensor[][] = stepOut.map((outs) => outs.map((s) => s.kt));
  const clear: TypedArray[][] = plan.steps.map((st, i) => (OVERWRITES.has(st.op.name) || st.op.alias ? [] : stepOut[i]!.map((s) => s.kt.data)));
  const mutated: Tensor[][] = plan.steps.map((st, i) => (st.op.mutates ?? []).map((k) => stepIn[i]![k]!.constant).filter((t): t is Tensor => t !== null));
  const nSteps = plan.steps.length;
  const attrs = plan.steps.map((st) => st.attrs);

  const run = (...inputs: Tensor[]): Tensor[] => {
    if (inputs.length !== plan.inputs.length) throw new ValueError(`compiled step: expected ${plan.inputs.length} inputs, got ${inputs.length}`);
    for (let i = 0; i < inputs.length; i++) {
      const x = inputs[i]!, p = plan.inputs[i]!;
      if (!(x instanceof Tensor) || x.dtype !== p.dtype || x.shape.length !== p.shape.length || x.shape.some((d, j) => d !== p.shape[j])) {
        const got = x instanceof Tensor ? `${x.dtype} ${fmtShape(x.shape)}` : typeof x;
        throw new ValueError(`compiled step: input ${i} is ${got}, the step was compiled for ${p.dtype} ${fmtShape(p.shape)}`);
      }
      if (pinnedData.has(x.data)) throw new ValueError(`compiled step: input ${i} is an output of an earlier run, which this run overwrites; pass a clone()`);
      for (const s of inputSlots[i]!) s.kt.data = x.data;
    }
    for (let i = 0; i < nSteps; i++) {
      const kernel = kernels[i]!;
      if (kernel === null) continue; // a view: its storage is planned already
      const c = clear[i]!;
      for (let k = 0; k < c.length; k++) c[k]!.fill(0);
      kernel(kin[i]!, kout[i]!, attrs[i]);
      const m = mutated[i]!;
      for (let k = 0; k < m.length; k++) m[k]!.markModified();
    }
    const outs = outSlots.map((s) => concrete(s, inputs));
    for (let k = 0; k < leaves.length; k++) {
      const j = leafInput[k]!;
      (j < 0 ? leaves[k]! : inputs[j]!).grad = concrete(gradSlots[k]!, inputs);
    }
    for (const s of planned) s.tensor!.markModified(); // their storage was rewritten
    optimizer?.step();
    return outs;
  };
  const stats: BufferPlanStats = { steps: nSteps, intermediates, buffers, pooledBytes, peakLiveBytes, pinnedBytes, unplannedBytes };
  return { run, plan, stats, params };
}

/** The user-visible tensor of an output slot: its pinned tensor, a constant, an input or a view of one. */
function concrete(s: Slot, inputs: readonly Tensor[]): Tensor {
  if (s.tensor) return s.tensor;
  const x = inputs[s.input]!;
  return s.root === s ? x : new Tensor(x.data, s.kt.shape, s.kt.dtype);
}
