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
import { FUSE_MIN_ELEMENTS, type FusedArg, type FusedMember, type FusedRead, MAX_FUSED, fusableOp, fusedKernel } from './fusion.js';
import type { OpDef } from './op-def.js';
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
  /**
   * Fuse chains of branch-free elementwise ops whose intermediates nothing else reads into one
   * generated loop (default true; only on the `js` and `cpu` backends, whose kernels for these ops
   * return the JS reference's bits). Results are the same bits either way.
   */
  readonly fuse?: boolean;
  /** Fuse only groups whose output has at least this many elements (default `FUSE_MIN_ELEMENTS`, 2²¹). */
  readonly fuseMinElements?: number;
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
  /** Kernel calls a run makes (views and fused members excluded). */
  readonly kernelCalls: number;
  /** Fused elementwise kernels, and the recorded ops they replace. */
  readonly fusedKernels: number;
  readonly fusedOps: number;
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
  const backend = opts.backend ?? getBackend();
  const fuse = opts.fuse !== false && (backend.name === 'js' || backend.name === 'cpu');
  return buildExecutor(plan, backend, opts.optimizer ?? null, fuse ? opts.fuseMinElements ?? FUSE_MIN_ELEMENTS : null);
}

/** One call a compiled run makes: a recorded step, or a fused group of elementwise steps. */
interface ExecStep {
  /** The op's name (the last member's for a group). */
  readonly name: string;
  /** The recorded op (null for a fused group). */
  readonly op: OpDef | null;
  readonly alias: boolean;
  readonly ins: readonly Slot[];
  readonly outs: readonly Slot[];
  readonly attrs: unknown;
  /** The generated kernel of a fused group. */
  readonly kernel: Kernel | null;
  /** Recorded ops a fused group replaces (0 for a plain step). */
  readonly members: number;
}

