/**
 * Op dispatch: infer output shapes, then either execute the kernel (eager) or record the call
 * (tracing), and attach the autograd node. Also the grad-mode and anomaly-mode scopes.
 * @module
 */
import type { Backend, KernelTensor, TypedArray } from '../backend/types.js';
import { allocArray, allocOpOutput, allocResidentOutput } from '../backend/types.js';
import { getBackend, resolveKernel } from '../backend/registry.js';
import { OVERWRITES, POOL_MIN_BYTES, disposedSize, releaseBuffer, takeBuffer } from './buffer-pool.js';
import { AnomalyError, DTypeError, GradError, ShapeError, ValueError, fmtShape } from '../util/errors.js';
import { checkedSize, describe, setCompositeScope } from './shape-util.js';
import type { Meta, OpDef } from './op-def.js';
import { Tensor, markCaptured, markOwned, pinStorage } from './tensor.js';

/** One recorded op call in a trace. */
export interface TraceStep {
  readonly op: OpDef;
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly Tensor[];
  readonly attrs: unknown;
}

/** A recorder installed by `trace`. */
export interface Recorder {
  readonly steps: TraceStep[];
  /** Leaves whose `.grad` became symbolic during the trace (restored afterwards). */
  readonly touchedLeaves: Map<Tensor, Tensor | null>;
}

const state = {
  gradEnabled: true,
  anomaly: false,
  recorder: null as Recorder | null,
  backwardOf: null as string | null,
  /** While a backward pass runs: every tensor an op allocates (not aliases), see {@link trackFresh}. */
  fresh: null as FreshTensors | null,
};

/**
 * The tensors ops allocated fresh storage for while {@link trackFresh} ran (alias outputs such as
 * reshape are not collected): `set` for membership, `list` in allocation order, and the storage
 * that {@link retainStorage} marked as referenced elsewhere.
 */
export interface FreshTensors {
  readonly set: Set<Tensor>;
  readonly list: Tensor[];
  readonly retained: Set<TypedArray>;
}

/**
 * Run `fn` while collecting the tensors that ops allocate fresh storage for. The backward pass
 * uses it to hand a leaf a gradient it exclusively owns without copying it, and to return the
 * storage of dead temporaries to the buffer pool (./buffer-pool.ts).
 */
export function trackFresh<T>(fn: (fresh: FreshTensors) => T): T {
  const prev = state.fresh;
  const fresh: FreshTensors = { set: new Set(), list: [], retained: new Set() };
  state.fresh = fresh;
  try {
    return fn(fresh);
  } finally {
    state.fresh = prev;
  }
}

/**
 * Mark `t`'s storage as referenced beyond the computation that made it (e.g. stored in a cache):
 * a backward pass then never returns it to the buffer pool (nor the storage of the tensor `t` is a
 * view of). A no-op outside a pass.
 */
export function retainStorage(t: Tensor): void {
  state.fresh?.retained.add(t.data);
  pinStorage(t.data);
}

/**
 * Run a composite op's body (`fn`) and, when gradients are not recorded, return to the buffer pool
 * the storage of every tensor it allocated that it does not return: with recording off no graph
 * node holds them, and the composite's code is the engine's own (docs/design/memory.md). What it
 * returns (tensors, arrays of tensors — and whatever those are views of) and what a cache retained
 * ({@link retainStorage}) survives and is passed on to an enclosing tracker (an outer composite,
 * a backward pass). A result of any other kind releases nothing. Installed as the scope of `asOp`.
 */
export function recycleTemporaries<T>(fn: () => T): T {
  if (state.gradEnabled || state.recorder) return fn();
  const parent = state.fresh;
  const mine: FreshTensors = { set: new Set(), list: [], retained: new Set() };
  state.fresh = mine;
  let out: T;
  try {
    out = fn();
  } finally {
    state.fresh = parent;
  }
  const keep = new Set<TypedArray>();
  let known = true;
  const collect = (v: unknown): void => {
    if (v instanceof Tensor) keep.add(v.data);
    else if (Array.isArray(v)) v.forEach(collect);
    else known = false;
  };
  collect(out);
  for (const t of mine.list) {
    if (known && !keep.has(t.data) && !mine.retained.has(t.data)) { releaseBuffer(t.data); continue; }
    if (parent) {
      parent.set.add(t);
      parent.list.push(t);
      if (mine.retained.has(t.data)) parent.retained.add(t.data);
    }
  }
  return out;
}
setCompositeScope(recycleTemporaries);

