/**
 * The Tensor: contiguous row-major storage, a shape, a dtype and autograd bookkeeping.
 * Ops are free functions (see ops/); `methods.ts` adds the fluent methods to the prototype.
 * @module
 */
import type { DType, TypedArray } from '../backend/types.js';
import { sizeOf } from '../backend/types.js';
import { DTypeError, ValueError, fmtShape } from '../util/errors.js';
import type { OpDef } from './op-def.js';
import { POOL_MIN_BYTES, disposedSize, noteDisposedSize, releaseDisposed } from './buffer-pool.js';

/** A recorded op application, the autograd graph's node (attached to its output). */
export interface GradNode {
  readonly op: OpDef;
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly Tensor[];
  readonly attrs: unknown;
  /**
   * Versions of the inputs, then of the outputs, when the node was recorded (undefined: all 0).
   * Backward compares them with the current versions and raises a `GradError` if a saved tensor
   * was mutated in place.
   */
  readonly versions?: readonly number[];
}

/** A version counter, shared by a tensor and the views of its storage (reshape, detach). @internal */
export interface VersionCell {
  n: number;
}

/** True if `data` is the storage type of `dtype`. */
export function storageMatches(data: TypedArray, dtype: DType): boolean {
  return dtype === 'float32' ? data instanceof Float32Array : dtype === 'float64' ? data instanceof Float64Array : dtype === 'int32' ? data instanceof Int32Array : false;
}

/** A gradient hook: sees the gradient flowing into a tensor and may replace it. */
export type GradHook = (grad: Tensor) => Tensor | void;

let nextId = 1;

/** Nested number arrays, as returned by `toArray()`. */
export type NestedArray = number | NestedArray[];

/**
 * Storage the engine allocated for an op's output, by the tensor it was made for: the storage
 * {@link Tensor.dispose} may hand back. Set by the engine after the output tensor is constructed,
 * only for arrays of at least {@link POOL_MIN_BYTES} (smaller ones are neither pooled nor resident:
 * nothing to hand back) and only for sizes the program has disposed before: a `WeakMap` entry
 * keeps its young key alive through V8's scavenges, so tracking every large output doubled the
 * mark-compacts of an eager loop that never disposes (18–21 against 9–11 per 60 calls of a 10M
 * relu). The first disposal of a size therefore only teaches the size; later ones hand storage back.
 */
const owners = new WeakMap<TypedArray, Tensor>();
/**
 * Storage that something besides its owning tensor refers to — another tensor wrapping it (a view,
 * `detach`, a compiled step's output), an autograd node, a cache: never released by `dispose`.
 */
const pinned = new WeakSet<TypedArray>();

/**
 * @internal `t` is the fresh output the engine just allocated `t.data` for (from the allocator or
 * the buffer pool, whose arrays nothing refers to): its owner, and no longer pinned.
 */
export function markOwned(t: Tensor): void {
  const d = t.data;
  if (d.byteLength < POOL_MIN_BYTES || !disposedSize(t.dtype, d.length)) return;
  owners.set(d, t);
  pinned.delete(d);
}

/** @internal Something besides its tensors refers to `a` (a cache): `dispose` keeps it. */
export function pinStorage(a: TypedArray | null): void {
  if (a !== null) pinned.add(a);
}

/** @internal A recorded op's node holds `t` for its backward rule, or a traced step reads it: `dispose` leaves it alone. */
export function markCaptured(t: Tensor): void {
  t.captured = true;
}

/**
 * A dense n-dimensional array of float32 (default), float64 or int32 (indices) values, with
 * reverse-mode autograd.
 *
 * @example
 * ```ts
 * const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * const y = x.mul(x).sum();
 * y.backward();
 * x.grad!.toArray(); // [[2, 4], [6, 8]]
 * ```
 */