function unfused(st: Plan['steps'][number], ins: Slot[], outs: Slot[]): ExecStep {
  return { name: st.op.name, op: st.op, alias: st.op.alias === true, ins, outs, attrs: st.attrs, kernel: null, members: 0 };
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Group elementwise steps (docs/design/compiled-steps.md, "Elementwise fusion"): a fusable step
 * with an output of at least `minElements` elements
 * absorbs the group that produced one of its inputs when that value is an intermediate (not pinned,
 * no views) of the same shape and dtype, read by this step alone, and no step in between writes in
 * place (the absorbed members then read their inputs later than recorded). Operands of one element
 * broadcast; any other broadcasting keeps the step unfused.
 */
function fuseSteps(plan: Plan, stepIn: Slot[][], stepOut: Slot[][], slots: Map<Tensor, Slot>, minElements: number): ExecStep[] {
  const steps = plan.steps;
  // readers of each storage root (through any view), and the roots that have views
  const readers = new Map<Slot, Set<number>>();
  stepIn.forEach((ins, i) => { for (const sl of ins) (readers.get(sl.root) ?? readers.set(sl.root, new Set()).get(sl.root)!).add(i); });
  const viewed = new Set<Slot>();
  for (const sl of slots.values()) if (sl.root !== sl) viewed.add(sl.root);
  const mutBefore: number[] = [0]; // steps that write in place among the first i
  steps.forEach((st, i) => mutBefore.push(mutBefore[i]! + (st.op.mutates?.length ? 1 : 0)));
  const group: ({ members: number[]; first: number } | null)[] = steps.map(() => null);
  const absorbed = new Set<number>();
  steps.forEach((st, i) => {
    const out = stepOut[i]![0];
    if (st.op.alias || !fusableOp(st.op.name) || stepOut[i]!.length !== 1 || !out || (out.kt.dtype !== 'float32' && out.kt.dtype !== 'float64')) return;
    if (sizeOf(out.kt.shape) < minElements) return; // small: the per-op SIMD kernels are as fast
    const ins = stepIn[i]!;
    if (!ins.every((sl) => sl.kt.dtype === out.kt.dtype && readOf(sl.kt.shape, out.kt.shape) !== null)) return;
    let members = [i], first = i;
    for (const sl of new Set(ins)) {
      const g = sl.def >= 0 && sl.root === sl ? group[sl.def] : null;
      if (!g || absorbed.has(sl.def) || sl.pinned || viewed.has(sl) || !sameShape(sl.kt.shape, out.kt.shape)) continue;
      const rd = readers.get(sl)!;
      if (rd.size !== 1 || !rd.has(i) || members.length + g.members.length > MAX_FUSED) continue;
      if (mutBefore[i]! - mutBefore[g.first + 1]! !== 0) continue;
      members = [...g.members, ...members];
      first = Math.min(first, g.first);
      absorbed.add(sl.def);
    }
    group[i] = { members: members.sort((a, b) => a - b), first };
  });
  const exec: ExecStep[] = [];
  steps.forEach((st, i) => {
    if (absorbed.has(i)) return;
    const g = group[i];
    if (!g || g.members.length === 1) { exec.push(unfused(st, stepIn[i]!, stepOut[i]!)); return; }
    const pos = new Map<number, number>(g.members.map((m, k) => [m, k]));
    const ext: Slot[] = [];
    const outShape = stepOut[i]![0]!.kt.shape;
    let rowLength = 1;
    const members: FusedMember[] = g.members.map((m) => ({
      op: steps[m]!.op.name,
      args: stepIn[m]!.map((sl): FusedArg => {
        if (sl.def >= 0 && sl.root === sl && pos.has(sl.def)) return { member: pos.get(sl.def)! };
        let e = ext.indexOf(sl);
        if (e < 0) e = ext.push(sl) - 1;
        const read = readOf(sl.kt.shape, outShape)!;
        if (read === 'row') rowLength = Math.max(rowLength, sizeOf(sl.kt.shape));
        return { ext: e, read };
      }),
    }));
    // every row operand must have the same length (the loop has one column count)
    const rowsOk = members.every((m) => m.args.every((a) => !('ext' in a) || a.read !== 'row' || sizeOf(ext[a.ext]!.kt.shape) === rowLength));
    const kernel = rowsOk ? fusedKernel(stepOut[i]![0]!.kt.dtype as 'float32' | 'float64', members, ext.length, rowLength) : null;
    if (!kernel) { for (const m of g.members) exec.push(unfused(steps[m]!, stepIn[m]!, stepOut[m]!)); return; }
    exec.push({ name: st.op.name, op: null, alias: false, ins: ext, outs: stepOut[i]!, attrs: null, kernel, members: g.members.length });
  });
  return exec;
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * How a fused kernel reads an operand of shape `s` broadcast to `out`: element by element (same
 * shape), one element, or as a row (after dropping leading 1s, `s` equals the trailing dims of
 * `out`); null for any other broadcast.
 */
function readOf(s: readonly number[], out: readonly number[]): FusedRead | null {
  if (sameShape(s, out)) return 'full';
  if (sizeOf(s) === 1) return 'scalar';
  let lead = 0;
  while (lead < s.length && s[lead] === 1) lead++;
  const tail = s.slice(lead);
  if (tail.length === 0 || tail.length > out.length) return null;
  return sameShape(tail, out.slice(out.length - tail.length)) ? 'row' : null;
}

function buildExecutor(plan: Plan, backend: Backend, optimizer: StepUpdater | null, fuseMin: number | null): CompiledStep {
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

  // What runs: every recorded step, or a fused group of elementwise steps in place of its last one.
  const exec = fuseMin !== null ? fuseSteps(plan, stepIn, stepOut, slots, fuseMin) : plan.steps.map((st, i) => unfused(st, stepIn[i]!, stepOut[i]!));
  // Liveness over what runs (a fused group reads its members' inputs when it runs).
  for (const sl of slots.values()) sl.last = -1;
  exec.forEach((e, i) => { for (const sl of e.ins) sl.root.last = Math.max(sl.root.last, i); });
  for (const sl of [...outSlots, ...gradSlots]) sl.root.last = exec.length;

  // Linear scan: outputs take a free buffer of their dtype and size class, then the storage whose
  // last reader is this step returns to the pool. An output never shares its step's inputs.
  const free = new Map<string, TypedArray[]>();
  const owner = new Map<Slot, TypedArray>();
  let buffers = 0, pooledBytes = 0, pinnedBytes = 0, live = 0, peakLiveBytes = 0, unplannedBytes = 0, intermediates = 0;
  plan.steps.forEach((st, i) => {
    for (const sl of stepOut[i]!) if (sl.root === sl) unplannedBytes += checkedSize(st.op.name, sl.kt.shape) * bytesOf(sl.kt.dtype);
  });
  const release = (s: Slot): void => {
    const buf = owner.get(s)!;
    const key = `${s.kt.dtype}:${buf.length}`;
    (free.get(key) ?? free.set(key, []).get(key)!).push(buf);
    live -= s.kt.data.length * bytesOf(s.kt.dtype);
  };
  exec.forEach((e, i) => {
    for (const s of e.outs) {
      if (s.root !== s) continue;
      const n = checkedSize(e.name, s.kt.shape); // SizeError naming the op before allocating
      intermediates++;
      if (s.pinned) {
        const buf = allocCounted(backend, e.name, s.kt.dtype, n);
        pinnedBytes += buf.byteLength;
        s.kt.data = buf;
        continue;
      }
      const cls = sizeClass(n);
      const key = `${s.kt.dtype}:${cls}`;
      let buf = free.get(key)?.pop();
      if (!buf) {
        buf = allocCounted(backend, e.name, s.kt.dtype, cls);
        buffers++;
        pooledBytes += buf.byteLength;
      }
      owner.set(s, buf);
      s.kt.data = buf.length === n ? buf : buf.subarray(0, n);
      live += n * bytesOf(s.kt.dtype);
    }
    peakLiveBytes = Math.max(peakLiveBytes, live);
    for (const s of e.outs) if (s.root === s && !s.pinned && s.last < i) release(s); // never read
    const seen = new Set<Slot>();
    for (const s of e.ins) {
      const r = s.root;
      if (r.def >= 0 && !r.pinned && r.last === i && !seen.has(r) && owner.has(r)) {
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
  const kernels: (Kernel | null)[] = exec.map((e) => e.kernel ?? (e.alias ? null : e.op!.hostKernel ?? resolveKernel(e.name, backend)));
  const kin: KernelTensor[][] = exec.map((e) => e.ins.map((s) => s.kt));
  const kout: KernelTensor[][] = exec.map((e) => e.outs.map((s) => s.kt));
  const clear: TypedArray[][] = exec.map((e) => (e.kernel || OVERWRITES.has(e.name) || e.alias ? [] : e.outs.map((s) => s.kt.data)));
  const mutated: Tensor[][] = exec.map((e) => (e.op?.mutates ?? []).map((k) => e.ins[k]!.constant).filter((t): t is Tensor => t !== null));
  const nSteps = exec.length;
  const attrs = exec.map((e) => e.attrs);
  const fusedOps = exec.reduce((n, e) => n + e.members, 0);

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
  const stats: BufferPlanStats = {
    steps: plan.steps.length, intermediates, buffers, pooledBytes, peakLiveBytes, pinnedBytes, unplannedBytes,
    kernelCalls: exec.filter((e) => !e.alias).length, fusedKernels: exec.filter((e) => e.members > 0).length, fusedOps,
  };
  return { run, plan, stats, params };
}

/** The user-visible tensor of an output slot: its pinned tensor, a constant, an input or a view of one. */
function concrete(s: Slot, inputs: readonly Tensor[]): Tensor {
  if (s.tensor) return s.tensor;
  const x = inputs[s.input]!;
  return s.root === s ? x : new Tensor(x.data, s.kt.shape, s.kt.dtype);
}