/** Run `fn` with gradient recording disabled. */
export function noGrad<T>(fn: () => T): T {
  const prev = state.gradEnabled;
  state.gradEnabled = false;
  try {
    return fn();
  } finally {
    state.gradEnabled = prev;
  }
}

/** Run `fn` with gradient recording enabled (inside a `noGrad` scope). */
export function enableGrad<T>(fn: () => T): T {
  const prev = state.gradEnabled;
  state.gradEnabled = true;
  try {
    return fn();
  } finally {
    state.gradEnabled = prev;
  }
}

/** Whether ops currently record autograd nodes. */
export function isGradEnabled(): boolean {
  return state.gradEnabled;
}

/**
 * Run `fn` in anomaly mode: every op output (forward and backward) is checked for NaN/±Inf and
 * the first offending op raises an `AnomalyError` naming it. Slower; for debugging.
 */
export function detectAnomaly<T>(fn: () => T): T {
  const prev = state.anomaly;
  state.anomaly = true;
  try {
    return fn();
  } finally {
    state.anomaly = prev;
  }
}

/** Turn anomaly mode on or off globally. */
export function setAnomalyMode(on: boolean): void {
  state.anomaly = on;
}

/** @internal used by autograd to label ops run inside a backward rule. */
export function withBackwardLabel<T>(label: string, fn: () => T): T {
  const prev = state.backwardOf;
  state.backwardOf = label;
  try {
    return fn();
  } finally {
    state.backwardOf = prev;
  }
}

/** @internal install/remove a trace recorder. */
export function setRecorder(r: Recorder | null): Recorder | null {
  const prev = state.recorder;
  state.recorder = r;
  return prev;
}

/** @internal the active recorder, if tracing. */
export function activeRecorder(): Recorder | null {
  return state.recorder;
}

/** Typed-array storage allocated for op outputs, see {@link allocationStats}. */
export interface AllocationStats {
  /** Output arrays allocated since the last reset. */
  count: number;
  /** Their bytes. */
  bytes: number;
}

const allocs: AllocationStats = { count: 0, bytes: 0 };

/**
 * How many output arrays (and bytes) the engine allocated since the last
 * {@link resetAllocationStats}: every eager op output and every buffer a compiled step's pool
 * creates goes through this counter (views such as reshape allocate nothing). Kernels' own
 * scratch is not counted. For tests and benchmarks.
 */
export function allocationStats(): AllocationStats {
  return { count: allocs.count, bytes: allocs.bytes };
}

/**
 * @internal Storage for an eager op's output: for a size the program disposes, resident storage
 * (growing the wasm heap if need be); else an array from the buffer pool when one of this dtype
 * and length is held (zeroed unless the op writes every element), else a free resident block or a
 * fresh counted array. Only for backends whose storage is plain typed arrays (`alloc` is the
 * standard one).
 */
function allocOutput(backend: Backend, op: OpDef, dtype: Meta['dtype'], shape: readonly number[]): TypedArray {
  const n = checkedSize(op.name, shape);
  if (backend.alloc === allocArray && dtype !== 'int32' && n * (dtype === 'float64' ? 8 : 4) >= POOL_MIN_BYTES) {
    const zero = !OVERWRITES.has(op.name);
    // outputs of a size the program disposes (`dispose()`, `using`) may grow resident storage:
    // they come back, so the kernels can write them in place call after call (docs/design/memory.md)
    const g = disposedSize(dtype, n) ? allocResidentOutput(dtype, n, zero) : null;
    if (g) {
      allocs.count++;
      allocs.bytes += g.byteLength;
      return g;
    }
    const a = takeBuffer(dtype, n);
    if (a) {
      if (zero) a.fill(0);
      return a;
    }
    const r = allocOpOutput(dtype, n, zero); // a free resident block, else a plain array
    allocs.count++;
    allocs.bytes += r.byteLength;
    return r;
  }
  return allocCounted(backend, op.name, dtype, n);
}