export class Tensor {
  /** Unique id (stable within a process). */
  readonly id: number;
  /** Dimensions, row-major. */
  readonly shape: readonly number[];
  /** Element type. */
  readonly dtype: DType;
  /** Whether gradients flow into this tensor. */
  requiresGrad: boolean;
  /** Accumulated gradient (leaves, and non-leaves that called `retainGrad`). */
  grad: Tensor | null = null;
  /** The op that produced this tensor (null for leaves). */
  node: GradNode | null = null;
  /** Gradient hooks, in registration order. */
  hooks: GradHook[] | null = null;
  /** Keep `grad` on a non-leaf. */
  retainsGrad = false;
  private storage: TypedArray | null;
  private disposedFlag = false;
  /** @internal An autograd node or a traced step holds this tensor (see {@link markCaptured}). */
  captured = false;
  /** Version counter, created on the first in-place write or view; null means version 0. @internal */
  versionCell: VersionCell | null = null;

  /** Low-level constructor; prefer `tensor()`, `zeros()` etc. `data === null` makes a symbolic tensor (tracing). */
  constructor(data: TypedArray | null, shape: readonly number[], dtype: DType, requiresGrad = false) {
    this.id = nextId++;
    this.storage = data;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.requiresGrad = requiresGrad;
    // One check on the hot path (storageMatches is false for an unknown dtype); the details only on failure.
    if (data !== null ? !storageMatches(data, dtype) : dtype !== 'float32' && dtype !== 'float64' && dtype !== 'int32') {
      if (dtype !== 'float32' && dtype !== 'float64' && dtype !== 'int32') {
        throw new DTypeError(`Tensor: unknown dtype '${String(dtype)}' (use 'float32', 'float64' or 'int32')`);
      }
      throw new DTypeError(`Tensor: storage ${(data as object).constructor?.name ?? typeof data} does not match dtype ${dtype}`);
    }
    if (data !== null && data.length !== sizeOf(shape)) {
      throw new ValueError(`Tensor: data has ${data.length} elements but shape ${fmtShape(shape)} needs ${sizeOf(shape)}`);
    }
    // a second tensor over an op output's storage (a view, detach): dispose may no longer release it
    if (data !== null && data.byteLength >= POOL_MIN_BYTES && owners.has(data)) pinned.add(data);
  }

  /** The raw storage. Throws on symbolic (traced) tensors: their values do not exist yet, and on disposed ones. */
  get data(): TypedArray {
    if (this.disposedFlag) {
      throw new ValueError(`a disposed tensor ${fmtShape(this.shape)} was used: its values are gone (dispose() or \`using\` ended its lifetime)`);
    }
    if (this.storage === null) {
      throw new ValueError(`cannot read the values of a symbolic tensor ${fmtShape(this.shape)} while tracing: data-dependent host code is not traceable`);
    }
    return this.storage;
  }

  /** True for a tensor created while tracing (no values). */
  get isSymbolic(): boolean {
    return this.storage === null;
  }

  /** True once {@link dispose} ran: the tensor's values may no longer be read. */
  get isDisposed(): boolean {
    return this.disposedFlag;
  }

  /**
   * End this tensor's lifetime: its values may not be read again (reading them, or passing the
   * tensor to an op, throws a `ValueError`), and when the engine allocated its storage for the op
   * that made it and nothing else refers to that storage, the storage goes back to the engine at
   * once — to the wasm kernels' memory for a resident array, to the eager buffer pool for a plain
   * one — so later ops of that size reuse it instead of allocating (no page faults, no garbage
   * collection; outputs of a size that was disposed may also grow resident storage, so the wasm
   * kernels write them in place). Storage is kept, and left to the garbage collector, when another
   * tensor wraps the same storage (a view such as `reshape`, `detach`), when it came from the user
   * (`fromData`) or a creation function, or while tracing. A tensor autograd holds — it requires
   * grad, was made by a recorded op, or a recorded op read it — is not disposed at all (the call
   * does nothing): the backward pass will read it; nor is a tensor a traced step (`trace`,
   * `compile`) reads as a constant. Disposing twice does nothing.
   *
   * JavaScript's `using` declaration calls it at the end of the block (`[Symbol.dispose]`), the way
   * PyTorch frees a tensor when its last reference goes — the lifetime the engine cannot see on its
   * own (docs/design/memory.md, "Stated lifetimes"):
   * ```ts
   * noGrad(() => {
   *   for (const batch of batches) {
   *     using h = relu(matmul(batch, w)); // h's storage is reused by the next iteration
   *     total += h.sum().item();
   *   }
   * });
   * ```
   * (With gradients recorded, `h` would belong to the autograd graph, and `dispose` would leave it
   * alone.)
   * The caller promises not to use the tensor's `data` afterwards (an array taken from it before
   * may be overwritten by later ops).
   */
  dispose(): void {
    if (this.disposedFlag || this.requiresGrad || this.node !== null || this.captured) return;
    this.disposedFlag = true;
    const d = this.storage;
    if (d === null) return;
    if (owners.get(d) !== this || pinned.has(d)) {
      // not handed back; an untracked op output of a size not disposed before teaches the size
      if (d.byteLength >= POOL_MIN_BYTES && !owners.has(d)) noteDisposedSize(d);
      return;
    }
    owners.delete(d);
    releaseDisposed(d);
  }

