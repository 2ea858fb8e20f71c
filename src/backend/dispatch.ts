/**
 * Kernel selection in one place: a backend built as an ordered chain of kernel providers (e.g.
 * wasm SIMD → plain-JS CSR → JS reference), each with an explicit, O(1) `accepts` check.
 *
 * The policy, for every call of an op:
 * 1. the providers that have a kernel for the op are tried in chain order;
 * 2. a provider runs only if its `accepts(op, inputs, outputs, attrs)` says yes — a check on
 *    dtypes, shapes, attributes and availability (is the wasm runtime loaded, is the work above
 *    the provider's threshold), never a pass over the data;
 * 3. a provider's kernel may still **decline** by returning `false`, before writing any output,
 *    when the validation pass it makes anyway finds input it does not handle (an index out of range,
 *    ids declared sorted that are not) or a resource runs out (wasm32 memory); the next provider
 *    in the chain then runs;
 * 4. the last provider is the JS reference, which accepts everything, never declines, and throws
 *    the named error (`IndexError`, `ValueError`, …) for bad input — so every backend built here
 *    has the reference's contract, errors included.
 *
 * docs/design/kernel-dispatch.md describes the chain of the `cpu` backend and what it replaced.
 * @module
 */
import type { Backend, DType, Kernel, KernelTensor, TypedArray } from './types.js';
import { BackendError } from '../util/errors.js';

/**
 * A provider's kernel: like {@link Kernel}, but it may return `false` to decline the call (before
 * writing any output); anything else means it ran.
 */
export type ProviderKernel = (inputs: readonly KernelTensor[], outputs: readonly KernelTensor[], attrs: any) => boolean | void;

/** One link of a chain: kernels for some ops and the check that decides whether it takes a call. */
export interface KernelProvider {
  /** Name, for `explain` and the per-provider call counts. */
  readonly name: string;
  /** Kernels by op name (a provider need not have every op). */
  readonly kernels: Readonly<Record<string, ProviderKernel>>;
  /**
   * Whether this provider takes a call of `op` (it has a kernel for it). Must be O(1) in the data
   * size: dtypes, shapes, attributes, availability — no pass over the data.
   */
  accepts(op: string, inputs: readonly KernelTensor[], outputs: readonly KernelTensor[], attrs: any): boolean;
}

/** A backend built by {@link chainBackend}. */
export interface ChainBackend extends Backend {
  /** The providers, in the order they are tried. */
  readonly providers: readonly KernelProvider[];
  /** Calls per op and provider that ran them (declined calls are not counted for the decliner). */
  readonly counts: Record<string, Record<string, number>>;
  /** Name of the first provider in the chain that has `op` and accepts this call (before any decline). */
  explain(op: string, inputs: readonly KernelTensor[], outputs: readonly KernelTensor[], attrs: unknown): string | null;
}

const acceptAll = (): boolean => true;

/** A provider that takes every call of the ops of `backend`'s kernel table (e.g. the JS reference). */
export function everyCall(backend: Pick<Backend, 'name' | 'kernels'>): KernelProvider {
  return { name: backend.name, kernels: backend.kernels, accepts: acceptAll };
}

/**
 * A backend whose kernel for each op tries `providers` in order (see the module doc for the
 * policy). The last provider should accept every call of every op (the JS reference): a call that
 * no provider takes throws a `BackendError` naming the op and the providers.
 */
export function chainBackend(name: string, providers: readonly KernelProvider[], alloc: (dtype: DType, size: number) => TypedArray): ChainBackend {
  const counts: Record<string, Record<string, number>> = {};
  const kernels: Record<string, Kernel> = {};
  const ops = new Set(providers.flatMap((p) => Object.keys(p.kernels)));
  for (const op of ops) {
    const chain = providers.filter((p) => p.kernels[op]).map((p) => ({ p, k: p.kernels[op]! }));
    const count: Record<string, number> = (counts[op] = Object.fromEntries(chain.map(({ p }) => [p.name, 0])));
    if (chain.length === 1 && chain[0]!.p.accepts === acceptAll) {
      const { p, k } = chain[0]!; // only the reference has this op: no checks to make
      kernels[op] = (inputs, outputs, attrs) => { k(inputs, outputs, attrs); count[p.name]!++; };
      continue;
    }
    kernels[op] = (inputs, outputs, attrs) => {
      for (const { p, k } of chain) {
        if (!p.accepts(op, inputs, outputs, attrs)) continue;
        if (k(inputs, outputs, attrs) === false) continue; // declined: the next provider runs
        count[p.name]!++;
        return;
      }
      throw new BackendError(`${name}: no kernel took op '${op}' (tried ${chain.map(({ p }) => p.name).join(', ')}; input shapes ${inputs.map((t) => `[${t.shape.join(', ')}]`).join(', ')})`);
    };
  }
  const explain = (op: string, inputs: readonly KernelTensor[], outputs: readonly KernelTensor[], attrs: unknown): string | null =>
    providers.find((p) => p.kernels[op] && p.accepts(op, inputs, outputs, attrs))?.name ?? null;
  return { name, alloc, kernels, providers, counts, explain };
}