/** Reset the {@link allocationStats} counter to zero. */
export function resetAllocationStats(): void {
  allocs.count = 0;
  allocs.bytes = 0;
}

/** @internal allocate zeroed storage through the counted path (executeOp, the compiled-step pool). */
export function allocCounted(backend: Backend, op: string, dtype: Meta['dtype'], shape: readonly number[] | number): TypedArray {
  const n = typeof shape === 'number' ? shape : checkedSize(op, shape);
  const a = backend.alloc(dtype, n);
  allocs.count++;
  allocs.bytes += a.byteLength;
  return a;
}

/** @internal bump the versions of the inputs an in-place op wrote (`op.mutates`). */
export function markMutated(op: OpDef, inputs: readonly Tensor[]): void {
  if (op.mutates) for (const i of op.mutates) inputs[i]!.markModified();
}

/** Execute an op's kernel on concrete tensors, allocating outputs per `metas` (no autograd). */
export function executeOp(op: OpDef, inputs: readonly Tensor[], attrs: unknown, backend: Backend = getBackend()): Tensor[] {
  const metas = op.infer(inputs, attrs);
  if (op.alias) {
    // A view: it shares the storage, so it shares the version counter too.
    const src = inputs[0]!;
    const view = new Tensor(src.data, metas[0]!.shape, metas[0]!.dtype);
    view.versionCell = src.versionCell ??= { n: 0 };
    return [view];
  }
  // Sizes are checked before allocating (SizeError naming the op), for every op.
  const outs = metas.map((m) => new Tensor(allocOutput(backend, op, m.dtype, m.shape), m.shape, m.dtype));
  const kernel = op.hostKernel ?? resolveKernel(op.name, backend);
  const kin: KernelTensor[] = inputs.map((t) => ({ data: t.data, shape: t.shape, dtype: t.dtype }));
  const kout: KernelTensor[] = outs.map((t) => ({ data: t.data, shape: t.shape, dtype: t.dtype }));
  kernel(kin, kout, attrs);
  for (const o of outs) markOwned(o); // fresh storage of this op's own: what dispose() may hand back
  markMutated(op, inputs);
  if (state.fresh) for (const o of outs) { state.fresh.set.add(o); state.fresh.list.push(o); }
  return outs;
}

function checkAnomaly(op: OpDef, inputs: readonly Tensor[], outs: readonly Tensor[]): void {
  for (const o of outs) {
    if (o.dtype === 'int32') continue;
    const d = o.data;
    for (let i = 0; i < d.length; i++) {
      const v = d[i]!;
      if (v !== v || v === Infinity || v === -Infinity) {
        const where = state.backwardOf ? ` (in the backward pass of '${state.backwardOf}')` : '';
        throw new AnomalyError(
          `anomaly: op '${op.name}'${where} produced ${v !== v ? 'NaN' : v > 0 ? '+Inf' : '-Inf'} at flat index ${i} ` +
            `of its output ${fmtShape(o.shape)}; inputs ${inputs.map((t) => fmtShape(t.shape)).join(', ')}`,
        );
      }
    }
  }
}

/**
 * Apply a primitive op: infer shapes, execute (or record while tracing), attach the autograd node.
 * Returns all outputs; `outputs[0]` is differentiable.
 */