  /** `using t = …` disposes `t` at the end of the block: {@link dispose}. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** Number of elements. */
  get size(): number {
    return sizeOf(this.shape);
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** True if this tensor was not produced by a differentiable op. */
  get isLeaf(): boolean {
    return this.node === null;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new ValueError(`item: tensor of shape ${fmtShape(this.shape)} has ${this.size} elements, expected 1`);
    return this.data[0]!;
  }

  /** Values as nested arrays (a number for a 0-d tensor). */
  toArray(): NestedArray {
    const d = this.data;
    const shape = this.shape;
    if (shape.length === 0) return d[0]!;
    const build = (dim: number, off: number): NestedArray[] => {
      const n = shape[dim]!;
      const out: NestedArray[] = new Array(n);
      if (dim === shape.length - 1) {
        for (let i = 0; i < n; i++) out[i] = d[off + i]!;
      } else {
        const stride = sizeOf(shape.slice(dim + 1));
        for (let i = 0; i < n; i++) out[i] = build(dim + 1, off + i * stride);
      }
      return out;
    };
    return build(0, 0);
  }

  /** Values as a flat plain array. */
  toFlatArray(): number[] {
    return Array.from(this.data);
  }

  /** Register a gradient hook; returns a function that removes it. */
  registerHook(hook: GradHook): () => void {
    (this.hooks ??= []).push(hook);
    return () => {
      const i = this.hooks?.indexOf(hook) ?? -1;
      if (i >= 0) this.hooks!.splice(i, 1);
    };
  }

  /** Keep the gradient of this non-leaf tensor in `.grad` after backward. */
  retainGrad(): this {
    this.retainsGrad = true;
    return this;
  }

  /** Set `requiresGrad` (leaves only) and return this. */
  requireGrad(flag = true): this {
    this.requiresGrad = flag;
    return this;
  }

  /**
   * Overwrite the values in place (optimizers, loadStateDict). The length must match. Bumps
   * {@link Tensor.version}, so a backward pass that needs the old values raises a `GradError`.
   */
  assign(data: TypedArray | ArrayLike<number>): void {
    if (data === null || typeof data !== 'object' || typeof (data as ArrayLike<number>).length !== 'number') {
      throw new ValueError(`assign: expected a typed array or an array of numbers, got ${data === null ? 'null' : typeof data}`);
    }
    if (data.length !== this.size) throw new ValueError(`assign: ${data.length} values for a tensor of shape ${fmtShape(this.shape)}`);
    this.data.set(data as ArrayLike<number>);
    this.markModified();
  }

  /**
   * How many times the storage was modified in place through the API ({@link Tensor.assign},
   * {@link Tensor.markModified}); shared with views of the same storage (reshape, detach). Autograd
   * records it when an op saves this tensor and checks it in backward, as PyTorch does.
   */
  get version(): number {
    return this.versionCell?.n ?? 0;
  }

  /**
   * Declare an in-place write done directly through `.data` (an optimizer step, a loader): bumps
   * {@link Tensor.version}. Code that writes `.data` without calling this escapes the check.
   */
  markModified(): void {
    (this.versionCell ??= { n: 0 }).n++;
  }

  /** Short description, e.g. `Tensor(float32 [2,3])`. */
  toString(): string {
    return `Tensor(${this.dtype} ${fmtShape(this.shape)}${this.requiresGrad ? ' requiresGrad' : ''})`;
  }
}