export function dispatch(op: OpDef, inputs: readonly Tensor[], attrs: unknown): Tensor[] {
  for (let i = 0; i < inputs.length; i++) {
    if (!(inputs[i] instanceof Tensor)) throw new DTypeError(`${op.name}: input ${i} must be a Tensor, got ${describe(inputs[i])}`);
    if (inputs[i]!.isDisposed) throw new ValueError(`${op.name}: input ${i} ${fmtShape(inputs[i]!.shape)} was disposed (dispose() or \`using\` ended its lifetime)`);
  }
  const rec = state.recorder;
  let outs: Tensor[];
  if (rec) {
    const metas = op.infer(inputs, attrs);
    outs = metas.map((m) => new Tensor(null, m.shape, m.dtype));
    rec.steps.push({ op, inputs: [...inputs], outputs: outs, attrs });
    // a traced step reads its concrete inputs (constants) on every run: dispose() leaves them alone
    for (const t of inputs) if (!t.isSymbolic) markCaptured(t);
  } else {
    outs = executeOp(op, inputs, attrs);
    if (state.anomaly) checkAnomaly(op, inputs, outs);
  }
  if (state.gradEnabled && op.backward && inputs.some((t) => t.requiresGrad)) {
    // The versions of everything the backward rule may read, to detect in-place mutation later.
    // Most tensors were never modified in place (no counter, version 0): then nothing is stored.
    let versions: number[] | undefined;
    const nIn = inputs.length;
    for (let i = 0; i < nIn + outs.length; i++) {
      const cell = (i < nIn ? inputs[i]! : outs[i - nIn]!).versionCell;
      if (cell !== null && cell.n !== 0) (versions ??= new Array<number>(nIn + outs.length).fill(0))[i] = cell.n;
    }
    const node = { op, inputs: [...inputs], outputs: outs, attrs, versions };
    // the node holds its inputs and outputs for the backward rule: dispose() leaves them alone
    for (const t of inputs) markCaptured(t);
    for (const t of outs) markCaptured(t);
    outs[0]!.requiresGrad = true;
    outs[0]!.node = node;
  }
  return outs;
}

/** Apply a single-output primitive op. */
export function apply(op: OpDef, inputs: readonly Tensor[], attrs: unknown = {}): Tensor {
  return dispatch(op, inputs, attrs)[0]!;
}

/** Options of the ops that can write their result into an existing tensor (PyTorch's `out=`). */
export interface OutOptions {
  /**
   * A tensor of the result's shape and dtype to write the result into, in place; the op returns
   * it. No gradient is recorded, so the op must run under `noGrad` or on inputs that do not
   * require grad, and `out` must not require grad unless under `noGrad` (an in-place parameter
   * update). `out` may be one of the inputs itself (`relu(x, { out: x })`) but must not overlap
   * any input otherwise. Its version is bumped, so a backward pass that saved it detects the write.
   * Not while tracing: `compile` plans its own buffers.
   */
  readonly out?: Tensor | null;
}

/** Backends whose elementwise kernels may write the storage they read (out= aliasing an input). */
const ALIAS_SAFE = new Set(['cpu', 'js']);
/**
 * Ops whose kernels read element i of every input before writing element i of the output (and
 * nothing else), so on an {@link ALIAS_SAFE} backend they may write over an input; others (softmax
 * reads its row again after writing it) go through a temporary when `out` is an input.
 */
const ELEMENTWISE = new Set([
  'neg', 'abs', 'sign', 'exp', 'log', 'log1p', 'expm1', 'sqrt', 'rsqrt', 'sin', 'cos', 'tanh', 'sigmoid', 'relu', 'leakyRelu', 'elu',
  'silu', 'erf', 'reciprocal', 'square', 'step', 'powScalar', 'add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum',
  'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'where', 'clamp',
]);

const overlaps = (a: TypedArray, b: TypedArray): boolean =>
  a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;

/**
 * Apply a single-output primitive op, writing the result into `opts.out` when given (see
 * {@link OutOptions}) — the eager path without a fresh output: no allocation, and a resident `out`
 * is written by the wasm kernels in place. Without `out`, {@link apply}.
 * @throws DTypeError / ShapeError when `out` is not a tensor of the result's dtype and shape;
 *   GradError when a gradient would be recorded, or `out` requires grad with gradients on;
 *   ValueError while tracing, or when `out` overlaps an input without being exactly its elements
 */
export function applyInto(op: OpDef, inputs: readonly Tensor[], attrs: unknown, opts: OutOptions | undefined): Tensor {
  if (opts === undefined || opts === null) return apply(op, inputs, attrs);
  if (typeof opts !== 'object') throw new ValueError(`${op.name}: options must be an object such as { out }, got ${describe(opts)}`);
  const out = opts.out;
  if (out === undefined || out === null) return apply(op, inputs, attrs);
  if (!(out instanceof Tensor)) throw new DTypeError(`${op.name}: out must be a Tensor, got ${describe(out)}`);
  if (out.isDisposed) throw new ValueError(`${op.name}: out ${fmtShape(out.shape)} was disposed (dispose() or \`using\` ended its lifetime)`);
  for (let i = 0; i < inputs.length; i++) {
    if (!(inputs[i] instanceof Tensor)) throw new DTypeError(`${op.name}: input ${i} must be a Tensor, got ${describe(inputs[i])}`);
    if (inputs[i]!.isDisposed) throw new ValueError(`${op.name}: input ${i} ${fmtShape(inputs[i]!.shape)} was disposed (dispose() or \`using\` ended its lifetime)`);
  }
  const shapes = inputs.map((t) => fmtShape(t.shape)).join(', ');
  if (state.recorder) throw new ValueError(`${op.name}: out= cannot be traced (a compiled step plans its own buffers); call ${op.name} without out inside compile / trace`);
  if (state.gradEnabled && op.backward) {
    const i = inputs.findIndex((t) => t.requiresGrad);
    if (i >= 0) throw new GradError(`${op.name}: out= records no gradient, but input ${i} ${fmtShape(inputs[i]!.shape)} requires grad; call it under noGrad(…) or on detached inputs`);
  }
  if (state.gradEnabled && out.requiresGrad) throw new GradError(`${op.name}: out ${fmtShape(out.shape)} requires grad; writing it in place would bypass autograd (update it under noGrad(…))`);
  const [m] = op.infer(inputs, attrs);
  if (!m) throw new ValueError(`${op.name}: has no output to write into out`);
  if (out.dtype !== m.dtype) throw new DTypeError(`${op.name}: out is ${out.dtype} but the result of inputs ${shapes} is ${m.dtype}`);
  if (out.shape.length !== m.shape.length || out.shape.some((d, k) => d !== m.shape[k])) {
    throw new ShapeError(`${op.name}: out has shape ${fmtShape(out.shape)} but the result of inputs ${shapes} has shape ${fmtShape(m.shape)}`);
  }
  const od = out.data;
  let aliased = false;
  for (let i = 0; i < inputs.length; i++) {
    const d = inputs[i]!.data;
    if (!overlaps(d, od)) continue;
    if (d.buffer === od.buffer && d.byteOffset === od.byteOffset && d.length === od.length && d.BYTES_PER_ELEMENT === od.BYTES_PER_ELEMENT) { aliased = true; continue; }
    throw new ValueError(`${op.name}: out ${fmtShape(out.shape)} overlaps input ${i} ${fmtShape(inputs[i]!.shape)} without being exactly its elements; pass a separate out, or the input itself`);
  }
  const backend = getBackend();
  const kernel = op.hostKernel ?? resolveKernel(op.name, backend);
  const kin: KernelTensor[] = inputs.map((t) => ({ data: t.data, shape: t.shape, dtype: t.dtype }));
  if (OVERWRITES.has(op.name) && (!aliased || (ALIAS_SAFE.has(backend.name) && ELEMENTWISE.has(op.name)))) {
    kernel(kin, [{ data: od, shape: out.shape, dtype: out.dtype }], attrs); // written in place
  } else { // a kernel that accumulates into zeros, or a backend not known to be safe in place: a temporary
    const tmp = allocArray(out.dtype, od.length);
    kernel(kin, [{ data: tmp, shape: out.shape, dtype: out.dtype }], attrs);
    od.set(tmp as never);
  }
  markMutated(op, inputs);
  out.markModified();
  if (state.anomaly) checkAnomaly(op, inputs, [out]);
  return out;
}
